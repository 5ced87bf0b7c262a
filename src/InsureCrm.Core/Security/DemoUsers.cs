using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Policies;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Security;

/// <summary>One demo login per <see cref="Role"/>; user names and the shared demo password are not personal data.</summary>
public sealed record DemoAccount(string UserName, Role Role, string DisplayName);

/// <summary>
/// The demo logins of the embedded demo: one account per role, all with <see cref="Password"/>. They are
/// the only shared logins and exist for the demo only: real users each get their own account
/// (<c>/admin/users</c>, <c>insurecrm users add</c>). The demo password satisfies the password policy
/// like every other password.
/// <see cref="EnsureAsync"/> is idempotent: it adds missing accounts and, once data exists, links the
/// agent account to a working agent who has customers and the manager account to that agent's branch.
/// </summary>
public sealed class DemoUsers(CrmDbContext db, TimeProvider clock)
{
    public const string Password = "Demo!2026crm";

    /// <summary>The agent models score agents hired in the 13 months before the scoring date (AgentFeatures.ObservationMonths).</summary>
    private const int AgentModelPopulationMonths = 13;

    public static readonly IReadOnlyList<DemoAccount> Accounts =
    [
        new("agent", Role.Agent, "Demo agent"),
        new("cs", Role.CsConsultant, "Demo CS consultant"),
        new("manager", Role.BranchManager, "Demo branch manager"),
        new("callcenter", Role.CallCenter, "Demo call center"),
        new("supervisor", Role.CallCenterSupervisor, "Demo call-center supervisor"),
        new("marketer", Role.Marketer, "Demo marketer"),
        new("analyst", Role.Analyst, "Demo analyst"),
        new("voc", Role.VocHandler, "Demo VOC handler"),
        new("compliance", Role.Compliance, "Demo compliance officer"),
        new("admin", Role.Admin, "Demo admin"),
    ];

    /// <summary>A demo login with the demo password (also the demo's extra logins a feature's demo adds, e.g. more consultants).</summary>
    public static AppUser NewAccount(DemoAccount account, DateTime createdAt) => new()
    {
        UserName = account.UserName,
        NormalizedUserName = AppUser.Normalize(account.UserName),
        DisplayName = account.DisplayName,
        Role = account.Role,
        PasswordHash = PasswordHashing.Hash(Password),
        CreatedAt = createdAt,
        SecurityStamp = AppUser.NewStamp(),
        ConcurrencyStamp = AppUser.NewStamp(),
    };

    /// <summary>Creates missing demo accounts and links agent / manager to data; returns the accounts created now.</summary>
    public async Task<IReadOnlyList<string>> EnsureAsync(CancellationToken ct = default)
    {
        var names = Accounts.Select(a => a.UserName).ToList();
        var existing = await db.Users.Where(u => names.Contains(u.UserName)).ToListAsync(ct);
        var created = new List<string>();
        foreach (var account in Accounts.Where(a => !existing.Exists(u => u.UserName == a.UserName)))
        {
            var user = NewAccount(account, clock.GetUtcNow().UtcDateTime);
            db.Users.Add(user);
            existing.Add(user);
            created.Add(account.UserName);
        }

        var agentUser = existing.Find(u => u.UserName == "agent");
        var managerUser = existing.Find(u => u.UserName == "manager");
        var csUser = existing.Find(u => u.UserName == "cs");
        if (agentUser is { AgentId: null } || managerUser is { BranchId: null } || csUser is { AgentId: null })
        {
            // The active own agent (FC) servicing the most contracts: their worklists have something in them. Taken
            // from a branch that has agents in the agent models' population (hired in the 13 months before the newest
            // hire, see AgentFeatures), or the manager's dropout and recruiting pages would list nobody: the busiest
            // agent of all tends to sit in an old branch that has hired no one lately.
            var fcs = db.Agents.AsNoTracking().Where(a => a.Status == AgentStatus.Active && a.Kind == AgentKind.Fc);
            var newestHire = await db.Agents.AsNoTracking().MaxAsync(a => (DateOnly?)a.HireDate, ct);
            var agent = default(DemoAgent);
            if (newestHire is { } newest)
            {
                var since = newest.AddMonths(-AgentModelPopulationMonths);
                var hiring = db.Agents.Where(a => a.Status == AgentStatus.Active && a.HireDate > since).Select(a => a.BranchId);
                agent = await BusiestAsync(fcs.Where(a => hiring.Contains(a.BranchId)), ct);
            }
            agent ??= await BusiestAsync(fcs, ct);
            if (agent is not null)
            {
                if (agentUser is { AgentId: null })
                {
                    agentUser.AgentId = agent.Id;
                    agentUser.BranchId = agent.BranchId;
                }
                if (managerUser is { BranchId: null })
                {
                    managerUser.BranchId = agent.BranchId;
                }
                // The CS consultant of the same branch servicing the most contracts (the manager sees their list too).
                var branch = agent.BranchId;
                if (csUser is { AgentId: null } && await BusiestAsync(db.Agents.AsNoTracking().Where(a =>
                        a.Status == AgentStatus.Active && a.Kind == AgentKind.Cs && a.BranchId == branch), ct) is { } consultant)
                {
                    csUser.AgentId = consultant.Id;
                    csUser.BranchId = consultant.BranchId;
                }
            }
        }
        await db.SaveChangesAsync(ct);
        return created;
    }

    /// <summary>Of <paramref name="agents"/>, the one servicing the most contracts (lowest id on a tie).</summary>
    private Task<DemoAgent?> BusiestAsync(IQueryable<Agent> agents, CancellationToken ct) =>
        db.Contracts.AsNoTracking()
            .Where(k => k.ServicingAgentId != null)
            .Join(agents, k => k.ServicingAgentId, a => a.Id, (k, a) => new { a.Id, a.BranchId })
            .GroupBy(a => new { a.Id, a.BranchId })
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Id)
            .Select(g => new DemoAgent(g.Key.Id, g.Key.BranchId))
            .FirstOrDefaultAsync(ct);
}

internal sealed record DemoAgent(long Id, long BranchId);
