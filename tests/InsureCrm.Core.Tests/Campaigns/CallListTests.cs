using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Execution;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Security;
using InsureCrm.Tests;
using InsureCrm.Tests.Security;
using Microsoft.EntityFrameworkCore;
using static InsureCrm.Core.Tests.Campaigns.EmailSendTests;

namespace InsureCrm.Core.Tests.Campaigns;

/// <summary>
/// The call list and agents' lists: contacts released to people, the contact policy judged when a call is handed out,
/// outcome codes recorded as interactions, not-reached calls retried after four hours at most three times, and an
/// interested customer handed to their agent.
/// </summary>
public sealed class CallListTests
{
    private static readonly ContactPolicy Policy = new(TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul"));
    private static readonly CrmUser Caller = new(2, "tc", Role.CallCenter, null, null, null, "127.0.0.1");
    private const long AgentA = 501;
    private const long AgentB = 502;

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task NextCallAsync_CustomerWithoutPhoneConsent_IsBlockedAndTheNextIsCalled(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var clock = new Fixed(Noon);
        var (campaignId, customers) = await SeedAsync(ctx, [(false, AgentA), (true, AgentA)]);
        var released = await Seed.Sender(ctx, db, new EmailTransportFactory(Seed.Options("127.0.0.1", 1)), clock: clock)
            .SendAsync(Marketer, new SendRequest(campaignId, CampaignChannelKind.CallList));
        var lists = Lists(ctx, db, clock);

        var next = await lists.NextCallAsync(Caller);

        released.Value!.Handed.ShouldBe(2);
        next.ShouldNotBeNull();
        next.CustomerId.ShouldBe(customers[1]);
        next.ScriptBody.ShouldBe("고객1님, 상품 안내드립니다");
        var blocked = await ctx.CampaignContacts.AsNoTracking().SingleAsync(x => x.CustomerId == customers[0]);
        blocked.State.ShouldBe(CampaignContactState.Blocked);
        blocked.Reasons.ShouldContain(nameof(ContactReason.NoConsent));
        // Held by this consultant: nothing else is due.
        (await lists.NextCallAsync(Caller)).ShouldBeNull();
        // Only the call center works the call list.
        (await lists.NextCallAsync(new CrmUser(3, "fc", Role.Agent, AgentA, null, null, "127.0.0.1"))).ShouldBeNull();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RecordOutcomeAsync_NotReached_RetriedAfterFourHoursAtMostThreeAttempts(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var clock = new Fixed(Noon);
        var (campaignId, customers) = await SeedAsync(ctx, [(true, AgentA)]);
        await Seed.Sender(ctx, db, new EmailTransportFactory(Seed.Options("127.0.0.1", 1)), clock: clock)
            .SendAsync(Marketer, new SendRequest(campaignId, CampaignChannelKind.CallList));
        var lists = Lists(ctx, db, clock);

        var first = (await lists.NextCallAsync(Caller))!;
        (await lists.RecordOutcomeAsync(Caller, new OutcomeEntry(first.ContactId, CallOutcome.NotReached))).IsOk.ShouldBeTrue();
        (await lists.RecordOutcomeAsync(Caller, new OutcomeEntry(first.ContactId, CallOutcome.Reached))).Outcome.ShouldBe(CampaignOutcome.Conflict);
        clock.Now = Noon.AddHours(4).AddMinutes(-1);
        (await lists.NextCallAsync(Caller)).ShouldBeNull();
        clock.Now = Noon.AddHours(4);
        var second = (await lists.NextCallAsync(Caller))!;
        second.Attempt.ShouldBe(2);
        (await lists.RecordOutcomeAsync(Caller, new OutcomeEntry(second.ContactId, CallOutcome.NotReached))).IsOk.ShouldBeTrue();
        // The third attempt falls at 22:00 in Korea: the policy moves it to the morning when it is handed out.
        clock.Now = Noon.AddHours(8);
        (await lists.NextCallAsync(Caller)).ShouldBeNull();
        clock.Now = Noon.AddHours(20);
        var third = (await lists.NextCallAsync(Caller))!;
        third.Attempt.ShouldBe(3);
        (await lists.RecordOutcomeAsync(Caller, new OutcomeEntry(third.ContactId, CallOutcome.NotReached))).IsOk.ShouldBeTrue();
        clock.Now = Noon.AddDays(3);
        (await lists.NextCallAsync(Caller)).ShouldBeNull();

        var attempts = await ctx.CampaignContacts.AsNoTracking().Where(x => x.CustomerId == customers[0]).OrderBy(x => x.Attempt).ToListAsync();
        attempts.Select(x => x.Attempt).ShouldBe([1, 2, 3]);
        attempts.ShouldAllBe(x => x.State == CampaignContactState.Done && x.Outcome == CallOutcome.NotReached);
        (await ctx.Interactions.Where(i => i.CustomerId == customers[0]).Select(i => i.Outcome).ToListAsync())
            .ShouldBe([InteractionOutcome.NoAnswer, InteractionOutcome.NoAnswer, InteractionOutcome.NoAnswer]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RecordOutcomeAsync_ACallIsTheConsultantsItWasHandedTo_OrTheQueuesWhileItHoldsIt(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var clock = new Fixed(Noon);
        var (campaignId, _) = await SeedAsync(ctx, [(true, AgentA), (true, AgentA)]);
        await Seed.Sender(ctx, db, new EmailTransportFactory(Seed.Options("127.0.0.1", 1)), clock: clock)
            .SendAsync(Marketer, new SendRequest(campaignId, CampaignChannelKind.CallList));
        var lists = Lists(ctx, db, clock);
        var colleague = new CrmUser(5, "tc2", Role.CallCenter, null, null, null, "127.0.0.1");

        var mine = (await lists.NextCallAsync(Caller))!;
        var queued = await ctx.CampaignContacts.AsNoTracking().Where(x => x.Id != mine.ContactId).Select(x => x.Id).SingleAsync();
        await lists.HoldAsync([queued], true);

        (await lists.RecordOutcomeAsync(colleague, new OutcomeEntry(mine.ContactId, CallOutcome.Reached))).Outcome
            .ShouldBe(CampaignOutcome.Forbidden, "a colleague does not close the call the list handed to another");
        (await lists.RecordOutcomeAsync(Caller, new OutcomeEntry(queued, CallOutcome.Reached))).Outcome
            .ShouldBe(CampaignOutcome.Forbidden, "a call the queue holds is recorded through the queue's item");
        (await lists.RecordOutcomeAsync(Caller, new OutcomeEntry(mine.ContactId, CallOutcome.Reached))).IsOk.ShouldBeTrue();
        (await lists.RecordOutcomeAsync(colleague, new OutcomeEntry(queued, CallOutcome.Reached, ByQueue: true))).IsOk.ShouldBeTrue();
        var done = await ctx.CampaignContacts.AsNoTracking().OrderBy(x => x.Id).Select(x => new { x.Id, x.OutcomeBy }).ToListAsync();
        done.ShouldBe([new { Id = Math.Min(mine.ContactId, queued), OutcomeBy = (string?)(mine.ContactId < queued ? "tc" : "tc2") },
            new { Id = Math.Max(mine.ContactId, queued), OutcomeBy = (string?)(mine.ContactId < queued ? "tc2" : "tc") }]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RecordOutcomeAsync_EachCode_WritesItsInteractionAndInterestedGoesToTheAgent(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var clock = new Fixed(Noon);
        var codes = Enum.GetValues<CallOutcome>().Where(o => o != CallOutcome.NotReached).ToList();
        var (campaignId, customers) = await SeedAsync(ctx, [.. codes.Select(_ => (true, AgentA))]);
        await Seed.Sender(ctx, db, new EmailTransportFactory(Seed.Options("127.0.0.1", 1)), clock: clock)
            .SendAsync(Marketer, new SendRequest(campaignId, CampaignChannelKind.CallList));
        var lists = Lists(ctx, db, clock);
        var agentA = new CrmUser(3, "fcA", Role.Agent, AgentA, null, null, "127.0.0.1");
        var agentB = new CrmUser(4, "fcB", Role.Agent, AgentB, null, null, "127.0.0.1");

        var called = new Dictionary<long, CallOutcome>();
        foreach (var code in codes)
        {
            var call = (await lists.NextCallAsync(Caller))!;
            (await lists.RecordOutcomeAsync(Caller, new OutcomeEntry(call.ContactId, code))).IsOk.ShouldBeTrue();
            called[call.CustomerId] = code;
        }

        var expected = new Dictionary<CallOutcome, InteractionOutcome>
        {
            [CallOutcome.Reached] = InteractionOutcome.Reached, [CallOutcome.Refused] = InteractionOutcome.Refused,
            [CallOutcome.Interested] = InteractionOutcome.Interested, [CallOutcome.Appointment] = InteractionOutcome.FollowUp,
            [CallOutcome.Sold] = InteractionOutcome.Sold,
        };
        var interactions = await ctx.Interactions.AsNoTracking().Where(i => i.Purpose == InteractionPurpose.Campaign).ToListAsync();
        interactions.Count.ShouldBe(codes.Count);
        foreach (var i in interactions)
        {
            i.Outcome.ShouldBe(expected[called[i.CustomerId]]);
            i.Channel.ShouldBe(InteractionChannel.PhoneOut);
        }
        var mine = await lists.AgentListAsync(agentA);
        mine.Select(x => x.CustomerId).Order().ShouldBe(called.Where(c => c.Value is CallOutcome.Interested or CallOutcome.Appointment).Select(c => c.Key).Order());
        mine.ShouldAllBe(x => x.Channel == CampaignChannelKind.Agent);
        (await lists.AgentListAsync(agentB)).ShouldBeEmpty();
        (await lists.RecordOutcomeAsync(agentB, new OutcomeEntry(mine[0].ContactId, CallOutcome.Sold))).Outcome.ShouldBe(CampaignOutcome.NotFound);
        (await lists.RecordOutcomeAsync(agentA, new OutcomeEntry(mine[0].ContactId, CallOutcome.Sold))).IsOk.ShouldBeTrue();
        (await lists.AgentListAsync(agentA)).Count.ShouldBe(mine.Count - 1);
        // The query the worklist merges answers the same open contacts.
        (await ForAgentSqlAsync(ctx, AgentA)).ShouldBe([.. (await lists.AgentListAsync(agentA)).Select(x => x.ContactId)]);
        (await ctx.AccessLog.CountAsync(e => e.Action == AccessAction.View && e.Reason == AccessReason.Campaign)).ShouldBe(codes.Count);
    }

    private static async Task<List<long>> ForAgentSqlAsync(CrmDbContext ctx, long agentId)
    {
        var connection = ctx.Database.GetDbConnection();
        await ctx.Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = AgentCampaignItems.ForAgentSql;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "agent_id";
        parameter.Value = agentId;
        command.Parameters.Add(parameter);
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }
        return ids;
    }

    private static CampaignWorkLists Lists(CrmDbContext ctx, TestDatabase db, Fixed clock)
    {
        var log = CoreServices.Log(db, clock);
        var consents = new ConsentService(ctx, Policy, Seed.Protector, clock, new CustomerScope(ctx), log);
        return new CampaignWorkLists(ctx, consents, log, new CampaignsOptions(), clock);
    }

    /// <summary>A running campaign whose Test members are planned for the call list, each with or without phone consent and with an agent.</summary>
    private static async Task<(long CampaignId, List<long> Customers)> SeedAsync(CrmDbContext ctx, List<(bool PhoneConsent, long AgentId)> people)
    {
        var at = Noon.UtcDateTime;
        var campaign = new Campaign
        {
            Code = "C-T-2", Name = "calls", Theme = "t", Hypothesis = "h", State = CampaignState.Running, StartsOn = new(2026, 3, 1), EndsOn = new(2026, 3, 31),
            ControlShare = 0.2m, SplitSeed = 7, WindowDays = 30, CreatedAt = at, UpdatedAt = at, OwnerUserId = 1, AuthorUserId = 1,
        };
        ctx.Campaigns.Add(campaign);
        var customers = people.Select((_, i) => new Customer { Name = $"고객{i}", NameScript = NameScript.Hangul, CreatedAt = at, UpdatedAt = at }).ToList();
        ctx.Customers.AddRange(customers);
        await ctx.SaveChangesAsync();
        ctx.CampaignScripts.Add(new CampaignScript
        {
            CampaignId = campaign.Id, Channel = CampaignChannelKind.CallList, Language = ScriptLanguage.Korean, Version = 1, Body = "{{name}}님, 상품 안내드립니다",
            CreatedBy = "marketer", CreatedAt = at,
        });
        for (var i = 0; i < people.Count; i++)
        {
            if (people[i].PhoneConsent)
            {
                ctx.MarketingConsents.Add(new MarketingConsent
                {
                    CustomerId = customers[i].Id, Channel = ContactChannel.Phone, Granted = true, NightTimeAllowed = false, Source = "branch",
                    RecordedAt = at.AddDays(-10), EffectiveFrom = DateOnly.FromDateTime(at.AddDays(-10)),
                });
            }
            ctx.CampaignMembers.Add(new CampaignMember
            {
                CampaignId = campaign.Id, CustomerId = customers[i].Id, Arm = CampaignArm.Test, Stratum = "Unscored", SplitHash = i,
                PlannedChannel = CampaignChannelKind.CallList, AgentId = people[i].AgentId,
            });
        }
        await ctx.SaveChangesAsync();
        ctx.ChangeTracker.Clear();
        return (campaign.Id, [.. customers.Select(c => c.Id)]);
    }
}
