using InsureCrm.Core.Security;
using InsureCrm.Web.Customers;

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
                return CustomerEndpoints.ReasonProblem();
            }
            context.HttpContext.Items[ItemKey] = reason;
            return await next(context);
        });
        return builder;
    }

    /// <summary>The reason the download filter accepted.</summary>
    public static string Of(HttpContext http) =>
        http.Items[ItemKey] as string ?? throw new InvalidOperationException("The endpoint does not require a download reason.");
}
