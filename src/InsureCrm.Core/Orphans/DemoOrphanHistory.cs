using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Core.Worklists;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Orphans;

/// <summary>
/// The demo's orphan history, so the retention dashboard shows real figures (docs/orphans.md, "The demo's orphan history"):
/// FCs outside the demo CS consultant's branch left 14 and 8 months before the demo's date, their customers went through
/// <see cref="OrphanService"/> with the control wave on (half, 20 business days late), were first-contacted within a few
/// business days, and some contracts lapsed afterwards through the contract status change (a versioned update with its
/// history row). The planted effect: a contract is lost within 12 months of the departure with probability
/// <see cref="LossImmediate"/> in the immediate wave and <see cref="LossControl"/> in the control wave. Draws are hashes of
/// the contract or case id, not a shared random stream. This is the fallback the issue allowed for the generator making
/// departures itself (not built).
/// </summary>
internal sealed class DemoOrphanHistory(CrmDatabase database, KoreanBusinessCalendar calendar, TimeProvider time, ILoggerFactory loggers,
    WorklistOptions? worklists = null)
{
    public const double LossImmediate = 0.08;
    public const double LossControl = 0.20;
    public const double ControlShare = 0.5;
    public const int ControlDelay = 20;
    public const string DemoSalt = "insurecrm-demo-orphan-history";

    /// <summary>Customers the departures aim at (the agents are taken until they reach it).</summary>
    public const int TargetCustomers = 300;

    private const int MinCustomers = 10;

    /// <summary>Returns the number of cases made (0 when a case orphaned a year or more before the date exists).</summary>
    public async Task<int> EnsureAsync(DateOnly asOf, CancellationToken ct)
    {
        var leavers = new List<(string Code, DateOnly Left)>();
        await using (var ctx = database.CreateContext())
        {
            var old = asOf.AddMonths(-12);
            if (await ctx.OrphanCases.AnyAsync(c => c.TerminatedOn <= old, ct))
            {
                return 0;
            }
            var cs = await ctx.Users.AsNoTracking().Where(u => u.UserName == "cs").Select(u => u.BranchId).FirstOrDefaultAsync(ct);
            var withLogin = await ctx.Users.AsNoTracking().Where(u => u.AgentId != null).Select(u => u.AgentId!.Value).ToListAsync(ct);
            var fcs = await ctx.Agents.AsNoTracking()
                .Where(a => a.Kind == AgentKind.Fc && a.Status == AgentStatus.Active && a.BranchId != cs && !withLogin.Contains(a.Id))
                .Select(a => new { a.Id, a.Code }).ToListAsync(ct);
            var ids = fcs.Select(a => a.Id).ToList();
            var counts = (await ctx.Contracts.AsNoTracking()
                .Where(k => k.ServicingAgentId != null && ids.Contains(k.ServicingAgentId.Value) && OrphanService.ActiveStatuses.Contains(k.Status))
                .GroupBy(k => k.ServicingAgentId!.Value)
                .Select(g => new { g.Key, Customers = g.Select(k => k.CustomerId).Distinct().Count() }).ToListAsync(ct))
                .ToDictionary(g => g.Key, g => g.Customers);
            var total = 0;
            // A fixed, id-hashed order (not the largest books): agents of many branches.
            foreach (var a in fcs.Where(a => counts.GetValueOrDefault(a.Id) >= MinCustomers).OrderBy(a => WaveDraw.Uniform("demo-leaver", a.Id)))
            {
                if (total >= TargetCustomers)
                {
                    break;
                }
                leavers.Add((a.Code, leavers.Count % 2 == 0 ? asOf.AddMonths(-14) : asOf.AddMonths(-8)));
                total += counts[a.Id];
            }
        }
        if (leavers.Count == 0)
        {
            return 0;
        }
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await using (var ctx = database.CreateContext())
        {
            // A fixed salt, so the demo's waves are the same on every start from an empty folder (a real roll-out gets a random one).
            if (!await ctx.OrphanRollouts.AnyAsync(ct))
            {
                ctx.OrphanRollouts.Add(new OrphanRollout { Salt = DemoSalt, CreatedAt = time.GetUtcNow().UtcDateTime });
                await ctx.SaveChangesAsync(ct);
            }
        }
        var options = new OrphanOptions { ControlShare = ControlShare, ControlDelayBusinessDays = ControlDelay };
        var clock = new PastClock(time);
        var made = 0;
        foreach (var cohort in leavers.GroupBy(l => l.Left).OrderBy(g => g.Key))
        {
            var left = cohort.Key;
            await using var ctx = database.CreateContext();
            var service = new OrphanService(ctx, options, calendar, clock, loggers.CreateLogger<OrphanService>(), new Handovers(ctx, worklists ?? new WorklistOptions()));
            foreach (var (code, _) in cohort)
            {
                await service.TerminateAgentAsync(code, left, ct);
            }
            var first = calendar.AddBusinessDays(left, 1);
            var late = calendar.AddBusinessDays(first, ControlDelay);
            var s = await service.AssignAsync(first, ct);
            made += s.Candidates;
            await ContactAsync(ctx, service, clock, first, ct);
            await service.AssignAsync(late, ct);
            await ContactAsync(ctx, service, clock, late, ct);
        }
        var lapsed = await LapseAsync(asOf, ct);
        loggers.CreateLogger<DemoOrphanHistory>().LogInformation(
            "Demo orphan history: {Leavers} agents left 14 and 8 months back, {Cases} cases, {Lapsed} contracts lapsed afterwards, in {Ms} ms",
            leavers.Count, made, lapsed, watch.ElapsedMilliseconds);
        return made;
    }

    /// <summary>The cases assigned on <paramref name="day"/>: first contact 1 to 5 business days later (so some breach the 3-day SLA).</summary>
    private async Task ContactAsync(CrmDbContext ctx, OrphanService service, PastClock clock, DateOnly day, CancellationToken ct)
    {
        var cases = await ctx.OrphanCases.AsNoTracking().Where(c => c.State == OrphanState.Assigned && c.AssignedOn == day)
            .OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(ct);
        foreach (var id in cases)
        {
            var on = calendar.AddBusinessDays(day, 1 + (int)(WaveDraw.Uniform("demo-contact", id) * 5));
            clock.Now = new DateTimeOffset(on.ToDateTime(new TimeOnly(11, 0)), TimeSpan.FromHours(9));
            await service.RecordFirstContactAsync(id, "demo-consultant", ct);
        }
        clock.Now = null;
    }

    /// <summary>The planted losses: each moved contract lapses within 12 months of the departure with the wave's probability.</summary>
    private async Task<int> LapseAsync(DateOnly asOf, CancellationToken ct)
    {
        await using var ctx = database.CreateContext();
        // Only the history's cases are this old (the demo's recent departures are days back).
        var old = asOf.AddMonths(-6);
        var cases = await ctx.OrphanCases.AsNoTracking().Where(c => c.TerminatedOn <= old)
            .Select(c => new { c.Wave, c.TerminatedOn, c.ContractIds }).ToListAsync(ct);
        var plan = cases
            .SelectMany(c => (System.Text.Json.JsonSerializer.Deserialize<long[]>(c.ContractIds) ?? []).Select(id => (Id: id, c.Wave, c.TerminatedOn)))
            .Where(x => WaveDraw.Uniform("demo-lapse", x.Id) < (x.Wave == OrphanWave.Control ? LossControl : LossImmediate))
            .ToDictionary(x => x.Id);
        var now = time.GetUtcNow().UtcDateTime;
        var count = 0;
        foreach (var chunk in plan.Keys.Chunk(1000))
        {
            foreach (var k in await ctx.Contracts.Where(k => chunk.Contains(k.Id)).ToListAsync(ct))
            {
                var x = plan[k.Id];
                var on = x.TerminatedOn.AddDays(15 + (int)(WaveDraw.Uniform("demo-lapse-day", k.Id) * 345));
                if (on >= asOf || !ContractLifecycle.IsActive(k.Status))
                {
                    continue;
                }
                var (change, _) = ContractLifecycle.Move(k, ContractStatus.Lapsed, on, now, "demo: lapsed after the agent left");
                if (change is not null)
                {
                    ctx.ContractStatusChanges.Add(change);
                    count++;
                }
            }
        }
        await ctx.SaveChangesAsync(ct);
        return count;
    }

    private sealed class PastClock(TimeProvider real) : TimeProvider
    {
        public DateTimeOffset? Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now?.ToUniversalTime() ?? real.GetUtcNow();

        public override TimeZoneInfo LocalTimeZone => real.LocalTimeZone;
    }
}
