using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Core.Synthetic;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Web.Tests;

/// <summary>
/// The uplift page of a pilot (issue 13): "learn uplift" on a generated insurer's closed pilot shows the Qini coefficient
/// Core stored, the Qini curve and ten deciles; a Draft campaign's learn is refused in words that say why.
/// </summary>
public sealed class UpliftPageTests
{
    private static readonly DateOnly AsOf = new(2026, 6, 30);

    [Fact]
    public async Task UpliftPage_LearnOnAClosedPilot_ShowsQiniCoefficientCurveAndTenDeciles_DraftIsRefusedInWords()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        using var marketer = await factory.SignedInClientAsync("marketer");
        using var analyst = await factory.SignedInClientAsync("analyst");
        // The generator's planted pilot (C-SYN-001, Closed) with a contact effect large enough for 3,000 customers to show it.
        await factory.Services.GetRequiredService<SyntheticInsurer>().GenerateAsync(
            new GenerationOptions(3000, 7, null, AsOf, ChunkSize: 1000, Campaigns: true, CampaignEffectScale: 3.0), null, CancellationToken.None);
        long pilot;
        CrmUser user;
        await using (var ctx = db.CreateContext())
        {
            pilot = await ctx.Campaigns.Where(c => c.Code == "C-SYN-001").Select(c => c.Id).SingleAsync();
            var row = await ctx.Users.AsNoTracking().SingleAsync(u => u.UserName == "marketer");
            user = new CrmUser(row.Id, row.UserName, row.Role, null, null, null, "test");
        }
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            (await scope.ServiceProvider.GetRequiredService<IResponseAttribution>().AttributeAsync(user, pilot, AsOf)).IsOk.ShouldBeTrue();
        }

        // The record links to the page; before learning it says there is no model and offers the button to the marketer only.
        (await marketer.GetStringAsync($"/campaigns/{pilot}")).ShouldContain($"href=\"/campaigns/{pilot}/uplift\"");
        var before = await marketer.GetStringAsync($"/campaigns/{pilot}/uplift");
        Testid(before, "uplift-none").ShouldBe("이 캠페인에서 학습한 업리프트 모델이 아직 없습니다.");
        var handler = Regex.Match(before, "name=\"_handler\" value=\"([^\"]+)\"").Groups[1].Value;
        handler.ShouldBe("learn-uplift");
        (await analyst.GetStringAsync($"/campaigns/{pilot}/uplift")).ShouldNotContain("data-testid=\"uplift-learn\"");

        using (var learnt = await LearnAsync(marketer, pilot, handler))
        {
            learnt.StatusCode.ShouldBe(HttpStatusCode.Redirect, await learnt.Content.ReadAsStringAsync());
            learnt.Headers.Location!.PathAndQuery.ShouldBe($"/campaigns/{pilot}/uplift?learnt=1");
        }
        double qini;
        double randomOrderP;
        await using (var ctx = db.CreateContext())
        {
            var stored = await ctx.CampaignUpliftModels.AsNoTracking().SingleAsync(m => m.CampaignId == pilot);
            qini = stored.Qini!.Value;
            randomOrderP = System.Text.Json.JsonDocument.Parse(stored.Evaluation).RootElement.GetProperty("randomOrderP").GetDouble();
        }
        var html = await marketer.GetStringAsync($"/campaigns/{pilot}/uplift?learnt=1");
        Testid(html, "uplift-learnt").ShouldBe("업리프트 모델 v1을(를) 학습했습니다.");
        Testid(html, "uplift-qini").ShouldBe(qini.ToString("0.000", CultureInfo.GetCultureInfo("ko-KR")), "the coefficient Core measured on the held-out members");
        html.ShouldContain("0 = 무작위, 1 = 가능한 최선");
        // Beside it, whether the order beats random orders of the reachable held-out members, with the p Core measured.
        var p = randomOrderP.ToString("0.000", CultureInfo.GetCultureInfo("ko-KR"));
        Testid(html, "uplift-random-order").ShouldBe(randomOrderP < 0.05 ? $"무작위 순서보다 나음 (p = {p})" : $"무작위 순서와 구별되지 않음 (p = {p}): 반응 고객이 너무 적어 이 순서로 대상을 고를 수 없습니다");
        Regex.Count(html, "data-testid=\"decile-row\"").ShouldBe(10);
        Regex.IsMatch(html, "data-testid=\"qini-curve\"").ShouldBeTrue("the Qini curve is drawn");
        Regex.Match(html, "points=\"([^\"]*)\" data-testid=\"qini-curve\"").Groups[1].Value.Split(' ').Length.ShouldBeGreaterThan(10);
        // The analyst sees what was learnt.
        Testid(await analyst.GetStringAsync($"/campaigns/{pilot}/uplift"), "uplift-qini").ShouldBe(Testid(html, "uplift-qini"));

        // A Draft: the button is there but disabled with the reason; a post anyway is refused in words, nothing learnt.
        var draft = await CampaignPagesTests.InsertCampaignAsync(db, "marketer", CampaignState.Draft, "C-2026-061", "초안 캠페인", "아직 계획 중");
        var draftPage = await marketer.GetStringAsync($"/campaigns/{draft}/uplift");
        Regex.IsMatch(draftPage, "<button[^>]*disabled[^>]*data-testid=\"uplift-learn-button\"").ShouldBeTrue("the button is disabled before the campaign can teach");
        using (var refused = await LearnAsync(marketer, draft, handler))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            Testid(await refused.Content.ReadAsStringAsync(), "uplift-message")
                .ShouldBe("C-2026-061은(는) 초안 상태라 업리프트를 학습할 수 없습니다. 업리프트는 기간이 끝나고 응답을 귀속한 캠페인(측정 중 또는 종료)에서 학습합니다.");
        }
        await using (var ctx = db.CreateContext())
        {
            (await ctx.CampaignUpliftModels.CountAsync(m => m.CampaignId == draft)).ShouldBe(0);
        }
    }

    [Theory]
    [InlineData(-0.1, 1.12, -0.5, 1.5, 0.5)]
    [InlineData(0, 37, 0, 40, 10)]
    [InlineData(-12, 0, -15, 0, 5)]
    [InlineData(0, 0, 0, 1, 0.5)]
    public void QiniSvg_Scale_RoundStepsThatHoldEveryPointAndZero(double low, double high, double min, double max, double step)
    {
        var (from, to, by) = Campaigns.QiniSvg.Scale(low, high);

        from.ShouldBe(min, tolerance: 1e-9);
        to.ShouldBe(max, tolerance: 1e-9);
        by.ShouldBe(step, tolerance: 1e-9);
    }

    /// <summary>Presses "learn uplift" as a browser posts it (the form's name; the antiforgery token goes in the client's header).</summary>
    private static async Task<HttpResponseMessage> LearnAsync(HttpClient client, long id, string handler)
    {
        using var form = new FormUrlEncodedContent([new("_handler", handler)]);
        return await client.PostAsync($"/campaigns/{id}/uplift", form);
    }

    private static string Testid(string html, string id)
    {
        var m = Regex.Match(html, $"data-testid=\"{Regex.Escape(id)}\">([^<]*)<");
        m.Success.ShouldBeTrue(id);
        return WebUtility.HtmlDecode(m.Groups[1].Value).Trim();
    }
}
