using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Orphans;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Value;
using InsureCrm.Core.Worklists;
using InsureCrm.Tests.Worklists;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace InsureCrm.Tests.Orphans;

/// <summary>
/// The orphan service on a hand-built insurer: a leaving FC of 강남 (Seoul) and CS consultants in 강남, 서초 (Seoul) and 해운대
/// (Busan). Fictional people.
/// </summary>
public sealed class OrphanServiceTests
{
    /// <summary>The Wednesday before Chuseok 2026 (9/24–26): three business days later is 9/30, not 9/28.</summary>
    private static readonly DateOnly AsOf = new(2026, 9, 23);

    private sealed record World(Agent Leaver, Agent GangnamNew, Agent GangnamSenior, Agent Seocho, Agent Busan, List<long> Customers, Product Product);

    private static OrphanService Service(CrmDbContext ctx, OrphanOptions? options = null) => new(ctx, options ?? new OrphanOptions(),
        new KoreanBusinessCalendar(new BusinessCalendarOptions()), new WorklistKit.Fixed(new DateTimeOffset(2026, 9, 23, 1, 0, 0, TimeSpan.Zero)),
        NullLogger<OrphanService>.Instance, new Handovers(ctx, new WorklistOptions()));

    private static async Task<World> SeedAsync(CrmDbContext ctx, int customers, bool seniorInGangnam = false)
    {
        var gangnam = new Branch { Code = "B-GN", Name = "강남지점", Sido = "서울특별시", Sigungu = "강남구" };
        var seocho = new Branch { Code = "B-SC", Name = "서초지점", Sido = "서울특별시", Sigungu = "서초구" };
        var busan = new Branch { Code = "B-BS", Name = "해운대지점", Sido = "부산광역시", Sigungu = "해운대구" };
        ctx.Branches.AddRange(gangnam, seocho, busan);
        await ctx.SaveChangesAsync();
        var leaver = await WorklistKit.AgentAsync(ctx, gangnam, "FC-LEAVE", "가나다", hired: new(2025, 3, 1));
        var gnNew = await WorklistKit.AgentAsync(ctx, gangnam, "CS-GN1", "라마바", AgentKind.Cs, hired: new(2025, 6, 1));
        var gnSenior = await WorklistKit.AgentAsync(ctx, gangnam, "CS-GN2", "사아자", AgentKind.Cs, hired: new(2012, 1, 2),
            status: seniorInGangnam ? AgentStatus.Active : AgentStatus.OnLeave);
        var sc = await WorklistKit.AgentAsync(ctx, seocho, "CS-SC1", "차카타", AgentKind.Cs, hired: new(2018, 1, 2));
        var bs = await WorklistKit.AgentAsync(ctx, busan, "CS-BS1", "파하가", AgentKind.Cs, hired: new(2016, 1, 2));
        var product = new Product { Code = "P-H", Name = "건강보험", Line = ProductLine.Life, Family = ProductFamily.Health };
        ctx.Products.Add(product);
        await ctx.SaveChangesAsync();
        var ids = new List<long>();
        for (var i = 0; i < customers; i++)
        {
            var c = await WorklistKit.CustomerAsync(ctx, "고객" + i);
            ids.Add(c.Id);
            ctx.Contracts.Add(Contract(product, c.Id, leaver.Id, "K" + i, ContractStatus.InForce));
        }
        await ctx.SaveChangesAsync();
        return new(leaver, gnNew, gnSenior, sc, bs, ids, product);
    }

    private static Contract Contract(Product p, long customerId, long agentId, string number, ContractStatus status) => new()
    {
        ContractNumber = number, ProductId = p.Id, CustomerId = customerId, SumAssured = 10_000_000, Premium = 30_000,
        PaymentMode = PaymentMode.Monthly, PaymentMethod = PaymentMethod.AutoDebit, IssueDate = new(2025, 4, 1),
        SellingAgentId = agentId, ServicingAgentId = agentId, Channel = SalesChannel.Fc, Status = status, StatusDate = new(2025, 4, 1),
    };

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Terminate_UnknownAgent_RefusedNamingTheCode(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        await SeedAsync(ctx, 1);
        var e = await Assert.ThrowsAsync<OrphanRequestException>(() => Service(ctx).TerminateAgentAsync("NOPE-9", AsOf));
        Assert.Contains("'NOPE-9'", e.Message, StringComparison.Ordinal);
        Assert.Empty(await Service(ctx).DetectAsync(AsOf));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Terminate_ThenDetect_FindsCustomersWithActiveContractsWithoutWriting(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var w = await SeedAsync(ctx, 3);
        // A fourth customer of the leaver holds only a lapsed contract: nothing to service, not an orphan.
        var lapsed = await WorklistKit.CustomerAsync(ctx, "해지고객");
        ctx.Contracts.Add(Contract(w.Product, lapsed.Id, w.Leaver.Id, "K-LAPSED", ContractStatus.Lapsed));
        await ctx.SaveChangesAsync();

        Assert.Empty(await Service(ctx).DetectAsync(AsOf));
        var result = await Service(ctx).TerminateAgentAsync(" FC-LEAVE ", AsOf);
        Assert.Equal(3, result.Customers);

        Assert.Empty(await Service(ctx).DetectAsync(AsOf.AddDays(-1)));   // not yet terminated the day before
        var found = await Service(ctx).DetectAsync(AsOf);
        Assert.Equal(w.Customers, found.Select(f => f.CustomerId).Order().ToList());
        Assert.All(found, f => Assert.Equal("FC-LEAVE", f.FormerAgentCode));
        Assert.Equal(0, await ctx.OrphanCases.CountAsync());
        var agent = await ctx.Agents.AsNoTracking().SingleAsync(a => a.Id == w.Leaver.Id);
        Assert.Equal(AgentStatus.Terminated, agent.Status);
        Assert.Equal(AsOf, agent.TerminationDate);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Assign_CapTwo_BranchThenRegionThenAnywhereThenLeftUnassigned(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var w = await SeedAsync(ctx, 7);
        await Service(ctx).TerminateAgentAsync("FC-LEAVE", AsOf);

        var summary = await Service(ctx, new OrphanOptions { LoadCap = 2 }).AssignAsync(AsOf);

        Assert.Equal(7, summary.Candidates);
        Assert.Equal(6, summary.Assigned);
        Assert.Equal(1, summary.Unassigned);
        Assert.Equal(2, summary.ByRule[AssignmentRule.SameBranch]);
        Assert.Equal(2, summary.ByRule[AssignmentRule.SameRegion]);
        Assert.Equal(2, summary.ByRule[AssignmentRule.Anywhere]);
        Assert.Equal(5, summary.BranchFull["B-GN"]);
        Assert.Equal(3, summary.RegionFull["서울특별시"]);
        var cases = await ctx.OrphanCases.AsNoTracking().ToListAsync();
        Assert.Equal(2, cases.Count(c => c.ConsultantId == w.GangnamNew.Id));
        Assert.Equal(2, cases.Count(c => c.ConsultantId == w.Seocho.Id));
        Assert.Equal(2, cases.Count(c => c.ConsultantId == w.Busan.Id));
        Assert.DoesNotContain(cases, c => c.ConsultantId == w.GangnamSenior.Id);   // on leave: not a candidate

        var busan = cases.First(c => c.ConsultantId == w.Busan.Id);
        var why = OrphanReasons.Read(busan.Reasons).Select(r => r.Code).ToList();
        Assert.Equal([OrphanReasons.Anywhere, OrphanReasons.BranchFull, OrphanReasons.RegionFull, OrphanReasons.LeastLoaded], why);
        Assert.Contains("서울특별시", OrphanReasons.English(OrphanReasons.Read(busan.Reasons)), StringComparison.Ordinal);
        var left = cases.Single(c => c.State == OrphanState.Unassigned);
        Assert.Contains(OrphanReasons.AllFull, OrphanReasons.Read(left.Reasons).Select(r => r.Code));

        // Every assigned customer's contract now names the consultant, through the versioned update; the unassigned one still the leaver.
        foreach (var c in cases)
        {
            var k = await ctx.Contracts.AsNoTracking().SingleAsync(x => x.CustomerId == c.CustomerId);
            Assert.Equal(c.ConsultantId ?? w.Leaver.Id, k.ServicingAgentId);
            Assert.Equal(c.ConsultantId is null ? 0 : 1, k.Version);
        }

        // Nothing new to find: the assigned customers are gone from detection, the unassigned one waits in its case.
        Assert.Empty(await Service(ctx).DetectAsync(AsOf));
        // A run with room picks the unassigned case up again, without opening another.
        var again = await Service(ctx, new OrphanOptions { LoadCap = 3 }).AssignAsync(AsOf);
        Assert.Equal(1, again.Assigned);
        Assert.Equal(7, await ctx.OrphanCases.CountAsync());
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Assign_TopGradeToBestRated_FirstContactDueSkipsChuseok(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var w = await SeedAsync(ctx, 3, seniorInGangnam: true);
        // The last customer is the most valuable (grade A): the senior consultant (14 years) must get them, whatever the ids' order.
        var run = new ValueRun { RunDate = AsOf, StartedAt = DateTime.UtcNow, FinishedAt = DateTime.UtcNow, Status = ValueRunStatus.Completed, Customers = 3 };
        ctx.Set<ValueRun>().Add(run);
        await ctx.SaveChangesAsync();
        string[] grades = ["D", "D", "A"];
        for (var i = 0; i < 3; i++)
        {
            ctx.Set<CustomerValue>().Add(new CustomerValue { RunId = run.Id, CustomerId = w.Customers[i], TotalValue = i == 2 ? 90_000_000 : 1_000_000 + i, Grade = grades[i] });
        }
        await ctx.SaveChangesAsync();
        await Service(ctx).TerminateAgentAsync("FC-LEAVE", AsOf);

        // One place per consultant: the branch's two places go to the most valuable customers, the least valuable goes to the region.
        await Service(ctx, new OrphanOptions { LoadCap = 1 }).AssignAsync(AsOf);

        var cases = await ctx.OrphanCases.AsNoTracking().ToDictionaryAsync(c => c.CustomerId);
        var top = cases[w.Customers[2]];
        Assert.Equal(w.GangnamSenior.Id, top.ConsultantId);
        Assert.Equal(AssignmentRule.SameBranch, top.Rule);
        var reason = OrphanReasons.Read(top.Reasons).Single(r => r.Code == OrphanReasons.TopValue);
        Assert.Equal("A", reason.Args["grade"]);
        // Then by total value: the richer grade-D customer takes the branch's last place, the other falls back to 서초.
        Assert.Equal(w.GangnamNew.Id, cases[w.Customers[1]].ConsultantId);
        Assert.Equal(OrphanReasons.LeastLoaded, OrphanReasons.Read(cases[w.Customers[1]].Reasons)[^1].Code);
        Assert.Equal(w.Seocho.Id, cases[w.Customers[0]].ConsultantId);
        Assert.Equal(AssignmentRule.SameRegion, cases[w.Customers[0]].Rule);
        Assert.All(cases.Values, c => Assert.Equal(new DateOnly(2026, 9, 30), c.FirstContactDue));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Reassign_ConsultantAtCap_RefusedUnlessForced_AndRecorded(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var w = await SeedAsync(ctx, 2);
        await Service(ctx).TerminateAgentAsync("FC-LEAVE", AsOf);
        var options = new OrphanOptions { LoadCap = 1 };
        await Service(ctx, options).AssignAsync(AsOf);
        var cases = await ctx.OrphanCases.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
        var toSeocho = cases.Single(c => c.ConsultantId == w.Seocho.Id);
        var withGangnam = cases.Single(c => c.ConsultantId == w.GangnamNew.Id);

        var e = await Assert.ThrowsAsync<OrphanRequestException>(() =>
            Service(ctx, options).ReassignAsync(toSeocho.Id, "CS-GN1", "manager", "lives near 강남", force: false));
        Assert.Contains("CS-GN1", e.Message, StringComparison.Ordinal);
        Assert.Contains("cap", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<OrphanRequestException>(() => Service(ctx, options).ReassignAsync(toSeocho.Id, "FC-LEAVE", "manager", "x", force: true));
        await Assert.ThrowsAsync<OrphanRequestException>(() => Service(ctx, options).ReassignAsync(toSeocho.Id, "CS-BS1", "manager", " ", force: false));

        ctx.ChangeTracker.Clear();
        var moved = await Service(ctx, options).ReassignAsync(toSeocho.Id, "CS-GN1", "manager", "lives near 강남", force: true);
        Assert.Equal(w.GangnamNew.Id, moved.ConsultantId);
        Assert.Equal(AssignmentRule.Override, moved.Rule);
        var o = await ctx.OrphanOverrides.AsNoTracking().SingleAsync();
        Assert.Equal((w.Seocho.Id, w.GangnamNew.Id, "manager", "lives near 강남", true), (o.FromConsultantId!.Value, o.ToConsultantId, o.OverriddenBy, o.Why, o.Forced));
        var k = await ctx.Contracts.AsNoTracking().SingleAsync(x => x.CustomerId == toSeocho.CustomerId);
        Assert.Equal(w.GangnamNew.Id, k.ServicingAgentId);
        Assert.Contains("reassigned by manager", OrphanReasons.English(OrphanReasons.Read(moved.Reasons)), StringComparison.Ordinal);
        Assert.NotEqual(toSeocho.Id, withGangnam.Id);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ReturningAgent_GetsBackCustomersNotYetContacted(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var w = await SeedAsync(ctx, 3);
        await Service(ctx).TerminateAgentAsync("FC-LEAVE", AsOf);
        await Service(ctx).AssignAsync(AsOf);
        var contacted = await ctx.OrphanCases.AsNoTracking().OrderBy(c => c.Id).FirstAsync();
        await Service(ctx).RecordCoverageCheckAsync(contacted.Id, "cs1", "실손 보장 부족, 추가 상담 예정");

        var back = await Service(ctx).ReturnAgentAsync("FC-LEAVE", new DateOnly(2026, 9, 25));

        Assert.Equal(2, back.CustomersBack);
        Assert.Equal(1, back.StayedWithConsultant);
        ctx.ChangeTracker.Clear();
        var cases = await ctx.OrphanCases.AsNoTracking().ToListAsync();
        foreach (var c in cases)
        {
            var k = await ctx.Contracts.AsNoTracking().SingleAsync(x => x.CustomerId == c.CustomerId);
            if (c.Id == contacted.Id)
            {
                Assert.Equal(OrphanState.Contacted, c.State);
                Assert.Equal(c.ConsultantId, k.ServicingAgentId);
                Assert.NotNull(c.CoverageCheckAt);
                Assert.Equal("cs1", c.FirstContactBy);
            }
            else
            {
                Assert.Equal(OrphanState.Returned, c.State);
                Assert.Equal(new DateOnly(2026, 9, 25), c.ReturnedOn);
                Assert.Equal(w.Leaver.Id, k.ServicingAgentId);
                Assert.Equal(OrphanReasons.Returned, OrphanReasons.Read(c.Reasons)[^1].Code);
            }
        }
        Assert.Equal(AgentStatus.Active, (await ctx.Agents.AsNoTracking().SingleAsync(a => a.Id == w.Leaver.Id)).Status);
        Assert.Empty(await Service(ctx).DetectAsync(AsOf));
        await Assert.ThrowsAsync<OrphanRequestException>(() => Service(ctx).ReturnAgentAsync("FC-LEAVE", AsOf));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Report_CountsBreachesOnlyAfterTheDueDay(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var w = await SeedAsync(ctx, 3);
        await Service(ctx).TerminateAgentAsync("FC-LEAVE", AsOf);
        await Service(ctx).AssignAsync(AsOf);
        var first = await ctx.OrphanCases.AsNoTracking().OrderBy(c => c.Id).FirstAsync();
        await Service(ctx).RecordFirstContactAsync(first.Id, "cs1");

        var onDue = await Service(ctx).ReportAsync(new DateOnly(2026, 9, 30));
        Assert.Equal((2, 0, 1), (onDue.Open, onDue.Breached, onDue.Contacted));
        var after = await Service(ctx).ReportAsync(new DateOnly(2026, 10, 1));
        Assert.Equal(2, after.Breached);
        var gangnam = Assert.Single(after.Branches);
        Assert.Equal(("B-GN", 2, 2, 1), (gangnam.BranchCode, gangnam.Open, gangnam.Breached, gangnam.Contacted));
        var consultant = Assert.Single(after.Consultants);
        Assert.Equal("CS-GN1", consultant.Code);
        Assert.Equal(w.GangnamNew.Id, consultant.ConsultantId);
    }
}
