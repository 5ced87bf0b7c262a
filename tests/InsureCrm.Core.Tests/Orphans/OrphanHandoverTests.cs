using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Orphans;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Core.Worklists;
using InsureCrm.Core.Worklists.AgentDay;
using InsureCrm.Core.Worklists.Build;
using InsureCrm.Tests.Customers;
using InsureCrm.Tests.Security;
using InsureCrm.Tests.Worklists;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace InsureCrm.Tests.Orphans;

/// <summary>
/// The orphaned customers on the CS consultant's worklist (issue 15 point 3): each assigned case is a Handover item with the
/// first-contact deadline, moved by a reassignment, done by the first contact, closed when the agent returns, and kept by
/// the nightly build beyond the list's age limit and cap. Fictional people.
/// </summary>
public sealed class OrphanHandoverTests
{
    /// <summary>The Wednesday before Chuseok 2026: first contact is due 2026-09-30.</summary>
    private static readonly DateOnly AsOf = new(2026, 9, 23);
    private static readonly DateOnly Due = new(2026, 9, 30);
    private static readonly ContactPolicy Policy = new(TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul"));

    private sealed record World(Agent Leaver, Agent Cs, Agent OtherCs, List<long> Customers);

    private static OrphanService Service(CrmDbContext ctx) => new(ctx, new OrphanOptions(), new KoreanBusinessCalendar(new BusinessCalendarOptions()),
        new WorklistKit.Fixed(new DateTimeOffset(2026, 9, 23, 1, 0, 0, TimeSpan.Zero)), NullLogger<OrphanService>.Instance, new Handovers(ctx, new WorklistOptions()));

    /// <summary>An FC of 강남 with <paramref name="customers"/> customers leaves; one CS consultant in 강남, another in 부산 (a later tier).</summary>
    private static async Task<World> SeedAsync(CrmDbContext ctx, int customers)
    {
        var gangnam = new Branch { Code = "B-GN", Name = "강남지점", Sido = "서울특별시", Sigungu = "강남구" };
        var busan = new Branch { Code = "B-BS", Name = "해운대지점", Sido = "부산광역시", Sigungu = "해운대구" };
        ctx.Branches.AddRange(gangnam, busan);
        await ctx.SaveChangesAsync();
        var leaver = await WorklistKit.AgentAsync(ctx, gangnam, "FC-LEAVE", "가나다", hired: new(2025, 3, 1));
        var cs = await WorklistKit.AgentAsync(ctx, gangnam, "CS-GN1", "라마바", AgentKind.Cs, hired: new(2020, 6, 1));
        var other = await WorklistKit.AgentAsync(ctx, busan, "CS-BS1", "파하가", AgentKind.Cs, hired: new(2016, 1, 2));
        var product = new Product { Code = "P-H", Name = "건강보험", Line = ProductLine.Life, Family = ProductFamily.Health };
        ctx.Products.Add(product);
        await ctx.SaveChangesAsync();
        var ids = new List<long>();
        for (var i = 0; i < customers; i++)
        {
            var c = await WorklistKit.CustomerAsync(ctx, "고객" + i);
            ids.Add(c.Id);
            ctx.Contracts.Add(new Contract
            {
                ContractNumber = "K" + i, ProductId = product.Id, CustomerId = c.Id, SumAssured = 10_000_000, Premium = 30_000,
                PaymentMode = PaymentMode.Monthly, PaymentMethod = PaymentMethod.AutoDebit, IssueDate = new(2025, 4, 1),
                SellingAgentId = leaver.Id, ServicingAgentId = leaver.Id, Channel = SalesChannel.Fc, Status = ContractStatus.InForce, StatusDate = new(2025, 4, 1),
            });
        }
        await ctx.SaveChangesAsync();
        await Service(ctx).TerminateAgentAsync("FC-LEAVE", new DateOnly(2026, 9, 21));
        return new(leaver, cs, other, ids);
    }

    private static async Task<List<WorkItem>> HandoversAsync(TestDatabase db)
    {
        await using var read = db.CreateContext();
        return await read.WorkItems.AsNoTracking().Where(i => i.Action == WorkAction.Handover).OrderBy(i => i.CustomerId).ToListAsync();
    }

    private static async Task<WorklistBuildSummary> BuildAsync(TestDatabase db, DateOnly asOf, WorklistOptions? options = null)
    {
        await using var consentDb = db.CreateContext();
        var consents = new ConsentService(consentDb, Policy, CustomerSeed.Protector(), TimeProvider.System, new CustomerScope(consentDb), CoreServices.Log(db));
        return await new WorklistBuilder(db.Database, options ?? new WorklistOptions(), TimeProvider.System, consents, Policy).BuildAsync(asOf);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Assign_PutsOneOpenHandoverPerCaseOnTheConsultantsList_WithTheDeadline_KeptByEveryBuild(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var w = await SeedAsync(ctx, 3);

        await Service(ctx).AssignAsync(AsOf);

        var cases = await ctx.OrphanCases.AsNoTracking().OrderBy(c => c.CustomerId).ToListAsync();
        var items = await HandoversAsync(db);
        cases.Count.ShouldBe(3);
        items.Count.ShouldBe(3, "one item per assigned case");
        for (var i = 0; i < 3; i++)
        {
            var item = items[i];
            item.AgentId.ShouldBe(w.Cs.Id, "the consultant of the former agent's branch");
            item.CustomerId.ShouldBe(cases[i].CustomerId);
            item.State.ShouldBe(WorkItemState.Open);
            item.Purpose.ShouldBe(WorkPurpose.Service);
            item.DueOn.ShouldBe(Due);
            item.FirstListedOn.ShouldBe(AsOf);
            var facts = WorkFacts.Read(item.Facts);
            facts.OrphanCaseId.ShouldBe(cases[i].Id);
            facts.FormerAgent.ShouldBe("FC-LEAVE");
            facts.LeftOn.ShouldBe(new DateOnly(2026, 9, 21));
            facts.Date.ShouldBe(Due);
        }

        // The night's build, and one 20 days later (past the 14-day age limit) with room for only one item: all three stay,
        // the same rows with their first day, because only the orphan service closes them.
        var first = await BuildAsync(db, AsOf);
        var later = await BuildAsync(db, AsOf.AddDays(20), new WorklistOptions { MaxItemsPerAgent = 1, SalePlaces = 0 });
        var kept = await HandoversAsync(db);
        first.OpenByAction.GetValueOrDefault(WorkAction.Handover).ShouldBe(3);
        later.OpenByAction.GetValueOrDefault(WorkAction.Handover).ShouldBe(3);
        kept.Select(i => i.Id).ShouldBe(items.Select(i => i.Id));
        kept.ShouldAllBe(i => i.State == WorkItemState.Open && i.FirstListedOn == AsOf && i.ListedOn == AsOf.AddDays(20) && i.AgentId == w.Cs.Id);
        kept.ShouldAllBe(i => i.Priority > items[0].Priority, "the deadline has passed: urgency is at its highest");
        WorkFacts.Read(kept[0].Facts).OrphanCaseId.ShouldBe(cases[0].Id, "the build keeps the facts the orphan service wrote");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task FirstContact_DoneIt_Reassignment_MovesIt_ReturningAgent_ClosesTheRest(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var w = await SeedAsync(ctx, 3);
        await Service(ctx).AssignAsync(AsOf);
        var cases = await ctx.OrphanCases.AsNoTracking().OrderBy(c => c.CustomerId).Select(c => c.Id).ToListAsync();

        await Service(ctx).RecordFirstContactAsync(cases[0], "cs-user", AsOf, "인사 통화");
        await Service(ctx).ReassignAsync(cases[1], "CS-BS1", "manager", "고객이 부산으로 이사", force: false);

        var items = await HandoversAsync(db);
        items.Count.ShouldBe(3, "a reassignment moves the item, it does not add one");
        items[0].State.ShouldBe(WorkItemState.Done);
        items[0].Outcome.ShouldBe(WorkOutcome.ServiceDone);
        items[0].ClosedBy.ShouldBe("cs-user");
        items[0].ClosedAt.ShouldNotBeNull();
        items[1].State.ShouldBe(WorkItemState.Open);
        items[1].AgentId.ShouldBe(w.OtherCs.Id, "on the new consultant's list");
        WorkFacts.Read(items[1].Facts).OrphanCaseId.ShouldBe(cases[1]);
        items[2].State.ShouldBe(WorkItemState.Open);
        items[2].AgentId.ShouldBe(w.Cs.Id);

        // The rebuilt lists agree: the moved item is on the Busan consultant's list, the done one on nobody's.
        await BuildAsync(db, AsOf.AddDays(1));
        items = await HandoversAsync(db);
        items.Where(i => i.State == WorkItemState.Open).Select(i => (i.CustomerId, i.AgentId))
            .ShouldBe([(w.Customers[1], w.OtherCs.Id), (w.Customers[2], w.Cs.Id)], ignoreOrder: true);

        // The former agent comes back: the cases not yet contacted go back, and their items close; the done one stays done.
        await Service(ctx).ReturnAgentAsync("FC-LEAVE", AsOf.AddDays(2));
        items = await HandoversAsync(db);
        items[0].State.ShouldBe(WorkItemState.Done);
        items[1].State.ShouldBe(WorkItemState.Expired);
        items[2].State.ShouldBe(WorkItemState.Expired);
        items[2].ClosedBy.ShouldBe("orphans");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ResultOnTheConsultantsList_ReachedRecordsTheCasesFirstContact_NotReachedDoesNot(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var w = await SeedAsync(ctx, 2);
        await Service(ctx).AssignAsync(AsOf);
        var items = await HandoversAsync(db);
        var consultant = TestUsers.Transient(Role.CsConsultant, w.Cs.Id, w.Cs.BranchId, "cs-gn1");
        var noon = new DateTimeOffset(2026, 9, 23, 3, 0, 0, TimeSpan.Zero);
        var day = CoreServices.AgentDay(ctx, db, noon, [new HandoverFirstContact(Service(ctx), NullLogger<HandoverFirstContact>.Instance)]);

        (await day.RecordAsync(consultant, new WorkResultEntry(items[0].Id, items[0].Version, WorkOutcome.Reached, WorkChannel.Phone, "보장 내용 안내")))
            .Status.ShouldBe(WorkResultStatus.Recorded);
        (await day.RecordAsync(consultant, new WorkResultEntry(items[1].Id, items[1].Version, WorkOutcome.NotReached, WorkChannel.Phone)))
            .Status.ShouldBe(WorkResultStatus.Recorded);

        await using var read = db.CreateContext();
        var cases = await read.OrphanCases.AsNoTracking().OrderBy(c => c.CustomerId).ToListAsync();
        cases[0].State.ShouldBe(OrphanState.Contacted, "reached from /today: the case's first contact is made");
        cases[0].FirstContactBy.ShouldBe("cs-gn1");
        cases[0].FirstContactNote.ShouldBe("보장 내용 안내");
        cases[1].State.ShouldBe(OrphanState.Assigned, "not reached: still waiting for the first contact");
        cases[1].FirstContactAt.ShouldBeNull();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ConsultantLeaves_TheirOpenHandoversCloseAndTheNewCasesOpenOnTheNextConsultantsList(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var w = await SeedAsync(ctx, 2);
        await Service(ctx).AssignAsync(AsOf);
        var first = await HandoversAsync(db);
        first.ShouldAllBe(i => i.AgentId == w.Cs.Id);

        await Service(ctx).TerminateAgentAsync("CS-GN1", AsOf.AddDays(1));
        await Service(ctx).AssignAsync(AsOf.AddDays(1));

        var items = await HandoversAsync(db);
        items.Count.ShouldBe(4);
        items.Where(i => first.Select(f => f.Id).Contains(i.Id)).ShouldAllBe(i => i.State == WorkItemState.Expired, "the superseded cases' items are closed");
        var open = items.Where(i => i.State == WorkItemState.Open).ToList();
        open.Count.ShouldBe(2);
        open.ShouldAllBe(i => i.AgentId == w.OtherCs.Id);
        open.ShouldAllBe(i => WorkFacts.Read(i.Facts).FormerAgent == "CS-GN1");
    }
}
