using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using InsureCrm.Core.Agents;
using InsureCrm.Core.CallCenter;
using InsureCrm.Core.Common;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Web.Tests;

/// <summary>
/// The call center's outbound pages (issue 15): the consultant's queue and call page (an item not theirs answers 404; a bad
/// call-back or a "no" without a note is refused in words keeping the typing), a happy call with a failed checklist item
/// reaching the selling branch's manager only, the supervisor's live view, three languages. Fictional people.
/// </summary>
public sealed partial class CallCenterPagesTests
{
    private static readonly TimeZoneInfo Seoul = TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");
    private static DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Seoul).DateTime);

    internal sealed record Seeded(long Happy, long Interest, long NotMine, long BranchId);

    /// <summary>
    /// The family (its agent sells a new contract to 홍길동 two days ago: the happy call), the demo consultant holding it and an
    /// interest call on the spouse, a second consultant holding another, a second branch with its own manager ("manager2").
    /// </summary>
    internal static async Task<Seeded> SeedAsync(CrmWebFactory factory)
    {
        var family = await CustomerApiTests.SeedAsync(factory);
        await using var ctx = factory.Database.CreateContext();
        var product = await ctx.Products.FirstAsync(p => !p.IsRider && p.Line == ProductLine.Life);
        var contract = new Contract
        {
            ContractNumber = "HC-0001", ProductId = product.Id, CustomerId = family.HongId, SumAssured = 50_000_000, Premium = 80_000,
            PaymentMode = PaymentMode.Monthly, PaymentMethod = PaymentMethod.AutoDebit, IssueDate = Today.AddDays(-2), SellingAgentId = family.AgentId,
            ServicingAgentId = family.AgentId, Channel = SalesChannel.Fc, Status = ContractStatus.InForce, StatusDate = Today.AddDays(-2),
        };
        ctx.Contracts.Add(contract);
        var other = new Branch { Code = "B-BS", Name = "해운대지점", Sido = "부산광역시", Sigungu = "해운대구" };
        ctx.Branches.Add(other);
        await ctx.SaveChangesAsync();
        var manager = await ctx.Users.SingleAsync(u => u.UserName == "manager");
        manager.BranchId = family.BranchId;
        AddUser(ctx, "manager2", Role.BranchManager, other.Id);
        AddUser(ctx, "cc2", Role.CallCenter, null);
        await ctx.SaveChangesAsync();
        var me = await ctx.Users.SingleAsync(u => u.UserName == "callcenter");
        var cc2 = await ctx.Users.SingleAsync(u => u.UserName == "cc2");
        var now = DateTime.UtcNow.AddHours(-1);
        CallQueueItem Item(long customer, QueueKind kind, long user, long? contractId, string facts) => new()
        {
            CustomerId = customer, Kind = kind, ContractId = contractId, EnteredOn = Today, DueOn = Today.AddDays(5), AssignedUserId = user,
            AssignedOn = Today, State = QueueItemState.Open, NextAttemptAt = now, Facts = facts,
        };
        var happy = Item(family.HongId, QueueKind.HappyCall, me.Id, contract.Id,
            $"{{\"product\":\"{product.Name}\",\"issued\":\"{Today.AddDays(-2):yyyy-MM-dd}\"}}");
        var interest = Item(family.SpouseId, QueueKind.Interest, me.Id, null, "{\"grade\":\"A\",\"months\":\"6\"}");
        var notMine = Item(family.SpouseId, QueueKind.Interest, cc2.Id, null, "{\"grade\":\"B\",\"months\":\"6\"}");
        ctx.CallQueueItems.AddRange(happy, interest, notMine);
        await ctx.SaveChangesAsync();
        return new(happy.Id, interest.Id, notMine.Id, family.BranchId);
    }

    private static void AddUser(CrmDbContext ctx, string name, Role role, long? branchId) => ctx.Users.Add(new AppUser
    {
        UserName = name, NormalizedUserName = AppUser.Normalize(name), DisplayName = name, Role = role, BranchId = branchId,
        PasswordHash = PasswordHashing.Hash(DemoUsers.Password), CreatedAt = DateTime.UtcNow, SecurityStamp = AppUser.NewStamp(),
        ConcurrencyStamp = AppUser.NewStamp(),
    });

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task HappyCall_FailedChecklistFromThePage_ReachesTheSellingBranchOnly_BadInputKeepsTheTyping(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var s = await SeedAsync(factory);
        using var cc = await factory.SignedInClientAsync("callcenter");
        using var manager = await factory.SignedInClientAsync("manager");
        using var manager2 = await factory.SignedInClientAsync("manager2");

        var queue = await cc.GetStringAsync("/calls");
        using var notMine = await cc.GetAsync($"/calls/{s.NotMine}");
        var form = await cc.GetStringAsync($"/calls/{s.Happy}");
        var noChecks = Yes();
        noChecks["Form.CopiesReceived"] = "no";
        using var noNote = await cc.PostAsync($"/calls/{s.Happy}", Post(form, "Completed", "", null, noChecks));
        var noNoteHtml = await noNote.Content.ReadAsStringAsync();
        using var past = await cc.PostAsync($"/calls/{s.Happy}", Post(form, "CallBack", "다시 전화", "2020-01-01T10:00", []));
        var pastHtml = await past.Content.ReadAsStringAsync();
        using var saved = await cc.PostAsync($"/calls/{s.Happy}", Post(form, "Completed", "증권을 받지 못했다고 함", null, noChecks));
        var after = await cc.GetStringAsync(saved.Headers.Location!.OriginalString);
        var escalations = await manager.GetStringAsync("/calls/escalations");
        var managerHome = await manager.GetStringAsync("/");
        var otherBranch = await manager2.GetStringAsync("/calls/escalations");

        Testid(queue, "calls-due-now").ShouldBe("2");
        RowIds(queue).ShouldBe([s.Happy, s.Interest], ignoreOrder: true);
        queue.ShouldContain("· 7일 내 해피콜", customMessage: "why the call is worded from the stored facts");
        queue.ShouldNotContain("홍길동", customMessage: "the queue masks the names");
        notMine.StatusCode.ShouldBe(HttpStatusCode.NotFound, "another consultant's item answers like an unknown one");
        form.ShouldContain("data-testid=\"checklist\"");
        form.ShouldContain("href=\"/customers/");
        noNote.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Testid(noNoteHtml, "note-error").ShouldContain("메모를 입력하세요");
        noNoteHtml.ShouldContain("value=\"no\" checked", Case.Sensitive, "the answers typed are kept");
        past.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Testid(pastHtml, "callback-error").ShouldContain("재통화 시각이 지났습니다");
        pastHtml.ShouldContain("다시 전화</textarea>", customMessage: "the note typed is kept");
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        after.ShouldContain("지점에 에스컬레이션했습니다");
        Testid(after, "calls-done-today").ShouldBe("1");
        RowIds(after).ShouldBe([s.Interest]);
        escalations.ShouldContain("HC-0001");
        Testid(escalations, "esc-failed").ShouldContain("부본·약관 수령");
        escalations.ShouldContain("플래그 1건");
        managerHome.ShouldContain("data-testid=\"home-escalations\"");
        managerHome.ShouldContain("미해결 1건");
        otherBranch.ShouldContain("data-testid=\"esc-empty\"", Case.Sensitive, "another branch's manager does not see it");
        await using var check = db.CreateContext();
        var item = await check.CallQueueItems.SingleAsync(i => i.Id == s.Happy);
        (item.State, item.LastOutcome, item.Attempts).ShouldBe((QueueItemState.Done, CallOutcomeCode.Completed, 1));
        var esc = await check.CallEscalations.SingleAsync();
        (esc.BranchId, esc.Failed, esc.OpenedBy).ShouldBe((s.BranchId, "CopiesReceived", "callcenter"));
        (await check.Interactions.CountAsync(i => i.SourceKey == $"CCQ-{s.Happy}-1" && i.Purpose == InteractionPurpose.HappyCall)).ShouldBe(1);
    }

    [Fact]
    public async Task CallBackInQuietHours_MovedAndSaid_LivePageInThreeLanguages_RolesWithoutIt403()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        var s = await SeedAsync(factory);
        using var cc = await factory.SignedInClientAsync("callcenter");
        using var supervisor = await factory.SignedInClientAsync("supervisor");
        using var agent = await factory.SignedInClientAsync("agent");

        var form = await cc.GetStringAsync($"/calls/{s.Interest}");
        var late = Today.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T22:30";
        using var saved = await cc.PostAsync($"/calls/{s.Interest}", Post(form, "CallBack", "밤에 통화 원함", late, []));
        var after = await cc.GetStringAsync(saved.Headers.Location!.OriginalString);
        var ko = await supervisor.GetStringAsync("/calls/live");
        var en = await supervisor.GetStringAsync("/calls/live?culture=en-US&ui-culture=en-US");
        var zh = await supervisor.GetStringAsync("/calls/live?culture=zh-TW&ui-culture=zh-TW");
        var ccEn = await cc.GetStringAsync("/calls?culture=en-US&ui-culture=en-US");
        var ccZh = await cc.GetStringAsync($"/calls/{s.Happy}?culture=zh-TW&ui-culture=zh-TW");
        var supervisorHome = await supervisor.GetStringAsync("/");
        using var agentCalls = await agent.GetAsync("/calls");
        using var ccLive = await cc.GetAsync("/calls/live");

        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        after.ShouldContain($"{Today.AddDays(2):yyyy-MM-dd} 08:00(으)로 옮겼습니다", customMessage: "22:30 is in quiet hours: the next morning, and the user is told");
        ko.ShouldContain("hx-trigger=\"every 30s\"");
        ko.ShouldContain("해피콜 완료율");
        Testid(ko, "live-open").ShouldBe("3");
        en.ShouldContain("Happy-call completion");
        en.ShouldContain("By consultant");
        zh.ShouldContain("關懷電話完成率");
        ccEn.ShouldContain("My call queue");
        ccEn.ShouldContain("Interest customer · value grade A");
        ccZh.ShouldContain("完整銷售檢核");
        supervisorHome.ShouldContain("data-testid=\"home-calls-live\"");
        supervisorHome.ShouldContain("href=\"/calls/live\"");
        agentCalls.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        ccLive.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await agent.GetStringAsync("/")).ShouldNotContain("href=\"/calls\"", Case.Sensitive, "no menu entry for a role without the page");
    }

    private static Dictionary<string, string> Yes() => Enum.GetValues<ChecklistItem>().ToDictionary(c => "Form." + c, _ => "yes");

    private static FormUrlEncodedContent Post(string html, string outcome, string note, string? callBack, Dictionary<string, string> checks)
    {
        var fields = new Dictionary<string, string>(checks)
        {
            ["__RequestVerificationToken"] = CrmWebFactory.Token(html),
            ["_handler"] = "call",
            ["Form.Outcome"] = outcome,
            ["Form.Note"] = note,
        };
        if (callBack is not null)
        {
            fields["Form.CallBack"] = callBack;
        }
        return new(fields);
    }

    internal static List<long> RowIds(string html) =>
        [.. RowPattern().Matches(html).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    private static string Testid(string html, string id)
    {
        var m = Regex.Match(html, $"data-testid=\"{id}\"[^>]*>([^<]*)<");
        m.Success.ShouldBeTrue($"no {id} on the page");
        return m.Groups[1].Value;
    }

    [GeneratedRegex("data-testid=\"call-row\" data-item-id=\"(\\d+)\"")]
    private static partial Regex RowPattern();
}
