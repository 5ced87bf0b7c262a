using InsureCrm.Core.Agents;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Measurement;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using InsureCrm.Tests;

namespace InsureCrm.Core.Tests.Campaigns;

/// <summary>The dashboard's day and week counts of a planted running campaign, and the marketer's home.</summary>
public sealed class DashboardTests
{
    // Wednesday 2026-03-18, 10:00 in Seoul. The campaign starts on Monday 2026-03-09.
    private static readonly DateTime Now = new(2026, 3, 18, 1, 0, 0, DateTimeKind.Utc);
    private static readonly CrmUser Marketer = new(11, "marketer.kim", Role.Marketer, null, null, null, "127.0.0.1");
    private static readonly CrmUser Colleague = new(12, "marketer.lee", Role.Marketer, null, null, null, "127.0.0.1");

    private static DateOnly D(int month, int day) => new(2026, month, day);

    /// <summary>A UTC instant given as its wall-clock time in Seoul (UTC+9).</summary>
    private static DateTime Seoul(int month, int day, int hour, int minute = 0) => new DateTime(2026, month, day, hour, minute, 0, DateTimeKind.Utc).AddHours(-9);

    private sealed class FixedClock(DateTime utc) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(utc);
    }

    private sealed record World(long CampaignId, long BranchA);

    /// <summary>
    /// A running campaign with members in branches A (agent A-01) and B (agent B-01). Contacts made: e-mails sent 3 on
    /// Mon 03-09, 2 on Tue 03-10 at 23:30 and 1 on Wed 03-11 at 00:30 (Seoul; 15:30 UTC the day before), 1 today; an agent
    /// visit done Interested on Mon 03-16 and a call done Refused on Tue 03-17 (no sent instant: dated by the outcome).
    /// Not made: one e-mail pending, one call released. Blocked on 03-09: two NoConsent, one NoConsent and DoNotCall.
    /// Responders: Test 2 (on 03-12 and 03-17; the second responded twice that day), Control 1 (03-17).
    /// </summary>
    private static async Task<World> SeedAsync(TestDatabase db)
    {
        await using var ctx = db.CreateContext();
        var a = new Branch { Code = "B-A", Name = "A", Sido = "서울특별시", Sigungu = "중구" };
        var b = new Branch { Code = "B-B", Name = "B", Sido = "부산광역시", Sigungu = "중구" };
        ctx.Branches.AddRange(a, b);
        await ctx.SaveChangesAsync();
        var agentA = new Agent { Code = "A-01", Name = "a", Kind = AgentKind.Fc, BranchId = a.Id, HireDate = D(1, 1), Status = AgentStatus.Active };
        var agentB = new Agent { Code = "B-01", Name = "b", Kind = AgentKind.Fc, BranchId = b.Id, HireDate = D(1, 1), Status = AgentStatus.Active };
        ctx.Agents.AddRange(agentA, agentB);
        var campaign = new Campaign
        {
            Code = "C-2026-020", Name = "dashboard", Theme = "t", Objective = CampaignObjective.NewContract, WindowDays = 30,
            OwnerUserId = Marketer.UserId, AuthorUserId = Marketer.UserId, State = CampaignState.Running, StartsOn = D(3, 9), EndsOn = D(3, 31),
            ControlShare = 0.2m, SplitSeed = 1, CreatedAt = Now, UpdatedAt = Now,
        };
        ctx.Campaigns.Add(campaign);
        var customers = Enumerable.Range(0, 20).Select(_ => new Customer { Name = "d", NameScript = NameScript.Latin, CreatedAt = Now, UpdatedAt = Now }).ToList();
        ctx.Customers.AddRange(customers);
        await ctx.SaveChangesAsync();

        var next = 0;
        CampaignContact Contact(CampaignChannelKind channel, CampaignContactState state, DateTime planned, DateTime? sent = null,
            CallOutcome? outcome = null, DateTime? outcomeAt = null, string reasons = "", bool inB = false)
        {
            var customer = customers[next++].Id;
            var agent = inB ? agentB : agentA;
            ctx.CampaignMembers.Add(new CampaignMember
            {
                CampaignId = campaign.Id, CustomerId = customer, Arm = CampaignArm.Test, Stratum = "s", SplitHash = customer,
                PlannedChannel = channel, AgentId = agent.Id, BranchId = agent.BranchId,
            });
            var contact = new CampaignContact
            {
                CampaignId = campaign.Id, CustomerId = customer, Channel = channel, Attempt = 1, IdemKey = CampaignContact.KeyOf(campaign.Id, customer, channel, 1),
                State = state, PlannedAt = planned, SentAt = sent, Outcome = outcome, OutcomeAt = outcomeAt, Reasons = reasons, AgentId = agent.Id,
            };
            ctx.CampaignContacts.Add(contact);
            return contact;
        }

        for (var i = 0; i < 3; i++)
        {
            Contact(CampaignChannelKind.Email, CampaignContactState.Sent, Seoul(3, 9, 10), Seoul(3, 9, 10), inB: i == 2);
        }
        Contact(CampaignChannelKind.Email, CampaignContactState.Sent, Seoul(3, 10, 10), Seoul(3, 10, 23, 30));
        Contact(CampaignChannelKind.Email, CampaignContactState.Sent, Seoul(3, 10, 10), Seoul(3, 10, 23, 30));
        Contact(CampaignChannelKind.Email, CampaignContactState.Sent, Seoul(3, 10, 10), Seoul(3, 11, 0, 30));
        Contact(CampaignChannelKind.Email, CampaignContactState.Sent, Seoul(3, 18, 9), Seoul(3, 18, 9), inB: true);
        Contact(CampaignChannelKind.Agent, CampaignContactState.Done, Seoul(3, 9, 9), outcome: CallOutcome.Interested, outcomeAt: Seoul(3, 16, 14));
        Contact(CampaignChannelKind.CallList, CampaignContactState.Done, Seoul(3, 9, 9), outcome: CallOutcome.Refused, outcomeAt: Seoul(3, 17, 11), inB: true);
        Contact(CampaignChannelKind.Email, CampaignContactState.Pending, Seoul(3, 18, 9));
        Contact(CampaignChannelKind.CallList, CampaignContactState.Released, Seoul(3, 18, 9));
        Contact(CampaignChannelKind.Email, CampaignContactState.Blocked, Seoul(3, 9, 10), reasons: "NoConsent");
        Contact(CampaignChannelKind.Email, CampaignContactState.Blocked, Seoul(3, 9, 10), reasons: "NoConsent");
        Contact(CampaignChannelKind.Email, CampaignContactState.Blocked, Seoul(3, 9, 10), reasons: "NoConsent,DoNotCall", inB: true);

        CampaignResponse Response(long customer, CampaignArm arm, DateOnly on, long eventId) => new()
        {
            CampaignId = campaign.Id, Kind = CampaignObjective.NewContract, EventId = eventId, CustomerId = customer, Arm = arm, Stratum = "s", EventDate = on, Revenue = 1_000,
        };
        var control = customers[19].Id;
        ctx.CampaignMembers.Add(new CampaignMember { CampaignId = campaign.Id, CustomerId = control, Arm = CampaignArm.Control, Stratum = "s", SplitHash = control, BranchId = a.Id });
        ctx.CampaignResponses.AddRange(
            Response(customers[0].Id, CampaignArm.Test, D(3, 12), 1),
            Response(customers[3].Id, CampaignArm.Test, D(3, 17), 2),
            Response(customers[3].Id, CampaignArm.Test, D(3, 17), 3),
            Response(control, CampaignArm.Control, D(3, 17), 4));
        ctx.CampaignEvents.AddRange(
            new CampaignEvent { CampaignId = campaign.Id, At = Seoul(3, 9, 10), UserName = "marketer.kim", Kind = CampaignEventKind.Sent, Detail = "{}" },
            new CampaignEvent { CampaignId = campaign.Id, At = Seoul(3, 12, 15), UserName = "marketer.kim", Kind = CampaignEventKind.OfferChanged, Detail = """{"channel":"Agent"}""" },
            new CampaignEvent { CampaignId = campaign.Id, At = Seoul(3, 11, 9), UserName = "marketer.kim", Kind = CampaignEventKind.ScriptRevised, Detail = """{"channel":"Email"}""" });
        await ctx.SaveChangesAsync();
        return new World(campaign.Id, a.Id);
    }

    private static CampaignDashboardService Service(TestDatabase db) =>
        new(db.Database, new CampaignResultsService(db.Database, new Core.Campaigns.Measurement.CampaignAttribution(db.Database, new CampaignsOptions(), new FixedClock(Now))), new FixedClock(Now));

    /// <summary>A dimension's counts as "MM-dd key count" lines.</summary>
    private static List<string> Of(CampaignDashboard d, string dimension) =>
        [.. d.Counts.Where(c => c.Dimension == dimension).Select(c => $"{c.Period:MM-dd} {c.Key} {c.Count}")];

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task DashboardAsync_Day_CountsEachContactMadeOnItsSeoulDateAndBlockedByReason(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var world = await SeedAsync(db);

        var day = (await Service(db).DashboardAsync(Marketer, world.CampaignId, DashboardPeriod.Day)).Value!;

        Of(day, CampaignDashboardService.Channel).ShouldBe(["03-09 Email 3", "03-10 Email 2", "03-11 Email 1", "03-18 Email 1", "03-16 Agent 1", "03-17 CallList 1"], ignoreOrder: true);
        Of(day, CampaignDashboardService.Outcome).ShouldBe(["03-16 Interested 1", "03-17 Refused 1"], ignoreOrder: true);
        Of(day, CampaignDashboardService.Blocked).ShouldBe(["03-09 NoConsent 3", "03-09 DoNotCall 1"], ignoreOrder: true);
        Of(day, CampaignDashboardService.Branch).ShouldBe(["03-09 B-A 2", "03-09 B-B 1", "03-10 B-A 2", "03-11 B-A 1", "03-18 B-B 1", "03-16 B-A 1", "03-17 B-B 1"], ignoreOrder: true);
        Of(day, CampaignDashboardService.Agent).ShouldBe(
            ["03-09 A-01 2", "03-09 B-01 1", "03-10 A-01 2", "03-11 A-01 1", "03-16 A-01 1", "03-17 B-01 1", "03-18 B-01 1"], ignoreOrder: true);
        Of(day, CampaignDashboardService.Response).ShouldBe(["03-12 Test 1", "03-17 Test 1", "03-17 Control 1"], ignoreOrder: true);
        day.SoFar.ShouldNotBeNull();
        day.SoFar.Test.Responders.ShouldBe(2);
        day.SoFar.Control.Responders.ShouldBe(1);
        day.SoFar.Test.Solicitations.ShouldBe(9);
        day.Revisions.Select(r => r.Kind).ShouldBe([CampaignEventKind.ScriptRevised, CampaignEventKind.OfferChanged]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task DashboardAsync_Week_AddsTheDaysFromMonday_BranchManagerSeesTheirBranch_AgentIsForbidden(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var world = await SeedAsync(db);
        var service = Service(db);

        var week = (await service.DashboardAsync(Marketer, world.CampaignId, DashboardPeriod.Week)).Value!;
        var manager = (await service.DashboardAsync(new CrmUser(40, "manager", Role.BranchManager, null, world.BranchA, null, "127.0.0.1"),
            world.CampaignId, DashboardPeriod.Week)).Value!;
        var agent = await service.DashboardAsync(new CrmUser(30, "agent", Role.Agent, 1, world.BranchA, null, "127.0.0.1"), world.CampaignId, DashboardPeriod.Day);

        Of(week, CampaignDashboardService.Channel).ShouldBe(["03-09 Email 6", "03-16 Email 1", "03-16 Agent 1", "03-16 CallList 1"], ignoreOrder: true);
        Of(week, CampaignDashboardService.Blocked).ShouldContain("03-09 NoConsent 3");
        Of(week, CampaignDashboardService.Response).ShouldBe(["03-09 Test 1", "03-16 Test 1", "03-16 Control 1"], ignoreOrder: true);
        Of(manager, CampaignDashboardService.Channel).ShouldBe(["03-09 Email 5", "03-16 Agent 1"], ignoreOrder: true);
        Of(manager, CampaignDashboardService.Blocked).ShouldBe(["03-09 NoConsent 2"]);
        manager.SoFar!.Test.Members.ShouldBe(10);
        agent.Outcome.ShouldBe(CampaignOutcome.Forbidden);
        (await service.DashboardAsync(Marketer, world.CampaignId + 1, DashboardPeriod.Day)).Outcome.ShouldBe(CampaignOutcome.NotFound);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task HomeAsync_CountsByStateTodaysContactsAndOnlyOthersDraftsOldestFirst(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var world = await SeedAsync(db);
        await using (var ctx = db.CreateContext())
        {
            Campaign Plan(string code, CampaignState state, CrmUser author, DateTime updated) => new()
            {
                Code = code, Name = code, Theme = "t", Objective = CampaignObjective.NewContract, WindowDays = 30, OwnerUserId = author.UserId,
                AuthorUserId = author.UserId, State = state, StartsOn = D(4, 1), EndsOn = D(4, 30), ControlShare = 0.2m, SplitSeed = 1,
                CreatedAt = updated, UpdatedAt = updated,
            };
            ctx.Campaigns.AddRange(
                Plan("C-MINE-1", CampaignState.Draft, Marketer, Now.AddDays(-9)),
                Plan("C-LEE-NEW", CampaignState.Draft, Colleague, Now.AddDays(-1)),
                Plan("C-LEE-OLD", CampaignState.Draft, Colleague, Now.AddDays(-5)),
                Plan("C-CLOSED", CampaignState.Closed, Colleague, Now.AddDays(-90)));
            ctx.CampaignAttributions.AddRange(
                new Core.Campaigns.CampaignAttribution { CampaignId = world.CampaignId, AsOf = D(3, 10), RanAt = Now.AddDays(-8), Responses = 1, RespondersTest = 1 },
                new Core.Campaigns.CampaignAttribution { CampaignId = world.CampaignId, AsOf = D(3, 17), RanAt = Now.AddHours(-2), Responses = 4, RespondersTest = 2, RespondersControl = 1 });
            await ctx.SaveChangesAsync();
        }
        var service = Service(db);

        var home = await service.HomeAsync(Marketer, Now.AddDays(-3));
        var colleagues = await service.HomeAsync(Colleague, null);
        var analyst = await service.HomeAsync(new CrmUser(13, "analyst", Role.Analyst, null, null, null, "127.0.0.1"), null);
        var agent = await service.HomeAsync(new CrmUser(30, "agent", Role.Agent, 1, world.BranchA, null, "127.0.0.1"), null);

        home.ByState.OrderBy(x => x.Key).Select(x => $"{x.Key} {x.Value}").ShouldBe(["Draft 3", "Running 1", "Closed 1"]);
        var live = home.Live.ShouldHaveSingleItem();
        live.Campaign.Id.ShouldBe(world.CampaignId);
        live.ContactsToday.ShouldBe(1);
        (live.RespondersTest, live.RespondersControl).ShouldBe((2L, 1L));
        home.AwaitingApproval.Select(c => c.Code).ShouldBe(["C-LEE-OLD", "C-LEE-NEW"]);
        colleagues.AwaitingApproval.Select(c => c.Code).ShouldBe(["C-MINE-1"]);
        analyst.AwaitingApproval.ShouldBeEmpty();
        home.NewResults.Select(r => r.AsOf).ShouldBe([D(3, 17)]);
        colleagues.NewResults.Select(r => r.AsOf).ShouldBe([D(3, 17)], "without a last visit, the last week's results");
        agent.ByState.ShouldBeEmpty();
        agent.Live.ShouldBeEmpty();
    }
}
