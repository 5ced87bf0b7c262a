using System.ComponentModel.DataAnnotations;
using InsureCrm.Core.Common;

namespace InsureCrm.Core.Security;

/// <summary>What happened to an account's access rights.</summary>
public enum AccessRightChangeKind { Created, RoleChanged, Deactivated, Reactivated, PasswordReset }

/// <summary>
/// One grant, change or revocation of access rights (PIPA safeguard standard: kept at least 3 years).
/// Append-only; written in the same transaction as the change itself.
/// </summary>
public sealed class AccessRightChange : IAppendOnly
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public long? ActorUserId { get; set; }
    public string ActorUserName { get; set; } = "";
    public long TargetUserId { get; set; }
    public string TargetUserName { get; set; } = "";
    public AccessRightChangeKind Kind { get; set; }
    public Role? OldRole { get; set; }
    public Role? NewRole { get; set; }
    /// <summary>Links and flags that changed (agent and branch codes, never a password or personal data).</summary>
    public string? Detail { get; set; }
}

/// <summary>Options of the <c>Security:AccessRights</c> section.</summary>
internal sealed class AccessRightsOptions
{
    public const string Section = "Security:AccessRights";

    /// <summary>How long access-right changes are kept; the law asks for at least 3 years.</summary>
    [Range(1095, 36_500, ErrorMessage = "Security:AccessRights:RetentionDays must be at least 1095 (3 years).")]
    public int RetentionDays { get; set; } = 1095;
}
