using System.Globalization;
using System.Security.Claims;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Web.Localization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Web.Security;

/// <summary>The fields of the login form.</summary>
internal sealed record LoginForm(string? UserName, string? Password, string? ReturnUrl);

/// <summary>Claim types beyond the standard ones; data scopes will read them.</summary>
internal static class CrmClaims
{
    public const string DisplayName = "insurecrm:display_name";
    public const string AgentId = "insurecrm:agent_id";
    public const string BranchId = "insurecrm:branch_id";
}

/// <summary>Sign-in with a cookie, sign-out, and the language switch.</summary>
internal static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account").ExcludeFromDescription();
        account.MapPost("/login", LoginAsync).AllowAnonymous();
        // Typed as Delegate: a (HttpContext) => Task<T> handler would otherwise bind as a RequestDelegate and drop its result.
        Delegate logout = LogoutAsync;
        account.MapPost("/logout", logout).WithMetadata(new RequireAntiforgeryTokenAttribute());
        app.MapGet("/culture", SetCulture).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>Checks the password and issues the cookie; the form carries an antiforgery token (validated by the framework).</summary>
    private static async Task<RedirectHttpResult> LoginAsync([FromForm] LoginForm form, HttpContext http, CrmDbContext db, CancellationToken ct)
    {
        var returnUrl = LocalOr(form.ReturnUrl, "/");
        var userName = (form.UserName ?? "").Trim();
        var user = userName.Length == 0 ? null
            : await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == userName && u.IsActive, ct);
        if (user is null || !PasswordHashing.Verify(form.Password ?? "", user.PasswordHash))
        {
            return TypedResults.LocalRedirect("/login?failed=1&ReturnUrl=" + Uri.EscapeDataString(returnUrl));
        }
        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, user.UserName),
            new(ClaimTypes.Role, user.Role.ToString()),
            new(CrmClaims.DisplayName, user.DisplayName),
        ];
        if (user.AgentId is { } agentId)
        {
            claims.Add(new(CrmClaims.AgentId, agentId.ToString(CultureInfo.InvariantCulture)));
        }
        if (user.BranchId is { } branchId)
        {
            claims.Add(new(CrmClaims.BranchId, branchId.ToString(CultureInfo.InvariantCulture)));
        }
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        return TypedResults.LocalRedirect(returnUrl);
    }

    private static async Task<RedirectHttpResult> LogoutAsync(HttpContext http)
    {
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.LocalRedirect("/login");
    }

    /// <summary>Remembers the chosen language for a year and returns to the page it was chosen on.</summary>
    private static RedirectHttpResult SetCulture(string? culture, string? returnUrl, HttpContext http, TimeProvider clock)
    {
        var chosen = Text.Cultures.FirstOrDefault(c => string.Equals(c, culture, StringComparison.OrdinalIgnoreCase)) ?? Text.DefaultCulture;
        http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
            new CookieOptions { Expires = clock.GetUtcNow().AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax });
        return TypedResults.LocalRedirect(LocalOr(returnUrl, "/"));
    }

    /// <summary>Only local paths: a return URL never leads off-site.</summary>
    internal static string LocalOr(string? url, string fallback) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : fallback;
}
