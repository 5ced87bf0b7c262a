using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.CallCenter.Inbound;

/// <summary>A callback asked for: the customer, when (an instant), a note, and whether the whole team may make it (else the consultant).</summary>
public sealed record CallbackRequest(long CustomerId, DateTimeOffset At, string? Note, bool ForTeam, long? InboundContactId = null);

public enum ScheduleStatus { Scheduled, InPast, TooFar, Invalid, NotFound, Forbidden }

/// <summary>
/// What scheduling did: the callback's id and when it is due, and <see cref="Moved"/> when that is not the time asked for
/// (the page tells the user so); <see cref="ScheduleStatus.InPast"/> and the other refusals save nothing.
/// </summary>
public sealed record ScheduleResult(ScheduleStatus Status, long? Id = null, DateTimeOffset? DueAt = null, CallbackMove? Moved = null);

/// <summary>A callback on a list, with the customer's name (the lists are the consultant's own work, logged as a search).</summary>
public sealed record CallbackView(long Id, long CustomerId, string CustomerName, DateTimeOffset DueAt, CallbackMove? Moved, string? Note,
    string? AssignedTo, string CreatedBy, CallbackStatus Status, DateTimeOffset? DoneAt, string? DoneBy, int Version)
{
    /// <summary>Past its time and not done.</summary>
    public bool Overdue(DateTimeOffset now) => Status != CallbackStatus.Done && DueAt < now;
}

/// <summary>
/// Callbacks promised on inbound calls. A time in the contact policy's quiet hours (21:00–08:00, the policy every outbound
/// call goes through: <see cref="ConsentService.CheckAsync"/> for a contract-maintenance call) or on a day the Korean
/// business-day calendar closes (<see cref="KoreanBusinessCalendar"/>) is moved to the next allowed time, the opening of the
/// next business day; a time in the past is refused. A callback still due on the second business day after its due day is
/// missed (<see cref="CallbackStatus.Missed"/>, set when a list is read). The list of a consultant is their own callbacks and
/// the team's.
/// </summary>
internal sealed class Callbacks(CrmDbContext db, CustomerScope scope, IAccessLog log, CallPlanner planner, ContactPolicy policy,
    KoreanBusinessCalendar calendar, TimeProvider clock)
{
    public const int MaxNoteLength = 500;

    /// <summary>A callback further ahead than this is a reminder, not a callback.</summary>
    public const int MaxDaysAhead = 90;

    /// <summary>A minute's grace: a time typed as "now" is not in the past by the time it is saved.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    public async Task<ScheduleResult> ScheduleAsync(CrmUser user, CallbackRequest request, string? reason, CancellationToken ct = default)
    {
        if (!user.Role.Allows(Capability.CallsInbound))
        {
            return new ScheduleResult(ScheduleStatus.Forbidden);
        }
        var now = clock.GetUtcNow();
        if (request.Note is { Length: > MaxNoteLength })
        {
            return new ScheduleResult(ScheduleStatus.Invalid);
        }
        if (request.At < now - Grace)
        {
            return new ScheduleResult(ScheduleStatus.InPast);
        }
        if (request.At > now.AddDays(MaxDaysAhead))
        {
            return new ScheduleResult(ScheduleStatus.TooFar);
        }
        if (await scope.CheckAsync(user, request.CustomerId, "schedule callback", reason, ct) != Reach.Allowed)
        {
            return new ScheduleResult(ScheduleStatus.NotFound);
        }
        if (await planner.PlanAsync(request.CustomerId, request.At, ct) is not { } plan)
        {
            return new ScheduleResult(ScheduleStatus.NotFound);
        }
        var callback = new Callback
        {
            CustomerId = request.CustomerId, InboundContactId = request.InboundContactId, DueAt = plan.DueAt.UtcDateTime,
            RequestedAt = request.At.UtcDateTime, MovedBecause = plan.Moved, Note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim(),
            AssignedTo = request.ForTeam ? null : user.UserName, CreatedBy = user.UserName, CreatedAt = now.UtcDateTime, Status = CallbackStatus.Due,
        };
        db.Callbacks.Add(callback);
        await db.SaveChangesAsync(ct);
        await log.RecordAsync(user, new AccessEvent(AccessAction.Insert, request.CustomerId, reason, "callback"), ct);
        return new ScheduleResult(ScheduleStatus.Scheduled, callback.Id, plan.DueAt, plan.Moved);
    }

    /// <summary>
    /// The callbacks <paramref name="user"/> works: their own and the team's (or <paramref name="of"/>'s own and the team's),
    /// due ones by time; <paramref name="dueOnly"/> keeps those due by the end of today (overdue included). Marks the missed
    /// ones first. The customers listed are logged as a search.
    /// </summary>
    public async Task<IReadOnlyList<CallbackView>?> ListAsync(CrmUser user, bool dueOnly, string? of = null, bool withDone = false,
        CancellationToken ct = default)
    {
        if (!user.Role.Allows(Capability.CallsInbound) && !user.Role.Allows(Capability.AdminUsers))
        {
            return null;
        }
        await MarkMissedAsync(ct);
        var who = of ?? user.UserName;
        var now = clock.GetUtcNow();
        var endOfToday = policy.StartOf(policy.LocalDate(now).AddDays(1)).UtcDateTime;
        var since = policy.StartOf(policy.LocalDate(now).AddDays(-7)).UtcDateTime;
        var query = db.Callbacks.AsNoTracking().Where(c => c.AssignedTo == null || c.AssignedTo == who);
        query = dueOnly
            ? query.Where(c => c.Status == CallbackStatus.Due && c.DueAt < endOfToday)
            : query.Where(c => c.Status != CallbackStatus.Done || (withDone && c.DoneAt >= since));
        var rows = await (from c in query
                          join p in db.Customers.AsNoTracking() on c.CustomerId equals p.Id
                          orderby c.Status, c.DueAt, c.Id
                          select new { c, p.Name }).Take(500).ToListAsync(ct);
        var views = rows.Select(r => View(r.c, r.Name)).ToList();
        await log.RecordManyAsync(user, [.. views.Select(v => v.CustomerId).Distinct().Select(id => new AccessEvent(AccessAction.Search, id, Detail: "search:Callbacks"))], ct);
        return views;
    }

    /// <summary>Marks a callback done (a missed one too: it was made late); not found when it does not exist, is another consultant's, or changed since the page showed it.</summary>
    public async Task<InboundStatus> DoneAsync(CrmUser user, long id, int version, CancellationToken ct = default)
    {
        if (!user.Role.Allows(Capability.CallsInbound))
        {
            return InboundStatus.Forbidden;
        }
        var callback = await db.Callbacks.FirstOrDefaultAsync(c => c.Id == id && (c.AssignedTo == null || c.AssignedTo == user.UserName), ct);
        if (callback is null || callback.Version != version || callback.Status == CallbackStatus.Done)
        {
            return InboundStatus.NotFound;
        }
        callback.Status = CallbackStatus.Done;
        callback.DoneAt = clock.GetUtcNow().UtcDateTime;
        callback.DoneBy = user.UserName;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return InboundStatus.NotFound;
        }
        return InboundStatus.Done;
    }

    /// <summary>Callbacks still due before the start of the previous business day: their due day and the business day after it have passed.</summary>
    public async Task<int> MarkMissedAsync(CancellationToken ct = default)
    {
        var today = policy.LocalDate(clock.GetUtcNow());
        var cutoff = policy.StartOf(calendar.AddBusinessDays(today, -1)).UtcDateTime;
        return await db.Callbacks.Where(c => c.Status == CallbackStatus.Due && c.DueAt < cutoff)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CallbackStatus.Missed).SetProperty(c => c.Version, c => c.Version + 1), ct);
    }

    public static CallbackView View(Callback c, string name) => new(c.Id, c.CustomerId, name,
        new DateTimeOffset(DateTime.SpecifyKind(c.DueAt, DateTimeKind.Utc)), c.MovedBecause, c.Note, c.AssignedTo, c.CreatedBy, c.Status,
        c.DoneAt is { } d ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)) : null, c.DoneBy, c.Version);
}
