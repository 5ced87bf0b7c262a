using System.Security.Cryptography;
using System.Text;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Worklists.Calendar;

/// <summary>A feed just issued: its token, shown once (only its SHA-256 is stored), and when.</summary>
public sealed record IssuedCalendarFeed(string Token, DateTime CreatedAt);

/// <summary>Whether the agent has a live feed, and since when (the token itself cannot be shown again).</summary>
public sealed record CalendarFeedStatus(bool Active, DateTime? CreatedAt);

/// <summary>
/// The words of a feed in the agent's language: what an event's title starts with for a visit and for a call, and the
/// calendar's name. The host passes them (Core has no words); <see cref="Korean"/> when none are given.
/// </summary>
public sealed record CalendarWords(string Visit, string Call, string CalendarName)
{
    public static CalendarWords Korean { get; } = new("방문", "통화", "InsureCRM 일정");
}

/// <summary>
/// An agent's appointments as an iCalendar feed (RFC 5545, issue 14 point 4) at a secret URL that a phone's calendar
/// subscribes to. The URL's token is 32 random bytes (URL-safe Base64), shown once; <c>calendar_feed</c> keeps only its
/// SHA-256 in hex, so a copy of the database cannot subscribe. Issuing again revokes the previous URL; a revoked or
/// unknown token finds nothing (the host answers 404), and so does the token of an agent who left or whose accounts are
/// all inactive.
/// <para>What an event carries, and why. The URL is a bearer secret that lives in a phone's calendar (and often in a
/// cloud copy of it), so an event says as little as lets the agent recognise it: the channel and the customer's masked name
/// (<c>SUMMARY: 방문: 홍*동</c>, <see cref="Masking.Name"/>), start and end in UTC, the place only when the agent typed one for the appointment,
/// and a link to the customer's page in the CRM, which asks for a sign-in. Never a phone number, an RRN, the stored
/// address or the agent's notes (free text may hold anything).</para>
/// <para>Window: appointments starting from <see cref="PastDays"/> days ago to <see cref="AheadDays"/> days ahead; a
/// cancelled one stays in the feed as <c>STATUS:CANCELLED</c> (with a higher <c>SEQUENCE</c>) for
/// <see cref="PastDays"/> days after its cancellation, so that a phone that saw it removes it.</para>
/// <para>Each fetch that returns customers' names writes the access log: one <see cref="AccessAction.View"/> entry per
/// customer in the feed, by the feed's owner (the agent's active account), detail <see cref="AccessPurpose"/>, with the
/// fetching client's address. A fetch of a feed without appointments returns no customer data and logs nothing.</para>
/// </summary>
public sealed class CalendarFeeds(CrmDatabase database, TimeProvider clock, IAccessLog accessLog)
{
    /// <summary>The access log's detail for a feed fetch.</summary>
    public const string AccessPurpose = "calendar-feed";

    public const int PastDays = 30;
    public const int AheadDays = 90;
    private const int TokenBytes = 32;

    /// <summary>Issues a new feed for the user's agent, revoking any earlier one; null for a user who is not an agent (or CS consultant) linked to one.</summary>
    public async Task<IssuedCalendarFeed?> IssueAsync(CrmUser user, CancellationToken ct = default)
    {
        if (AgentOf(user) is not { } agentId)
        {
            return null;
        }
        var token = Base64Url(RandomNumberGenerator.GetBytes(TokenBytes));
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = database.CreateContext();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await RevokeAllAsync(db, agentId, now, ct);
        db.CalendarFeeds.Add(new CalendarFeed { AgentId = agentId, TokenHash = Hash(token), CreatedAt = now });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new IssuedCalendarFeed(token, now);
    }

    /// <summary>Revokes the user's feed; false when there was none.</summary>
    public async Task<bool> RevokeAsync(CrmUser user, CancellationToken ct = default)
    {
        if (AgentOf(user) is not { } agentId)
        {
            return false;
        }
        await using var db = database.CreateContext();
        return await RevokeAllAsync(db, agentId, clock.GetUtcNow().UtcDateTime, ct) > 0;
    }

    public async Task<CalendarFeedStatus> StatusAsync(CrmUser user, CancellationToken ct = default)
    {
        if (AgentOf(user) is not { } agentId)
        {
            return new CalendarFeedStatus(false, null);
        }
        await using var db = database.CreateContext();
        var created = await db.CalendarFeeds.AsNoTracking().Where(f => f.AgentId == agentId && f.RevokedAt == null)
            .OrderByDescending(f => f.CreatedAt).Select(f => (DateTime?)f.CreatedAt).FirstOrDefaultAsync(ct);
        return new CalendarFeedStatus(created is not null, created);
    }

    /// <summary>Whether the user may have a feed at all (an agent or CS consultant account linked to an agent).</summary>
    public static bool MayHaveFeed(CrmUser user) => AgentOf(user) is not null;

    /// <summary>
    /// The feed of <paramref name="token"/> as iCalendar text (CRLF lines folded at 75 octets); null for a revoked, unknown
    /// or orphaned token. The customers it names are in the access log (by the feed's owner, from <paramref name="clientIp"/>)
    /// before it is returned.
    /// </summary>
    public async Task<string?> RenderAsync(string token, CalendarWords? words = null, Uri? crmBase = null, string? clientIp = null, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return null;
        }
        words ??= CalendarWords.Korean;
        var hash = Hash(token);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = database.CreateContext();
        var agentId = await (from f in db.CalendarFeeds.AsNoTracking()
                             join a in db.Agents.AsNoTracking() on f.AgentId equals a.Id
                             where f.TokenHash == hash && f.RevokedAt == null && a.Status != AgentStatus.Terminated
                                 && db.Set<AppUser>().Any(u => u.AgentId == a.Id && u.IsActive)
                             select (long?)a.Id).FirstOrDefaultAsync(ct);
        if (agentId is not { } agent)
        {
            return null;
        }
        // Who reads: the feed's owner, as their (first) active account.
        var owner = await db.Set<AppUser>().AsNoTracking().Where(u => u.AgentId == agent && u.IsActive).OrderBy(u => u.Id)
            .Select(u => new { u.Id, u.UserName, u.Role, u.BranchId }).FirstAsync(ct);
        var since = now.AddDays(-PastDays);
        var until = now.AddDays(AheadDays);
        var rows = await (from p in db.Appointments.AsNoTracking()
                          join c in db.Customers.AsNoTracking() on p.CustomerId equals c.Id
                          where p.AgentId == agent && p.StartsAt >= since && p.StartsAt < until
                              && (p.CancelledAt == null || p.CancelledAt >= since)
                          orderby p.StartsAt, p.Id
                          select new { p.Uid, p.StartsAt, p.Minutes, p.Channel, p.Place, p.CancelledAt, p.Sequence, p.CustomerId, c.Name })
            .ToListAsync(ct);

        var calendar = new Ical.Net.Calendar { ProductId = "-//InsureCRM//Worklists//EN", Method = "PUBLISH" };
        calendar.AddProperty("X-WR-CALNAME", words.CalendarName);
        // How often a subscribing client should fetch again (RFC 7986, and the older name Outlook reads).
        calendar.AddProperty("REFRESH-INTERVAL;VALUE=DURATION", "PT1H");
        calendar.AddProperty("X-PUBLISHED-TTL", "PT1H");
        foreach (var r in rows)
        {
            var starts = DateTime.SpecifyKind(r.StartsAt, DateTimeKind.Utc);
            var e = new CalendarEvent
            {
                Uid = r.Uid,
                Sequence = r.Sequence,
                // A published feed has no METHOD-driven scheduling: the stamp is when this copy was made.
                DtStamp = new CalDateTime(now),
                DtStart = new CalDateTime(starts),
                DtEnd = new CalDateTime(starts.AddMinutes(Math.Max(r.Minutes, 1))),
                Summary = $"{(r.Channel == WorkChannel.Visit ? words.Visit : words.Call)}: {Masking.Name(r.Name)}",
                Status = r.CancelledAt is null ? EventStatus.Confirmed : EventStatus.Cancelled,
            };
            if (!string.IsNullOrWhiteSpace(r.Place))
            {
                e.Location = r.Place.Trim();
            }
            if (crmBase is not null)
            {
                e.Url = new Uri(crmBase, $"customers/{r.CustomerId.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            }
            calendar.Events.Add(e);
        }
        var customers = rows.Select(r => r.CustomerId).Distinct().ToList();
        if (customers.Count > 0)
        {
            var reader = new CrmUser(owner.Id, owner.UserName, owner.Role, agent, owner.BranchId, null, clientIp ?? "");
            await accessLog.RecordManyAsync(reader, [.. customers.Select(id => new AccessEvent(AccessAction.View, id, Detail: AccessPurpose))], ct);
        }
        return new CalendarSerializer().SerializeToString(calendar);
    }

    /// <summary>The stored form of a token: SHA-256 of its ASCII text, lower-case hex.</summary>
    internal static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));

    private static long? AgentOf(CrmUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user is { Role: Role.Agent or Role.CsConsultant, AgentId: { } id } ? id : null;
    }

    private static Task<int> RevokeAllAsync(CrmDbContext db, long agentId, DateTime now, CancellationToken ct) =>
        db.CalendarFeeds.Where(f => f.AgentId == agentId && f.RevokedAt == null).ExecuteUpdateAsync(u => u.SetProperty(f => f.RevokedAt, now), ct);

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
