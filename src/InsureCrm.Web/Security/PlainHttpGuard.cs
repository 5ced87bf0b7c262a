using InsureCrm.Web.Localization;
using Microsoft.Extensions.Options;

namespace InsureCrm.Web.Security;

/// <summary>
/// Cookies that are Secure-only (<see cref="WebSecurityOptions.SecureCookies"/> <c>Always</c>, the Production default)
/// cannot work over plain HTTP: the sign-in and antiforgery cookies would never come back, and the antiforgery system
/// refuses to issue a token at all (a 500 on the login form). So the host says at start-up what to set, and answers a
/// plain-HTTP request with a page (or ProblemDetails) that says the same, in the user's language. Health probes pass:
/// a load balancer may check them over HTTP. Behind a TLS proxy, enable forwarded headers
/// (<c>ASPNETCORE_FORWARDEDHEADERS_ENABLED=true</c>) and requests count as HTTPS.
/// </summary>
internal sealed class PlainHttpGuard(RequestDelegate next, IOptions<WebSecurityOptions> options, IHostEnvironment environment)
{
    private readonly bool _secureOnly = options.Value.SecurePolicy(environment) == CookieSecurePolicy.Always;

    public async Task InvokeAsync(HttpContext http)
    {
        if (!_secureOnly || http.Request.IsHttps || http.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase))
        {
            await next(http);
            return;
        }
        var text = http.RequestServices.GetRequiredService<Text>();
        await PlainPage.WriteAsync(http, StatusCodes.Status400BadRequest, text["https.required.title"], text["https.required.detail"], null, http.RequestAborted);
    }

    /// <summary>Warns at start-up when the server listens on plain HTTP with Secure-only cookies, naming what to set.</summary>
    public static void WarnOnPlainHttp(WebApplication app)
    {
        var secureOnly = app.Services.GetRequiredService<IOptions<WebSecurityOptions>>().Value.SecurePolicy(app.Environment) == CookieSecurePolicy.Always;
        var forwarded = string.Equals(app.Configuration["FORWARDEDHEADERS_ENABLED"], "true", StringComparison.OrdinalIgnoreCase);
        var plain = Hosting.CrmHosting.Addresses(app).Where(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase)).ToList();
        if (secureOnly && !forwarded && plain.Count > 0)
        {
            app.Logger.LogWarning(
                "Cookies are sent over HTTPS only (Security:Web:SecureCookies = Always, the default in Production) but the server listens on {Addresses}: "
                + "plain-HTTP requests get a page that asks for HTTPS instead of the sign-in form. Serve over HTTPS (or behind a TLS proxy with "
                + "ASPNETCORE_FORWARDEDHEADERS_ENABLED=true), or set Security__Web__SecureCookies=SameAsRequest for a plain-HTTP run on this computer",
                string.Join(", ", plain));
        }
    }
}
