using System.Globalization;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Voc.Mail;

/// <summary>
/// A VOC inbox read over IMAP with MailKit. Each call opens its own connection, so nothing is held between the
/// fetch and the confirmation: <see cref="FetchAsync"/> reads with BODY.PEEK (nothing is marked),
/// <see cref="MarkProcessedAsync"/> then moves the confirmed mails to the processed folder or flags them \Seen.
/// A handle is "uidvalidity:uid"; a handle from before the folder's UIDVALIDITY changed is ignored (the mail is
/// fetched again and the intake recognises its Message-ID).
/// </summary>
internal sealed class VocMailbox : IVocMailSource
{
    private readonly VocMailOptions _options;
    private readonly ILogger<VocMailbox> _logger;

    public VocMailbox(VocMailOptions options, ILogger<VocMailbox> logger)
    {
        _options = options;
        _logger = logger;
    }

    /// <summary>The keyword a refused mail gets when there is no failed folder to move it to; such mails are not fetched again.</summary>
    public const string FailedKeyword = "$VocFailed";

    private VocImapOptions Imap => _options.Imap;

    public async Task<VocMailBatch> FetchAsync(CancellationToken ct = default)
    {
        using var client = await ConnectAsync(ct);
        var folder = await client.GetFolderAsync(Imap.Folder, ct);
        await folder.OpenAsync(FolderAccess.ReadOnly, ct);
        // With a processed folder, whatever is left in the inbox is unprocessed, read in a mail program or not.
        var query = (string.IsNullOrEmpty(Imap.ProcessedFolder)
            ? SearchQuery.NotSeen.And(SearchQuery.NotDeleted)
            : SearchQuery.NotDeleted).And(SearchQuery.NotKeyword(FailedKeyword));
        var uids = (await folder.SearchAsync(query, ct)).OrderBy(u => u.Id).Take(_options.MaxMessagesPerFetch).ToList();
        var messages = new List<VocMailMessage>(uids.Count);
        var unreadable = new List<string>();
        if (uids.Count > 0)
        {
            var summaries = await folder.FetchAsync(uids, MessageSummaryItems.UniqueId | MessageSummaryItems.InternalDate, ct);
            var received = summaries.ToDictionary(s => s.UniqueId, s => s.InternalDate);
            foreach (var uid in uids)
            {
                var id = Handle(folder.UidValidity, uid);
                try
                {
                    // GetMessage fetches BODY.PEEK[]: the mail stays unseen until it is confirmed.
                    var mime = await folder.GetMessageAsync(uid, ct);
                    messages.Add(VocMailReader.FromMime(mime, id, received.GetValueOrDefault(uid), _options.KeepAttachmentContent));
                }
                catch (FormatException)
                {
                    unreadable.Add(id);
                }
            }
        }
        await client.DisconnectAsync(true, ct);
        _logger.LogInformation("VOC inbox: fetched {Count} message(s), {Unreadable} unreadable", messages.Count, unreadable.Count);
        return new VocMailBatch(messages, unreadable);
    }

    public async Task MarkProcessedAsync(IReadOnlyCollection<string> ids, CancellationToken ct = default) =>
        await SetAsideAsync(ids, Imap.ProcessedFolder, MessageFlags.Seen, null, "processed", ct);

    public async Task MarkFailedAsync(IReadOnlyCollection<string> ids, CancellationToken ct = default) =>
        await SetAsideAsync(ids, Imap.FailedFolder, MessageFlags.Seen | MessageFlags.Flagged, FailedKeyword, "failed", ct);

    private async Task SetAsideAsync(IReadOnlyCollection<string> ids, string? target, MessageFlags flags, string? keyword, string what, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return;
        }
        using var client = await ConnectAsync(ct);
        var folder = await client.GetFolderAsync(Imap.Folder, ct);
        await folder.OpenAsync(FolderAccess.ReadWrite, ct);
        var uids = ids.Select(id => Parse(id, folder.UidValidity)).OfType<UniqueId>().Distinct().ToList();
        if (uids.Count > 0)
        {
            if (string.IsNullOrEmpty(target))
            {
                var keywords = keyword is null ? new HashSet<string>() : new HashSet<string>(StringComparer.Ordinal) { keyword };
                await folder.AddFlagsAsync(uids, flags, keywords, true, ct);
            }
            else
            {
                var destination = await FolderAsync(client, target, ct);
                await folder.MoveToAsync(uids, destination, ct);
            }
        }
        await client.DisconnectAsync(true, ct);
        _logger.LogInformation("VOC inbox: {Count} message(s) marked {What}, {Stale} stale handle(s) ignored", uids.Count, what, ids.Count - uids.Count);
    }

    private static string Handle(uint uidValidity, UniqueId uid) =>
        string.Create(CultureInfo.InvariantCulture, $"{uidValidity}:{uid.Id}");

    private static UniqueId? Parse(string id, uint uidValidity)
    {
        var colon = id.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0
            || !uint.TryParse(id.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var validity)
            || !uint.TryParse(id.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
            || validity != uidValidity || uid == 0)
        {
            return null;
        }
        return new UniqueId(uidValidity, uid);
    }

    /// <summary>The folder of that name, created (at the top level of the personal namespace) when missing.</summary>
    private static async Task<IMailFolder> FolderAsync(ImapClient client, string name, CancellationToken ct)
    {
        try
        {
            return await client.GetFolderAsync(name, ct);
        }
        catch (FolderNotFoundException)
        {
            var root = client.GetFolder(client.PersonalNamespaces[0]);
            return await root.CreateAsync(name, true, ct) ?? throw new InvalidOperationException("The IMAP server did not create the folder " + name + ".");
        }
    }

    private async Task<ImapClient> ConnectAsync(CancellationToken ct)
    {
        var client = new ImapClient();
        try
        {
            var security = Imap.Security switch
            {
                VocImapSecurity.None => SecureSocketOptions.None,
                VocImapSecurity.StartTls => SecureSocketOptions.StartTls,
                VocImapSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.Auto,
            };
            await client.ConnectAsync(Imap.Host ?? "", Imap.Port, security, ct);
            await client.AuthenticateAsync(Imap.User ?? "", Imap.Password ?? "", ct);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
