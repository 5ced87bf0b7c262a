using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InsureCrm.Core.Security;

/// <summary>An account as the admin list shows it (no password hash).</summary>
public sealed record UserSummary(
    long Id, string UserName, string DisplayName, Role Role, string? AgentCode, string? BranchCode,
    bool IsActive, DateTime CreatedAt, DateTime? LockoutEnd, DateTime? PasswordChangedAt);

/// <summary>A new account: one per person, linked to its agent (agent, CS consultant) or branch (branch manager).</summary>
public sealed record NewUser(string UserName, string DisplayName, Role Role, string Password, string? AgentCode = null, string? BranchCode = null);

/// <summary>Why an account change was refused.</summary>
public enum AccountError
{
    /// <summary>Only an admin manages accounts.</summary>
    Forbidden,
    NotFound,
    UserNameInvalid,
    UserNameTaken,
    DisplayNameInvalid,
    PasswordPolicy,
    /// <summary>Agent and CS consultant accounts need the agent they belong to.</summary>
    AgentRequired,
    /// <summary>Branch manager accounts need their branch.</summary>
    BranchRequired,
    UnknownAgent,
    UnknownBranch,
    /// <summary>An admin cannot demote or deactivate their own account (nobody could undo it).</summary>
    OwnAccount,
}

/// <summary>The outcome of an account change: <see cref="Error"/> null on success.</summary>
public sealed record AccountResult(AccountError? Error, IReadOnlyList<PasswordRule> PasswordRules, long? UserId = null)
{
    public bool Succeeded => Error is null;

    internal static AccountResult Ok(long userId) => new(null, [], userId);
    internal static AccountResult Fail(AccountError error) => new(error, []);
}

/// <summary>
/// User management for admins, the same for the web and the CLI: list, create, change role (and links),
/// deactivate, reactivate, reset a password. Only <see cref="Role.Admin"/> may call it; every grant,
/// change and revocation is written to <c>access_right_change</c> in the same transaction, and a change
/// that reduces or resets rights renews the security stamp and ends the account's sessions at once.
/// </summary>
internal sealed class AccountAdmin(CrmDbContext db, UserSessions sessions, TimeProvider clock, IOptions<AccessRightsOptions> retention)
{
    public const int MaxUserNameLength = 60;

    /// <summary>Every account, by user name; null when <paramref name="actor"/> is not an admin.</summary>
    public async Task<IReadOnlyList<UserSummary>?> ListAsync(CrmUser actor, CancellationToken ct = default)
    {
        if (!IsAdmin(actor))
        {
            return null;
        }
        var rows = await db.Users.AsNoTracking()
            .OrderBy(u => u.UserName)
            .Select(u => new
            {
                u.Id, u.UserName, u.DisplayName, u.Role, u.IsActive, u.CreatedAt, u.LockoutEnd, u.PasswordChangedAt,
                AgentCode = db.Set<Agent>().Where(a => a.Id == u.AgentId).Select(a => a.Code).FirstOrDefault(),
                BranchCode = db.Set<Branch>().Where(b => b.Id == u.BranchId).Select(b => b.Code).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return [.. rows.Select(u => new UserSummary(u.Id, u.UserName, u.DisplayName, u.Role, u.AgentCode, u.BranchCode, u.IsActive,
            Utc(u.CreatedAt), u.LockoutEnd is { } l ? Utc(l) : null, u.PasswordChangedAt is { } p ? Utc(p) : null))];
    }

    /// <summary>Recent access-right changes (newest first), for admins and compliance; null for anyone else.</summary>
    public async Task<IReadOnlyList<AccessRightChange>?> HistoryAsync(CrmUser actor, string? userName = null, int limit = 200, CancellationToken ct = default)
    {
        if (actor.Role is not (Role.Admin or Role.Compliance))
        {
            return null;
        }
        var query = db.Set<AccessRightChange>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(userName))
        {
            query = query.Where(c => c.TargetUserName == userName.Trim());
        }
        var rows = await query.OrderByDescending(c => c.Id).Take(limit).ToListAsync(ct);
        rows.ForEach(r => r.At = Utc(r.At));
        return rows;
    }

    /// <summary>Creates an account; the password must meet <see cref="PasswordPolicy"/>.</summary>
    public async Task<AccountResult> CreateAsync(CrmUser actor, NewUser request, CancellationToken ct = default)
    {
        if (!IsAdmin(actor))
        {
            return AccountResult.Fail(AccountError.Forbidden);
        }
        var userName = request.UserName.Trim();
        if (!IsValidUserName(userName))
        {
            return AccountResult.Fail(AccountError.UserNameInvalid);
        }
        var displayName = request.DisplayName.Trim();
        if (displayName.Length is 0 or > 100)
        {
            return AccountResult.Fail(AccountError.DisplayNameInvalid);
        }
        var normalized = AppUser.Normalize(userName);
        if (await db.Users.AnyAsync(u => u.NormalizedUserName == normalized, ct))
        {
            return AccountResult.Fail(AccountError.UserNameTaken);
        }
        var broken = PasswordPolicy.Check(request.Password, userName);
        if (broken.Count > 0)
        {
            return new AccountResult(AccountError.PasswordPolicy, broken);
        }
        var (links, linkError) = await ResolveLinksAsync(request.Role, request.AgentCode, request.BranchCode, ct);
        if (linkError is { } e)
        {
            return AccountResult.Fail(e);
        }
        var now = Now();
        var user = new AppUser
        {
            UserName = userName,
            NormalizedUserName = normalized,
            DisplayName = displayName,
            Role = request.Role,
            PasswordHash = PasswordHashing.Hash(request.Password),
            AgentId = links.AgentId,
            BranchId = links.BranchId,
            CreatedAt = now,
            PasswordChangedAt = now,
            SecurityStamp = AppUser.NewStamp(),
            ConcurrencyStamp = AppUser.NewStamp(),
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Users.Add(user);
        await db.SaveChangesAsync(ct);
        Record(actor, user, AccessRightChangeKind.Created, null, user.Role, LinkDetail(links));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return AccountResult.Ok(user.Id);
    }

    /// <summary>
    /// Creates the first admin of a database that has no active admin (a new installation without demo
    /// logins); refused with <see cref="AccountError.Forbidden"/> once an active admin exists. Recorded
    /// with the actor "bootstrap".
    /// </summary>
    public async Task<AccountResult> BootstrapAdminAsync(NewUser request, CancellationToken ct = default)
    {
        if (request.Role != Role.Admin || await db.Users.AnyAsync(u => u.Role == Role.Admin && u.IsActive, ct))
        {
            return AccountResult.Fail(AccountError.Forbidden);
        }
        return await CreateAsync(new CrmUser(0, "bootstrap", Role.Admin, null, null, null, "cli"), request, ct);
    }

    /// <summary>Changes an account's role and links; its sessions end (it signs in again with the new rights).</summary>
    public Task<AccountResult> SetRoleAsync(CrmUser actor, string userName, Role role, string? agentCode = null, string? branchCode = null, CancellationToken ct = default) =>
        ChangeAsync(actor, userName, forbidOwn: true, async user =>
        {
            var (links, linkError) = await ResolveLinksAsync(role, agentCode, branchCode, ct);
            if (linkError is { } e)
            {
                return (AccountResult.Fail(e), null);
            }
            var old = user.Role;
            user.Role = role;
            user.AgentId = links.AgentId;
            user.BranchId = links.BranchId;
            return (null, new Change(AccessRightChangeKind.RoleChanged, old, role, LinkDetail(links)));
        }, ct);

    /// <summary>Revokes all access: the account cannot sign in and its sessions end now.</summary>
    public Task<AccountResult> DeactivateAsync(CrmUser actor, string userName, CancellationToken ct = default) =>
        ChangeAsync(actor, userName, forbidOwn: true, user =>
        {
            user.IsActive = false;
            return Task.FromResult<(AccountResult?, Change?)>((null, new Change(AccessRightChangeKind.Deactivated, user.Role, null, null)));
        }, ct);

    /// <summary>Gives a deactivated account its role back (and clears any lockout).</summary>
    public Task<AccountResult> ReactivateAsync(CrmUser actor, string userName, CancellationToken ct = default) =>
        ChangeAsync(actor, userName, forbidOwn: false, user =>
        {
            user.IsActive = true;
            user.LockoutEnd = null;
            user.AccessFailedCount = 0;
            return Task.FromResult<(AccountResult?, Change?)>((null, new Change(AccessRightChangeKind.Reactivated, null, user.Role, null)));
        }, ct);

    /// <summary>Sets a new password (policy-checked), clears any lockout and ends the account's sessions.</summary>
    public Task<AccountResult> ResetPasswordAsync(CrmUser actor, string userName, string newPassword, CancellationToken ct = default) =>
        ChangeAsync(actor, userName, forbidOwn: false, user =>
        {
            var broken = PasswordPolicy.Check(newPassword, user.UserName);
            if (broken.Count > 0)
            {
                    return Task.FromResult<(AccountResult?, Change?)>((new AccountResult(AccountError.PasswordPolicy, broken), null));
            }
            user.PasswordHash = PasswordHashing.Hash(newPassword);
            user.PasswordChangedAt = Now();
            user.LockoutEnd = null;
            user.AccessFailedCount = 0;
            return Task.FromResult<(AccountResult?, Change?)>((null, new Change(AccessRightChangeKind.PasswordReset, user.Role, user.Role, null)));
        }, ct);

    /// <summary>Deletes access-right changes older than the retention (at least 3 years); returns how many.</summary>
    public Task<int> PurgeExpiredAsync(CancellationToken ct = default)
    {
        var cutoff = Now().AddDays(-retention.Value.RetentionDays);
        return db.Set<AccessRightChange>().Where(c => c.At < cutoff).ExecuteDeleteAsync(ct);
    }

    internal static bool IsValidUserName(string userName) =>
        userName.Length is >= 3 and <= MaxUserNameLength
        && userName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@');

    private sealed record Change(AccessRightChangeKind Kind, Role? OldRole, Role? NewRole, string? Detail);

    private sealed record Links(long? AgentId, long? BranchId, string? AgentCode, string? BranchCode);

    private async Task<AccountResult> ChangeAsync(CrmUser actor, string userName, bool forbidOwn,
        Func<AppUser, Task<(AccountResult? Failure, Change? Change)>> apply, CancellationToken ct)
    {
        if (!IsAdmin(actor))
        {
            return AccountResult.Fail(AccountError.Forbidden);
        }
        var normalized = AppUser.Normalize(userName);
        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedUserName == normalized, ct);
        if (user is null)
        {
            return AccountResult.Fail(AccountError.NotFound);
        }
        if (forbidOwn && user.Id == actor.UserId)
        {
            return AccountResult.Fail(AccountError.OwnAccount);
        }
        var (failure, change) = await apply(user);
        if (failure is not null)
        {
            return failure;
        }
        user.SecurityStamp = AppUser.NewStamp();
        user.ConcurrencyStamp = AppUser.NewStamp();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        Record(actor, user, change!.Kind, change.OldRole, change.NewRole, change.Detail);
        await db.SaveChangesAsync(ct);
        if (change.Kind != AccessRightChangeKind.Reactivated)
        {
            await sessions.EndAllAsync(user.Id, SessionEndReason.Revoked, ct: ct);
        }
        await tx.CommitAsync(ct);
        // Checks made while the transaction was open saw the account as it was.
        sessions.ForgetChecks();
        return AccountResult.Ok(user.Id);
    }

    private async Task<(Links Links, AccountError? Error)> ResolveLinksAsync(Role role, string? agentCode, string? branchCode, CancellationToken ct)
    {
        agentCode = string.IsNullOrWhiteSpace(agentCode) ? null : agentCode.Trim();
        branchCode = string.IsNullOrWhiteSpace(branchCode) ? null : branchCode.Trim();
        switch (role)
        {
            case Role.Agent or Role.CsConsultant:
                if (agentCode is null)
                {
                    return (new Links(null, null, null, null), AccountError.AgentRequired);
                }
                var agent = await db.Agents.AsNoTracking().Where(a => a.Code == agentCode)
                    .Select(a => new { a.Id, a.BranchId, BranchCode = db.Set<Branch>().Where(b => b.Id == a.BranchId).Select(b => b.Code).FirstOrDefault() })
                    .FirstOrDefaultAsync(ct);
                return agent is null
                    ? (new Links(null, null, null, null), AccountError.UnknownAgent)
                    : (new Links(agent.Id, agent.BranchId, agentCode, agent.BranchCode), null);
            case Role.BranchManager:
                if (branchCode is null)
                {
                    return (new Links(null, null, null, null), AccountError.BranchRequired);
                }
                var branch = await db.Set<Branch>().AsNoTracking().Where(b => b.Code == branchCode).Select(b => (long?)b.Id).FirstOrDefaultAsync(ct);
                return branch is null
                    ? (new Links(null, null, null, null), AccountError.UnknownBranch)
                    : (new Links(null, branch, null, branchCode), null);
            default:
                // Other roles reach no customer through an agent or branch: links would only widen a scope by mistake.
                return (new Links(null, null, null, null), null);
        }
    }

    private void Record(CrmUser actor, AppUser target, AccessRightChangeKind kind, Role? oldRole, Role? newRole, string? detail) =>
        db.Set<AccessRightChange>().Add(new AccessRightChange
        {
            At = Now(),
            ActorUserId = actor.UserId == 0 ? null : actor.UserId,
            ActorUserName = actor.UserName,
            TargetUserId = target.Id,
            TargetUserName = target.UserName,
            Kind = kind,
            OldRole = oldRole,
            NewRole = newRole,
            Detail = detail,
        });

    private static string? LinkDetail(Links links) =>
        links.AgentCode is null && links.BranchCode is null ? null
            : string.Join(' ', new[] { links.AgentCode is null ? null : "agent=" + links.AgentCode, links.BranchCode is null ? null : "branch=" + links.BranchCode }
                .Where(s => s is not null));

    private static bool IsAdmin(CrmUser actor) => actor.Role == Role.Admin;

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;

    private static DateTime Utc(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc);
}
