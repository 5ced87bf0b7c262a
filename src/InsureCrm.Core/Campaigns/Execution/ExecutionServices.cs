using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Campaigns.Execution;

public static class ExecutionServices
{
    /// <summary>Release, the sender and its e-mail transport (piece 2 of docs/plans/issue12-campaigns.md); the unsubscribe link, agents' lists and the call list; SMS and DM export are still to come.</summary>
    public static IServiceCollection AddCampaignExecution(this IServiceCollection services, CampaignsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton<IEmailTransportFactory, EmailTransportFactory>();
        services.AddScoped<CampaignSender>();
        services.AddScoped<ICampaignSender>(sp => sp.GetRequiredService<CampaignSender>());
        services.AddScoped<IUnsubscribe, Unsubscribe>();
        services.AddScoped<ICampaignWorkLists, CampaignWorkLists>();
        return services;
    }
}
