using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Voc.Mail;

/// <summary>
/// A drop folder of .eml files, for insurers whose mail system gives no IMAP access (a mail rule or a person
/// saves VOC mails there). <see cref="FetchAsync"/> reads the *.eml files of the folder itself, oldest first,
/// without moving them; <see cref="MarkProcessedAsync"/> moves confirmed files to <c>processed/</c> and
/// <see cref="MarkFailedAsync"/> to <c>failed/</c> (a name already there gets a numbered suffix). A handle is
/// the file name; a handle with a path in it is ignored, so a caller can never move a file outside the folder.
/// </summary>
internal sealed class VocMailDrop(VocMailOptions options, ILogger<VocMailDrop> logger) : IVocMailSource
{
    public const string ProcessedFolder = "processed";
    public const string FailedFolder = "failed";

    private string Root => Path.GetFullPath(options.DropFolder);

    public async Task<VocMailBatch> FetchAsync(CancellationToken ct = default)
    {
        if (!Directory.Exists(Root))
        {
            return new VocMailBatch([], []);
        }
        var files = new DirectoryInfo(Root).EnumerateFiles("*.eml", new EnumerationOptions { MatchCasing = MatchCasing.CaseInsensitive })
            .OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal)
            .Take(options.MaxMessagesPerFetch)
            .ToList();
        var messages = new List<VocMailMessage>(files.Count);
        var unreadable = new List<string>();
        foreach (var file in files)
        {
            try
            {
                await using var stream = file.OpenRead();
                var message = await VocMailReader.ReadAsync(stream, file.Name, null, options.KeepAttachmentContent, ct);
                // A saved mail without a Date header: the time it was saved is the best evidence of its arrival.
                messages.Add(message.ReceivedAt == DateTimeOffset.UnixEpoch ? message with { ReceivedAt = file.LastWriteTimeUtc } : message);
            }
            catch (FormatException)
            {
                unreadable.Add(file.Name);
            }
            catch (IOException)
            {
                // Still being written by whoever drops it: read it next time.
            }
        }
        logger.LogInformation("VOC mail drop: fetched {Count} message(s), {Unreadable} unreadable", messages.Count, unreadable.Count);
        return new VocMailBatch(messages, unreadable);
    }

    public Task MarkProcessedAsync(IReadOnlyCollection<string> ids, CancellationToken ct = default) => MoveAsync(ids, ProcessedFolder);

    public Task MarkFailedAsync(IReadOnlyCollection<string> ids, CancellationToken ct = default) => MoveAsync(ids, FailedFolder);

    private Task MoveAsync(IReadOnlyCollection<string> ids, string subfolder)
    {
        var target = Path.Combine(Root, subfolder);
        var moved = 0;
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            if (id.Length == 0 || id != Path.GetFileName(id) || id is "." or "..")
            {
                continue;
            }
            var source = Path.Combine(Root, id);
            if (!File.Exists(source))
            {
                continue;
            }
            Directory.CreateDirectory(target);
            File.Move(source, FreeName(target, id));
            moved++;
        }
        logger.LogInformation("VOC mail drop: {Count} file(s) moved to {Subfolder}", moved, subfolder);
        return Task.CompletedTask;
    }

    private static string FreeName(string folder, string name)
    {
        var path = Path.Combine(folder, name);
        for (var n = 2; File.Exists(path); n++)
        {
            path = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(name)}.{n.ToString(System.Globalization.CultureInfo.InvariantCulture)}{Path.GetExtension(name)}");
        }
        return path;
    }
}
