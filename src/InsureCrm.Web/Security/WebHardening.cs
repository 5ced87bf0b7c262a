using System.Globalization;
using System.Text.Encodings.Web;
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
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var title = text["login.throttled.title"];
        var detail = text.Format("login.throttled.detail", seconds);
        var accept = http.Request.Headers.Accept.ToString();
        if (accept.Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            // A plain page of our own: the login form's POST lands here, so the person sees why.
            var html = HtmlEncoder.Default;
            http.Response.ContentType = "text/html; charset=utf-8";
            await http.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"""
                <!DOCTYPE html>
                <html lang="{html.Encode(CultureInfo.CurrentUICulture.Name)}"><head><meta charset="utf-8" />
                <title>{html.Encode(title)}</title><link rel="stylesheet" href="/css/site.css" /></head>
                <body><main class="content narrow"><section class="card login"><h1>{html.Encode(title)}</h1>
                <p class="alert error" role="alert">{html.Encode(detail)}</p><a href="/login">{html.Encode(text["login.title"])}</a></section></main></body></html>
                """), ct);
            return;
        }
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = title, Detail = detail },
        });
    }
}
