using System.Net;
using System.Text.Json;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Tests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Web.Tests;

/// <summary>Error statuses: a page in the user's language for a browser, ProblemDetails for /api.</summary>
public sealed class ErrorPageTests
{
    [Theory]
    [InlineData("ko-KR", "이 화면을 볼 권한이 없습니다", "페이지를 찾을 수 없습니다", "홈으로")]
    [InlineData("en-US", "You may not open this page", "Page not found", "Go to the home page")]
    [InlineData("zh-TW", "您沒有檢視此頁面的權限", "找不到頁面", "回首頁")]
    public async Task BrowserRequest_ForbiddenAndUnknownPage_AnswerAnHtmlPageInTheUsersLanguage(string culture, string forbiddenTitle, string notFoundTitle, string home)
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        using var agent = await factory.SignedInClientAsync("agent");
        using var switched = await agent.GetAsync($"/culture?culture={culture}&returnUrl=/");

        // An agent has no analytics: 403 from the authorization policy, with no page of its own.
        using var forbidden = await agent.SendAsync(BrowserGet("/analytics/value"));
        using var unknown = await agent.SendAsync(BrowserGet("/no/such/page"));
        // A page that exists but answers 404 itself (a customer id outside the scope or unknown).
        using var unknownCustomer = await agent.SendAsync(BrowserGet("/customers/999999999"));
        var forbiddenHtml = await forbidden.Content.ReadAsStringAsync();
        var unknownHtml = await unknown.Content.ReadAsStringAsync();

        forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        forbidden.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        forbiddenHtml.ShouldContain($"<html lang=\"{culture}\"");
        forbiddenHtml.ShouldContain(forbiddenTitle);
        forbiddenHtml.ShouldContain(home);
        forbiddenHtml.ShouldNotContain("\"status\"");
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        unknown.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        unknownHtml.ShouldContain(notFoundTitle);
        unknownHtml.ShouldContain("href=\"/customers\"", Case.Sensitive, "the agent's navigation, to go on from there");
        unknownCustomer.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        unknownCustomer.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        (await unknownCustomer.Content.ReadAsStringAsync()).ShouldContain(notFoundTitle);
        if (culture == "ko-KR")
        {
            VisibleText.EnglishWords(forbiddenHtml, "agent").ShouldBeEmpty();
            VisibleText.EnglishWords(unknownHtml, "agent").ShouldBeEmpty();
        }
    }

    [Fact]
    public async Task ApiRequest_ForbiddenAndUnknown_KeepProblemDetailsEvenWhenHtmlIsAccepted()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        using var agent = await factory.SignedInClientAsync("agent");

        using var forbidden = await agent.SendAsync(BrowserGet("/api/admin/users"));
        using var unknown = await agent.SendAsync(BrowserGet("/api/no/such/thing"));
        using var fragment = await agent.SendAsync(BrowserGet("/analytics/value", htmx: true));

        forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        forbidden.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        JsonDocument.Parse(await forbidden.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetInt32().ShouldBe(403);
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        unknown.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        fragment.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        fragment.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task BrowserRequest_UnhandledError_AnswersTheKoreanErrorPageWithoutInternals()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        await using var host = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IStartupFilter, ThrowingPage>()));
        using var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var login = await CrmWebFactory.LoginAsync(client, "analyst", DemoUsers.Password);

        using var response = await client.SendAsync(BrowserGet("/boom"));
        var html = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        html.ShouldContain("처리 중 문제가 생겼습니다");
        html.ShouldContain("추적 번호");
        html.ShouldNotContain("SELECT");
        html.ShouldNotContain("InvalidOperationException");
    }

    /// <summary>A page path whose handler fails with a message that must never reach the browser.</summary>
    private sealed class ThrowingPage : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Run(ctx => ctx.Request.Path == "/boom"
                ? throw new InvalidOperationException("SELECT rrn_cipher FROM customer WHERE id = 1 failed")
                : Task.CompletedTask);
        };
    }

    /// <summary>What a browser sends when the user follows a link: Accept with text/html first.</summary>
    private static HttpRequestMessage BrowserGet(string url, bool htmx = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        if (htmx)
        {
            request.Headers.Add("HX-Request", "true");
        }
        return request;
    }
}
