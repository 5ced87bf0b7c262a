using System.Globalization;
using System.Net;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Core.Voc;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Web.Tests;

/// <summary>
/// VOC as an asset in the browser's HTML (issue 16, items 7 and 8): the dashboard's cards and tables whose numbers open the
/// list behind them, the CSV export (a reason required), the digest page, the compliment board and the praised agent's home
/// card, and the internal suggestion form any member of staff uses and follows. Fictional people.
/// </summary>
public sealed class VocInsightPagesTests
{
    private static int _n;

    private static VocCase Case(VocType type, string category, DateTime received, long? agentId = null, string text = "보험금 지급이 늦습니다") => new()
    {
        Number = "VOC-W-" + Interlocked.Increment(ref _n).ToString("D6", CultureInfo.InvariantCulture), Channel = VocChannel.CallCenter, Type = type,
        CategoryCode = category, Text = text, Subject = "제목 " + _n.ToString(CultureInfo.InvariantCulture), State = VocState.InProgress, ReceivedAt = received,
        CreatedBy = "test", AgentId = agentId,
    };

    private static async Task<long> SeedAsync(CrmWebFactory factory)
    {
        await using var ctx = factory.Database.CreateContext();
        var branch = new Branch { Code = "B-GN", Name = "강남지점", Sido = "서울특별시", Sigungu = "강남구" };
        ctx.Branches.Add(branch);
        await ctx.SaveChangesAsync();
        var agent = new Agent { Code = "FC-GN1", Name = "가나다", Kind = AgentKind.Fc, BranchId = branch.Id, HireDate = new(2020, 1, 1), Status = AgentStatus.Active };
        ctx.Agents.Add(agent);
        await ctx.SaveChangesAsync();
        var now = DateTime.UtcNow;
        ctx.VocCases.AddRange(
            Case(VocType.Complaint, "claims.delay", now.AddMinutes(-5), agent.Id),
            Case(VocType.Complaint, "claims.delay", now.AddMinutes(-6)),
            Case(VocType.Compliment, "service.branch", now.AddMinutes(-7), agent.Id, "가나다 설계사님이 정말 친절했어요 010-1111-2222"));
        var user = await ctx.Users.SingleAsync(u => u.UserName == "agent");
        user.AgentId = agent.Id;
        await ctx.SaveChangesAsync();
        return agent.Id;
    }

    [Fact]
    public async Task Dashboard_CardsTablesLinksAndCsv_AsHandler()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        using var handler = await factory.SignedInClientAsync("voc");
        await SeedAsync(factory);

        var page = await handler.GetStringAsync("/voc/dashboard");
        page.ShouldContain("VOC 대시보드");
        page.ShouldContain("data-testid=\"voc-dash-week\">3<");
        page.ShouldContain("data-testid=\"voc-dash-open\">3<");
        page.ShouldContain("지급 지연");
        page.ShouldContain("FC-GN1 가나다");
        // The bars are SVG widths: the Content-Security-Policy drops inline styles, which drew every bar at full width.
        page.ShouldNotContain("style=\"width");
        page.ShouldContain("<rect width=\"100\" height=\"10\"");
        var link = System.Text.RegularExpressions.Regex.Match(page, "href=\"(/voc/list\\?category=claims.delay[^\"]*)\" data-testid=\"voc-dash-total\"").Groups[1].Value;
        link.ShouldNotBeEmpty();
        var list = await handler.GetStringAsync(WebUtility.HtmlDecode(link));
        list.ShouldContain("조건에 맞는 건: 2건");
        using var bad = await handler.GetAsync("/voc/list?from=yesterday");
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync()).ShouldContain("읽을 수 없습니다: from");

        using var noReason = await handler.GetAsync("/voc/dashboard.csv?table=category");
        noReason.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var csv = await handler.GetStringAsync("/voc/dashboard.csv?table=agent&reason=audit");
        csv.ShouldContain("FC-GN1 가나다");
        csv.Split("\r\n")[0].ShouldStartWith("label,key,");

        using var agent = await factory.SignedInClientAsync("agent");
        using var refused = await agent.GetAsync("/voc/dashboard");
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task DigestPage_ShowsTheWeek_AndRefusesABadDate()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        using var analyst = await factory.SignedInClientAsync("analyst");
        await SeedAsync(factory);

        var page = await analyst.GetStringAsync("/voc/digest?week=" + DateTime.UtcNow.AddHours(9).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        page.ShouldContain("data-testid=\"voc-digest-total\">3<");
        page.ShouldContain("지급 지연");
        page.ShouldNotContain("010-1111-2222");
        using var bad = await analyst.GetAsync("/voc/digest?week=03/01");
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync()).ShouldContain("날짜가 아닙니다");
    }

    [Fact]
    public async Task Compliments_ReachThePraisedAgentsHome_AndTheBoardMasksTheWords()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        using var marketer = await factory.SignedInClientAsync("marketer");   // the host starts (and migrates) first
        await SeedAsync(factory);
        using var agent = await factory.SignedInClientAsync("agent");

        var home = await agent.GetStringAsync("/");
        home.ShouldContain("칭찬 1건 (최근 90일)");
        var board = await agent.GetStringAsync("/voc/compliments?mine=true");
        board.ShouldContain("○○○ 설계사님이 정말 친절했어요 ***");
        board.ShouldNotContain("010-1111-2222");
        (await marketer.GetStringAsync("/voc/compliments")).ShouldContain("data-testid=\"voc-praise-total\">1<");
        (await marketer.GetStringAsync("/")).ShouldNotContain("home-praise");
    }

    [Fact]
    public async Task Suggest_AsMarketer_BadInputKeepsTheTyping_ThenTheSuggestionIsListedWithItsState()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        using var marketer = await factory.SignedInClientAsync("marketer");
        var page = await marketer.GetStringAsync("/voc/suggest");
        page.ShouldContain("data-testid=\"voc-suggest-none\"");
        FormUrlEncodedContent Form(string html, string text) => new(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = CrmWebFactory.Token(html), ["_handler"] = "voc-suggest",
            ["Form.Category"] = "internal.workplace", ["Form.Subject"] = "회의실 예약", ["Form.Text"] = text,
        });

        using var empty = await marketer.PostAsync("/voc/suggest", Form(page, " "));
        empty.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var emptyHtml = await empty.Content.ReadAsStringAsync();
        emptyHtml.ShouldContain("내용이 비어 있습니다");
        emptyHtml.ShouldContain("value=\"회의실 예약\"");

        using var sent = await marketer.PostAsync("/voc/suggest", Form(page, "회의실 예약 시스템이 자주 겹칩니다."));
        sent.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var after = await marketer.GetStringAsync(sent.Headers.Location!.ToString());
        after.ShouldContain("data-testid=\"voc-suggest-sent\"");
        after.ShouldContain("회의실 예약");
        after.ShouldContain("data-testid=\"voc-suggest-row\"");
        await using var ctx = factory.Database.CreateContext();
        var c = await ctx.VocCases.SingleAsync();
        (c.Channel, c.Type, c.CategoryCode).ShouldBe((VocChannel.Internal, VocType.Suggestion, "internal.workplace"));
    }
}
