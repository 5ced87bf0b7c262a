using System.Net;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Core.Worklists;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Web.Tests;

/// <summary>The branch view's pages (issue 14 points 6 and 7): /branch, /branch/patterns and the branch block of the manager's home.</summary>
public sealed class BranchPageTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task BranchPage_Manager_SeesTheBranchsCompletionOverdueItemsAndHomeSummary_AgentIsRefused(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        await SeedWorkAsync(db, family.AgentId, family.HongId);
        using var manager = await factory.SignedInClientAsync("manager");
        using var agent = await factory.SignedInClientAsync("agent");

        var page = await manager.GetStringAsync("/branch");
        var home = await manager.GetStringAsync("/");
        var patterns = await manager.GetStringAsync("/branch/patterns");
        using var refused = await agent.GetAsync("/branch");

        page.ShouldContain("data-agent=\"FC0001\"");
        page.ShouldNotContain("data-agent=\"FC0002\"", Case.Sensitive, "the terminated agent");
        page.ShouldContain("data-testid=\"branch-completion-today\">50%");
        page.ShouldContain("data-testid=\"branch-overdue-count\">1");
        page.ShouldContain(">홍길동</a>");
        page.ShouldContain("data-outcome=\"Sold\"");
        VisibleText.EnglishWords(page, "manager").ShouldBeEmpty();
        home.ShouldContain("data-testid=\"home-branch\"");
        home.ShouldContain("data-testid=\"branch-completion-today\">50%");
        home.ShouldContain("href=\"/branch\"");
        patterns.ShouldContain("data-agent=\"FC0001\"");
        patterns.ShouldContain("data-testid=\"patterns-rule\"");
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task BranchPage_ManagerOfAnotherBranch_SeesNoneOfItsAgents_AdminPicksItWithoutCustomerNames()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        await SeedWorkAsync(db, family.AgentId, family.HongId);
        await using (var ctx = db.CreateContext())
        {
            var busan = new Branch { Code = "B-BS", Name = "부산지점", Sido = "부산광역시", Sigungu = "해운대구" };
            ctx.Branches.Add(busan);
            await ctx.SaveChangesAsync();
            ctx.Agents.Add(new Agent { Code = "BS0100", Name = "김부산", Kind = AgentKind.Lt, BranchId = busan.Id, HireDate = new(2025, 9, 1), Status = AgentStatus.Active });
            await ctx.SaveChangesAsync();
            await ctx.Set<AppUser>().Where(u => u.UserName == "manager").ExecuteUpdateAsync(u => u.SetProperty(x => x.BranchId, busan.Id));
        }
        using var other = await factory.SignedInClientAsync("manager");
        using var admin = await factory.SignedInClientAsync("admin");

        var page = await other.GetStringAsync("/branch?branch=B-GN");
        var picker = await admin.GetStringAsync("/branch");
        var picked = await admin.GetStringAsync("/branch?branch=B-GN");

        page.ShouldContain("data-agent=\"BS0100\"");
        page.ShouldNotContain("data-agent=\"FC0001\"");
        page.ShouldNotContain("홍길동");
        picker.ShouldContain("data-testid=\"branch-picker\"");
        picked.ShouldContain("data-agent=\"FC0001\"");
        picked.ShouldNotContain("홍길동");
        picked.ShouldContain("(고객 정보 비공개)");
    }

    /// <summary>Today (Asia/Seoul): FC0001 has an item listed 6 days ago (overdue) and one listed today with a Sold result: 1 of 2 worked.</summary>
    private static async Task SeedWorkAsync(TestDatabase db, long agentId, long customerId)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul")));
        await using var ctx = db.CreateContext();
        var old = new WorkItem { AgentId = agentId, CustomerId = customerId, Action = WorkAction.Retention, Subject = "K1", FirstListedOn = today.AddDays(-6), ListedOn = today, State = WorkItemState.Open };
        var fresh = new WorkItem { AgentId = agentId, CustomerId = customerId, Action = WorkAction.CrossSell, Subject = "F1", FirstListedOn = today, ListedOn = today, State = WorkItemState.Done, ClosedAt = DateTime.UtcNow };
        ctx.WorkItems.AddRange(old, fresh);
        await ctx.SaveChangesAsync();
        ctx.WorkResults.Add(new WorkResult
        {
            ItemId = fresh.Id, AgentId = agentId, CustomerId = customerId, Action = WorkAction.CrossSell, Channel = WorkChannel.Visit, Outcome = WorkOutcome.Sold,
            RecordedAt = DateTime.UtcNow, Day = today, RecordedBy = "agent", InteractionId = 1,
        });
        await ctx.SaveChangesAsync();
    }
}
