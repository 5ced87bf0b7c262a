using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InsureCrm.Core.Security;

/// <summary>Options of the <c>Security:Sessions</c> section.</summary>
internal sealed class UserSessionOptions
{
    public const string Section = "Security:Sessions";

    /// <summary>A session unused this long ends (30 minutes).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "00:30:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A session ends this long after login, however active (12 hours).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "12:00:00")]
    public TimeSpan AbsoluteTimeout { get; set; } = TimeSpan.FromHours(12);

    /// <summary>last_seen_at is written at most this often, so a busy user does not write on every request.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan TouchInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A session found valid is trusted this long without reading its row again (2 seconds; zero reads it on every
    /// request). Ending a session or changing an account in this process takes effect at once whatever this is; a
    /// change made by another web node or the CLI takes effect here within this time.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan RecheckAfter { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// The sessions this process found valid in the last <see cref="UserSessionOptions.RecheckAfter"/>, so that a burst of
/// requests of one session (a page and its fragments, an API client) reads the session row once rather than once per
/// request. One per process (a singleton). <see cref="Invalidate"/> forgets everything: every path that ends a session
/// or changes an account's stamp, role or status calls it after writing (and again after its transaction commits), so
/// revocation on this node never waits for the recheck; only valid checks are remembered.
/// </summary>
internal sealed class SessionCheckCache
{
    // Bounds the memory of a node that sees very many sessions; past it the cache starts over (a few extra reads).
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    /// <summary>When this process last claimed each session's touch (<see cref="ClaimTouch"/>).</summary>
    private readonly ConcurrentDictionary<string, DateTime> _touches = new(StringComparer.Ordinal);
    private long _generation;

    /// <summary>The session row and account as found valid at <see cref="CheckedAt"/>, under invalidation <see cref="Generation"/>.</summary>
    internal sealed record Entry(long UserId, string? SecurityStamp, DateTime CreatedAt, DateTime LastSeenAt, DateTime CheckedAt, long Generation);

    /// <summary>Read before a check: an entry stored under an older generation is never used.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Forgets every remembered check: a session ended, or an account changed, in this process.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    public bool TryGet(string sessionId, out Entry entry) => _entries.TryGetValue(sessionId, out entry!);

    /// <summary>
    /// Whether this request is the one to move the session's last-seen time now: true for the first request that asks
    /// within <paramref name="interval"/>, false for the others (they find the session valid and write nothing). When a
    /// touch falls due, every request of the session in flight reads the row and finds it due; each wrote, and on SQLite
    /// each write waited for the others' (bench/findings/2026-12-06-issue11-round11.md).
    /// </summary>
    public bool ClaimTouch(string sessionId, DateTime now, TimeSpan interval)
    {
        if (_touches.Count >= MaxEntries)
        {
            _touches.Clear();
        }
        while (true)
        {
            if (_touches.TryGetValue(sessionId, out var claimed))
            {
                if (now - claimed < interval && now >= claimed)
                {
                    return false;
                }
                if (_touches.TryUpdate(sessionId, now, claimed))
                {
                    return true;
                }
            }
            else if (_touches.TryAdd(sessionId, now))
            {
                return true;
            }
        }
    }

    public void Store(string sessionId, Entry entry)
    {
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }
        _entries[sessionId] = entry;
    }
}

/// <summary>
/// Server-side sessions (<see cref="UserSession"/>): started at login, checked on every request,
/// ended by logout, by the user from another session, by idleness or age, or when the account's
/// security stamp changes (password reset, role change, deactivation).
/// </summary>
internal sealed class UserSessions(CrmDbContext db, TimeProvider clock, IOptions<UserSessionOptions> sessionOptions, SessionCheckCache checks)
{
    private const int UserAgentLength = 200;
    private readonly UserSessionOptions _options = sessionOptions.Value;

    /// <summary>Starts a session with a fresh random id and returns that id.</summary>
    public async Task<string> StartAsync(long userId, string ip, string? userAgent, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var agent = userAgent ?? "";
        var session = new UserSession
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            UserId = userId,
            CreatedAt = now,
            LastSeenAt = now,
            Ip = ip.Length > 45 ? ip[..45] : ip,
            UserAgent = agent.Length > UserAgentLength ? agent[..UserAgentLength] : agent,
        };
        db.Set<UserSession>().Add(session);
        await db.SaveChangesAsync(ct);
        db.Entry(session).State = EntityState.Detached;
        return session.Id;
    }

    /// <summary>
    /// Checks a session cookie: the row must exist for this user, not have ended, be used within the idle
    /// timeout and be younger than the absolute timeout, and the account must be active with the same
    /// security stamp. A session found idle or too old is ended now; a valid one has its last-seen time
    /// moved forward (at most once per <see cref="UserSessionOptions.TouchInterval"/>). A session found valid within
    /// <see cref="UserSessionOptions.RecheckAfter"/> (by this process, with nothing ended or changed here since) is
    /// not read again until its last-seen time is due to move.
    /// </summary>
    public async Task<SessionCheck> ValidateAsync(string sessionId, long userId, string? securityStamp, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var generation = checks.Generation;
        if (checks.TryGet(sessionId, out var known) && known.Generation == generation && known.UserId == userId
            && string.Equals(known.SecurityStamp, securityStamp, StringComparison.Ordinal)
            && now - known.CheckedAt < _options.RecheckAfter && now >= known.CheckedAt
            && now - known.CreatedAt < _options.AbsoluteTimeout
            && now - known.LastSeenAt < _options.TouchInterval && now - known.LastSeenAt < _options.IdleTimeout)
        {
            return SessionCheck.Valid;
        }
        var row = await WithLastUse(db)
            .Where(s => s.Id == sessionId && s.UserId == userId)
            .Join(db.Users.AsNoTracking(), s => s.UserId, u => u.Id,
                (s, u) => new { s.CreatedAt, s.LastSeenAt, s.EndedAt, u.SecurityStamp, u.IsActive })
            .FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return SessionCheck.Unknown;
        }
        if (row.EndedAt is not null)
        {
            return SessionCheck.Ended;
        }
        var check = !row.IsActive ? SessionCheck.Inactive
            : !string.Equals(row.SecurityStamp, securityStamp, StringComparison.Ordinal) ? SessionCheck.StampChanged
            : now - Utc(row.CreatedAt) >= _options.AbsoluteTimeout ? SessionCheck.Expired
            : now - Utc(row.LastSeenAt) >= _options.IdleTimeout ? SessionCheck.Idle
            : SessionCheck.Valid;
        switch (check)
        {
            case SessionCheck.Valid:
                var lastSeen = Utc(row.LastSeenAt);
                if (now - lastSeen >= _options.TouchInterval)
                {
                    // One request of the session writes; the others that found the touch due at the same moment do not.
                    // Not user_session's row: see SessionSeen. One statement on both databases.
                    if (checks.ClaimTouch(sessionId, now, _options.TouchInterval))
                    {
                        await db.Database.ExecuteSqlAsync($"""
                            INSERT INTO session_seen (session_id, last_seen_at) VALUES ({sessionId}, {now})
                            ON CONFLICT (session_id) DO UPDATE SET last_seen_at = excluded.last_seen_at
                            """, ct);
                    }
                    lastSeen = now;
                }
                if (_options.RecheckAfter > TimeSpan.Zero)
                {
                    checks.Store(sessionId, new SessionCheckCache.Entry(userId, securityStamp, Utc(row.CreatedAt), lastSeen, now, generation));
                }
                break;
            case SessionCheck.Idle or SessionCheck.Expired:
                await EndWhereAsync(db.Set<UserSession>().Where(s => s.Id == sessionId),
                    check == SessionCheck.Idle ? SessionEndReason.Idle : SessionEndReason.Expired, ct);
                break;
            default:
                await EndWhereAsync(db.Set<UserSession>().Where(s => s.Id == sessionId), SessionEndReason.Revoked, ct);
                break;
        }
        return check;
    }

    /// <summary>The user's sessions that still sign them in, newest first.</summary>
    public async Task<IReadOnlyList<SessionInfo>> ListActiveAsync(long userId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var idleSince = now - _options.IdleTimeout;
        var bornAfter = now - _options.AbsoluteTimeout;
        var rows = await WithLastUse(db)
            .Where(s => s.UserId == userId && s.EndedAt == null && s.LastSeenAt > idleSince && s.CreatedAt > bornAfter)
            .Select(s => new SessionInfo(s.Id, s.CreatedAt, s.LastSeenAt, s.Ip, s.UserAgent))
            .ToListAsync(ct);
        return [.. rows.Select(s => s with { CreatedAt = Utc(s.CreatedAt), LastSeenAt = Utc(s.LastSeenAt) })
            .OrderByDescending(s => s.LastSeenAt).ThenBy(s => s.Id, StringComparer.Ordinal)];
    }

    /// <summary>Ends one of the user's own sessions; false when it is not theirs or already ended.</summary>
    public async Task<bool> EndAsync(long userId, string sessionId, SessionEndReason reason, CancellationToken ct = default) =>
        await EndWhereAsync(db.Set<UserSession>().Where(s => s.Id == sessionId && s.UserId == userId), reason, ct) > 0;

    /// <summary>Ends every open session of the user (except <paramref name="exceptSessionId"/>); returns how many.</summary>
    public Task<int> EndAllAsync(long userId, SessionEndReason reason, string? exceptSessionId = null, CancellationToken ct = default) =>
        EndWhereAsync(db.Set<UserSession>().Where(s => s.UserId == userId && s.Id != (exceptSessionId ?? "")), reason, ct);

    private async Task<int> EndWhereAsync(IQueryable<UserSession> sessions, SessionEndReason reason, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        checks.Invalidate();
        var ended = await sessions.Where(s => s.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now).SetProperty(x => x.EndReason, reason), ct);
        // Again after the write: a check that read the row before it must not be remembered.
        checks.Invalidate();
        return ended;
    }

    /// <summary>
    /// Forgets the sessions this process found valid: called after an account's stamp, role or status changed (and after
    /// the transaction that changed it commits), so that its sessions are read again on their next request.
    /// </summary>
    public void ForgetChecks() => checks.Invalidate();

    /// <summary>
    /// Every session (not tracked) with <see cref="UserSession.LastSeenAt"/> its last use: <see cref="SessionSeen"/>'s time,
    /// or the login time before any. For the checks that count idleness from it.
    /// </summary>
    internal static IQueryable<UserSession> WithLastUse(CrmDbContext db) =>
        db.Set<UserSession>().AsNoTracking().Select(s => new UserSession
        {
            Id = s.Id,
            UserId = s.UserId,
            CreatedAt = s.CreatedAt,
            LastSeenAt = db.Set<SessionSeen>().Where(x => x.SessionId == s.Id).Max(x => (DateTime?)x.LastSeenAt) ?? s.LastSeenAt,
            EndedAt = s.EndedAt,
            EndReason = s.EndReason,
            Ip = s.Ip,
            UserAgent = s.UserAgent,
        });

    private static DateTime Utc(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc);
}
