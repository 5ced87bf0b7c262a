using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Core.CallCenter.Reassign;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.CallCenter;

/// <summary>
/// Hands open, unassigned items to call-center consultants (active <see cref="Role.CallCenter"/> accounts): each item, the
/// earliest due first, goes to a consultant whose skills include its queue and who holds the fewest open items (ties: the
/// lower user id), as long as they have been handed fewer than <see cref="CallCenterOptions.DailyCap"/> items that day. An
/// item nobody can take stays unassigned for the next day's run. A consultant without a skill row takes every queue. First, the
/// items of accounts that are no longer active consultants go back to the pool (<see cref="QueueReassignment.ReleaseInactiveAsync"/>),
/// so a consultant who left does not keep customers waiting.
/// </summary>
internal static class QueueDistribution
{
    private const int Batch = 2000;

    public sealed record Result(int Assigned, int Unassigned, int Consultants, int Released);

    private sealed class Consultant(long id, IReadOnlySet<QueueKind> skills, int load, int today)
    {
        public long Id { get; } = id;
        public IReadOnlySet<QueueKind> Skills { get; } = skills;
        public int Load { get; set; } = load;
        public int Today { get; set; } = today;
        public List<long> Taken { get; } = [];
    }

    public static IReadOnlySet<QueueKind> ParseKinds(string? kinds) =>
        string.IsNullOrWhiteSpace(kinds) ? Enum.GetValues<QueueKind>().ToHashSet()
            : kinds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(k => Enum.TryParse<QueueKind>(k, true, out var v) ? v : (QueueKind?)null).OfType<QueueKind>().ToHashSet();

    public static async Task<Result> AssignAsync(CrmDbContext db, CallCenterOptions options, DateOnly asOf, DateTime now, CancellationToken ct)
    {
        var released = await QueueReassignment.ReleaseInactiveAsync(db, now, ct);
        var users = await db.Users.AsNoTracking().Where(u => u.Role == Role.CallCenter && u.IsActive).Select(u => u.Id).ToListAsync(ct);
        var skills = await db.CallSkills.AsNoTracking().Where(s => users.Contains(s.UserId)).ToDictionaryAsync(s => s.UserId, s => s.Kinds, ct);
        var loads = await db.CallQueueItems.AsNoTracking()
            .Where(i => i.AssignedUserId != null && (i.State == QueueItemState.Open || i.State == QueueItemState.InProgress))
            .GroupBy(i => i.AssignedUserId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var today = await db.CallQueueItems.AsNoTracking().Where(i => i.AssignedUserId != null && i.AssignedOn == asOf)
            .GroupBy(i => i.AssignedUserId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var consultants = users.Select(u => new Consultant(u, ParseKinds(skills.GetValueOrDefault(u)), loads.GetValueOrDefault(u), today.GetValueOrDefault(u)))
            .ToList();
        var waiting = await db.CallQueueItems.AsNoTracking()
            .Where(i => i.AssignedUserId == null && (i.State == QueueItemState.Open || i.State == QueueItemState.InProgress))
            .OrderBy(i => i.DueOn).ThenBy(i => i.Id).Select(i => new { i.Id, i.Kind }).ToListAsync(ct);
        var unassigned = 0;
        foreach (var item in waiting)
        {
            Consultant? pick = null;
            foreach (var c in consultants)
            {
                if (c.Today < options.DailyCap && c.Skills.Contains(item.Kind) && (pick is null || c.Load < pick.Load))
                {
                    pick = c;
                }
            }
            if (pick is null)
            {
                unassigned++;
                continue;
            }
            pick.Taken.Add(item.Id);
            pick.Load++;
            pick.Today++;
        }
        foreach (var c in consultants.Where(c => c.Taken.Count > 0))
        {
            var userId = c.Id;
            foreach (var chunk in c.Taken.Chunk(Batch))
            {
                await db.CallQueueItems.Where(i => chunk.Contains(i.Id) && i.AssignedUserId == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(i => i.AssignedUserId, userId).SetProperty(i => i.AssignedOn, asOf)
                        .SetProperty(i => i.Version, i => i.Version + 1), ct);
            }
        }
        return new Result(consultants.Sum(c => c.Taken.Count), unassigned, consultants.Count, released);
    }
}
