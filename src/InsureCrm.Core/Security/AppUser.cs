namespace InsureCrm.Core.Security;

/// <summary>The roles of DESIGN.md; data scopes follow from the role.</summary>
public enum Role
{
    Agent, CsConsultant, BranchManager, CallCenter, Marketer, Analyst, VocHandler, Compliance, Admin,
    /// <summary>Leads the call-center consultants: may do what they do, and sees the live view of the queues (issue 15).</summary>
    CallCenterSupervisor,
}

/// <summary>
/// A person's login account. One account per person: there are no shared accounts (the demo logins are
/// one per role for the demo only). The web host signs in through ASP.NET Core Identity over this table;
/// the account columns below are what Identity's lockout and security-stamp checks need.
/// </summary>
public sealed class AppUser
{
    public long Id { get; set; }
    public string UserName { get; set; } = "";
    /// <summary>Upper-case invariant form of <see cref="UserName"/>: user names are unique regardless of case.</summary>
    public string NormalizedUserName { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public Role Role { get; set; }
    public string PasswordHash { get; set; } = "";
    public long? AgentId { get; set; }
    public long? BranchId { get; set; }
    public bool IsActive { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    /// <summary>Changes whenever credentials or rights change; sessions signed in under an older stamp end.</summary>
    public string SecurityStamp { get; set; } = "";
    public string ConcurrencyStamp { get; set; } = "";
    public bool LockoutEnabled { get; set; } = true;
    /// <summary>UTC end of the current lockout, if any.</summary>
    public DateTime? LockoutEnd { get; set; }
    public int AccessFailedCount { get; set; }
    public DateTime? PasswordChangedAt { get; set; }

    /// <summary>The normalized form of a user name (what Identity's default lookup normalizer produces).</summary>
    public static string Normalize(string userName) => userName.Trim().ToUpperInvariant();

    /// <summary>A fresh random stamp (128 bits, hex).</summary>
    public static string NewStamp() => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
}
