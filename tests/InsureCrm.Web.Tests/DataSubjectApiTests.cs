using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Privacy;
using InsureCrm.Core.Security;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Web.Tests;

public class DataSubjectApiTests
{
    private const string Reason = "reason=data-subject";

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Export_AsCompliance_DownloadsJsonWithContractsAndLogsIt(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        using var client = await factory.SignedInClientAsync("compliance");

        using var response = await client.GetAsync($"/api/compliance/subjects/{family.HongId}/export?{Reason}");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentDisposition!.FileName.ShouldNotBeNull().ShouldContain($"subject-{family.HongId}-");
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        json.GetProperty("identity").GetProperty("rrn").GetString().ShouldBe(family.HongRrn);
        json.GetProperty("contracts").EnumerateArray().Select(k => k.GetProperty("contractNumber").GetString())
            .ShouldBe([family.SpouseContract, family.HeldContract], ignoreOrder: true);
        await using var ctx = db.CreateContext();
        var entry = await ctx.AccessLog.AsNoTracking().SingleAsync(a => a.CustomerId == family.HongId && a.Action == AccessAction.Download);
        entry.UserName.ShouldBe("compliance");
        entry.Reason.ShouldBe("data-subject");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Routes_OtherRoles_Get403AndNothingIsErased(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        foreach (var user in DemoUsers.Accounts.Where(a => a.Role != Role.Compliance))
        {
            using var client = await factory.SignedInClientAsync(user.UserName);
            using var export = await client.GetAsync($"/api/compliance/subjects/{family.HongId}/export?{Reason}");
            using var usage = await client.GetAsync($"/api/compliance/subjects/{family.HongId}/usage?{Reason}");
            using var erase = await client.PostAsync($"/api/compliance/subjects/{family.SpouseId}/erasure?{Reason}", null);
            using var page = await client.GetAsync($"/compliance/subjects/{family.HongId}?{Reason}");

            export.StatusCode.ShouldBe(HttpStatusCode.Forbidden, user.UserName);
            usage.StatusCode.ShouldBe(HttpStatusCode.Forbidden, user.UserName);
            erase.StatusCode.ShouldBe(HttpStatusCode.Forbidden, user.UserName);
            page.StatusCode.ShouldBe(HttpStatusCode.Forbidden, user.UserName);
        }
        await using var ctx = db.CreateContext();
        (await ctx.Set<CustomerErasure>().AnyAsync()).ShouldBeFalse();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Erasure_ActiveContract_409NamesTheContracts(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        using var client = await factory.SignedInClientAsync("compliance");

        using var noReason = await client.PostAsync($"/api/compliance/subjects/{family.HongId}/erasure", null);
        using var refused = await client.PostAsync($"/api/compliance/subjects/{family.HongId}/erasure?{Reason}", null);

        noReason.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await noReason.Content.ReadAsStringAsync()).ShouldContain("\"reason\"");
        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("openContractsAndLoans").EnumerateArray().Select(e => e.GetString())
            .ShouldBe([family.SpouseContract, family.HeldContract, "LN-0001"], ignoreOrder: true);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Page_EraseFormOfLapsedCustomer_ShowsPseudonymAndHidesFromSearch(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        await using (var ctx = db.CreateContext())
        {
            await ctx.Contracts.ExecuteUpdateAsync(s => s.SetProperty(k => k.Status, ContractStatus.Lapsed));
            await ctx.Loans.ExecuteUpdateAsync(s => s.SetProperty(l => l.Status, LoanStatus.EarlyRepaid));
        }
        using var client = await factory.SignedInClientAsync("compliance");
        var page = await client.GetStringAsync($"/compliance/subjects/{family.HongId}?{Reason}");
        page.ShouldContain(family.HongRrnMasked);
        page.ShouldNotContain(family.HongRrn);

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = CrmWebFactory.Token(page),
            ["reason"] = "data-subject",
            ["note"] = "",
            ["confirm"] = "yes",
        });
        using var posted = await client.PostAsync($"/compliance/subjects/{family.HongId}/erase", form);

        posted.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var after = await client.GetStringAsync(posted.Headers.Location!.OriginalString);
        after.ShouldContain(DataSubjectRights.Pseudonym(family.HongId));
        after.ShouldContain("data-testid=\"subject-message\"");
        var search = await client.GetFromJsonAsync<JsonElement>("/api/customers?q=" + Uri.EscapeDataString(family.HongRrn));
        search.GetProperty("items").GetArrayLength().ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Usage_AfterACallCenterView_ListsRoleAndReasonWithoutTheAccount(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        using (var callCenter = await factory.SignedInClientAsync("callcenter"))
        {
            using var view = await callCenter.GetAsync($"/api/customers/{family.HongId}?reason=inquiry");
            view.StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        using var client = await factory.SignedInClientAsync("compliance");

        var bytes = await client.GetByteArrayAsync($"/api/compliance/subjects/{family.HongId}/usage?{Reason}&format=csv");
        var csv = System.Text.Encoding.UTF8.GetString(bytes.AsSpan(3));
        var json = await client.GetFromJsonAsync<JsonElement>($"/api/compliance/subjects/{family.HongId}/usage?{Reason}");

        bytes[..3].ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF }, "a BOM, so spreadsheet programs read Hangul");
        csv.ShouldStartWith("at_utc,role,org_unit,action");
        csv.ShouldContain("CallCenter,,View,no,\"inquiry\"");
        var entries = json.GetProperty("entries").EnumerateArray().ToList();
        entries.ShouldContain(e => e.GetProperty("role").GetString() == "CallCenter" && e.GetProperty("action").GetString() == "View"
            && e.GetProperty("reason").GetString() == "inquiry");
        entries.Select(e => e.TryGetProperty("userName", out _)).ShouldAllBe(hasName => !hasName, "the report names roles, never accounts");
    }
}
