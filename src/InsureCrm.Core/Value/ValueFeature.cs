using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InsureCrm.Core.Value;

public static class ValueFeature
{
    /// <summary>
    /// Customer value (options validated on start) and its runner and chain; lifecycle rules and runner, the strategy
    /// table and grid (<c>Value:Lifecycle</c>, <c>Value:Strategy</c>); segments; the value and segment figures pages read.
    /// </summary>
    public static IServiceCollection AddValue(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ValueOptions>().Configure(o => configuration.GetSection(ValueOptions.Section).Bind(o)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ValueOptions>, ValueOptionsValidator>();
        services.AddSingleton<ValueRunner>();
        services.AddSingleton<ValueChain>();

        var strategy = StrategyOptions.FromConfiguration(configuration);
        services.AddSingleton(LifecycleOptions.FromConfiguration(configuration));
        services.AddSingleton(strategy).AddSingleton(strategy.Grid).AddSingleton<StrategyTable>();
        services.AddSingleton<LifecycleRunner>();

        services.AddSingleton(SegmentOptions.FromConfiguration(configuration));
        services.AddSingleton<SegmentRunner>();

        services.AddScoped<ValueAnalytics>().AddScoped<SegmentAnalytics>().AddScoped<ValueFigures>();
        return services;
    }
}
