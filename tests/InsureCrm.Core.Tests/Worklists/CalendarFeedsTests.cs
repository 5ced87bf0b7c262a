using System.Text;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using InsureCrm.Core.Worklists;
using InsureCrm.Core.Worklists.Calendar;
using InsureCrm.Tests.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Tests.Worklists;

/// <summary>The agent's calendar feed (issue 14 point 4): a secret revocable URL whose feed parses as RFC 5545 and holds only the agent's own appointments.</summary>
public sealed class CalendarFeedsTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RenderAsync_IssuedToken_ParsesAsICalendarWithTheAppointmentAndNoContactData(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (feeds, me, _, mine, _) = await SeedAsync(db);

        var issued = (await feeds.IssueAsync(me))!;
        var text = (await feeds.RenderAsync(issued.Token))!;

        // RFC 5545 structure: CRLF line ends, no line longer than 75 octets, one calendar holding the events.
        text.ShouldStartWith("BEGIN:VCALENDAR\r\n");
        text.TrimEnd().ShouldEndWith("END:VCALENDAR");
        text.Replace("\r\n", "", StringComparison.Ordinal).ShouldNotContain('\n');
        foreach (var line in text.Split("\r\n"))
        {
            Encoding.UTF8.GetByteCount(line).ShouldBeLessThanOrEqualTo(75, line);
        }
        var calendar = Ical.Net.Calendar.Load(text)!;
        var visit = calendar.Events.Single(e => e.Uid == mine.Uid);
        visit.Summary.ShouldBe("방문: 김*객");
        visit.Sequence.ShouldBe(2);
        visit.DtStart!.IsUtc.ShouldBeTrue();
        visit.DtStart.Value.ShouldBe(mine.StartsAt);
        visit.DtEnd!.Value.ShouldBe(mine.StartsAt.AddMinutes(45));
        visit.Location.ShouldBe("역삼역 3번 출구 카페");
        visit.DtStamp.ShouldNotBeNull();
        // The feed URL lives in a phone: the customer's name, never their phone number, address or the agent's notes.
        text.ShouldNotContain("01055501234");
        text.ShouldNotContain("비밀로 77");
        text.ShouldNotContain("계약서 가져갈 것");
        await using var read = db.CreateContext();
        var stored = await read.CalendarFeeds.SingleAsync();
        stored.TokenHash.ShouldBe(CalendarFeeds.Hash(issued.Token));
        stored.TokenHash.ShouldNotContain(issued.Token);
        issued.Token.Length.ShouldBe(43);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RenderAsync_RevokedOrReissuedToken_FindsNothingAndTheNewOneWorks(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (feeds, me, _, mine, _) = await SeedAsync(db);

        var first = (await feeds.IssueAsync(me))!;
        var second = (await feeds.IssueAsync(me))!;
        (await feeds.RenderAsync(first.Token)).ShouldBeNull("issuing again revokes the earlier URL");
        (await feeds.RenderAsync(second.Token))!.ShouldContain(mine.Uid);
        (await feeds.RenderAsync("not-a-token")).ShouldBeNull();

        (await feeds.RevokeAsync(me)).ShouldBeTrue();
        (await feeds.RenderAsync(second.Token)).ShouldBeNull();
        (await feeds.StatusAsync(me)).Active.ShouldBeFalse();

        var third = (await feeds.IssueAsync(me))!;
        (await feeds.RenderAsync(third.Token))!.ShouldContain(mine.Uid);
        (await feeds.StatusAsync(me)).Active.ShouldBeTrue();
    }

    [Fact]
    public async Task RenderAsync_AnotherAgentsFeed_NeverHoldsMyAppointments()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var (feeds, me, other, mine, theirs) = await SeedAsync(db);

        var myFeed = (await feeds.RenderAsync((await feeds.IssueAsync(me))!.Token))!;
        var theirFeed = (await feeds.RenderAsync((await feeds.IssueAsync(other))!.Token))!;

        theirFeed.ShouldContain(theirs.Uid);
        theirFeed.ShouldNotContain(mine.Uid);
        theirFeed.ShouldNotContain("김고객");
        myFeed.ShouldNotContain(theirs.Uid);
        // Issuing for the other agent did not revoke mine.
        myFeed.ShouldContain(mine.Uid);
    }

    [Fact]
    public async Task RenderAsync_CancelledAndOutOfWindow_CancelledShownForThirtyDaysOthersLeftOut()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var (feeds, me, _, _, _) = await SeedAsync(db);
        await using (var ctx = db.CreateContext())
        {
            var customer = await ctx.Customers.FirstAsync();
            var at = WorklistKit.Now.UtcDateTime;
            ctx.Appointments.AddRange(
                Appt("cancelled-recent", me.AgentId!.Value, customer.Id, at.AddDays(2), cancelled: at.AddDays(-1)),
                Appt("cancelled-old", me.AgentId!.Value, customer.Id, at.AddDays(-20), cancelled: at.AddDays(-40)),
                Appt("too-far", me.AgentId!.Value, customer.Id, at.AddDays(120)),
                Appt("too-old", me.AgentId!.Value, customer.Id, at.AddDays(-45)));
            await ctx.SaveChangesAsync();
        }

        var text = (await feeds.RenderAsync((await feeds.IssueAsync(me))!.Token))!;
        var calendar = Ical.Net.Calendar.Load(text)!;

        calendar.Events.Single(e => e.Uid == "cancelled-recent").Status.ShouldBe("CANCELLED");
        calendar.Events.ShouldNotContain(e => e.Uid == "cancelled-old");
        calendar.Events.ShouldNotContain(e => e.Uid == "too-far");
        calendar.Events.ShouldNotContain(e => e.Uid == "too-old");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RenderAsync_FeedNamingACustomer_WritesTheAccessLogForTheOwnerAndNothingForAnUnknownToken(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (feeds, me, _, mine, theirs) = await SeedAsync(db);
        var token = (await feeds.IssueAsync(me))!.Token;

        (await feeds.RenderAsync("not-a-token", clientIp: "198.51.100.7")).ShouldBeNull();
        await feeds.RenderAsync(token, clientIp: "198.51.100.7");

        await using var read = db.CreateContext();
        var entries = await read.Set<AccessLogEntry>().AsNoTracking().Where(e => e.Detail == CalendarFeeds.AccessPurpose).ToListAsync();
        var entry = entries.ShouldHaveSingleItem();
        entry.CustomerId.ShouldBe(mine.CustomerId);
        entry.CustomerId.ShouldNotBe(theirs.CustomerId);
        entry.UserId.ShouldBe(me.UserId);
        entry.UserName.ShouldBe(me.UserName);
        entry.Action.ShouldBe(AccessAction.View);
        entry.Ip.ShouldBe("198.51.100.7");
    }

    [Fact]
    public async Task IssueAsync_UserWhoIsNotAnAgent_GetsNoFeed()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var (feeds, _, _, _, _) = await SeedAsync(db);

        (await feeds.IssueAsync(WorklistKit.Manager(1))).ShouldBeNull();
        await using var read = db.CreateContext();
        (await read.CalendarFeeds.CountAsync()).ShouldBe(0);
    }

    private static Appointment Appt(string uid, long agentId, long customerId, DateTime startsAt, DateTime? cancelled = null, string? place = null, int sequence = 0) => new()
    {
        Uid = uid, AgentId = agentId, CustomerId = customerId, StartsAt = startsAt, Minutes = 45, Channel = WorkChannel.Visit, Place = place,
        Notes = "계약서 가져갈 것", CreatedAt = WorklistKit.Now.UtcDateTime.AddDays(-3), CancelledAt = cancelled, Sequence = sequence,
    };

    /// <summary>Two agents of one branch with an account each and one appointment each with a customer of their own.</summary>
    private static async Task<(CalendarFeeds Feeds, Core.Security.CrmUser Me, Core.Security.CrmUser Other, Appointment Mine, Appointment Theirs)> SeedAsync(TestDatabase db)
    {
        await using var ctx = db.CreateContext();
        var branch = await WorklistKit.BranchAsync(ctx, "B-GN", "강남지점");
        var meAgent = await WorklistKit.AgentAsync(ctx, branch, "FC0001", "박설계");
        var otherAgent = await WorklistKit.AgentAsync(ctx, branch, "FC0002", "이설계");
        var me = await WorklistKit.AgentUserAsync(ctx, meAgent, "agent1");
        var other = await WorklistKit.AgentUserAsync(ctx, otherAgent, "agent2");
        var mineCustomer = await WorklistKit.CustomerAsync(ctx, "김고객");
        var theirCustomer = await WorklistKit.CustomerAsync(ctx, "최고객", "01099990000");
        var at = WorklistKit.Now.UtcDateTime;
        var mine = Appt("appt-1@insurecrm", meAgent.Id, mineCustomer.Id, new DateTime(2026, 3, 11, 5, 0, 0, DateTimeKind.Utc), place: "역삼역 3번 출구 카페", sequence: 2);
        var theirs = Appt("appt-2@insurecrm", otherAgent.Id, theirCustomer.Id, at.AddDays(3));
        ctx.Appointments.AddRange(mine, theirs);
        await ctx.SaveChangesAsync();
        var clock = new WorklistKit.Fixed(WorklistKit.Now);
        return (new CalendarFeeds(db.Database, clock, CoreServices.Log(db, clock)), me, other, mine, theirs);
    }
}
