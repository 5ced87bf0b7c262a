using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Orphans;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Value;
using InsureCrm.Core.Voc;
using InsureCrm.Core.Worklists;
using InsureCrm.Tests.Worklists;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace InsureCrm.Tests.Orphans;

/// <summary>
/// The complaint record in the consultants' rating (issue 16, item 7): agent-conduct and mis-selling complaints naming a CS
/// consultant in the last twelve months lower their rating, shown as a reason; older ones, other categories and other types do
/// not count. A top-grade customer of a leaving FC goes to the best-rated consultant of the branch. Fictional people.
/// </summary>
public sealed class OrphanComplaintRecordTests
{
    private static readonly DateOnly AsOf = new(2026, 9, 23);

    private static OrphanService Service(CrmDbContext ctx, OrphanOptions options) => new(ctx, options,
        new KoreanBusinessCalendar(new BusinessCalendarOptions()), new WorklistKit.Fixed(new DateTimeOffset(2026, 9, 23, 1, 0, 0, TimeSpan.Zero)),
        NullLogger<OrphanService>.Instance, new Handovers(ctx, new WorklistOptions()));

    private sealed record World(Agent Junior, Agent Senior, long Customer);

    private static async Task<World> SeedAsync(CrmDbContext ctx)
    {
        var gangnam = new Branch { Code = "B-GN", Name = "강남지점", Sido = "서울특별시", Sigungu = "강남구" };
        ctx.Branches.Add(gangnam);
        await ctx.SaveChangesAsync();
        var leaver = await WorklistKit.AgentAsync(ctx, gangnam, "FC-LEAVE", "가나다", hired: new(2025, 3, 1));
        var junior = await WorklistKit.AgentAsync(ctx, gangnam, "CS-GN1", "라마바", AgentKind.Cs, hired: new(2025, 6, 1));
        var senior = await WorklistKit.AgentAsync(ctx, gangnam, "CS-GN2", "사아자", AgentKind.Cs, hired: new(2012, 1, 2));
        var product = new Product { Code = "P-H", Name = "건강보험", Line = ProductLine.Life, Family = ProductFamily.Health };
        ctx.Products.Add(product);
        await ctx.SaveChangesAsync();
        var c = await WorklistKit.CustomerAsync(ctx, "고객");
        ctx.Contracts.Add(new Contract
        {
            ContractNumber = "K1", ProductId = product.Id, CustomerId = c.Id, SumAssured = 10_000_000, Premium = 30_000, PaymentMode = PaymentMode.Monthly,
            PaymentMethod = PaymentMethod.AutoDebit, IssueDate = new(2025, 4, 1), SellingAgentId = leaver.Id, ServicingAgentId = leaver.Id,
            Channel = SalesChannel.Fc, Status = ContractStatus.InForce, StatusDate = new(2025, 4, 1),
        });
        var run = new ValueRun { RunDate = AsOf, StartedAt = DateTime.UtcNow, FinishedAt = DateTime.UtcNow, Status = ValueRunStatus.Completed, Customers = 1 };
        ctx.Set<ValueRun>().Add(run);
        await ctx.SaveChangesAsync();
        ctx.Set<CustomerValue>().Add(new CustomerValue { RunId = run.Id, CustomerId = c.Id, TotalValue = 90_000_000, Grade = "A" });
        await ctx.SaveChangesAsync();
        await Service(ctx, new OrphanOptions()).TerminateAgentAsync("FC-LEAVE", AsOf);
        return new(junior, senior, c.Id);
    }

    private static int _n;

    private static async Task ComplaintAsync(CrmDbContext ctx, long agentId, string category, DateOnly received, VocType type = VocType.Complaint)
    {
        var n = Interlocked.Increment(ref _n);
        ctx.VocCases.Add(new VocCase
        {
            Number = "VOC-T-" + n.ToString("D6", System.Globalization.CultureInfo.InvariantCulture), Channel = VocChannel.CallCenter, Type = type,
            CategoryCode = category, Text = "상담원이 불친절했습니다", State = VocState.Resolved, AgentId = agentId,
            ReceivedAt = DateTime.SpecifyKind(received.ToDateTime(new TimeOnly(3, 0)), DateTimeKind.Utc), CreatedBy = "test",
        });
        await ctx.SaveChangesAsync();
    }

    private static async Task<OrphanCase> AssignedAsync(CrmDbContext ctx, long customer) =>
        await ctx.OrphanCases.AsNoTracking().SingleAsync(c => c.CustomerId == customer);

    [Fact]
    public void Options_ComplaintWeight_DefaultsToAFifth_AndRefusesOutOfRange()
    {
        new OrphanOptions().ComplaintWeight.ShouldBe(0.2);
        new OrphanOptions().Validate().ShouldBeEmpty();
        new OrphanOptions { ComplaintWeight = -0.1 }.Validate().ShouldContain(e => e.Contains("ComplaintWeight", StringComparison.Ordinal));
        new OrphanOptions { ComplaintWeight = 0 }.Validate().ShouldBeEmpty();
        new OrphanOptions { ComplaintMonths = 0 }.Validate().ShouldContain(e => e.Contains("ComplaintMonths", StringComparison.Ordinal));
    }

    [Fact]
    public void ComplaintScore_FallsWithEachComplaint()
    {
        OrphanService.ComplaintScore(0).ShouldBe(1);
        OrphanService.ComplaintScore(1).ShouldBe(0.5);
        OrphanService.ComplaintScore(3).ShouldBe(0.25);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Assign_SeniorWithRecentConductComplaints_LosesTheTopCustomer_WhenTheRecordWeighsEnough(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var w = await SeedAsync(ctx);
        await ComplaintAsync(ctx, w.Senior.Id, "agent.attitude", new(2026, 8, 1));
        await ComplaintAsync(ctx, w.Senior.Id, "misselling", new(2026, 3, 10));
        await ComplaintAsync(ctx, w.Senior.Id, "agent", new(2025, 12, 1));
        // Not counted: older than twelve months, another category, a compliment, another agent.
        await ComplaintAsync(ctx, w.Senior.Id, "agent.attitude", new(2025, 6, 1));
        await ComplaintAsync(ctx, w.Senior.Id, "claims.delay", new(2026, 8, 1));
        await ComplaintAsync(ctx, w.Senior.Id, "agent.attitude", new(2026, 8, 1), VocType.Compliment);

        await Service(ctx, new OrphanOptions { ComplaintWeight = 1.0 }).AssignAsync(AsOf);

        var c = await AssignedAsync(ctx, w.Customer);
        c.ConsultantId.ShouldBe(w.Junior.Id);
        OrphanReasons.Read(c.Reasons).ShouldNotContain(r => r.Code == OrphanReasons.ComplaintRecord);   // the junior has none
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Assign_DefaultWeight_OneComplaint_SeniorKeepsTheCustomer_WithTheRecordAsAReason(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var w = await SeedAsync(ctx);
        await ComplaintAsync(ctx, w.Senior.Id, "agent.attitude", new(2026, 8, 1));
        await ComplaintAsync(ctx, w.Senior.Id, "agent.attitude", new(2025, 6, 1));   // too old

        await Service(ctx, new OrphanOptions()).AssignAsync(AsOf);

        var c = await AssignedAsync(ctx, w.Customer);
        c.ConsultantId.ShouldBe(w.Senior.Id);
        var reason = OrphanReasons.Read(c.Reasons).Single(r => r.Code == OrphanReasons.ComplaintRecord);
        reason.Args["complaints"].ShouldBe("1");
        reason.Args["months"].ShouldBe("12");
        OrphanReasons.English(reason).ShouldContain("1 agent-conduct or mis-selling complaints");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Assign_WeightZero_ComplaintsIgnored(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var w = await SeedAsync(ctx);
        for (var i = 0; i < 5; i++)
        {
            await ComplaintAsync(ctx, w.Senior.Id, "misselling.explanation", new(2026, 9, 1));
        }

        await Service(ctx, new OrphanOptions { ComplaintWeight = 0 }).AssignAsync(AsOf);

        var c = await AssignedAsync(ctx, w.Customer);
        c.ConsultantId.ShouldBe(w.Senior.Id);
        OrphanReasons.Read(c.Reasons).ShouldNotContain(r => r.Code == OrphanReasons.ComplaintRecord);
    }
}
