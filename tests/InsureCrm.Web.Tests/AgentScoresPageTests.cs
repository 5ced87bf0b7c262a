using System.Net;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Models;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Web.Tests;

/// <summary>An agent model's top-scored agents (<c>/models/{name}/agents</c>): the champion's newest run, within the viewer's scope.</summary>
public sealed class AgentScoresPageTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AgentScores_BranchManager_SeesOnlyTheBranchsScoredAgentsWithTranslatedReasons(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        await SeedScoresAsync(factory, family.AgentId, family.TerminatedAgentId);
        using var manager = await factory.SignedInClientAsync("manager");

        var page = await manager.GetStringAsync("/models/agent-dropout/agents");

        page.ShouldContain("설계사 점수: 13개월 내 설계사 이탈");
        page.ShouldContain("v2, 2026-03-01 기준");
        page.ShouldContain("data-agent=\"FC0001\"");
        page.ShouldContain("41.0%");
        page.ShouldContain("설계사 유형 전속 설계사(FC) (높임)");
        page.ShouldContain("위촉 후 경과 월 3 (높임)");
        page.ShouldNotContain("data-agent=\"BS0100\"", Case.Sensitive, "an agent of another branch");
        page.ShouldNotContain("data-agent=\"FC0002\"", Case.Sensitive, "an agent outside the model's population");
        page.ShouldNotContain("99.0%", Case.Sensitive, "a retired version's run");
        page.ShouldNotContain("98.0%", Case.Sensitive, "a failed run");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AgentScores_BranchManagerWhoseAgentsAreAllPastTheirFirst13Months_IsToldWhyTheListIsEmpty(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        await SeedScoresAsync(factory, family.AgentId, family.TerminatedAgentId);
        await using (var ctx = factory.Services.GetRequiredService<CrmDatabase>().CreateContext())
        {
            await ctx.Set<AgentModelScore>().Where(s => s.AgentId == family.AgentId).ExecuteUpdateAsync(u => u.SetProperty(s => s.Eligible, false));
        }
        using var manager = await factory.SignedInClientAsync("manager");

        var page = await manager.GetStringAsync("/models/agent-dropout/agents");

        page.ShouldNotContain("data-agent=\"FC0001\"");
        page.ShouldNotContain("data-agent=\"BS0100\"", Case.Sensitive, "an agent of another branch");
        // FC0001 and the terminated FC0002 of 강남지점 were scored, both outside the population.
        page.ShouldContain("볼 수 있는 설계사 2명이 모두 위촉 후 13개월이 지나");
        VisibleText.EnglishWords(page, "manager").ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AgentScores_Admin_SeesEveryBranchHighestFirst_AndAnAgentIsRefused(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        await SeedScoresAsync(factory, family.AgentId, family.TerminatedAgentId);
        using var admin = await factory.SignedInClientAsync("admin");
        using var agent = await factory.SignedInClientAsync("agent");

        var page = await admin.GetStringAsync("/models/agent-dropout/agents");
        var registry = await admin.GetStringAsync("/models");
        using var refused = await agent.GetAsync("/models/agent-dropout/agents");

        page.IndexOf("data-agent=\"BS0100\"", StringComparison.Ordinal).ShouldBeGreaterThan(0);
        page.IndexOf("data-agent=\"BS0100\"", StringComparison.Ordinal).ShouldBeLessThan(page.IndexOf("data-agent=\"FC0001\"", StringComparison.Ordinal));
        page.ShouldNotContain("data-agent=\"FC0002\"");
        page.ShouldContain("지점 13개월 이탈률 값 없음 (높임)");
        registry.ShouldContain("href=\"/models/agent-dropout/agents\" data-testid=\"registry-agents\"");
        registry.ShouldNotContain("href=\"/models/lapse/agents\"");
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await admin.GetStringAsync("/models/recruiting/agents")).ShouldContain("data-testid=\"agent-scores-norun\"");
        (await admin.GetStringAsync("/models/lapse/agents")).ShouldContain("data-testid=\"agent-scores-unknown\"");
    }

    /// <summary>
    /// An agent-dropout champion (v2) whose newest completed run scores the family's agent (branch B-GN) and an agent of
    /// another branch, with the terminated agent outside the population; a retired v1 has a newer run that must not show.
    /// </summary>
    private static async Task SeedScoresAsync(CrmWebFactory factory, long agentId, long terminatedAgentId)
    {
        await using var ctx = factory.Services.GetRequiredService<CrmDatabase>().CreateContext();
        var busan = new Branch { Code = "B-BS", Name = "부산지점", Sido = "부산광역시", Sigungu = "해운대구" };
        ctx.Branches.Add(busan);
        await ctx.SaveChangesAsync();
        var other = new Agent { Code = "BS0100", Name = "김부산", Kind = AgentKind.Lt, BranchId = busan.Id, HireDate = new(2025, 9, 1), Status = AgentStatus.Active };
        ctx.Agents.Add(other);
        var champion = new ModelVersion { Name = "agent-dropout", Version = 2, Algorithm = "logistic", Artifact = "{}", TrainedBy = "ana", Status = ModelStatus.Champion, TrainedAt = DateTime.UtcNow };
        var retired = new ModelVersion { Name = "agent-dropout", Version = 1, Algorithm = "logistic", Artifact = "{}", TrainedBy = "ana", Status = ModelStatus.Retired, TrainedAt = DateTime.UtcNow };
        var recruiting = new ModelVersion { Name = "recruiting", Version = 1, Algorithm = "logistic", Artifact = "{}", TrainedBy = "ana", Status = ModelStatus.Champion, TrainedAt = DateTime.UtcNow };
        ctx.AddRange(champion, retired, recruiting);
        await ctx.SaveChangesAsync();
        var run = new ModelScoreRun { ModelVersionId = champion.Id, RunDate = new(2026, 3, 1), Status = ModelScoreRunStatus.Completed, StartedAt = DateTime.UtcNow };
        var failed = new ModelScoreRun { ModelVersionId = champion.Id, RunDate = new(2026, 3, 2), Status = ModelScoreRunStatus.Failed, StartedAt = DateTime.UtcNow };
        var old = new ModelScoreRun { ModelVersionId = retired.Id, RunDate = new(2026, 3, 9), Status = ModelScoreRunStatus.Completed, StartedAt = DateTime.UtcNow };
        ctx.AddRange(run, failed, old);
        await ctx.SaveChangesAsync();
        ctx.AddRange(
            new AgentModelScore { RunId = run.Id, AgentId = agentId, Eligible = true, Score = 0.41,
                Reasons = """[{"feature":"agentKind","value":"Fc","effect":0.5},{"feature":"agentTenureMonths","value":"3","effect":0.2}]""" },
            new AgentModelScore { RunId = run.Id, AgentId = other.Id, Eligible = true, Score = 0.77, Reasons = """[{"feature":"branchDropoutRate","value":"missing","effect":0.1}]""" },
            new AgentModelScore { RunId = run.Id, AgentId = terminatedAgentId, Eligible = false, Score = 0, Reasons = "[]" },
            new AgentModelScore { RunId = failed.Id, AgentId = agentId, Eligible = true, Score = 0.98, Reasons = "[]" },
            new AgentModelScore { RunId = old.Id, AgentId = agentId, Eligible = true, Score = 0.99, Reasons = "[]" });
        await ctx.SaveChangesAsync();
    }
}
