using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Campaigns.Targeting;

public static class TargetingServices
{
    /// <summary>The rule catalogue and compiler, the live count and the target profile. Filled by piece 1 of docs/plans/issue12-campaigns.md; registers nothing yet.</summary>
    public static IServiceCollection AddCampaignTargeting(this IServiceCollection services, CampaignsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return services;
    }
}
