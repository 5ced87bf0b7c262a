using InsureCrm.Core.Orphans;
using InsureCrm.Web.Localization;

namespace InsureCrm.Web.Orphans;

/// <summary>
/// An orphan assignment's reasons in the reader's language, worded from the stored codes and parameters (never from stored
/// sentences), as the worklist words its items: the /orphans page and the case page.
/// </summary>
internal static class OrphanText
{
    public const string KeyPrefix = "orphans.reason.";

    public static string Reason(Text t, OrphanReason reason)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(reason);
        if (!OrphanReasons.Parameters.TryGetValue(reason.Code, out var names))
        {
            return reason.Code;
        }
        var args = names.Select(n => (object?)reason.Args.GetValueOrDefault(n, "")).ToArray();
        var text = t.Format(KeyPrefix + reason.Code, args);
        return reason.Code == OrphanReasons.Override && reason.Args.GetValueOrDefault("forced") == "True" ? text + t["orphans.reason.forced"] : text;
    }

    public static string Reasons(Text t, IEnumerable<OrphanReason> reasons) => string.Join(" · ", reasons.Select(r => Reason(t, r)));
}
