namespace InsureCrm.Web.Privacy;

/// <summary>The Privacy feature of the web host: data-subject rights (pages and API) and the daily retention purge.</summary>
internal static class PrivacyWeb
{
    public static WebApplicationBuilder AddPrivacyWeb(this WebApplicationBuilder builder)
    {
        builder.Services.AddHostedService<PrivacyPurgeJob>();
        return builder;
    }

    public static IEndpointRouteBuilder MapPrivacyWeb(this IEndpointRouteBuilder app) => app.MapDataSubjectEndpoints();
}
