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
        if (!string.IsNullOrWhiteSpace(options.Sms.Url))
        {
            // Not yet called by the sender (SMS sending is the next step of piece 2); registered so it can be resolved.
            services.AddSingleton<ISmsGateway>(_ => new HttpSmsGateway(new HttpClient(), options.Sms));
        }
        return services;
    }
}
