using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Core.Worklists;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Orphans;

/// <summary>
/// The demo's orphans, once (until a case exists): agents of the demo CS consultant's branch leave a few business days before
/// the demo's date and their customers are assigned by <see cref="OrphanService"/> as the nightly run would have, on those
/// days. The first departures' cases are first-contacted by their consultants on the following days through the service,
/// all but one per consultant, which stays past due; the last departure's cases are open and due within two business days.
/// So a new user sees cases in every state the page shows. Which agents leave is chosen, not drawn: the FCs of that branch
/// with the fewest customers (five or more), never an agent who has a demo login.
/// </summary>
internal sealed class DemoOrphans(CrmDatabase database, OrphanOptions options, KoreanBusinessCalendar calendar, TimeProvider time,
    ILoggerFactory loggers, WorklistOptions? worklists = null)
{
    /// <summary>Agents who leave: the first ones <see cref="EarlyDays"/> business days before the demo's date, the last one three (so their first contact is due within two business days of that date).</summary>
    public const int Leavers = 3;

    public const int EarlyDays = 6;
    public const int LateDays = 3;
    private const int MinCustomers = 5;

    /// <summary>Returns the number of cases the demo made (0 when cases existed or the demo has no CS consultant login).</summary>
    public async Task<int> EnsureAsync(DateOnly asOf, CancellationToken ct)
    {
        List<string> leavers;
        await using (var ctx = database.CreateContext())
        {
            if (await ctx.OrphanCases.AnyAsync(ct))
            {
                return 0;
            }
            var cs = await ctx.Users.AsNoTracking().Where(u => u.UserName == "cs").Select(u => new { u.AgentId, u.BranchId }).FirstOrDefaultAsync(ct);
            if (cs?.BranchId is not { } branch)
            {
                return 0;
            }
            var withLogin = await ctx.Users.AsNoTracking().Where(u => u.AgentId != null).Select(u => u.AgentId!.Value).ToListAsync(ct);
            var fcs = await ctx.Agents.AsNoTracking()
                .Where(a => a.BranchId == branch && a.Kind == AgentKind.Fc && a.Status == AgentStatus.Active && !withLogin.Contains(a.Id))
                .Select(a => new { a.Id, a.Code }).ToListAsync(ct);
            var ids = fcs.Select(a => a.Id).ToList();
            var customers = await ctx.Contracts.AsNoTracking()
                .Where(k => k.ServicingAgentId != null && ids.Contains(k.ServicingAgentId.Value) && OrphanService.ActiveStatuses.Contains(k.Status))
                .GroupBy(k => k.ServicingAgentId!.Value)
                .Select(g => new { AgentId = g.Key, Customers = g.Select(k => k.CustomerId).Distinct().Count() }).ToListAsync(ct);
            var counts = customers.ToDictionary(c => c.AgentId, c => c.Customers);
            leavers = [.. fcs.Where(a => counts.GetValueOrDefault(a.Id) >= MinCustomers)
                .OrderBy(a => counts[a.Id]).ThenBy(a => a.Code, StringComparer.Ordinal).Take(Leavers).Select(a => a.Code)];
        }
        if (leavers.Count == 0)
        {
            return 0;
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var clock = new DayClock(time);
        var early = calendar.AddBusinessDays(asOf, -EarlyDays);
        var late = calendar.AddBusinessDays(asOf, -LateDays);
        var made = 0;
        await using (var ctx = database.CreateContext())
        {
            var service = Service(ctx, clock);
            for (var i = 0; i < leavers.Count; i++)
            {
                var last = i == leavers.Count - 1 && leavers.Count > 1;
                await service.TerminateAgentAsync(leavers[i], last ? late : early, ct);
            }
            // The night after each departure the assignment runs (as of the next business day).
            made += (await service.AssignAsync(calendar.AddBusinessDays(early, 1), ct)).Candidates;
        }
        await using (var ctx = database.CreateContext())
        {
            var firstBatch = await ctx.OrphanCases.AsNoTracking().Where(c => c.State == OrphanState.Assigned)
                .OrderBy(c => c.ConsultantId).ThenBy(c => c.Id).Select(c => new { c.Id, c.ConsultantId, c.AssignedOn }).ToListAsync(ct);
            var service = Service(ctx, clock);
            var contacted = 0;
            foreach (var group in firstBatch.GroupBy(c => c.ConsultantId))
            {
                // All but the last of each consultant's cases: that one stays past due.
                foreach (var (c, n) in group.SkipLast(1).Select((c, n) => (c, n)))
                {
                    var day = calendar.AddBusinessDays(c.AssignedOn!.Value, 1 + (n % 2));
                    clock.Now = new DateTimeOffset(day.ToDateTime(new TimeOnly(10 + (n % 7), 0)), TimeSpan.FromHours(9));
                    var by = "demo-consultant";
                    if (n % 3 == 0)
                    {
                        await service.RecordCoverageCheckAsync(c.Id, by, null, ct);
                    }
                    else
                    {
                        await service.RecordFirstContactAsync(c.Id, by, ct);
                    }
                    contacted++;
                }
            }
            made += (await Service(ctx, clock).AssignAsync(calendar.AddBusinessDays(late, 1), ct)).Candidates;
            loggers.CreateLogger<DemoOrphans>().LogInformation(
                "Demo orphans: {Leavers} agents left, {Cases} cases assigned, {Contacted} first-contacted in {Ms} ms",
                leavers.Count, made, contacted, watch.ElapsedMilliseconds);
        }
        return made;
    }

    private OrphanService Service(CrmDbContext ctx, TimeProvider clock) =>
        new(ctx, options, calendar, clock, loggers.CreateLogger<OrphanService>(), new Handovers(ctx, worklists ?? new WorklistOptions()));

    /// <summary>The past day's time the contacts are entered at.</summary>
    private sealed class DayClock(TimeProvider real) : TimeProvider
    {
        public DateTimeOffset? Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now?.ToUniversalTime() ?? real.GetUtcNow();

        public override TimeZoneInfo LocalTimeZone => real.LocalTimeZone;
    }
}
