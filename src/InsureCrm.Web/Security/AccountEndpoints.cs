using System.Globalization;
using System.Security.Claims;
using InsureCrm.Core.Security;
using InsureCrm.Web.Localization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;

namespace InsureCrm.Web.Security;

/// <summary>The fields of the login form.</summary>
// A class, not a positional record: minimal APIs answer a bare 400 when a form omits any
// constructor parameter, and browsers and scripts leave optional fields out.
internal sealed class LoginForm
{
    public string? UserName { get; init; }
    public string? Password { get; init; }
    public string? ReturnUrl { get; init; }
}

/// <summary>The form that ends one of the user's other sessions.</summary>
// A class, not a positional record: minimal APIs answer a bare 400 when a form omits any
// constructor parameter, and browsers and scripts leave optional fields out.
internal sealed class EndSessionForm
{
    public string? SessionId { get; init; }
}

/// <summary>The change-password form.</summary>
// A class, not a positional record: minimal APIs answer a bare 400 when a form omits any
// constructor parameter, and browsers and scripts leave optional fields out.
internal sealed class PasswordForm
{
    public string? CurrentPassword { get; init; }
    public string? NewPassword { get; init; }
    public string? ConfirmPassword { get; init; }
}

/// <summary>A session as <c>GET /api/account/sessions</c> returns it.</summary>
internal sealed record SessionView(string Id, DateTime CreatedAt, DateTime LastSeenAt, string Ip, string UserAgent, bool Current);

/// <summary>The antiforgery token of <c>GET /api/account/antiforgery</c> and the header to send it in.</summary>
internal sealed record AntiforgeryTokenView(string HeaderName, string Token);

/// <summary>Claim types beyond the standard ones; data scopes read them.</summary>
internal static class CrmClaims
{
    public const string DisplayName = "insurecrm:display_name";
    public const string AgentId = "insurecrm:agent_id";
    public const string BranchId = "insurecrm:branch_id";
    /// <summary>The <see cref="UserSession"/> id: a new random one at every login.</summary>
    public const string SessionId = "insurecrm:session_id";
}

/// <summary>
/// Sign-in (Identity's password check with lockout, then a new server-side session), sign-out, the
/// user's own sessions and password, and the language switch. Every form carries an antiforgery token.
/// </summary>
internal static class AccountEndpoints
{
    // A real PBKDF2 hash of a random value: unknown user names cost the same time as wrong passwords.
    private static readonly string DummyHash = PasswordHashing.Hash(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account").ExcludeFromDescription();
        account.MapPost("/login", LoginAsync).AllowAnonymous().RequireRateLimiting(LoginRateLimit.Policy);
        // Typed as Delegate: a (HttpContext) => Task<T> handler would otherwise bind as a RequestDelegate and drop its result.
        Delegate logout = LogoutAsync;
        // Logout reads no form field; AntiforgeryEnforcementMiddleware still requires the token, as for every post.
        account.MapPost("/logout", logout).RequireAuthorization(Capability.SignedIn);
        account.MapPost("/sessions/end", EndSessionFormAsync).RequireAuthorization(Capability.SignedIn);
        account.MapPost("/password", ChangePasswordAsync).RequireAuthorization(Capability.SignedIn);
        app.MapGet("/culture", SetCulture).AllowAnonymous().ExcludeFromDescription();

        var api = app.MapGroup("/api/account").WithTags("Account").RequireAuthorization(Capability.SignedIn);
        api.MapGet("/sessions", ListSessionsAsync).WithName("ListMySessions");
        api.MapDelete("/sessions/{id}", EndSessionAsync).WithName("EndMySession");
        api.MapGet("/antiforgery", AntiforgeryToken).WithName("GetAntiforgeryToken");
        return app;
    }

    /// <summary>
    /// Checks the password through Identity (five wrong ones lock the account for the lockout window),
    /// then starts a new session with a fresh id. Unknown, inactive and wrong-password logins look alike;
    /// only a locked account is told that it is locked, and until when.
    /// </summary>
    private static async Task<RedirectHttpResult> LoginAsync(
        [FromForm] LoginForm form, HttpContext http, UserManager<AppUser> users, SignInManager<AppUser> signIn,
        IUserClaimsPrincipalFactory<AppUser> claims, UserSessions sessions, CancellationToken ct)
    {
        var returnUrl = ReturnUrl.LocalOr(form.ReturnUrl);
        var failed = TypedResults.LocalRedirect("/login?failed=1&ReturnUrl=" + Uri.EscapeDataString(returnUrl));
        var userName = (form.UserName ?? "").Trim();
        var user = userName.Length is 0 or > AccountAdmin.MaxUserNameLength ? null : await users.FindByNameAsync(userName);
        if (user is null || !user.IsActive)
        {
            PasswordHashing.Verify(form.Password ?? "", DummyHash);
            return failed;
        }
        var result = await signIn.CheckPasswordSignInAsync(user, form.Password ?? "", lockoutOnFailure: true);
        if (result.IsLockedOut && await users.GetLockoutEndDateAsync(user) is { } until)
        {
            return TypedResults.LocalRedirect(string.Create(CultureInfo.InvariantCulture,
                $"/login?locked={until.ToUnixTimeSeconds()}&ReturnUrl={Uri.EscapeDataString(returnUrl)}"));
        }
        if (!result.Succeeded)
        {
            return failed;
        }

        // Whatever session this browser had ends; the new one gets a new id (no session fixation).
        if (http.User.FindFirstValue(CrmClaims.SessionId) is { } previous && CrmPrincipal.UserId(http.User) is { } previousUser)
        {
            await sessions.EndAsync(previousUser, previous, SessionEndReason.Logout, ct);
        }
        var sessionId = await sessions.StartAsync(user.Id, CrmPrincipal.ClientIp(http), http.Request.Headers.UserAgent.ToString(), ct);
        var principal = await claims.CreateAsync(user);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(CrmClaims.SessionId, sessionId));
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        return TypedResults.LocalRedirect(returnUrl);
    }

    private static async Task<RedirectHttpResult> LogoutAsync(HttpContext http)
    {
        if (http.RequestServices.GetRequiredService<ICurrentUser>().User is { SessionId: { } sessionId } user)
        {
            await http.RequestServices.GetRequiredService<UserSessions>().EndAsync(user.UserId, sessionId, SessionEndReason.Logout, http.RequestAborted);
        }
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.LocalRedirect("/login");
    }

    /// <summary>
    /// The token an API client sends in the <c>RequestVerificationToken</c> header of every POST, PUT, PATCH and DELETE
    /// (with the <c>insurecrm.csrf</c> cookie this sets): only a same-origin caller can read it.
    /// </summary>
    private static Ok<AntiforgeryTokenView> AntiforgeryToken(HttpContext http, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return TypedResults.Ok(new AntiforgeryTokenView(tokens.HeaderName ?? "RequestVerificationToken", tokens.RequestToken ?? ""));
    }

    private static async Task<Results<Ok<IReadOnlyList<SessionView>>, UnauthorizedHttpResult>> ListSessionsAsync(ICurrentUser current, UserSessions sessions, CancellationToken ct)
    {
        if (current.User is not { } user)
        {
            return TypedResults.Unauthorized();
        }
        var list = await sessions.ListActiveAsync(user.UserId, ct);
        return TypedResults.Ok<IReadOnlyList<SessionView>>([.. list.Select(s => new SessionView(s.Id, s.CreatedAt, s.LastSeenAt, s.Ip, s.UserAgent, s.Id == user.SessionId))]);
    }

    /// <summary>Ends one of the caller's own sessions; another user's session id answers 404 like an unknown one.</summary>
    private static async Task<Results<NoContent, NotFound, UnauthorizedHttpResult>> EndSessionAsync(string id, ICurrentUser current, UserSessions sessions, CancellationToken ct)
    {
        if (current.User is not { } user)
        {
            return TypedResults.Unauthorized();
        }
        return await sessions.EndAsync(user.UserId, id, SessionEndReason.EndedByUser, ct) ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    private static async Task<RedirectHttpResult> EndSessionFormAsync([FromForm] EndSessionForm form, ICurrentUser current, UserSessions sessions, CancellationToken ct)
    {
        var ended = current.User is { } user && form.SessionId is { Length: > 0 } id
            && await sessions.EndAsync(user.UserId, id, SessionEndReason.EndedByUser, ct);
        return TypedResults.LocalRedirect(ended ? "/account/sessions?ended=1" : "/account/sessions");
    }

    /// <summary>
    /// Changes the caller's own password (policy-checked, current password required). Other sessions end;
    /// this one continues under the new security stamp.
    /// </summary>
    private static async Task<RedirectHttpResult> ChangePasswordAsync(
        [FromForm] PasswordForm form, HttpContext http, ICurrentUser signedIn, UserManager<AppUser> users, IUserClaimsPrincipalFactory<AppUser> claims,
        UserSessions sessions, TimeProvider clock, CancellationToken ct)
    {
        if (signedIn.User is not { } current || await users.FindByIdAsync(current.UserId.ToString(CultureInfo.InvariantCulture)) is not { } user)
        {
            return TypedResults.LocalRedirect("/login");
        }
        if (!string.Equals(form.NewPassword, form.ConfirmPassword, StringComparison.Ordinal))
        {
            return TypedResults.LocalRedirect("/account/password?error=mismatch");
        }
        user.PasswordChangedAt = clock.GetUtcNow().UtcDateTime;
        var result = await users.ChangePasswordAsync(user, form.CurrentPassword ?? "", form.NewPassword ?? "");
        if (!result.Succeeded)
        {
            var rules = result.Errors.Where(e => e.Code.StartsWith(PolicyPasswordValidator.CodePrefix, StringComparison.Ordinal))
                .Select(e => e.Code[PolicyPasswordValidator.CodePrefix.Length..]).ToList();
            return TypedResults.LocalRedirect(rules.Count > 0
                ? "/account/password?error=policy&rules=" + string.Join(',', rules)
                : "/account/password?error=current");
        }
        await sessions.EndAllAsync(user.Id, SessionEndReason.Revoked, exceptSessionId: current.SessionId, ct);
        var principal = await claims.CreateAsync(user);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(CrmClaims.SessionId, current.SessionId ?? ""));
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        return TypedResults.LocalRedirect("/account/password?changed=1");
    }

    /// <summary>Remembers the chosen language for a year and returns to the page it was chosen on.</summary>
    private static RedirectHttpResult SetCulture(string? culture, string? returnUrl, HttpContext http, TimeProvider clock)
    {
        var chosen = Text.Cultures.FirstOrDefault(c => string.Equals(c, culture, StringComparison.OrdinalIgnoreCase)) ?? Text.DefaultCulture;
        http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
            new CookieOptions { Expires = clock.GetUtcNow().AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps });
        return TypedResults.LocalRedirect(ReturnUrl.LocalOr(returnUrl));
    }
}
