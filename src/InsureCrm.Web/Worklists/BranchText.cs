using System.Globalization;
using InsureCrm.Core.Worklists;
using InsureCrm.Core.Worklists.Branch;
using InsureCrm.Web.Localization;

namespace InsureCrm.Web.Worklists;

/// <summary>The branch view's words and numbers: its own keys for the worklist enums (<c>branch.outcome.Sold</c>), so that it shares no key with the agent's pages.</summary>
internal static class BranchText
{
    public static string Outcome(Text t, WorkOutcome o) => t["branch.outcome." + o];

    public static string Action(Text t, WorkAction a) => t["branch.action." + a];

    public static string Channel(Text t, WorkChannel c) => t["branch.channel." + c];

    public static string Group(Text t, AgentGroup g) => t["branch.group." + g];

    public static string Reason(Text t, PatternReason r) => t["branch.reason." + r];

    /// <summary>60% (worked ÷ listed), or — when nothing was listed.</summary>
    public static string Completion(AgentDayFigure f) => f.Completion is { } c ? Pct(c) : "—";

    public static string Pct(double? share) => share is { } s ? s.ToString("P0", CultureInfo.CurrentCulture) : "—";

    public static string N(int n) => n.ToString("N0", CultureInfo.CurrentCulture);

    public static string N(double? n, string format = "0.0") => n is { } v ? v.ToString(format, CultureInfo.CurrentCulture) : "—";

    /// <summary>The query string that keeps an admin's branch on links (empty for a manager, whose branch is fixed).</summary>
    public static string BranchQuery(string? code) => string.IsNullOrWhiteSpace(code) ? "" : "?branch=" + Uri.EscapeDataString(code);

    /// <summary>The status of a refused or empty answer.</summary>
    public static int Status(BranchAccess access) => access switch
    {
        BranchAccess.Forbidden => StatusCodes.Status403Forbidden,
        BranchAccess.NotFound => StatusCodes.Status404NotFound,
        _ => StatusCodes.Status200OK,
    };
}
