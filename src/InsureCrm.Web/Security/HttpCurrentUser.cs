using System.Globalization;
using System.Security.Claims;
using InsureCrm.Core.Security;

namespace InsureCrm.Web.Security;

/// <summary>
/// The signed-in user of the current request, from the sign-in cookie's claims (account id, name, role,
/// agent and branch, session id) and the connection's remote address. Null when nobody is signed in.
/// </summary>
internal sealed class HttpCurrentUser(IHttpContextAccessor accessor) : ICurrentUser
{
    /// <summary>The claim that carries the server-side session id (set at sign-in).</summary>
    public const string SessionIdClaim = "insurecrm:session_id";

    public CrmUser? User => From(accessor.HttpContext);

    public static CrmUser? From(HttpContext? http)
    {
        var principal = http?.User;
        if (principal?.Identity?.IsAuthenticated != true
            || !long.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var userId)
            || !Enum.TryParse<Role>(principal.FindFirstValue(ClaimTypes.Role), ignoreCase: false, out var role))
        {
            return null;
        }
        return new CrmUser(
            userId,
            principal.FindFirstValue(ClaimTypes.Name) ?? "",
            role,
            Id(principal, CrmClaims.AgentId),
            Id(principal, CrmClaims.BranchId),
            principal.FindFirstValue(SessionIdClaim),
            http!.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }

    /// <summary>The user of a request that passed an authorization policy (so someone is signed in).</summary>
    public static CrmUser Required(HttpContext http) =>
        From(http) ?? throw new InvalidOperationException("No signed-in user: the endpoint must require an authorization policy.");

    private static long? Id(ClaimsPrincipal principal, string type) =>
        long.TryParse(principal.FindFirstValue(type), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
}
