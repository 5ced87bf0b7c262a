namespace InsureCrm.Core.Security;

/// <summary>The roles of DESIGN.md; data scopes follow from the role.</summary>
public enum Role { Agent, CsConsultant, BranchManager, CallCenter, Marketer, Analyst, VocHandler, Compliance, Admin }

/// <summary>A person's login account. One account per person: there are no shared accounts.</summary>
public sealed class AppUser
{
    public long Id { get; set; }
    public string UserName { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public Role Role { get; set; }
    public string PasswordHash { get; set; } = "";
    public long? AgentId { get; set; }
    public long? BranchId { get; set; }
    public bool IsActive { get; set; } = true;
    public DateTime CreatedAt { get; set; }
}
