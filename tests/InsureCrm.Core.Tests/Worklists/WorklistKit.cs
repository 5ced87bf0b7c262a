using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;

namespace InsureCrm.Tests.Worklists;

/// <summary>Hand-built branches, agents, accounts and customers for the calendar feed and branch view tests. Fictional people.</summary>
internal static class WorklistKit
{
    /// <summary>2026-03-10 09:00 in Seoul (a Tuesday).</summary>
    public static readonly DateTimeOffset Now = new(2026, 3, 10, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateOnly Today = new(2026, 3, 10);

    public sealed class Fixed(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    public static async Task<Branch> BranchAsync(CrmDbContext db, string code, string name)
    {
        var b = new Branch { Code = code, Name = name, Sido = "서울특별시", Sigungu = "강남구" };
        db.Branches.Add(b);
        await db.SaveChangesAsync();
        return b;
    }

    public static async Task<Agent> AgentAsync(CrmDbContext db, Branch branch, string code, string name, AgentKind kind = AgentKind.Fc,
        DateOnly? hired = null, AgentStatus status = AgentStatus.Active)
    {
        var a = new Agent { Code = code, Name = name, Kind = kind, BranchId = branch.Id, HireDate = hired ?? new(2020, 1, 1), Status = status };
        db.Agents.Add(a);
        await db.SaveChangesAsync();
        return a;
    }

    /// <summary>An active agent account linked to <paramref name="agent"/>, as the CrmUser a request would carry.</summary>
    public static async Task<CrmUser> AgentUserAsync(CrmDbContext db, Agent agent, string userName)
    {
        var u = new AppUser
        {
            UserName = userName, NormalizedUserName = userName.ToUpperInvariant(), DisplayName = userName, Role = Role.Agent, AgentId = agent.Id,
            BranchId = agent.BranchId, CreatedAt = Now.UtcDateTime, SecurityStamp = Guid.NewGuid().ToString("N"), ConcurrencyStamp = Guid.NewGuid().ToString("N"),
        };
        db.Set<AppUser>().Add(u);
        await db.SaveChangesAsync();
        return new CrmUser(u.Id, userName, Role.Agent, agent.Id, agent.BranchId, null, "test");
    }

    public static CrmUser Manager(long branchId) => new(900, "manager", Role.BranchManager, null, branchId, null, "test");

    /// <summary>A customer with a mobile number and a home address, so that a test can check neither leaks.</summary>
    public static async Task<Customer> CustomerAsync(CrmDbContext db, string name, string mobile = "01055501234")
    {
        var c = new Customer { Name = name, NameScript = NameScript.Hangul, CreatedAt = Now.UtcDateTime, UpdatedAt = Now.UtcDateTime };
        c.Phones.Add(new CustomerPhone { Kind = PhoneKind.Mobile, Number = mobile, IsPrimary = true });
        c.Addresses.Add(new CustomerAddress { Kind = AddressKind.Home, Sido = "서울특별시", Sigungu = "강남구", Line = "비밀로 77", PostalCode = "06236", IsPrimary = true });
        db.Customers.Add(c);
        await db.SaveChangesAsync();
        return c;
    }
}
