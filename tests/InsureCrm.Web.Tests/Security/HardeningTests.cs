using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Web.Tests.Security;

public partial class HardeningTests
{
    [Fact]
    public async Task Responses_PageApiAndStaticFile_CarrySecurityHeaders()
    {
        await using var host = await SecurityHost.StartAsync(DatabaseProvider.Sqlite);
        using var client = await host.SignInAsync("admin");

        using var page = await client.GetAsync("/");
        using var api = await client.GetAsync("/api/account/sessions");
        using var css = await client.GetAsync("/css/site.css");
        using var anonymous = host.NewClient();
        using var denied = await anonymous.GetAsync("/api/admin/users");

        foreach (var response in new[] { page, api, css, denied })
        {
            var csp = Header(response, "Content-Security-Policy");
            csp.ShouldContain("default-src 'self'");
            csp.ShouldContain("script-src 'self';");
            csp.ShouldContain("frame-ancestors 'none'");
            csp.ShouldNotContain("unsafe-inline");
            csp.ShouldNotContain("unsafe-eval");
            Header(response, "X-Content-Type-Options").ShouldBe("nosniff");
            Header(response, "X-Frame-Options").ShouldBe("DENY");
            Header(response, "Referrer-Policy").ShouldBe("no-referrer");
            Header(response, "Permissions-Policy").ShouldContain("camera=()");
            response.Headers.Contains("Strict-Transport-Security").ShouldBeFalse("plain HTTP gets no HSTS");
        }
        page.Headers.CacheControl!.NoStore.ShouldBeTrue();
        api.Headers.CacheControl!.NoStore.ShouldBeTrue();
    }

    [Fact]
    public async Task Https_LoginCookieIsSecureStrictHttpOnly_AndHstsIsSent()
    {
        await using var host = await SecurityHost.StartAsync(DatabaseProvider.Sqlite);
        using var client = host.NewClient("https://crm.example.test");
        var form = await client.GetAsync("/login");
        var token = CrmWebFactory.Token(await form.Content.ReadAsStringAsync());

        using var login = await client.PostAsync("/account/login", LoginSecurityTests.Form(token, "admin", DemoUsers.Password));

        Header(form, "Strict-Transport-Security").ShouldContain("max-age=31536000");
        var auth = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("insurecrm.auth=", StringComparison.Ordinal)).ToLowerInvariant();
        auth.ShouldContain("httponly");
        auth.ShouldContain("samesite=strict");
        auth.ShouldContain("secure");
        auth.ShouldNotContain("expires=");
        var csrf = form.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("insurecrm.csrf=", StringComparison.Ordinal)).ToLowerInvariant();
        csrf.ShouldContain("httponly");
        csrf.ShouldContain("secure");
        csrf.ShouldContain("samesite=strict");
    }

    [Fact]
    public async Task Pages_HaveNoInlineScriptStyleOrEventHandlers()
    {
        await using var host = await SecurityHost.StartAsync(DatabaseProvider.Sqlite);
        using var anonymous = host.NewClient();
        using var admin = await host.SignInAsync("admin");
        using var agent = await host.SignInAsync("agent");

        var pages = new List<string>
        {
            await anonymous.GetStringAsync("/login"),
            await admin.GetStringAsync("/"),
            await admin.GetStringAsync("/admin/users"),
            await admin.GetStringAsync("/account/sessions"),
            await admin.GetStringAsync("/account/password"),
            await agent.GetStringAsync("/customers?q=김"),
        };

        foreach (var html in pages)
        {
            InlineScript().IsMatch(html).ShouldBeFalse(html[..Math.Min(200, html.Length)]);
            EventHandler().IsMatch(html).ShouldBeFalse();
            html.ShouldNotContain(" style=");
            html.ShouldNotContain("<style");
            html.ShouldContain("\"includeIndicatorStyles\":false");
        }
    }

    [Theory, MemberData(nameof(InsureCrm.Tests.Providers.All), MemberType = typeof(InsureCrm.Tests.Providers))]
    public async Task Posts_WithoutAntiforgeryToken_AreRejectedAndChangeNothing(DatabaseProvider provider)
    {
        await using var host = await SecurityHost.StartAsync(provider);
        using var admin = await host.SignInAsync("admin");
        admin.DefaultRequestHeaders.Remove("RequestVerificationToken");

        // Endpoints that bind no form field: before the central check, a bare cookie-authenticated post went through.
        using var deactivate = await admin.PostAsync("/api/admin/users/cs/deactivate", null);
        using var approve = await admin.PostAsync("/models/lapse/1/approve", new FormUrlEncodedContent([]));
        using var logout = await admin.PostAsync("/account/logout", new FormUrlEncodedContent([]));
        using var role = await admin.PostAsync("/admin/users/role", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["userName"] = "analyst", ["role"] = "Admin" }));
        using var end = await admin.PostAsync("/account/sessions/end", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["sessionId"] = "x" }));
        using var password = await admin.PostAsync("/account/password", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["currentPassword"] = DemoUsers.Password, ["newPassword"] = "Harbour#Lights42", ["confirmPassword"] = "Harbour#Lights42" }));

        deactivate.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        approve.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        logout.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        role.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        end.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        password.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await SecurityHost.IsSignedInAsync(admin)).ShouldBeTrue();
        var analyst = await host.WithDbAsync(ctx => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(ctx.Users, u => u.UserName == "analyst"));
        analyst.Role.ShouldBe(Role.Analyst);
        var cs = await host.WithDbAsync(ctx => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(ctx.Users, u => u.UserName == "cs"));
        cs.IsActive.ShouldBeTrue();
    }

    [Fact]
    public async Task SecureOnlyCookies_PlainHttpRequest_GetsAPageSayingWhatToSet_NotAnError()
    {
        await using var db = await InsureCrm.Tests.TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db, new Dictionary<string, string?> { ["Security:Web:SecureCookies"] = "Always" });
        using var http = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("http://localhost") });
        using var https = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });

        using var page = new HttpRequestMessage(HttpMethod.Get, "/login?culture=en-US");
        page.Headers.Accept.ParseAdd("text/html");
        using var plain = await http.SendAsync(page);
        using var api = await http.GetAsync("/api/customers?q=x");
        using var health = await http.GetAsync("/health/live");
        using var secure = await https.GetAsync("/login");

        var body = await plain.Content.ReadAsStringAsync();
        plain.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        body.ShouldContain("HTTPS required");
        body.ShouldContain("Security__Web__SecureCookies=SameAsRequest");
        api.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        api.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        health.StatusCode.ShouldBe(HttpStatusCode.OK);
        secure.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await secure.Content.ReadAsStringAsync()).ShouldContain("__RequestVerificationToken");
    }

    [Fact]
    public async Task UnhandledError_AnswersProblemDetailsWithoutInternals()
    {
        await using var db = await InsureCrm.Tests.TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        await using var host = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IStartupFilter, ThrowingTail>()));
        using var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var login = await CrmWebFactory.LoginAsync(client, "analyst", DemoUsers.Password);

        using var response = await client.GetAsync("/api/boom");
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        JsonDocument.Parse(body).RootElement.GetProperty("title").GetString().ShouldBe("An unexpected error occurred.");
        body.ShouldNotContain("SELECT");
        body.ShouldNotContain("InvalidOperationException");
        body.ShouldNotContain(" at ");
        Header(response, "X-Content-Type-Options").ShouldBe("nosniff");
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : throw new ShouldAssertException($"No {name} header.");

    /// <summary>Inline script: a script element without src.</summary>
    [GeneratedRegex("<script(?![^>]*\\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex("\\son[a-z]+\\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandler();

    /// <summary>A request no endpoint answers fails with a message that quotes SQL, as a data-layer error might.</summary>
    private sealed class ThrowingTail : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Run(ctx => ctx.Request.Path == "/api/boom"
                ? throw new InvalidOperationException("SELECT rrn_cipher FROM customer WHERE id = 1 failed")
                : Task.CompletedTask);
        };
    }
}
