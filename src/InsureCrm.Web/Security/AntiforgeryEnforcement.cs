using Microsoft.AspNetCore.Antiforgery;

namespace InsureCrm.Web.Security;

/// <summary>
/// Marks an endpoint that protects itself against forged requests, so the middleware below does not: one that streams
/// its multipart body and checks the antiforgery token itself, from the form's first field, before it writes any file
/// (<see cref="Models.MultipartUpload"/>: reading the form here would buffer the files); and the campaign unsubscribe
/// link <c>POST /u/{token}</c> (and its page), which is anonymous and authenticated only by the signed token in its
/// address, so no cookie a cross-site page could ride on is involved, and which mail clients post one-click (RFC 8058)
/// without any form of ours.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
internal sealed class ChecksAntiforgeryItselfAttribute : Attribute;

/// <summary>
/// The one CSRF rule of the host: every request that may change state (any method but GET, HEAD, OPTIONS and TRACE)
/// carries the antiforgery token, in the form field <c>__RequestVerificationToken</c> (our forms and htmx posts of
/// them) or in the <c>RequestVerificationToken</c> header (API clients: <c>GET /api/account/antiforgery</c>), and it
/// must match the <c>insurecrm.csrf</c> cookie and the signed-in user. Checked once here, after authorization, for
/// every endpoint, so an endpoint that binds no form field is covered as well as one that does; otherwise 400 and
/// the endpoint never runs. A cross-site page can make the browser send our cookies, but it can neither read the
/// token nor set a header without a CORS preflight, which this host never grants.
/// </summary>
internal sealed class AntiforgeryEnforcementMiddleware(RequestDelegate next)
{
    public const string RefusedTitle = "The form has expired or did not come from this site; reload the page and send it again.";

    public async Task InvokeAsync(HttpContext context, IAntiforgery antiforgery, IProblemDetailsService problemDetails)
    {
        if (!ChangesState(context.Request.Method) || context.GetEndpoint() is not { } endpoint
            || endpoint.Metadata.GetMetadata<ChecksAntiforgeryItselfAttribute>() is not null
            || await IsValidAsync(context, antiforgery))
        {
            await next(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status400BadRequest, Title = RefusedTitle },
        });
    }

    public static bool ChangesState(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));

    private static async Task<bool> IsValidAsync(HttpContext context, IAntiforgery antiforgery)
    {
        // UseAntiforgery has already checked endpoints that bind a form (and Razor component posts).
        if (context.Features.Get<IAntiforgeryValidationFeature>() is { } checkedAlready)
        {
            return checkedAlready.IsValid;
        }
        try
        {
            return await antiforgery.IsRequestValidAsync(context);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
        {
            // A form body that cannot be read carries no token we could accept.
            return false;
        }
    }
}
