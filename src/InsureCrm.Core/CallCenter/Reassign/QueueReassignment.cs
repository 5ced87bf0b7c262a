using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.CallCenter.Reassign;

/// <summary>What one consultant (or an inactive account) holds: open items by queue, callable now, call-backs promised.</summary>
public sealed record QueueHolding(long UserId, string UserName, string DisplayName, bool Active, IReadOnlySet<QueueKind> Skills, int Open,
    int DueNow, int CallBacks, IReadOnlyDictionary<QueueKind, int> ByKind);

/// <summary>
/// The reassignment page: the consultant whose items move, the active consultants who may take them, and the consultant's
/// items one by one (at most <see cref="QueueReassignment.MaxItems"/>, by the time they may be called) to pick single ones.
/// </summary>
public sealed record ReassignView(DateOnly Today, QueueHolding From, IReadOnlyList<QueueHolding> Targets, IReadOnlyList<QueueRow> Items);

/// <summary>
/// A supervisor's move of a consultant's open items.
/// </summary>
/// <param name="FromUserId">The consultant (or inactive account) who holds them.</param>
/// <param name="ToUserId">One active consultant to take them; null: each to the active consultant with the skill and the fewest open items.</param>
/// <param name="Kinds">Which queues' items; null or empty: every queue.</param>
/// <param name="Reason">Why (required; kept with each move).</param>
/// <param name="ItemIds">Only these of the consultant's items (a VIP customer to a senior consultant); null or empty: by <paramref name="Kinds"/>.</param>
public sealed record ReassignRequest(long FromUserId, long? ToUserId, IReadOnlyCollection<QueueKind>? Kinds, string? Reason,
    IReadOnlyCollection<long>? ItemIds = null);

public enum ReassignStatus { Moved, NotFound, Invalid, Conflict }

/// <summary>
/// The answer to a reassignment: on refusal the fields in error (<c>reason.required</c>, <c>reason.long</c>, <c>to.same</c>,
/// <c>to.invalid</c>, <c>items.none</c>, <c>items.changed</c>); on success how many items went to whom and how many stayed,
/// by queue, because no one chosen takes that queue.
/// </summary>
public sealed record ReassignResult(ReassignStatus Status, IReadOnlyDictionary<string, string> Errors, IReadOnlyDictionary<long, int> MovedTo,
    IReadOnlyDictionary<QueueKind, int> Stayed)
{
    public int Moved => MovedTo.Values.Sum();

    public static ReassignResult Fail(ReassignStatus status, string field, string code) =>
        new(status, new Dictionary<string, string>(StringComparer.Ordinal) { [field] = code }, new Dictionary<long, int>(), new Dictionary<QueueKind, int>());
}

/// <summary>
/// Moves open call-center items between hands (docs/callcenter.md, "Reassigning"): a supervisor takes a consultant's open and
/// in-progress items — all, or some queues' — and gives them to one consultant or spreads them over everyone active with the
/// skill, the fewest open items first. A call-back promised to a customer keeps its time. Items the chosen consultant has no
/// skill for stay and are counted. The daily cap is the distribution's, not a supervisor's: a move may exceed it. Each move is
/// recorded (<see cref="CallQueueMove"/>) with the reason, and bumps the item's version, so the former holder's open call form
/// is refused rather than saved. At night, items held by an account that is no longer an active consultant go back to the
/// pool before the distribution (<see cref="ReleaseInactiveAsync"/>).
/// </summary>
internal sealed class QueueReassignment(CrmDbContext db, ContactPolicy policy, TimeProvider clock, ILogger<QueueReassignment> logger)
{
    public const int MaxReason = 500;
    public const int MaxItems = 300;
    public const string NightlyMover = "nightly";
    public const string InactiveReason = "account inactive";

    private static readonly QueueItemState[] Live = [QueueItemState.Open, QueueItemState.InProgress];

    /// <summary>Who may move items: call-center supervisors and admins.</summary>
    public static bool May(CrmUser user) => user.Role is Role.CallCenterSupervisor or Role.Admin;

    private DateOnly Today => policy.LocalDate(clock.GetUtcNow());

    /// <summary>
    /// The page's view; null when the account is neither a call-center consultant nor holding open items (an account given
    /// another role or deactivated still shows, marked inactive, while it holds items).
    /// </summary>
    public async Task<ReassignView?> ViewAsync(long fromUserId, CancellationToken ct = default)
    {
        if (await HandsAsync(fromUserId, ct) is not { } hands)
        {
            return null;
        }
        var rows = await (from i in db.CallQueueItems.AsNoTracking()
                          join c in db.Customers.AsNoTracking() on i.CustomerId equals c.Id
                          where i.AssignedUserId == fromUserId && Live.Contains(i.State)
                          orderby i.NextAttemptAt, i.DueOn, i.Id
                          select new { i, c.Name }).Take(MaxItems).ToListAsync(ct);
        return new ReassignView(Today, hands.From, hands.Targets, [.. rows.Select(r => CallQueues.Row(r.i, r.Name))]);
    }

    /// <summary>What the account holds and what each active consultant who may take it holds; null as for <see cref="ViewAsync"/>.</summary>
    private async Task<(QueueHolding From, IReadOnlyList<QueueHolding> Targets)?> HandsAsync(long fromUserId, CancellationToken ct)
    {
        var holds = db.CallQueueItems.Where(i => i.AssignedUserId == fromUserId && Live.Contains(i.State));
        var from = await db.Users.AsNoTracking().Where(u => u.Id == fromUserId && (u.Role == Role.CallCenter || holds.Any()))
            .Select(u => new { u.Id, u.UserName, u.DisplayName, IsActive = u.IsActive && u.Role == Role.CallCenter }).FirstOrDefaultAsync(ct);
        if (from is null)
        {
            return null;
        }
        var targets = await db.Users.AsNoTracking().Where(u => u.Role == Role.CallCenter && u.IsActive && u.Id != fromUserId)
            .OrderBy(u => u.UserName).Select(u => new { u.Id, u.UserName, u.DisplayName }).ToListAsync(ct);
        var ids = targets.Select(t => t.Id).Append(from.Id).ToList();
        var skills = await db.CallSkills.AsNoTracking().Where(s => ids.Contains(s.UserId)).ToDictionaryAsync(s => s.UserId, s => s.Kinds, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var held = await db.CallQueueItems.AsNoTracking().Where(i => i.AssignedUserId != null && ids.Contains(i.AssignedUserId.Value) && Live.Contains(i.State))
            .GroupBy(i => new { User = i.AssignedUserId!.Value, i.Kind })
            .Select(g => new
            {
                g.Key.User, g.Key.Kind, Open = g.Count(), Due = g.Count(i => i.NextAttemptAt <= now),
                CallBacks = g.Count(i => i.State == QueueItemState.InProgress && i.LastOutcome == CallOutcomeCode.CallBack),
            }).ToListAsync(ct);
        QueueHolding Holding(long id, string userName, string displayName, bool active)
        {
            var mine = held.Where(h => h.User == id).ToList();
            return new QueueHolding(id, userName, displayName, active, QueueDistribution.ParseKinds(skills.GetValueOrDefault(id)), mine.Sum(h => h.Open),
                mine.Sum(h => h.Due), mine.Sum(h => h.CallBacks), mine.ToDictionary(h => h.Kind, h => h.Open));
        }
        return (Holding(from.Id, from.UserName, from.DisplayName, from.IsActive), [.. targets.Select(t => Holding(t.Id, t.UserName, t.DisplayName, true))]);
    }

    /// <summary>An account's id by its user name (the CLI names accounts); null when there is none.</summary>
    public Task<long?> UserIdAsync(string userName, CancellationToken ct = default)
    {
        var normalized = AppUser.Normalize(userName);
        return db.Users.AsNoTracking().Where(u => u.NormalizedUserName == normalized).Select(u => (long?)u.Id).FirstOrDefaultAsync(ct);
    }

    /// <summary>User names by id.</summary>
    public async Task<IReadOnlyDictionary<long, string>> UserNamesAsync(IEnumerable<long> ids, CancellationToken ct = default)
    {
        var list = ids.ToList();
        return await db.Users.AsNoTracking().Where(u => list.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.UserName, ct);
    }

    /// <summary>The accounts that hold open items but are no longer active consultants (the live view lists them to be moved).</summary>
    public async Task<IReadOnlyList<(long UserId, string UserName, int Open)>> InactiveHoldersAsync(CancellationToken ct = default)
    {
        var rows = await (from i in HeldByInactive(db).AsNoTracking()
                          join u in db.Users on i.AssignedUserId equals u.Id
                          group i by new { u.Id, u.UserName } into g
                          orderby g.Key.UserName
                          select new { g.Key.Id, g.Key.UserName, Open = g.Count() }).ToListAsync(ct);
        return [.. rows.Select(r => (r.Id, r.UserName, r.Open))];
    }

    public async Task<ReassignResult> ReassignAsync(CrmUser by, ReassignRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(by);
        ArgumentNullException.ThrowIfNull(request);
        if (!May(by))
        {
            return ReassignResult.Fail(ReassignStatus.NotFound, "from", "from.notFound");
        }
        if (await HandsAsync(request.FromUserId, ct) is not { } hands)
        {
            return ReassignResult.Fail(ReassignStatus.NotFound, "from", "from.notFound");
        }
        var reason = request.Reason?.Trim();
        if (string.IsNullOrEmpty(reason))
        {
            return ReassignResult.Fail(ReassignStatus.Invalid, "reason", "reason.required");
        }
        if (reason.Length > MaxReason)
        {
            return ReassignResult.Fail(ReassignStatus.Invalid, "reason", "reason.long");
        }
        if (request.ToUserId == request.FromUserId)
        {
            return ReassignResult.Fail(ReassignStatus.Invalid, "to", "to.same");
        }
        var targets = request.ToUserId is { } to ? hands.Targets.Where(t => t.UserId == to).ToList() : [.. hands.Targets];
        if (request.ToUserId is not null && targets.Count == 0)
        {
            return ReassignResult.Fail(ReassignStatus.Invalid, "to", "to.invalid");
        }
        var kinds = request.Kinds is { Count: > 0 } k ? k.ToHashSet() : Enum.GetValues<QueueKind>().ToHashSet();
        var held = db.CallQueueItems.Where(i => i.AssignedUserId == request.FromUserId && Live.Contains(i.State));
        var picked = request.ItemIds is { Count: > 0 } ids ? ids.Distinct().ToList() : null;
        var items = await (picked is null ? held.Where(i => kinds.Contains(i.Kind)) : held.Where(i => picked.Contains(i.Id)))
            .OrderBy(i => i.NextAttemptAt).ThenBy(i => i.Id).ToListAsync(ct);
        if (picked is not null && items.Count != picked.Count)
        {
            // One picked is no longer the consultant's to give (worked, closed or moved meanwhile, or never theirs).
            return ReassignResult.Fail(ReassignStatus.Conflict, "items", "items.changed");
        }
        if (items.Count == 0)
        {
            return ReassignResult.Fail(ReassignStatus.Invalid, "kinds", "items.none");
        }

        var load = targets.ToDictionary(t => t.UserId, t => t.Open);
        var movedTo = new Dictionary<long, int>();
        var stayed = new Dictionary<QueueKind, int>();
        var now = clock.GetUtcNow().UtcDateTime;
        var today = Today;
        foreach (var item in items)
        {
            QueueHolding? pick = null;
            foreach (var t in targets)
            {
                if (t.Skills.Contains(item.Kind) && (pick is null || load[t.UserId] < load[pick.UserId]))
                {
                    pick = t;
                }
            }
            if (pick is null)
            {
                stayed[item.Kind] = stayed.GetValueOrDefault(item.Kind) + 1;
                continue;
            }
            load[pick.UserId]++;
            movedTo[pick.UserId] = movedTo.GetValueOrDefault(pick.UserId) + 1;
            item.AssignedUserId = pick.UserId;
            item.AssignedOn = today;
            db.CallQueueMoves.Add(new CallQueueMove
            {
                ItemId = item.Id, Kind = item.Kind, FromUserId = request.FromUserId, ToUserId = pick.UserId, MovedAt = now, MovedBy = by.UserName,
                Reason = reason,
            });
        }
        if (movedTo.Count == 0)
        {
            return new ReassignResult(ReassignStatus.Invalid, new Dictionary<string, string>(StringComparer.Ordinal) { ["to"] = "to.noSkill" }, movedTo, stayed);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The consultant recorded a call on one of the items meanwhile: nothing moved; the page shows the items again.
            db.ChangeTracker.Clear();
            return ReassignResult.Fail(ReassignStatus.Conflict, "items", "items.changed");
        }
        logger.LogInformation("Call queue reassignment by user {By}: {Moved} items from user {From} to {Targets} consultants, {Stayed} stayed",
            by.UserId, movedTo.Values.Sum(), request.FromUserId, movedTo.Count, stayed.Values.Sum());
        return new ReassignResult(ReassignStatus.Moved, new Dictionary<string, string>(), movedTo, stayed);
    }

    /// <summary>Open and in-progress items whose holder is no longer an active call-center consultant.</summary>
    private static IQueryable<CallQueueItem> HeldByInactive(CrmDbContext db) =>
        db.CallQueueItems.Where(i => Live.Contains(i.State)
            && db.Set<AppUser>().Any(u => u.Id == i.AssignedUserId && (!u.IsActive || u.Role != Role.CallCenter)));

    /// <summary>
    /// The night's first step of the distribution: the open items of accounts that are no longer active call-center consultants
    /// (deactivated, or given another role) go back to the pool, each move recorded; returns how many.
    /// </summary>
    public static async Task<int> ReleaseInactiveAsync(CrmDbContext db, DateTime now, CancellationToken ct)
    {
        // Tracked, to be changed: a query tracks all of it or none, so nothing in it may say AsNoTracking.
        var held = await HeldByInactive(db).AsTracking().ToListAsync(ct);
        foreach (var item in held)
        {
            db.CallQueueMoves.Add(new CallQueueMove
            {
                ItemId = item.Id, Kind = item.Kind, FromUserId = item.AssignedUserId!.Value, ToUserId = null, MovedAt = now, MovedBy = NightlyMover,
                Reason = InactiveReason,
            });
            item.AssignedUserId = null;
            item.AssignedOn = null;
        }
        if (held.Count > 0)
        {
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        return held.Count;
    }
}
