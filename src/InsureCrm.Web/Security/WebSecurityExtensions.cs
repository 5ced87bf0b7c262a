using InsureCrm.Core.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace InsureCrm.Web.Security;

/// <summary>Accounts, sessions, login rate limit, cookie and header hardening of the web host.</summary>
internal static class WebSecurityExtensions
{
    public static WebApplicationBuilder AddCrmWebSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var web = WebOptions(builder);
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

    private static WebSecurityOptions WebOptions(WebApplicationBuilder builder) =>
        builder.Configuration.GetSection(WebSecurityOptions.Section).Get<WebSecurityOptions>() ?? new WebSecurityOptions();
}
