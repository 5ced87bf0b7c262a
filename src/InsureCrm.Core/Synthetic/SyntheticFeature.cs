using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Synthetic;

public static class SyntheticFeature
{
    /// <summary>The demo insurer's generator.</summary>
    public static IServiceCollection AddSynthetic(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<SyntheticInsurer>();
        return services;
    }
}
