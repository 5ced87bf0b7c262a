using InsureCrm.Core;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Nightly;
using InsureCrm.Core.Orphans;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Core.Worklists;
using InsureCrm.Tests.Worklists;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InsureCrm.Tests.Orphans;

/// <summary>
/// The control wave of a staggered roll-out, the retention it measures, a CS consultant who leaves, and the nightly step, on a
/// hand-built insurer: FCs of 강남 (Seoul) leave; CS consultants in 강남 and 해운대 (Busan). Fictional people.
/// </summary>
public sealed class OrphanWavesTests
{
    private static readonly DateOnly AsOf = new(2026, 9, 23);
    private static readonly KoreanBusinessCalendar Calendar = new(new BusinessCalendarOptions());

    private sealed record World(Branch Gangnam, Branch Busan, Agent Leaver, Agent CsGangnam, Agent CsGangnam2, Agent CsBusan, Product Product, List<long> Customers);

    private static OrphanService Service(CrmDbContext ctx, OrphanOptions? options = null, ILogger<OrphanService>? logger = null) =>
        new(ctx, options ?? new OrphanOptions(), Calendar, new WorklistKit.Fixed(new DateTimeOffset(2026, 9, 23, 1, 0, 0, TimeSpan.Zero)),
            logger ?? NullLogger<OrphanService>.Instance, new Handovers(ctx, new WorklistOptions()));

    private static async Task<World> SeedAsync(CrmDbContext ctx, int customers, DateOnly issued)
    {
        var gangnam = new Branch { Code = "B-GN", Name = "강남지점", Sido = "서울특별시", Sigungu = "강남구" };
        var busan = new Branch { Code = "B-BS", Name = "해운대지점", Sido = "부산광역시", Sigungu = "해운대구" };
        ctx.Branches.AddRange(gangnam, busan);
        await ctx.SaveChangesAsync();
        var leaver = await WorklistKit.AgentAsync(ctx, gangnam, "FC-LEAVE", "가나다", hired: new(2020, 3, 1));
        var cs1 = await WorklistKit.AgentAsync(ctx, gangnam, "CS-GN1", "라마바", AgentKind.Cs, hired: new(2015, 6, 1));
        var cs2 = await WorklistKit.AgentAsync(ctx, gangnam, "CS-GN2", "사아자", AgentKind.Cs, hired: new(2019, 6, 1));
        var bs = await WorklistKit.AgentAsync(ctx, busan, "CS-BS1", "파하가", AgentKind.Cs, hired: new(2016, 1, 2));
        var product = new Product { Code = "P-H", Name = "건강보험", Line = ProductLine.Life, Family = ProductFamily.Health };
        ctx.Products.Add(product);
        await ctx.SaveChangesAsync();
        var ids = new List<long>();
        for (var i = 0; i < customers; i++)
        {
            var c = await WorklistKit.CustomerAsync(ctx, "고객" + i);
            ids.Add(c.Id);
            ctx.Contracts.Add(Contract(product, c.Id, leaver.Id, "K" + i, issued));
        }
        await ctx.SaveChangesAsync();
        return new(gangnam, busan, leaver, cs1, cs2, bs, product, ids);
    }

    private static Contract Contract(Product p, long customerId, long? agentId, string number, DateOnly issued) => new()
    {
        ContractNumber = number, ProductId = p.Id, CustomerId = customerId, SumAssured = 10_000_000, Premium = 30_000,
        PaymentMode = PaymentMode.Monthly, PaymentMethod = PaymentMethod.AutoDebit, IssueDate = issued,
        SellingAgentId = agentId, ServicingAgentId = agentId, Channel = SalesChannel.Fc, Status = ContractStatus.InForce, StatusDate = issued,
    };

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ControlWave_DrawnReproducibly_DeferredUntilTheDelay_ThenAssignedWithItsOwnDeadline(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var w = await SeedAsync(ctx, 40, new(2025, 4, 1));
        await Service(ctx).TerminateAgentAsync("FC-LEAVE", AsOf);
        var options = new OrphanOptions { ControlShare = 0.5, ControlDelayBusinessDays = 20 };

        var first = await Service(ctx, options).AssignAsync(AsOf);

        var cases = await ctx.OrphanCases.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
        cases.Count.ShouldBe(40);
        var salt = (await ctx.OrphanRollouts.AsNoTracking().SingleAsync()).Salt;
        // The stored wave is the draw of the salt and the case id: anyone can recompute it.
        cases.ShouldAllBe(c => (c.Wave == OrphanWave.Control) == WaveDraw.IsControl(salt, c.Id, 0.5));
        var control = cases.Where(c => c.Wave == OrphanWave.Control).ToList();
        control.Count.ShouldBeInRange(8, 32);
        first.Deferred.ShouldBe(control.Count);
        first.Assigned.ShouldBe(40 - control.Count);
        var until = Calendar.AddBusinessDays(AsOf, 20);
        foreach (var c in control)
        {
            c.State.ShouldBe(OrphanState.Deferred);
            c.AssignAfter.ShouldBe(until);
            c.ConsultantId.ShouldBeNull();
            // Service is delayed on purpose: the contract stays with the departed agent meanwhile.
            (await ctx.Contracts.AsNoTracking().SingleAsync(k => k.CustomerId == c.CustomerId)).ServicingAgentId.ShouldBe(w.Leaver.Id);
        }
        cases.Where(c => c.Wave == OrphanWave.Immediate).ShouldAllBe(c => c.State == OrphanState.Assigned && c.AssignedOn == AsOf);

        // Not detected again while waiting, and not assigned the business day before the delay ends.
        (await Service(ctx, options).DetectAsync(AsOf.AddDays(1))).ShouldBeEmpty();
        var early = await Service(ctx, options).AssignAsync(Calendar.AddBusinessDays(until, -1));
        early.Assigned.ShouldBe(0);

        var late = await Service(ctx, options).AssignAsync(until);
        late.Assigned.ShouldBe(control.Count);
        late.Deferred.ShouldBe(0);
        var after = await ctx.OrphanCases.AsNoTracking().Where(c => c.Wave == OrphanWave.Control).ToListAsync();
        foreach (var c in after)
        {
            c.State.ShouldBe(OrphanState.Assigned);
            c.AssignedOn.ShouldBe(until);
            c.FirstContactDue.ShouldBe(Calendar.AddBusinessDays(until, 3), "the SLA counts from the control wave's own assignment");
            OrphanReasons.Read(c.Reasons).Select(r => r.Code).ShouldContain(OrphanReasons.ControlWave);
            (await ctx.Contracts.AsNoTracking().SingleAsync(k => k.CustomerId == c.CustomerId)).ServicingAgentId.ShouldBe(c.ConsultantId);
        }
        (await ctx.OrphanRollouts.CountAsync()).ShouldBe(1, "one salt, kept");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ControlOff_ByDefault_EveryCaseImmediate(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        await SeedAsync(ctx, 12, new(2025, 4, 1));
        await Service(ctx).TerminateAgentAsync("FC-LEAVE", AsOf);
        var s = await Service(ctx).AssignAsync(AsOf);
        s.Assigned.ShouldBe(12);
        (await ctx.OrphanCases.AsNoTracking().ToListAsync()).ShouldAllBe(c => c.Wave == OrphanWave.Immediate && c.AssignAfter == null);
        (await ctx.OrphanRollouts.CountAsync()).ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ConsultantLeaves_OpenCasesSuperseded_CustomersReassignedBySameRulesWithReason(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var w = await SeedAsync(ctx, 6, new(2025, 4, 1));
        await Service(ctx).TerminateAgentAsync("FC-LEAVE", AsOf);
        await Service(ctx).AssignAsync(AsOf);
        var mine = await ctx.OrphanCases.AsNoTracking().Where(c => c.ConsultantId == w.CsGangnam.Id).OrderBy(c => c.Id).ToListAsync();
        mine.Count.ShouldBe(3);   // least loaded: the two 강남 consultants share six
        await Service(ctx).RecordFirstContactAsync(mine[0].Id, "cs1");

        await Service(ctx).TerminateAgentAsync("CS-GN1", AsOf.AddDays(1));
        var s = await Service(ctx).AssignAsync(AsOf.AddDays(1));

        s.Superseded.ShouldBe(2, "the two open cases; the contacted one is history");
        s.Assigned.ShouldBe(3, "all three customers the consultant serviced get a new case");
        var fresh = await ctx.OrphanCases.AsNoTracking().Where(c => c.FormerAgentId == w.CsGangnam.Id).ToListAsync();
        fresh.Select(c => c.CustomerId).Order().ShouldBe(mine.Select(c => c.CustomerId).Order());
        foreach (var c in fresh)
        {
            c.ConsultantId.ShouldBe(w.CsGangnam2.Id, "same branch first, as for any departure");
            var reasons = OrphanReasons.Read(c.Reasons);
            reasons[0].Code.ShouldBe(OrphanReasons.SameBranch);
            reasons.Single(r => r.Code == OrphanReasons.ConsultantLeft).Args["agent"].ShouldBe("CS-GN1");
            (await ctx.Contracts.AsNoTracking().SingleAsync(k => k.CustomerId == c.CustomerId)).ServicingAgentId.ShouldBe(w.CsGangnam2.Id);
        }
        var old = await ctx.OrphanCases.AsNoTracking().Where(c => c.ConsultantId == w.CsGangnam.Id).ToListAsync();
        old.Count(c => c.State == OrphanState.Superseded).ShouldBe(2);
        old.Count(c => c.State == OrphanState.Contacted).ShouldBe(1);
        var report = await Service(ctx).ReportAsync(AsOf.AddDays(1));
        report.Consultants.ShouldNotContain(c => c.Code == "CS-GN1" && c.Open > 0);
        report.Superseded.ShouldBe(2);
        // A rerun finds nothing more.
        (await Service(ctx).AssignAsync(AsOf.AddDays(1))).Candidates.ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Retention_ByWaveHorizonBranchAndConsultant_WithNewcombeInterval(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var left = new DateOnly(2025, 6, 2);
        var w = await SeedAsync(ctx, 60, new(2024, 1, 1));
        await Service(ctx).TerminateAgentAsync("FC-LEAVE", left);
        var options = new OrphanOptions { ControlShare = 0.5, ControlDelayBusinessDays = 20 };
        await Service(ctx, options).AssignAsync(left);
        await Service(ctx, options).AssignAsync(Calendar.AddBusinessDays(left, 20));
        var cases = await ctx.OrphanCases.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
        // Every control customer's contract lapses two months after the departure; one immediate customer's at five months,
        // another's surrenders at twelve, a third matures at one month (an ending kept, not lost).
        var controlIds = cases.Where(c => c.Wave == OrphanWave.Control).Select(c => c.CustomerId).ToList();
        var immediateIds = cases.Where(c => c.Wave == OrphanWave.Immediate).Select(c => c.CustomerId).ToList();
        controlIds.Count.ShouldBeGreaterThan(5);
        immediateIds.Count.ShouldBeGreaterThan(5);
        var contracts = await ctx.Contracts.ToListAsync();
        void Set(long customer, ContractStatus s, DateOnly on)
        {
            var k = contracts.Single(x => x.CustomerId == customer);
            k.Status = s;
            k.StatusDate = on;
        }
        foreach (var id in controlIds)
        {
            Set(id, ContractStatus.Lapsed, left.AddMonths(2));
        }
        Set(immediateIds[0], ContractStatus.Lapsed, left.AddMonths(5));
        Set(immediateIds[1], ContractStatus.Surrendered, left.AddMonths(12));
        Set(immediateIds[2], ContractStatus.Matured, left.AddMonths(1));
        // Before the service: an old FC left on 2024-01-10; four contracts nobody services, one lapsed a month later.
        var old = await WorklistKit.AgentAsync(ctx, w.Gangnam, "FC-OLD", "하가나", hired: new(2018, 1, 1));
        old.Status = AgentStatus.Terminated;
        old.TerminationDate = new(2024, 1, 10);
        for (var i = 0; i < 4; i++)
        {
            var c = await WorklistKit.CustomerAsync(ctx, "과거고객" + i);
            var k = Contract(w.Product, c.Id, old.Id, "OLD" + i, new(2023, 1, 1));
            k.ServicingAgentId = null;
            if (i == 0)
            {
                k.Status = ContractStatus.Lapsed;
                k.StatusDate = new(2024, 2, 10);
            }
            ctx.Contracts.Add(k);
        }
        await ctx.SaveChangesAsync();

        var d = await new OrphanRetention(ctx).BuildAsync(null, AsOf);

        int n = immediateIds.Count, m = controlIds.Count;
        d.Waves.Select(x => x.Months).ShouldBe([3, 6, 13]);
        d.Waves[0].Immediate.ShouldBe(new Proportion(n, n));
        d.Waves[0].Control.ShouldBe(new Proportion(0, m));
        d.Waves[1].Immediate.ShouldBe(new Proportion(n - 1, n));
        d.Waves[2].Immediate.ShouldBe(new Proportion(n - 2, n));
        var diff = d.Waves[2].Difference.ShouldNotBeNull();
        diff.Difference.ShouldBe((n - 2.0) / n, 1e-12);
        diff.Ci.ShouldBe(RetentionMath.Compare(new(n - 2, n), new(0, m))!.Ci);
        d.HasControl.ShouldBeTrue();
        d.Waves[0].VsBaseline.ShouldBeNull("with a control wave the comparison is the randomised one");
        d.Waves[0].Baseline.ShouldBe(new Proportion(3, 4));
        // By consultant and branch: every case pooled (both waves), n = contracts.
        d.Consultants.Sum(r => r.ByHorizon[2].Total).ShouldBe(60);
        d.Branches.Single(b => b.Code == "B-GN").ByHorizon[2].ShouldBe(new Proportion(n - 2, 60));
        // Not yet 13 months after the departure: nothing is measured at that horizon.
        var early = await new OrphanRetention(ctx).BuildAsync(null, left.AddMonths(7));
        early.Waves[2].Immediate.Total.ShouldBe(0);
        early.Waves[1].Immediate.Total.ShouldBe(n);

        // Scope: the Busan manager sees no Gangnam case; a CS consultant is refused.
        var busan = await new OrphanRetention(ctx).BuildAsync(WorklistKit.Manager(w.Busan.Id), AsOf);
        busan.Waves.Sum(x => x.Immediate.Total + x.Control.Total).ShouldBe(0);
        busan.Branches.ShouldBeEmpty();
        OrphanRetention.MaySee(new CrmUser(1, "cs", Role.CsConsultant, w.CsGangnam.Id, w.Gangnam.Id, null, "t")).ShouldBeFalse();
        OrphanRetention.MaySee(new CrmUser(1, "ana", Role.Analyst, null, null, null, "t")).ShouldBeTrue();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Retention_NoControl_ComparesWithPastOrphansAsObservational_AndCountsSlaBreaches(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var left = new DateOnly(2026, 3, 2);
        var w = await SeedAsync(ctx, 5, new(2024, 1, 1));
        var old = await WorklistKit.AgentAsync(ctx, w.Gangnam, "FC-OLD", "하가나", hired: new(2018, 1, 1));
        old.Status = AgentStatus.Terminated;
        old.TerminationDate = new(2025, 1, 10);
        var c0 = await WorklistKit.CustomerAsync(ctx, "과거고객");
        var k0 = Contract(w.Product, c0.Id, old.Id, "OLD0", new(2023, 1, 1));
        k0.ServicingAgentId = null;
        k0.Status = ContractStatus.Lapsed;
        k0.StatusDate = new(2025, 2, 1);
        var c1 = await WorklistKit.CustomerAsync(ctx, "과거고객2");
        var k1 = Contract(w.Product, c1.Id, old.Id, "OLD1", new(2023, 1, 1));
        k1.ServicingAgentId = null;
        ctx.Contracts.AddRange(k0, k1);
        await ctx.SaveChangesAsync();
        await Service(ctx).TerminateAgentAsync("FC-LEAVE", left);
        await Service(ctx).AssignAsync(left);
        var cases = await ctx.OrphanCases.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
        // Two first contacts: one on time, one late; three never made. Due 3 business days after 3/2 = 3/5.
        await using (var late = db.CreateContext())
        {
            var a = await late.OrphanCases.SingleAsync(c => c.Id == cases[0].Id);
            a.FirstContactAt = new DateTime(2026, 3, 4, 1, 0, 0, DateTimeKind.Utc);
            a.State = OrphanState.Contacted;
            var b = await late.OrphanCases.SingleAsync(c => c.Id == cases[1].Id);
            b.FirstContactAt = new DateTime(2026, 3, 9, 1, 0, 0, DateTimeKind.Utc);
            b.State = OrphanState.Contacted;
            await late.SaveChangesAsync();
        }

        var d = await new OrphanRetention(ctx).BuildAsync(null, AsOf);

        d.Open.ShouldBe(3);
        d.DeadlinesPassed.ShouldBe(5);
        d.Breaches.ShouldBe(4);
        d.BreachRate.ShouldBe(0.8);
        d.HasControl.ShouldBeFalse();
        d.Waves[0].Immediate.ShouldBe(new Proportion(5, 5));
        d.Waves[0].Baseline.ShouldBe(new Proportion(1, 2));
        d.Waves[0].VsBaseline.ShouldNotBeNull().Difference.ShouldBe(0.5, 1e-12);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task NightlyChain_OrphansStep_AssignsAsOfTheNight(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using (var ctx = db.CreateContext())
        {
            await SeedAsync(ctx, 4, new(2025, 4, 1));
            await Service(ctx).TerminateAgentAsync("FC-LEAVE", AsOf);
        }
        var config = new ConfigurationBuilder().AddInMemoryCollection(db.Settings).Build();
        await using var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(config).AddCrmCore(config).BuildServiceProvider();
        var step = services.GetServices<INightlyStep>().Single(s => s.Name == "orphans");

        var before = await step.RunAsync(AsOf.AddDays(-1), CancellationToken.None);
        before.Summary.Single().ShouldContain("0 to assign");
        var night = await step.RunAsync(AsOf, CancellationToken.None);
        night.Summary.Single().ShouldContain("4 to assign, 4 assigned");
        (await step.RunAsync(AsOf, CancellationToken.None)).Summary.Single().ShouldContain("0 to assign", customMessage: "a rerun doubles nothing");
        await using var check = db.CreateContext();
        (await check.OrphanCases.CountAsync(c => c.State == OrphanState.Assigned && c.AssignedOn == AsOf)).ShouldBe(4);
        var order = services.GetRequiredService<NightlyChain>().StepNames.ToList();
        order.IndexOf("orphans").ShouldBeGreaterThan(order.IndexOf("value"));
        order.IndexOf("orphans").ShouldBeLessThan(order.IndexOf("worklists"));
    }

    /// <summary>Collects log lines as written (message templates filled), to check what a log carries.</summary>
    private sealed class ListLogger : ILogger<OrphanService>
    {
        public List<(LogLevel Level, string Text)> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add((logLevel, formatter(state, exception)));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task OverCap_NobodyLeftInTheRegion_FallbackInReasonsAndLog_NoPersonalData(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var w = await SeedAsync(ctx, 5, new(2025, 4, 1));
        var names = await ctx.Customers.AsNoTracking().Select(c => c.Name).ToListAsync();
        await Service(ctx).TerminateAgentAsync("FC-LEAVE", AsOf);
        var log = new ListLogger();

        // Cap 1: the two 강남 consultants take one each, 서울 has nobody else, 부산 takes one over the region; two are left.
        var s = await Service(ctx, new OrphanOptions { LoadCap = 1 }, log).AssignAsync(AsOf);

        s.Assigned.ShouldBe(3);
        s.Unassigned.ShouldBe(2);
        var cases = await ctx.OrphanCases.AsNoTracking().ToListAsync();
        var busan = cases.Single(c => c.ConsultantId == w.CsBusan.Id);
        OrphanReasons.Read(busan.Reasons).Select(r => r.Code).ShouldBe([OrphanReasons.Anywhere, OrphanReasons.BranchFull, OrphanReasons.RegionFull, OrphanReasons.LeastLoaded]);
        cases.Where(c => c.State == OrphanState.Unassigned).ShouldAllBe(c => OrphanReasons.Read(c.Reasons).Any(r => r.Code == OrphanReasons.AllFull));
        var warnings = log.Lines.Where(l => l.Level == LogLevel.Warning).Select(l => l.Text).ToList();
        warnings.ShouldContain(t => t.Contains("region 서울특별시", StringComparison.Ordinal) && t.Contains("fallback", StringComparison.Ordinal)
            && t.Contains("WhenAllFull = LeaveUnassigned", StringComparison.Ordinal));
        warnings.ShouldContain(t => t.Contains("2 orphans left unassigned", StringComparison.Ordinal));
        foreach (var line in log.Lines.Select(l => l.Text))
        {
            names.Where(n => line.Contains(n, StringComparison.Ordinal)).ShouldBeEmpty("no customer name in the log");
            line.ShouldNotContain("010", Case.Sensitive, "no phone number in the log");
        }

        // The other fallback: every consultant full, the least loaded takes it over the cap, stated as such.
        var over = await Service(ctx, new OrphanOptions { LoadCap = 1, WhenAllFull = FullFallback.LeastLoadedOverCap }, log).AssignAsync(AsOf);
        over.OverCap.ShouldBe(2);
        (await ctx.OrphanCases.AsNoTracking().ToListAsync()).Where(c => c.State == OrphanState.Assigned)
            .Count(c => OrphanReasons.Read(c.Reasons).Any(r => r.Code == OrphanReasons.OverCap)).ShouldBe(2);
    }
}
