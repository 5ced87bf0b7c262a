using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Models;

public static class ModelsFeature
{
    /// <summary>
    /// The insurer's models (options validated now): training, scoring, the registry, the truth comparison, the demo's
    /// models, and the queries pages read (the registry overview, agents' scores, the lapse watch).
    /// </summary>
    public static IServiceCollection AddModels(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new InsurerModelOptions();
        configuration.GetSection(InsurerModelOptions.Section).Bind(options);
        var errors = options.Validate().ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", errors));
        }
        services.AddSingleton(options);
        services.AddSingleton<InsurerModelTrainer>();
        services.AddSingleton<InsurerModelScorer>();
        services.AddSingleton<ModelRegistry>();
        services.AddSingleton<TruthComparison>();
        services.AddSingleton<DemoModels>();
        services.AddSingleton<ModelRegistryQueries>();
        services.AddSingleton<AgentScoreQueries>();
        services.AddScoped<LapseWatch>();
        return services;
    }
}
