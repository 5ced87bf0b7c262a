using InsureCrm.Core.Common;
using InsureCrm.Tests;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace InsureCrm.Web.Tests;

public class BrowserTests
{
    private static readonly BrowserTypeLaunchOptions Chromium = DebianChromium.Options;

    [Fact]
    public async Task Agent_LogsInSearchesByHangulNameAndOpensTheCustomer_SeesContractAndMaskedRrn()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        factory.UseKestrel(0);
        factory.StartServer();
        var family = await CustomerApiTests.SeedAsync(factory);
        var baseUrl = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(Chromium);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1366, Height = 900 } });

        await page.GotoAsync(baseUrl + "/customers");
        await page.WaitForURLAsync("**/login**");
        await page.FillAsync("#userName", "agent");
        await page.FillAsync("#password", "Demo!2026crm");
        await page.ClickAsync("button[type=submit]");
        // The search box exists only on the search page, which login leads to. Waiting for it rather than for a load
        // state after the login's redirect: WaitForURL's load-state wait timed out once on a busy machine although
        // the page was there (network idle).
        await page.Locator("#q").WaitForAsync();
        new Uri(page.Url).AbsolutePath.ShouldBe("/customers");

        await page.FillAsync("#q", "홍길");
        await page.PressAsync("#q", "Enter");
        var result = page.Locator("#results a", new() { HasTextString = "홍길동" });
        await result.WaitForAsync();
        (await page.Locator("#results").InnerTextAsync()).ShouldContain("010-****-5678");
        await result.ClickAsync();
        // Wait for the URL to commit, then for the customer's page itself: waiting for a load state ('load', then even
        // 'DOMContentLoaded') after a fast navigation has timed out in Playwright although the page was there (network
        // idle) when the machine was busy.
        await page.WaitForURLAsync($"**/customers/{family.HongId}", new() { WaitUntil = WaitUntilState.Commit });
        await page.Locator("main", new() { HasTextString = family.HeldContract }).WaitForAsync();

        var body = await page.Locator("main").InnerTextAsync();
        body.ShouldContain(family.HeldContract);
        body.ShouldContain(family.HongRrnMasked);
        body.ShouldContain("계약자");
        body.ShouldNotContain(family.HongRrn);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "insurecrm-customer-view.png"), FullPage = true });
    }
}
