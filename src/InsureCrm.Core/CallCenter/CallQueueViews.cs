using System.Text.Json;

namespace InsureCrm.Core.CallCenter;

/// <summary>A consultant's queue figures: items callable now, call-backs due now, done today, open in all.</summary>
public sealed record QueueSummary(int DueNow, int CallbacksDue, int DoneToday, int Open);

/// <summary>One item of a consultant's queue (the customer's name masked; the customer view shows it in full with a reason).</summary>
public sealed record QueueRow(long Id, QueueKind Kind, long CustomerId, string MaskedName, DateOnly DueOn, DateTime NextAttemptAt,
    QueueItemState State, int Attempts, CallOutcomeCode? LastOutcome, IReadOnlyDictionary<string, string> Facts)
{
    public bool IsCallBack => LastOutcome == CallOutcomeCode.CallBack && State == QueueItemState.InProgress;
}

/// <summary>The consultant's queue: the summary first, then the open items by the time they may be called.</summary>
public sealed record QueueView(DateOnly Today, DateTime Now, QueueSummary Summary, IReadOnlyList<QueueRow> Rows);

/// <summary>One attempt as the call page lists it.</summary>
public sealed record AttemptRow(DateTime At, CallOutcomeCode Outcome, DateTime? CallBackAt);

/// <summary>One hand the item went through (a supervisor's reassignment or the night's release): who had it, who has it, who moved it, why.</summary>
public sealed record MoveRow(DateTime At, string From, string? To, string By, string Reason)
{
    public bool ByNight => By == Reassign.QueueReassignment.NightlyMover;
}

/// <summary>The call page: the item, the masked customer summary, the reason for the call, its attempts and its moves.</summary>
public sealed record CallItemView(QueueRow Item, string MaskedPhone, string? ContractNumber, string? Product, DateOnly? IssueDate,
    IReadOnlyList<AttemptRow> Attempts, IReadOnlyDictionary<ChecklistItem, bool>? Checklist, int MaxAttempts)
{
    public IReadOnlyList<MoveRow> Moves { get; init; } = [];
}

/// <summary>What a consultant enters after a call.</summary>
/// <param name="Outcome">The outcome code.</param>
/// <param name="Note">What was said (required with a "no" in the checklist).</param>
/// <param name="CallBackAt">For <see cref="CallOutcomeCode.CallBack"/>: when (an instant).</param>
/// <param name="Checklist">A happy call reached and completed: every checklist item answered yes or no.</param>
/// <param name="Version">The item's version the form was opened on (null: do not check).</param>
public sealed record CallEntry(CallOutcomeCode? Outcome, string? Note, DateTimeOffset? CallBackAt,
    IReadOnlyDictionary<ChecklistItem, bool>? Checklist, int? Version = null);

/// <summary>The answer to a recorded call.</summary>
public enum CallRecordStatus { Recorded, NotFound, Invalid, Conflict }

/// <summary>
/// The result of <see cref="CallQueues.RecordAsync"/>: on refusal the fields in error with a code each
/// (<c>outcome.required</c>, <c>callBack.required</c>, <c>callBack.past</c>, <c>checklist.missing</c>, <c>note.required</c>,
/// <c>note.long</c>, <c>item.closed</c>, <c>item.changed</c>, <c>outcome.notHere</c>); on success the item's state, the
/// next attempt and whether a call-back time was moved out of quiet hours.
/// </summary>
public sealed record CallRecordResult(CallRecordStatus Status, IReadOnlyDictionary<string, string> Errors, QueueItemState? State = null,
    DateTime? NextAttemptAt = null, bool CallBackMoved = false, long? EscalationId = null)
{
    public static CallRecordResult Fail(CallRecordStatus status, string field, string code) =>
        new(status, new Dictionary<string, string>(StringComparer.Ordinal) { [field] = code });
}

/// <summary>Per queue kind: open (open or in progress), callable now, past the due day, done today, unassigned, expired today.</summary>
public sealed record LiveKindRow(QueueKind Kind, int Open, int Due, int Overdue, int DoneToday, int Unassigned, int ExpiredToday = 0);

/// <summary>Per consultant: open items held, handed today, done today.</summary>
public sealed record LiveConsultantRow(long UserId, string UserName, string DisplayName, string Skills, int Open, int AssignedToday, int DoneToday);

/// <summary>The happy-call quality figure of one week (Monday to Sunday): completed within the days of issue / new contracts.</summary>
public sealed record WeekRate(DateOnly Monday, int NewContracts, int CompletedInTime)
{
    public double? Rate => NewContracts == 0 ? null : (double)CompletedInTime / NewContracts;
}

/// <summary>The supervisor's live view.</summary>
public sealed record LiveView(DateOnly Today, DateTime Now, IReadOnlyList<LiveKindRow> Kinds, IReadOnlyList<LiveConsultantRow> Consultants,
    IReadOnlyDictionary<CallOutcomeCode, int> OutcomesToday, IReadOnlyList<WeekRate> Weeks, int OpenEscalations);

/// <summary>One escalation as the branch's list shows it; the agent's flag count is their escalations in all.</summary>
public sealed record EscalationRow(long Id, long ItemId, long CustomerId, string MaskedName, string? ContractNumber, string? Product,
    string AgentCode, string AgentName, int AgentFlags, string BranchName, IReadOnlyList<ChecklistItem> Failed, string? Note, DateTime OpenedAt,
    string OpenedBy, DateTime? ResolvedAt, string? ResolvedBy, string? Resolution);

internal static class QueueFacts
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IReadOnlyDictionary<string, string> Read(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(json, Json) ?? [];

    public static string WriteChecklist(IReadOnlyDictionary<ChecklistItem, bool> answers) =>
        JsonSerializer.Serialize(answers.ToDictionary(a => a.Key.ToString(), a => a.Value), Json);

    public static IReadOnlyDictionary<ChecklistItem, bool>? ReadChecklist(string? json) => json is null ? null
        : (JsonSerializer.Deserialize<Dictionary<string, bool>>(json, Json) ?? [])
            .Where(p => Enum.TryParse<ChecklistItem>(p.Key, out _)).ToDictionary(p => Enum.Parse<ChecklistItem>(p.Key), p => p.Value);
}
