using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Campaigns.Planning;

public static class PlanningServices
{
    /// <summary>The plan's use cases (create, edit, approve, start, close, cancel, roll out), validation, the split and the P&amp;L simulation. Filled by piece 1 of docs/plans/issue12-campaigns.md; registers nothing yet.</summary>
    public static IServiceCollection AddCampaignPlanning(this IServiceCollection services, CampaignsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return services;
    }
}
