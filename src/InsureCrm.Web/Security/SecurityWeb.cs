using InsureCrm.Core.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace InsureCrm.Web.Security;

/// <summary>
/// The Security feature of the web host: sign-in with the session cookie, the capability policies, accounts and
/// sessions, the login rate limit, cookie and header hardening; its endpoints (account, user admin, access review).
/// </summary>
internal static class SecurityWeb
{
    public static WebApplicationBuilder AddSecurityWeb(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var web = WebOptions(builder);
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.LoginPath = "/login";
                o.LogoutPath = "/account/logout";
                o.Cookie.Name = "insurecrm.auth";
                // HttpOnly, SameSite=Strict, Secure, tied to a server-side session (idle 30 min, absolute 12 h).
                o.ConfigureSessionCookie(builder);
                // APIs answer 401/403; only pages are redirected to the login form.
                o.Events.OnRedirectToLogin = ctx => RedirectOrStatus(ctx.HttpContext, ctx.RedirectUri, StatusCodes.Status401Unauthorized);
                // A role without the capability gets 403 on pages and APIs alike (there is nothing to sign in to).
                o.Events.OnRedirectToAccessDenied = ctx =>
                {
                    ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
            });
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddCrmPolicies();
        services.AddCrmCurrentUser();
        services.AddAntiforgery();
        services.AddOptions<WebSecurityOptions>().Bind(builder.Configuration.GetSection(WebSecurityOptions.Section));
        services.AddCrmIdentity(builder.Configuration);
        services.AddLoginRateLimit();
        services.Configure<AntiforgeryOptions>(o =>
        {
            o.Cookie.Name = "insurecrm.csrf";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = web.SecurePolicy(builder.Environment);
        });
        services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = true;
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapSecurityWeb(this IEndpointRouteBuilder app)
    {
        app.MapAccountEndpoints();
        app.MapUserAdminEndpoints();
        app.MapAccessReviewEndpoints();
        return app;
    }

    /// <summary>
    /// The sign-in cookie: HttpOnly, SameSite=Strict (htmx requests are same-origin), Secure per
    /// <see cref="WebSecurityOptions"/>, never outliving the absolute session timeout, and checked against
    /// its server-side session on every request.
    /// </summary>
    public static void ConfigureSessionCookie(this CookieAuthenticationOptions o, WebApplicationBuilder builder)
    {
        var sessions = builder.Configuration.GetSection(UserSessionOptions.Section).Get<UserSessionOptions>() ?? new UserSessionOptions();
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Strict;
        o.Cookie.SecurePolicy = WebOptions(builder).SecurePolicy(builder.Environment);
        o.SlidingExpiration = false;
        // A minute beyond the absolute timeout: the server-side session ends first and records why.
        o.ExpireTimeSpan = sessions.AbsoluteTimeout + TimeSpan.FromMinutes(1);
        o.Events.OnValidatePrincipal = SessionCookie.ValidatePrincipalAsync;
    }

    /// <summary>Security headers on every response, and HSTS on HTTPS outside Development.</summary>
    public static WebApplication UseCrmSecurityHeaders(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeadersMiddleware>();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }
        return app;
    }

    private static Task RedirectOrStatus(HttpContext context, string redirectUri, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            || context.Request.Headers.ContainsKey("HX-Request"))
        {
            context.Response.StatusCode = status;
            if (context.Request.Headers.ContainsKey("HX-Request"))
            {
                // htmx follows HX-Redirect with a full page load, so an expired session lands on the login form.
                context.Response.Headers["HX-Redirect"] = redirectUri;
            }
            return Task.CompletedTask;
        }
        context.Response.Redirect(redirectUri);
        return Task.CompletedTask;
    }

    private static WebSecurityOptions WebOptions(WebApplicationBuilder builder) =>
        builder.Configuration.GetSection(WebSecurityOptions.Section).Get<WebSecurityOptions>() ?? new WebSecurityOptions();
}
