using System.Net;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Tests;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Web.Tests.Security;

/// <summary>The web host on a test's own database with a <see cref="ManualClock"/>, and sign-in helpers.</summary>
public sealed class SecurityHost : IAsyncDisposable
{
    private readonly CrmWebFactory _factory;
    private readonly WebApplicationFactory<Program> _host;

    private SecurityHost(TestDatabase database, CrmWebFactory factory, WebApplicationFactory<Program> host)
    {
        Database = database;
        _factory = factory;
        _host = host;
    }

    public TestDatabase Database { get; }

    public ManualClock Clock { get; } = new();

    public IServiceProvider Services => _host.Services;

    public static async Task<SecurityHost> StartAsync(DatabaseProvider provider, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var db = await TestDatabase.CreateAsync(provider);
        var factory = new CrmWebFactory(db, settings);
        SecurityHost? created = null;
        var host = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(created!.Clock)));
        created = new SecurityHost(db, factory, host);
        try
        {
            _ = host.Services; // start: migrate and seed the demo users
        }
        catch
        {
            await created.DisposeAsync();
            throw;
        }
        return created;
    }

    /// <summary>A client that keeps cookies and shows redirects instead of following them.</summary>
    public HttpClient NewClient(string baseAddress = "http://localhost") =>
        _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri(baseAddress) });

    public RawClient NewRawClient(string baseAddress = "http://localhost") =>
        new(_host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false, BaseAddress = new Uri(baseAddress) }));

    public async Task<HttpClient> SignInAsync(string userName, string password = DemoUsers.Password)
    {
        var client = NewClient();
        using var response = await CrmWebFactory.LoginAsync(client, userName, password);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldBe("/");
        await CrmWebFactory.UseApiTokenAsync(client);
        return client;
    }

    /// <summary>Whether the client is signed in: the home page answers instead of redirecting to the login form.</summary>
    public static async Task<bool> IsSignedInAsync(HttpClient client)
    {
        using var home = await client.GetAsync("/");
        return home.StatusCode == HttpStatusCode.OK;
    }

    public async Task<T> WithDbAsync<T>(Func<CrmDbContext, Task<T>> read)
    {
        await using var ctx = Database.CreateContext();
        return await read(ctx);
    }

    public Task<List<UserSession>> SessionsOfAsync(string userName) => WithDbAsync(ctx =>
        ctx.Set<UserSession>().AsNoTracking().Where(s => ctx.Set<AppUser>().Any(u => u.Id == s.UserId && u.UserName == userName)).ToListAsync());

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _factory.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>A client without a cookie jar: the test holds each sign-in cookie and can replay an old one.</summary>
public sealed class RawClient(HttpClient client) : IDisposable
{
    private string _csrfCookie = "";

    /// <summary>Signs in through the form and returns the sign-in cookie ("insurecrm.auth=...").</summary>
    /// <param name="userName">The account.</param>
    /// <param name="password">Its password.</param>
    /// <param name="current">The sign-in cookie this browser already holds, if any (signing in again from the same browser).</param>
    public async Task<string> LoginAsync(string userName, string password, string? current = null)
    {
        var token = await TokenAsync("/login", current);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/login") { Content = LoginSecurityTests.Form(token, userName, password) };
        request.Headers.Add("Cookie", current is null ? _csrfCookie : $"{current}; {_csrfCookie}");
        using var response = await client.SendAsync(request);
        response.Headers.Location!.OriginalString.ShouldBe("/");
        return AuthCookie(response) ?? throw new InvalidOperationException("No sign-in cookie.");
    }

    public async Task LogoutAsync(string authCookie)
    {
        var token = await TokenAsync("/", authCookie);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/logout") { Content = LoginSecurityTests.Fields(token) };
        request.Headers.Add("Cookie", $"{authCookie}; {_csrfCookie}");
        using var response = await client.SendAsync(request);
        response.Headers.Location!.OriginalString.ShouldBe("/login");
    }

    public async Task<HttpStatusCode> StatusAsync(string path, string authCookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", authCookie);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    public void Dispose() => client.Dispose();

    private async Task<string> TokenAsync(string path, string? authCookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (authCookie is not null)
        {
            request.Headers.Add("Cookie", authCookie);
        }
        using var response = await client.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();
        if (response.Headers.TryGetValues("Set-Cookie", out var cookies)
            && cookies.FirstOrDefault(c => c.StartsWith("insurecrm.csrf=", StringComparison.Ordinal)) is { } csrf)
        {
            _csrfCookie = csrf.Split(';')[0];
        }
        return CrmWebFactory.Token(html);
    }

    private static string? AuthCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.FirstOrDefault(c => c.StartsWith("insurecrm.auth=", StringComparison.Ordinal))?.Split(';')[0]
            : null;
}
