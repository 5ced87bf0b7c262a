using System.Globalization;
using System.Net;
using InsureCrm.Core.CallCenter.Reassign;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Web.Tests;

/// <summary>
/// The supervisor's reassignment page: from the live view's button to the form, a refusal said beside its field keeping the
/// choice, the move and what the consultants then see; consultants cannot open it; three languages. Fictional people.
/// </summary>
public sealed class CallCenterReassignPageTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Supervisor_MovesAConsultantsCalls_FromTheLiveView_AndTheyLeaveTheirQueue(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var s = await CallCenterPagesTests.SeedAsync(factory);
        long fromId, toId;
        await using (var ctx = db.CreateContext())
        {
            fromId = await ctx.Users.Where(u => u.UserName == "callcenter").Select(u => u.Id).SingleAsync();
            toId = await ctx.Users.Where(u => u.UserName == "cc2").Select(u => u.Id).SingleAsync();
        }
        using var supervisor = await factory.SignedInClientAsync("supervisor");
        using var cc = await factory.SignedInClientAsync("callcenter");
        using var cc2 = await factory.SignedInClientAsync("cc2");

        var live = await supervisor.GetStringAsync("/calls/live");
        var page = await supervisor.GetStringAsync($"/calls/reassign/{fromId}");
        using var picked = await supervisor.PostAsync($"/calls/reassign/{fromId}", Form(page, toId.ToString(CultureInfo.InvariantCulture), "우수고객 담당 변경",
            new() { ["Form.Items[0].Id"] = s.Happy.ToString(CultureInfo.InvariantCulture), ["Form.Items[1].Id"] = s.Interest.ToString(CultureInfo.InvariantCulture), ["Form.Items[1].On"] = "true" }));
        (picked.StatusCode, picked.StatusCode == HttpStatusCode.Redirect ? "" : await picked.Content.ReadAsStringAsync()).ShouldBe((HttpStatusCode.Redirect, ""));
        var afterPick = await supervisor.GetStringAsync(picked.Headers.Location!.OriginalString);
        var page2 = await supervisor.GetStringAsync($"/calls/reassign/{fromId}");
        using var noReason = await supervisor.PostAsync($"/calls/reassign/{fromId}", Form(page2, toId.ToString(CultureInfo.InvariantCulture), ""));
        var noReasonHtml = await noReason.Content.ReadAsStringAsync();
        using var moved = await supervisor.PostAsync($"/calls/reassign/{fromId}", Form(page2, toId.ToString(CultureInfo.InvariantCulture), "연차 휴가"));
        (moved.StatusCode, moved.StatusCode == HttpStatusCode.Redirect ? "" : System.Text.RegularExpressions.Regex.Match(await moved.Content.ReadAsStringAsync(), "field-error[^<]*<").Value)
            .ShouldBe((HttpStatusCode.Redirect, ""));
        var after = await supervisor.GetStringAsync(moved.Headers.Location!.OriginalString);
        var ccQueue = await cc.GetStringAsync("/calls");
        using var ccItem = await cc.GetAsync($"/calls/{s.Happy}");
        var cc2Queue = await cc2.GetStringAsync("/calls");
        var cc2Item = await cc2.GetStringAsync($"/calls/{s.Interest}");
        var emptied = await supervisor.GetStringAsync($"/calls/reassign/{fromId}");
        using var byConsultant = await cc.GetAsync($"/calls/reassign/{toId}");
        using var unknown = await supervisor.GetAsync("/calls/reassign/999999");
        var en = await supervisor.GetStringAsync($"/calls/reassign/{toId}?culture=en-US&ui-culture=en-US");
        var zh = await supervisor.GetStringAsync($"/calls/reassign/{toId}?culture=zh-TW&ui-culture=zh-TW");

        live.ShouldContain($"href=\"/calls/reassign/{fromId}\"", customMessage: "each consultant holding calls has a reassign button");
        page.ShouldContain("data-testid=\"move-open\">2<", customMessage: "what the consultant holds comes first");
        page.ShouldContain("data-user=\"cc2\"");
        page.ShouldContain($"data-item-id=\"{s.Happy}\"", customMessage: "each call can be picked");
        picked.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        afterPick.ShouldContain("callcenter의 콜 1건을 재배정했습니다", customMessage: "only the picked call moved");
        page2.ShouldContain("data-testid=\"move-open\">1<");
        noReason.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        noReasonHtml.ShouldContain("재배정 사유를 입력하세요");
        noReasonHtml.ShouldContain($"value=\"{toId}\" checked", Case.Sensitive, "the consultant chosen is kept");
        moved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        after.ShouldContain("callcenter의 콜 1건을 재배정했습니다");
        CallCenterPagesTests.RowIds(ccQueue).ShouldBeEmpty();
        ccItem.StatusCode.ShouldBe(HttpStatusCode.NotFound, "the former holder no longer opens the call");
        CallCenterPagesTests.RowIds(cc2Queue).ShouldBe([s.Happy, s.Interest, s.NotMine], ignoreOrder: true);
        emptied.ShouldContain("data-testid=\"move-nothing\"");
        cc2Item.ShouldContain("재배정 이력", customMessage: "the new holder sees where the call came from and why");
        cc2Item.ShouldContain("supervisor · 사유: 우수고객 담당 변경");
        byConsultant.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        en.ShouldContain("Reassign calls");
        en.ShouldContain("Spread over the consultants with the skill");
        zh.ShouldContain("重新分派電話");
        await using var check = db.CreateContext();
        var moves = await check.CallQueueMoves.AsNoTracking().ToListAsync();
        moves.Select(m => (m.ItemId, m.Reason)).ShouldBe([(s.Interest, "우수고객 담당 변경"), (s.Happy, "연차 휴가")], ignoreOrder: true);
        moves.ShouldAllBe(m => m.MovedBy == "supervisor" && m.ToUserId == toId);
    }

    private static FormUrlEncodedContent Form(string html, string to, string reason, Dictionary<string, string>? items = null)
    {
        var fields = new Dictionary<string, string>(items ?? [])
        {
            ["__RequestVerificationToken"] = CrmWebFactory.Token(html),
            ["_handler"] = "move",
            ["Form.To"] = to,
            ["Form.Kinds[0].Kind"] = "HappyCall",
            ["Form.Kinds[0].On"] = "true",
            ["Form.Kinds[1].Kind"] = "Interest",
            ["Form.Kinds[1].On"] = "true",
            ["Form.Reason"] = reason,
        };
        return new(fields);
    }
}
