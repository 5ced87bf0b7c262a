using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Web.Tests.Security;

public class CustomerAccessTests
{
    private static readonly Dictionary<string, string?> Settings = new() { ["Security:Login:PermitsPerMinute"] = "1000" };

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CallCenter_OpensCustomerOnlyWithAReason_AndTheReasonIsLogged(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db, Settings);
        var family = await CustomerApiTests.SeedAsync(factory);
        using var client = await factory.SignedInClientAsync("callcenter");

        using var api = await client.GetAsync($"/api/customers/{family.HongId}");
        using var apiUnknown = await client.GetAsync("/api/customers/999999");
        var prompt = await client.GetStringAsync($"/customers/{family.HongId}");
        var page = await client.GetStringAsync($"/customers/{family.HongId}?reason=complaint");
        using var withReason = await client.GetAsync($"/api/customers/{family.HongId}?reason=other&note=" + Uri.EscapeDataString("주소 확인"));

        api.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await api.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("reason", out _).ShouldBeTrue();
        apiUnknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest); // asked for a reason before the id is looked at
        prompt.ShouldContain("열람 사유 입력");
        prompt.ShouldContain("고객 문의 응대");
        prompt.ShouldNotContain("홍길동");
        page.ShouldContain("홍길동");
        withReason.StatusCode.ShouldBe(HttpStatusCode.OK);
        await using var read = db.CreateContext();
        var views = await read.AccessLog.AsNoTracking().Where(e => e.Action == AccessAction.View).OrderBy(e => e.Id).ToListAsync();
        views.Select(e => (e.UserName, e.CustomerId, e.Reason)).ShouldBe(
            [("callcenter", (long?)family.HongId, "complaint"), ("callcenter", family.HongId, "other: 주소 확인")]);
        views.ShouldAllBe(e => e.Role == Role.CallCenter && e.Ip.Length > 0);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CustomerPage_Agent_SeesOnlyMaskedIdentifiersUntilUnmaskingWithAReason(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db, Settings);
        var family = await CustomerApiTests.SeedAsync(factory);
        using var agent = await factory.SignedInClientAsync("agent");
        using var marketer = await factory.SignedInClientAsync("marketer");

        var html = await agent.GetStringAsync($"/customers/{family.HongId}");
        var json = await agent.GetStringAsync($"/api/customers/{family.HongId}");
        using var noReason = await agent.PostAsJsonAsync($"/api/customers/{family.HongId}/unmask", new { field = "Rrn" });
        using var rrn = await agent.PostAsJsonAsync($"/api/customers/{family.HongId}/unmask", new { field = "Rrn", reason = "retention" });
        using var phone = await agent.PostAsJsonAsync($"/api/customers/{family.HongId}/unmask", new { field = "Phone", reason = "inquiry" });
        using var refused = await marketer.PostAsJsonAsync($"/api/customers/{family.HongId}/unmask", new { field = "Rrn", reason = "audit" });

        foreach (var body in new[] { html, json })
        {
            body.ShouldContain(family.HongRrnMasked);
            body.ShouldContain("010-****-5678");
            body.ShouldContain("g***@example.com");
            body.ShouldNotContain(family.HongRrn);
            body.ShouldNotContain("01012345678");
            body.ShouldNotContain("010-1234-5678");
            body.ShouldNotContain("gildong@example.com");
        }
        html.ShouldContain("hx-post=\"/customers/" + family.HongId + "/unmask\"");
        noReason.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await rrn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value").GetString().ShouldBe(family.HongRrn);
        (await phone.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value").GetString().ShouldBe("010-1234-5678");
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await using var read = db.CreateContext();
        (await read.AccessLog.AsNoTracking().Where(e => e.Action == AccessAction.Unmask).OrderBy(e => e.Id).Select(e => e.Reason + " " + e.Detail).ToListAsync())
            .ShouldBe(["retention field=rrn", "inquiry field=phone"]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task OutOfScopeAttempts_AnswerLikeUnknownIds_AndAreLoggedAsDeniedForTheReview(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db, Settings);
        await CustomerApiTests.SeedAsync(factory);
        var other = await AuthorizationMatrixTests.SeedOtherBranchAsync(db);
        var unknown = other.CustomerId + 1000;
        using var agent = await factory.SignedInClientAsync("agent");

        using var view = await agent.GetAsync($"/api/customers/{other.CustomerId}");
        using var viewUnknown = await agent.GetAsync($"/api/customers/{unknown}");
        using var edit = await agent.PutAsJsonAsync($"/api/customers/{other.CustomerId}/contact", new
        {
            version = 1, phones = new[] { new { kind = "Mobile", number = "010-2222-3333", isPrimary = true } }, preferredContactTime = "Any",
        });
        using var unmask = await agent.PostAsJsonAsync($"/api/customers/{other.CustomerId}/unmask", new { field = "Rrn", reason = "inquiry" });

        // The answer is still exactly that of an unknown id.
        new[] { view.StatusCode, viewUnknown.StatusCode, edit.StatusCode, unmask.StatusCode }.ShouldAllBe(s => s == HttpStatusCode.NotFound);
        TraceFree(await view.Content.ReadAsStringAsync()).ShouldBe(TraceFree(await viewUnknown.Content.ReadAsStringAsync()));
        await using (var read = db.CreateContext())
        {
            var entries = await read.AccessLog.AsNoTracking().Where(e => e.CustomerId == other.CustomerId || e.CustomerId == unknown)
                .OrderBy(e => e.Id).ToListAsync();
            entries.Select(e => (e.UserName, e.Action, e.CustomerId, e.Detail)).ShouldBe(
            [
                ("agent", AccessAction.Denied, (long?)other.CustomerId, "view: out-of-scope"),
                ("agent", AccessAction.Denied, unknown, "view: unknown-id"),
                ("agent", AccessAction.Denied, other.CustomerId, "change contact: out-of-scope"),
                ("agent", AccessAction.Denied, other.CustomerId, "unmask Rrn: out-of-scope"),
            ]);
            entries.ShouldAllBe(e => e.Role == Role.Agent && e.Ip.Length > 0);
        }

        var month = DateTime.UtcNow.AddHours(9).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        using var compliance = await factory.SignedInClientAsync("compliance");
        var page = await compliance.GetStringAsync("/compliance/access-review?month=" + month);
        var csv = await compliance.GetStringAsync("/compliance/access-review.csv?reason=audit&month=" + month);

        page.ShouldContain("거부된 접근");
        page.ShouldContain("data-testid=\"denied\">4</td>");
        var lines = csv.Split('\n');
        var header = lines.Single(l => l.StartsWith("user,", StringComparison.Ordinal)).Split(',');
        var row = lines.Single(l => l.StartsWith("agent,", StringComparison.Ordinal)).Split(',');
        row[Array.IndexOf(header, "denied")].ShouldBe("4");
        row[Array.IndexOf(header, "views")].ShouldBe("0");
        row[Array.IndexOf(header, "max_customers_per_day")].ShouldBe("0");
        row[Array.IndexOf(header, "flagged")].ShouldBe("yes");
    }

    private static string TraceFree(string body) => System.Text.RegularExpressions.Regex.Replace(body, "\"traceId\"\\s*:\\s*\"[^\"]*\"", "");

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AccessReview_Compliance_SeesTheMonthAndDownloadsCsvOnlyWithAReason(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db, Settings);
        var family = await CustomerApiTests.SeedAsync(factory);
        using (var agent = await factory.SignedInClientAsync("agent"))
        {
            (await agent.GetAsync($"/api/customers/{family.HongId}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        var month = DateTime.UtcNow.AddHours(9).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        using var compliance = await factory.SignedInClientAsync("compliance");

        var page = await compliance.GetStringAsync("/compliance/access-review?month=" + month);
        using var noReason = await compliance.GetAsync("/compliance/access-review.csv?month=" + month);
        using var csv = await compliance.GetAsync("/compliance/access-review.csv?reason=audit&month=" + month);

        page.ShouldContain("접근 기록 해시 체인 정상");
        page.ShouldContain("<td>agent</td>");
        noReason.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        csv.StatusCode.ShouldBe(HttpStatusCode.OK);
        csv.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        (await csv.Content.ReadAsStringAsync()).ShouldContain("\nagent,Agent,1,");
        await using var read = db.CreateContext();
        var download = await read.AccessLog.AsNoTracking().SingleAsync(e => e.Action == AccessAction.Download);
        (download.UserName, download.Reason, download.Detail).ShouldBe(("compliance", "audit", $"access-review {month}.csv"));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AccessReview_AfterTheLastEntriesWereDeletedInTheDatabase_SaysTheyAreMissing(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db, Settings);
        var family = await CustomerApiTests.SeedAsync(factory);
        using (var agent = await factory.SignedInClientAsync("agent"))
        {
            (await agent.GetAsync($"/api/customers/{family.HongId}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        await using (var ctx = db.CreateContext())
        {
            var last = await ctx.AccessLog.MaxAsync(e => e.Id);
            await ctx.Database.ExecuteSqlRawAsync(provider == DatabaseProvider.Postgres
                ? "ALTER TABLE access_log_entry DISABLE TRIGGER USER"
                : "DROP TRIGGER access_log_entry_append_only_delete");
            await ctx.Database.ExecuteSqlAsync($"DELETE FROM access_log_entry WHERE id = {last}");
            var month = DateTime.UtcNow.AddHours(9).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
            using var compliance = await factory.SignedInClientAsync("compliance");

            var page = await compliance.GetStringAsync("/compliance/access-review?month=" + month);

            page.ShouldContain($"접근 기록 누락: 기록 #{last} 및 그 이후 기록이 없습니다");
            page.ShouldNotContain("접근 기록 해시 체인 정상");
        }
    }
}
