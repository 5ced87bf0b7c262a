using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace InsureCrm.Web.Models;

internal enum UploadError { None, NotMultipart, MissingFile, TooLarge }

/// <summary>The files of a form post, each streamed to a path of the caller's choosing, and its small text fields.</summary>
internal sealed record Upload(UploadError Error, IReadOnlyDictionary<string, string> Files, IReadOnlyDictionary<string, string> FileNames, string? TooLargeField);

/// <summary>
/// Reads a multipart form post section by section, copying each file straight to disk, so a 200 MB file never sits in
/// memory nor in ASP.NET's form buffer (whose limits are far below). The antiforgery token must come first in the
/// form (the pages put it before the file inputs, and browsers send fields in document order): it is checked before a
/// byte of any file is written.
/// </summary>
internal static class MultipartUpload
{
    private const int MaxFieldLength = 4096;

    /// <exception cref="AntiforgeryValidationException">The token is missing or does not match the cookie.</exception>
    public static async Task<Upload> ReadAsync(HttpContext http, IReadOnlyDictionary<string, (string Path, long Limit)> files, CancellationToken ct)
    {
        var request = http.Request;
        var maxBody = files.Values.Sum(f => f.Limit) + (1 << 20);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = maxBody;
        }
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
        {
            await ValidateAntiforgeryAsync(http, null);
            return new Upload(UploadError.NotMultipart, new Dictionary<string, string>(), new Dictionary<string, string>(), null);
        }
        var reader = new MultipartReader(boundary, request.Body);
        var written = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var checkedToken = false;
        MultipartSection? section;
        while ((section = await reader.ReadNextSectionAsync(ct)) is not null)
        {
            // IsFormDisposition means a form field without a file; a file part is IsFileDisposition.
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                || !(disposition.IsFormDisposition() || disposition.IsFileDisposition()))
            {
                continue;
            }
            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
            if (!checkedToken)
            {
                var token = disposition.IsFileDisposition() ? null : await ReadFieldAsync(section, ct);
                await ValidateAntiforgeryAsync(http, name == Antiforgery(http).FormFieldName ? token : null);
                checkedToken = true;
                continue;
            }
            if (!disposition.IsFileDisposition() || !files.TryGetValue(name, out var target))
            {
                continue;
            }
            var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "";
            if (fileName.Length == 0)
            {
                continue;
            }
            if (!await CopyAsync(section.Body, target.Path, target.Limit, ct))
            {
                return new Upload(UploadError.TooLarge, written, names, name);
            }
            written[name] = target.Path;
            names[name] = Path.GetFileName(fileName);
        }
        if (!checkedToken)
        {
            await ValidateAntiforgeryAsync(http, null);
        }
        return new Upload(files.Keys.All(written.ContainsKey) ? UploadError.None : UploadError.MissingFile, written, names, null);
    }

    private static AntiforgeryOptions Antiforgery(HttpContext http) => http.RequestServices.GetRequiredService<IOptions<AntiforgeryOptions>>().Value;

    /// <summary>
    /// Checks the form's token against the cookie. The antiforgery service reads the request token from its header
    /// before it would read the form, so the token read from the stream is handed over there: the body is never buffered.
    /// </summary>
    private static async Task ValidateAntiforgeryAsync(HttpContext http, string? token)
    {
        var header = Antiforgery(http).HeaderName ?? "RequestVerificationToken";
        http.Request.Headers[header] = token ?? "";
        if (token is null)
        {
            throw new AntiforgeryValidationException("The form's antiforgery token must come before its files.");
        }
        await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
    }

    private static async Task<string> ReadFieldAsync(MultipartSection section, CancellationToken ct)
    {
        var buffer = new char[MaxFieldLength];
        using var text = new StreamReader(section.Body);
        var length = await text.ReadBlockAsync(buffer.AsMemory(), ct);
        return new string(buffer, 0, length);
    }

    /// <summary>Copies to <paramref name="path"/>; false (and no file) when the body is longer than <paramref name="limit"/>.</summary>
    private static async Task<bool> CopyAsync(Stream body, string path, long limit, CancellationToken ct)
    {
        var buffer = new byte[1 << 16];
        long total = 0;
        await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            int read;
            while ((read = await body.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
                if (total > limit)
                {
                    break;
                }
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        if (total > limit)
        {
            File.Delete(path);
            return false;
        }
        return true;
    }
}
