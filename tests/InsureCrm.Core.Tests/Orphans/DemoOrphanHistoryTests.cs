using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Orphans;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Core.Synthetic;
using InsureCrm.Tests.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace InsureCrm.Tests.Orphans;

/// <summary>
/// The demo's orphan history on a generated insurer: departures 14 and 8 months back through the service with a control
/// wave, first contacts, and planted lapses (8 % immediate, 20 % control within 12 months) that the retention measure finds.
/// </summary>
public sealed class DemoOrphanHistoryTests(ITestOutputHelper output)
{
    private static readonly DateOnly AsOf = new(2025, 6, 30);

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task EnsureAsync_GeneratedInsurer_WavesAssignedAndThePlantedEffectMeasured_Once(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var insurer = new SyntheticInsurer(db.Database, CustomerSeed.Protector(), TimeProvider.System, NullLogger<SyntheticInsurer>.Instance);
        await insurer.GenerateAsync(new GenerationOptions(4000, 11, null, AsOf, ChunkSize: 1000), null, CancellationToken.None);
        await using (var ctx = db.CreateContext())
        {
            await new DemoUsers(ctx, TimeProvider.System).EnsureAsync();
        }
        var calendar = new KoreanBusinessCalendar(new BusinessCalendarOptions());
        var history = new DemoOrphanHistory(db.Database, calendar, TimeProvider.System, NullLoggerFactory.Instance);

        var made = await history.EnsureAsync(AsOf, CancellationToken.None);
        var again = await history.EnsureAsync(AsOf, CancellationToken.None);

        await using var read = db.CreateContext();
        var cases = await read.OrphanCases.AsNoTracking().ToListAsync();
        made.ShouldBe(cases.Count);
        made.ShouldBeGreaterThanOrEqualTo(DemoOrphanHistory.TargetCustomers);
        again.ShouldBe(0);
        cases.Select(c => c.TerminatedOn).Distinct().Order().ShouldBe([AsOf.AddMonths(-14), AsOf.AddMonths(-8)]);
        cases.ShouldAllBe(c => c.State == OrphanState.Contacted, "every history case was assigned and first-contacted");
        var control = cases.Where(c => c.Wave == OrphanWave.Control).ToList();
        control.Count.ShouldBeInRange(made / 3, made * 2 / 3);
        control.ShouldAllBe(c => c.AssignedOn == calendar.AddBusinessDays(calendar.AddBusinessDays(c.TerminatedOn, 1), DemoOrphanHistory.ControlDelay));
        var cs = await read.Users.AsNoTracking().SingleAsync(u => u.UserName == "cs");
        (await read.Agents.AsNoTracking().Where(a => cases.Select(c => c.FormerAgentId).Contains(a.Id)).ToListAsync())
            .ShouldAllBe(a => a.Status == AgentStatus.Terminated && a.BranchId != cs.BranchId);
        (await read.ContractStatusChanges.CountAsync(c => c.Reason == "demo: lapsed after the agent left")).ShouldBeGreaterThan(0);

        var d = await new OrphanRetention(read).BuildAsync(null, AsOf);
        var at6 = d.Waves[1].Difference.ShouldNotBeNull();
        output.WriteLine($"{provider}: {made} cases; 6 months: immediate {at6.First} control {at6.Second}, difference {at6.Difference:P1} ({at6.Ci.Low:P1} to {at6.Ci.High:P1})");
        // Planted: 12 points more loss within 12 months in the control wave (less by 6 months): the measure sees it, positive,
        // and the planted 12-month gap lies inside the 13-month interval.
        at6.Difference.ShouldBeGreaterThan(0);
        var at13 = d.Waves[2].Difference.ShouldNotBeNull();
        output.WriteLine($"13 months: immediate {at13.First} control {at13.Second}, difference {at13.Difference:P1} ({at13.Ci.Low:P1} to {at13.Ci.High:P1})");
        (DemoOrphanHistory.LossControl - DemoOrphanHistory.LossImmediate).ShouldBeInRange(at13.Ci.Low, at13.Ci.High);
        at13.Ci.Low.ShouldBeGreaterThan(0, "the effect is large enough to show on this book");
        d.Breaches.ShouldBeGreaterThan(0, "some first contacts came after the 3-day deadline");
        d.Breaches.ShouldBeLessThan(d.DeadlinesPassed);
    }
}
