using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace InsureCrm.Web.Tests;

/// <summary>The call center's pages on a 360 px phone in Debian's Chromium: no sideways scroll, buttons a thumb can hit.</summary>
public sealed class CallCenterBrowserTests
{
    [Fact]
    public async Task QueueCallLiveAndEscalations_Phone360_NoSidewaysScroll()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        var baseUrl = LayoutBrowserTests.Start(factory);
        var s = await CallCenterPagesTests.SeedAsync(factory);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(DebianChromium.Options);
        var cc = await LayoutBrowserTests.SignedInPageAsync(browser, baseUrl, "callcenter", 360, 740);
        foreach (var path in new[] { "/", "/calls", $"/calls/{s.Happy}" })
        {
            await cc.GotoAsync(baseUrl + path, new() { WaitUntil = WaitUntilState.DOMContentLoaded });
            (await cc.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(360, path + " scrolls sideways");
        }
        var heights = await cc.Locator(".call-form .choice, .call-form button").EvaluateAllAsync<double[]>("els => els.map(e => e.getBoundingClientRect().height)");
        heights.Length.ShouldBeGreaterThan(10);
        heights.ShouldAllBe(h => h >= 44);

        long consultant;
        await using (var ctx = db.CreateContext())
        {
            consultant = await ctx.Users.Where(u => u.UserName == "callcenter").Select(u => u.Id).SingleAsync();
        }
        var supervisor = await LayoutBrowserTests.SignedInPageAsync(browser, baseUrl, "supervisor", 360, 740);
        foreach (var path in new[] { "/", "/calls/live", "/calls/escalations", $"/calls/reassign/{consultant}" })
        {
            await supervisor.GotoAsync(baseUrl + path, new() { WaitUntil = WaitUntilState.DOMContentLoaded });
            (await supervisor.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(360, path + " scrolls sideways");
        }
        // The reassignment's single calls, unfolded: still no sideways scroll, and each box a thumb can hit.
        await supervisor.Locator("[data-testid=move-items] summary").ClickAsync();
        (await supervisor.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(360, "the unfolded call list scrolls sideways");
        var rows = await supervisor.Locator(".move-pick tbody tr").EvaluateAllAsync<double[]>("els => els.map(e => e.getBoundingClientRect().height)");
        rows.Length.ShouldBe(2);
        rows.ShouldAllBe(h => h >= 40);

        // English and Chinese headings are longer than Korean ones: the live view's queues and consultants are cards on a phone.
        foreach (var culture in new[] { "en-US", "zh-TW" })
        {
            await supervisor.GotoAsync($"{baseUrl}/calls/live?culture={culture}&ui-culture={culture}", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
            (await supervisor.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(360, "/calls/live in " + culture + " scrolls sideways");
        }
    }
}
