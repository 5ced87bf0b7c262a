namespace InsureCrm.Web.Value;

/// <summary>The Value feature of the web host: the value and segment pages and the nightly value chain's schedule.</summary>
internal static class ValueWeb
{
    public static WebApplicationBuilder AddValueWeb(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ValueScheduleOptions>().Bind(builder.Configuration.GetSection(ValueScheduleOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ValueChainJob>().AddHostedService(sp => sp.GetRequiredService<ValueChainJob>());
        return builder;
    }

    /// <summary>No endpoints of its own: its pages are found by the router.</summary>
    public static IEndpointRouteBuilder MapValueWeb(this IEndpointRouteBuilder app) => app;
}
