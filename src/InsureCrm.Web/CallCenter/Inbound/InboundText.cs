using System.Globalization;
using InsureCrm.Core.CallCenter.Inbound;
using InsureCrm.Web.Localization;

namespace InsureCrm.Web.CallCenter.Inbound;

/// <summary>The console's words that come from Core's reference data (the reason tree is worded in its own resource) and its URLs.</summary>
internal static class InboundText
{
    /// <summary>"보험금 청구 › 청구 서류 안내" in the reader's language; the code itself for a code the tree no longer holds.</summary>
    public static string Reason(string code)
    {
        var culture = CultureInfo.CurrentUICulture.Name;
        return InboundReasonTree.Current.Find(code) is { } hit ? hit.Group.Label(culture) + " › " + hit.Reason.Label(culture) : code;
    }

    public static string Culture => CultureInfo.CurrentUICulture.Name;

    /// <summary>The console's address for a customer, carrying the search typed and the reason the customer was opened with.</summary>
    public static string Url(string? q, long? id, string? reason, string? note, params (string Key, string? Value)[] more)
    {
        var parts = new List<string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add(key + "=" + Uri.EscapeDataString(value));
            }
        }
        Add("q", q);
        Add("id", id?.ToString(CultureInfo.InvariantCulture));
        Add("reason", reason);
        Add("note", note);
        foreach (var (key, value) in more)
        {
            Add(key, value);
        }
        return "/calls/inbound" + (parts.Count == 0 ? "" : "?" + string.Join('&', parts));
    }

    /// <summary>The message of a moved callback: why, in the reader's language.</summary>
    public static string Moved(Text t, CallbackMove move) => t["inbound.callback.moved." + move];
}
