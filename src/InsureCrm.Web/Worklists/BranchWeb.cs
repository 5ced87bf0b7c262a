using System.Globalization;
using System.Threading.RateLimiting;
using InsureCrm.Core.Worklists.Calendar;
using InsureCrm.Web.Localization;
using InsureCrm.Web.Security;
using Microsoft.AspNetCore.RateLimiting;

namespace InsureCrm.Web.Worklists;

/// <summary>
/// The calendar feed and the branch view of Worklists (issue 14 points 4 and 6): the anonymous, rate-limited feed
/// endpoint (<c>GET /calendar/{token}.ics</c>); the pages (<c>/today/calendar</c>, <c>/branch</c>, <c>/branch/patterns</c>)
/// are found by the router.
/// </summary>
internal static class BranchWeb
{
    public static WebApplicationBuilder AddBranchWeb(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<RateLimiterOptions>(o => o.AddPolicy(CalendarFeedRateLimit.Policy, new CalendarFeedRateLimit()));
        return builder;
    }

    public static IEndpointRouteBuilder MapBranchWeb(this IEndpointRouteBuilder app)
    {
        // The token is the proof: no session, no antiforgery (a GET), and the same answer for revoked and unknown tokens.
        app.MapMethods(CalendarFeedPath + "{token}.ics", ["GET", "HEAD"], FeedAsync)
            .AllowAnonymous().RequireRateLimiting(CalendarFeedRateLimit.Policy).ExcludeFromDescription();
        return app;
    }

    public const string CalendarFeedPath = "/calendar/";

    private static async Task<IResult> FeedAsync(string token, HttpContext http, CalendarFeeds feeds, Text text, CancellationToken ct)
    {
        var words = new CalendarWords(text["calendar.feed.visit"], text["calendar.feed.call"], text["calendar.feed.name"]);
        var body = await feeds.RenderAsync(token, words, BaseUri(http.Request), CrmPrincipal.ClientIp(http), ct);
        return body is null ? TypedResults.NotFound() : TypedResults.Text(body, "text/calendar; charset=utf-8");
    }

    /// <summary>The address the request came to (scheme, host, path base), ending with a slash.</summary>
    public static Uri BaseUri(HttpRequest request) => new($"{request.Scheme}://{request.Host}{request.PathBase}/");
}

/// <summary>
/// The feed's rate limit: a fixed window per client address, like the login's (a phone fetches a feed a few times an
/// hour; many agents behind one office address stay well under it). Over it, 429 with Retry-After and no body: a
/// calendar client, not a person, reads the answer.
/// </summary>
internal sealed class CalendarFeedRateLimit : IRateLimiterPolicy<string>
{
    public const string Policy = "calendar-feed";
    public const int PermitsPerMinute = 60;

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = static (context, _) =>
    {
        context.HttpContext.Response.Headers.RetryAfter = "60";
        return ValueTask.CompletedTask;
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.GetFixedWindowLimiter(CrmPrincipal.ClientIp(httpContext), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = PermitsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });

    /// <summary>The feed's addresses for a token: https (or http) for copying, webcal for a phone to subscribe.</summary>
    public static (string Https, string Webcal) Urls(HttpRequest request, string token)
    {
        var baseUri = BranchWeb.BaseUri(request);
        var culture = CultureInfo.CurrentUICulture.Name;
        var query = culture == Text.DefaultCulture ? "" : "?culture=" + Uri.EscapeDataString(culture);
        var https = new Uri(baseUri, BranchWeb.CalendarFeedPath.TrimStart('/') + token + ".ics").ToString() + query;
        var webcal = "webcal://" + https[(https.IndexOf("://", StringComparison.Ordinal) + 3)..];
        return (https, webcal);
    }
}
