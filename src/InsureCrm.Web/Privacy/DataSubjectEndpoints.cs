using System.Globalization;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Privacy;
using InsureCrm.Core.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace InsureCrm.Web.Privacy;

/// <summary>The fields of the compliance page's correction form.</summary>
// A class, not a positional record: minimal APIs answer a bare 400 when a form omits any
// constructor parameter, and browsers and scripts leave optional fields out.
internal sealed class CorrectionForm
{
    public int Version { get; init; }
    public string? Name { get; init; }
    public string? BirthDate { get; init; }
    public Gender Gender { get; init; }
    public string? Rrn { get; init; }
    public string? Reason { get; init; }
    public string? Note { get; init; }
}

/// <summary>The reason fields of the page's export, usage and erasure forms.</summary>
// A class, not a positional record: minimal APIs answer a bare 400 when a form omits any
// constructor parameter, and browsers and scripts leave optional fields out.
internal sealed class ReasonForm
{
    public string? Reason { get; init; }
    public string? Note { get; init; }
    public string? Confirm { get; init; }
}

/// <summary>
/// Data-subject rights for the Compliance role. <c>/api/compliance/subjects/{id}</c>: summary, JSON export
/// (a download), identity correction, erasure and the usage report (JSON or CSV); each takes
/// <c>reason</c> (an access-reason code) and <c>note</c>. <c>/compliance/subjects/{id}/…</c>: the same
/// actions as form posts of the compliance page (antiforgery-checked), answering with a file or a
/// redirect back to the page. Core checks the role again and writes the access log.
/// </summary>
internal static class DataSubjectEndpoints
{
    public static IEndpointRouteBuilder MapDataSubjectEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/compliance/subjects/{id:long}").WithTags("Data subjects")
            .RequireAuthorization(Capability.ComplianceLogs);
        api.MapGet("/", SummaryAsync).WithName("GetDataSubject");
        api.MapGet("/export", ExportAsync).WithName("ExportDataSubject");
        api.MapPut("/identity", CorrectAsync).WithName("CorrectDataSubjectIdentity");
        api.MapPost("/erasure", EraseAsync).WithName("EraseDataSubject");
        api.MapGet("/usage", UsageAsync).WithName("GetDataSubjectUsage");

        var forms = app.MapGroup("/compliance/subjects/{id:long}").ExcludeFromDescription()
            .RequireAuthorization(Capability.ComplianceLogs);
        forms.MapPost("/export", ExportFormAsync);
        forms.MapPost("/correct", CorrectFormAsync);
        forms.MapPost("/erase", EraseFormAsync);
        forms.MapPost("/usage.csv", UsageCsvFormAsync);
        return app;
    }

    public static async Task<Results<Ok<SubjectSummary>, ProblemHttpResult>> SummaryAsync(
        long id, string? reason, string? note, DataSubjectRights rights, CancellationToken ct)
    {
        var result = await rights.SummaryAsync(id, AccessReason.Compose(reason, note), ct);
        return result.Status == SubjectStatus.Ok ? TypedResults.Ok(result.Value!) : Problem(result);
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ExportAsync(
        long id, string? reason, string? note, DataSubjectRights rights, CancellationToken ct)
    {
        var result = await rights.ExportAsync(id, AccessReason.Compose(reason, note), ct);
        return result.Value is { } file ? TypedResults.File(file.Content, file.ContentType, file.FileName) : Problem(result);
    }

    public static async Task<Results<Ok<CorrectionOutcome>, ProblemHttpResult>> CorrectAsync(
        long id, string? reason, string? note, [FromBody] IdentityCorrection request, DataSubjectRights rights, CancellationToken ct)
    {
        var result = await rights.CorrectAsync(id, request, AccessReason.Compose(reason, note), ct);
        return result.Status == SubjectStatus.Ok ? TypedResults.Ok(result.Value!) : Problem(result);
    }

    public static async Task<Results<Ok<ErasureOutcome>, ProblemHttpResult>> EraseAsync(
        long id, string? reason, string? note, DataSubjectRights rights, CancellationToken ct)
    {
        var result = await rights.EraseAsync(id, AccessReason.Compose(reason, note), ct);
        return result.Status == SubjectStatus.Ok ? TypedResults.Ok(result.Value!) : Problem(result);
    }

    public static async Task<Results<Ok<UsageReport>, FileContentHttpResult, ProblemHttpResult>> UsageAsync(
        long id, string? reason, string? note, string? format, DataSubjectRights rights, CancellationToken ct)
    {
        var result = await rights.UsageAsync(id, AccessReason.Compose(reason, note), ct);
        if (result.Value is not { } report)
        {
            return Problem(result);
        }
        return string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase)
            ? TypedResults.File(report.ToCsv(), UsageReport.Csv, CsvName(id))
            : TypedResults.Ok(report);
    }

    private static async Task<IResult> ExportFormAsync(long id, [FromForm] ReasonForm form, DataSubjectRights rights, CancellationToken ct)
    {
        var result = await rights.ExportAsync(id, AccessReason.Compose(form.Reason, form.Note), ct);
        return result.Value is { } file ? TypedResults.File(file.Content, file.ContentType, file.FileName) : BackToPage(id, form.Reason, form.Note, result);
    }

    private static async Task<IResult> UsageCsvFormAsync(long id, [FromForm] ReasonForm form, DataSubjectRights rights, CancellationToken ct)
    {
        var result = await rights.UsageAsync(id, AccessReason.Compose(form.Reason, form.Note), ct);
        return result.Value is { } report ? TypedResults.File(report.ToCsv(), UsageReport.Csv, CsvName(id)) : BackToPage(id, form.Reason, form.Note, result);
    }

    private static async Task<IResult> CorrectFormAsync(long id, [FromForm] CorrectionForm form, DataSubjectRights rights, CancellationToken ct)
    {
        DateOnly? birth = null;
        if (!string.IsNullOrWhiteSpace(form.BirthDate))
        {
            if (!DateOnly.TryParseExact(form.BirthDate.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                return Redirect(id, form.Reason, form.Note, "invalid");
            }
            birth = parsed;
        }
        var result = await rights.CorrectAsync(id, new IdentityCorrection(form.Version, form.Name, birth, form.Gender, form.Rrn),
            AccessReason.Compose(form.Reason, form.Note), ct);
        return BackToPage(id, form.Reason, form.Note, result, "corrected");
    }

    private static async Task<IResult> EraseFormAsync(long id, [FromForm] ReasonForm form, DataSubjectRights rights, CancellationToken ct)
    {
        if (form.Confirm != "yes")
        {
            return Redirect(id, form.Reason, form.Note, "confirm");
        }
        var result = await rights.EraseAsync(id, AccessReason.Compose(form.Reason, form.Note), ct);
        return BackToPage(id, form.Reason, form.Note, result, "erased");
    }

    private static IResult BackToPage<T>(long id, string? reason, string? note, SubjectResult<T> result, string done = "ok") => result.Status switch
    {
        SubjectStatus.Forbidden => TypedResults.Forbid(),
        SubjectStatus.NotFound => TypedResults.NotFound(),
        SubjectStatus.Ok => Redirect(id, reason, note, done),
        SubjectStatus.Conflict => Redirect(id, reason, note, "conflict"),
        SubjectStatus.Refused => Redirect(id, reason, note, "refused"),
        _ => Redirect(id, reason, note, result.Errors.ContainsKey("reason") ? "reason" : "invalid"),
    };

    private static RedirectHttpResult Redirect(long id, string? reason, string? note, string message) =>
        TypedResults.LocalRedirect(SubjectPageUrl(id, reason, note) + "&msg=" + message);

    /// <summary>The compliance page of a customer, opened with the reason given.</summary>
    public static string SubjectPageUrl(long id, string? reason, string? note, string page = "") =>
        string.Create(CultureInfo.InvariantCulture, $"/compliance/subjects/{id}{page}?reason={Uri.EscapeDataString(reason ?? "")}&note={Uri.EscapeDataString(note ?? "")}");

    private static string CsvName(long id) => string.Create(CultureInfo.InvariantCulture, $"subject-{id}-usage.csv");

    private static ProblemHttpResult Problem<T>(SubjectResult<T> result) => result.Status switch
    {
        SubjectStatus.Forbidden => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Only compliance officers act on data-subject requests."),
        SubjectStatus.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such customer."),
        SubjectStatus.Conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
            title: "The customer was changed by someone else; nothing was saved.",
            extensions: new Dictionary<string, object?> { ["currentVersion"] = result.CurrentVersion }),
        SubjectStatus.Refused => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: result.Message,
            extensions: new Dictionary<string, object?> { ["openContractsAndLoans"] = result.Blockers }),
        _ => TypedResults.Problem(new ValidationProblemDetails(result.Errors.ToDictionary(e => e.Key, e => e.Value)) { Status = StatusCodes.Status400BadRequest }),
    };
}
