namespace InsureCrm.Web.CustomerView;

/// <summary>The CustomerView feature of the web host: the single customer page with the sections it composes from the features below.</summary>
internal static class CustomerViewWeb
{
    /// <summary>Nothing of its own yet: the page and endpoints use Core's customer view.</summary>
    public static WebApplicationBuilder AddCustomerViewWeb(this WebApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapCustomerViewWeb(this IEndpointRouteBuilder app) => app.MapCustomerViewEndpoints();
}
