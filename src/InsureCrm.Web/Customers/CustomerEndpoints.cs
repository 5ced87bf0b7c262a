using InsureCrm.Core.Customers;
using InsureCrm.Web.Components.Customers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace InsureCrm.Web.Customers;

/// <summary>The version a contact edit produced.</summary>
internal sealed record ContactSaved(long Id, int Version);

/// <summary>
/// <c>/api/customers</c>: search, the single customer view, older contact history and the contact edit;
/// plus the HTML fragments that htmx swaps into the pages. A merged customer's id answers 404 with
/// <c>mergedIntoId</c> (and <c>survivor</c>, its URL) in the ProblemDetails, so clients can follow it.
/// </summary>
internal static class CustomerEndpoints
{
    public static IEndpointRouteBuilder MapCustomerEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/customers").WithTags("Customers");
        api.MapGet("/", SearchAsync).WithName("SearchCustomers");
        api.MapGet("/{id:long}", GetAsync).WithName("GetCustomer");
        api.MapGet("/{id:long}/interactions", TimelineAsync).WithName("GetCustomerInteractions");
        api.MapPut("/{id:long}/contact", UpdateContactAsync).WithName("UpdateCustomerContact");

        var fragments = app.MapGroup("/customers").ExcludeFromDescription();
        fragments.MapGet("/results", SearchFragmentAsync);
        fragments.MapGet("/{id:long}/timeline", TimelineFragmentAsync);
        return app;
    }

    public static async Task<Results<Ok<CustomerSearchPage>, ValidationProblem>> SearchAsync(
        string? q, SearchKind? kind, string? after, CustomerSearch search, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(q) || q.Length > 100)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["q"] = ["Enter 1 to 100 characters: a name, phone, contract number or RRN."] });
        }
        var page = await search.SearchAsync(q, kind ?? SearchKind.Auto, after, CustomerSearch.PageSize, ct);
        return page is null
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["after"] = ["Not a cursor returned by this search."] })
            : TypedResults.Ok(page);
    }

    public static async Task<Results<Ok<CustomerView>, ProblemHttpResult>> GetAsync(long id, CustomerViewService views, CancellationToken ct)
    {
        var lookup = await views.GetAsync(id, ct);
        if (lookup.View is { } view)
        {
            return TypedResults.Ok(view);
        }
        return lookup.MergedIntoId is { } survivor
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "The customer was merged into another record.",
                extensions: new Dictionary<string, object?> { ["mergedIntoId"] = survivor, ["survivor"] = $"/api/customers/{survivor}" })
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such customer.");
    }

    public static async Task<Results<Ok<TimelinePage>, ProblemHttpResult, ValidationProblem>> TimelineAsync(
        long id, string? before, CustomerViewService views, CancellationToken ct)
    {
        if (!await views.ExistsAsync(id, ct))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such customer.");
        }
        var page = await views.TimelinePageAsync(id, before, CustomerViewService.TimelinePageSize, ct);
        return page is null
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["before"] = ["Not a cursor returned by this endpoint."] })
            : TypedResults.Ok(page);
    }

    public static async Task<Results<Ok<ContactSaved>, ValidationProblem, ProblemHttpResult>> UpdateContactAsync(
        long id, [FromBody] CustomerContactUpdate request, CustomerEdit edit, CancellationToken ct)
    {
        if (request.Phones is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["phones"] = ["Required (an empty list removes all phones)."] });
        }
        var result = await edit.UpdateContactAsync(id, request, ct);
        return result.Status switch
        {
            EditStatus.Saved => TypedResults.Ok(new ContactSaved(id, result.Version)),
            EditStatus.Invalid => TypedResults.ValidationProblem(result.Errors),
            EditStatus.Conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: "The customer was changed by someone else; nothing was saved.",
                detail: "Reload the customer and apply the change again.",
                extensions: new Dictionary<string, object?> { ["currentVersion"] = result.Version }),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such customer."),
        };
    }

    private static async Task<RazorComponentResult<SearchResults>> SearchFragmentAsync(
        string? q, SearchKind? kind, string? after, CustomerSearch search, HttpContext http, CancellationToken ct)
    {
        var page = string.IsNullOrWhiteSpace(q) ? null : await search.SearchAsync(q, kind ?? SearchKind.Auto, after, CustomerSearch.PageSize, ct);
        // The address bar shows the full page's URL, so a reload or a shared link works without htmx.
        http.Response.Headers["HX-Push-Url"] = SearchResults.PageUrl(q, kind, after);
        return new RazorComponentResult<SearchResults>(new
        {
            Page = page,
            Query = q,
            Kind = kind,
            BadCursor = !string.IsNullOrWhiteSpace(q) && page is null,
        });
    }

    private static async Task<IResult> TimelineFragmentAsync(long id, string? before, CustomerViewService views, CancellationToken ct)
    {
        var page = await views.ExistsAsync(id, ct) ? await views.TimelinePageAsync(id, before, CustomerViewService.TimelinePageSize, ct) : null;
        return page is null
            ? TypedResults.NotFound()
            : new RazorComponentResult<TimelineRows>(new { CustomerId = id, Page = page });
    }
}
