using InsureCrm.Core.CallCenter;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Execution;
using InsureCrm.Core.Common;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Models;
using InsureCrm.Core.Security;
using InsureCrm.Core.Value;
using InsureCrm.Tests.Security;
using InsureCrm.Tests.Worklists;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Tests.CallCenter;

/// <summary>The queue rules on a hand-built book, each through the contact policy, and the distribution to consultants. Fictional people.</summary>
public sealed class CallCenterQueueTests
{
    private static readonly DateOnly Today = CallCenterKit.Today;

    private static async Task ValueRunAsync(CrmDbContext ctx, params (long Customer, string Grade)[] grades)
    {
        var run = new ValueRun { RunDate = Today.AddDays(-1), StartedAt = CallCenterKit.Now.UtcDateTime.AddDays(-1), Status = ValueRunStatus.Completed };
        ctx.Set<ValueRun>().Add(run);
        await ctx.SaveChangesAsync();
        foreach (var (customer, grade) in grades)
        {
            ctx.Set<CustomerValue>().Add(new CustomerValue { RunId = run.Id, CustomerId = customer, Grade = grade, TotalValue = 1_000_000 });
        }
        await ctx.SaveChangesAsync();
    }

    private static async Task LapseScoresAsync(CrmDbContext ctx, params (long Customer, double Score)[] scores)
    {
        var version = new ModelVersion { Name = InsurerModels.Lapse.Name, Version = 1, Algorithm = "logistic", Artifact = "{}", Status = ModelStatus.Champion, TrainedBy = "ana", TrainedAt = CallCenterKit.Now.UtcDateTime };
        ctx.Set<ModelVersion>().Add(version);
        await ctx.SaveChangesAsync();
        var run = new ModelScoreRun { ModelVersionId = version.Id, RunDate = Today.AddDays(-1), StartedAt = CallCenterKit.Now.UtcDateTime, Status = ModelScoreRunStatus.Completed };
        ctx.Set<ModelScoreRun>().Add(run);
        await ctx.SaveChangesAsync();
        foreach (var (customer, score) in scores)
        {
            ctx.Set<CustomerModelScore>().Add(new CustomerModelScore { RunId = run.Id, CustomerId = customer, Score = score, Eligible = true });
        }
        await ctx.SaveChangesAsync();
    }

    private static Interaction Touch(long customer, DateOnly day, long? agentId, InteractionPurpose purpose = InteractionPurpose.Service) => new()
    {
        CustomerId = customer, OccurredAt = day.ToDateTime(new TimeOnly(3, 0), DateTimeKind.Utc), Channel = InteractionChannel.Visit,
        Direction = InteractionDirection.Outbound, Purpose = purpose, Outcome = InteractionOutcome.Completed, AgentId = agentId,
    };

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Build_QueuesEachRuleThroughTheContactPolicy_AndARerunReplacesTheDay(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var branch = await WorklistKit.BranchAsync(ctx, "B-GN", "강남지점");
        var seller = await WorklistKit.AgentAsync(ctx, branch, "FC-1", "가나다");
        var product = await CallCenterKit.ProductAsync(ctx);
        var newBuyer = await WorklistKit.CustomerAsync(ctx, "신규고객");
        var oldBuyer = await WorklistKit.CustomerAsync(ctx, "기존고객");
        var fresh = await CallCenterKit.ContractAsync(ctx, product, newBuyer.Id, seller, Today.AddDays(-2));
        await CallCenterKit.ContractAsync(ctx, product, oldBuyer.Id, seller, new DateOnly(2025, 1, 1));

        var interest = await WorklistKit.CustomerAsync(ctx, "관심고객");
        var noConsent = await WorklistKit.CustomerAsync(ctx, "동의없음");
        var gradeC = await WorklistKit.CustomerAsync(ctx, "씨등급");
        var recent = await WorklistKit.CustomerAsync(ctx, "최근연락");
        await ValueRunAsync(ctx, (interest.Id, "A"), (noConsent.Id, "B"), (gradeC.Id, "C"), (recent.Id, "A"));
        CallCenterKit.GrantPhone(ctx, interest.Id);
        CallCenterKit.GrantPhone(ctx, recent.Id);
        ctx.Interactions.Add(Touch(recent.Id, Today.AddMonths(-2), null));

        var lapsing = await WorklistKit.CustomerAsync(ctx, "해지위험");
        var visited = await WorklistKit.CustomerAsync(ctx, "방문고객");
        var safe = await WorklistKit.CustomerAsync(ctx, "안전고객");
        await LapseScoresAsync(ctx, (lapsing.Id, 0.8), (visited.Id, 0.8), (safe.Id, 0.2));
        ctx.Interactions.Add(Touch(visited.Id, Today.AddDays(-10), seller.Id));

        var prospect = await WorklistKit.CustomerAsync(ctx, "가망고객");
        CallCenterKit.GrantPhone(ctx, prospect.Id);
        ctx.Interactions.Add(Touch(prospect.Id, Today.AddMonths(-1), null, InteractionPurpose.Inquiry));
        await ctx.SaveChangesAsync();

        var s = await CallCenterKit.Build(ctx, db).BuildAsync(Today);

        Assert.Equal(1, s.NewByKind[QueueKind.HappyCall]);
        Assert.Equal(1, s.NewByKind[QueueKind.Interest]);
        Assert.Equal(1, s.NewByKind[QueueKind.LapseRisk]);
        Assert.Equal(1, s.NewByKind[QueueKind.Prospect]);
        Assert.Equal(1, s.Refused.GetValueOrDefault("NoConsent"));
        var items = await ctx.CallQueueItems.AsNoTracking().ToListAsync();
        var happy = Assert.Single(items, i => i.Kind == QueueKind.HappyCall);
        Assert.Equal((newBuyer.Id, fresh.Id, Today.AddDays(5)), (happy.CustomerId, happy.ContractId!.Value, happy.DueOn));
        Assert.Equal(interest.Id, Assert.Single(items, i => i.Kind == QueueKind.Interest).CustomerId);
        Assert.Equal(lapsing.Id, Assert.Single(items, i => i.Kind == QueueKind.LapseRisk).CustomerId);
        Assert.Equal(prospect.Id, Assert.Single(items, i => i.Kind == QueueKind.Prospect).CustomerId);
        Assert.DoesNotContain(items, i => i.CustomerId == noConsent.Id || i.CustomerId == visited.Id || i.CustomerId == recent.Id);

        // The same day again: the unworked items are replaced, not doubled.
        var again = await CallCenterKit.Build(ctx, db).BuildAsync(Today);
        Assert.Equal(4, again.Replaced);
        Assert.Equal(4, await ctx.CallQueueItems.CountAsync());
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Build_OnAWeekendOrHoliday_QueuesForTheNextBusinessDaysMorning(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var branch = await WorklistKit.BranchAsync(ctx, "B-GN", "강남지점");
        var seller = await WorklistKit.AgentAsync(ctx, branch, "FC-1", "가나다");
        var product = await CallCenterKit.ProductAsync(ctx);
        var saturdayBuyer = await WorklistKit.CustomerAsync(ctx, "토요일고객");
        var chuseokBuyer = await WorklistKit.CustomerAsync(ctx, "추석고객");
        var weekdayBuyer = await WorklistKit.CustomerAsync(ctx, "평일고객");
        await CallCenterKit.ContractAsync(ctx, product, saturdayBuyer.Id, seller, new DateOnly(2026, 3, 12));
        await CallCenterKit.ContractAsync(ctx, product, chuseokBuyer.Id, seller, new DateOnly(2026, 9, 22));
        await CallCenterKit.ContractAsync(ctx, product, weekdayBuyer.Id, seller, new DateOnly(2026, 3, 16));
        var seoul = TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");
        DateTime Local(CallQueueItem i) => TimeZoneInfo.ConvertTimeFromUtc(i.NextAttemptAt, seoul);

        // Saturday 2026-03-14: Monday 09:00. Chuseok 2026-09-24 to 26 (Thursday to Saturday): Monday 09:00 the 28th.
        await CallCenterKit.Build(ctx, db).BuildAsync(new DateOnly(2026, 3, 14));
        await CallCenterKit.Build(ctx, db).BuildAsync(new DateOnly(2026, 9, 24));
        await CallCenterKit.Build(ctx, db).BuildAsync(new DateOnly(2026, 3, 17));

        var items = await ctx.CallQueueItems.AsNoTracking().ToDictionaryAsync(i => i.CustomerId);
        Assert.Equal(new DateTime(2026, 3, 16, 9, 0, 0), Local(items[saturdayBuyer.Id]));
        Assert.Equal(new DateTime(2026, 9, 28, 9, 0, 0), Local(items[chuseokBuyer.Id]));
        // A business day's build keeps its own day.
        Assert.Equal(new DateTime(2026, 3, 17, 9, 0, 0), Local(items[weekdayBuyer.Id]));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Build_ClosesWaitingCallsLongPastDue_NeverHappyCallsCallBacksOrCampaignCalls(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var customer = await WorklistKit.CustomerAsync(ctx, "고객");
        async Task<CallQueueItem> Item(QueueKind kind, int daysPastDue, QueueItemState state = QueueItemState.Open, CallOutcomeCode? last = null)
        {
            var item = await CallCenterKit.ItemAsync(ctx, customer.Id, null, kind, dueOn: Today.AddDays(-daysPastDue));
            item.EnteredOn = item.DueOn.AddDays(-7);
            item.State = state;
            item.LastOutcome = last;
            item.Attempts = last is null ? 0 : 1;
            await ctx.SaveChangesAsync();
            return item;
        }
        var stale = await Item(QueueKind.Interest, 15);
        var justInTime = await Item(QueueKind.Interest, 14);
        var retry = await Item(QueueKind.LapseRisk, 20, QueueItemState.InProgress, CallOutcomeCode.NoAnswer);
        var promised = await Item(QueueKind.Prospect, 30, QueueItemState.InProgress, CallOutcomeCode.CallBack);
        var happy = await Item(QueueKind.HappyCall, 30);
        var campaign = await Item(QueueKind.Campaign, 30);
        var done = await Item(QueueKind.Interest, 30, QueueItemState.Done, CallOutcomeCode.Completed);

        var s = await CallCenterKit.Build(ctx, db, new CallCenterOptions { ExpireDays = 14 }).BuildAsync(Today);
        var live = await CallCenterKit.Queues(ctx, db).LiveAsync(Today);

        Assert.Equal(2, s.Expired);
        var states = await ctx.CallQueueItems.AsNoTracking().ToDictionaryAsync(i => i.Id, i => i.State);
        Assert.Equal(QueueItemState.Expired, states[stale.Id]);
        Assert.Equal(QueueItemState.Expired, states[retry.Id]);
        Assert.Equal(QueueItemState.Open, states[justInTime.Id]);
        Assert.Equal(QueueItemState.InProgress, states[promised.Id]);
        Assert.Equal(QueueItemState.Open, states[happy.Id]);
        Assert.Equal(QueueItemState.Open, states[campaign.Id]);
        Assert.Equal(QueueItemState.Done, states[done.Id]);
        var interest = live.Kinds.Single(k => k.Kind == QueueKind.Interest);
        Assert.Equal((1, 0, 1), (interest.ExpiredToday, interest.DoneToday, interest.Open));
        Assert.Equal(1, live.Kinds.Single(k => k.Kind == QueueKind.LapseRisk).ExpiredToday);
        Assert.Contains("2 expired", CallCenterQueueStep.Describe(s), StringComparison.Ordinal);

        // ExpireDays 0: nothing expires, however late.
        var never = await CallCenterKit.Build(ctx, db, new CallCenterOptions { ExpireDays = 0 }).BuildAsync(Today.AddDays(60));
        Assert.Equal(0, never.Expired);
        Assert.Equal(QueueItemState.Open, (await ctx.CallQueueItems.AsNoTracking().SingleAsync(i => i.Id == justInTime.Id)).State);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Distribution_RespectsSkillsAndTheDailyCap(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var happyOnly = await CallCenterKit.UserAsync(ctx, "cc-happy");
        var everything = await CallCenterKit.UserAsync(ctx, "cc-all");
        await CallCenterKit.UserAsync(ctx, "boss", Role.CallCenterSupervisor);
        var customer = await WorklistKit.CustomerAsync(ctx, "고객");
        for (var i = 0; i < 3; i++)
        {
            await CallCenterKit.ItemAsync(ctx, customer.Id, null, QueueKind.HappyCall, dueOn: Today.AddDays(1));
        }
        for (var i = 0; i < 2; i++)
        {
            await CallCenterKit.ItemAsync(ctx, customer.Id, null, QueueKind.Interest, dueOn: Today.AddDays(2));
        }
        var set = await CallCenterKit.Queues(ctx, db).SetSkillsAsync("cc-happy", [QueueKind.HappyCall]);
        Assert.Equal([QueueKind.HappyCall], set!.ToArray());
        Assert.Null(await CallCenterKit.Queues(ctx, db).SetSkillsAsync("boss", [QueueKind.HappyCall]));

        var result = await QueueDistribution.AssignAsync(ctx, new CallCenterOptions { DailyCap = 2 }, Today, CallCenterKit.Now.UtcDateTime, CancellationToken.None);

        Assert.Equal((4, 1, 2, 0), (result.Assigned, result.Unassigned, result.Consultants, result.Released));
        var items = await ctx.CallQueueItems.AsNoTracking().ToListAsync();
        Assert.All(items.Where(i => i.AssignedUserId == happyOnly.UserId), i => Assert.Equal(QueueKind.HappyCall, i.Kind));
        Assert.Equal(2, items.Count(i => i.AssignedUserId == happyOnly.UserId));
        Assert.Equal(2, items.Count(i => i.AssignedUserId == everything.UserId));
        // The one left is an interest item: the happy-call consultant may not take it, the other is at the cap.
        Assert.Equal(QueueKind.Interest, Assert.Single(items, i => i.AssignedUserId == null).Kind);
        Assert.DoesNotContain(items, i => i.AssignedUserId is { } u && u != happyOnly.UserId && u != everything.UserId);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task NoAnswer_ComesBackAfterTheSpacing_AndIsGivenUpAfterTheMaximum(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var me = await CallCenterKit.UserAsync(ctx, "cc1");
        var customer = await WorklistKit.CustomerAsync(ctx, "고객");
        var item = await CallCenterKit.ItemAsync(ctx, customer.Id, me);
        var queues = CallCenterKit.Queues(ctx, db);

        var first = await queues.RecordAsync(me, item.Id, new CallEntry(CallOutcomeCode.NoAnswer, null, null, null));
        Assert.Equal((CallRecordStatus.Recorded, QueueItemState.InProgress), (first.Status, first.State));
        Assert.Equal(CallCenterKit.Now.UtcDateTime.AddHours(4), first.NextAttemptAt);
        var second = await queues.RecordAsync(me, item.Id, new CallEntry(CallOutcomeCode.Busy, null, null, null));
        Assert.Equal(QueueItemState.InProgress, second.State);
        var third = await queues.RecordAsync(me, item.Id, new CallEntry(CallOutcomeCode.NoAnswer, null, null, null));
        Assert.Equal(QueueItemState.GivenUp, third.State);
        var closed = await queues.RecordAsync(me, item.Id, new CallEntry(CallOutcomeCode.NoAnswer, null, null, null));
        Assert.Equal(CallRecordStatus.Conflict, closed.Status);

        // Each attempt is in the customer's history: the call center, outbound.
        var history = await ctx.Interactions.AsNoTracking().Where(i => i.CustomerId == customer.Id).ToListAsync();
        Assert.Equal(3, history.Count);
        Assert.All(history, h => Assert.Equal((InteractionChannel.CallCenter, InteractionDirection.Outbound), (h.Channel, h.Direction)));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CallBack_InQuietHoursOrOnAHolidayIsMovedToTheNextOpenMorning_AndOneInThePastIsRefused(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var me = await CallCenterKit.UserAsync(ctx, "cc1");
        var customer = await WorklistKit.CustomerAsync(ctx, "고객");
        var item = await CallCenterKit.ItemAsync(ctx, customer.Id, me);
        var queues = CallCenterKit.Queues(ctx, db);
        var seoul = TimeSpan.FromHours(9);

        var past = await queues.RecordAsync(me, item.Id, new CallEntry(CallOutcomeCode.CallBack, null, new DateTimeOffset(2026, 3, 10, 9, 0, 0, seoul), null));
        Assert.Equal(CallRecordStatus.Invalid, past.Status);
        Assert.Equal("callBack.past", past.Errors["callBack"]);
        var missing = await queues.RecordAsync(me, item.Id, new CallEntry(CallOutcomeCode.CallBack, null, null, null));
        Assert.Equal("callBack.required", missing.Errors["callBack"]);

        var late = await queues.RecordAsync(me, item.Id, new CallEntry(CallOutcomeCode.CallBack, "저녁에 다시", new DateTimeOffset(2026, 3, 10, 22, 30, 0, seoul), null));
        Assert.True(late.CallBackMoved);
        Assert.Equal(new DateTimeOffset(2026, 3, 11, 8, 0, 0, seoul).UtcDateTime, late.NextAttemptAt);
        var stored = await ctx.CallQueueItems.AsNoTracking().SingleAsync(i => i.Id == item.Id);
        Assert.Equal((QueueItemState.InProgress, CallOutcomeCode.CallBack), (stored.State, stored.LastOutcome!.Value));

        var day = await CallCenterKit.Queues(ctx, db).RecordAsync(me, item.Id, new CallEntry(CallOutcomeCode.CallBack, null, new DateTimeOffset(2026, 3, 11, 15, 0, 0, seoul), null));
        Assert.False(day.CallBackMoved);
        Assert.Equal(new DateTimeOffset(2026, 3, 11, 15, 0, 0, seoul).UtcDateTime, day.NextAttemptAt);

        // Hangul Day (Friday 9 October 2026) is closed, and so is the weekend after it: Monday 08:00, as an inbound callback.
        var holiday = await CallCenterKit.Queues(ctx, db).RecordAsync(me, item.Id, new CallEntry(CallOutcomeCode.CallBack, null, new DateTimeOffset(2026, 10, 9, 10, 0, 0, seoul), null));
        Assert.True(holiday.CallBackMoved);
        Assert.Equal(new DateTimeOffset(2026, 10, 12, 8, 0, 0, seoul).UtcDateTime, holiday.NextAttemptAt);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task HappyCall_FailedChecklistItem_EscalatesToTheSellingAgentsBranchOnly(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var gangnam = await WorklistKit.BranchAsync(ctx, "B-GN", "강남지점");
        var seocho = await WorklistKit.BranchAsync(ctx, "B-SC", "서초지점");
        var seller = await WorklistKit.AgentAsync(ctx, gangnam, "FC-1", "가나다");
        var product = await CallCenterKit.ProductAsync(ctx);
        var customer = await WorklistKit.CustomerAsync(ctx, "신규고객");
        var contract = await CallCenterKit.ContractAsync(ctx, product, customer.Id, seller, Today.AddDays(-2));
        var me = await CallCenterKit.UserAsync(ctx, "cc1");
        var item = await CallCenterKit.ItemAsync(ctx, customer.Id, me, QueueKind.HappyCall, contract.Id);
        var queues = CallCenterKit.Queues(ctx, db);
        var answers = Enum.GetValues<ChecklistItem>().ToDictionary(c => c, c => c != ChecklistItem.CopiesReceived);

        var incomplete = await queues.RecordAsync(me, item.Id, new CallEntry(CallOutcomeCode.Completed, null, null,
            new Dictionary<ChecklistItem, bool> { [ChecklistItem.KeyTermsExplained] = true }));
        Assert.Equal("checklist.missing", incomplete.Errors["checklist"]);
        var noNote = await queues.RecordAsync(me, item.Id, new CallEntry(CallOutcomeCode.Completed, " ", null, answers));
        Assert.Equal("note.required", noNote.Errors["note"]);

        var done = await queues.RecordAsync(me, item.Id, new CallEntry(CallOutcomeCode.Completed, "증권 미수령", null, answers));
        Assert.Equal(QueueItemState.Done, done.State);
        Assert.NotNull(done.EscalationId);

        var gangnamManager = WorklistKit.Manager(gangnam.Id);
        var seochoManager = WorklistKit.Manager(seocho.Id);
        var seen = Assert.Single(await queues.EscalationsAsync(gangnamManager));
        Assert.Equal([ChecklistItem.CopiesReceived], seen.Failed);
        Assert.Equal(("FC-1", 1), (seen.AgentCode, seen.AgentFlags));
        Assert.Empty(await queues.EscalationsAsync(seochoManager));
        Assert.Equal(0, await queues.OpenEscalationsAsync(seochoManager));
        Assert.False(await queues.ResolveAsync(seochoManager, seen.Id, "확인"));
        Assert.True(await queues.ResolveAsync(gangnamManager, seen.Id, "증권 재발송"));
        Assert.Equal(0, await queues.OpenEscalationsAsync(gangnamManager));

        // The quality figure: issued on Sunday 3/8, so last week's (from Monday 3/2) — one new contract, its happy call completed in time.
        var weeks = await queues.WeeksAsync(Today, 2);
        Assert.Equal((new DateOnly(2026, 3, 9), 0), (weeks[0].Monday, weeks[0].NewContracts));
        Assert.Equal((new DateOnly(2026, 3, 2), 1, 1, 1.0), (weeks[1].Monday, weeks[1].NewContracts, weeks[1].CompletedInTime, weeks[1].Rate!.Value));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AnItemNotYours_IsNotFound(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var me = await CallCenterKit.UserAsync(ctx, "cc1");
        var other = await CallCenterKit.UserAsync(ctx, "cc2");
        var customer = await WorklistKit.CustomerAsync(ctx, "고객");
        var item = await CallCenterKit.ItemAsync(ctx, customer.Id, other);
        var queues = CallCenterKit.Queues(ctx, db);

        Assert.Null(await queues.ItemAsync(me, item.Id));
        Assert.Equal(CallRecordStatus.NotFound, (await queues.RecordAsync(me, item.Id, new CallEntry(CallOutcomeCode.Completed, null, null, null))).Status);
        Assert.NotNull(await queues.ItemAsync(other, item.Id));
        Assert.Empty((await queues.QueueAsync(me)).Rows);
        Assert.Single((await queues.QueueAsync(other)).Rows);
    }

    [Fact]
    public void Options_BadValuesAreRefusedAtStartUp_NamingEachOne()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CallCenter:MaxAttempts"] = "0", ["CallCenter:InterestGrades"] = "AZ", ["CallCenter:LapseThreshold"] = "1.5",
        }).Build();

        var e = Assert.Throws<InvalidOperationException>(() => { CallCenterFeature.AddCallCenter(new ServiceCollection(), config); });

        Assert.Contains("CallCenter:MaxAttempts", e.Message, StringComparison.Ordinal);
        Assert.Contains("CallCenter:InterestGrades", e.Message, StringComparison.Ordinal);
        Assert.Contains("CallCenter:LapseThreshold", e.Message, StringComparison.Ordinal);
        Assert.Empty(new CallCenterOptions().Validate());
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CampaignCallList_EntersTheQueue_AndItsOutcomesAreRecordedOnTheCampaignContact(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var at = CallCenterKit.Now.UtcDateTime;
        var campaign = new Campaign
        {
            Code = "C-CC-1", Name = "보장 점검 안내", Theme = "t", Hypothesis = "h", State = CampaignState.Running, StartsOn = Today.AddDays(-9), EndsOn = Today.AddDays(20),
            ControlShare = 0.2m, SplitSeed = 7, WindowDays = 30, CreatedAt = at, UpdatedAt = at, OwnerUserId = 1, AuthorUserId = 1,
        };
        ctx.Campaigns.Add(campaign);
        var customer = await WorklistKit.CustomerAsync(ctx, "캠페인고객");
        CallCenterKit.GrantPhone(ctx, customer.Id);
        await ctx.SaveChangesAsync();
        var contact = new CampaignContact
        {
            CampaignId = campaign.Id, CustomerId = customer.Id, Channel = CampaignChannelKind.CallList, Attempt = 1, State = CampaignContactState.Released,
            IdemKey = CampaignContact.KeyOf(campaign.Id, customer.Id, CampaignChannelKind.CallList, 1), PlannedAt = at.AddHours(-2),
        };
        ctx.CampaignContacts.Add(contact);
        await ctx.SaveChangesAsync();
        var me = await CallCenterKit.UserAsync(ctx, "cc1");

        var callList = new CampaignWorkLists(ctx, CallCenterKit.Consents(ctx, db, new FixedClock(CallCenterKit.Now.AddDays(1))), CoreServices.Log(db),
            new CampaignsOptions(), new FixedClock(CallCenterKit.Now.AddDays(1)));
        var handedBefore = await callList.NextCallAsync(me);
        handedBefore.ShouldNotBeNull();
        await ctx.CampaignContacts.ExecuteUpdateAsync(x => x.SetProperty(c => c.LeaseUntil, (DateTime?)null));

        var s = await CallCenterKit.Build(ctx, db).BuildAsync(Today);
        var rerun = await CallCenterKit.Build(ctx, db).BuildAsync(Today);
        var item = await ctx.CallQueueItems.AsNoTracking().SingleAsync();
        // Queued, the contact is the queue's: the campaign's own call list (/campaigns/calls) does not hand it out as well.
        var handedWhileQueued = await callList.NextCallAsync(me);
        var queues = CallCenterKit.Queues(ctx, db);
        var first = await queues.RecordAsync(me, item.Id, new CallEntry(CallOutcomeCode.NoAnswer, null, null, null));
        ctx.ChangeTracker.Clear();
        var followed = await ctx.CallQueueItems.AsNoTracking().SingleAsync();
        // Nor the next attempt Campaigns planned, which the queue's retry works (a day later both are due).
        var handedAfterRetry = await callList.NextCallAsync(me);
        var done = await CallCenterKit.Queues(ctx, db, CallCenterKit.Now.AddHours(4)).RecordAsync(me, item.Id, new CallEntry(CallOutcomeCode.Completed, "관심 있음", null, null));

        Assert.Equal(1, s.NewByKind[QueueKind.Campaign]);
        Assert.Equal((1, 1), (rerun.Replaced, rerun.NewByKind[QueueKind.Campaign]));
        Assert.Null(handedWhileQueued);
        Assert.Null(handedAfterRetry);
        Assert.Equal((campaign.Id, contact.Id, me.UserId), (item.CampaignId!.Value, item.CampaignContactId!.Value, item.AssignedUserId!.Value));
        Assert.Equal(QueueItemState.InProgress, first.State);
        Assert.Equal(QueueItemState.Done, done.State);
        var contacts = await ctx.CampaignContacts.AsNoTracking().OrderBy(x => x.Attempt).ToListAsync();
        Assert.Equal(2, contacts.Count);
        Assert.Equal((CampaignContactState.Done, CallOutcome.NotReached), (contacts[0].State, contacts[0].Outcome!.Value));
        Assert.Equal((CampaignContactState.Done, CallOutcome.Reached, "cc1"), (contacts[1].State, contacts[1].Outcome!.Value, contacts[1].OutcomeBy!));
        Assert.Equal(contacts[1].Id, followed.CampaignContactId);
        // One interaction per attempt, the campaign's (attribution reads it), none doubled by the queue.
        Assert.Equal(2, await ctx.Interactions.CountAsync(i => i.CustomerId == customer.Id));
        Assert.Equal(2, await ctx.Interactions.CountAsync(i => i.CustomerId == customer.Id && i.Purpose == InteractionPurpose.Campaign));
    }
}
