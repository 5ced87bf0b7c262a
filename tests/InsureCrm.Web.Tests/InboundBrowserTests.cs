using InsureCrm.Core.Common;
using InsureCrm.Tests;
using Microsoft.Playwright;

namespace InsureCrm.Web.Tests;

/// <summary>The inbound console on a 360 px screen in Debian's Chromium: no sideways scroll, the caller-number field focused, Enter searches.</summary>
public sealed class InboundBrowserTests
{
    [Fact]
    public async Task Console_Phone360_NoSidewaysScroll_NumberFieldFocused_EnterSearches()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        var baseUrl = LayoutBrowserTests.Start(factory);
        var family = await CustomerApiTests.SeedAsync(factory);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(DebianChromium.Options);
        var page = await LayoutBrowserTests.SignedInPageAsync(browser, baseUrl, "callcenter", 360, 740);

        await page.GotoAsync(baseUrl + "/calls/inbound", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        (await page.EvaluateAsync<string>("() => document.activeElement && document.activeElement.id")).ShouldBe("inbound-q");
        await page.Keyboard.TypeAsync("010 1234 5678");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("[data-testid=inbound-reason]");
        await page.Locator("[data-testid=inbound-reason] button[type=submit]").ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=inbound-summary]");

        foreach (var path in new[] { page.Url[baseUrl.Length..], "/calls/inbound", "/calls/callbacks", "/" })
        {
            await page.GotoAsync(baseUrl + path, new() { WaitUntil = WaitUntilState.DOMContentLoaded });
            (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(360, path + " scrolls sideways");
        }
        await page.GotoAsync(baseUrl + $"/calls/inbound?id={family.HongId}&reason=inquiry", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        var heights = await page.Locator(".inbound-form button").EvaluateAllAsync<double[]>("els => els.map(e => e.getBoundingClientRect().height)");
        heights.Length.ShouldBe(3);
        heights.ShouldAllBe(h => h >= 44);
    }
}
