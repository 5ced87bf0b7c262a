using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using InsureCrm.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace InsureCrm.Web.Customers;

/// <summary>The version a contact edit produced.</summary>
internal sealed record ContactSaved(long Id, int Version);

/// <summary>The body of <c>POST /api/customers/{id}/unmask</c>: which field, and why (an access-reason code, a note for "other").</summary>
internal sealed record UnmaskBody(UnmaskField? Field, string? Reason, string? Note, long? ItemId);

/// <summary>One field in full.</summary>
internal sealed record UnmaskedValue(UnmaskField Field, string Value);

/// <summary>
/// <c>/api/customers</c>: search, the contact edit and unmasking; plus the HTML fragments that htmx swaps
/// into the pages (the single customer view and its contact history are CustomerView's). Each route requires
/// its capability's policy (a role without it gets 403); a customer outside the user's scope answers exactly
/// like an unknown id (404, same body). Call center and compliance open a customer only with a
/// <c>reason</c> (and <c>note</c> for "other"); without one the answer is 400 naming <c>reason</c>.
/// </summary>
internal static class CustomerEndpoints
{
    public static IEndpointRouteBuilder MapCustomerEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/customers").WithTags("Customers");
        api.MapGet("/", SearchAsync).WithName("SearchCustomers").RequireAuthorization(Capability.CustomersSearch);
        api.MapPut("/{id:long}/contact", UpdateContactAsync).WithName("UpdateCustomerContact").RequireAuthorization(Capability.CustomersEdit);
        api.MapPost("/{id:long}/unmask", UnmaskAsync).WithName("UnmaskCustomerField").RequireAuthorization(Capability.CustomersUnmask);

        var fragments = app.MapGroup("/customers").ExcludeFromDescription();
        fragments.MapGet("/results", SearchFragmentAsync).RequireAuthorization(Capability.CustomersSearch);
        fragments.MapPost("/{id:long}/unmask", UnmaskFragmentAsync).RequireAuthorization(Capability.CustomersUnmask);
        return app;
    }

    public static async Task<Results<Ok<CustomerSearchPage>, ValidationProblem>> SearchAsync(
        string? q, SearchKind? kind, string? after, CustomerSearch search, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(q) || q.Length > 100)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["q"] = ["Enter 1 to 100 characters: a name, phone, contract number or RRN."] });
        }
        var page = await search.SearchAsync(HttpCurrentUser.Required(http), q, kind ?? SearchKind.Auto, after, CustomerSearch.PageSize, ct);
        return page is null
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["after"] = ["Not a cursor returned by this search."] })
            : TypedResults.Ok(page);
    }

    public static async Task<Results<Ok<ContactSaved>, ValidationProblem, ProblemHttpResult>> UpdateContactAsync(
        long id, string? reason, string? note, [FromBody] CustomerContactUpdate request, CustomerEdit edit, HttpContext http, CancellationToken ct)
    {
        if (request.Phones is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["phones"] = ["Required (an empty list removes all phones)."] });
        }
        var result = await edit.UpdateContactAsync(HttpCurrentUser.Required(http), id, request, AccessReason.Compose(reason, note), ct);
        return result.Status switch
        {
            EditStatus.Saved => TypedResults.Ok(new ContactSaved(id, result.Version)),
            EditStatus.Invalid => TypedResults.ValidationProblem(result.Errors),
            EditStatus.Conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: "The customer was changed by someone else; nothing was saved.",
                detail: "Reload the customer and apply the change again.",
                extensions: new Dictionary<string, object?> { ["currentVersion"] = result.Version }),
            EditStatus.ReasonRequired => ReasonProblem(),
            EditStatus.Forbidden => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Your role cannot change customers."),
            _ => NotFound(),
        };
    }

    public static async Task<Results<Ok<UnmaskedValue>, ValidationProblem, ProblemHttpResult>> UnmaskAsync(
        long id, [FromBody] UnmaskBody body, CustomerUnmask unmask, HttpContext http, CancellationToken ct)
    {
        if (body.Field is not { } field || !Enum.IsDefined(field))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["field"] = ["One of Rrn, Phone, Email."] });
        }
        var result = await unmask.UnmaskAsync(HttpCurrentUser.Required(http), id, new UnmaskRequest(field, body.Reason, body.Note, body.ItemId), ct);
        return result.Status switch
        {
            UnmaskStatus.Shown => TypedResults.Ok(new UnmaskedValue(field, result.Value!)),
            UnmaskStatus.ReasonRequired => ReasonProblem(),
            UnmaskStatus.Forbidden => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Your role cannot unmask personal data."),
            _ => NotFound(),
        };
    }

    /// <summary>The one 404 of every customer route: unknown, merged-away without a reachable survivor, and out of scope look the same.</summary>
    internal static ProblemHttpResult NotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such customer.");

    internal static ValidationProblem ReasonProblem() => DownloadReason.Problem();

    private static async Task<RazorComponentResult<SearchResults>> SearchFragmentAsync(
        string? q, SearchKind? kind, string? after, CustomerSearch search, HttpContext http, CancellationToken ct)
    {
        var page = string.IsNullOrWhiteSpace(q) ? null
            : await search.SearchAsync(HttpCurrentUser.Required(http), q, kind ?? SearchKind.Auto, after, CustomerSearch.PageSize, ct);
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

    /// <summary>The htmx unmask button: a form with the field, reason and antiforgery token; answers the value as a fragment.</summary>
    private static async Task<IResult> UnmaskFragmentAsync(
        long id, [FromForm] UnmaskForm form, CustomerUnmask unmask, HttpContext http, CancellationToken ct)
    {
        if (!Enum.TryParse<UnmaskField>(form.Field, ignoreCase: true, out var field))
        {
            return TypedResults.BadRequest();
        }
        var result = await unmask.UnmaskAsync(HttpCurrentUser.Required(http), id, new UnmaskRequest(field, form.Reason, form.Note, form.ItemId), ct);
        if (result.Status == UnmaskStatus.NotFound)
        {
            return TypedResults.NotFound();
        }
        if (result.Status == UnmaskStatus.ReasonRequired)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        return new RazorComponentResult<UnmaskedFragment>(new { Result = result });
    }
}

/// <summary>The fields of the unmask form on the customer page.</summary>
// A class, not a positional record: minimal APIs answer a bare 400 when a form omits any
// constructor parameter, and browsers and scripts leave optional fields out.
internal sealed class UnmaskForm
{
    public string? Field { get; init; }
    public string? Reason { get; init; }
    public string? Note { get; init; }
    public long? ItemId { get; init; }
}
