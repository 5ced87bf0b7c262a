using System.Globalization;
using System.Net;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Orphans;
using InsureCrm.Core.Policies;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace InsureCrm.Web.Tests;

/// <summary>
/// /orphans/retention (issue 15, point 4): an FC of the family's branch left 14 months ago with 40 customers, the control
/// wave on (half, 20 business days late), every control customer's contract lapsed two months after; an FC of a Busan
/// branch left too, with 6 customers. Fictional people.
/// </summary>
public sealed class OrphanRetentionPageTests
{
    private static readonly TimeZoneInfo Seoul = TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");
    private static DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Seoul).DateTime);
    private static readonly Dictionary<string, string?> Control = new() { ["Orphans:ControlShare"] = "0.5", ["Orphans:ControlDelayBusinessDays"] = "20" };

    private sealed record Seeded(int Immediate, int Control, string BusanBranch);

    private static async Task<Seeded> SeedAsync(CrmWebFactory factory)
    {
        var family = await CustomerApiTests.SeedAsync(factory);
        var left = Today.AddMonths(-14);
        await using (var ctx = factory.Database.CreateContext())
        {
            var busan = new Branch { Code = "B-BS9", Name = "해운대지점", Sido = "부산광역시", Sigungu = "해운대구" };
            ctx.Branches.Add(busan);
            await ctx.SaveChangesAsync();
            var agents = new[]
            {
                new Agent { Code = "CS0201", Name = "윤상담", Kind = AgentKind.Cs, BranchId = family.BranchId, HireDate = new(2014, 1, 2), Status = AgentStatus.Active },
                new Agent { Code = "CS0202", Name = "서상담", Kind = AgentKind.Cs, BranchId = family.BranchId, HireDate = new(2019, 1, 2), Status = AgentStatus.Active },
                new Agent { Code = "CS0203", Name = "부상담", Kind = AgentKind.Cs, BranchId = busan.Id, HireDate = new(2016, 1, 2), Status = AgentStatus.Active },
                new Agent { Code = "FC0881", Name = "한떠남", Kind = AgentKind.Fc, BranchId = family.BranchId, HireDate = new(2021, 1, 2), Status = AgentStatus.Active },
                new Agent { Code = "FC0882", Name = "남떠남", Kind = AgentKind.Fc, BranchId = busan.Id, HireDate = new(2021, 1, 2), Status = AgentStatus.Active },
            };
            ctx.Agents.AddRange(agents);
            await ctx.SaveChangesAsync();
            var product = await ctx.Products.FirstAsync(p => !p.IsRider && p.Line == ProductLine.Life);
            var now = DateTime.UtcNow;
            for (var i = 0; i < 46; i++)
            {
                var leaver = i < 40 ? agents[3] : agents[4];
                var c = new Customer { Name = "유지고객" + i.ToString(CultureInfo.InvariantCulture), NameScript = NameScript.Hangul, CreatedAt = now, UpdatedAt = now };
                ctx.Customers.Add(c);
                await ctx.SaveChangesAsync();
                ctx.Contracts.Add(new Contract
                {
                    ContractNumber = "RT-" + i.ToString(CultureInfo.InvariantCulture), ProductId = product.Id, CustomerId = c.Id, SumAssured = 10_000_000,
                    Premium = 30_000, PaymentMode = PaymentMode.Monthly, PaymentMethod = PaymentMethod.AutoDebit, IssueDate = left.AddYears(-2),
                    SellingAgentId = leaver.Id, ServicingAgentId = leaver.Id, Channel = SalesChannel.Fc, Status = ContractStatus.InForce, StatusDate = left.AddYears(-2),
                });
            }
            await ctx.SaveChangesAsync();
        }
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var calendar = scope.ServiceProvider.GetRequiredService<KoreanBusinessCalendar>();
            var service = scope.ServiceProvider.GetRequiredService<OrphanService>();
            await service.TerminateAgentAsync("FC0881", left);
            await service.TerminateAgentAsync("FC0882", left);
            await service.AssignAsync(left);
            await service.AssignAsync(calendar.AddBusinessDays(left, 20));
        }
        await using var write = factory.Database.CreateContext();
        var control = await write.OrphanCases.Where(c => c.Wave == OrphanWave.Control).Select(c => c.CustomerId).ToListAsync();
        foreach (var k in await write.Contracts.Where(k => control.Contains(k.CustomerId)).ToListAsync())
        {
            k.Status = ContractStatus.Lapsed;
            k.StatusDate = left.AddMonths(2);
        }
        await write.SaveChangesAsync();
        return new(46 - control.Count, control.Count, "B-BS9");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Analyst_SeesWaveComparisonInWords_ByBranchAndConsultant_SmallSamplesGreyed_InThreeLanguages(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db, Control);
        var s = await SeedAsync(factory);
        using var analyst = await factory.SignedInClientAsync("analyst");

        // Decoded as a reader sees it (the page encodes "+" as &#x2B;).
        var ko = WebUtility.HtmlDecode(await analyst.GetStringAsync("/orphans/retention"));
        var en = WebUtility.HtmlDecode(await analyst.GetStringAsync("/orphans/retention?culture=en-US&ui-culture=en-US"));
        var zh = WebUtility.HtmlDecode(await analyst.GetStringAsync("/orphans/retention?culture=zh-TW&ui-culture=zh-TW"));

        // The immediate wave kept every contract, the control wave none: 100 % vs 0 %, its interval from Newcombe's method.
        // (The family's own earlier leaver adds one immediate case with its contracts, so n is read from the measure.)
        await using var read = db.CreateContext();
        var w = (await new OrphanRetention(read).BuildAsync(null, Today)).Waves[2];
        w.Control.ShouldBe(new Proportion(0, s.Control));
        w.Immediate.Kept.ShouldBe(w.Immediate.Total);
        var c = RetentionMath.Compare(w.Immediate, w.Control)!;
        var ci = string.Create(CultureInfo.InvariantCulture, $"+{c.Ci.Low * 100:0.0} ~ +{c.Ci.High * 100:0.0}");
        ko.ShouldContain($"즉시 배정 100.0 % vs 지연 배정 0.0 %, 차이 +100.0%p (95 % 신뢰구간 {ci})");
        ko.ShouldContain($"(n = {w.Immediate.Total} / {s.Control})");
        ko.ShouldContain("통제군 사용 중");
        ko.ShouldContain("data-testid=\"retention-branches\"");
        ko.ShouldContain("data-code=\"B-BS9\"", customMessage: "the analyst sees every branch");
        ko.ShouldContain("표본 부족", customMessage: "the consultants' and Busan's rows have fewer than 30 contracts");
        // The family's branch holds 40 and more contracts: its cells are not greyed.
        var home = await read.Agents.Where(a => a.Code == "CS0201").Join(read.Branches, a => a.BranchId, b => b.Id, (a, b) => b.Code).SingleAsync();
        var row = ko[ko.IndexOf($"data-code=\"{home}\"", StringComparison.Ordinal)..];
        row = row[..row.IndexOf("</tr>", StringComparison.Ordinal)];
        row.ShouldNotContain("small-sample");
        row.ShouldContain("n=4");
        en.ShouldContain("Assigned at once 100.0 % vs assigned late 0.0 %, difference +100.0%p (95 % confidence interval ");
        en.ShouldContain("sample too small");
        zh.ShouldContain("立即指派 100.0 % vs 延後指派 0.0 %，差異 +100.0%p（95 % 信賴區間 ");
        zh.ShouldContain("樣本不足");
        foreach (var html in new[] { ko, en, zh })
        {
            html.ShouldNotContain("유지고객", customMessage: "aggregates only: no customer names");
        }
    }

    [Fact]
    public async Task Scope_ManagerSeesOwnBranchAndTheCardOnOrphans_CsConsultantAndAgentRefused()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db, Control);
        var s = await SeedAsync(factory);
        using var manager = await factory.SignedInClientAsync("manager");
        using var cs = await factory.SignedInClientAsync("cs");
        using var agent = await factory.SignedInClientAsync("agent");
        using var analyst = await factory.SignedInClientAsync("analyst");

        var page = await manager.GetStringAsync("/orphans/retention");
        var list = await manager.GetStringAsync("/orphans");
        using var csPage = await cs.GetAsync("/orphans/retention");
        using var agentPage = await agent.GetAsync("/orphans/retention");

        page.ShouldNotContain($"data-code=\"{s.BusanBranch}\"", Case.Sensitive, "a branch manager sees their own branch only");
        page.ShouldNotContain("CS0203");
        page.ShouldContain("CS0201");
        list.ShouldContain("data-testid=\"orphans-retention-card\"");
        list.ShouldContain("즉시 배정 100.0 % vs 지연 배정 0.0 %");
        csPage.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        agentPage.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await analyst.GetStringAsync("/")).ShouldContain("href=\"/orphans/retention\"");
        (await agent.GetStringAsync("/")).ShouldNotContain("href=\"/orphans/retention\"");
    }

    [Fact]
    public async Task Browser_Office1366_SummaryOnFirstScreen_Phone360_NoSidewaysScroll()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db, Control);
        var baseUrl = LayoutBrowserTests.Start(factory);
        await SeedAsync(factory);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(DebianChromium.Options);
        var page = await LayoutBrowserTests.SignedInPageAsync(browser, baseUrl, "analyst", 1366, 768);

        await page.GotoAsync(baseUrl + "/orphans/retention", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        var summary = await page.Locator("[data-testid=retention-summary]").BoundingBoxAsync();
        summary.ShouldNotBeNull();
        (summary.Y + summary.Height).ShouldBeLessThanOrEqualTo(768f, "the summary is on the first screen");
        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(1366);

        await page.SetViewportSizeAsync(360, 740);
        await page.ReloadAsync(new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(360, "no sideways scroll on a phone");
        (await page.Locator("[data-testid=retention-consultants]").IsVisibleAsync()).ShouldBeTrue();
    }
}
