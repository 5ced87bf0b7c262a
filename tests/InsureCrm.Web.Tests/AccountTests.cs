using System.Net;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Web.Tests;

public class AccountTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Pages_WithoutLogin_RedirectToLoginAndApisAnswer401(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        using var client = factory.NewClient();

        using var page = await client.GetAsync("/customers?q=x");
        using var api = await client.GetAsync("/api/customers?q=x");
        using var login = await client.GetAsync("/login");
        using var css = await client.GetAsync("/css/site.css");

        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.PathAndQuery.ShouldBe("/login?ReturnUrl=%2Fcustomers%3Fq%3Dx");
        api.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        login.StatusCode.ShouldBe(HttpStatusCode.OK);
        css.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Login_DemoUser_SignsInAndLogoutSignsOut(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        using var client = factory.NewClient();

        using var wrong = await CrmWebFactory.LoginAsync(client, "agent", "wrong-password");
        wrong.Headers.Location!.OriginalString.ShouldStartWith("/login?failed=1");
        using var ok = await CrmWebFactory.LoginAsync(client, "manager", "Demo!2026crm", "/customers");
        ok.Headers.Location!.OriginalString.ShouldBe("/customers");
        var home = await client.GetStringAsync("/");
        home.ShouldContain("Demo branch manager님, 환영합니다.");
        home.ShouldContain("지점장");

        using var logout = await client.PostAsync("/account/logout", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["__RequestVerificationToken"] = CrmWebFactory.Token(home) }));
        logout.Headers.Location!.OriginalString.ShouldBe("/login");
        using var after = await client.GetAsync("/");
        after.StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Login_FormWithoutOptionalReturnUrl_SignsInToTheHomePage()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        using var client = factory.NewClient();
        var token = CrmWebFactory.Token(await client.GetStringAsync("/login"));

        using var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["userName"] = "manager", ["password"] = DemoUsers.Password,
        }));

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldBe("/");
        (await client.GetStringAsync("/")).ShouldContain("지점장");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task DemoUsers_EnsureAgainAfterDataExists_LinksAgentAndManagerWithoutDuplicates(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            (await scope.ServiceProvider.GetRequiredService<DemoUsers>().EnsureAsync()).ShouldBeEmpty();
        }

        await using var read = db.CreateContext();
        var users = await read.Users.AsNoTracking().ToListAsync();
        users.Select(u => u.Role).Order().ShouldBe(Enum.GetValues<Role>());
        users.Single(u => u.UserName == "agent").AgentId.ShouldBe(family.AgentId);
        users.Single(u => u.UserName == "manager").BranchId.ShouldBe(family.BranchId);
        users.ShouldAllBe(u => u.PasswordHash.StartsWith("pbkdf2-sha256$") && PasswordHashing.Verify(DemoUsers.Password, u.PasswordHash));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Login_PostWithoutAntiforgeryToken_IsRejected(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        using var client = factory.NewClient();

        using var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["userName"] = "admin", ["password"] = "Demo!2026crm" }));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Headers.Contains("Set-Cookie").ShouldBeFalse();
    }

    /// <summary>Return URLs a browser would follow off-site: tabs and newlines are dropped by browsers, so "/\t/x" is "//x".</summary>
    public static TheoryData<string> OffSiteReturnUrls => new() { "/\t/evil.example", "/\n/evil.example", "//evil.example", "/\\evil.example", "https://evil.example", "/ok\r\nSet-Cookie: a=b" };

    [Theory, MemberData(nameof(OffSiteReturnUrls))]
    public async Task Culture_ReturnUrlOffSiteOrWithControlCharacters_RedirectsHome(string returnUrl)
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        using var client = factory.NewClient();

        using var response = await client.GetAsync("/culture?culture=en-US&returnUrl=" + Uri.EscapeDataString(returnUrl));

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldBe("/");
        response.Headers.GetValues("Set-Cookie").ShouldContain(c => c.StartsWith(".AspNetCore.Culture=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Login_ReturnUrlWithControlCharacter_SignsInToTheHomePageWithItsCookie()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        using var client = factory.NewClient();

        using var page = await client.GetAsync("/login?ReturnUrl=" + Uri.EscapeDataString("/\t/evil.example"));
        (await page.Content.ReadAsStringAsync()).ShouldContain("name=\"returnUrl\" value=\"/\"");
        using var response = await CrmWebFactory.LoginAsync(client, "manager", DemoUsers.Password, "/\t/evil.example");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldBe("/");
        response.Headers.GetValues("Set-Cookie").ShouldContain(c => c.StartsWith("insurecrm.auth=", StringComparison.Ordinal));
        (await client.GetStringAsync("/")).ShouldContain("지점장");
        await using var read = db.CreateContext();
        (await read.Set<UserSession>().CountAsync()).ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Health_MigratedDatabase_IsLiveAndReady(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        using var client = factory.NewClient();

        (await client.GetStringAsync("/health/live")).ShouldBe("Healthy");
        (await client.GetStringAsync("/health/ready")).ShouldBe("Healthy");
        (await client.GetStringAsync("/openapi/v1.json")).ShouldContain("/api/customers/{id}/contact");
    }

    [Fact]
    public async Task Health_PendingMigration_IsNotReady()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, migrate: false);
        await using var factory = new CrmWebFactory(db, new Dictionary<string, string?>
        {
            ["Database:MigrateOnStartup"] = "false",
            ["Demo:SeedUsers"] = "false",
        });
        using var client = factory.NewClient();

        using var ready = await client.GetAsync("/health/ready");
        using var live = await client.GetAsync("/health/live");

        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        live.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
