using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using InsureCrm.Tests;
using InsureCrm.Tests.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Web.Tests;

public class CustomerApiTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Search_NamePhoneContractRrn_FindTheInsertedCustomer(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await SeedAsync(factory);
        using var client = await factory.SignedInClientAsync();

        // A contract number finds every party of the contract: 홍길동 and his wife, the beneficiary.
        foreach (var (q, kind, expected) in new[]
        {
            ("홍길동", "Name", new[] { family.HongId }),
            ("010-1234-5678", "Phone", [family.HongId]),
            (family.HeldContract, "ContractNumber", [family.HongId, family.SpouseId]),
            (family.HongRrn, "Rrn", [family.HongId]),
        })
        {
            var page = await client.GetFromJsonAsync<JsonElement>("/api/customers?q=" + Uri.EscapeDataString(q));
            page.GetProperty("kind").GetString().ShouldBe(kind);
            var items = page.GetProperty("items").EnumerateArray().ToList();
            items.Select(i => i.GetProperty("id").GetInt64()).ShouldBe(expected, kind);
            items[0].GetProperty("rrnMasked").GetString().ShouldBe(family.HongRrnMasked);
            items[0].GetProperty("phoneMasked").GetString().ShouldBe("010-****-5678");
        }
        using var empty = await client.GetAsync("/api/customers?q=");
        empty.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await empty.Content.ReadAsStringAsync()).ShouldContain("\"q\"");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Search_ManyMatches_PagesByKeysetCursor(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        List<long> ids;
        _ = factory.Services;
        await using (var ctx = db.CreateContext())
        {
            ids = await CustomerSeed.AddNamedAsync(ctx, Enumerable.Range(0, 25).Select(i => i % 2 == 0 ? "남궁민" : "남궁선"));
        }
        // Customers without contracts are in no agent's scope: the call center finds any customer.
        using var client = await factory.SignedInClientAsync("callcenter");

        var first = await client.GetFromJsonAsync<JsonElement>("/api/customers?q=남궁");
        var next = first.GetProperty("next").GetString();
        var second = await client.GetFromJsonAsync<JsonElement>("/api/customers?q=남궁&after=" + Uri.EscapeDataString(next!));
        using var tampered = await client.GetAsync("/api/customers?q=남궁&after=xyz");

        var all = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(i => i.GetProperty("id").GetInt64()).ToList();
        first.GetProperty("items").GetArrayLength().ShouldBe(20);
        second.GetProperty("items").GetArrayLength().ShouldBe(5);
        second.GetProperty("next").ValueKind.ShouldBe(JsonValueKind.Null);
        all.ShouldBe(ids.Where((_, i) => i % 2 == 0).Concat(ids.Where((_, i) => i % 2 == 1)));
        tampered.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task View_Customer_ReturnsContractsByRoleAndMergedIdsAre404WithSurvivor(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await SeedAsync(factory);
        using var client = await factory.SignedInClientAsync();

        var view = await client.GetFromJsonAsync<JsonElement>($"/api/customers/{family.HongId}");
        using var merged = await client.GetAsync($"/api/customers/{family.DuplicateId}");
        using var unknown = await client.GetAsync("/api/customers/999999");

        var groups = view.GetProperty("contractsByRole").EnumerateArray()
            .ToDictionary(g => g.GetProperty("role").GetString()!, g => g.GetProperty("contracts").EnumerateArray().Select(c => c.GetProperty("contractNumber").GetString()).ToList());
        groups["Policyholder"].ShouldBe([family.HeldContract]);
        groups["Insured"].ShouldBe([family.SpouseContract, family.HeldContract]);
        groups["Beneficiary"].ShouldBeEmpty();
        view.GetProperty("identity").GetProperty("rrnMasked").GetString().ShouldBe(family.HongRrnMasked);
        merged.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        merged.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await merged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("mergedIntoId").GetInt64().ShouldBe(family.HongId);
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var mergedPage = await client.GetAsync($"/customers/{family.DuplicateId}");
        mergedPage.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        mergedPage.Headers.Location!.AbsolutePath.ShouldBe($"/customers/{family.HongId}");
        using var unknownPage = await client.GetAsync("/customers/999999");
        unknownPage.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task EditContact_StaleVersion_Gets409AndStoredDataIsUnchanged(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await SeedAsync(factory);
        using var client = await factory.SignedInClientAsync();
        var version = (await client.GetFromJsonAsync<JsonElement>($"/api/customers/{family.HongId}")).GetProperty("identity").GetProperty("version").GetInt32();

        using var first = await client.PutAsJsonAsync($"/api/customers/{family.HongId}/contact", Update(version, "010-2222-3333", "의사"));
        using var stale = await client.PutAsJsonAsync($"/api/customers/{family.HongId}/contact", Update(version, "010-4444-5555", "변호사"));
        using var invalid = await client.PutAsJsonAsync($"/api/customers/{family.HongId}/contact", Update(version + 1, "12-34", "교사"));

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32().ShouldBe(version + 1);
        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        stale.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("phones[0].number", out _).ShouldBeTrue();
        await using var read = db.CreateContext();
        var stored = await read.Customers.Include(c => c.Phones).SingleAsync(c => c.Id == family.HongId);
        stored.Occupation.ShouldBe("의사");
        stored.Phones.Single().Number.ShouldBe("01022223333");
        stored.Version.ShouldBe(version + 1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CustomerPage_StaleForm_ShowsConflictAndKeepsStoredData(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await SeedAsync(factory);
        using var client = await factory.SignedInClientAsync();
        var page = await client.GetStringAsync($"/customers/{family.HongId}");
        using var apiEdit = await client.PutAsJsonAsync($"/api/customers/{family.HongId}/contact", Update(Version(page), "010-2222-3333", "의사"));
        apiEdit.StatusCode.ShouldBe(HttpStatusCode.OK);

        using var stale = await client.PostAsync($"/customers/{family.HongId}", Form(page, "010-7777-8888", "변호사"));
        var html = await stale.Content.ReadAsStringAsync();
        var fresh = await client.GetStringAsync($"/customers/{family.HongId}");
        using var saved = await client.PostAsync($"/customers/{family.HongId}", Form(fresh, "010-7777-8888", "변호사"));

        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        html.ShouldContain("다른 사용자가 먼저 이 고객 정보를 변경했습니다");
        html.ShouldContain("value=\"의사\"");
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await using var read = db.CreateContext();
        (await read.Customers.SingleAsync(c => c.Id == family.HongId)).Occupation.ShouldBe("변호사");
    }

    /// <summary>
    /// Seeds the family and links the demo logins to it, as the demo does once data exists: the
    /// <c>agent</c> login becomes the family's agent (홍길동 and his wife are in its scope) and the
    /// <c>manager</c> login the manager of its branch. Sign in after seeding: the scope is in the cookie.
    /// </summary>
    internal static async Task<SeededFamily> SeedAsync(CrmWebFactory factory)
    {
        // Starting the host migrates the database and creates the demo logins.
        var protector = factory.Protector;
        SeededFamily family;
        await using (var ctx = factory.Database.CreateContext())
        {
            family = await CustomerSeed.AddFamilyAsync(ctx, protector);
        }
        await using var scope = factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DemoUsers>().EnsureAsync();
        return family;
    }

    private static object Update(int version, string mobile, string occupation) => new
    {
        version,
        phones = new[] { new { kind = "Mobile", number = mobile, isPrimary = true } },
        email = "gildong@example.com",
        preferredChannel = "Phone",
        preferredContactTime = "Evening",
        occupation,
    };

    private static int Version(string html) =>
        int.Parse(System.Text.RegularExpressions.Regex.Match(html, "name=\"Form.Version\" value=\"(\\d+)\"").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    private static FormUrlEncodedContent Form(string html, string mobile, string occupation) => new(new Dictionary<string, string>
    {
        ["__RequestVerificationToken"] = CrmWebFactory.Token(html),
        ["_handler"] = "contact",
        ["Form.Version"] = Version(html).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Form.Mobile"] = mobile,
        ["Form.PrimaryKind"] = "Mobile",
        ["Form.PreferredContactTime"] = "Evening",
        ["Form.Occupation"] = occupation,
    });
}
