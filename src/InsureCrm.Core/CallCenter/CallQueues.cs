using System.Globalization;
using InsureCrm.Core.Agents;
using InsureCrm.Core.CallCenter.Reassign;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.CallCenter;

/// <summary>
/// The queues as people work them (docs/callcenter.md): a consultant's queue and call page, recording an outcome with the
/// retry rules, the happy call's checklist and its escalation to the branch, the supervisor's live view, the branch's
/// escalations, consultants' skills and the report. An item is only ever shown to and worked by the consultant it is
/// assigned to; any other answers as unknown.
/// </summary>
internal sealed class CallQueues(CrmDbContext db, CallCenterOptions options, ContactPolicy policy, ConsentService consents, CallPlanner planner,
    ICampaignWorkLists campaignLists, IAccessLog accessLog, TimeProvider clock, ILogger<CallQueues> logger)
{
    public const int MaxNote = 2000;
    public const int MaxRows = 300;

    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    public DateOnly Today => policy.LocalDate(clock.GetUtcNow());

    /// <summary>Who works a queue: call-center consultants and their supervisors.</summary>
    public static bool Works(CrmUser user) => user.Role is Role.CallCenter or Role.CallCenterSupervisor;

    private static readonly QueueItemState[] Live = [QueueItemState.Open, QueueItemState.InProgress];

    private DateTime StartOfToday => policy.StartOf(Today).UtcDateTime;

    public async Task<QueueSummary> SummaryAsync(CrmUser user, CancellationToken ct = default)
    {
        var now = Now;
        var start = StartOfToday;
        var mine = db.CallQueueItems.AsNoTracking().Where(i => i.AssignedUserId == user.UserId);
        var open = await mine.CountAsync(i => Live.Contains(i.State), ct);
        var due = await mine.CountAsync(i => Live.Contains(i.State) && i.NextAttemptAt <= now, ct);
        var callbacks = await mine.CountAsync(i => i.State == QueueItemState.InProgress && i.LastOutcome == CallOutcomeCode.CallBack && i.NextAttemptAt <= now, ct);
        var done = await mine.CountAsync(i => i.ClosedAt >= start && i.State != QueueItemState.Expired, ct);
        return new QueueSummary(due, callbacks, done, open);
    }

    public async Task<QueueView> QueueAsync(CrmUser user, CancellationToken ct = default)
    {
        var summary = await SummaryAsync(user, ct);
        var rows = await RowsAsync(db.CallQueueItems.AsNoTracking().Where(i => i.AssignedUserId == user.UserId && Live.Contains(i.State)), ct);
        return new QueueView(Today, Now, summary, rows);
    }

    private async Task<List<QueueRow>> RowsAsync(IQueryable<CallQueueItem> items, CancellationToken ct)
    {
        var rows = await (from i in items
                          join c in db.Customers.AsNoTracking() on i.CustomerId equals c.Id
                          orderby i.NextAttemptAt, i.DueOn, i.Id
                          select new { i, c.Name }).Take(MaxRows).ToListAsync(ct);
        return [.. rows.Select(r => Row(r.i, r.Name))];
    }

    internal static QueueRow Row(CallQueueItem i, string name) => new(i.Id, i.Kind, i.CustomerId, Masking.Name(name), i.DueOn, i.NextAttemptAt,
        i.State, i.Attempts, i.LastOutcome, QueueFacts.Read(i.Facts));

    /// <summary>The call page's item; null when it does not exist or is not the user's (the page answers 404 either way).</summary>
    public async Task<CallItemView?> ItemAsync(CrmUser user, long id, CancellationToken ct = default)
    {
        var item = await db.CallQueueItems.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id && i.AssignedUserId == user.UserId, ct);
        if (item is null)
        {
            return null;
        }
        var name = await db.Customers.AsNoTracking().Where(c => c.Id == item.CustomerId).Select(c => c.Name).FirstOrDefaultAsync(ct) ?? "";
        var phone = await db.CustomerPhones.AsNoTracking().Where(p => p.CustomerId == item.CustomerId)
            .OrderByDescending(p => p.IsPrimary).ThenBy(p => p.Id).Select(p => p.Number).FirstOrDefaultAsync(ct);
        var contract = item.ContractId is { } kid
            ? await (from k in db.Contracts.AsNoTracking() join p in db.Products.AsNoTracking() on k.ProductId equals p.Id
                     where k.Id == kid select new { k.ContractNumber, Product = p.Name, k.IssueDate }).FirstOrDefaultAsync(ct)
            : null;
        var attempts = await db.CallAttempts.AsNoTracking().Where(a => a.ItemId == id).OrderBy(a => a.At)
            .Select(a => new AttemptRow(a.At, a.Outcome, a.CallBackAt)).ToListAsync(ct);
        var moves = await (from m in db.CallQueueMoves.AsNoTracking()
                           join f in db.Users.AsNoTracking() on m.FromUserId equals f.Id
                           join t in db.Users.AsNoTracking() on m.ToUserId equals t.Id into to
                           from t in to.DefaultIfEmpty()
                           where m.ItemId == id
                           orderby m.MovedAt, m.Id
                           select new MoveRow(m.MovedAt, f.UserName, t == null ? null : t.UserName, m.MovedBy, m.Reason)).ToListAsync(ct);
        await accessLog.RecordAsync(user, new AccessEvent(AccessAction.View, item.CustomerId, ReasonOf(item.Kind), "call queue"), ct);
        return new CallItemView(Row(item, name), phone is null ? "" : Masking.Phone(phone), contract?.ContractNumber, contract?.Product,
            contract?.IssueDate, attempts, QueueFacts.ReadChecklist(item.Checklist), options.MaxAttempts) { Moves = moves };
    }

    private static string ReasonOf(QueueKind kind) => kind switch
    {
        QueueKind.LapseRisk => AccessReason.Retention,
        QueueKind.Campaign => AccessReason.Campaign,
        _ => AccessReason.Compose(AccessReason.Other, "call queue " + kind)!,
    };

    /// <summary>
    /// Records one call: the attempt, an interaction in the customer's history (channel call center, outbound; a campaign
    /// item's is recorded by Campaigns with the campaign outcome), and the item's next state — done, a retry after the
    /// spacing (given up after the maximum attempts), or a call-back at the asked time moved out of quiet hours. A happy
    /// call completed carries the checklist; any "no" opens an escalation to the selling agent's branch.
    /// </summary>
    public async Task<CallRecordResult> RecordAsync(CrmUser user, long id, CallEntry entry, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var item = await db.CallQueueItems.FirstOrDefaultAsync(i => i.Id == id && i.AssignedUserId == user.UserId, ct);
        if (item is null)
        {
            return CallRecordResult.Fail(CallRecordStatus.NotFound, "item", "item.notFound");
        }
        if (!Live.Contains(item.State))
        {
            return CallRecordResult.Fail(CallRecordStatus.Conflict, "item", "item.closed");
        }
        if (entry.Version is { } v && v != item.Version)
        {
            return CallRecordResult.Fail(CallRecordStatus.Conflict, "item", "item.changed");
        }
        var errors = Validate(item, entry);
        if (errors.Count > 0)
        {
            return new CallRecordResult(CallRecordStatus.Invalid, errors);
        }
        var outcome = entry.Outcome!.Value;
        var now = Now;
        var note = string.IsNullOrWhiteSpace(entry.Note) ? null : entry.Note.Trim();
        item.Attempts++;
        item.LastAttemptAt = now;
        item.LastOutcome = outcome;
        item.LastNote = note;
        var moved = false;
        DateTime? callBack = null;
        switch (outcome)
        {
            case CallOutcomeCode.NoAnswer or CallOutcomeCode.Busy:
                var notReached = await db.CallAttempts.CountAsync(a => a.ItemId == id && (a.Outcome == CallOutcomeCode.NoAnswer || a.Outcome == CallOutcomeCode.Busy), ct) + 1;
                if (notReached >= options.MaxAttempts)
                {
                    Close(item, QueueItemState.GivenUp, now);
                }
                else
                {
                    item.State = QueueItemState.InProgress;
                    var retry = new DateTimeOffset(now, TimeSpan.Zero).AddHours(options.SpacingHours);
                    item.NextAttemptAt = ((await planner.PlanAsync(item.CustomerId, retry, ct))?.DueAt ?? retry).UtcDateTime;
                }
                break;
            case CallOutcomeCode.CallBack:
                var asked = entry.CallBackAt!.Value;
                var allowed = (await planner.PlanAsync(item.CustomerId, asked, ct))?.DueAt ?? asked;
                moved = allowed != asked;
                item.State = QueueItemState.InProgress;
                item.NextAttemptAt = allowed.UtcDateTime;
                callBack = item.NextAttemptAt;
                break;
            default:
                Close(item, QueueItemState.Done, now);
                break;
        }
        if (item.Kind == QueueKind.HappyCall && outcome == CallOutcomeCode.Completed && entry.Checklist is { } answers)
        {
            item.Checklist = QueueFacts.WriteChecklist(answers);
        }
        db.CallAttempts.Add(new CallAttempt { ItemId = id, Kind = item.Kind, UserId = user.UserId, At = now, Outcome = outcome, CallBackAt = callBack });
        if (item.Kind == QueueKind.Campaign && item.CampaignContactId is { } contactId)
        {
            var recorded = await campaignLists.RecordOutcomeAsync(user, new OutcomeEntry(contactId, CampaignOutcomeOf(outcome), note, ByQueue: true), ct);
            if (recorded.Outcome == CampaignOutcome.Ok && outcome is CallOutcomeCode.NoAnswer or CallOutcomeCode.Busy && item.State == QueueItemState.InProgress)
            {
                // Campaigns planned its next attempt as a contact of its own: the queue's retry works that one.
                var next = await db.CampaignContacts.AsNoTracking().Where(x => x.CampaignId == item.CampaignId && x.CustomerId == item.CustomerId
                    && x.Channel == CampaignChannelKind.CallList && x.State == CampaignContactState.Released).OrderByDescending(x => x.Attempt)
                    .Select(x => (long?)x.Id).FirstOrDefaultAsync(ct);
                item.CampaignContactId = next ?? item.CampaignContactId;
                if (next is { } held)
                {
                    await campaignLists.HoldAsync([held], true, ct);
                }
            }
            else if (recorded.Outcome != CampaignOutcome.Ok)
            {
                logger.LogWarning("Call queue item {Item}: the campaign contact {Contact} did not take the outcome ({Status})", id, contactId, recorded.Outcome);
            }
        }
        else
        {
            db.Interactions.Add(new Interaction
            {
                CustomerId = item.CustomerId, OccurredAt = now, Channel = InteractionChannel.CallCenter, Direction = InteractionDirection.Outbound,
                Purpose = PurposeOf(item.Kind), Outcome = InteractionOutcomeOf(outcome), StaffUser = user.UserName, Notes = note,
                SourceKey = string.Create(CultureInfo.InvariantCulture, $"CCQ-{item.Id}-{item.Attempts}"),
            });
        }
        CallEscalation? escalation = null;
        if (item.Kind == QueueKind.HappyCall && outcome == CallOutcomeCode.Completed && entry.Checklist is { } checks && checks.Any(c => !c.Value))
        {
            escalation = await EscalateAsync(item, checks, note, user, now, ct);
        }
        await db.SaveChangesAsync(ct);
        if (outcome == CallOutcomeCode.DoNotCall)
        {
            await consents.RecordOptOutAsync(item.CustomerId, ContactChannel.Phone, CaptureSource.CallCenter, "asked not to be called (call queue)", ct);
        }
        return new CallRecordResult(CallRecordStatus.Recorded, new Dictionary<string, string>(), item.State, item.NextAttemptAt, moved, escalation?.Id);
    }

    private Dictionary<string, string> Validate(CallQueueItem item, CallEntry entry)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (entry.Outcome is not { } outcome || !Enum.IsDefined(outcome))
        {
            errors["outcome"] = "outcome.required";
            return errors;
        }
        if (entry.Note is { Length: > MaxNote })
        {
            errors["note"] = "note.long";
        }
        if (outcome == CallOutcomeCode.CallBack)
        {
            if (entry.CallBackAt is not { } at)
            {
                errors["callBack"] = "callBack.required";
            }
            else if (at <= clock.GetUtcNow())
            {
                errors["callBack"] = "callBack.past";
            }
        }
        if (item.Kind == QueueKind.HappyCall && outcome == CallOutcomeCode.Completed)
        {
            var answers = entry.Checklist ?? new Dictionary<ChecklistItem, bool>();
            if (Enum.GetValues<ChecklistItem>().Any(c => !answers.ContainsKey(c)))
            {
                errors["checklist"] = "checklist.missing";
            }
            else if (answers.Values.Any(a => !a) && string.IsNullOrWhiteSpace(entry.Note))
            {
                errors["note"] = "note.required";
            }
        }
        return errors;
    }

    private static void Close(CallQueueItem item, QueueItemState state, DateTime now)
    {
        item.State = state;
        item.ClosedAt = now;
    }

    private async Task<CallEscalation?> EscalateAsync(CallQueueItem item, IReadOnlyDictionary<ChecklistItem, bool> checks, string? note, CrmUser user,
        DateTime now, CancellationToken ct)
    {
        var agent = await (from k in db.Contracts.AsNoTracking()
                           join a in db.Agents.AsNoTracking() on (k.SellingAgentId ?? k.ServicingAgentId) equals a.Id
                           where k.Id == item.ContractId
                           select new { a.Id, a.BranchId }).FirstOrDefaultAsync(ct);
        if (agent is null)
        {
            logger.LogWarning("Happy call {Item}: a checklist item failed but the contract has no selling or servicing agent; no branch to escalate to", item.Id);
            return null;
        }
        var escalation = new CallEscalation
        {
            ItemId = item.Id, CustomerId = item.CustomerId, ContractId = item.ContractId!.Value, BranchId = agent.BranchId, AgentId = agent.Id,
            Failed = string.Join(',', checks.Where(c => !c.Value).Select(c => c.Key.ToString())), Note = note, OpenedAt = now, OpenedBy = user.UserName,
        };
        db.CallEscalations.Add(escalation);
        return escalation;
    }

    internal static InteractionPurpose PurposeOf(QueueKind kind) => kind switch
    {
        QueueKind.HappyCall => InteractionPurpose.HappyCall,
        QueueKind.LapseRisk => InteractionPurpose.Service,
        QueueKind.Campaign => InteractionPurpose.Campaign,
        _ => InteractionPurpose.Sales,
    };

    internal static InteractionOutcome InteractionOutcomeOf(CallOutcomeCode outcome) => outcome switch
    {
        CallOutcomeCode.Completed => InteractionOutcome.Completed,
        CallOutcomeCode.NoAnswer or CallOutcomeCode.Busy or CallOutcomeCode.WrongNumber => InteractionOutcome.NoAnswer,
        CallOutcomeCode.Refused or CallOutcomeCode.DoNotCall => InteractionOutcome.Refused,
        CallOutcomeCode.CallBack => InteractionOutcome.FollowUp,
        _ => InteractionOutcome.Reached,
    };

    /// <summary>The campaign's outcome code an outcome is recorded as (attribution counts it).</summary>
    internal static CallOutcome CampaignOutcomeOf(CallOutcomeCode outcome) => outcome switch
    {
        CallOutcomeCode.NoAnswer or CallOutcomeCode.Busy or CallOutcomeCode.WrongNumber => CallOutcome.NotReached,
        CallOutcomeCode.Refused or CallOutcomeCode.DoNotCall => CallOutcome.Refused,
        CallOutcomeCode.CallBack => CallOutcome.Interested,
        _ => CallOutcome.Reached,
    };

    // ---- the supervisor's live view and the report ----

    public async Task<LiveView> LiveAsync(DateOnly? asOf = null, CancellationToken ct = default)
    {
        var today = asOf ?? Today;
        var now = asOf is { } d ? policy.StartOf(d.AddDays(1)).UtcDateTime : Now;
        var start = policy.StartOf(today).UtcDateTime;
        var items = db.CallQueueItems.AsNoTracking();
        var perKind = await items.Where(i => Live.Contains(i.State)).GroupBy(i => i.Kind).Select(g => new
        {
            g.Key, Open = g.Count(), Due = g.Count(i => i.NextAttemptAt <= now), Overdue = g.Count(i => i.DueOn < today),
            Unassigned = g.Count(i => i.AssignedUserId == null),
        }).ToListAsync(ct);
        var closedKind = await items.Where(i => i.ClosedAt >= start && i.ClosedAt < now).GroupBy(i => new { i.Kind, Expired = i.State == QueueItemState.Expired })
            .Select(g => new { g.Key.Kind, g.Key.Expired, Count = g.Count() }).ToListAsync(ct);
        var doneKind = closedKind.Where(c => !c.Expired).ToDictionary(c => c.Kind, c => c.Count);
        var expiredKind = closedKind.Where(c => c.Expired).ToDictionary(c => c.Kind, c => c.Count);
        var kinds = Enum.GetValues<QueueKind>().Select(k =>
        {
            var r = perKind.FirstOrDefault(p => p.Key == k);
            return new LiveKindRow(k, r?.Open ?? 0, r?.Due ?? 0, r?.Overdue ?? 0, doneKind.GetValueOrDefault(k), r?.Unassigned ?? 0, expiredKind.GetValueOrDefault(k));
        }).ToList();

        var users = await db.Users.AsNoTracking().Where(u => u.Role == Role.CallCenter && u.IsActive)
            .Select(u => new { u.Id, u.UserName, u.DisplayName }).OrderBy(u => u.UserName).ToListAsync(ct);
        var ids = users.Select(u => u.Id).ToList();
        var skills = await db.CallSkills.AsNoTracking().Where(s => ids.Contains(s.UserId)).ToDictionaryAsync(s => s.UserId, s => s.Kinds, ct);
        var load = await items.Where(i => i.AssignedUserId != null && Live.Contains(i.State)).GroupBy(i => i.AssignedUserId!.Value)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var handed = await items.Where(i => i.AssignedUserId != null && i.AssignedOn == today).GroupBy(i => i.AssignedUserId!.Value)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var done = await items.Where(i => i.AssignedUserId != null && i.ClosedAt >= start && i.ClosedAt < now && i.State != QueueItemState.Expired).GroupBy(i => i.AssignedUserId!.Value)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var consultants = users.Select(u => new LiveConsultantRow(u.Id, u.UserName, u.DisplayName,
            string.Join(",", QueueDistribution.ParseKinds(skills.GetValueOrDefault(u.Id)).Order()), load.GetValueOrDefault(u.Id),
            handed.GetValueOrDefault(u.Id), done.GetValueOrDefault(u.Id))).ToList();

        var outcomes = await db.CallAttempts.AsNoTracking().Where(a => a.At >= start && a.At < now).GroupBy(a => a.Outcome)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var weeks = await WeeksAsync(today, 5, ct);
        var escalations = await db.CallEscalations.AsNoTracking().CountAsync(e => e.ResolvedAt == null, ct);
        return new LiveView(today, now, kinds, consultants, outcomes, weeks, escalations);
    }

    /// <summary>The Monday of a day's week.</summary>
    public static DateOnly MondayOf(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    /// <summary>
    /// The happy-call completion rate of the week of <paramref name="today"/> and the <paramref name="count"/> − 1 weeks before
    /// it, newest first: contracts issued in the week (any status but cancelled before issue), and of those, the ones whose
    /// happy call was completed (reached, checklist answered) within <see cref="CallCenterOptions.HappyCallDays"/> days of issue.
    /// </summary>
    public async Task<IReadOnlyList<WeekRate>> WeeksAsync(DateOnly today, int count, CancellationToken ct = default)
    {
        var thisWeek = MondayOf(today);
        var first = thisWeek.AddDays(-7 * (count - 1));
        var end = thisWeek.AddDays(7);
        var issued = await db.Contracts.AsNoTracking().Where(k => k.IssueDate >= first && k.IssueDate < end && k.Status != ContractStatus.Applied)
            .Select(k => new { k.Id, k.IssueDate }).ToListAsync(ct);
        var contractIds = issued.Select(k => k.Id).ToList();
        var completed = new Dictionary<long, DateTime>();
        foreach (var chunk in contractIds.Chunk(4000))
        {
            var rows = await db.CallQueueItems.AsNoTracking()
                .Where(i => i.Kind == QueueKind.HappyCall && i.State == QueueItemState.Done && i.LastOutcome == CallOutcomeCode.Completed
                    && i.ContractId != null && chunk.Contains(i.ContractId.Value) && i.ClosedAt != null)
                .Select(i => new { ContractId = i.ContractId!.Value, ClosedAt = i.ClosedAt!.Value }).ToListAsync(ct);
            foreach (var r in rows)
            {
                completed[r.ContractId] = r.ClosedAt;
            }
        }
        return [.. Enumerable.Range(0, count).Select(w =>
        {
            var monday = thisWeek.AddDays(-7 * w);
            var week = issued.Where(k => k.IssueDate >= monday && k.IssueDate < monday.AddDays(7)).ToList();
            var inTime = week.Count(k => completed.TryGetValue(k.Id, out var at)
                && policy.LocalDate(new DateTimeOffset(at, TimeSpan.Zero)) <= k.IssueDate.AddDays(options.HappyCallDays));
            return new WeekRate(monday, week.Count, inTime);
        })];
    }

    // ---- escalations ----

    /// <summary>Who sees escalations: a branch manager their branch's, a supervisor and an admin every one.</summary>
    public static bool SeesEscalations(CrmUser user) => user.Role switch
    {
        Role.BranchManager => user.BranchId is not null,
        Role.CallCenterSupervisor or Role.Admin => true,
        _ => false,
    };

    private IQueryable<CallEscalation> EscalationScope(CrmUser user) => user.Role switch
    {
        Role.BranchManager when user.BranchId is { } branch => db.CallEscalations.AsNoTracking().Where(e => e.BranchId == branch),
        Role.CallCenterSupervisor or Role.Admin => db.CallEscalations.AsNoTracking(),
        _ => db.CallEscalations.AsNoTracking().Where(e => false),
    };

    public Task<int> OpenEscalationsAsync(CrmUser user, CancellationToken ct = default) =>
        EscalationScope(user).CountAsync(e => e.ResolvedAt == null, ct);

    public async Task<IReadOnlyList<EscalationRow>> EscalationsAsync(CrmUser user, CancellationToken ct = default)
    {
        var rows = await (from e in EscalationScope(user)
                          join c in db.Customers.AsNoTracking() on e.CustomerId equals c.Id
                          join a in db.Agents.AsNoTracking() on e.AgentId equals a.Id
                          join b in db.Branches.AsNoTracking() on e.BranchId equals b.Id
                          join k in db.Contracts.AsNoTracking() on e.ContractId equals k.Id
                          join p in db.Products.AsNoTracking() on k.ProductId equals p.Id
                          orderby e.ResolvedAt != null, e.OpenedAt descending
                          select new { e, c.Name, a.Code, AgentName = a.Name, BranchName = b.Name, k.ContractNumber, Product = p.Name }).Take(MaxRows).ToListAsync(ct);
        var agents = rows.Select(r => r.e.AgentId).Distinct().ToList();
        var flags = await db.CallEscalations.AsNoTracking().Where(e => agents.Contains(e.AgentId)).GroupBy(e => e.AgentId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        return [.. rows.Select(r => new EscalationRow(r.e.Id, r.e.ItemId, r.e.CustomerId, Masking.Name(r.Name), r.ContractNumber, r.Product, r.Code,
            r.AgentName, flags.GetValueOrDefault(r.e.AgentId), r.BranchName, ParseFailed(r.e.Failed), r.e.Note, r.e.OpenedAt, r.e.OpenedBy,
            r.e.ResolvedAt, r.e.ResolvedBy, r.e.Resolution))];
    }

    public static IReadOnlyList<ChecklistItem> ParseFailed(string failed) =>
        [.. failed.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(f => Enum.TryParse<ChecklistItem>(f, out var c) ? c : (ChecklistItem?)null).OfType<ChecklistItem>()];

    /// <summary>Resolves an escalation the user sees; false when it is not theirs to see or already resolved.</summary>
    public async Task<bool> ResolveAsync(CrmUser user, long id, string resolution, CancellationToken ct = default)
    {
        if (user.Role is not (Role.BranchManager or Role.Admin) || string.IsNullOrWhiteSpace(resolution))
        {
            return false;
        }
        var visible = await EscalationScope(user).AnyAsync(e => e.Id == id && e.ResolvedAt == null, ct);
        if (!visible)
        {
            return false;
        }
        var e = await db.CallEscalations.FirstAsync(x => x.Id == id, ct);
        e.ResolvedAt = Now;
        e.ResolvedBy = user.UserName;
        e.Resolution = resolution.Trim().Length > MaxNote ? resolution.Trim()[..MaxNote] : resolution.Trim();
        await db.SaveChangesAsync(ct);
        return true;
    }

    // ---- skills ----

    /// <summary>Sets a call-center user's queue kinds; null when the user is not an active call-center consultant.</summary>
    public async Task<IReadOnlySet<QueueKind>?> SetSkillsAsync(string userName, IReadOnlyCollection<QueueKind> kinds, CancellationToken ct = default)
    {
        var normalized = AppUser.Normalize(userName);
        var user = await db.Users.AsNoTracking().Where(u => u.NormalizedUserName == normalized && u.Role == Role.CallCenter)
            .Select(u => (long?)u.Id).FirstOrDefaultAsync(ct);
        if (user is not { } id || kinds.Count == 0)
        {
            return null;
        }
        var text = string.Join(",", kinds.Distinct().Order());
        var row = await db.CallSkills.FirstOrDefaultAsync(s => s.UserId == id, ct);
        if (row is null)
        {
            db.CallSkills.Add(new CallSkill { UserId = id, Kinds = text });
        }
        else
        {
            row.Kinds = text;
        }
        await db.SaveChangesAsync(ct);
        return QueueDistribution.ParseKinds(text);
    }

    /// <summary>The open items of one consultant (or, without one, every open item), for the CLI: ids and codes only.</summary>
    public async Task<IReadOnlyList<(long Id, QueueKind Kind, long CustomerId, string? User, DateOnly DueOn, DateTime NextAttemptAt, QueueItemState State, int Attempts)>> OpenItemsAsync(
        string? userName, CancellationToken ct = default)
    {
        var items = db.CallQueueItems.AsNoTracking().Where(i => Live.Contains(i.State));
        if (userName is not null)
        {
            var normalized = AppUser.Normalize(userName);
            var id = await db.Users.AsNoTracking().Where(u => u.NormalizedUserName == normalized).Select(u => (long?)u.Id).FirstOrDefaultAsync(ct) ?? -1;
            items = items.Where(i => i.AssignedUserId == id);
        }
        var rows = await (from i in items
                          join u in db.Users.AsNoTracking() on i.AssignedUserId equals u.Id into us
                          from u in us.DefaultIfEmpty()
                          orderby i.NextAttemptAt, i.Id
                          select new { i.Id, i.Kind, i.CustomerId, User = u == null ? null : u.UserName, i.DueOn, i.NextAttemptAt, i.State, i.Attempts })
            .Take(1000).ToListAsync(ct);
        return [.. rows.Select(r => (r.Id, r.Kind, r.CustomerId, r.User, r.DueOn, r.NextAttemptAt, r.State, r.Attempts))];
    }
}
