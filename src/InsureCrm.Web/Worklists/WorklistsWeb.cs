namespace InsureCrm.Web.Worklists;

/// <summary>
/// The Worklists feature of the web host: the agent's day (<c>/today</c>, <c>/today/{id}</c>, <c>/api/today</c>), and
/// through <see cref="BranchWeb"/> the calendar feed and the branch view.
/// </summary>
internal static class WorklistsWeb
{
    public static WebApplicationBuilder AddWorklistsWeb(this WebApplicationBuilder builder) => builder.AddBranchWeb();

    public static IEndpointRouteBuilder MapWorklistsWeb(this IEndpointRouteBuilder app) => app.MapWorklistEndpoints().MapBranchWeb();
}
