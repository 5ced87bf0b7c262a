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
}

/// <summary>
/// Server-side sessions (<see cref="UserSession"/>): started at login, checked on every request,
/// ended by logout, by the user from another session, by idleness or age, or when the account's
/// security stamp changes (password reset, role change, deactivation).
/// </summary>
internal sealed class UserSessions(CrmDbContext db, TimeProvider clock, IOptions<UserSessionOptions> sessionOptions)
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
    /// moved forward (at most once per <see cref="UserSessionOptions.TouchInterval"/>).
    /// </summary>
    public async Task<SessionCheck> ValidateAsync(string sessionId, long userId, string? securityStamp, CancellationToken ct = default)
    {
        var row = await db.Set<UserSession>().AsNoTracking()
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
        var now = clock.GetUtcNow().UtcDateTime;
        var check = !row.IsActive ? SessionCheck.Inactive
            : !string.Equals(row.SecurityStamp, securityStamp, StringComparison.Ordinal) ? SessionCheck.StampChanged
            : now - Utc(row.CreatedAt) >= _options.AbsoluteTimeout ? SessionCheck.Expired
            : now - Utc(row.LastSeenAt) >= _options.IdleTimeout ? SessionCheck.Idle
            : SessionCheck.Valid;
        switch (check)
        {
            case SessionCheck.Valid:
                if (now - Utc(row.LastSeenAt) >= _options.TouchInterval)
                {
                    await db.Set<UserSession>().Where(s => s.Id == sessionId && s.EndedAt == null)
                        .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now), ct);
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
        var rows = await db.Set<UserSession>().AsNoTracking()
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

    private Task<int> EndWhereAsync(IQueryable<UserSession> sessions, SessionEndReason reason, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return sessions.Where(s => s.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now).SetProperty(x => x.EndReason, reason), ct);
    }

    private static DateTime Utc(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc);
}
