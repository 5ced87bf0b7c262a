namespace InsureCrm.Core.Security;

/// <summary>
/// The person on whose behalf Core acts: from the sign-in cookie in the web host, from <c>--as</c> in the
/// CLI. Every use of personal data is checked against this user's role and data scope, and logged.
/// </summary>
/// <param name="UserId">The account (app_user.id).</param>
/// <param name="UserName">The account's login name.</param>
/// <param name="Role">The account's role, which decides the data scope.</param>
/// <param name="AgentId">The agent an agent or CS consultant account belongs to.</param>
/// <param name="BranchId">The branch of a branch manager.</param>
/// <param name="SessionId">The web session (null for the CLI).</param>
/// <param name="Ip">Source address of the request, or "cli".</param>
public sealed record CrmUser(long UserId, string UserName, Role Role, long? AgentId, long? BranchId, string? SessionId, string Ip);

/// <summary>The user of the current request or command; null when nobody is signed in.</summary>
public interface ICurrentUser
{
    CrmUser? User { get; }
}
