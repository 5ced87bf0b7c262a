using InsureCrm.Core.Customers;
using InsureCrm.Core.CustomerView;
using InsureCrm.Core.Security;
using InsureCrm.Web.Customers;
using InsureCrm.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InsureCrm.Web.CustomerView;

/// <summary>
/// The single customer view under <c>/api/customers</c>: the customer with every section, and older contact
/// history; plus the timeline fragment that htmx swaps into the customer page. Scope, reason and merge rules
/// are those of <see cref="CustomerEndpoints"/>: a customer outside the user's scope answers exactly like an
/// unknown id (404, same body); call center and compliance open a customer only with a <c>reason</c> (and
/// <c>note</c> for "other"), else 400 naming <c>reason</c>; a merged customer's id answers 404 with
/// <c>mergedIntoId</c> (and <c>survivor</c>, its URL) when the user may open the survivor.
/// </summary>
internal static class CustomerViewEndpoints
{
    public static IEndpointRouteBuilder MapCustomerViewEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/customers").WithTags("Customers");
        api.MapGet("/{id:long}", GetAsync).WithName("GetCustomer").RequireAuthorization(Capability.CustomersView);
        api.MapGet("/{id:long}/interactions", TimelineAsync).WithName("GetCustomerInteractions").RequireAuthorization(Capability.CustomersView);

        var fragments = app.MapGroup("/customers").ExcludeFromDescription();
        fragments.MapGet("/{id:long}/timeline", TimelineFragmentAsync).RequireAuthorization(Capability.CustomersView);
        return app;
    }

    public static async Task<Results<Ok<CustomerPageView>, ProblemHttpResult, ValidationProblem>> GetAsync(
        long id, string? reason, string? note, CustomerViewService views, HttpContext http, CancellationToken ct)
    {
        var lookup = await views.GetAsync(HttpCurrentUser.Required(http), id, AccessReason.Compose(reason, note), ct);
        if (lookup.View is { } view)
        {
            return TypedResults.Ok(view);
        }
        if (lookup.MergedIntoId is { } survivor)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "The customer was merged into another record.",
                extensions: new Dictionary<string, object?> { ["mergedIntoId"] = survivor, ["survivor"] = $"/api/customers/{survivor}" });
        }
        return Refusal<CustomerPageView>(lookup.Reach);
    }

    public static async Task<Results<Ok<TimelinePage>, ProblemHttpResult, ValidationProblem>> TimelineAsync(
        long id, string? before, string? reason, string? note, CustomerViewService views, HttpContext http, CancellationToken ct)
    {
        var lookup = await views.TimelineAsync(HttpCurrentUser.Required(http), id, before, AccessReason.Compose(reason, note), ct: ct);
        if (lookup.Page is { } page)
        {
            return TypedResults.Ok(page);
        }
        return lookup.BadCursor
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["before"] = ["Not a cursor returned by this endpoint."] })
            : Refusal<TimelinePage>(lookup.Reach);
    }

    private static Results<Ok<T>, ProblemHttpResult, ValidationProblem> Refusal<T>(Reach reach) => reach switch
    {
        Reach.ReasonRequired => CustomerEndpoints.ReasonProblem(),
        Reach.Forbidden => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Your role cannot open individual customers."),
        _ => CustomerEndpoints.NotFound(),
    };

    private static async Task<IResult> TimelineFragmentAsync(
        long id, string? before, string? reason, string? note, CustomerViewService views, HttpContext http, CancellationToken ct)
    {
        var lookup = await views.TimelineAsync(HttpCurrentUser.Required(http), id, before, AccessReason.Compose(reason, note), ct: ct);
        return lookup switch
        {
            { Page: { } page } => new RazorComponentResult<TimelineRows>(new { CustomerId = id, Page = page, Reason = reason, Note = note }),
            { Reach: Reach.ReasonRequired } or { BadCursor: true } => TypedResults.BadRequest(),
            _ => TypedResults.NotFound(),
        };
    }
}
