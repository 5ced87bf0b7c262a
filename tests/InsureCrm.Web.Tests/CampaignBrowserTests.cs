using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Common;
using InsureCrm.Tests;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace InsureCrm.Web.Tests;

/// <summary>The campaign pages a marketer works in, in Debian's Chromium, at a 1,366 × 768 office screen and a 360 px phone.</summary>
public sealed class CampaignBrowserTests
{
    private static readonly DateTime Now = new(2026, 11, 2, 1, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task DashboardRecordAndOffers_Office1366AndPhone360_ChartDrawnSimulationShownAndNoSidewaysScroll()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var dashboard = new CampaignPagesTests.FixedDashboard();
        await using var factory = new CrmWebFactory(db, configure: b => b.ConfigureTestServices(s =>
        {
            s.AddSingleton<ICampaignDashboard>(dashboard);
            s.AddSingleton<ICampaignSimulation>(new CampaignPagesTests.FixedSimulation());
        }));
        var baseUrl = LayoutBrowserTests.Start(factory);
        var running = await CampaignPagesTests.InsertCampaignAsync(db, "admin", CampaignState.Running, "C-2026-091", "건강보장 공백 고객 이메일·설계사 방문 캠페인",
            "건강보험이 없는 30~59세 저축 보유 고객은 보장 공백 안내 이메일과 설계사 방문에 반응한다");
        dashboard.CampaignId = running;
        var pilot = await CampaignPagesTests.InsertCampaignAsync(db, "marketer", CampaignState.Closed, "C-2026-092", "건강 공백 파일럿",
            "건강보험 없는 30~50대는 이메일에 반응한다", lessons: "이메일만으로는 약했고 설계사 방문이 효과적이었다");
        const string rule = """{"all":[{"field":"age","op":"between","values":[30,59]},{"field":"gap.family","op":"in","values":["Health","CriticalIllness","Cancer"]},{"field":"contracts.activeCount","op":"gte","values":[1]}]}""";
        await CampaignPagesTests.UseRuleAsync(db, running, rule);
        await CampaignPagesTests.UseRuleAsync(db, pilot, rule);
        await SeedAsync(db, running);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(DebianChromium.Options);
        var page = await LayoutBrowserTests.SignedInPageAsync(browser, baseUrl, "marketer", 1366, 768);

        // The record: the highlights on the first screen; the simulation answers in place.
        await GoAsync(page, $"{baseUrl}/campaigns/{running}");
        var highlights = await page.Locator("[data-testid=campaign-highlights]").BoundingBoxAsync();
        highlights.ShouldNotBeNull();
        (highlights.Y + highlights.Height).ShouldBeLessThanOrEqualTo(768f, "the highlights fit the first screen");
        await page.ClickAsync("#simulate button[type=submit]");
        await page.Locator("[data-testid=simulation-profit]").WaitForAsync();
        (await page.Locator("[data-testid=simulation-profit]").InnerTextAsync()).ShouldBe("3,600,000원");
        (await page.Locator("[data-testid=flag-over-budget]").IsVisibleAsync()).ShouldBeTrue("the over-budget flag is shown");
        await ShouldFitAsync(page, 1366, "campaign-record-1366");

        // The dashboard: the summary on the first screen and the chart drawn from its data.
        await GoAsync(page, $"{baseUrl}/campaigns/{running}/dashboard");
        var summary = await page.Locator("[data-testid=dashboard-summary]").BoundingBoxAsync();
        summary.ShouldNotBeNull();
        (summary.Y + summary.Height).ShouldBeLessThanOrEqualTo(768f, "the summary is on the first screen");
        await page.Locator("canvas[data-chart-drawn='1']").WaitForAsync();
        var chart = await page.Locator("[data-testid=dashboard-chart]").BoundingBoxAsync();
        chart.ShouldNotBeNull();
        chart.Height.ShouldBeGreaterThan(100f, "the chart is drawn, not an empty box");
        var card = await page.Locator("[data-testid=dashboard-chart-card]").BoundingBoxAsync();
        card.ShouldNotBeNull();
        chart.Width.ShouldBeGreaterThan(card.Width * 0.85f, "the chart spans its card, not a thumbnail in a corner");
        await ShouldFitAsync(page, 1366, "campaign-dashboard-1366");

        // The closed pilot's roll-out form, opened.
        await GoAsync(page, $"{baseUrl}/campaigns/{pilot}#rollout");
        await page.ClickAsync("[data-testid=campaign-rollout] details > summary");
        (await page.Locator("[data-testid=rollout-form] textarea").InputValueAsync()).ShouldBe(rule);
        await ShouldFitAsync(page, 1366, "campaign-rollout-1366");

        await GoAsync(page, $"{baseUrl}/campaigns/offers");
        (await page.Locator("[data-testid=offer-row]").CountAsync()).ShouldBe(3);
        await ShouldFitAsync(page, 1366, "campaign-offers-1366");

        // A phone: one column, nothing wider than the screen.
        await page.SetViewportSizeAsync(360, 740);
        foreach (var (path, name) in new[]
        {
            ($"/campaigns/{running}", "campaign-record-360"), ($"/campaigns/{running}/dashboard", "campaign-dashboard-360"),
            ($"/campaigns/{running}/dashboard?period=Week", "campaign-dashboard-week-360"), ($"/campaigns/{pilot}", "campaign-rollout-360"),
            ("/campaigns/offers", "campaign-offers-360"),
        })
        {
            await GoAsync(page, baseUrl + path);
            if (name == "campaign-rollout-360")
            {
                await page.ClickAsync("[data-testid=campaign-rollout] details > summary");
            }
            await ShouldFitAsync(page, 360, name);
        }
    }

    /// <summary>A running campaign's plan as the record shows it: three channels (one DM), a script, a split, an attribution, history; and the offer catalogue.</summary>
    private static async Task SeedAsync(TestDatabase db, long campaignId)
    {
        await using var ctx = db.Database.CreateContext();
        var offers = new[]
        {
            new Offer { Code = "GIFT-COFFEE", Name = "커피 쿠폰 (상담 완료 고객 전원, 모바일 교환권)", Cost = 4_500m, CostBasis = CostBasis.PerResponse, Currency = "KRW" },
            new Offer { Code = "FREE-CHECKUP", Name = "무료 보장 점검", Cost = 0m, CostBasis = CostBasis.PerContact, Currency = "KRW" },
            new Offer { Code = "TW-TEA", Name = "茶葉禮盒", Cost = 300m, CostBasis = CostBasis.PerResponse, Currency = "TWD", Active = false },
        };
        ctx.Offers.AddRange(offers);
        await ctx.SaveChangesAsync();
        ctx.CampaignChannels.AddRange(
            new CampaignChannel { CampaignId = campaignId, Channel = CampaignChannelKind.Email, Rank = 1, OfferId = offers[0].Id, UnitCost = 12.5m },
            new CampaignChannel { CampaignId = campaignId, Channel = CampaignChannelKind.Agent, Rank = 2, OfferId = offers[1].Id, UnitCost = 8_000m },
            new CampaignChannel { CampaignId = campaignId, Channel = CampaignChannelKind.Dm, Rank = 3, UnitCost = 700m });
        ctx.CampaignScripts.Add(new CampaignScript
        {
            CampaignId = campaignId, Channel = CampaignChannelKind.Email, Language = ScriptLanguage.Korean, Version = 1, Subject = "(광고) 가족을 위한 건강 보장, 지금 점검해 보세요",
            Body = "{{name}}님, 보유하신 저축보험 외에 건강 보장이 비어 있습니다. 담당 {{agent_name}} 설계사가 무료로 점검해 드립니다. 수신 거부: {{unsubscribe_url}}",
            CreatedBy = "admin", CreatedAt = Now,
        });
        ctx.CampaignSplits.Add(new CampaignSplit
        {
            CampaignId = campaignId, AsOf = new DateOnly(2026, 10, 31), Seed = 42, ControlShare = 0.2m, Candidates = 12_500, Test = 9_600, Control = 2_400,
            ExcludedHoldout = 310, ExcludedOverlap = 120, ExcludedCap = 50, ExcludedNoChannel = 20, CreatedAt = Now, CreatedBy = "admin",
        });
        ctx.CampaignAttributions.Add(new CampaignAttribution { CampaignId = campaignId, AsOf = new DateOnly(2026, 11, 1), RanAt = Now, Responses = 700, RespondersTest = 576, RespondersControl = 96 });
        ctx.CampaignEvents.AddRange(
            new CampaignEvent { CampaignId = campaignId, At = Now.AddDays(-3), UserName = "admin", Kind = CampaignEventKind.Created, Detail = """{"rule":1}""" },
            new CampaignEvent { CampaignId = campaignId, At = Now.AddDays(-2), UserName = "marketer", Kind = CampaignEventKind.Approved, Detail = "{}" },
            new CampaignEvent { CampaignId = campaignId, At = Now.AddDays(-1), UserName = "admin", Kind = CampaignEventKind.Started, Detail = """{"released":9600,"channels":["Email","Agent","Dm"]}""" });
        await ctx.SaveChangesAsync();
    }

    private static async Task GoAsync(IPage page, string url) =>
        await page.GotoAsync(url, new() { WaitUntil = WaitUntilState.Load });

    /// <summary>No sideways scroll at this width, and a full-page screenshot for people to look at.</summary>
    private static async Task ShouldFitAsync(IPage page, int width, string name)
    {
        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        await Shot(page, name);
        scrollWidth.ShouldBeLessThanOrEqualTo(width, $"{name}: no sideways scroll");
    }

    /// <summary>A screenshot (not asserted): in the temporary folder, or where INSURECRM_SCREENSHOTS says.</summary>
    private static async Task Shot(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("INSURECRM_SCREENSHOTS") is { Length: > 0 } dir ? dir : Path.Combine(Path.GetTempPath(), "insurecrm-campaign-shots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "insurecrm-" + name + ".png"), FullPage = true });
    }
}
