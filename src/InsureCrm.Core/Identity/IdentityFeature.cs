using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Identity;

public static class IdentityFeature
{
    /// <summary>Identity resolution and merges.</summary>
    public static IServiceCollection AddIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IdentityResolution>();
        return services;
    }
}
