using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Web.Hosting;

/// <summary>
/// Turns unexpected exceptions into ProblemDetails without leaking internals: a concurrency conflict
/// that escaped a service becomes 409, anything else 500 with a trace id only. A browser on a page gets the
/// same status as an error page in the user's language instead (<see cref="ErrorPages"/>).
/// </summary>
internal sealed class ProblemDetailsExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemDetailsExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = exception switch
        {
            DbUpdateConcurrencyException => (StatusCodes.Status409Conflict, "The record was changed by someone else; reload it and try again."),
            BadHttpRequestException bad => (bad.StatusCode, "The request is not valid."),
            _ => (StatusCodes.Status500InternalServerError, "An unexpected error occurred."),
        };
        if (status >= 500)
        {
            // The exception type and stack only: messages of data exceptions can quote personal values.
            logger.LogError("Unhandled {ExceptionType} on {Path}: {Stack}", exception.GetType().FullName, httpContext.Request.Path, exception.StackTrace);
        }
        httpContext.Response.StatusCode = status;
        if (ErrorPages.WantsPage(httpContext.Request))
        {
            await ErrorPages.WritePageAsync(httpContext, status);
            return true;
        }
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = { Status = status, Title = title },
        });
    }
}
