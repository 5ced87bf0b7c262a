using System.Globalization;
using System.Net;
using InsureCrm.Core.CallCenter.Inbound;
using InsureCrm.Core.Common;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Security;
using InsureCrm.Core.Worklists;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Web.Tests;

/// <summary>
/// The call center's inbound console on the web (issue 15, point 1): the caller found by number, the reason asked before the
/// customer is shown, the summary, the call logged, a callback in quiet hours moved and one in the past refused with what was
/// typed kept, a sales need sent to the agent (and refused in words for a customer whose agent left), the callbacks list and
/// the home card; in three languages, and refused to other roles. The seeded family: 홍길동 (agent active), 홍길순 (agent left).
/// </summary>
public sealed class InboundConsolePagesTests
{
    private static readonly TimeZoneInfo Seoul = TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");

    private static string Open(long id, string extra = "") =>
        $"/calls/inbound?q=010-1234-5678&id={id.ToString(CultureInfo.InvariantCulture)}&reason=inquiry{extra}";

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Console_FindsTheCallerByNumber_AsksAReasonFirst_ThenShowsTheSummary(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        using var client = await factory.SignedInClientAsync("callcenter");

        var empty = await client.GetStringAsync("/calls/inbound");
        var found = await client.GetStringAsync("/calls/inbound?q=" + Uri.EscapeDataString("+82 10 1234 5678"));
        var opened = await client.GetStringAsync(Open(family.HongId));
        var none = await client.GetStringAsync("/calls/inbound?q=010-9999-0000");

        empty.ShouldContain("autofocus");
        empty.ShouldContain("data-testid=\"inbound-shortcuts\"");
        empty.ShouldContain("상담 기록");
        empty.ShouldContain("accesskey=\"f\"");
        // One match: the reason to open is asked before anything of the customer is shown (the merged duplicate is not listed).
        found.ShouldContain("data-testid=\"inbound-reason\"");
        found.ShouldContain($"name=\"id\" value=\"{family.HongId}\"");
        found.ShouldNotContain("data-testid=\"inbound-summary\"");
        found.ShouldNotContain("홍길동");
        opened.ShouldContain("data-testid=\"inbound-summary\"");
        opened.ShouldContain("홍길동");
        opened.ShouldContain("L2024000001");
        opened.ShouldContain("data-testid=\"inbound-log-submit\"");
        none.ShouldContain("일치하는 고객 없음: 010-9999-0000");
        none.ShouldContain("value=\"010-9999-0000\"", customMessage: "the typed number is kept");
        none.ShouldContain("href=\"/customers\"");
        await using var read = db.CreateContext();
        var views = await read.Set<AccessLogEntry>().Where(e => e.CustomerId == family.HongId && e.Action == AccessAction.View && e.UserName == "callcenter").ToListAsync();
        views.ShouldNotBeEmpty();
        views.ShouldAllBe(e => e.Reason == "inquiry");
    }

    [Fact]
    public async Task Console_RendersInEveryLanguage_AndIsRefusedToOtherRoles()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        using var callcenter = await factory.SignedInClientAsync("callcenter");
        using var agent = await factory.SignedInClientAsync("agent");
        using var compliance = await factory.SignedInClientAsync("compliance");

        var ko = await callcenter.GetStringAsync(Open(family.HongId, "&culture=ko-KR&ui-culture=ko-KR"));
        var en = await callcenter.GetStringAsync(Open(family.HongId, "&culture=en-US&ui-culture=en-US"));
        var zh = await callcenter.GetStringAsync(Open(family.HongId, "&culture=zh-TW&ui-culture=zh-TW"));
        using var agentPage = await agent.GetAsync("/calls/inbound");
        using var agentCallbacks = await agent.GetAsync("/calls/callbacks");
        using var compliancePage = await compliance.GetAsync(Open(family.HongId));

        ko.ShouldContain("인바운드 상담 콘솔");
        ko.ShouldContain("보험금 청구 › 청구 서류 안내");
        en.ShouldContain("Inbound console");
        en.ShouldContain("Claims › Documents needed for a claim");
        zh.ShouldContain("進線服務台");
        zh.ShouldContain("保險金申請 › 申請文件說明");
        foreach (var page in new[] { ko, en, zh })
        {
            page.ShouldNotMatch(@"inbound\.(?!css)", "no string key is left unworded");
            StrictMarkup.ShouldHaveNoInlineScriptOrStyle(page);
        }
        agentPage.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        agentCallbacks.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        compliancePage.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Console_LogsTheCall_SchedulesCallbacks_AndSendsTheSalesNeedToTheAgent(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        using var client = await factory.SignedInClientAsync("callcenter");
        var url = Open(family.HongId);
        var page = await client.GetStringAsync(url);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Seoul).DateTime);
        var tomorrowNight = today.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T22:30";
        var yesterday = today.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T10:00";

        using var noReason = await client.PostAsync(url, Form(page, "log", ("Log.Reason", ""), ("Log.Outcome", "Resolved"), ("Log.Notes", "주소 변경 문의")));
        var noReasonHtml = await noReason.Content.ReadAsStringAsync();
        using var logged = await client.PostAsync(url, Form(page, "log", ("Log.Reason", "complaint.service"), ("Log.Outcome", "Transferred"), ("Log.Notes", "응대 지연 불만")));
        using var past = await client.PostAsync(url, Form(page, "callback", ("Callback.At", yesterday), ("Callback.Note", "서류 확인"), ("Callback.Team", "false")));
        var pastHtml = await past.Content.ReadAsStringAsync();
        using var night = await client.PostAsync(url, Form(page, "callback", ("Callback.At", tomorrowNight), ("Callback.Note", "서류 확인"), ("Callback.Team", "false")));
        var afterCallback = await client.GetStringAsync(night.Headers.Location!.OriginalString);
        using var noAgent = await client.PostAsync(Open(family.SpouseId), Form(page, "referral", ("Referral.Family", "Health"), ("Referral.Note", "실손 문의")));
        var noAgentHtml = await noAgent.Content.ReadAsStringAsync();
        using var referred = await client.PostAsync(url, Form(page, "referral", ("Referral.Family", "Annuity"), ("Referral.Note", "연금 전환 문의")));

        noReason.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        noReasonHtml.ShouldContain("상담 사유를 고르세요");
        noReasonHtml.ShouldContain("주소 변경 문의</textarea>", customMessage: "what was typed is kept");
        logged.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        logged.Headers.Location!.OriginalString.ShouldContain("logged=1");
        var afterLog = await client.GetStringAsync(logged.Headers.Location!.OriginalString);
        past.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        pastHtml.ShouldContain("지난 시간에는 콜백을 예약할 수 없습니다");
        pastHtml.ShouldContain($"value=\"{yesterday}\"", customMessage: "the time typed is kept");
        night.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        afterCallback.ShouldContain("data-testid=\"inbound-callback-moved\"");
        afterCallback.ShouldContain("연락 금지 시간(21시~08시)");
        noAgent.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        noAgentHtml.ShouldContain("담당 설계사가 없어");
        referred.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        await using var read = db.CreateContext();
        var call = await read.Interactions.AsNoTracking().SingleAsync(i => i.CustomerId == family.HongId && i.Channel == InteractionChannel.CallCenter);
        call.Direction.ShouldBe(InteractionDirection.Inbound);
        call.Purpose.ShouldBe(InteractionPurpose.Complaint);
        call.Notes.ShouldBe("응대 지연 불만");
        var contact = await read.InboundContacts.SingleAsync();
        contact.VocRequested.ShouldBeTrue();
        logged.Headers.Location!.OriginalString.ShouldContain($"voc={contact.Id}");
        afterLog.ShouldContain($"href=\"/voc/new?inbound={contact.Id}\"", customMessage: "the consultant can write the VOC case at once");
        var callback = await read.Callbacks.AsNoTracking().SingleAsync();
        callback.MovedBecause.ShouldNotBeNull();
        var due = TimeZoneInfo.ConvertTime(new DateTimeOffset(DateTime.SpecifyKind(callback.DueAt, DateTimeKind.Utc)), Seoul);
        due.TimeOfDay.ShouldBe(TimeSpan.FromHours(8));
        var item = await read.WorkItems.AsNoTracking().SingleAsync(i => i.Action == WorkAction.Referral);
        item.CustomerId.ShouldBe(family.HongId);
        item.AgentId.ShouldBe(family.AgentId);
        item.State.ShouldBe(WorkItemState.Open);
        (await read.WorkItems.CountAsync(i => i.CustomerId == family.SpouseId)).ShouldBe(0);
    }

    [Fact]
    public async Task CallbacksDue_OnTheCallCenterHome_AndMarkedDoneFromTheList()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        await using (var ctx = db.CreateContext())
        {
            var now = DateTime.UtcNow;
            ctx.Callbacks.AddRange(
                new Callback { CustomerId = family.HongId, DueAt = now.AddHours(-1), RequestedAt = now.AddHours(-1), AssignedTo = "callcenter", CreatedBy = "callcenter", CreatedAt = now.AddHours(-3), Status = CallbackStatus.Due, Note = "서류 확인" },
                new Callback { CustomerId = family.SpouseId, DueAt = now.AddMinutes(1), RequestedAt = now.AddMinutes(1), AssignedTo = "someone-else", CreatedBy = "someone-else", CreatedAt = now, Status = CallbackStatus.Due });
            await ctx.SaveChangesAsync();
        }
        using var client = await factory.SignedInClientAsync("callcenter");
        using var agent = await factory.SignedInClientAsync("agent");

        var home = await client.GetStringAsync("/");
        var agentHome = await agent.GetStringAsync("/");
        var list = await client.GetStringAsync("/calls/callbacks");
        using var done = await client.PostAsync("/calls/callbacks", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = CrmWebFactory.Token(list),
            ["_handler"] = "done-" + (await FirstCallbackIdAsync(db)).ToString(CultureInfo.InvariantCulture),
        }));
        var after = await client.GetStringAsync("/calls/callbacks");

        home.ShouldContain("data-testid=\"home-callbacks\"");
        home.ShouldContain("홍길동");
        home.ShouldNotContain("홍길순", customMessage: "another consultant's callback is not on this home");
        home.ShouldContain($"/calls/inbound?id={family.HongId}");
        agentHome.ShouldNotContain("data-testid=\"home-callbacks\"");
        list.ShouldContain("서류 확인");
        done.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        after.ShouldContain("data-testid=\"callbacks-empty\"");
    }

    private static async Task<long> FirstCallbackIdAsync(TestDatabase db)
    {
        await using var ctx = db.CreateContext();
        return await ctx.Callbacks.Where(c => c.AssignedTo == "callcenter").Select(c => c.Id).SingleAsync();
    }

    private static FormUrlEncodedContent Form(string html, string handler, params (string Key, string Value)[] fields)
    {
        var all = new Dictionary<string, string> { ["__RequestVerificationToken"] = CrmWebFactory.Token(html), ["_handler"] = handler };
        foreach (var (key, value) in fields)
        {
            all[key] = value;
        }
        return new FormUrlEncodedContent(all);
    }
}
