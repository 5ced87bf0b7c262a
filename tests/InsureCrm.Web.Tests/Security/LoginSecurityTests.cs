using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Tests;
using InsureCrm.Web.Shell;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Web.Tests.Security;

public class LoginSecurityTests
{
    private static readonly Dictionary<string, string?> ManyLogins = new() { ["Security:Login:PermitsPerMinute"] = "100" };

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Login_FiveWrongPasswords_LocksAccountUntilWindowPasses(DatabaseProvider provider)
    {
        await using var host = await SecurityHost.StartAsync(provider, ManyLogins);
        using var client = host.NewClient();

        var answers = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await CrmWebFactory.LoginAsync(client, "agent", "wrong-password");
            answers.Add(wrong.Headers.Location!.OriginalString);
        }
        var lockedAt = host.Clock.GetUtcNow();
        using var right = await CrmWebFactory.LoginAsync(client, "agent", DemoUsers.Password);
        var lockedPage = await client.GetStringAsync(right.Headers.Location!.OriginalString);

        answers.Take(4).ShouldAllBe(a => a.StartsWith("/login?failed=1", StringComparison.Ordinal));
        answers[4].ShouldStartWith("/login?locked=");
        right.Headers.Location!.OriginalString.ShouldStartWith("/login?locked=");
        lockedPage.ShouldContain("계정이 잠겼습니다");
        lockedPage.ShouldContain(Fmt.Time(lockedAt.AddMinutes(15).UtcDateTime));
        (await SecurityHost.IsSignedInAsync(client)).ShouldBeFalse();

        host.Clock.Advance(TimeSpan.FromMinutes(14));
        using var stillLocked = await CrmWebFactory.LoginAsync(client, "agent", DemoUsers.Password);
        stillLocked.Headers.Location!.OriginalString.ShouldStartWith("/login?locked=");

        host.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        using var after = await CrmWebFactory.LoginAsync(client, "agent", DemoUsers.Password);
        after.Headers.Location!.OriginalString.ShouldBe("/");
        (await SecurityHost.IsSignedInAsync(client)).ShouldBeTrue();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Login_UnknownUserAndWrongPassword_AnswerAlike(DatabaseProvider provider)
    {
        await using var host = await SecurityHost.StartAsync(provider, ManyLogins);
        using var client = host.NewClient();

        using var unknown = await CrmWebFactory.LoginAsync(client, "nobody-here", "Whatever!2026");
        using var wrong = await CrmWebFactory.LoginAsync(client, "analyst", "Whatever!2026");
        var unknownPage = await client.GetStringAsync(unknown.Headers.Location!.OriginalString);
        var wrongPage = await client.GetStringAsync(wrong.Headers.Location!.OriginalString);

        unknown.Headers.Location!.OriginalString.ShouldBe(wrong.Headers.Location!.OriginalString);
        unknownPage.ShouldContain("사용자 이름 또는 비밀번호가 올바르지 않습니다.");
        Strip(unknownPage).ShouldBe(Strip(wrongPage));
    }

    [Fact]
    public async Task Login_MoreThanTenAttemptsInAMinute_Answers429InTheUsersLanguage()
    {
        await using var host = await SecurityHost.StartAsync(DatabaseProvider.Sqlite);
        using var client = host.NewClient();
        var token = CrmWebFactory.Token(await client.GetStringAsync("/login"));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 11; i++)
        {
            using var response = await client.PostAsync("/account/login", Form(token, "analyst", "wrong-password"));
            statuses.Add(response.StatusCode);
        }
        using var json = await client.PostAsync("/account/login", Form(token, "analyst", DemoUsers.Password));
        using var html = new HttpRequestMessage(HttpMethod.Post, "/account/login?culture=en-US") { Content = Form(token, "analyst", DemoUsers.Password) };
        html.Headers.Accept.ParseAdd("text/html");
        using var page = await client.SendAsync(html);

        statuses.Take(10).ShouldAllBe(s => s == HttpStatusCode.Redirect);
        statuses[10].ShouldBe(HttpStatusCode.TooManyRequests);
        json.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        json.Headers.RetryAfter.ShouldNotBeNull();
        var problem = await json.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("title").GetString().ShouldBe("로그인 시도가 너무 많습니다");
        page.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await page.Content.ReadAsStringAsync()).ShouldContain("Too many sign-in attempts");
        json.Headers.Contains("Set-Cookie").ShouldBeFalse();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Login_OlderPbkdf2Hash_StillSignsInAndIsRehashed(DatabaseProvider provider)
    {
        await using var host = await SecurityHost.StartAsync(provider);
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(DemoUsers.Password), salt, 10_000, HashAlgorithmName.SHA256, 32);
        var old = $"pbkdf2-sha256$10000${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
        await using (var ctx = host.Database.CreateContext())
        {
            await ctx.Users.Where(u => u.UserName == "marketer").ExecuteUpdateAsync(s => s.SetProperty(u => u.PasswordHash, old));
        }

        using var client = await host.SignInAsync("marketer");

        var stored = await host.WithDbAsync(ctx => ctx.Users.AsNoTracking().Where(u => u.UserName == "marketer").Select(u => u.PasswordHash).SingleAsync());
        stored.ShouldStartWith($"pbkdf2-sha256${PasswordHashing.Iterations}$");
        PasswordHashing.Verify(DemoUsers.Password, stored).ShouldBeTrue();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ChangePassword_WeakThenStrong_ShowsBrokenRulesThenEndsOtherSessions(DatabaseProvider provider)
    {
        await using var host = await SecurityHost.StartAsync(provider);
        using var client = await host.SignInAsync("voc");
        using var other = await host.SignInAsync("voc");

        var form = await client.GetStringAsync("/account/password?culture=en-US");
        using var weak = await client.PostAsync("/account/password", Fields(CrmWebFactory.Token(form),
            ("currentPassword", DemoUsers.Password), ("newPassword", "voc"), ("confirmPassword", "voc")));
        var weakPage = await client.GetStringAsync(weak.Headers.Location!.OriginalString + "&culture=en-US");
        using var strong = await client.PostAsync("/account/password", Fields(CrmWebFactory.Token(form),
            ("currentPassword", DemoUsers.Password), ("newPassword", "Harbour#Lights42"), ("confirmPassword", "Harbour#Lights42")));

        weakPage.ShouldContain("At least 10 characters.");
        weakPage.ShouldContain("Include a digit.");
        weakPage.ShouldContain("Must not be the user name.");
        strong.Headers.Location!.OriginalString.ShouldBe("/account/password?changed=1");
        (await SecurityHost.IsSignedInAsync(client)).ShouldBeTrue();
        (await SecurityHost.IsSignedInAsync(other)).ShouldBeFalse();
        using var fresh = host.NewClient();
        using var oldPassword = await CrmWebFactory.LoginAsync(fresh, "voc", DemoUsers.Password);
        oldPassword.Headers.Location!.OriginalString.ShouldStartWith("/login?failed=1");
        using var newPassword = await CrmWebFactory.LoginAsync(fresh, "voc", "Harbour#Lights42");
        newPassword.Headers.Location!.OriginalString.ShouldBe("/");
    }

    internal static FormUrlEncodedContent Form(string token, string userName, string password) =>
        Fields(token, ("userName", userName), ("password", password), ("returnUrl", "/"));

    internal static FormUrlEncodedContent Fields(string token, params (string Name, string Value)[] fields) =>
        new([new("__RequestVerificationToken", token), .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]);

    // The antiforgery token differs per response; everything else a person sees must not.
    private static string Strip(string html) =>
        System.Text.RegularExpressions.Regex.Replace(html, "name=\"__RequestVerificationToken\" value=\"[^\"]+\"", "");
}
