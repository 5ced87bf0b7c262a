using System.Globalization;
using System.Security.Claims;
using InsureCrm.Core.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace InsureCrm.Web.Security;

/// <summary>
/// Ties the sign-in cookie to its <see cref="UserSession"/> row: on every request the row must still be
/// open, used within the idle timeout, younger than the absolute timeout, and the account active with the
/// security stamp the cookie was issued under. Otherwise the cookie is rejected and deleted, and the
/// request continues as anonymous (a page redirects to the login form, an API answers 401).
/// </summary>
internal static class SessionCookie
{
    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var http = context.HttpContext;
        var stampType = http.RequestServices.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        var sessionId = principal?.FindFirstValue(CrmClaims.SessionId);
        if (sessionId is null || CrmPrincipal.UserId(principal!) is not { } userId)
        {
            await RejectAsync(context);
            return;
        }
        var check = await http.RequestServices.GetRequiredService<UserSessions>()
            .ValidateAsync(sessionId, userId, principal!.FindFirstValue(stampType), http.RequestAborted);
        if (check != SessionCheck.Valid)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SessionCookie))
                .LogInformation("Session of user {UserId} refused: {Check}", userId, check);
            await RejectAsync(context);
        }
    }

    private static async Task RejectAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }
}

/// <summary>Helpers over the sign-in cookie's claims (the acting <see cref="CrmUser"/> comes from <see cref="ICurrentUser"/>).</summary>
internal static class CrmPrincipal
{
    public static long? UserId(ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    /// <summary>The client address as the server sees it (behind a proxy, configure forwarded headers).</summary>
    public static string ClientIp(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
