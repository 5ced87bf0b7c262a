using InsureCrm.Core.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InsureCrm.Web.Security;

/// <summary>Marks an endpoint that hands out personal data as a file (download, export, print).</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
internal sealed class PersonalDataDownloadAttribute : Attribute;

/// <summary>
/// Downloads of personal data require a reason: <c>reason</c> (an <see cref="AccessReason"/> code) and
/// <c>note</c>, from the query string or the posted form. Without a valid one the endpoint answers 400
/// naming <c>reason</c> before its handler runs; the handler reads the composed reason with
/// <see cref="Of"/> and records it with the download in the access log.
/// </summary>
internal static class DownloadReason
{
    private const string ItemKey = "insurecrm:download-reason";

    public static TBuilder RequireDownloadReason<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new PersonalDataDownloadAttribute());
        builder.AddEndpointFilter(async (context, next) =>
        {
            var request = context.HttpContext.Request;
            string? code = request.Query["reason"], note = request.Query["note"];
            if (code is null && request.HasFormContentType)
            {
                var form = await request.ReadFormAsync(context.HttpContext.RequestAborted);
                (code, note) = (form["reason"], form["note"]);
            }
            var reason = AccessReason.Compose(code, note);
            if (reason is null)
            {
                return Problem();
            }
            context.HttpContext.Items[ItemKey] = reason;
            return await next(context);
        });
        return builder;
    }

    /// <summary>The 400 naming <c>reason</c> of a request that opens, unmasks, changes or downloads personal data without a valid reason.</summary>
    internal static ValidationProblem Problem() =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]>
        {
            ["reason"] = [$"Give the reason for this access: one of {string.Join(", ", AccessReason.Codes)} (with a note for '{AccessReason.Other}')."],
        });

    /// <summary>The reason the download filter accepted.</summary>
    public static string Of(HttpContext http) =>
        http.Items[ItemKey] as string ?? throw new InvalidOperationException("The endpoint does not require a download reason.");
}
