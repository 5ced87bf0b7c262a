using System.Globalization;
using System.Text.Encodings.Web;

namespace InsureCrm.Web.Security;

/// <summary>
/// The answer of a guard that stops a request before any page runs (login throttling, plain HTTP with Secure-only
/// cookies): a small page of our own for a browser, in the user's language, so the person sees why; ProblemDetails
/// with the same title and detail for everything else.
/// </summary>
internal static class PlainPage
{
    public static async Task WriteAsync(HttpContext http, int status, string title, string detail, (string Href, string Text)? link, CancellationToken ct)
    {
        http.Response.StatusCode = status;
        if (http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            var html = HtmlEncoder.Default;
            var anchor = link is { } l ? $"<a href=\"{html.Encode(l.Href)}\">{html.Encode(l.Text)}</a>" : "";
            http.Response.ContentType = "text/html; charset=utf-8";
            await http.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"""
                <!DOCTYPE html>
                <html lang="{html.Encode(CultureInfo.CurrentUICulture.Name)}"><head><meta charset="utf-8" />
                <title>{html.Encode(title)}</title><link rel="stylesheet" href="/css/site.css" /></head>
                <body><main class="content narrow"><section class="card login"><h1>{html.Encode(title)}</h1>
                <p class="alert error" role="alert">{html.Encode(detail)}</p>{anchor}</section></main></body></html>
                """), ct);
            return;
        }
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
