using System.Globalization;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using InsureCrm.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace InsureCrm.Web.Contact;

/// <summary>The body of <c>POST /api/customers/{id}/consents</c>.</summary>
/// <param name="Channel">Phone, Sms, Email, Dm or Visit.</param>
/// <param name="Granted">True to grant or re-confirm, false to withdraw (opt-out: always recorded).</param>
/// <param name="NightTimeAllowed">The separate consent to messages between 21:00 and 08:00.</param>
/// <param name="Source">branch, web, call-center, paper or visit.</param>
/// <param name="SeenLatestId">The channel's <c>latestId</c> the client last read; a grant on a stale read is refused with 409.</param>
internal sealed record ConsentBody(ContactChannel? Channel, bool? Granted, bool NightTimeAllowed, string? Source, long? SeenLatestId);

/// <summary>What a recorded statement left: the new row's id and every channel's state.</summary>
internal sealed record ConsentRecorded(long Id, IReadOnlyList<ChannelConsent> Consents);

/// <summary>
/// The fields of the consent form on the customer page (htmx or a plain post). Settable properties, not a
/// positional record: form binding refuses a record whose parameter is missing, and an unticked checkbox
/// (<see cref="Night"/>) sends nothing.
/// </summary>
internal sealed class ConsentForm
{
    public string? Channel { get; set; }
    public string? Decision { get; set; }
    public string? Night { get; set; }
    public string? Source { get; set; }
    public long? Seen { get; set; }
    public string? Reason { get; set; }
    public string? Note { get; set; }
}

/// <summary>
/// Consent and the contact check: <c>GET/POST /api/customers/{id}/consents</c> and
/// <c>GET /api/customers/{id}/contact-check?channel=Phone&amp;purpose=Marketing&amp;at=…</c>, plus the customer
/// page's fragments. Scope and reason rules are those of the customer view (an out-of-scope id is 404;
/// call center and compliance pass <c>reason</c>); every read and change is in the access log.
/// </summary>
internal static class ConsentEndpoints
{
    public static IEndpointRouteBuilder MapConsentEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/customers").WithTags("Consent");
        api.MapGet("/{id:long}/consents", GetAsync).WithName("GetCustomerConsents").RequireAuthorization(Capability.CustomersView);
        api.MapPost("/{id:long}/consents", RecordAsync).WithName("RecordCustomerConsent").RequireAuthorization(Capability.CustomersEdit);
        api.MapGet("/{id:long}/contact-check", CheckAsync).WithName("CheckContact").RequireAuthorization(Capability.CustomersView);

        var fragments = app.MapGroup("/customers").ExcludeFromDescription();
        fragments.MapPost("/{id:long}/consents", RecordFormAsync).RequireAuthorization(Capability.CustomersEdit);
        fragments.MapGet("/{id:long}/contact-check", CheckFragmentAsync).RequireAuthorization(Capability.CustomersView);
        return app;
    }

    public static async Task<Results<Ok<IReadOnlyList<ChannelConsent>>, ProblemHttpResult, ValidationProblem>> GetAsync(
        long id, string? reason, string? note, ConsentService consents, HttpContext http, CancellationToken ct)
    {
        var (reach, list) = await consents.StatusForAsync(HttpCurrentUser.Required(http), id, AccessReason.Compose(reason, note), ct);
        return list is not null ? TypedResults.Ok(list) : Refusal<Ok<IReadOnlyList<ChannelConsent>>>(reach);
    }

    public static async Task<Results<Created<ConsentRecorded>, ProblemHttpResult, ValidationProblem>> RecordAsync(
        long id, string? reason, string? note, [FromBody] ConsentBody body, ConsentService consents, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (body.Channel is not { } channel || !Enum.IsDefined(channel))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["channel"] = ["One of Visit, Phone, Sms, Email, Dm."] });
        }
        if (body.Granted is not { } granted)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["granted"] = ["true to grant or re-confirm, false to withdraw."] });
        }
        var result = await consents.RecordAsync(HttpCurrentUser.Required(http), id,
            new ConsentChange(channel, granted, body.NightTimeAllowed, body.Source ?? "", body.SeenLatestId), ReasonOrDefault(reason, note), ct);
        return result.Status switch
        {
            ConsentRecordStatus.Recorded => TypedResults.Created($"/api/customers/{id}/consents",
                new ConsentRecorded(result.Id!.Value, await consents.StatusAsync(id, clock.GetUtcNow(), ct))),
            ConsentRecordStatus.Invalid => TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [result.Error ?? "source"] = [$"One of {string.Join(", ", ConsentService.Sources)}."],
            }),
            ConsentRecordStatus.Conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: "The customer's consent for this channel changed since you read it; nothing was saved.",
                detail: "Read the consents again: a newer statement (perhaps an opt-out) is in force."),
            ConsentRecordStatus.Forbidden => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Your role cannot change consent."),
            _ => NotFound(),
        };
    }

    public static async Task<Results<Ok<ContactDecision>, ProblemHttpResult, ValidationProblem>> CheckAsync(
        long id, ContactChannel? channel, ContactPurpose? purpose, DateTimeOffset? at, string? reason, string? note,
        ConsentService consents, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (channel is not { } c || !Enum.IsDefined(c) || purpose is not { } p || !Enum.IsDefined(p))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [channel is null ? "channel" : "purpose"] = ["channel: Visit, Phone, Sms, Email or Dm; purpose: Marketing or ContractMaintenance."],
            });
        }
        var request = new ContactRequest(id, c, p, at ?? clock.GetUtcNow());
        var (reach, decision) = await consents.CheckForAsync(HttpCurrentUser.Required(http), request, AccessReason.Compose(reason, note), ct);
        return decision is not null ? TypedResults.Ok(decision) : Refusal<Ok<ContactDecision>>(reach);
    }

    /// <summary>The page's form: htmx swaps the re-rendered panel in; a plain post returns to the page.</summary>
    private static async Task<IResult> RecordFormAsync(long id, [FromForm] ConsentForm form, ConsentService consents, HttpContext http, CancellationToken ct)
    {
        var user = HttpCurrentUser.Required(http);
        if (!Enum.TryParse<ContactChannel>(form.Channel, ignoreCase: false, out var channel) || !Enum.IsDefined(channel)
            || form.Decision is not ("grant" or "withdraw"))
        {
            return TypedResults.BadRequest();
        }
        var change = new ConsentChange(channel, form.Decision == "grant", form.Night is "on" or "true", form.Source ?? "", form.Seen ?? 0);
        var status = (await consents.RecordAsync(user, id, change, ReasonOrDefault(form.Reason, form.Note), ct)).Status;
        if (status is ConsentRecordStatus.NotFound or ConsentRecordStatus.Forbidden)
        {
            return TypedResults.NotFound();
        }
        if (!http.Request.Headers.ContainsKey("HX-Request"))
        {
            var query = AccessReason.Compose(form.Reason, form.Note) is null ? ""
                : "?reason=" + Uri.EscapeDataString(form.Reason!) + (string.IsNullOrWhiteSpace(form.Note) ? "" : "&note=" + Uri.EscapeDataString(form.Note));
            return TypedResults.LocalRedirect($"/customers/{id}{query}#consents");
        }
        if (status != ConsentRecordStatus.Recorded)
        {
            http.Response.StatusCode = status == ConsentRecordStatus.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
            // htmx swaps only 2xx answers unless told otherwise; the panel shows the message either way.
            http.Response.Headers["HX-Reswap"] = "outerHTML";
        }
        return new RazorComponentResult<ConsentPanel>(new { CustomerId = id, Reason = form.Reason, Note = form.Note, Outcome = status });
    }

    private static async Task<IResult> CheckFragmentAsync(long id, ContactChannel? channel, ContactPurpose? purpose, string? at, string? reason, string? note,
        ConsentService consents, ContactPolicy policy, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var when = clock.GetUtcNow();
        if (!string.IsNullOrWhiteSpace(at))
        {
            // The page's datetime-local input is Korean wall-clock time.
            if (!DateTime.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            {
                return TypedResults.BadRequest();
            }
            when = new DateTimeOffset(local, policy.Zone.GetUtcOffset(local)).ToUniversalTime();
        }
        var request = new ContactRequest(id, channel ?? ContactChannel.Phone, purpose ?? ContactPurpose.Marketing, when);
        var (_, decision) = await consents.CheckForAsync(HttpCurrentUser.Required(http), request, AccessReason.Compose(reason, note), ct);
        return decision is null
            ? TypedResults.NotFound()
            : new RazorComponentResult<ContactCheckResult>(new { Request = request, Decision = decision });
    }

    /// <summary>A reason the user gave, else the customer's own request (which a consent statement always is).</summary>
    private static string ReasonOrDefault(string? reason, string? note) => AccessReason.Compose(reason, note) ?? ConsentService.ChangeReason;

    private static ProblemHttpResult NotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such customer.");

    private static Results<T, ProblemHttpResult, ValidationProblem> Refusal<T>(Reach reach) where T : IResult => reach switch
    {
        Reach.ReasonRequired => TypedResults.ValidationProblem(new Dictionary<string, string[]>
        {
            ["reason"] = [$"Say why you open this customer: one of {string.Join(", ", AccessReason.Codes)} (with a note for other)."],
        }),
        Reach.Forbidden => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Your role cannot open individual customers."),
        _ => NotFound(),
    };
}
