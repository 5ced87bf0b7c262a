using InsureCrm.Core.CallCenter;
using InsureCrm.Core.CallCenter.Reassign;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Tests.Security;
using InsureCrm.Tests.Worklists;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace InsureCrm.Tests.CallCenter;

/// <summary>
/// A supervisor's reassignment of a consultant's open calls (one consultant, or spread by skill and load), its refusals, and
/// the night's release of the calls an inactive account held. Fictional people.
/// </summary>
public sealed class QueueReassignmentTests
{
    private static QueueReassignment Service(CrmDbContext ctx) =>
        new(ctx, CallCenterKit.Policy(), new FixedClock(CallCenterKit.Now), NullLogger<QueueReassignment>.Instance);

    private static async Task<CallQueueItem> CallBackAsync(CrmDbContext ctx, long customerId, CrmUser user, DateTime at)
    {
        var item = await CallCenterKit.ItemAsync(ctx, customerId, user, QueueKind.HappyCall);
        item.State = QueueItemState.InProgress;
        item.LastOutcome = CallOutcomeCode.CallBack;
        item.Attempts = 1;
        item.NextAttemptAt = at;
        await ctx.SaveChangesAsync();
        return item;
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ToOneConsultant_MovesTheQueuesTheyTake_KeepsTheCallBackTime_AndTheFormerHolderCanNoLongerRecord(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var away = await CallCenterKit.UserAsync(ctx, "cc-away");
        var happyOnly = await CallCenterKit.UserAsync(ctx, "cc-happy");
        var boss = await CallCenterKit.UserAsync(ctx, "boss", Role.CallCenterSupervisor);
        await CallCenterKit.Queues(ctx, db).SetSkillsAsync("cc-happy", [QueueKind.HappyCall]);
        var customer = await WorklistKit.CustomerAsync(ctx, "고객");
        var happy = await CallCenterKit.ItemAsync(ctx, customer.Id, away, QueueKind.HappyCall);
        var promised = CallCenterKit.Now.UtcDateTime.AddDays(1).AddHours(2);
        var callBack = await CallBackAsync(ctx, customer.Id, away, promised);
        var interest = await CallCenterKit.ItemAsync(ctx, customer.Id, away, QueueKind.Interest);
        var before = await ctx.CallQueueItems.AsNoTracking().Where(i => i.Id == happy.Id).Select(i => i.Version).SingleAsync();

        var result = await Service(ctx).ReassignAsync(boss, new ReassignRequest(away.UserId, happyOnly.UserId, null, "  휴가  "));

        result.Status.ShouldBe(ReassignStatus.Moved);
        result.MovedTo.ShouldBe(new Dictionary<long, int> { [happyOnly.UserId] = 2 });
        result.Stayed.ShouldBe(new Dictionary<QueueKind, int> { [QueueKind.Interest] = 1 }, "the happy-call consultant does not take interest calls");
        var items = await ctx.CallQueueItems.AsNoTracking().ToDictionaryAsync(i => i.Id);
        items[happy.Id].AssignedUserId.ShouldBe(happyOnly.UserId);
        items[happy.Id].Version.ShouldBe(before + 1, "the former holder's open form is refused as changed");
        items[callBack.Id].AssignedUserId.ShouldBe(happyOnly.UserId);
        items[callBack.Id].NextAttemptAt.ShouldBe(promised, TimeSpan.FromSeconds(1), "the call-back keeps the time promised to the customer");
        (items[callBack.Id].State, items[callBack.Id].Attempts).ShouldBe((QueueItemState.InProgress, 1));
        items[interest.Id].AssignedUserId.ShouldBe(away.UserId);
        var moves = await ctx.CallQueueMoves.AsNoTracking().OrderBy(m => m.ItemId).ToListAsync();
        moves.Select(m => m.ItemId).ShouldBe([happy.Id, callBack.Id]);
        moves.ShouldAllBe(m => m.FromUserId == away.UserId && m.ToUserId == happyOnly.UserId && m.MovedBy == "boss" && m.Reason == "휴가");
        var queues = CallCenterKit.Queues(ctx, db);
        (await queues.QueueAsync(away)).Rows.Select(r => r.Id).ShouldBe([interest.Id]);
        (await queues.QueueAsync(happyOnly)).Rows.Select(r => r.Id).ShouldBe([happy.Id, callBack.Id], ignoreOrder: true);
        (await queues.RecordAsync(away, happy.Id, new CallEntry(CallOutcomeCode.NoAnswer, null, null, null))).Status.ShouldBe(CallRecordStatus.NotFound);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Spread_GoesToTheFewestOpenWithTheSkill_OnlyTheQueuesChosen(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var away = await CallCenterKit.UserAsync(ctx, "cc-a");
        var busy = await CallCenterKit.UserAsync(ctx, "cc-b");
        var idle = await CallCenterKit.UserAsync(ctx, "cc-c");
        var happyOnly = await CallCenterKit.UserAsync(ctx, "cc-d");
        var boss = await CallCenterKit.UserAsync(ctx, "boss", Role.CallCenterSupervisor);
        await CallCenterKit.Queues(ctx, db).SetSkillsAsync("cc-d", [QueueKind.HappyCall]);
        var customer = await WorklistKit.CustomerAsync(ctx, "고객");
        for (var i = 0; i < 2; i++)
        {
            await CallCenterKit.ItemAsync(ctx, customer.Id, busy, QueueKind.Interest);
        }
        for (var i = 0; i < 4; i++)
        {
            await CallCenterKit.ItemAsync(ctx, customer.Id, away, QueueKind.Interest);
        }
        var kept = await CallCenterKit.ItemAsync(ctx, customer.Id, away, QueueKind.HappyCall);

        var result = await Service(ctx).ReassignAsync(boss, new ReassignRequest(away.UserId, null, [QueueKind.Interest], "퇴사"));

        result.Status.ShouldBe(ReassignStatus.Moved);
        result.Stayed.ShouldBeEmpty();
        // The idle consultant takes until level with the busy one (2 each), then they alternate: 3 and 1.
        result.MovedTo.ShouldBe(new Dictionary<long, int> { [idle.UserId] = 3, [busy.UserId] = 1 });
        var held = await ctx.CallQueueItems.AsNoTracking().GroupBy(i => i.AssignedUserId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key!.Value, g => g.Count);
        (held[away.UserId], held[busy.UserId], held[idle.UserId]).ShouldBe((1, 3, 3));
        held.ShouldNotContainKey(happyOnly.UserId);
        (await ctx.CallQueueItems.AsNoTracking().SingleAsync(i => i.Id == kept.Id)).AssignedUserId.ShouldBe(away.UserId, "the happy-call queue was not chosen");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Refusals_NameWhatIsWrong_AndMoveNothing(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var away = await CallCenterKit.UserAsync(ctx, "cc-a");
        var happyOnly = await CallCenterKit.UserAsync(ctx, "cc-happy");
        var gone = await CallCenterKit.UserAsync(ctx, "cc-gone");
        var boss = await CallCenterKit.UserAsync(ctx, "boss", Role.CallCenterSupervisor);
        var agent = await CallCenterKit.UserAsync(ctx, "agent1", Role.Agent);
        await CallCenterKit.Queues(ctx, db).SetSkillsAsync("cc-happy", [QueueKind.HappyCall]);
        var user = await ctx.Users.SingleAsync(u => u.Id == gone.UserId);
        user.IsActive = false;
        await ctx.SaveChangesAsync();
        var customer = await WorklistKit.CustomerAsync(ctx, "고객");
        await CallCenterKit.ItemAsync(ctx, customer.Id, away, QueueKind.Interest);
        var service = Service(ctx);

        async Task<string> Refused(CrmUser by, ReassignRequest r)
        {
            var result = await service.ReassignAsync(by, r);
            result.Status.ShouldNotBe(ReassignStatus.Moved);
            result.Moved.ShouldBe(0);
            return string.Join(",", result.Errors.Select(e => $"{e.Key}:{e.Value}"));
        }

        (await Refused(away, new(away.UserId, happyOnly.UserId, null, "x"))).ShouldBe("from:from.notFound", "a consultant may not move calls");
        (await Refused(boss, new(agent.UserId, happyOnly.UserId, null, "x"))).ShouldBe("from:from.notFound", "not a call-center account, holding nothing");
        (await Refused(boss, new(away.UserId, happyOnly.UserId, null, " "))).ShouldBe("reason:reason.required");
        (await Refused(boss, new(away.UserId, happyOnly.UserId, null, new string('가', 501)))).ShouldBe("reason:reason.long");
        (await Refused(boss, new(away.UserId, away.UserId, null, "x"))).ShouldBe("to:to.same");
        (await Refused(boss, new(away.UserId, gone.UserId, null, "x"))).ShouldBe("to:to.invalid", "an inactive account takes nothing");
        (await Refused(boss, new(away.UserId, happyOnly.UserId, [QueueKind.HappyCall], "x"))).ShouldBe("kinds:items.none");
        (await Refused(boss, new(away.UserId, happyOnly.UserId, null, "x"))).ShouldBe("to:to.noSkill");
        (await ctx.CallQueueItems.AsNoTracking().SingleAsync()).AssignedUserId.ShouldBe(away.UserId);
        (await ctx.CallQueueMoves.CountAsync()).ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AnInactiveAccountsCalls_AreListed_AndGoBackToThePoolAtTheNightsDistribution(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var left = await CallCenterKit.UserAsync(ctx, "cc-left");
        var stays = await CallCenterKit.UserAsync(ctx, "cc-stays");
        var customer = await WorklistKit.CustomerAsync(ctx, "고객");
        var promised = CallCenterKit.Now.UtcDateTime.AddDays(2);
        var callBack = await CallBackAsync(ctx, customer.Id, left, promised);
        await CallCenterKit.ItemAsync(ctx, customer.Id, left, QueueKind.Interest);
        var done = await CallCenterKit.ItemAsync(ctx, customer.Id, left, QueueKind.Interest);
        done.State = QueueItemState.Done;
        var account = await ctx.Users.SingleAsync(u => u.Id == left.UserId);
        account.IsActive = false;
        await ctx.SaveChangesAsync();
        var service = Service(ctx);

        var listed = await service.InactiveHoldersAsync();
        var view = await service.ViewAsync(left.UserId);
        var night = await QueueDistribution.AssignAsync(ctx, new CallCenterOptions(), CallCenterKit.Today, CallCenterKit.Now.UtcDateTime, CancellationToken.None);

        listed.ShouldBe([(left.UserId, "cc-left", 2)]);
        (view!.From.Active, view.From.Open, view.From.CallBacks).ShouldBe((false, 2, 1));
        view.Targets.Select(t => t.UserName).ShouldBe(["cc-stays"]);
        (night.Released, night.Assigned).ShouldBe((2, 2));
        var items = await ctx.CallQueueItems.AsNoTracking().ToListAsync();
        items.Where(i => i.State != QueueItemState.Done).ShouldAllBe(i => i.AssignedUserId == stays.UserId);
        items.Single(i => i.Id == done.Id).AssignedUserId.ShouldBe(left.UserId, "a closed call keeps who worked it");
        items.Single(i => i.Id == callBack.Id).NextAttemptAt.ShouldBe(promised, TimeSpan.FromSeconds(1));
        var moves = await ctx.CallQueueMoves.AsNoTracking().ToListAsync();
        moves.Count.ShouldBe(2);
        moves.ShouldAllBe(m => m.FromUserId == left.UserId && m.ToUserId == null && m.MovedBy == QueueReassignment.NightlyMover);
        (await service.InactiveHoldersAsync()).ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task PickedCalls_OnlyThoseMove_AndOneNoLongerTheirsMovesNothing(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var busy = await CallCenterKit.UserAsync(ctx, "cc-busy");
        var senior = await CallCenterKit.UserAsync(ctx, "cc-senior");
        var boss = await CallCenterKit.UserAsync(ctx, "boss", Role.CallCenterSupervisor);
        var vip = await WorklistKit.CustomerAsync(ctx, "우수고객");
        var other = await WorklistKit.CustomerAsync(ctx, "일반고객", "01055505678");
        var vipCall = await CallCenterKit.ItemAsync(ctx, vip.Id, busy, QueueKind.Interest);
        var vipHappy = await CallCenterKit.ItemAsync(ctx, vip.Id, busy, QueueKind.HappyCall);
        var plain = await CallCenterKit.ItemAsync(ctx, other.Id, busy, QueueKind.Interest);
        var seniors = await CallCenterKit.ItemAsync(ctx, other.Id, senior, QueueKind.Interest);
        var service = Service(ctx);

        var view = await service.ViewAsync(busy.UserId);
        var foreign = await service.ReassignAsync(boss, new ReassignRequest(busy.UserId, senior.UserId, null, "VIP", [vipCall.Id, seniors.Id]));
        var moved = await service.ReassignAsync(boss, new ReassignRequest(busy.UserId, senior.UserId, [QueueKind.HappyCall], "VIP 고객", [vipCall.Id, vipHappy.Id]));

        view!.Items.Select(i => i.Id).ShouldBe([vipCall.Id, vipHappy.Id, plain.Id], ignoreOrder: true);
        view.Items.ShouldAllBe(i => !i.MaskedName.Contains("우수고객"), "the page lists names masked");
        foreign.Status.ShouldBe(ReassignStatus.Conflict, "a call not the consultant's moves nothing");
        moved.Status.ShouldBe(ReassignStatus.Moved);
        moved.MovedTo.ShouldBe(new Dictionary<long, int> { [senior.UserId] = 2 }, "picked calls move whatever the queues ticked");
        var holders = await ctx.CallQueueItems.AsNoTracking().ToDictionaryAsync(i => i.Id, i => i.AssignedUserId);
        (holders[vipCall.Id], holders[vipHappy.Id], holders[plain.Id]).ShouldBe(((long?)senior.UserId, (long?)senior.UserId, (long?)busy.UserId));
    }
}
