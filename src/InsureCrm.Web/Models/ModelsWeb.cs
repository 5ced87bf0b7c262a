namespace InsureCrm.Web.Models;

/// <summary>The Models feature of the web host: the registry, the agent scores, and the workbench (pages and API).</summary>
internal static class ModelsWeb
{
    public static WebApplicationBuilder AddModelsWeb(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<WorkbenchOptions>().Bind(builder.Configuration.GetSection(WorkbenchOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WorkbenchStore>();
        services.AddSingleton<WorkbenchTrainer>();
        return builder;
    }

    public static IEndpointRouteBuilder MapModelsWeb(this IEndpointRouteBuilder app) => app.MapModelEndpoints();
}
