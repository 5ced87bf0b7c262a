using System.Diagnostics;
using System.Globalization;
using InsureCrm.Web.Shell;
using InsureCrm.Web.Localization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;

namespace InsureCrm.Web.Hosting;

/// <summary>
/// Error answers for people and for programs: a browser asking for a page gets an HTML page in the user's
/// language (<see cref="ErrorPage"/>); /api, htmx and anything that does not accept HTML keep ProblemDetails.
/// Used by the status-code pages (an error status with no body) and by the exception handler.
/// </summary>
internal static class ErrorPages
{
    /// <summary>The status-code pages handler: what <c>UseStatusCodePages()</c> did (ProblemDetails), except for browsers on pages.</summary>
    public static async Task HandleStatusAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        if (WantsPage(http.Request))
        {
            await WritePageAsync(http, http.Response.StatusCode);
            return;
        }
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = { Status = http.Response.StatusCode } });
    }

    /// <summary>A browser navigating to a page: not /api, not an htmx fragment request, and HTML accepted.</summary>
    public static bool WantsPage(HttpRequest request) =>
        !request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        && !request.Headers.ContainsKey("HX-Request")
        && request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));

    /// <summary>Writes the error page for <paramref name="status"/> in the culture the request was given.</summary>
    public static async Task WritePageAsync(HttpContext http, int status)
    {
        // The culture middleware set the culture inside its own call, which has returned by the time an error
        // status comes back out here: set it again from what it chose (Korean when it never ran).
        var chosen = http.Features.Get<IRequestCultureFeature>()?.RequestCulture;
        CultureInfo.CurrentCulture = chosen?.Culture ?? CultureInfo.GetCultureInfo(Text.DefaultCulture);
        CultureInfo.CurrentUICulture = chosen?.UICulture ?? CultureInfo.GetCultureInfo(Text.DefaultCulture);
        // A component page that set the status itself (a customer outside the scope: 404) has already been
        // rendered in this request: its header is on the response and its navigation manager is initialised in the
        // request's services. The error page renders with services of its own, or it threw (a 500, not the 404 page).
        http.Response.Headers.Remove("blazor-enhanced-nav");
        var page = new RazorComponentResult<ErrorPage>(new { Status = status, TraceId = Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier })
        {
            StatusCode = status,
            ContentType = "text/html; charset=utf-8",
        };
        var requestServices = http.RequestServices;
        await using var scope = requestServices.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        http.RequestServices = scope.ServiceProvider;
        try
        {
            await page.ExecuteAsync(http);
        }
        finally
        {
            http.RequestServices = requestServices;
        }
    }
}
