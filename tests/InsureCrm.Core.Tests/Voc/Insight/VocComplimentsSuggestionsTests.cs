using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Core.Voc;
using InsureCrm.Core.Voc.Insight;
using InsureCrm.Tests.Worklists;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Tests.Voc.Insight;

/// <summary>
/// The compliment board (the last 90 days by agent and branch, masked words, the praised agent's count) and internal
/// suggestions (any member of staff, routed as a case, followed by the submitter). Fictional people.
/// </summary>
public sealed class VocComplimentsSuggestionsTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Board_LastNinetyDays_ByAgentAndBranch_WordsMasked_AndTheAgentsCount(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var gangnam = await WorklistKit.BranchAsync(ctx, "B-GN", "강남지점");
        var praised = await WorklistKit.AgentAsync(ctx, gangnam, "FC-GN1", "가나다");
        var other = await WorklistKit.AgentAsync(ctx, gangnam, "CS-GN2", "라마바", AgentKind.Cs);
        var now = kit.Clock.Now.UtcDateTime;
        var cases = new[]
        {
            VocDashboardTests.Case(VocType.Compliment, "service.branch", now.AddDays(-1), agentId: praised.Id),
            VocDashboardTests.Case(VocType.Compliment, "service.branch", now.AddDays(-30), agentId: praised.Id),
            VocDashboardTests.Case(VocType.Compliment, "service.branch", now.AddDays(-2), agentId: other.Id),
            VocDashboardTests.Case(VocType.Compliment, "service.branch", now.AddDays(-100), agentId: praised.Id),   // too old
            VocDashboardTests.Case(VocType.Complaint, "agent.attitude", now.AddDays(-1), agentId: praised.Id),     // not praise
        };
        cases[0].Text = "가나다 설계사님 덕분에 보험금을 빨리 받았습니다. 제 번호는 010-2222-3333입니다.";
        ctx.VocCases.AddRange(cases);
        await ctx.SaveChangesAsync();
        var compliments = new VocCompliments(ctx, kit.Clock);

        (await compliments.CountForAgentAsync(praised.Id)).ShouldBe(2);
        var board = await compliments.BoardAsync();
        board.Total.ShouldBe(3);
        board.ByAgent[0].Label.ShouldBe("FC-GN1 가나다");
        board.ByAgent[0].Count.ShouldBe(2);
        board.ByBranch.Single().Count.ShouldBe(3);
        board.Items[0].Text.ShouldBe("○○○ 설계사님 덕분에 보험금을 빨리 받았습니다. 제 번호는 ***입니다.");
        board.Items[0].BranchName.ShouldBe("강남지점");
        (await compliments.BoardAsync(other.Id)).Items.Single().AgentKind.ShouldBe(AgentKind.Cs);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Suggest_AnyStaff_RoutedAsAnInternalSuggestion_TheSubmitterFollowsItAndReadsTheAnswer(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var handler = await kit.UserAsync("cs-handler", Role.VocHandler);
        await kit.MemberAsync("CS", handler, head: true);
        var analyst = await kit.UserAsync("analyst1", Role.Analyst);   // no voc:intake, still may suggest
        var suggestions = new VocSuggestions(ctx, kit.Intake);

        var bad = await suggestions.SubmitAsync(analyst, "x", "청구 시스템 개선", "claims.delay");
        bad.Status.ShouldBe(VocIntakeStatus.Invalid);
        bad.ErrorList.Single().Code.ShouldBe("category.not-internal");
        var empty = await suggestions.SubmitAsync(analyst, "x", "  ", "internal.system");
        empty.ErrorList.Single().Code.ShouldBe("text.empty");

        var ok = await suggestions.SubmitAsync(analyst, "보고서 자동화", "월간 보고서를 매번 수작업으로 만듭니다. 자동화해 주세요.", "internal.system");

        ok.Status.ShouldBe(VocIntakeStatus.Opened);
        var c = await kit.CaseAsync(ok.CaseId!.Value);
        (c.Channel, c.Type, c.CategoryCode).ShouldBe((VocChannel.Internal, VocType.Suggestion, "internal.system"));
        c.CreatedByUserId.ShouldBe(analyst.UserId);
        c.OwnerUserId.ShouldBe(handler.UserId);   // internal goes to CS
        c.ResolutionDueAt.ShouldNotBeNull();
        var mine = await suggestions.MineAsync(analyst);
        mine.Single().State.ShouldBe(VocState.Assigned);
        (await kit.Cases.ResolveAsync(handler, c.Id, new VocResolution("다음 분기에 자동화합니다.", false, VocCause.Process, null, ServiceGap.Design))).Status.ShouldBe(VocActionStatus.Done);
        mine = await suggestions.MineAsync(analyst);
        (mine.Single().State, mine.Single().Answer).ShouldBe((VocState.Resolved, "다음 분기에 자동화합니다."));
        (await suggestions.MineAsync(handler)).ShouldBeEmpty();
        (await ctx.VocCases.CountAsync()).ShouldBe(1);
    }
}
