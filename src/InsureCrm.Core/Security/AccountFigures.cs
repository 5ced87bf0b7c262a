using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InsureCrm.Core.Security;

/// <summary>Accounts at a glance: active, deactivated, locked out now, and the sessions open now (not ended, idle or too old).</summary>
public sealed record AccountCounts(int Active, int Inactive, int LockedOut, int OpenSessions);

/// <summary>The admin home's account figures; counts only, for admins (null for anyone else, as <see cref="AccountAdmin"/>).</summary>
internal sealed class AccountFigures(CrmDbContext db, TimeProvider clock, IOptions<UserSessionOptions> sessions)
{
    public async Task<AccountCounts?> CountAsync(CrmUser actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.Role.Allows(Capability.AdminUsers))
        {
            return null;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var users = await db.Users.AsNoTracking()
            .GroupBy(u => new { u.IsActive, Locked = u.LockoutEnd != null && u.LockoutEnd > now })
            .Select(g => new { g.Key.IsActive, g.Key.Locked, Count = g.Count() })
            .ToListAsync(ct);
        // The same tests as a session check: an idle or too old session is ended at its next use, so it no longer counts.
        var idleSince = now - sessions.Value.IdleTimeout;
        var createdSince = now - sessions.Value.AbsoluteTimeout;
        var open = await UserSessions.WithLastUse(db)
            .CountAsync(s => s.EndedAt == null && s.LastSeenAt >= idleSince && s.CreatedAt >= createdSince
                && db.Set<AppUser>().Any(u => u.Id == s.UserId && u.IsActive), ct);
        return new AccountCounts(users.Where(u => u.IsActive).Sum(u => u.Count), users.Where(u => !u.IsActive).Sum(u => u.Count),
            users.Where(u => u.Locked).Sum(u => u.Count), open);
    }
}
