using System.Globalization;
using System.Text;
using InsureCrm.Core.Voc.Mail;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;

namespace InsureCrm.Tests.Voc.Mail;

/// <summary>
/// The real IMAP server the test script starts (Dovecot, INSURECRM_TEST_IMAP with INSURECRM_TEST_IMAP_USER and
/// INSURECRM_TEST_IMAP_PASSWORD). Each test works in a folder of its own, so tests running side by side never see
/// each other's mail; messages are delivered as their raw bytes with IMAP APPEND, as a mail server stores them.
/// </summary>
internal static class VocMailTestKit
{
    public static (string Host, int Port, string User, string Password) Server()
    {
        var imap = Environment.GetEnvironmentVariable("INSURECRM_TEST_IMAP");
        var user = Environment.GetEnvironmentVariable("INSURECRM_TEST_IMAP_USER");
        var password = Environment.GetEnvironmentVariable("INSURECRM_TEST_IMAP_PASSWORD");
        if (string.IsNullOrEmpty(imap) || string.IsNullOrEmpty(user) || string.IsNullOrEmpty(password))
        {
            throw new InvalidOperationException("INSURECRM_TEST_IMAP, INSURECRM_TEST_IMAP_USER and INSURECRM_TEST_IMAP_PASSWORD must name the test IMAP server and its user (run ./test.sh: it starts Dovecot).");
        }
        var colon = imap.LastIndexOf(':');
        return (imap[..colon], int.Parse(imap[(colon + 1)..], CultureInfo.InvariantCulture), user, password);
    }

    /// <summary>Options reading a new, empty folder of the test user's mailbox.</summary>
    public static async Task<VocMailOptions> NewFolderAsync(string? processedFolder = null)
    {
        var (host, port, user, password) = Server();
        var name = "voc" + Guid.NewGuid().ToString("N")[..12];
        using var client = await ConnectAsync();
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        await root.CreateAsync(name, true);
        await client.DisconnectAsync(true);
        return new VocMailOptions
        {
            Source = VocMailSourceKind.Imap,
            Imap = new VocImapOptions
            {
                Host = host, Port = port, Security = VocImapSecurity.None, User = user, Password = password, Folder = name,
                ProcessedFolder = processedFolder is null ? null : name + processedFolder,
            },
        };
    }

    public static VocMailbox Mailbox(VocMailOptions options) => new(options, NullLogger<VocMailbox>.Instance);

    /// <summary>Appends raw messages to the folder, as delivered (no flags).</summary>
    public static async Task DeliverAsync(VocMailOptions options, params byte[][] messages)
    {
        using var client = await ConnectAsync();
        var folder = await client.GetFolderAsync(options.Imap.Folder);
        foreach (var raw in messages)
        {
            using var stream = new MemoryStream(raw);
            var message = await MimeMessage.LoadAsync(stream);
            await folder.AppendAsync(message, MessageFlags.None);
        }
        await client.DisconnectAsync(true);
    }

    /// <summary>How many messages a folder holds, and how many of them are flagged \Seen.</summary>
    public static async Task<(int Count, int Seen)> CountAsync(string folderName)
    {
        using var client = await ConnectAsync();
        var folder = await client.GetFolderAsync(folderName);
        await folder.OpenAsync(FolderAccess.ReadOnly);
        var all = await folder.SearchAsync(MailKit.Search.SearchQuery.All);
        var seen = await folder.SearchAsync(MailKit.Search.SearchQuery.Seen);
        await client.DisconnectAsync(true);
        return (all.Count, seen.Count);
    }

    private static async Task<ImapClient> ConnectAsync()
    {
        var (host, port, user, password) = Server();
        var client = new ImapClient();
        await client.ConnectAsync(host, port, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, password);
        return client;
    }

    /// <summary>A raw message: the header lines given (UTF-8, for the 8-bit parts of a multipart body written inline), then a blank line and the body bytes.</summary>
    public static byte[] Raw(string headers, byte[] body)
    {
        var head = Encoding.UTF8.GetBytes(headers.ReplaceLineEndings("\r\n").TrimEnd() + "\r\n\r\n");
        return [.. head, .. body];
    }

    public static byte[] Raw(byte[] headers, byte[] body) => [.. headers, .. "\r\n\r\n"u8, .. body];

    public static string Base64Lines(byte[] bytes)
    {
        var b64 = Convert.ToBase64String(bytes);
        var sb = new StringBuilder();
        for (var i = 0; i < b64.Length; i += 76)
        {
            sb.Append(b64, i, Math.Min(76, b64.Length - i)).Append("\r\n");
        }
        return sb.ToString();
    }

    public static Encoding Cp949 => CodePagesEncodingProvider.Instance.GetEncoding(949)!;
}
