namespace InsureCrm.Web.Customers;

/// <summary>The Customers feature of the web host: search, contact edits and unmasking.</summary>
internal static class CustomersWeb
{
    /// <summary>Nothing of its own yet: the pages and endpoints use Core's services.</summary>
    public static WebApplicationBuilder AddCustomersWeb(this WebApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapCustomersWeb(this IEndpointRouteBuilder app) => app.MapCustomerEndpoints();
}
