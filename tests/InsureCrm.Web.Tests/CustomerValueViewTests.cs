using System.Net.Http.Json;
using System.Text.Json;
using InsureCrm.Core.Common;
using InsureCrm.Core.Value;
using InsureCrm.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Web.Tests;

public sealed class CustomerValueViewTests
{
    private static readonly Dictionary<Strategy, string> StrategyKo = new()
    {
        [Strategy.Retain] = "유지", [Strategy.UpSell] = "업셀", [Strategy.CrossSell] = "교차판매", [Strategy.WinBack] = "재유치", [Strategy.Activate] = "활성화",
    };

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CustomerView_AfterValueRun_ShowsGradeThreePartsExplanationAndLifecycle(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        using var client = await factory.SignedInClientAsync();

        var before = await client.GetStringAsync($"/customers/{family.HongId}");
        before.ShouldContain("아직 산정되지 않았습니다");

        var asOf = new DateOnly(2026, 3, 2);
        var run = await factory.Services.GetRequiredService<ValueRunner>().RunAsync(asOf);
        await factory.Services.GetRequiredService<LifecycleRunner>().RunAsync(asOf, CancellationToken.None, run.RunId);
        await factory.Services.GetRequiredService<SegmentRunner>().RunAsync(run.RunId, asOf, CancellationToken.None);

        var view = await client.GetFromJsonAsync<JsonElement>($"/api/customers/{family.HongId}");
        var value = view.GetProperty("value");
        value.GetProperty("asOf").GetString().ShouldBe("2026-03-02");
        var parts = value.GetProperty("experience").GetDecimal() + value.GetProperty("current").GetDecimal() + value.GetProperty("potential").GetDecimal();
        parts.ShouldNotBe(0m);
        value.GetProperty("explanation").GetProperty("contracts").GetArrayLength().ShouldBeGreaterThan(0);
        view.GetProperty("lifecycle").EnumerateArray().ShouldContain(l => l.GetProperty("until").ValueKind == JsonValueKind.Null);
        view.GetProperty("notYetAvailable").EnumerateArray().Select(e => e.GetString()).ShouldNotContain("Value");
        view.GetProperty("notYetAvailable").EnumerateArray().Select(e => e.GetString()).ShouldNotContain("Segments");
        var segment = view.GetProperty("segment");
        var strategy = Enum.Parse<Strategy>(segment.GetProperty("strategy").GetString()!);
        segment.GetProperty("channels").GetArrayLength().ShouldBeGreaterThan(0);

        var page = await client.GetStringAsync($"/customers/{family.HongId}");
        page.ShouldContain("data-testid=\"value-grade\"");
        page.ShouldContain("경험 가치");
        page.ShouldContain("수입 보험료");
        page.ShouldContain("data-testid=\"lifecycle-current\"");
        page.ShouldContain("고객 세분화");
        page.ShouldContain($"data-testid=\"segment-strategy\">{StrategyKo[strategy]}<");
        page.ShouldNotContain("아직 산정되지 않았습니다");
    }
}
