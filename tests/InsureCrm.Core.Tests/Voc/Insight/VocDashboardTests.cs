using System.Globalization;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Core.Voc;
using InsureCrm.Core.Voc.Insight;
using InsureCrm.Tests.CallCenter;
using InsureCrm.Tests.Worklists;

namespace InsureCrm.Tests.Voc.Insight;

/// <summary>
/// The VOC dashboard (issue 16, item 7) on both providers: cases of the last twelve weeks counted by week and dimension, the
/// cards (this week, open, breached, SLA compliance, repeat rate, satisfaction), the Pareto of causes with the cumulative
/// share, the gap tags, a branch manager limited to their branch, and the list behind a number. Fictional people.
/// </summary>
public sealed class VocDashboardTests
{
    /// <summary>Tuesday 2027-03-02 10:00 in Seoul: the week began on Monday 2027-03-01 00:00 Seoul (2027-02-28 15:00 UTC).</summary>
    private static readonly DateTimeOffset Now = VocKit.Start;

    private static readonly DateTime WeekStart = new(2027, 2, 28, 15, 0, 0, DateTimeKind.Utc);

    private static int _n;

    internal static VocCase Case(VocType? type, string? category, DateTime received, VocChannel channel = VocChannel.CallCenter, long? agentId = null) => new()
    {
        Number = "VOC-T-" + Interlocked.Increment(ref _n).ToString("D6", CultureInfo.InvariantCulture), Channel = channel, Type = type, CategoryCode = category,
        Text = "보험금 청구 후 연락이 없습니다", State = VocState.InProgress, ReceivedAt = received, CreatedBy = "test", AgentId = agentId,
    };

    private sealed record World(Branch Gangnam, Branch Busan, Agent GangnamAgent, List<VocCase> Cases);

    private static async Task<World> SeedAsync(CrmDbContext ctx)
    {
        var gangnam = await WorklistKit.BranchAsync(ctx, "B-GN", "강남지점");
        var busan = await WorklistKit.BranchAsync(ctx, "B-BS", "해운대지점");
        var gnAgent = await WorklistKit.AgentAsync(ctx, gangnam, "FC-GN1", "가나다");
        var bsAgent = await WorklistKit.AgentAsync(ctx, busan, "FC-BS1", "라마바");
        var thisWeek = WeekStart.AddHours(20);
        var cases = new List<VocCase>
        {
            // This week: three complaints about claims (two by the 강남 agent), one resolved in time with a cause, one breached.
            Case(VocType.Complaint, "claims.delay", thisWeek, agentId: gnAgent.Id),
            Case(VocType.Complaint, "claims.denied", thisWeek.AddHours(1), VocChannel.Email, gnAgent.Id),
            Case(VocType.Complaint, "claims.delay", thisWeek.AddHours(2), agentId: bsAgent.Id),
            // Two weeks ago: a compliment and a resolved complaint (late); four weeks ago an inquiry.
            Case(VocType.Compliment, "service.branch", WeekStart.AddDays(-14).AddHours(3), VocChannel.Branch, gnAgent.Id),
            Case(VocType.Complaint, "payment.refund", WeekStart.AddDays(-14).AddHours(4), agentId: bsAgent.Id),
            Case(null, null, WeekStart.AddDays(-28).AddHours(5), VocChannel.WebForm),
            // Before the twelve weeks: not counted in the tables (but still open).
            Case(VocType.Complaint, "claims.delay", WeekStart.AddDays(-7 * 13), agentId: gnAgent.Id),
        };
        cases[0].ResolutionDueAt = thisWeek.AddHours(27);
        cases[0].ResolvedAt = thisWeek.AddHours(5);
        cases[0].State = VocState.Resolved;
        cases[0].Cause = VocCause.Process;
        cases[0].Gap = ServiceGap.Delivery;
        cases[0].Satisfaction = 4;
        cases[0].FirstResponseDueAt = thisWeek.AddHours(4);
        cases[0].FirstRespondedAt = thisWeek.AddHours(1);
        cases[1].Breached = true;
        cases[1].FirstResponseDueAt = thisWeek.AddHours(2);   // passed without a response: due and missed
        cases[1].ResolutionDueAt = thisWeek.AddHours(3);
        cases[2].RepeatOfId = 1;
        cases[4].ResolutionDueAt = WeekStart.AddDays(-14).AddHours(10);
        cases[4].ResolvedAt = WeekStart.AddDays(-13);
        cases[4].State = VocState.Closed;
        cases[4].Cause = VocCause.Process;
        cases[4].Satisfaction = 2;
        cases[3].ResolvedAt = WeekStart.AddDays(-14).AddHours(6);
        cases[3].State = VocState.Resolved;
        cases[3].Cause = VocCause.System;
        cases[3].Gap = ServiceGap.Communication;
        ctx.VocCases.AddRange(cases);
        await ctx.SaveChangesAsync();
        return new(gangnam, busan, gnAgent, cases);
    }

    private static VocDashboard Dashboard(CrmDbContext ctx) => new(ctx, new VocOptions(), new WorklistKit.Fixed(Now));

    private static CrmUser Admin => new(1, "admin", Role.Admin, null, null, null, "test");

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Build_CountsTwelveWeeks_CardsParetoGapsAndSla(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        await SeedAsync(ctx);

        var view = await Dashboard(ctx).BuildAsync(Admin);

        view.WeekStarts.Count.ShouldBe(12);
        view.WeekStarts[^1].ShouldBe(WeekStart);
        view.WeekStarts[0].ShouldBe(WeekStart.AddDays(-77));
        var k = view.Kpis;
        k.ThisWeek.ShouldBe(3);
        k.LastFourWeeks.ShouldBe([0, 2, 0, 3]);   // two weeks ago two, this week three (the inquiry was four weeks ago)
        k.Total.ShouldBe(6);
        k.Open.ShouldBe(4);   // two this week, the unclassified one and the one from before the window
        k.OpenBreached.ShouldBe(1);
        k.FirstResponseRate.ShouldBe(0.5);   // one in time, one missed
        k.ResolutionRate.ShouldBe(1.0 / 3);   // in time, breached (due passed), late
        k.RepeatRate.ShouldBe(1.0 / 6);
        k.Satisfaction.ShouldBe(3);

        var types = view.Tables[VocDimension.Type];
        types[0].Key.ShouldBe("Complaint");
        types[0].Total.ShouldBe(4);
        types[0].Weeks[11].ShouldBe(3);
        types[0].Weeks[9].ShouldBe(1);
        types.Single(r => r.Key is null).Weeks[7].ShouldBe(1);
        view.Tables[VocDimension.Category][0].Key.ShouldBe("claims.delay");
        view.Tables[VocDimension.Category][0].Total.ShouldBe(2);
        view.Tables[VocDimension.Channel].Single(r => r.Key == "Email").Total.ShouldBe(1);
        var branches = view.Tables[VocDimension.Branch];
        branches.Single(r => r.Label == "강남지점").Total.ShouldBe(3);
        branches.Single(r => r.Label == "해운대지점").Total.ShouldBe(2);
        view.Tables[VocDimension.Agent][0].Label.ShouldBe("FC-GN1 가나다");

        view.Pareto.Select(p => p.Cause).ShouldBe([VocCause.Process, VocCause.System]);
        view.Pareto[0].Count.ShouldBe(2);
        view.Pareto[0].Cumulative.ShouldBe(2.0 / 3, 1e-9);
        view.Pareto[^1].Cumulative.ShouldBe(1, 1e-9);
        view.Gaps[ServiceGap.Delivery].ShouldBe(1);
        view.Gaps[ServiceGap.Communication].ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ProductTable_CountsTheContractsProduct_KeptOnTheCaseAtIntake(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var agent = await WorklistKit.AgentAsync(ctx, await VocKit.BranchAsync(ctx), "A-PRD", "가상설계사");
        var product = await CallCenterKit.ProductAsync(ctx, "무배당 건강보험");
        var customer = await WorklistKit.CustomerAsync(ctx, "가나다");
        var contract = await CallCenterKit.ContractAsync(ctx, product, customer.Id, agent, new DateOnly(2024, 1, 1));
        var withContract = await kit.Intake.OpenAsync(VocKit.Complaint() with { CustomerId = customer.Id, ContractId = contract.Id }, null);
        await kit.Intake.OpenAsync(VocKit.Complaint("약관 설명을 다시 듣고 싶습니다", "product.terms"), null);

        (await kit.CaseAsync(withContract.CaseId!.Value)).ProductId.ShouldBe(product.Id);
        var dashboard = new VocDashboard(ctx, new VocOptions(), kit.Clock);
        var products = (await dashboard.BuildAsync(Admin)).Tables[VocDimension.Product];
        var row = products.Single(r => r.Key == product.Id.ToString(CultureInfo.InvariantCulture));
        (row.Label, row.Total).ShouldBe(("무배당 건강보험", 1));
        products.Single(r => r.Key is null).Total.ShouldBe(1);
        (await dashboard.ListAsync(Admin, new VocListFilter(Product: product.Id))).Rows.Select(r => r.Id).ShouldBe([withContract.CaseId!.Value]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AgentTable_ShowsTheTwentyWithTheMostCases_EachByWeekWithTheirSla(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var branch = await WorklistKit.BranchAsync(ctx, "B-TOP", "종로지점");
        var cases = new List<VocCase>();
        for (var i = 0; i <= VocDashboard.TopRows; i++)
        {
            var agent = await WorklistKit.AgentAsync(ctx, branch, "FC-T" + i.ToString("D2", CultureInfo.InvariantCulture), "설계사" + i.ToString(CultureInfo.InvariantCulture));
            // The first agent has one case, every other two: the first is the one left out.
            for (var n = 0; n < (i == 0 ? 1 : 2); n++)
            {
                cases.Add(Case(VocType.Complaint, "claims.delay", WeekStart.AddDays(-7 * n).AddHours(i), agentId: agent.Id));
            }
        }
        cases[^1].ResolutionDueAt = WeekStart.AddDays(-5);
        cases[^1].ResolvedAt = WeekStart.AddDays(-5.5);
        ctx.VocCases.AddRange(cases);
        await ctx.SaveChangesAsync();

        var view = await Dashboard(ctx).BuildAsync(Admin);
        var agents = view.Tables[VocDimension.Agent];

        agents.Count.ShouldBe(VocDashboard.TopRows);
        agents.ShouldAllBe(r => r.Total == 2 && r.Weeks[10] == 1 && r.Weeks[11] == 1);
        agents.ShouldNotContain(r => r.Label == "FC-T00 설계사0");
        var last = agents.Single(r => r.Label == "FC-T20 설계사20");
        (last.ResolutionDue, last.ResolutionMet).ShouldBe((1, 1));
        view.Tables[VocDimension.Branch].Single().Total.ShouldBe(41);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task BranchManager_SeesOnlyTheirBranchsCases_InTheDashboardAndTheList(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var w = await SeedAsync(ctx);
        var manager = new CrmUser(2, "bm", Role.BranchManager, null, w.Busan.Id, null, "test");

        var view = await Dashboard(ctx).BuildAsync(manager);

        view.BranchId.ShouldBe(w.Busan.Id);
        view.Kpis.Total.ShouldBe(2);
        view.Tables[VocDimension.Branch].Single().Label.ShouldBe("해운대지점");
        var (rows, total) = await Dashboard(ctx).ListAsync(manager, new VocListFilter(Branch: w.Gangnam.Id));   // asking for another branch
        total.ShouldBe(2);
        rows.ShouldAllBe(r => r.Number != w.Cases[0].Number);
        var nobody = new CrmUser(3, "bm2", Role.BranchManager, null, null, null, "test");
        (await Dashboard(ctx).BuildAsync(nobody)).Kpis.Total.ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task List_FiltersBehindTheNumbers(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var w = await SeedAsync(ctx);
        var d = Dashboard(ctx);

        (await d.ListAsync(Admin, new VocListFilter(From: WeekStart, To: WeekStart.AddDays(7), Type: "Complaint"))).Total.ShouldBe(3);
        (await d.ListAsync(Admin, new VocListFilter(Category: "claims"))).Total.ShouldBe(4);   // a top level matches its leaves
        (await d.ListAsync(Admin, new VocListFilter(Type: "none"))).Rows.Single().Channel.ShouldBe(VocChannel.WebForm);
        (await d.ListAsync(Admin, new VocListFilter(Agent: w.GangnamAgent.Id, Open: true))).Total.ShouldBe(2);
        (await d.ListAsync(Admin, new VocListFilter(Cause: VocCause.Process))).Total.ShouldBe(2);
        (await d.ListAsync(Admin, new VocListFilter(Open: true, Breached: true))).Rows.Single().Number.ShouldBe(w.Cases[1].Number);
        (await d.ListAsync(Admin, new VocListFilter(Repeat: true))).Total.ShouldBe(1);
        var newest = (await d.ListAsync(Admin, new VocListFilter())).Rows;
        newest[0].Number.ShouldBe(w.Cases[2].Number);
    }

    [Fact]
    public void Pareto_SortsByCount_AndEndsAtTheWhole()
    {
        var p = VocDashboard.Pareto(new Dictionary<VocCause, int> { [VocCause.System] = 1, [VocCause.Process] = 6, [VocCause.Other] = 3, [VocCause.ThirdParty] = 0 });
        p.Select(r => r.Cause).ShouldBe([VocCause.Process, VocCause.Other, VocCause.System]);
        p.Select(r => Math.Round(r.Cumulative, 2)).ShouldBe([0.6, 0.9, 1.0]);
    }
}
