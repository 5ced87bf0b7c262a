using InsureCrm.Core.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Nightly;

public static class NightlyFeature
{
    /// <summary>
    /// The chain and its own steps. A feature below Nightly adds a step by registering an <see cref="INightlyStep"/>
    /// with its own order in its own <c>Add&lt;Feature&gt;</c>; the chain runs every registered step.
    /// </summary>
    public static IServiceCollection AddNightly(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<INightlyStep, ValueStep>();
        services.AddSingleton<INightlyStep, LifecycleStep>();
        services.AddSingleton<INightlyStep, SegmentsStep>();
        services.AddSingleton<INightlyStep, ScoresStep>();
        services.AddSingleton<NightlyChain>();
        return services;
    }
}
