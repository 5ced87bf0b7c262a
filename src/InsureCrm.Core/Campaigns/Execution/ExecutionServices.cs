using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Campaigns.Execution;

public static class ExecutionServices
{
    /// <summary>Release, the sender and its transports (e-mail, SMS), DM export, the call list, agents' lists and unsubscribe. Filled by piece 2 of docs/plans/issue12-campaigns.md; registers nothing yet.</summary>
    public static IServiceCollection AddCampaignExecution(this IServiceCollection services, CampaignsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return services;
    }
}
