using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InsureCrm.Core.Common;
using InsureCrm.Tests;

namespace InsureCrm.Web.Tests;

/// <summary>Consent and the contact check as an agent and a call-center user see them through the API and the page.</summary>
public sealed class ConsentApiTests
{
    private static string Check(long id, string channel, string purpose, string at) =>
        $"/api/customers/{id}/contact-check?channel={channel}&purpose={purpose}&at={Uri.EscapeDataString(at)}";

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task OptOutThroughTheApi_RefusesTheNextMarketingEmailAtOnce(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        using var client = await factory.SignedInClientAsync();
        var at = DateTimeOffset.UtcNow.AddDays(1).ToOffset(TimeSpan.FromHours(9));
        var noon = new DateTimeOffset(at.Year, at.Month, at.Day, 12, 0, 0, at.Offset).ToString("O");

        var before = await client.GetFromJsonAsync<JsonElement>(Check(family.HongId, "Email", "Marketing", noon));
        before.GetProperty("allowed").GetBoolean().ShouldBeTrue();

        using var optOut = await client.PostAsJsonAsync($"/api/customers/{family.HongId}/consents",
            new { channel = "Email", granted = false, source = "web" });
        optOut.StatusCode.ShouldBe(HttpStatusCode.Created);
        var consents = (await optOut.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("consents").EnumerateArray()
            .ToDictionary(c => c.GetProperty("channel").GetString()!, c => c.GetProperty("state").GetString());
        consents["Email"].ShouldBe("Withdrawn");

        var after = await client.GetFromJsonAsync<JsonElement>(Check(family.HongId, "Email", "Marketing", noon));
        after.GetProperty("allowed").GetBoolean().ShouldBeFalse();
        after.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ShouldBe(["ConsentWithdrawn"]);

        // A premium notice call late in the evening waits for the morning, consent or not.
        var late = new DateTimeOffset(at.Year, at.Month, at.Day, 22, 30, 0, at.Offset);
        var call = await client.GetFromJsonAsync<JsonElement>(Check(family.HongId, "Phone", "ContractMaintenance", late.ToString("O")));
        call.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ShouldBe(["QuietHours"]);
        call.GetProperty("nextAllowedAt").GetDateTimeOffset().ShouldBe(new DateTimeOffset(late.Date.AddDays(1).AddHours(8), late.Offset));

        using var badSource = await client.PostAsJsonAsync($"/api/customers/{family.HongId}/consents", new { channel = "Sms", granted = true, source = "rumour" });
        badSource.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task CustomerPage_ShowsTheCheckAndRecordsAGrantThroughTheForm()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        using var client = await factory.SignedInClientAsync();

        var page = await client.GetStringAsync($"/customers/{family.HongId}");
        page.ShouldContain("data-testid=\"consent-panel\"");
        page.ShouldContain("지금 마케팅 전화 가능 여부");
        page.ShouldContain("data-channel=\"Sms\" data-state=\"Withdrawn\"");
        page.ShouldContain("data-channel=\"Phone\" data-state=\"None\"");
        var token = CrmWebFactory.Token(page);

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["channel"] = "Phone", ["seen"] = "0", ["source"] = "branch", ["decision"] = "grant",
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/customers/{family.HongId}/consents") { Content = form };
        request.Headers.Add("HX-Request", "true");
        using var response = await client.SendAsync(request);
        var panel = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, panel);
        panel.ShouldContain("data-channel=\"Phone\" data-state=\"Granted\"");
        panel.ShouldContain("저장했습니다");

        // Without the antiforgery token (as a cross-site form would post it) nothing is recorded.
        client.DefaultRequestHeaders.Remove("RequestVerificationToken");
        using var forged = new FormUrlEncodedContent(new Dictionary<string, string> { ["channel"] = "Sms", ["seen"] = "0", ["source"] = "branch", ["decision"] = "grant" });
        using var rejected = await client.PostAsync($"/customers/{family.HongId}/consents", forged);
        rejected.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await client.GetStringAsync($"/customers/{family.HongId}")).ShouldContain("data-channel=\"Sms\" data-state=\"Withdrawn\"");
    }

    [Fact]
    public async Task CallCenter_ContactCheckWithoutAReason_IsAskedForOne()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        using var client = await factory.SignedInClientAsync("callcenter");
        var url = $"/api/customers/{family.HongId}/contact-check?channel=Phone&purpose=Marketing";

        using var bare = await client.GetAsync(url);
        bare.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bare.Content.ReadAsStringAsync()).ShouldContain("\"reason\"");
        using var reasoned = await client.GetAsync(url + "&reason=inquiry");
        reasoned.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
