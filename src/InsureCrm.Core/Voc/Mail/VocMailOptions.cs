namespace InsureCrm.Core.Voc.Mail;

/// <summary>Where VOC e-mails are read from: nowhere (the default), an IMAP inbox, or a drop folder of .eml files.</summary>
public enum VocMailSourceKind { None, Imap, Drop }

/// <summary>How the IMAP connection is secured (MailKit's SecureSocketOptions of the same names).</summary>
public enum VocImapSecurity { None, Auto, StartTls, SslOnConnect }

/// <summary>
/// The VOC mail intake (configuration section <c>Voc:Mail</c>). The IMAP password comes from configuration like
/// every secret: an environment variable <c>Voc__Mail__Imap__Password</c> or the user-secrets store, never the
/// appsettings file in the repository.
/// </summary>
public sealed class VocMailOptions
{
    public const string Section = "Voc:Mail";

    public VocMailSourceKind Source { get; set; } = VocMailSourceKind.None;
    public VocImapOptions Imap { get; set; } = new();

    /// <summary>The drop folder: *.eml files are read from it and moved to its processed/ or failed/ subfolder.</summary>
    public string DropFolder { get; set; } = "data/voc-mail-drop";

    /// <summary>Messages read per fetch; the rest wait for the next one (oldest first).</summary>
    public int MaxMessagesPerFetch { get; set; } = 200;

    /// <summary>How often the web host's mail job reads the source (minutes), when one is configured.</summary>
    public int PollMinutes { get; set; } = 5;

    /// <summary>Keep attachment bytes in <see cref="VocMailAttachment.Content"/> (for a document store); by default only names, types and sizes.</summary>
    public bool KeepAttachmentContent { get; set; }

    public IEnumerable<string> Validate()
    {
        if (MaxMessagesPerFetch is < 1 or > 10_000)
        {
            yield return "Voc:Mail:MaxMessagesPerFetch must be between 1 and 10000.";
        }
        if (PollMinutes is < 1 or > 1440)
        {
            yield return "Voc:Mail:PollMinutes must be between 1 and 1440.";
        }
        if (Source == VocMailSourceKind.Drop && string.IsNullOrWhiteSpace(DropFolder))
        {
            yield return "Voc:Mail:DropFolder is required when Voc:Mail:Source is Drop.";
        }
        if (Source != VocMailSourceKind.Imap)
        {
            yield break;
        }
        if (string.IsNullOrWhiteSpace(Imap.Host))
        {
            yield return "Voc:Mail:Imap:Host is required when Voc:Mail:Source is Imap.";
        }
        if (Imap.Port is < 1 or > 65535)
        {
            yield return "Voc:Mail:Imap:Port must be between 1 and 65535.";
        }
        if (string.IsNullOrWhiteSpace(Imap.User) || string.IsNullOrEmpty(Imap.Password))
        {
            yield return "Voc:Mail:Imap:User and Voc:Mail:Imap:Password are required when Voc:Mail:Source is Imap (the password from an environment variable or user secrets).";
        }
        if (string.IsNullOrWhiteSpace(Imap.Folder))
        {
            yield return "Voc:Mail:Imap:Folder must name the folder to read (INBOX by default).";
        }
        if (Imap.ProcessedFolder is { Length: > 0 } processed && string.Equals(processed, Imap.Folder, StringComparison.OrdinalIgnoreCase))
        {
            yield return "Voc:Mail:Imap:ProcessedFolder must differ from Voc:Mail:Imap:Folder.";
        }
    }
}

public sealed class VocImapOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 993;
    public VocImapSecurity Security { get; set; } = VocImapSecurity.Auto;
    public string? User { get; set; }
    public string? Password { get; set; }

    /// <summary>The folder VOC mails arrive in.</summary>
    public string Folder { get; set; } = "INBOX";

    /// <summary>
    /// Where processed mails are moved (created when missing). Empty: they stay in <see cref="Folder"/> and are
    /// flagged \Seen, and only unseen mails are fetched (so nobody may read the VOC inbox in a mail program).
    /// With a processed folder every mail left in <see cref="Folder"/> is fetched, read or not.
    /// </summary>
    public string? ProcessedFolder { get; set; }

    /// <summary>Where unreadable or refused mails are moved (created when missing). Empty: they stay, flagged \Seen and \Flagged with the keyword $VocFailed, and are not fetched again.</summary>
    public string? FailedFolder { get; set; }
}
