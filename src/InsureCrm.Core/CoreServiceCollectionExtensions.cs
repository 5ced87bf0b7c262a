using InsureCrm.Core.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>Everything Core offers to the web host and the CLI alike.</summary>
    public static IServiceCollection AddCrmCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCrmDatabase(configuration);
        return services;
    }
}
