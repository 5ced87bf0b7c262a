using InsureCrm.Core.Common;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Campaigns.Measurement;

public static class MeasurementServices
{
    /// <summary>Attribution, results and their export, the dashboard and the marketer's home, the nightly <c>campaigns</c> step and the demo campaigns (piece 3 of docs/plans/issue12-campaigns.md).</summary>
    public static IServiceCollection AddCampaignMeasurement(this IServiceCollection services, CampaignsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton<CampaignAttribution>();
        services.AddSingleton<IResponseAttribution>(sp => sp.GetRequiredService<CampaignAttribution>());
        services.AddSingleton<ICampaignResults, CampaignResultsService>();
        services.AddSingleton<ICampaignDashboard, CampaignDashboardService>();
        services.AddSingleton<INightlyStep, CampaignsNightlyStep>();
        return services;
    }
}
