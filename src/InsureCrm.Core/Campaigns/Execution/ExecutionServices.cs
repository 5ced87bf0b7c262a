using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Campaigns.Execution;

public static class ExecutionServices
{
    /// <summary>
    /// Release and the sender (e-mail through its transport, SMS through the gateway when <c>Campaigns:Sms:Url</c> is
    /// set), the DM export, the unsubscribe link, agents' lists and the call list (piece 2 of docs/plans/issue12-campaigns.md).
    /// </summary>
    public static IServiceCollection AddCampaignExecution(this IServiceCollection services, CampaignsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton<IEmailTransportFactory, EmailTransportFactory>();
        if (!string.IsNullOrWhiteSpace(options.Sms.Url))
        {
            // Without it the sender keeps SMS contacts Pending and says so in its summary.
            services.AddSingleton<ISmsGateway>(_ => new HttpSmsGateway(new HttpClient(), options.Sms));
        }
        services.AddScoped<CampaignSender>();
        services.AddScoped<ICampaignSender>(sp => sp.GetRequiredService<CampaignSender>());
        services.AddScoped<IDmExport, DmExport>();
        services.AddScoped<IUnsubscribe, Unsubscribe>();
        services.AddScoped<ICampaignWorkLists, CampaignWorkLists>();
        return services;
    }
}
