using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Campaigns.Planning;

public static class PlanningServices
{
    /// <summary>The plan's use cases (create, edit, approve, start, close, cancel, roll out), validation, the library, the split and the P&amp;L simulation.</summary>
    public static IServiceCollection AddCampaignPlanning(this IServiceCollection services, CampaignsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddScoped<ICampaignPlanning, CampaignPlanning>();
        services.AddScoped<ICampaignLibrary, CampaignLibrary>();
        services.AddScoped<ICampaignSplitter, CampaignSplitter>();
        // The hosts register their configuration (the web host's builder, the CLI's ServiceCollection); tests may not.
        services.AddSingleton(sp => SimulationOptions.From(sp.GetService<IConfiguration>()));
        services.AddScoped<ICampaignSimulation, CampaignSimulation>();
        return services;
    }
}
