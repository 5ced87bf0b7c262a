using InsureCrm.Core.Common;
using InsureCrm.Tests;
using Microsoft.Playwright;

namespace InsureCrm.Web.Tests.Security;

/// <summary>The sessions page on a 360 px phone: the place a person goes when they fear someone else is signed in.</summary>
public sealed class SessionsPageBrowserTests
{
    [Fact]
    public async Task Phone360_EachSessionACard_BrowserNamed_EndButtonOnScreen_EndsTheOtherSession()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        var baseUrl = LayoutBrowserTests.Start(factory);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(DebianChromium.Options);
        // Two sessions of one account: a desk browser, then the phone (each page is a browser context of its own).
        var desk = await LayoutBrowserTests.SignedInPageAsync(browser, baseUrl, "agent", 1366, 768);
        var phone = await LayoutBrowserTests.SignedInPageAsync(browser, baseUrl, "agent", 360, 740);
        await phone.GotoAsync(baseUrl + "/account/sessions");

        (await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(360, "no sideways scroll");
        var browsers = await phone.Locator("[data-testid=session-browser]").AllInnerTextsAsync();
        browsers.Count.ShouldBe(2);
        browsers.ShouldAllBe(b => b.Contains("Chrome") && b.Contains("Linux") && !b.Contains("Mozilla/5.0"), "named, not the raw header");
        var end = phone.Locator("[data-testid=session-end]");
        (await end.CountAsync()).ShouldBe(1, "only the other session can be ended here");
        var box = await end.BoundingBoxAsync();
        box.ShouldNotBeNull();
        (box.X + box.Width).ShouldBeLessThanOrEqualTo(360f, "the button ends inside the screen");
        box.Width.ShouldBeGreaterThan(250f, "as wide as the card, easy to tap");
        box.Height.ShouldBeGreaterThanOrEqualTo(44f, "a touch target");

        await end.ClickAsync();
        await phone.WaitForURLAsync(url => url.Contains("ended=1", StringComparison.Ordinal));
        (await phone.Locator("[data-testid=session-end]").CountAsync()).ShouldBe(0);
        await desk.GotoAsync(baseUrl + "/account/sessions");
        desk.Url.ShouldContain("/login", customMessage: "the ended session is signed out");
    }
}
