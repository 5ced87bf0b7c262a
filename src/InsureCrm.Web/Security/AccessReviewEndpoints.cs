using System.Globalization;
using System.Text;
using InsureCrm.Core.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InsureCrm.Web.Security;

/// <summary>
/// The monthly access review for compliance officers: <c>GET /api/compliance/access-review?month=2026-10</c>
/// (JSON) and <c>GET /compliance/access-review.csv?month=2026-10&amp;reason=audit</c> (a download, so it needs
/// a reason, and is itself logged); the page is <c>/compliance/access-review</c>.
/// </summary>
internal static class AccessReviewEndpoints
{
    public static IEndpointRouteBuilder MapAccessReviewEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/compliance/access-review", GetAsync).WithTags("Compliance").WithName("GetAccessReview")
            .RequireAuthorization(Capability.ComplianceLogs);
        app.MapGet("/compliance/access-review.csv", CsvAsync).ExcludeFromDescription()
            .RequireAuthorization(Capability.ComplianceLogs).RequireDownloadReason();
        return app;
    }

    private static async Task<Results<Ok<AccessReviewReport>, ValidationProblem>> GetAsync(
        string? month, AccessReview review, IAccessLog log, HttpContext http, CancellationToken ct)
    {
        if (!AccessReview.TryParseMonth(month, out var year, out var m))
        {
            return MonthProblem();
        }
        var report = await review.BuildAsync(year, m, ct);
        await log.RecordAsync(HttpCurrentUser.Required(http), new AccessEvent(AccessAction.View, null, null, Detail(year, m)), ct);
        return TypedResults.Ok(report);
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem>> CsvAsync(
        string? month, AccessReview review, IAccessLog log, HttpContext http, CancellationToken ct)
    {
        if (!AccessReview.TryParseMonth(month, out var year, out var m))
        {
            return MonthProblem();
        }
        var report = await review.BuildAsync(year, m, ct);
        await log.RecordAsync(HttpCurrentUser.Required(http), new AccessEvent(AccessAction.Download, null, DownloadReason.Of(http), Detail(year, m) + ".csv"), ct);
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(AccessReview.ToCsv(report))).ToArray();
        return TypedResults.File(bytes, "text/csv; charset=utf-8", string.Create(CultureInfo.InvariantCulture, $"access-review-{year:D4}-{m:D2}.csv"));
    }

    internal static string Detail(int year, int month) => string.Create(CultureInfo.InvariantCulture, $"access-review {year:D4}-{month:D2}");

    private static ValidationProblem MonthProblem() =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["month"] = ["A month like 2026-10."] });
}
