using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Models;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Core.Worklists;
using InsureCrm.Core.Worklists.Branch;

namespace InsureCrm.Tests.Worklists;

/// <summary>The branch manager's view (issue 14 point 6) from hand-seeded items and results.</summary>
public sealed class BranchViewTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SummaryAsync_SeededItemsAndResults_GivesCompletionByAgentAndDayOutcomeMixAndOverdue(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var seed = await SeedAsync(db);

        var answer = await View(db).SummaryAsync(WorklistKit.Manager(seed.Branch.Id));

        answer.Access.ShouldBe(BranchAccess.Ok);
        var s = answer.View!;
        s.Today.ShouldBe(WorklistKit.Today);
        s.Days.Count.ShouldBe(7);
        s.Agents.Select(a => a.Code).ShouldBe(["CS0003", "FC0001", "FC0002"], "active agents of the branch, CS consultants included, the terminated one left out");
        var kim = s.Agents.Single(a => a.Code == "FC0001");
        // Today: four items on the list (three open, one done today); two of them worked today (one twice).
        kim.Today.ShouldBe(new AgentDayFigure(WorklistKit.Today, 4, 2, 3));
        kim.Today.Completion.ShouldBe(0.5);
        // Yesterday: the two older open items, the one closed yesterday and the one first listed yesterday (closed today); one worked.
        kim.Days[^2].ShouldBe(new AgentDayFigure(WorklistKit.Today.AddDays(-1), 4, 1, 1));
        // Six days ago only the oldest item existed, and nobody touched it.
        kim.Days[0].ShouldBe(new AgentDayFigure(WorklistKit.Today.AddDays(-6), 1, 0, 0));
        kim.OpenNow.ShouldBe(3);
        kim.Overdue.ShouldBe(1, "the item first listed 8 days ago; the one listed 3 days ago is not over the 3-day limit");
        kim.Outcomes.ShouldBe(new Dictionary<WorkOutcome, int> { [WorkOutcome.NotReached] = 1, [WorkOutcome.Appointment] = 1, [WorkOutcome.Sold] = 1, [WorkOutcome.ServiceDone] = 1 }, ignoreOrder: true);
        kim.Dropout!.Score.ShouldBe(0.62);
        kim.Dropout.High.ShouldBeTrue();
        s.Agents.Single(a => a.Code == "FC0002").Today.ShouldBe(new AgentDayFigure(WorklistKit.Today, 1, 0, 0));
        s.Outcomes[WorkOutcome.Sold].ShouldBe(1);
        s.Outcomes.Values.Sum().ShouldBe(4, "the result of 8 days ago is outside the week");
        s.TodayTotal.ShouldBe(new AgentDayFigure(WorklistKit.Today, 5, 2, 3));
        s.OverdueCount.ShouldBe(1);
        var overdue = s.Overdue.Single();
        (overdue.AgentCode, overdue.CustomerName, overdue.Action, overdue.AgeDays).ShouldBe(("FC0001", "오래된고객", WorkAction.Retention, 8));
        s.AtRisk.Select(a => a.Code).ShouldBe(["FC0001"]);
        s.DropoutAsOf.ShouldBe(new DateOnly(2026, 3, 1));
    }

    [Fact]
    public async Task SummaryAsync_ManagerOfAnotherBranch_SeesNoneOfThisBranchsAgentsWhateverCodeIsAsked()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var seed = await SeedAsync(db);
        Branch busan;
        await using (var ctx = db.CreateContext())
        {
            busan = await WorklistKit.BranchAsync(ctx, "B-BS", "부산지점");
            await WorklistKit.AgentAsync(ctx, busan, "BS0100", "김부산");
        }
        var other = WorklistKit.Manager(busan.Id);

        var summary = (await View(db).SummaryAsync(other, branchCode: seed.Branch.Code)).View!;
        var patterns = (await View(db).PatternsAsync(other, branchCode: seed.Branch.Code)).View!;

        summary.Branch.Code.ShouldBe("B-BS");
        summary.Agents.Select(a => a.Code).ShouldBe(["BS0100"]);
        summary.Overdue.ShouldBeEmpty();
        summary.Outcomes.ShouldBeEmpty();
        patterns.Agents.Select(a => a.Facts.Code).ShouldBe(["BS0100"]);
        (await View(db).SummaryAsync(new CrmUser(901, "nobranch", Role.BranchManager, null, null, null, "test"))).Access.ShouldBe(BranchAccess.NoBranch);
        (await View(db).SummaryAsync(new CrmUser(902, "agent", Role.Agent, 1, seed.Branch.Id, null, "test"))).Access.ShouldBe(BranchAccess.Forbidden);
    }

    [Fact]
    public async Task SummaryAsync_AdminPicksABranchByCode_SeesItsAgentsButNoCustomerNames()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var seed = await SeedAsync(db);
        var admin = new CrmUser(903, "admin", Role.Admin, null, null, null, "test");

        var unpicked = await View(db).SummaryAsync(admin);
        var picked = await View(db).SummaryAsync(admin, "b-gn");
        var unknown = await View(db).SummaryAsync(admin, "NOPE");

        unpicked.Access.ShouldBe(BranchAccess.NoBranch);
        unpicked.Choices.Select(c => c.Code).ShouldBe([seed.Branch.Code]);
        picked.View!.Agents.Count.ShouldBe(3);
        picked.View.ShowsCustomers.ShouldBeFalse();
        picked.View.Overdue.Single().CustomerName.ShouldBeNull();
        unknown.Access.ShouldBe(BranchAccess.NotFound);
    }

    [Fact]
    public async Task PatternsAsync_SeededBranch_CountsActivitySalesAndThirteenMonthPersistency()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var seed = await SeedAsync(db);
        await using (var ctx = db.CreateContext())
        {
            var product = new Product { Code = "WL01", Name = "종신", Line = ProductLine.Life, Family = ProductFamily.WholeLife };
            ctx.Add(product);
            await ctx.SaveChangesAsync();
            Contract K(string number, DateOnly issued, ContractStatus status, DateOnly statusDate) => new()
            {
                ContractNumber = number, ProductId = product.Id, CustomerId = seed.CustomerId, Premium = 100_000, IssueDate = issued, SellingAgentId = seed.Kim.Id,
                ServicingAgentId = seed.Kim.Id, Status = status, StatusDate = statusDate,
            };
            ctx.Contracts.AddRange(
                K("N1", WorklistKit.Today.AddDays(-3), ContractStatus.InForce, WorklistKit.Today.AddDays(-3)),
                K("N2", WorklistKit.Today.AddDays(-20), ContractStatus.InForce, WorklistKit.Today.AddDays(-20)),
                K("N3", WorklistKit.Today.AddDays(-10), ContractStatus.Cancelled, WorklistKit.Today.AddDays(-5)),
                // The 13-month cohort (issued 13 to 24 months ago): kept, lapsed at month 5, lapsed after month 13, matured early (withdrawn).
                K("P1", new DateOnly(2024, 10, 1), ContractStatus.InForce, new DateOnly(2024, 10, 1)),
                K("P2", new DateOnly(2024, 10, 1), ContractStatus.Lapsed, new DateOnly(2025, 3, 1)),
                K("P3", new DateOnly(2024, 6, 1), ContractStatus.Lapsed, new DateOnly(2025, 8, 1)),
                K("P4", new DateOnly(2024, 6, 1), ContractStatus.Matured, new DateOnly(2025, 1, 1)),
                // Too old for the cohort.
                K("P5", new DateOnly(2023, 1, 1), ContractStatus.Lapsed, new DateOnly(2023, 3, 1)));
            await ctx.SaveChangesAsync();
        }

        var report = (await View(db).PatternsAsync(WorklistKit.Manager(seed.Branch.Id))).View!;

        report.From.ShouldBe(WorklistKit.Today.AddDays(-27));
        report.WorkingDays.ShouldBe(20);
        var kim = report.Agents.Single(a => a.Facts.Code == "FC0001");
        (kim.Facts.Results, kim.Facts.Visits, kim.Facts.Calls, kim.Facts.SoldOutcomes).ShouldBe((5, 2, 3, 1));
        kim.Facts.NewContracts.ShouldBe(2, "the cancelled one does not count");
        (kim.Facts.Kept, kim.Facts.Cohort).ShouldBe((2, 3));
        kim.Group.ShouldBe(AgentGroup.AtRisk);
        kim.Reasons.ShouldContain(PatternReason.DropoutHigh);
        report.Agents.Single(a => a.Facts.Code == "FC0002").Reasons.ShouldContain(PatternReason.ActivityLow);
        report.Groups.Single(g => g.Group == AgentGroup.AtRisk).Agents.ShouldBe(3);
    }

    private static BranchView View(TestDatabase db) => new(db.Database, new WorklistKit.Fixed(WorklistKit.Now), new WorklistOptions());

    private sealed record Seeded(Branch Branch, Agent Kim, long CustomerId);

    /// <summary>
    /// 강남지점: FC0001 (김설계) with five items — an open one listed 8 days ago (overdue), one listed 3 days ago, one new today,
    /// one done yesterday, one done today — and results on them; FC0002 with one item listed today; a CS consultant with
    /// nothing; a terminated agent with an item that must not count. FC0001 has a dropout score of 0.62.
    /// </summary>
    private static async Task<Seeded> SeedAsync(TestDatabase db)
    {
        await using var ctx = db.CreateContext();
        var branch = await WorklistKit.BranchAsync(ctx, "B-GN", "강남지점");
        var kim = await WorklistKit.AgentAsync(ctx, branch, "FC0001", "김설계", hired: new DateOnly(2025, 6, 1));
        var lee = await WorklistKit.AgentAsync(ctx, branch, "FC0002", "이설계");
        await WorklistKit.AgentAsync(ctx, branch, "CS0003", "박상담", AgentKind.Cs);
        var gone = await WorklistKit.AgentAsync(ctx, branch, "FC0009", "최퇴사", status: AgentStatus.Terminated);
        var old = await WorklistKit.CustomerAsync(ctx, "오래된고객");
        var other = await WorklistKit.CustomerAsync(ctx, "다른고객");
        var t = WorklistKit.Today;
        WorkItem Item(Agent a, long customer, WorkAction action, int firstDaysAgo, WorkItemState state = WorkItemState.Open, DateTime? closedAt = null) => new()
        {
            AgentId = a.Id, CustomerId = customer, Action = action, Subject = action + firstDaysAgo.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Purpose = WorkPurpose.Service, FirstListedOn = t.AddDays(-firstDaysAgo), ListedOn = state == WorkItemState.Open ? t : t.AddDays(-1),
            State = state, ClosedAt = closedAt, Facts = "{}",
        };
        var overdue = Item(kim, old.Id, WorkAction.Retention, 8);
        var recent = Item(kim, other.Id, WorkAction.Birthday, 3);
        var fresh = Item(kim, other.Id, WorkAction.CoverageCheck, 0);
        // Closed yesterday 15:00 Seoul and today 10:00 Seoul.
        var doneYesterday = Item(kim, other.Id, WorkAction.Maturing, 2, WorkItemState.Done, new DateTime(2026, 3, 9, 6, 0, 0, DateTimeKind.Utc));
        var doneToday = Item(kim, other.Id, WorkAction.CrossSell, 1, WorkItemState.Done, new DateTime(2026, 3, 10, 1, 0, 0, DateTimeKind.Utc));
        var leeItem = Item(lee, other.Id, WorkAction.ContactDetails, 0);
        var goneItem = Item(gone, other.Id, WorkAction.Birthday, 5);
        ctx.WorkItems.AddRange(overdue, recent, fresh, doneYesterday, doneToday, leeItem, goneItem);
        await ctx.SaveChangesAsync();
        WorkResult Result(WorkItem item, WorkOutcome outcome, WorkChannel channel, int daysAgo) => new()
        {
            ItemId = item.Id, AgentId = item.AgentId, CustomerId = item.CustomerId, Action = item.Action, Channel = channel, Outcome = outcome,
            Day = t.AddDays(-daysAgo), RecordedAt = t.AddDays(-daysAgo).ToDateTime(new TimeOnly(2, 0), DateTimeKind.Utc), RecordedBy = "agent", InteractionId = 1,
        };
        ctx.WorkResults.AddRange(
            Result(recent, WorkOutcome.NotReached, WorkChannel.Phone, 0),
            Result(recent, WorkOutcome.Appointment, WorkChannel.Phone, 0),
            Result(doneToday, WorkOutcome.Sold, WorkChannel.Visit, 0),
            Result(doneYesterday, WorkOutcome.ServiceDone, WorkChannel.Visit, 1),
            Result(overdue, WorkOutcome.NotReached, WorkChannel.Phone, 8),
            Result(goneItem, WorkOutcome.Met, WorkChannel.Visit, 0));
        var champion = new ModelVersion { Name = "agent-dropout", Version = 3, Algorithm = "logistic", Artifact = "{}", TrainedBy = "ana", Status = ModelStatus.Champion, TrainedAt = WorklistKit.Now.UtcDateTime };
        ctx.Add(champion);
        await ctx.SaveChangesAsync();
        var run = new ModelScoreRun { ModelVersionId = champion.Id, RunDate = new(2026, 3, 1), Status = ModelScoreRunStatus.Completed, StartedAt = WorklistKit.Now.UtcDateTime };
        ctx.Add(run);
        await ctx.SaveChangesAsync();
        ctx.AddRange(
            new AgentModelScore { RunId = run.Id, AgentId = kim.Id, Eligible = true, Score = 0.62, Reasons = """[{"feature":"agentContacts3m","value":"2","effect":0.4}]""" },
            new AgentModelScore { RunId = run.Id, AgentId = lee.Id, Eligible = true, Score = 0.2, Reasons = "[]" });
        await ctx.SaveChangesAsync();
        return new Seeded(branch, kim, old.Id);
    }
}
