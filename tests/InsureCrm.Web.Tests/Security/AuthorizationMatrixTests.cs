using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Tests;
using InsureCrm.Tests.Customers;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Web.Tests.Security;

/// <summary>
/// Every route of the running app (read from its endpoint data source, so routes added later are covered
/// without touching this test) called anonymously and as one demo user of every role, against a table of
/// policy → roles written out here, independently of the code's own table. A route that declares neither
/// a policy nor anonymous access fails. Then IDOR: ids outside the caller's scope answer exactly like ids
/// that do not exist.
/// </summary>
public sealed partial class AuthorizationMatrixTests
{
    private static readonly Role[] All = Enum.GetValues<Role>();
    private static readonly Role[] CustomerWorkers = [Role.Agent, Role.CsConsultant, Role.BranchManager, Role.CallCenter, Role.CallCenterSupervisor, Role.VocHandler];

    /// <summary>Who may call a route of each policy (docs/decisions/0001-security-model.md).</summary>
    private static readonly Dictionary<string, Role[]> Expected = new(StringComparer.Ordinal)
    {
        ["customers:search"] = [.. CustomerWorkers, Role.Compliance],
        ["customers:view"] = [.. CustomerWorkers, Role.Compliance],
        ["customers:edit"] = CustomerWorkers,
        ["customers:unmask"] = [Role.Agent, Role.CsConsultant, Role.BranchManager, Role.CallCenter, Role.CallCenterSupervisor, Role.Compliance],
        ["compliance:logs"] = [Role.Compliance],
        ["admin:users"] = [Role.Admin],
        ["analytics:view"] = [Role.Marketer, Role.Analyst, Role.BranchManager],
        ["models:manage"] = [Role.Admin, Role.Analyst],
        ["models:approve"] = [Role.Admin],
        ["agents:scores"] = [Role.Admin, Role.Analyst, Role.BranchManager],
        ["campaign:view"] = [Role.Marketer, Role.Analyst, Role.BranchManager, Role.Admin],
        ["campaign:edit"] = [Role.Marketer],
        ["campaign:approve"] = [Role.Marketer, Role.Admin],
        ["orphans:view"] = [Role.CsConsultant, Role.BranchManager, Role.Admin],
        ["orphans:report"] = [Role.Analyst, Role.BranchManager, Role.Admin],
        ["calls:work"] = [Role.CallCenter, Role.CallCenterSupervisor],
        ["calls:live"] = [Role.CallCenterSupervisor, Role.Admin],
        ["calls:escalations"] = [Role.BranchManager, Role.CallCenterSupervisor, Role.Admin],
        ["calls:reassign"] = [Role.CallCenterSupervisor, Role.Admin],
        ["calls:inbound"] = [Role.CallCenter, Role.CallCenterSupervisor],
        ["voc:intake"] = [Role.Agent, Role.CsConsultant, Role.BranchManager, Role.CallCenter, Role.CallCenterSupervisor, Role.VocHandler, Role.Admin],
        ["voc:work"] = [Role.VocHandler, Role.Admin],
        ["voc:department"] = [Role.VocHandler, Role.BranchManager, Role.Admin],
        ["voc:report"] = [Role.VocHandler, Role.BranchManager, Role.Analyst, Role.Compliance, Role.Admin],
        ["voc:suggest"] = All,
        ["signed-in"] = All,
    };

    private static readonly Dictionary<string, string?> Settings = new() { ["Security:Login:PermitsPerMinute"] = "1000" };

    [Fact]
    public async Task EveryRoute_AnonymousAndEveryRole_GetTheStatusOfItsPolicy()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db, Settings);
        var family = await CustomerApiTests.SeedAsync(factory);
        var routes = Routes(factory);
        var failures = new List<string>();

        foreach (var route in routes.Where(r => !r.Anonymous && r.Policies.Count == 0 && !r.Framework))
        {
            failures.Add($"{route.Name}: declares neither an authorization policy nor AllowAnonymous");
        }
        foreach (var policy in routes.SelectMany(r => r.Policies).Distinct().Where(p => p is not null && !Expected.ContainsKey(p)))
        {
            failures.Add($"policy '{policy}' is not in this test's table: add the roles it admits");
        }
        var guarded = routes.Where(r => !r.Anonymous && r.Policies.Count > 0 && r.Policies.All(p => p is null || Expected.ContainsKey(p)))
            // Ending the caller's own sessions or sign-in goes last, so it cannot sign the role out of the rest.
            .OrderBy(r => r.Pattern.Contains("logout", StringComparison.Ordinal) ? 2
                : r.Pattern.Contains("session", StringComparison.Ordinal) && r.Methods[0] != "GET" ? 1 : 0)
            .ToList();
        guarded.Count.ShouldBeGreaterThan(10);

        using var anonymous = factory.NewClient();
        foreach (var route in guarded)
        {
            using var response = await SendAsync(anonymous, route, family.HongId);
            var toLogin = response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.OriginalString.Contains("/login?", StringComparison.Ordinal);
            if (response.StatusCode != HttpStatusCode.Unauthorized && !toLogin)
            {
                failures.Add($"{route.Name} anonymous: {(int)response.StatusCode}, expected 401 or the login form");
            }
        }
        foreach (var role in All)
        {
            var user = DemoUsers.Accounts.Single(a => a.Role == role).UserName;
            using var client = await factory.SignedInClientAsync(user);
            foreach (var route in guarded)
            {
                var allowed = route.Policies.All(p => p is null || Expected[p].Contains(role));
                using var response = await SendAsync(client, route, family.HongId);
                var status = response.StatusCode;
                if (allowed && status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                {
                    failures.Add($"{route.Name} as {role}: {(int)status}, but the policy admits the role");
                }
                else if (!allowed && status != HttpStatusCode.Forbidden)
                {
                    failures.Add($"{route.Name} as {role}: {(int)status}, expected 403");
                }
            }
        }

        failures.ShouldBeEmpty(string.Join("\n", failures));
    }

    [Fact]
    public async Task Downloads_WithoutReason_Answer400NamingReason()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db, Settings);
        var family = await CustomerApiTests.SeedAsync(factory);
        var downloads = Routes(factory).Where(r => r.Methods.Contains("GET") && (r.Download || DownloadPattern().IsMatch(r.Pattern))).ToList();
        downloads.ShouldNotBeEmpty();
        var failures = new List<string>();

        foreach (var route in downloads)
        {
            var role = All.First(r => route.Policies.All(p => p is null || Expected[p].Contains(r)));
            using var client = await factory.SignedInClientAsync(DemoUsers.Accounts.Single(a => a.Role == role).UserName);
            using var response = await client.GetAsync(Fill(route.Pattern, family.HongId) + (route.Pattern.Contains("review", StringComparison.Ordinal) ? "?month=2026-10" : ""));
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.BadRequest || !body.Contains("reason", StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{route.Name} as {role} without a reason: {(int)response.StatusCode}");
            }
        }

        failures.ShouldBeEmpty(string.Join("\n", failures));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CustomerRoutes_IdOutsideScope_AnswerExactlyLikeAnUnknownId(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db, Settings);
        var family = await CustomerApiTests.SeedAsync(factory);
        var other = await SeedOtherBranchAsync(db);
        var unknown = other.CustomerId + 1000;
        var customerRoutes = Routes(factory)
            .Where(r => r.Pattern.Contains("{id", StringComparison.Ordinal) && r.Policies.Any(p => p is not null && p.StartsWith("customers:", StringComparison.Ordinal)))
            .ToList();
        customerRoutes.Count.ShouldBeGreaterThanOrEqualTo(6);
        var failures = new List<string>();

        foreach (var (user, inScope) in new[] { ("agent", family.HongId), ("manager", family.SpouseId), ("cs", 0L) })
        {
            using var client = await factory.SignedInClientAsync(user);
            var role = DemoUsers.Accounts.Single(a => a.UserName == user).Role;
            foreach (var route in customerRoutes.Where(r => r.Policies.All(p => p is null || Expected[p].Contains(role))))
            {
                using var foreign = await SendAsync(client, route, other.CustomerId);
                using var missing = await SendAsync(client, route, unknown);
                var (foreignBody, missingBody) = (Normalise(await foreign.Content.ReadAsStringAsync()), Normalise(await missing.Content.ReadAsStringAsync()));
                if (foreign.StatusCode != missing.StatusCode || foreignBody != missingBody || foreign.StatusCode is HttpStatusCode.OK)
                {
                    failures.Add($"{route.Name} as {user}: another scope's customer gave {(int)foreign.StatusCode} '{Clip(foreignBody)}', an unknown id {(int)missing.StatusCode} '{Clip(missingBody)}'");
                }
                if (inScope != 0 && route.Methods.Contains("GET") && route.Pattern.StartsWith("/api/customers/{id", StringComparison.Ordinal))
                {
                    // Reachable: whatever else the route wants (a query parameter, say), not the refusal an outsider gets.
                    using var own = await SendAsync(client, route, inScope);
                    if (own.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
                    {
                        failures.Add($"{route.Name} as {user}: own customer gave {(int)own.StatusCode}");
                    }
                }
            }
        }
        failures.ShouldBeEmpty(string.Join("\n", failures));

        // Search never lists a customer outside the scope either.
        using var agent = await factory.SignedInClientAsync("agent");
        var page = JsonDocument.Parse(await agent.GetStringAsync("/api/customers?q=" + Uri.EscapeDataString("김타인"))).RootElement;
        page.GetProperty("items").GetArrayLength().ShouldBe(0);
    }

    /// <summary>What differs between any two responses anyway: trace ids, antiforgery tokens, nonces.</summary>
    private static string Normalise(string body) => PerRequest().Replace(TraceId().Replace(body, ""), "");

    private static string Clip(string s) => s.Length > 160 ? s[..160] : s;

    internal static async Task<(long CustomerId, long AgentId)> SeedOtherBranchAsync(TestDatabase db)
    {
        await using var ctx = db.CreateContext();
        var branch = new Branch { Code = "B-BS", Name = "부산지점", Sido = "부산광역시", Sigungu = "해운대구" };
        ctx.Branches.Add(branch);
        await ctx.SaveChangesAsync();
        var agent = new Agent { Code = "FC0100", Name = "김모집", Kind = AgentKind.Fc, BranchId = branch.Id, HireDate = new(2018, 1, 1), Status = AgentStatus.Active };
        ctx.Agents.Add(agent);
        var customer = new Customer { Name = "김타인", NameScript = NameScript.Hangul, CreatedAt = CustomerSeed.Now, UpdatedAt = CustomerSeed.Now };
        customer.Phones.Add(new CustomerPhone { Kind = PhoneKind.Mobile, Number = "01055556666", IsPrimary = true });
        ctx.Customers.Add(customer);
        await ctx.SaveChangesAsync();
        var product = await ctx.Products.FirstAsync();
        ctx.Contracts.Add(new Contract
        {
            ContractNumber = "L2025000100", ProductId = product.Id, CustomerId = customer.Id, SumAssured = 10_000_000, Premium = 50_000,
            IssueDate = new(2025, 1, 1), SellingAgentId = agent.Id, ServicingAgentId = agent.Id, Status = ContractStatus.InForce, StatusDate = new(2025, 1, 1),
        });
        await ctx.SaveChangesAsync();
        return (customer.Id, agent.Id);
    }

    /// <summary>
    /// One route and method. <c>Framework</c>: Blazor's own /_framework routes, which carry no metadata of ours and
    /// fall under the fallback policy (signed in). <c>Form</c>: the route binds a posted form, so it is called with
    /// a form body (any other body is refused with 415 before authorization).
    /// </summary>
    private sealed record Route(string Name, string Pattern, IReadOnlyList<string> Methods, IReadOnlyList<string?> Policies, bool Anonymous, bool Download, bool Framework, bool Form);

    private static List<Route> Routes(CrmWebFactory factory)
    {
        var source = factory.Services.GetRequiredService<EndpointDataSource>();
        var routes = new List<Route>();
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods
                .Where(m => m is "GET" or "POST" or "PUT" or "DELETE" or "PATCH").ToList() ?? ["GET"];
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>()
                // [Authorize] without a policy is an explicit "any signed-in user".
                .Select(a => a.Policy ?? (a.Roles is null ? "signed-in" : null)).ToList();
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var download = endpoint.Metadata.Any(m => m.GetType().Name == "PersonalDataDownloadAttribute");
            var framework = pattern.StartsWith("/_framework/", StringComparison.Ordinal);
            if (framework && policies.Count == 0)
            {
                policies.Add("signed-in");
            }
            var form = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes
                .Any(t => t.Contains("form", StringComparison.OrdinalIgnoreCase)) == true;
            routes.AddRange(methods.Select(m => new Route($"{m} {pattern}", pattern, [m], policies, anonymous, download, framework, form)));
        }
        return routes;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, Route route, long customerId)
    {
        using var request = new HttpRequestMessage(new HttpMethod(route.Methods[0]), Fill(route.Pattern, customerId));
        if (route.Methods[0] is "POST" or "PUT" or "PATCH")
        {
            request.Content = route.Form
                ? new FormUrlEncodedContent(new Dictionary<string, string> { ["probe"] = "1" })
                : new StringContent("{}", Encoding.UTF8, "application/json");
        }
        return await client.SendAsync(request);
    }

    private static string Fill(string pattern, long customerId) =>
        RouteParameter().Replace(pattern, m => m.Groups["constraint"].Value is "long" or "int" ? customerId.ToString(System.Globalization.CultureInfo.InvariantCulture) : "x");

    [GeneratedRegex(@"\{(?<name>[^}:?]+)(:(?<constraint>[^}?]+))?\??\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex(@"\.csv$|/export|/download|/print", RegexOptions.IgnoreCase)]
    private static partial Regex DownloadPattern();

    [GeneratedRegex(@"""traceId""\s*:\s*""[^""]*""\s*,?")]
    private static partial Regex TraceId();

    [GeneratedRegex(@"(value|nonce)=""[A-Za-z0-9_\-+/=]{20,}""")]
    private static partial Regex PerRequest();
}
