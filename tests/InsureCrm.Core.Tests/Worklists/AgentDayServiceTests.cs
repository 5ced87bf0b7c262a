using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Security;
using InsureCrm.Core.Worklists;
using InsureCrm.Core.Worklists.AgentDay;
using InsureCrm.Tests;
using InsureCrm.Tests.Customers;
using InsureCrm.Tests.Security;
using InsureCrm.Tests.Worklists;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Tests.Worklists;

/// <summary>
/// The agent's day: only one's own items, rolled-over items with their age, a result that becomes an interaction of the
/// customer's history and closes or snoozes the item, an appointment, a stale result refused, field errors named, and a
/// campaign item whose result counts for its campaign with one interaction.
/// </summary>
public sealed class AgentDayServiceTests
{
    private static readonly ContactPolicy Policy = new(TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul"));
    /// <summary>Friday 2026-12-04, noon in Seoul.</summary>
    private static readonly DateTimeOffset Noon = new(2026, 12, 4, 3, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 12, 4);

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task TodayAsync_OtherAgentsItems_NeverListedAndTheirDetailIsNull(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var family = await CustomerSeed.AddFamilyAsync(ctx, CustomerSeed.Protector());
        var snoozedToday = WorkItemSeed.Maturing(family.AgentId, family.HongId, Today.AddDays(-5), Today.AddDays(20), priority: 10);
        snoozedToday.State = WorkItemState.Snoozed;
        snoozedToday.SnoozedUntil = Today;
        var snoozedLater = WorkItemSeed.Maturing(family.AgentId, family.SpouseId, Today.AddDays(-5), Today.AddDays(20), priority: 900);
        (snoozedLater.State, snoozedLater.SnoozedUntil, snoozedLater.Subject) = (WorkItemState.Snoozed, Today.AddDays(1), "K9");
        var ids = await WorkItemSeed.AddAsync(ctx,
            WorkItemSeed.Retention(family.AgentId, family.HongId, Today.AddDays(-2)),
            WorkItemSeed.Retention(family.TerminatedAgentId, family.SpouseId, Today),
            snoozedToday, snoozedLater);
        var service = CoreServices.AgentDay(ctx, db, Noon);
        var agent = CoreServices.AgentOf(family);
        var other = TestUsers.Transient(Role.Agent, family.TerminatedAgentId, family.BranchId, "other");

        var list = await service.TodayAsync(agent);
        var othersList = await service.TodayAsync(other);

        list.ShouldNotBeNull();
        list.Items.Select(i => i.Id).ShouldBe([ids[0], ids[2]], "by priority; an item snoozed until today is back, one snoozed to tomorrow is not");
        list.Items[0].CustomerName.ShouldBe("홍길동");
        list.Items[0].AgeDays.ShouldBe(2);
        list.Items[0].Grade.ShouldBe("A");
        list.Items[0].Mobile.ShouldBe("01012345678");
        othersList!.Items.Select(i => i.Id).ShouldBe([ids[1]]);
        (await service.ItemAsync(agent, ids[1])).ShouldBeNull("another agent's item answers like an unknown one");
        (await service.ItemAsync(agent, 999_999)).ShouldBeNull();
        (await service.RecordAsync(agent, new WorkResultEntry(ids[1], 0, WorkOutcome.Met, WorkChannel.Visit))).Status.ShouldBe(WorkResultStatus.NotFound);
        (await service.TodayAsync(TestUsers.Transient(Role.BranchManager, null, family.BranchId))).ShouldBeNull("a branch manager has no list of their own");
        var detail = await service.ItemAsync(agent, ids[0]);
        detail.ShouldNotBeNull();
        detail.Customer.Name.ShouldBe("홍길동");
        detail.Recent.Count.ShouldBeGreaterThan(0);
        await using var read = db.CreateContext();
        (await read.AccessLog.CountAsync(e => e.CustomerId == family.HongId && e.Action == AccessAction.View && e.Detail == "worklist item"))
            .ShouldBe(1, "opening an item is a logged view of its customer");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RecordAsync_VisitWithAppointment_InteractionInHistoryItemDoneAppointmentMade(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var family = await CustomerSeed.AddFamilyAsync(ctx, CustomerSeed.Protector());
        var ids = await WorkItemSeed.AddAsync(ctx, WorkItemSeed.Retention(family.AgentId, family.HongId, Today.AddDays(-1)));
        var service = CoreServices.AgentDay(ctx, db, Noon);
        var agent = CoreServices.AgentOf(family);

        var recorded = await service.RecordAsync(agent, new WorkResultEntry(ids[0], 0, WorkOutcome.Interested, WorkChannel.Visit,
            "납입 기간 조정 원함", AppointmentOn: Today.AddDays(6), AppointmentAt: new TimeOnly(14, 0), AppointmentMinutes: 45, AppointmentPlace: "고객 자택"));
        var again = await service.RecordAsync(agent, new WorkResultEntry(ids[0], 0, WorkOutcome.Met, WorkChannel.Visit));

        recorded.Status.ShouldBe(WorkResultStatus.Recorded);
        recorded.State.ShouldBe(WorkItemState.Done);
        again.Status.ShouldBe(WorkResultStatus.Conflict, "a stale version (and a closed item) writes nothing");
        await using var read = db.CreateContext();
        var item = await read.WorkItems.SingleAsync(i => i.Id == ids[0]);
        (item.State, item.Version, item.Outcome, item.ClosedBy).ShouldBe((WorkItemState.Done, 1, WorkOutcome.Interested, "agent"));
        var interaction = await read.Interactions.SingleAsync(i => i.Id == recorded.InteractionId);
        (interaction.CustomerId, interaction.Channel, interaction.Purpose, interaction.Outcome, interaction.AgentId)
            .ShouldBe((family.HongId, InteractionChannel.Visit, InteractionPurpose.Service, InteractionOutcome.Interested, family.AgentId));
        interaction.SourceKey.ShouldBe($"WI-{ids[0]}-1");
        var result = await read.WorkResults.SingleAsync(r => r.ItemId == ids[0]);
        (result.Day, result.InteractionId, result.Outcome, result.AgentId).ShouldBe((Today, interaction.Id, WorkOutcome.Interested, family.AgentId));
        var appointment = await read.Appointments.SingleAsync(a => a.Id == recorded.AppointmentId);
        appointment.StartsAt.ShouldBe(new DateTime(2026, 12, 10, 5, 0, 0), "14:00 in Seoul");
        (appointment.Minutes, appointment.Place, appointment.Sequence, appointment.ItemId).ShouldBe((45, "고객 자택", 0, (long?)ids[0]));
        appointment.Uid.ShouldEndWith("@insurecrm");
        // The customer's history (the customer page's timeline) shows the visit.
        var view = (await CoreServices.Views(read, db).GetAsync(agent, family.HongId)).View!;
        view.Timeline.Items.ShouldContain(i => i.Notes == "납입 기간 조정 원함");
        var list = (await service.TodayAsync(agent))!;
        list.Items.ShouldBeEmpty();
        list.DoneToday.ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RecordAsync_NotReachedThenStaleVersion_SnoozedToTomorrowAndConflictWritesNothing(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var family = await CustomerSeed.AddFamilyAsync(ctx, CustomerSeed.Protector());
        var ids = await WorkItemSeed.AddAsync(ctx, WorkItemSeed.Maturing(family.AgentId, family.HongId, Today, Today.AddDays(30)));
        var service = CoreServices.AgentDay(ctx, db, Noon);
        var agent = CoreServices.AgentOf(family);
        await using var read = db.CreateContext();
        var before = await read.Interactions.CountAsync(i => i.CustomerId == family.HongId);

        var first = await service.RecordAsync(agent, new WorkResultEntry(ids[0], 0, WorkOutcome.NotReached, WorkChannel.Phone));
        var stale = await service.RecordAsync(agent, new WorkResultEntry(ids[0], 0, WorkOutcome.Reached, WorkChannel.Phone, "통화"));

        first.Status.ShouldBe(WorkResultStatus.Recorded);
        stale.Status.ShouldBe(WorkResultStatus.Conflict);
        (stale.State, stale.Version).ShouldBe((WorkItemState.Snoozed, 1));
        var item = await read.WorkItems.AsNoTracking().SingleAsync(i => i.Id == ids[0]);
        (item.State, item.SnoozedUntil).ShouldBe((WorkItemState.Snoozed, Today.AddDays(1)));
        (await read.Interactions.CountAsync(i => i.CustomerId == family.HongId)).ShouldBe(before + 1);
        (await read.WorkResults.CountAsync()).ShouldBe(1);
        // Tomorrow it is back on the list, and the current version records.
        var tomorrow = CoreServices.AgentDay(ctx, db, Noon.AddDays(1));
        (await tomorrow.TodayAsync(agent))!.Items.Select(i => i.Id).ShouldBe([ids[0]]);
        (await tomorrow.RecordAsync(agent, new WorkResultEntry(ids[0], 1, WorkOutcome.ServiceDone, WorkChannel.Phone))).State.ShouldBe(WorkItemState.Done);
    }

    [Fact]
    public async Task RecordAsync_BadFields_EachNamedAndNothingWritten()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var ctx = db.CreateContext();
        var family = await CustomerSeed.AddFamilyAsync(ctx, CustomerSeed.Protector());
        var ids = await WorkItemSeed.AddAsync(ctx, WorkItemSeed.Retention(family.AgentId, family.HongId, Today));
        var service = CoreServices.AgentDay(ctx, db, Noon);

        var result = await service.RecordAsync(CoreServices.AgentOf(family), new WorkResultEntry(ids[0], 0, WorkOutcome.Appointment, WorkChannel.Visit,
            new string('x', AgentDayService.MaxNotes + 1), NextOn: Today.AddDays(-1), AppointmentOn: Today.AddDays(2)));

        result.Status.ShouldBe(WorkResultStatus.Invalid);
        result.Errors["notes"].ShouldBe([WorkResultErrors.TooLong]);
        result.Errors["nextOn"].ShouldBe([WorkResultErrors.Past]);
        result.Errors["appointmentAt"].ShouldBe([WorkResultErrors.Required]);
        await using var read = db.CreateContext();
        (await read.WorkItems.SingleAsync()).State.ShouldBe(WorkItemState.Open);
        (await read.WorkResults.CountAsync()).ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RecordAsync_CampaignItem_CountsForTheCampaignWithOneInteraction(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var family = await CustomerSeed.AddFamilyAsync(ctx, CustomerSeed.Protector());
        var contactId = await CampaignContactAsync(ctx, family.AgentId, family.HongId);
        var item = WorkItemSeed.Retention(family.AgentId, family.HongId, Today);
        (item.Action, item.Purpose, item.Subject, item.CampaignContactId) = (WorkAction.Campaign, WorkPurpose.Marketing, $"C{contactId}", contactId);
        item.Facts = new WorkFacts { CampaignCode = "C-WL-1", CampaignName = "종신 리텐션" }.ToJson();
        var ids = await WorkItemSeed.AddAsync(ctx, item);
        var service = CoreServices.AgentDay(ctx, db, Noon);
        var agent = CoreServices.AgentOf(family);
        await using var read = db.CreateContext();
        var before = await read.Interactions.CountAsync(i => i.CustomerId == family.HongId);

        var detail = await service.ItemAsync(agent, ids[0]);
        var recorded = await service.RecordAsync(agent, new WorkResultEntry(ids[0], 0, WorkOutcome.Interested, WorkChannel.Phone, "다음 주 재방문"));

        detail!.CampaignScript.ShouldBe("홍길동님, 종신 리텐션 안내드립니다");
        recorded.Status.ShouldBe(WorkResultStatus.Recorded);
        var contact = await read.CampaignContacts.AsNoTracking().SingleAsync(c => c.Id == contactId);
        (contact.State, contact.Outcome, contact.OutcomeBy).ShouldBe((CampaignContactState.Done, (CallOutcome?)CallOutcome.Interested, "agent"));
        var added = await read.Interactions.Where(i => i.CustomerId == family.HongId).OrderByDescending(i => i.Id).ToListAsync();
        added.Count.ShouldBe(before + 1, "the campaign's interaction is the result's: no second row");
        (added[0].SourceKey, added[0].Purpose, added[0].Notes).ShouldBe(($"CMP-{contactId}", InteractionPurpose.Campaign, "다음 주 재방문"));
        (await read.WorkResults.SingleAsync()).InteractionId.ShouldBe(added[0].Id);
    }

    private static async Task<long> CampaignContactAsync(CrmDbContext ctx, long agentId, long customerId)
    {
        var at = Noon.UtcDateTime;
        var campaign = new Campaign
        {
            Code = "C-WL-1", Name = "종신 리텐션", Theme = "t", Hypothesis = "h", State = CampaignState.Running, StartsOn = Today.AddDays(-3), EndsOn = Today.AddDays(20),
            ControlShare = 0.2m, SplitSeed = 7, WindowDays = 30, CreatedAt = at, UpdatedAt = at, OwnerUserId = 1, AuthorUserId = 1,
        };
        ctx.Campaigns.Add(campaign);
        await ctx.SaveChangesAsync();
        ctx.CampaignScripts.Add(new CampaignScript
        {
            CampaignId = campaign.Id, Channel = CampaignChannelKind.Agent, Language = ScriptLanguage.Korean, Version = 1,
            Body = "{{name}}님, {{campaign_name}} 안내드립니다", CreatedBy = "marketer", CreatedAt = at,
        });
        var contact = new CampaignContact
        {
            CampaignId = campaign.Id, CustomerId = customerId, Channel = CampaignChannelKind.Agent, Attempt = 1,
            IdemKey = CampaignContact.KeyOf(campaign.Id, customerId, CampaignChannelKind.Agent, 1), State = CampaignContactState.Released,
            AgentId = agentId, PlannedAt = at.AddHours(-1),
        };
        ctx.CampaignContacts.Add(contact);
        await ctx.SaveChangesAsync();
        ctx.ChangeTracker.Clear();
        return contact.Id;
    }
}
