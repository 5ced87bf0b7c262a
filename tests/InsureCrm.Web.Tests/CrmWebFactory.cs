using System.Net;
using System.Text.RegularExpressions;
using InsureCrm.Core.Security;
using InsureCrm.Tests;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Web.Tests;

/// <summary>The real web host pointed at a test's own database, without the synthetic demo data.</summary>
public sealed partial class CrmWebFactory(
    TestDatabase database, IReadOnlyDictionary<string, string?>? overrides = null, Action<IWebHostBuilder>? configure = null) : WebApplicationFactory<Program>
{
    public TestDatabase Database => database;

    public FieldProtector Protector => Services.GetRequiredService<FieldProtector>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in database.Settings)
        {
            builder.UseSetting(key, value);
        }
        builder.UseSetting("Database:MigrateOnStartup", "true");
        builder.UseSetting("Demo:GenerateOnStartup", "false");
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
        builder.UseEnvironment("Testing");
        configure?.Invoke(builder);
    }

    /// <summary>A client that keeps cookies and shows redirects instead of following them.</summary>
    public HttpClient NewClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>Signs in through the login form (with its antiforgery token) and returns the signed-in client.</summary>
    public async Task<HttpClient> SignedInClientAsync(string userName = "agent", string password = DemoUsers.Password)
    {
        var client = NewClient();
        using var response = await LoginAsync(client, userName, password);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldBe("/");
        await UseApiTokenAsync(client);
        return client;
    }

    /// <summary>
    /// Sends the antiforgery token in the header of every request from now on, as an API client does (every POST, PUT,
    /// PATCH and DELETE needs it). Forms posted by such a client are then checked against the header, not their field.
    /// </summary>
    public static async Task UseApiTokenAsync(HttpClient client)
    {
        using var token = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/api/account/antiforgery"));
        var header = token.RootElement.GetProperty("headerName").GetString()!;
        client.DefaultRequestHeaders.Remove(header);
        client.DefaultRequestHeaders.Add(header, token.RootElement.GetProperty("token").GetString());
    }

    public static async Task<HttpResponseMessage> LoginAsync(HttpClient client, string userName, string password, string returnUrl = "/")
    {
        var form = await client.GetStringAsync("/login");
        var token = TokenPattern().Match(form).Groups[1].Value;
        token.ShouldNotBeEmpty();
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["userName"] = userName,
            ["password"] = password,
            ["returnUrl"] = returnUrl,
        });
        return await client.PostAsync("/account/login", content);
    }

    public static string Token(string html) => TokenPattern().Match(html).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
