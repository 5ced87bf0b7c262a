using InsureCrm.Core.CallCenter;
using InsureCrm.Web.Localization;

namespace InsureCrm.Web.CallCenter;

/// <summary>Why an item is in the queue, in the reader's language, worded from the facts the build stored (never from stored sentences).</summary>
internal static class CallText
{
    public static string Why(Text t, QueueKind kind, IReadOnlyDictionary<string, string> facts, int happyCallDays)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(facts);
        string F(string key) => facts.GetValueOrDefault(key, "");
        return kind switch
        {
            QueueKind.HappyCall => t.Format("calls.why.HappyCall", F("issued"), F("product"), happyCallDays),
            QueueKind.Interest => t.Format("calls.why.Interest", F("grade"), F("months")),
            QueueKind.Prospect => t.Format("calls.why.Prospect", F("enquired")),
            QueueKind.LapseRisk => t.Format("calls.why.LapseRisk", F("score"), F("product")),
            QueueKind.Campaign => t.Format("calls.why.Campaign", F("campaign"), F("campaignName")),
            _ => kind.ToString(),
        };
    }
}

/// <summary>The outcome form of the call page: the outcome code, a note, the call-back time (local, from a datetime-local field) and the checklist's answers ("yes"/"no").</summary>
internal sealed class CallFormModel
{
    public string? Outcome { get; set; }
    public string? Note { get; set; }
    public string? CallBack { get; set; }
    public int? Version { get; set; }
    public string? KeyTermsExplained { get; set; }
    public string? CopiesReceived { get; set; }
    public string? SignedPersonally { get; set; }
    public string? CancellationRightUnderstood { get; set; }

    public string? Answer(ChecklistItem item) => item switch
    {
        ChecklistItem.KeyTermsExplained => KeyTermsExplained,
        ChecklistItem.CopiesReceived => CopiesReceived,
        ChecklistItem.SignedPersonally => SignedPersonally,
        _ => CancellationRightUnderstood,
    };

    /// <summary>The answered items (an unanswered one is left out, so the service says the checklist is incomplete).</summary>
    public Dictionary<ChecklistItem, bool> Checklist() => Enum.GetValues<ChecklistItem>()
        .Where(c => Answer(c) is "yes" or "no").ToDictionary(c => c, c => Answer(c) == "yes");
}

/// <summary>A branch manager's resolution of an escalation.</summary>
internal sealed class ResolveFormModel
{
    public long Id { get; set; }
    public string? Resolution { get; set; }
}
