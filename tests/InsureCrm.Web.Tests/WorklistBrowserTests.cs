using InsureCrm.Core.Common;
using InsureCrm.Tests;
using Microsoft.Playwright;

namespace InsureCrm.Web.Tests;

/// <summary>The agent's day on a 360 px phone in Debian's Chromium: no sideways scroll, buttons a thumb can hit.</summary>
public sealed class WorklistBrowserTests
{
    [Fact]
    public async Task TodayAndItem_Phone360_NoSidewaysScrollAndTouchTargetsAtLeast44px()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        var baseUrl = LayoutBrowserTests.Start(factory);
        var (_, mine, _) = await WorklistPagesTests.SeedAsync(factory);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(DebianChromium.Options);
        var page = await LayoutBrowserTests.SignedInPageAsync(browser, baseUrl, "agent", 360, 740);

        foreach (var path in new[] { "/", "/today", $"/today/{mine}" })
        {
            await page.GotoAsync(baseUrl + path, new() { WaitUntil = WaitUntilState.DOMContentLoaded });
            (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(360, path + " scrolls sideways");
        }
        (await page.Locator("[data-testid=work-why]").InnerTextAsync()).ShouldContain("3개월 안에 실효될 확률 85%");
        var heights = await page.Locator(".outcomes button, .work-actions .button").EvaluateAllAsync<double[]>("els => els.map(e => e.getBoundingClientRect().height)");
        heights.Length.ShouldBeGreaterThan(5);
        heights.ShouldAllBe(h => h >= 44);
        await page.GotoAsync(baseUrl + "/today", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        var cards = await page.Locator("[data-testid=work-item] .work-actions .button").EvaluateAllAsync<double[]>("els => els.map(e => e.getBoundingClientRect().height)");
        cards.ShouldAllBe(h => h >= 44);
        (await page.Locator("[data-testid=work-item]").CountAsync()).ShouldBe(2);
    }
}
