using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Orphans;
using InsureCrm.Core.Security;
using InsureCrm.Core.Synthetic;
using InsureCrm.Core.Value;
using InsureCrm.Core.Worklists;
using InsureCrm.Tests.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace InsureCrm.Tests.Orphans;

/// <summary>
/// The demo's orphans at start-up: on a generated insurer with the demo logins, FCs of the demo CS consultant's branch
/// leave, the service assigns their customers, some are first-contacted, some past due, some due within two business
/// days; the demo "cs" login gets cases; a second start makes nothing.
/// </summary>
public sealed class DemoOrphansTests(ITestOutputHelper output)
{
    /// <summary>A Monday: the early departures are six business days back (the Friday before last).</summary>
    private static readonly DateOnly AsOf = new(2025, 6, 30);

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task EnsureAsync_GeneratedInsurer_CsLoginGetsContactedPastDueAndDueSoonCases_Once(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var insurer = new SyntheticInsurer(db.Database, CustomerSeed.Protector(), TimeProvider.System, NullLogger<SyntheticInsurer>.Instance);
        await insurer.GenerateAsync(new GenerationOptions(2500, 7, null, AsOf, ChunkSize: 1000), null, CancellationToken.None);
        await new ValueRunner(db.Database, Options.Create(new ValueOptions { ChunkSize = 1000 }), TimeProvider.System, NullLogger<ValueRunner>.Instance)
            .RunAsync(AsOf);
        await using (var ctx = db.CreateContext())
        {
            await new DemoUsers(ctx, TimeProvider.System).EnsureAsync();
        }
        var calendar = new KoreanBusinessCalendar(new BusinessCalendarOptions());
        var demo = new DemoOrphans(db.Database, new OrphanOptions(), calendar, TimeProvider.System, NullLoggerFactory.Instance);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var made = await demo.EnsureAsync(AsOf, CancellationToken.None);
        output.WriteLine($"{provider}: DemoOrphans.EnsureAsync made {made} cases in {clock.ElapsedMilliseconds} ms");
        var again = await demo.EnsureAsync(AsOf, CancellationToken.None);

        await using var read = db.CreateContext();
        var cs = await read.Users.AsNoTracking().SingleAsync(u => u.UserName == "cs");
        cs.AgentId.ShouldNotBeNull("the generated insurer has a CS consultant in the demo branch");
        var cases = await read.OrphanCases.AsNoTracking().ToListAsync();
        made.ShouldBe(cases.Count);
        made.ShouldBeGreaterThan(0);
        again.ShouldBe(0, "a second start finds the cases and makes none");
        (await read.OrphanCases.CountAsync()).ShouldBe(made);
        var leavers = await read.Agents.AsNoTracking().Where(a => a.Status == AgentStatus.Terminated && cases.Select(c => c.FormerAgentId).Contains(a.Id)).ToListAsync();
        // Up to three leave; a small insurer's branch may have only two FCs with five customers or more without a login.
        leavers.Count.ShouldBeInRange(2, DemoOrphans.Leavers);
        leavers.ShouldAllBe(a => a.BranchId == cs.BranchId && a.Kind == AgentKind.Fc);
        var logins = await read.Users.AsNoTracking().Where(u => u.AgentId != null).Select(u => u.AgentId!.Value).ToListAsync();
        leavers.ShouldAllBe(a => !logins.Contains(a.Id), "no demo login loses its agent");

        var mine = cases.Where(c => c.ConsultantId == cs.AgentId).ToList();
        mine.ShouldContain(c => c.State == OrphanState.Contacted, "some of the cs login's cases are first-contacted");
        mine.ShouldContain(c => c.State == OrphanState.Assigned && c.FirstContactDue < AsOf, "one is past due");
        var soon = calendar.AddBusinessDays(AsOf, OrphanBoard.SoonBusinessDays);
        mine.ShouldContain(c => c.State == OrphanState.Assigned && c.FirstContactDue >= AsOf && c.FirstContactDue <= soon, "the last departure's are due soon");
        // Contacts were made through the service on days after the assignment, never before it nor after the demo's date.
        cases.Where(c => c.FirstContactAt is not null).ShouldAllBe(c =>
            DateOnly.FromDateTime(c.FirstContactAt!.Value.AddHours(9)) > c.AssignedOn && DateOnly.FromDateTime(c.FirstContactAt!.Value.AddHours(9)) < AsOf);
        // The cs login's /today holds one open Handover item per open case, due on the case's deadline (the worklists were
        // built before the orphans at start-up: the assignment inserted them).
        var handovers = await read.WorkItems.AsNoTracking()
            .Where(i => i.AgentId == cs.AgentId && i.Action == WorkAction.Handover && i.State == WorkItemState.Open).ToListAsync();
        handovers.Select(i => (WorkFacts.Read(i.Facts).OrphanCaseId, i.DueOn))
            .ShouldBe(mine.Where(c => c.State == OrphanState.Assigned).Select(c => ((long?)c.Id, c.FirstContactDue)), ignoreOrder: true);
        // Each consultant of the first departures keeps exactly one past-due case.
        cases.Where(c => c.State == OrphanState.Assigned && c.FirstContactDue < AsOf).GroupBy(c => c.ConsultantId).ShouldAllBe(g => g.Count() == 1);
    }
}
