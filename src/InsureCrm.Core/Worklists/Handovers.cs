using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Worklists.Build;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace InsureCrm.Core.Worklists;

/// <summary>
/// One orphan case handed to a CS consultant, as the worklist needs it: the case (its page, the item's subject), the customer,
/// the consultant, the first-contact deadline, and the former agent's code and leaving day (no customer data).
/// </summary>
public sealed record HandoverCase(long CaseId, long CustomerId, long ConsultantId, DateOnly Due, string FormerAgentCode, DateOnly LeftOn);

/// <summary>
/// The <see cref="WorkAction.Handover"/> items of the CS consultants' lists (docs/worklists.md): the orphan service (a higher
/// feature) calls this when it assigns, reassigns, contacts, supersedes or returns cases; Worklists never reads the orphan
/// tables. Items are keyed by (consultant, customer, action, subject <c>O{case id}</c>), so the nightly build finds them again
/// (<c>Sources.HandoversAsync</c>) and keeps them while they are open. Service work: no marketing consent, no contact policy.
/// </summary>
public sealed class Handovers(CrmDbContext db, WorklistOptions options)
{
    private const int Chunk = 1000;

    /// <summary>Certain work: the consultant must make the first contact.</summary>
    public const double Probability = 1.0;

    public static string SubjectOf(long caseId) => "O" + caseId.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Opens one item per case on the consultant's list from <paramref name="day"/>, written in bulk (COPY on PostgreSQL,
    /// prepared inserts on SQLite) inside the context's open transaction, which the caller commits with its own changes.
    /// </summary>
    public async Task<int> OpenAsync(IReadOnlyList<HandoverCase> cases, DateOnly day, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(cases);
        if (cases.Count == 0)
        {
            return 0;
        }
        var tx = db.Database.CurrentTransaction ?? throw new InvalidOperationException("Handover items are opened inside the assignment's transaction.");
        await using var writer = BulkWriter.Enlist(db.Database.GetDbConnection(), tx.GetDbTransaction());
        await writer.WriteAsync(WorklistBuilder.NewItems, cases, (row, c) => row.Id(c.ConsultantId).Id(c.CustomerId).Enum(WorkAction.Handover)
            .Text(SubjectOf(c.CaseId)).Enum(WorkPurpose.Service).Real(PriorityOf(c.Due, day)).Real(Probability).Money(options.ServiceValue)
            .Enum((Policies.ProductFamily?)null).Id(null).Id(null).Text(FactsOf(c)).Enum(WorkChannel.Phone).Date(day).Date(day).Date(c.Due)
            .Enum(WorkItemState.Open).Number(0), ct);
        return cases.Count;
    }

    /// <summary>
    /// The case went to another consultant: its open (or snoozed) item moves to their list, open from <paramref name="day"/>;
    /// a case that had none (it was unassigned) gets one.
    /// </summary>
    public async Task MoveAsync(HandoverCase c, DateOnly day, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(c);
        var subject = SubjectOf(c.CaseId);
        var facts = FactsOf(c);
        var priority = PriorityOf(c.Due, day);
        var moved = await db.WorkItems
            .Where(i => i.CustomerId == c.CustomerId && i.Action == WorkAction.Handover && i.Subject == subject
                && (i.State == WorkItemState.Open || i.State == WorkItemState.Snoozed))
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.AgentId, c.ConsultantId).SetProperty(i => i.State, WorkItemState.Open)
                .SetProperty(i => i.SnoozedUntil, (DateOnly?)null).SetProperty(i => i.ListedOn, day).SetProperty(i => i.FirstListedOn, day)
                .SetProperty(i => i.DueOn, c.Due).SetProperty(i => i.Facts, facts).SetProperty(i => i.Priority, priority)
                .SetProperty(i => i.Version, i => i.Version + 1), ct);
        if (moved == 0)
        {
            db.WorkItems.Add(new WorkItem
            {
                AgentId = c.ConsultantId, CustomerId = c.CustomerId, Action = WorkAction.Handover, Subject = subject, Purpose = WorkPurpose.Service,
                Probability = Probability, Value = options.ServiceValue, Priority = priority, Facts = facts, Channel = WorkChannel.Phone,
                FirstListedOn = day, ListedOn = day, DueOn = c.Due, State = WorkItemState.Open,
            });
        }
    }

    /// <summary>The first contact was made: the cases' open items are done (by whom, when).</summary>
    public Task<int> DoneAsync(IReadOnlyCollection<long> caseIds, string by, DateTime at, CancellationToken ct = default) =>
        CloseAsync(caseIds, WorkItemState.Done, WorkOutcome.ServiceDone, by, at, ct);

    /// <summary>The case ended without a first contact by this consultant (superseded, or the agent returned): the item is closed as expired.</summary>
    public Task<int> EndAsync(IReadOnlyCollection<long> caseIds, string by, DateTime at, CancellationToken ct = default) =>
        CloseAsync(caseIds, WorkItemState.Expired, null, by, at, ct);

    private async Task<int> CloseAsync(IReadOnlyCollection<long> caseIds, WorkItemState state, WorkOutcome? outcome, string by, DateTime at, CancellationToken ct)
    {
        var closed = 0;
        foreach (var chunk in caseIds.Distinct().Chunk(Chunk))
        {
            var subjects = chunk.Select(SubjectOf).ToList();
            closed += await db.WorkItems
                .Where(i => i.Action == WorkAction.Handover && subjects.Contains(i.Subject) && (i.State == WorkItemState.Open || i.State == WorkItemState.Snoozed))
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.State, state).SetProperty(i => i.Outcome, outcome).SetProperty(i => i.ClosedAt, at)
                    .SetProperty(i => i.ClosedBy, by).SetProperty(i => i.Version, i => i.Version + 1), ct);
        }
        return closed;
    }

    /// <summary>Probability 1 × the service value × the weight × urgency (1, rising to 2 as the deadline comes within 30 days).</summary>
    private double PriorityOf(DateOnly due, DateOnly day)
    {
        var urgency = 1 + Math.Clamp((30 - (due.DayNumber - day.DayNumber)) / 30.0, 0, 1);
        return Probability * (double)options.ServiceValue * options.WeightOf(WorkAction.Handover) * urgency;
    }

    private static string FactsOf(HandoverCase c) =>
        new WorkFacts { Date = c.Due, OrphanCaseId = c.CaseId, FormerAgent = c.FormerAgentCode, LeftOn = c.LeftOn }.ToJson();
}
