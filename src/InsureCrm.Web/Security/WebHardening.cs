using System.Globalization;
using System.Threading.RateLimiting;
using InsureCrm.Web.Localization;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace InsureCrm.Web.Security;

/// <summary>Options of the <c>Security:Web</c> section.</summary>
internal sealed class WebSecurityOptions
{
    public const string Section = "Security:Web";

    /// <summary>
    /// When cookies carry the Secure flag: <c>Always</c> (the default in Production: serve over HTTPS) or
    /// <c>SameAsRequest</c> (Development and tests, or a plain-HTTP loopback demo).
    /// </summary>
    public CookieSecurePolicy? SecureCookies { get; set; }

    public CookieSecurePolicy SecurePolicy(IHostEnvironment environment) =>
        SecureCookies ?? (environment.IsProduction() ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest);
}

/// <summary>
/// Security headers on every response (pages, API, static files, errors): a Content-Security-Policy
/// without inline script or style, no sniffing, no referrer, no framing, no powerful browser features;
/// and no caching of anything an endpoint produced (pages and API carry personal data).
/// </summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
        + "object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'";

    public Task InvokeAsync(HttpContext context)
    {
        // On starting, not now: the exception handler clears headers before it writes its response.
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            if (http.GetEndpoint() is not null && !headers.ContainsKey(HeaderNames.CacheControl))
            {
                headers.CacheControl = "no-store";
            }
            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}

/// <summary>The login rate limit: a fixed window per client address; over it, 429 with a message in the user's language.</summary>
internal static class LoginRateLimit
{
    public const string Policy = "login";

    public static IServiceCollection AddLoginRateLimit(this IServiceCollection services)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(Policy, http =>
            {
                var permits = http.RequestServices.GetRequiredService<IOptions<LoginOptions>>().Value.PermitsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(CrmPrincipal.ClientIp(http), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = permits,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
            o.OnRejected = (context, ct) => WriteRejectionAsync(context.HttpContext, context.Lease, ct);
        });
        return services;
    }

    private static async ValueTask WriteRejectionAsync(HttpContext http, RateLimitLease lease, CancellationToken ct)
    {
        var text = http.RequestServices.GetRequiredService<Text>();
        var retry = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
        var seconds = (int)Math.Ceiling(retry.TotalSeconds);
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        // The login form's POST lands here, so a person gets a page saying why and when to try again.
        await PlainPage.WriteAsync(http, StatusCodes.Status429TooManyRequests, text["login.throttled.title"],
            text.Format("login.throttled.detail", seconds), ("/login", text["login.title"]), ct);
    }
}
