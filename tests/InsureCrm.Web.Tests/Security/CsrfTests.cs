using System.Net;
using System.Text;
using System.Text.Json;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Web.Tests.Security;

/// <summary>
/// Every POST, PUT, PATCH and DELETE endpoint of the running app (read from its endpoint data source, so an endpoint
/// added later is covered without touching this test), called by a signed-in user whose role the endpoint admits, with
/// the session cookie and the antiforgery cookie but no token: each is refused as a forged request. The same request
/// with the token is not, so the refusal is the token's and not the request's shape.
/// </summary>
public sealed class CsrfTests
{
    private static readonly Dictionary<string, string?> Settings = new() { ["Security:Login:PermitsPerMinute"] = "1000" };

    [Fact]
    public async Task EveryStateChangingEndpoint_CookieWithoutToken_IsRefused()
    {
        await using var host = await SecurityHost.StartAsync(DatabaseProvider.Sqlite, Settings);
        var endpoints = UnsafeEndpoints(host.Services);
        endpoints.Count.ShouldBeGreaterThan(25);
        endpoints.ShouldContain(e => e.Pattern == "/models/{name}/{version:int}/approve");
        endpoints.ShouldContain(e => e.Pattern == "/api/compliance/subjects/{id:long}/erasure");
        var clients = new Dictionary<Role, HttpClient>();
        var failures = new List<string>();
        try
        {
            foreach (var endpoint in endpoints)
            {
                var client = await ClientAsync(host, clients, endpoint.Role);
                client.DefaultRequestHeaders.Remove("RequestVerificationToken");
                using var response = await client.SendAsync(Request(endpoint));
                if (!await IsRefusedAsForgedAsync(response))
                {
                    failures.Add($"{endpoint.Method} {endpoint.Pattern} as {endpoint.Role} without a token: {(int)response.StatusCode}");
                }
            }
            // Sign-out last: with a valid token it ends the session of the role's client.
            foreach (var endpoint in endpoints.Where(e => !e.ChecksItself).OrderBy(e => e.Pattern == "/account/logout"))
            {
                var client = clients[endpoint.Role];
                await CrmWebFactory.UseApiTokenAsync(client);
                using var response = await client.SendAsync(Request(endpoint));
                if (await IsRefusedAsForgedAsync(response))
                {
                    failures.Add($"{endpoint.Method} {endpoint.Pattern} as {endpoint.Role} with the token: refused as forged");
                }
            }
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }
        failures.ShouldBeEmpty(string.Join("\n", failures));
    }

    private sealed record Unsafe(string Method, string Pattern, Role Role, bool Form, bool ChecksItself);

    private static List<Unsafe> UnsafeEndpoints(IServiceProvider services)
    {
        var list = new List<Unsafe>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [];
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy ?? Capability.SignedIn).ToList();
            // A role the endpoint admits, so that authorization (401/403) does not answer before the token is checked.
            var role = Enum.GetValues<Role>().First(r => policies.All(p => Capability.RolesFor(p).Contains(r)));
            var form = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes.Any(t => t.Contains("form", StringComparison.OrdinalIgnoreCase)) == true
                || endpoint.Metadata.Any(m => m.GetType().Name == "ComponentTypeMetadata");
            var checksItself = endpoint.Metadata.GetMetadata<ChecksAntiforgeryItselfAttribute>() is not null;
            list.AddRange(methods.Where(AntiforgeryEnforcementMiddleware.ChangesState).Select(m => new Unsafe(m, pattern, role, form, checksItself)));
        }
        return list;
    }

    private static async Task<HttpClient> ClientAsync(SecurityHost host, Dictionary<Role, HttpClient> clients, Role role)
    {
        if (!clients.TryGetValue(role, out var client))
        {
            clients[role] = client = await host.SignInAsync(DemoUsers.Accounts.Single(a => a.Role == role).UserName);
        }
        return client;
    }

    private static HttpRequestMessage Request(Unsafe endpoint)
    {
        var path = System.Text.RegularExpressions.Regex.Replace(endpoint.Pattern, @"\{(?<name>[^}:?]+)(:(?<constraint>[^}?]+))?\??\}",
            m => m.Groups["constraint"].Value is "long" or "int" ? "1" : m.Groups["name"].Value == "userName" ? "nobody" : "x");
        return new HttpRequestMessage(new HttpMethod(endpoint.Method), path)
        {
            Content = endpoint.Form
                ? new FormUrlEncodedContent(new Dictionary<string, string> { ["probe"] = "1" })
                : new StringContent("{}", Encoding.UTF8, "application/json"),
        };
    }

    private static async Task<bool> IsRefusedAsForgedAsync(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.BadRequest || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return false;
        }
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.TryGetProperty("title", out var title) && title.GetString() == AntiforgeryEnforcementMiddleware.RefusedTitle;
    }
}
