namespace InsureCrm.Core.Voc.Mail;

/// <summary>
/// One attachment of a VOC e-mail: its name, MIME type and decoded size. <see cref="Content"/> holds the bytes
/// only when the source was asked to keep them (<see cref="VocMailOptions.KeepAttachmentContent"/>), for a later
/// document store; the case itself lists attachments, it does not hold them.
/// </summary>
internal sealed record VocMailAttachment(string FileName, string ContentType, long Size, byte[]? Content = null);

/// <summary>
/// One e-mail read from a VOC inbox or mail drop folder, ready for the intake.
/// <para>
/// <see cref="Id"/> is the source's handle for <see cref="IVocMailSource.MarkProcessedAsync"/> (an IMAP
/// "uidvalidity:uid", or the file name in a drop folder); <see cref="MessageId"/> is the Message-ID header
/// (null when the mail has none), by which the intake recognises a mail it has already taken.
/// <see cref="Text"/> is the plain-text body: the text/plain part, else the HTML part reduced to text
/// (<see cref="BodyWasHtml"/>). <see cref="CharsetLabel"/> is the charset the mail declared (null when it
/// declared none) and <see cref="Charset"/> the one the body was decoded with, which differs when the label was
/// missing or wrong. Nothing is cut: the intake applies its own limits.
/// </para>
/// </summary>
internal sealed record VocMailMessage(
    string Id,
    string? MessageId,
    DateTimeOffset ReceivedAt,
    string? SenderAddress,
    string? SenderName,
    string Subject,
    string Text,
    bool BodyWasHtml,
    string? CharsetLabel,
    string Charset,
    IReadOnlyList<VocMailAttachment> Attachments);

/// <summary>
/// What one fetch found: the messages read, and the handles of those that could not be read at all (they stay
/// where they are until <see cref="IVocMailSource.MarkFailedAsync"/> sets them aside).
/// </summary>
internal sealed record VocMailBatch(IReadOnlyList<VocMailMessage> Messages, IReadOnlyList<string> Unreadable);

/// <summary>
/// A place VOC e-mails arrive: an IMAP inbox (<see cref="VocMailbox"/>) or a folder of .eml files
/// (<see cref="VocMailDrop"/>). Two phases, so that a crash never loses a mail: <see cref="FetchAsync"/> reads
/// without changing anything, and only once the caller has stored the cases does it confirm them with
/// <see cref="MarkProcessedAsync"/>; a message not confirmed is fetched again next time (the intake recognises
/// it by its Message-ID).
/// </summary>
internal interface IVocMailSource
{
    /// <summary>The messages not yet processed, oldest first, at most <see cref="VocMailOptions.MaxMessagesPerFetch"/>.</summary>
    Task<VocMailBatch> FetchAsync(CancellationToken ct = default);

    /// <summary>Confirms messages taken into cases: they are not fetched again. Unknown handles are ignored.</summary>
    Task MarkProcessedAsync(IReadOnlyCollection<string> ids, CancellationToken ct = default);

    /// <summary>Sets aside messages the intake could not take (or that could not be read), so they are not fetched again.</summary>
    Task MarkFailedAsync(IReadOnlyCollection<string> ids, CancellationToken ct = default);
}
