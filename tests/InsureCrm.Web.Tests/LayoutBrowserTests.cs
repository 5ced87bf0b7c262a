using InsureCrm.Core.Common;
using InsureCrm.Tests;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace InsureCrm.Web.Tests;

/// <summary>What a person sees at the sizes they use: a 1,366 × 768 office screen and a 360 px phone.</summary>
public sealed class LayoutBrowserTests
{
    private static readonly BrowserTypeLaunchOptions Chromium = DebianChromium.Options;

    [Fact]
    public async Task CustomerPage_Office1366x768_SummaryInTheFirstScreenAndConsentFormsHidden_Phone360_NoSidewaysScroll()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        var baseUrl = Start(factory);
        var family = await CustomerApiTests.SeedAsync(factory);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(Chromium);
        var page = await SignedInPageAsync(browser, baseUrl, "agent", 1366, 768);

        await page.GotoAsync($"{baseUrl}/customers/{family.HongId}", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        var summary = await page.Locator("[data-testid=customer-summary]").BoundingBoxAsync();
        summary.ShouldNotBeNull();
        (summary.Y + summary.Height).ShouldBeLessThanOrEqualTo(768f, "the whole summary is on the first screen");
        (await page.Locator("form[action$='/consents']").First.IsVisibleAsync()).ShouldBeFalse("consent editing is collapsed");
        await page.ClickAsync("[data-testid=consent-edit] > summary");
        (await page.Locator("form[action$='/consents']").First.IsVisibleAsync()).ShouldBeTrue("one click opens it");
        // The section links stay at hand while scrolling (sticky), so a long page is one jump away.
        await page.Mouse.WheelAsync(0, 2500);
        await page.WaitForFunctionAsync("() => window.scrollY > 1000");
        var toc = await page.Locator("nav.toc").BoundingBoxAsync();
        toc.ShouldNotBeNull();
        toc.Y.ShouldBeInRange(-1f, 80f);
        await Shot(page, "customer-1366");

        await page.SetViewportSizeAsync(360, 740);
        await page.ReloadAsync(new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(360, "no sideways scroll on a phone");
        await Shot(page, "customer-360");
        await page.GotoAsync(baseUrl + "/", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(360, "nor on the home page");
    }

    [Fact]
    public async Task UsersPage_Office1366_StatusOnOneLine()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        var baseUrl = Start(factory);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(Chromium);
        var page = await SignedInPageAsync(browser, baseUrl, "admin", 1366, 768);
        await page.GotoAsync(baseUrl + "/admin/users", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        (await page.Locator("h1").InnerTextAsync()).ShouldBe("사용자 관리");

        var statuses = page.Locator("[data-testid=user-status]");
        (await statuses.CountAsync()).ShouldBeGreaterThan(0);
        // An inline element has one box per line it occupies: "활성" on two lines (one character each) gives two.
        var lines = await statuses.EvaluateAllAsync<int[]>("els => els.map(e => e.getClientRects().length)");
        lines.ShouldAllBe(n => n == 1);
        await Shot(page, "admin-users-1366");
    }

    /// <summary>
    /// On a 360 px phone the bar at the top stays short for every role, even those with the longest menus: the menu is
    /// one row that scrolls sideways (each entry still 44 px high to touch), so the page's title is in the first screen.
    /// </summary>
    [Fact]
    public async Task Phone360_EveryRole_MenuOneRowThatScrolls_TitleInTheFirstScreen()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        var baseUrl = Start(factory);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(Chromium);
        foreach (var login in new[] { "agent", "supervisor", "analyst", "admin" })
        {
            var page = await SignedInPageAsync(browser, baseUrl, login, 360, 740);
            await Shot(page, "home-360-" + login);
            var links = page.Locator("nav.mainnav a");
            (await links.CountAsync()).ShouldBeGreaterThan(1, login);
            var tops = await links.EvaluateAllAsync<double[]>("els => els.map(e => e.getBoundingClientRect().top)");
            tops.Distinct().Count().ShouldBe(1, $"{login}: the whole menu on one row");
            var heights = await links.EvaluateAllAsync<double[]>("els => els.map(e => e.getBoundingClientRect().height)");
            heights.ShouldAllBe(h => h >= 44, $"{login}: each entry is a touch target");
            var bar = await page.Locator("header.topbar").BoundingBoxAsync();
            bar.ShouldNotBeNull();
            bar.Height.ShouldBeLessThanOrEqualTo(140f, $"{login}: the bar above the page");
            var title = await page.Locator("main h1").First.BoundingBoxAsync();
            title.ShouldNotBeNull();
            (title.Y + title.Height).ShouldBeLessThanOrEqualTo(300f, $"{login}: the page's title near the top");
            (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(360, $"{login}: no sideways scroll of the page");
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task SearchPage_Phone360_TheQueryItsKindAndTheButtonAllInsideTheCard()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        var baseUrl = Start(factory);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(Chromium);
        var page = await SignedInPageAsync(browser, baseUrl, "agent", 360, 740);
        await page.GotoAsync(baseUrl + "/customers");
        await Shot(page, "search-360");
        var card = await page.Locator("form.searchbar").BoundingBoxAsync();
        card.ShouldNotBeNull();
        foreach (var control in new[] { "#q", "select[name=kind]", "form.searchbar button[type=submit]" })
        {
            var box = await page.Locator(control).BoundingBoxAsync();
            box.ShouldNotBeNull(control);
            (box.X + box.Width).ShouldBeLessThanOrEqualTo(card.X + card.Width + 0.5f, $"{control} ends inside the form");
            (box.X + box.Width).ShouldBeLessThanOrEqualTo(360f, $"{control} ends inside the screen");
        }
    }

    /// <summary>The host on Kestrel at a free port (the browser tests share it); returns its address.</summary>
    internal static string Start(CrmWebFactory factory)
    {
        factory.UseKestrel(0);
        factory.StartServer();
        return factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    /// <summary>A page of the given size signed in through the login form (the browser tests share it).</summary>
    internal static async Task<IPage> SignedInPageAsync(IBrowser browser, string baseUrl, string login, int width, int height)
    {
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        // A hang guard, not a measure: the shared test machine can be slow, and 30 s has run out on it.
        page.SetDefaultTimeout(120_000);
        page.SetDefaultNavigationTimeout(120_000);
        await page.GotoAsync(baseUrl + "/login", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await page.FillAsync("#userName", login);
        await page.FillAsync("#password", "Demo!2026crm");
        await page.ClickAsync("button[type=submit]");
        // Signed in: the URL leaves /login. A refused sign-in ends on /login?failed= or ?locked=, a refused POST stays on
        // /account/login: those end the wait at once, with the address, rather than after the hang guard.
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal) || url.Contains("failed=", StringComparison.Ordinal)
            || url.Contains("locked=", StringComparison.Ordinal) || url.Contains("/account/login", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        page.Url.ShouldNotContain("/login", customMessage: $"signing in as {login} did not leave the login page");
        return page;
    }

    /// <summary>A screenshot for people to look at (not asserted): in the temporary folder, or where INSURECRM_SCREENSHOTS says.</summary>
    private static async Task Shot(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("INSURECRM_SCREENSHOTS") is { Length: > 0 } dir ? dir : Path.GetTempPath();
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "insurecrm-" + name + ".png"), FullPage = true });
    }
}
