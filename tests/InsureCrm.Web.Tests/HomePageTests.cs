using System.Text.RegularExpressions;
using InsureCrm.Core.Common;
using InsureCrm.Core.Models;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Core.Value;
using InsureCrm.Tests;
using InsureCrm.Tests.Customers;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Web.Tests;

public sealed partial class HomePageTests
{
    /// <summary>The pages each role reaches from its home, as the capabilities allow; the rest must not be offered.</summary>
    private static readonly Dictionary<string, string[]> PagesByLogin = new()
    {
        ["agent"] = ["/customers", "/campaigns/mine", "/campaigns/calls"],
        ["cs"] = ["/customers", "/campaigns/mine", "/campaigns/calls"],
        ["manager"] = ["/customers", "/analytics/value", "/analytics/segments", "/models/agent-dropout/agents", "/campaigns", "/campaigns/mine", "/campaigns/calls"],
        ["callcenter"] = ["/customers", "/campaigns/mine", "/campaigns/calls"],
        ["marketer"] = ["/analytics/value", "/analytics/segments", "/campaigns"],
        ["analyst"] = ["/analytics/value", "/analytics/segments", "/models", "/models/workbench", "/models/agent-dropout/agents", "/campaigns"],
        ["voc"] = ["/customers", "/campaigns/mine", "/campaigns/calls"],
        ["compliance"] = ["/customers", "/compliance/access-review", "/compliance/subjects", "/campaigns/mine", "/campaigns/calls"],
        ["admin"] = ["/models", "/models/workbench", "/models/agent-dropout/agents", "/campaigns", "/admin/users"],
    };

    private static readonly string[] EveryPage = [.. PagesByLogin.Values.SelectMany(p => p).Distinct()];

    /// <summary>Promises of screens "in the next phase/release" that the product no longer makes.</summary>
    private static readonly string[] Stale = ["다음 단계", "다음 릴리스", "next release", "next phase", "coming soon", "後續版本", "준비 중", "Coming later", "尚未提供"];

    [Fact]
    public async Task Home_EachRole_OffersItsPagesInItsHomeAndNoPromiseOfLaterScreens()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);

        foreach (var (login, pages) in PagesByLogin)
        {
            using var client = await factory.SignedInClientAsync(login);
            var home = MainContent(await client.GetStringAsync("/"));
            foreach (var page in pages)
            {
                home.ShouldContain($"href=\"{page}\"", Case.Sensitive, $"{login} is offered {page} on its home");
            }
            foreach (var page in EveryPage.Except(pages))
            {
                home.ShouldNotContain($"href=\"{page}\"", Case.Sensitive, $"{login} may not use {page}");
            }
            home.ShouldContain("href=\"/account/sessions\"");
            foreach (var culture in new[] { "en-US", "zh-TW", "ko-KR" })
            {
                using var _ = await client.GetAsync("/culture?culture=" + culture + "&returnUrl=/");
                var text = MainContent(await client.GetStringAsync("/"));
                foreach (var stale in Stale)
                {
                    text.ShouldNotContain(stale, Case.Insensitive, $"{login} in {culture}");
                }
            }
        }

        // Before any value run, a home with value figures says so instead of showing zeros as if they were figures.
        using var analyst = await factory.SignedInClientAsync("analyst");
        var empty = await analyst.GetStringAsync("/");
        empty.ShouldContain("data-testid=\"home-value-none\"");
        empty.ShouldNotContain("data-testid=\"home-value-total\"");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Home_AgentAndManager_ShowTheirCustomersGradeMixAndHighLapseCustomersOfTheirScopeOnly(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        var outsider = await SeedRunsAsync(factory, family);

        using var agent = await factory.SignedInClientAsync("agent");
        var home = await agent.GetStringAsync("/");

        // 홍길동 (policyholder) and his wife (beneficiary of the agent's contract): the agent's scope.
        Figure(home, "home-customers").ShouldBe("2");
        var grades = GradeMix(home);
        grades.Values.Sum().ShouldBe(2, "the grade mix covers the agent's two customers of the run");
        home.ShouldContain("2026-03-02");
        Figure(home, "home-lapse-count").ShouldBe("1");
        Figure(home, "home-lapse-contracts").ShouldBe("1");
        home.ShouldContain($"href=\"/customers/{family.HongId}\"");
        home.ShouldContain("23.4%");
        home.ShouldContain("소득 대비 보험료 부담 0.42 (높임)", Case.Sensitive, "the reason that raised the score most");
        home.ShouldNotContain($"href=\"/customers/{outsider}\"", Case.Sensitive, "a customer outside the scope is never listed");
        home.ShouldNotContain($"href=\"/customers/{family.SpouseId}\"", Case.Sensitive, "the spouse's score is below the line");
        home.ShouldNotContain("/analytics/value?grade=", Case.Sensitive, "an agent has no analytics page behind the grades");

        using var manager = await factory.SignedInClientAsync("manager");
        var branch = await manager.GetStringAsync("/");
        StrictMarkup.ShouldHaveNoInlineScriptOrStyle(home);
        StrictMarkup.ShouldHaveNoInlineScriptOrStyle(branch);
        Figure(branch, "home-customers").ShouldBe("2");
        branch.ShouldContain("href=\"/analytics/value?grade=", Case.Sensitive, "a manager's grade counts open the branch's drill-down");
        branch.ShouldContain("data-testid=\"home-agent-dropout\"");
        branch.ShouldContain($"href=\"/customers/{family.HongId}\"");
        branch.ShouldNotContain($"href=\"/customers/{outsider}\"");

        // The listed customers were written to the access log like a search result.
        await using var ctx = db.CreateContext();
        ctx.AccessLog.Count(e => e.UserName == "agent" && e.CustomerId == family.HongId && e.Action == AccessAction.Search).ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Home_AnalystMarketerComplianceAndAdmin_ShowTheirFiguresEachLinkedToItsPage(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        await SeedRunsAsync(factory, family);
        using (var agent = await factory.SignedInClientAsync("agent"))
        {
            await agent.GetStringAsync($"/customers/{family.HongId}");
        }

        using var analyst = await factory.SignedInClientAsync("analyst");
        var a = await analyst.GetStringAsync("/");
        Figure(a, "home-value-customers").ShouldBe("3", "every live customer of the run (홍길동, his wife and the outsider)");
        a.ShouldContain("data-testid=\"home-value-total\"");
        a.ShouldContain("href=\"/analytics/value?grade=", Case.Sensitive, "each grade count opens its drill-down");
        a.ShouldContain("data-testid=\"home-segments\"");
        a.ShouldContain("href=\"/analytics/segments\"");
        a.ShouldContain("data-testid=\"home-champions\"");
        a.ShouldContain("3개월 내 실효", Case.Sensitive, "the lapse champion by its translated name");
        a.ShouldNotContain("href=\"/customers/", Case.Sensitive, "an analyst sees no individual customer");

        using var marketer = await factory.SignedInClientAsync("marketer");
        var m = await marketer.GetStringAsync("/");
        Figure(m, "home-value-customers").ShouldBe("3");
        m.ShouldNotContain("data-testid=\"home-champions\"", Case.Sensitive, "the registry is not the marketer's");

        using var compliance = await factory.SignedInClientAsync("compliance");
        var c = await compliance.GetStringAsync("/");
        c.ShouldContain("data-testid=\"home-chain-intact\"");
        var month = DateTime.UtcNow.AddHours(9).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        c.ShouldContain($"href=\"/compliance/access-review?month={month}\"");
        int.Parse(Figure(c, "home-review-users"), System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThanOrEqualTo(1);

        using var admin = await factory.SignedInClientAsync("admin");
        var d = await admin.GetStringAsync("/");
        Figure(d, "home-users-active").ShouldBe(DemoUsers.Accounts.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        int.Parse(Figure(d, "home-sessions"), System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThanOrEqualTo(1);
        d.ShouldContain("data-testid=\"home-job-value\"");
        d.ShouldContain("data-testid=\"home-job-score-lapse\"");
        d.ShouldContain("href=\"/admin/users\"");
        foreach (var html in new[] { a, m, c, d })
        {
            StrictMarkup.ShouldHaveNoInlineScriptOrStyle(html);
        }
    }

    /// <summary>
    /// A value run (with lifecycle and segments) as of 2026-03-02, a <c>lapse</c> champion that scores 홍길동 high, his
    /// wife low and an outsider (no contract of the agent's) high, and a <c>lapse-contract</c> champion that scores his
    /// contract high. Returns the outsider's id.
    /// </summary>
    private static async Task<long> SeedRunsAsync(CrmWebFactory factory, SeededFamily family)
    {
        long outsider;
        await using (var ctx = factory.Database.CreateContext())
        {
            outsider = (await CustomerSeed.AddNamedAsync(ctx, ["남궁외부"]))[0];
        }
        var asOf = new DateOnly(2026, 3, 2);
        var run = await factory.Services.GetRequiredService<ValueRunner>().RunAsync(asOf);
        await factory.Services.GetRequiredService<LifecycleRunner>().RunAsync(asOf, CancellationToken.None, run.RunId);
        await factory.Services.GetRequiredService<SegmentRunner>().RunAsync(run.RunId, asOf, CancellationToken.None);

        await using (var ctx = factory.Services.GetRequiredService<CrmDatabase>().CreateContext())
        {
            var lapse = new ModelVersion { Name = "lapse", Version = 1, Algorithm = "logistic", Artifact = "{}", TrainedBy = "ana", Status = ModelStatus.Champion, TrainedAt = DateTime.UtcNow, Auc = 0.66 };
            var contract = new ModelVersion { Name = "lapse-contract", Version = 1, Algorithm = "logistic", Artifact = "{}", TrainedBy = "ana", Status = ModelStatus.Champion, TrainedAt = DateTime.UtcNow, Auc = 0.61 };
            ctx.AddRange(lapse, contract);
            await ctx.SaveChangesAsync();
            var lapseRun = new ModelScoreRun { ModelVersionId = lapse.Id, RunDate = asOf, Status = ModelScoreRunStatus.Completed, StartedAt = DateTime.UtcNow, FinishedAt = DateTime.UtcNow, Scored = 3 };
            var contractRun = new ModelScoreRun { ModelVersionId = contract.Id, RunDate = asOf, Status = ModelScoreRunStatus.Completed, StartedAt = DateTime.UtcNow, FinishedAt = DateTime.UtcNow, Scored = 2 };
            ctx.AddRange(lapseRun, contractRun);
            await ctx.SaveChangesAsync();
            ctx.AddRange(
                new CustomerModelScore { RunId = lapseRun.Id, CustomerId = family.HongId, Eligible = true, Score = 0.234,
                    Reasons = """[{"feature":"premiumBurden","value":"0.42","effect":0.61},{"feature":"orphanedContracts","value":"1","effect":0.4}]""" },
                new CustomerModelScore { RunId = lapseRun.Id, CustomerId = family.SpouseId, Eligible = true, Score = 0.05, Reasons = "[]" },
                new CustomerModelScore { RunId = lapseRun.Id, CustomerId = outsider, Eligible = true, Score = 0.9, Reasons = "[]" });
            var held = ctx.Contracts.Single(k => k.ContractNumber == family.HeldContract).Id;
            var spouse = ctx.Contracts.Single(k => k.ContractNumber == family.SpouseContract).Id;
            ctx.AddRange(
                new ContractModelScore { RunId = contractRun.Id, ContractId = held, CustomerId = family.HongId, Eligible = true, Score = 0.3, Reasons = "[]" },
                new ContractModelScore { RunId = contractRun.Id, ContractId = spouse, CustomerId = family.SpouseId, Eligible = true, Score = 0.02, Reasons = "[]" });
            await ctx.SaveChangesAsync();
        }
        return outsider;
    }

    /// <summary>The text of the element carrying <paramref name="testId"/> (a figure: digits and separators).</summary>
    private static string Figure(string html, string testId)
    {
        var match = Regex.Match(html, $"data-testid=\"{testId}\"[^>]*>([^<]*)<");
        match.Success.ShouldBeTrue($"{testId} is on the page");
        return match.Groups[1].Value.Trim();
    }

    private static Dictionary<string, int> GradeMix(string html) =>
        GradeCountPattern().Matches(html).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex("data-grade=\"([A-G])\"[^>]*>(?:<[^>]+>)*([0-9,]+)<")]
    private static partial Regex GradeCountPattern();

    /// <summary>The page's main content: the top navigation is the layout's, not the home's.</summary>
    private static string MainContent(string html)
    {
        var start = html.IndexOf("<main", StringComparison.Ordinal);
        var end = html.IndexOf("</main>", StringComparison.Ordinal);
        return start < 0 || end < 0 ? html : html[start..end];
    }
}
