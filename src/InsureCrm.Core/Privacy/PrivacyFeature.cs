using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Privacy;

public static class PrivacyFeature
{
    /// <summary>Data-subject rights, the retention purge and key rotation.</summary>
    public static IServiceCollection AddPrivacy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PrivacyOptions>().Configure(o => configuration.GetSection(PrivacyOptions.Section).Bind(o)).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<DataSubjectRights>().AddScoped<DataSubjectPurge>().AddScoped<Security.KeyRotation>();
        return services;
    }
}
