using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Campaigns.Planning;

public static class PlanningServices
{
    /// <summary>The plan's use cases (create, edit, approve, start, close, cancel, roll out), validation and the library.</summary>
    public static IServiceCollection AddCampaignPlanning(this IServiceCollection services, CampaignsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddScoped<ICampaignPlanning, CampaignPlanning>();
        services.AddScoped<ICampaignLibrary, CampaignLibrary>();
        services.AddScoped<ICampaignSplitter, CampaignSplitter>();
        return services;
    }
}
