using System.Globalization;
using System.Text;
using InsureCrm.Core.Security;
using InsureCrm.Core.Voc;
using InsureCrm.Core.Voc.Insight;
using InsureCrm.Web.Localization;
using InsureCrm.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InsureCrm.Web.Voc.Insight;

/// <summary>
/// VOC as an asset in the host: <c>GET /voc/dashboard.csv?table=category&amp;reason=audit</c> exports one table of the dashboard
/// (agents' names are in it, so it takes a reason and is logged like every download).
/// </summary>
internal static class VocInsightWeb
{
    public static IEndpointRouteBuilder MapVocInsightWeb(this IEndpointRouteBuilder app)
    {
        app.MapGet("/voc/dashboard.csv", CsvAsync).ExcludeFromDescription().RequireAuthorization(Capability.VocReport).RequireDownloadReason();
        return app;
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem>> CsvAsync(string? table, VocDashboard dashboard, VocCases cases, Text t,
        IAccessLog log, HttpContext http, CancellationToken ct)
    {
        var dimension = Enum.GetValues<VocDimension>().Cast<VocDimension?>().FirstOrDefault(d => VocInsightText.QueryName(d!.Value) == table);
        if (dimension is not { } d)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["table"] = ["One of " + string.Join(", ", Enum.GetValues<VocDimension>().Select(VocInsightText.QueryName)) + "."],
            });
        }
        var user = HttpCurrentUser.Required(http);
        var view = await dashboard.BuildAsync(user, ct: ct);
        var csv = VocInsightText.Csv(t, d, view, await cases.CategoriesAsync(ct));
        var name = string.Create(CultureInfo.InvariantCulture, $"voc-{VocInsightText.QueryName(d)}-{view.WeekStarts[0]:yyyyMMdd}.csv");
        await log.RecordAsync(user, new AccessEvent(AccessAction.Download, null, DownloadReason.Of(http), name), ct);
        return TypedResults.File([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv)], "text/csv; charset=utf-8", name);
    }
}
