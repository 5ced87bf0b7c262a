using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Models;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Worklists;
using InsureCrm.Tests;
using InsureCrm.Tests.Customers;
using InsureCrm.Tests.Worklists;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Web.Tests;

/// <summary>
/// The agent's day on the web (issue 14): /today and /today/{id} for the agent whose items they are and nobody else,
/// explanations in the reader's language, the result and contact forms as plain POSTs, the API, and the page weight.
/// </summary>
public sealed partial class WorklistPagesTests
{
    private static readonly TimeZoneInfo Seoul = TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");
    private static DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Seoul).DateTime);

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task TodayItem_AnotherAgentsItem_Is404OnPageAndApi(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var (family, mine, others) = await SeedAsync(factory);
        using var client = await factory.SignedInClientAsync("agent");

        using var pageRequest = new HttpRequestMessage(HttpMethod.Get, $"/today/{others}");
        pageRequest.Headers.Accept.ParseAdd("text/html");
        using var page = await client.SendAsync(pageRequest);
        using var api = await client.GetAsync($"/api/today/{others}");
        using var post = await client.PostAsJsonAsync($"/api/today/{others}/result", new { version = 0, outcome = "Met", channel = "Visit" });
        using var own = await client.GetAsync($"/today/{mine}");
        var list = await client.GetFromJsonAsync<JsonElement>("/api/today");

        page.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html", "a browser gets the error page in its language, not JSON");
        api.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        post.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        own.StatusCode.ShouldBe(HttpStatusCode.OK);
        var listed = list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ToList();
        listed.ShouldContain(mine);
        listed.ShouldNotContain(others);
        await using var read = db.CreateContext();
        (await read.WorkItems.SingleAsync(i => i.Id == others)).State.ShouldBe(WorkItemState.Open, "nothing was recorded on it");
        _ = family;
    }

    [Fact]
    public async Task TodayPage_ExplanationsInKoreanEnglishAndChinese_AndUnder100KB()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        var (_, mine, _) = await SeedAsync(factory);
        using var client = await factory.SignedInClientAsync("agent");

        var ko = await client.GetStringAsync("/today?culture=ko-KR&ui-culture=ko-KR");
        var en = await client.GetStringAsync("/today?culture=en-US&ui-culture=en-US");
        var zh = await client.GetStringAsync("/today?culture=zh-TW&ui-culture=zh-TW");
        var item = await client.GetStringAsync($"/today/{mine}?culture=ko-KR&ui-culture=ko-KR");
        var home = await client.GetStringAsync("/");

        ko.ShouldContain("이 계약(무배당 종신보험)이 3개월 안에 실효될 확률 85% · 주요 이유: 소득 대비 보험료 부담");
        ko.ShouldContain("2일째");
        ko.ShouldContain("href=\"tel:01012345678\"");
        en.ShouldContain("85% likely to lapse within 3 months (무배당 종신보험); top reasons: Premium burden vs income 0.42 (raises)");
        en.ShouldContain("day 2");
        zh.ShouldContain("3 個月內失效機率 85%");
        zh.ShouldContain("第 2 天");
        item.ShouldContain("data-testid=\"work-script\"");
        home.ShouldContain("data-testid=\"home-today\"", customMessage: "the agent's home is today's list");
        // A slow connection: the page with everything it loads (style sheets and htmx) stays under 100 KB.
        foreach (var html in new[] { ko, item })
        {
            var assets = 0L;
            foreach (Match m in AssetPattern().Matches(html))
            {
                assets += (await client.GetByteArrayAsync("/" + m.Groups[1].Value)).Length;
            }
            (System.Text.Encoding.UTF8.GetByteCount(html) + assets).ShouldBeLessThan(100 * 1024);
        }
    }

    [Fact]
    public async Task TodayPage_UnpaidPremiumItem_SaysHowManyOfTheLastPremiumsAreUnpaidInEachLanguage()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        long id;
        await using (var ctx = factory.Database.CreateContext())
        {
            // One still in its grace period (ends in 20 days), one whose grace period ended five days ago (the feed still says in force).
            id = (await WorkItemSeed.AddAsync(ctx, WorkItemSeed.UnpaidPremium(family.AgentId, family.HongId, Today, graceEnd: Today.AddDays(20)),
                WorkItemSeed.UnpaidPremium(family.AgentId, family.SpouseId, Today, priority: 100, graceEnd: Today.AddDays(-5))))[0];
        }
        using var client = await factory.SignedInClientAsync("agent");
        var grace = Today.AddDays(20).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var ended = Today.AddDays(-5).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var ko = await client.GetStringAsync("/today?culture=ko-KR&ui-culture=ko-KR");
        var en = await client.GetStringAsync("/today?culture=en-US&ui-culture=en-US");
        var zh = await client.GetStringAsync("/today?culture=zh-TW&ui-culture=zh-TW");
        var item = await client.GetStringAsync($"/today/{id}?culture=ko-KR&ui-culture=ko-KR");

        ko.ShouldContain("보험료 미납");
        ko.ShouldContain($"무배당 건강보험: 최근 보험료 6회 중 3회 미납 (2026-01-15까지 납입) · {grace}까지 납입하지 않으면 실효");
        ko.ShouldContain($"(2026-01-15까지 납입) · 납입유예기간 {ended} 종료 · 아직 실효 처리 전");
        ko.ShouldNotContain($"{ended}까지 납입하지 않으면 실효", customMessage: "a day already past is not a deadline");
        en.ShouldContain("Unpaid premium");
        en.ShouldContain($"무배당 건강보험: 3 of the last 6 premiums unpaid (paid to 2026-01-15) · lapses if unpaid by {grace}");
        en.ShouldContain($"(paid to 2026-01-15) · grace period ended {ended}, not yet lapsed");
        zh.ShouldContain("保費未繳");
        zh.ShouldContain($"무배당 건강보험：最近 6 期保費中 3 期未繳（已繳至 2026-01-15） · {grace} 前未繳將失效");
        zh.ShouldContain($"寬限期已於 {ended} 結束，尚未失效");
        item.ShouldContain("최근 보험료 6회 중 3회 미납");
        item.ShouldContain("납입유예기간이 지나면 계약이 실효");
    }

    [Fact]
    public async Task TodayPage_ReasonNoContactWithinAYear_SaysSoInWordsNotAsThirteenMonths()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        await using (var ctx = factory.Database.CreateContext())
        {
            var item = WorkItemSeed.CrossSell(family.AgentId, family.HongId, Today, ProductFamily.Health);
            item.Facts = new WorkFacts
            {
                Grade = "B", Reasons = [new ScoreReason("monthsSinceContact", "13", 0.3), new ScoreReason("contacts12m", "0", 0.1)],
            }.ToJson();
            await WorkItemSeed.AddAsync(ctx, item);
        }
        using var client = await factory.SignedInClientAsync("agent");

        var ko = await client.GetStringAsync("/today?culture=ko-KR&ui-culture=ko-KR");
        var en = await client.GetStringAsync("/today?culture=en-US&ui-culture=en-US");

        ko.ShouldContain("없음 (12개월 내 연락 없음) (높임)");
        en.ShouldContain("none (no contact in 12 months) (raises)");
        en.ShouldNotContain(" 13 (raises)");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CustomerPage_ContractWithAPaidToDate_ShowsItBesideThePremium(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        await using (var ctx = factory.Database.CreateContext())
        {
            var held = await ctx.Contracts.SingleAsync(c => c.ContractNumber == family.HeldContract);
            held.PaidToDate = new DateOnly(2026, 1, 1);
            await ctx.SaveChangesAsync();
        }
        using var client = await factory.SignedInClientAsync("agent");

        var ko = await client.GetStringAsync($"/customers/{family.HongId}?culture=ko-KR&ui-culture=ko-KR");
        var en = await client.GetStringAsync($"/customers/{family.HongId}?culture=en-US&ui-culture=en-US");

        ko.ShouldContain("2026-01-01까지 납입");
        en.ShouldContain("paid to 2026-01-01");
        en.ShouldNotContain("paid to —", customMessage: "the contract without a paid-to date says nothing");
    }

    [Fact]
    public async Task TodayPage_BouncedEmail_IsExplainedWithTheChannelAndTheDayInEveryLanguage()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        var (family, _, _) = await SeedAsync(factory);
        await using (var ctx = factory.Database.CreateContext())
        {
            await WorkItemSeed.AddAsync(ctx, new WorkItem
            {
                AgentId = family.AgentId, CustomerId = family.SpouseId, Action = WorkAction.ContactDetails, Subject = "", Purpose = WorkPurpose.Service,
                Priority = 200, Probability = 0.5, Value = 300_000m, Channel = WorkChannel.Phone, FirstListedOn = Today, ListedOn = Today,
                State = WorkItemState.Open,
                Facts = new WorkFacts { Bounced = [new WorkFacts.BouncedDetail("email", new DateOnly(2026, 3, 5))] }.ToJson(),
            });
        }
        using var client = await factory.SignedInClientAsync("agent");

        (await client.GetStringAsync("/today?culture=ko-KR&ui-culture=ko-KR")).ShouldContain("반송된 연락처: 이메일 (2026-03-05)");
        (await client.GetStringAsync("/today?culture=en-US&ui-culture=en-US")).ShouldContain("Bounced: e-mail (2026-03-05)");
        (await client.GetStringAsync("/today?culture=zh-TW&ui-culture=zh-TW")).ShouldContain("退件的聯絡資料：電子郵件（2026-03-05）");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task TodayItem_ResultForm_SavesIntoHistory_StaleSaysSo_ErrorsKeepTyping(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var (family, mine, _) = await SeedAsync(factory);
        using var client = await factory.SignedInClientAsync("agent");
        var form = await client.GetStringAsync($"/today/{mine}");

        using var invalid = await client.PostAsync($"/today/{mine}", Result(form, "Met", "보험료 조정 상담", nextOn: Today.AddDays(-1)));
        var invalidHtml = await invalid.Content.ReadAsStringAsync();
        using var saved = await client.PostAsync($"/today/{mine}", Result(form, "Met", "보험료 조정 상담", appointmentOn: Today.AddDays(3), appointmentAt: "15:30"));
        using var stale = await client.PostAsync($"/today/{mine}", Result(form, "Sold", "두 번째 결과"));
        var staleHtml = await stale.Content.ReadAsStringAsync();
        var customer = await client.GetStringAsync($"/customers/{family.HongId}");
        var today = await client.GetStringAsync("/today");

        today.ShouldContain("href=\"/today/calendar\"", customMessage: "the appointment just made can reach the phone's calendar from the list");
        invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        invalidHtml.ShouldContain("다음 단계 날짜: 지난 날짜·시간은 고를 수 없습니다");
        invalidHtml.ShouldContain("보험료 조정 상담</textarea>", customMessage: "what was typed is kept");
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        saved.Headers.Location!.OriginalString.ShouldEndWith($"/today?done={mine}");
        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        staleHtml.ShouldContain("이미 완료되었습니다");
        customer.ShouldContain("보험료 조정 상담", customMessage: "the result is in the customer's history");
        today.ShouldContain("data-testid=\"today-done\">1<");
        await using var read = db.CreateContext();
        var item = await read.WorkItems.SingleAsync(i => i.Id == mine);
        item.State.ShouldBe(WorkItemState.Done);
        var appointment = await read.Appointments.SingleAsync(a => a.ItemId == mine);
        TimeZoneInfo.ConvertTimeFromUtc(appointment.StartsAt, Seoul).ShouldBe(Today.AddDays(3).ToDateTime(new TimeOnly(15, 30)));
        (await read.Interactions.SingleAsync(i => i.Notes == "보험료 조정 상담")).Channel.ShouldBe(InteractionChannel.Visit);
    }

    [Fact]
    public async Task TodayItem_ContactCorrection_SavesThroughTheVersionedEditAndAStaleOneSaysSo()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        var (family, mine, _) = await SeedAsync(factory);
        using var client = await factory.SignedInClientAsync("agent");
        var form = await client.GetStringAsync($"/today/{mine}");

        using var saved = await client.PostAsync($"/today/{mine}", Contact(form, "010-2222-3333", "서울특별시", "서초구", "반포대로 1"));
        using var stale = await client.PostAsync($"/today/{mine}", Contact(form, "010-4444-5555", "부산광역시", "해운대구", "해운대로 2"));
        var staleHtml = await stale.Content.ReadAsStringAsync();

        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        staleHtml.ShouldContain("다른 사용자가 먼저 이 고객 정보를 변경했습니다");
        await using var read = db.CreateContext();
        var customer = await read.Customers.Include(c => c.Phones).Include(c => c.Addresses).SingleAsync(c => c.Id == family.HongId);
        customer.Phones.ShouldContain(p => p.Number == "01022223333");
        var address = customer.Addresses.Single(a => a.IsPrimary);
        (address.Sido, address.Sigungu, address.Line).ShouldBe(("서울특별시", "서초구", "반포대로 1"));
    }

    [Fact]
    public async Task Today_RoleWithoutAList_ClearMessageAndApiSaysThereIsNone()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        await SeedAsync(factory);
        using var client = await factory.SignedInClientAsync("manager");

        var page = await client.GetStringAsync("/today");
        using var api = await client.GetAsync("/api/today");

        page.ShouldContain("data-testid=\"today-norole\"");
        api.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await api.Content.ReadAsStringAsync()).ShouldContain("No daily list");
        // Neither the menu nor the home offers a list the role does not have.
        (await client.GetStringAsync("/")).ShouldNotContain("href=\"/today\"");
    }

    /// <summary>The family with the demo logins linked, an item of the agent's (홍길동, listed yesterday) and one of another agent's.</summary>
    internal static async Task<(SeededFamily Family, long Mine, long Others)> SeedAsync(CrmWebFactory factory)
    {
        var family = await CustomerApiTests.SeedAsync(factory);
        await using var ctx = factory.Database.CreateContext();
        var ids = await WorkItemSeed.AddAsync(ctx,
            WorkItemSeed.Retention(family.AgentId, family.HongId, Today.AddDays(-1)),
            WorkItemSeed.Retention(family.TerminatedAgentId, family.SpouseId, Today),
            WorkItemSeed.CrossSell(family.AgentId, family.SpouseId, Today, ProductFamily.WholeLife, priority: 10));
        return (family, ids[0], ids[1]);
    }

    private static FormUrlEncodedContent Result(string html, string outcome, string notes, DateOnly? nextOn = null, DateOnly? appointmentOn = null, string? appointmentAt = null) => new(new Dictionary<string, string>
    {
        ["__RequestVerificationToken"] = CrmWebFactory.Token(html),
        ["_handler"] = "result",
        ["Result.Version"] = VersionPattern().Match(html).Groups[1].Value,
        ["Result.Channel"] = "Visit",
        ["Result.Notes"] = notes,
        ["Result.NextOn"] = nextOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
        ["Result.AppointmentOn"] = appointmentOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
        ["Result.AppointmentAt"] = appointmentAt ?? "",
        ["Result.Outcome"] = outcome,
    });

    private static FormUrlEncodedContent Contact(string html, string mobile, string sido, string sigungu, string line) => new(new Dictionary<string, string>
    {
        ["__RequestVerificationToken"] = CrmWebFactory.Token(html),
        ["_handler"] = "contact",
        ["Contact.Version"] = ContactVersionPattern().Match(html).Groups[1].Value,
        ["Contact.Mobile"] = mobile,
        ["Contact.Sido"] = sido,
        ["Contact.Sigungu"] = sigungu,
        ["Contact.Line"] = line,
    });

    [GeneratedRegex("name=\"Result.Version\" value=\"(\\d+)\"")]
    private static partial Regex VersionPattern();

    [GeneratedRegex("name=\"Contact.Version\" value=\"(\\d+)\"")]
    private static partial Regex ContactVersionPattern();

    [GeneratedRegex("(?:href|src)=\"((?:css|lib)/[^\"]+)\"")]
    private static partial Regex AssetPattern();
}
