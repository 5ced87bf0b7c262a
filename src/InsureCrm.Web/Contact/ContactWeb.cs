namespace InsureCrm.Web.Contact;

/// <summary>The Contact feature of the web host: the customer's consents and the contact check, with the customer page's consent panel.</summary>
internal static class ContactWeb
{
    /// <summary>Nothing of its own yet: the panel and endpoints use Core's services.</summary>
    public static WebApplicationBuilder AddContactWeb(this WebApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapContactWeb(this IEndpointRouteBuilder app) => app.MapConsentEndpoints();
}
