using InsureCrm.Core.Common;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Campaigns.Targeting;

public static class TargetingServices
{
    /// <summary>
    /// The live count and the target profile of a rule (the catalogue and compiler are static), and the nightly step
    /// that builds the targeting mart they read.
    /// </summary>
    public static IServiceCollection AddCampaignTargeting(this IServiceCollection services, CampaignsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddScoped<ICampaignTargeting, CampaignTargeting>();
        services.AddSingleton<INightlyStep, TargetingMartStep>();
        return services;
    }
}
