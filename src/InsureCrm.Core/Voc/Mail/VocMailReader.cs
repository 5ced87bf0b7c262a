using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace InsureCrm.Core.Voc.Mail;

/// <summary>
/// Turns a raw MIME message into a <see cref="VocMailMessage"/>: sender, subject (encoded words such as
/// <c>=?EUC-KR?B?...?=</c>, or raw 8-bit headers in UTF-8 or CP949), the text body (text/plain preferred, else
/// HTML reduced to text; base64 and quoted-printable undone; charsets per <see cref="MailCharsets"/>) and the
/// attachments (names, types, decoded sizes). Nothing is cut.
/// </summary>
internal static class VocMailReader
{
    /// <summary>Reads one message from <paramref name="stream"/>; throws <see cref="FormatException"/> when it is no MIME message.</summary>
    public static async Task<VocMailMessage> ReadAsync(Stream stream, string id, DateTimeOffset? receivedAt, bool keepAttachments, CancellationToken ct)
    {
        var message = await MimeMessage.LoadAsync(stream, ct);
        return FromMime(message, id, receivedAt, keepAttachments);
    }

    public static VocMailMessage FromMime(MimeMessage message, string id, DateTimeOffset? receivedAt, bool keepAttachments)
    {
        var from = message.From.Mailboxes.FirstOrDefault() ?? message.Sender ?? message.ReplyTo.Mailboxes.FirstOrDefault();
        var senderName = from is null ? null : DecodeDisplayName(message, from);
        var subject = HeaderText(message.Headers, HeaderId.Subject);

        var plain = message.BodyParts.OfType<TextPart>().FirstOrDefault(p => !p.IsAttachment && p.IsPlain);
        var html = message.BodyParts.OfType<TextPart>().FirstOrDefault(p => !p.IsAttachment && p.IsHtml);
        var body = plain ?? html;
        string text = "", charset = "us-ascii";
        string? label = null;
        if (body is not null)
        {
            label = body.ContentType.Charset;
            (text, charset) = MailCharsets.Decode(Decoded(body), label);
            if (body == html)
            {
                text = HtmlText.ToText(text);
            }
        }

        var attachments = new List<VocMailAttachment>();
        foreach (var entity in message.BodyParts)
        {
            if (entity is TextPart t && !t.IsAttachment && (t.IsPlain || t.IsHtml))
            {
                continue;
            }
            attachments.Add(Attachment(entity, keepAttachments));
        }

        return new VocMailMessage(
            id,
            string.IsNullOrWhiteSpace(message.MessageId) ? null : message.MessageId,
            receivedAt ?? (message.Date == DateTimeOffset.MinValue ? DateTimeOffset.UnixEpoch : message.Date),
            string.IsNullOrWhiteSpace(from?.Address) ? null : from.Address,
            string.IsNullOrWhiteSpace(senderName) ? null : senderName,
            subject.Trim(),
            text,
            body is not null && body == html,
            string.IsNullOrWhiteSpace(label) ? null : label.ToLowerInvariant(),
            charset,
            attachments);
    }

    private static VocMailAttachment Attachment(MimeEntity entity, bool keep)
    {
        var type = entity.ContentType.MimeType.ToLowerInvariant();
        var name = entity switch
        {
            MimePart part => part.FileName,
            _ => entity.ContentDisposition?.FileName ?? entity.ContentType.Name,
        };
        byte[] bytes;
        using (var buffer = new MemoryStream())
        {
            switch (entity)
            {
                case MimePart part when part.Content is not null:
                    part.Content.DecodeTo(buffer);
                    break;
                case MessagePart attached when attached.Message is not null:
                    attached.Message.WriteTo(buffer);
                    break;
            }
            bytes = buffer.ToArray();
        }
        if (string.IsNullOrWhiteSpace(name))
        {
            name = entity is MessagePart ? "message.eml" : "attachment";
        }
        return new VocMailAttachment(name.Trim(), type, bytes.LongLength, keep ? bytes : null);
    }

    /// <summary>The decoded bytes of a text part (base64 or quoted-printable undone), in the part's own charset.</summary>
    private static byte[] Decoded(TextPart part)
    {
        if (part.Content is null)
        {
            return [];
        }
        using var buffer = new MemoryStream();
        part.Content.DecodeTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>
    /// An unstructured header as text: encoded words decoded in their charsets, and raw 8-bit bytes (mailers that
    /// skip RFC 2047) read as UTF-8 when valid, else CP949.
    /// </summary>
    private static string HeaderText(HeaderList headers, HeaderId id)
    {
        var header = headers.FirstOrDefault(h => h.Id == id);
        if (header is null)
        {
            return "";
        }
        var raw = header.RawValue;
        return Rfc2047.DecodeText(OptionsFor(raw), raw).Trim();
    }

    /// <summary>The sender's display name, read from the raw From header when it holds 8-bit bytes MimeKit took for UTF-8.</summary>
    private static string? DecodeDisplayName(MimeMessage message, MailboxAddress from)
    {
        var header = message.Headers.FirstOrDefault(h => h.Id == HeaderId.From);
        if (header is null || Ascii.IsValid(header.RawValue) || System.Text.Unicode.Utf8.IsValid(header.RawValue))
        {
            return from.Name;
        }
        return InternetAddressList.TryParse(OptionsFor(header.RawValue), header.RawValue, out var list)
            && list.Mailboxes.FirstOrDefault() is { } reparsed ? reparsed.Name : from.Name;
    }

    private static ParserOptions OptionsFor(byte[] raw)
    {
        var options = ParserOptions.Default.Clone();
        if (!Ascii.IsValid(raw) && !System.Text.Unicode.Utf8.IsValid(raw))
        {
            options.CharsetEncoding = Encoding.GetEncoding(MailCharsets.Cp949);
        }
        return options;
    }
}
