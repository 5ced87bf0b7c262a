using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace InsureCrm.Tests.Security;

/// <summary>Accounts for tests that act as a user (CLI <c>--as</c>, Core services taking a <see cref="CrmUser"/>).</summary>
public static class TestUsers
{
    /// <summary>The admin account the CLI tests import and merge as.</summary>
    public const string DataSteward = "data-steward";

    /// <summary>Adds an active account (migrating the database first if needed) and returns it as a Core user.</summary>
    public static async Task<CrmUser> AddAsync(TestDatabase db, string userName, Role role, long? agentId = null, long? branchId = null, bool active = true)
    {
        await new Migrator(db.Database, TimeProvider.System, NullLogger<Migrator>.Instance).MigrateAsync();
        await using var ctx = db.CreateContext();
        var existing = await ctx.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == userName);
        if (existing is not null)
        {
            return User(existing);
        }
        var user = new AppUser
        {
            UserName = userName,
            NormalizedUserName = AppUser.Normalize(userName),
            DisplayName = userName,
            Role = role,
            AgentId = agentId,
            BranchId = branchId,
            IsActive = active,
            PasswordHash = PasswordHashing.Hash("Test!2026-" + userName),
            SecurityStamp = AppUser.NewStamp(),
            ConcurrencyStamp = AppUser.NewStamp(),
            CreatedAt = DateTime.UtcNow,
        };
        ctx.Users.Add(user);
        await ctx.SaveChangesAsync();
        return User(user);
    }

    /// <summary>A Core user that is not stored (for services that only read the user's role and scope).</summary>
    public static CrmUser Transient(Role role, long? agentId = null, long? branchId = null, string name = "tester") =>
        new(1, name, role, agentId, branchId, null, "127.0.0.1");

    private static CrmUser User(AppUser u) => new(u.Id, u.UserName, u.Role, u.AgentId, u.BranchId, null, "cli");
}
