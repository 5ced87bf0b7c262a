namespace InsureCrm.Web.Campaigns;

/// <summary>The Campaigns feature of the web host: the library, the plan form, the record page, the rule builder and their posts.</summary>
internal static class CampaignsWeb
{
    public static WebApplicationBuilder AddCampaignsWeb(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CampaignReads>();
        builder.Services.AddSingleton<UpliftReads>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCampaignsWeb(this IEndpointRouteBuilder app) => app.MapCampaignEndpoints();
}
