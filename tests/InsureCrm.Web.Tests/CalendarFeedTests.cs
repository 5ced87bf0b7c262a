using System.Net;
using System.Text.RegularExpressions;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Core.Worklists;
using InsureCrm.Core.Worklists.Calendar;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Web.Tests;

/// <summary>The agent's calendar feed on the web (issue 14 point 4): issued and revoked on /today/calendar, read anonymously at its secret URL.</summary>
public sealed partial class CalendarFeedTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CalendarFeed_IssuedOnThePage_ServesTheAppointment_RevokedAnswers404_AndANewOneWorks(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        await using (var ctx = db.CreateContext())
        {
            ctx.Appointments.Add(new Appointment
            {
                Uid = "appt-web-1@insurecrm", AgentId = family.AgentId, CustomerId = family.HongId, StartsAt = DateTime.UtcNow.AddDays(2), Minutes = 30,
                Channel = WorkChannel.Visit, Notes = "메모", CreatedAt = DateTime.UtcNow, Sequence = 0,
            });
            await ctx.SaveChangesAsync();
        }
        using var agent = await factory.SignedInClientAsync("agent");
        using var phone = factory.NewClient();

        var before = await agent.GetStringAsync("/today/calendar");
        before.ShouldContain("data-testid=\"calendar-none\"");
        var issuedPage = await PostAsync(agent, before, "calendar-issue");
        var url = FeedUrl(issuedPage);
        issuedPage.ShouldContain("href=\"webcal://");
        using (var feed = await phone.GetAsync(url))
        {
            feed.StatusCode.ShouldBe(HttpStatusCode.OK);
            feed.Content.Headers.ContentType!.MediaType.ShouldBe("text/calendar");
            var text = await feed.Content.ReadAsStringAsync();
            text.ShouldContain("UID:appt-web-1@insurecrm");
            text.ShouldContain("SUMMARY:방문: 홍*동");
            text.ShouldNotContain("홍길동", customMessage: "the full name stays in the CRM");
            text.ShouldContain("/customers/" + family.HongId);
            text.ShouldNotContain(family.HongPhone);
        }
        // The anonymous fetch named a customer: the access log has it, read by the feed's owner.
        await using (var ctx = db.CreateContext())
        {
            var logged = (await ctx.Set<AccessLogEntry>().AsNoTracking().Where(e => e.Detail == CalendarFeeds.AccessPurpose).ToListAsync()).ShouldHaveSingleItem();
            logged.CustomerId.ShouldBe(family.HongId);
            logged.UserName.ShouldBe("agent");
            logged.Action.ShouldBe(AccessAction.View);
        }
        // The page never shows the token again.
        var later = await agent.GetStringAsync("/today/calendar");
        later.ShouldContain("data-testid=\"calendar-active\"");
        later.ShouldNotContain(url);

        await PostAsync(agent, later, "calendar-revoke");
        using (var revoked = await phone.GetAsync(url))
        {
            revoked.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }
        var again = FeedUrl(await PostAsync(agent, await agent.GetStringAsync("/today/calendar"), "calendar-issue"));
        again.ShouldNotBe(url);
        (await phone.GetStringAsync(again)).ShouldContain("UID:appt-web-1@insurecrm");
        using (var old = await phone.GetAsync(url))
        {
            old.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task CalendarPage_ManagerWithoutAnAgent_IsToldThereIsNoFeed_AndTheFeedIsRateLimited()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        await CustomerApiTests.SeedAsync(factory);
        using var manager = await factory.SignedInClientAsync("manager");
        using var phone = factory.NewClient();

        var refused = await manager.GetStringAsync("/today/calendar");
        refused.ShouldContain("data-testid=\"calendar-not-agent\"");
        refused.ShouldNotContain("data-testid=\"calendar-issue\"");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= InsureCrm.Web.Worklists.CalendarFeedRateLimit.PermitsPerMinute; i++)
        {
            using var r = await phone.GetAsync("/calendar/guessed-token-" + i + ".ics");
            statuses.Add(r.StatusCode);
        }
        statuses.Take(InsureCrm.Web.Worklists.CalendarFeedRateLimit.PermitsPerMinute).ShouldAllBe(s => s == HttpStatusCode.NotFound);
        statuses[^1].ShouldBe(HttpStatusCode.TooManyRequests);
    }

    private static async Task<string> PostAsync(HttpClient client, string page, string form)
    {
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = CrmWebFactory.Token(page),
            ["_handler"] = form,
        });
        using var response = await client.PostAsync("/today/calendar", content);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync();
    }

    private static string FeedUrl(string page)
    {
        var m = UrlPattern().Match(page);
        m.Success.ShouldBeTrue("the issued page shows the address");
        return new Uri(WebUtility.HtmlDecode(m.Groups[1].Value)).PathAndQuery;
    }

    [GeneratedRegex("value=\"(https?://[^\"]+/calendar/[^\"]+)\" data-testid=\"calendar-url\"")]
    private static partial Regex UrlPattern();
}
