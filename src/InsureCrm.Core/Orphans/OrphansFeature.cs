using InsureCrm.Core.Common;
using InsureCrm.Core.Worklists.AgentDay;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Orphans;

/// <summary>The orphan-contract service (issue 15): options validated on start and the service.</summary>
public static class OrphansFeature
{
    public static IServiceCollection AddOrphans(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new OrphanOptions();
        configuration.GetSection(OrphanOptions.Section).Bind(options);
        var errors = options.Validate().ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", errors));
        }
        services.AddSingleton(options);
        services.AddScoped<OrphanService>();
        services.AddScoped<IWorkResultListener, HandoverFirstContact>();
        services.AddScoped<OrphanBoard>();
        services.AddScoped<OrphanRetention>();
        services.AddSingleton<INightlyStep, OrphansStep>();
        return services;
    }
}
