using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Voc.Mail;

/// <summary>What one round of the mail intake did: mails fetched, cases opened (of them matched to a customer), mails already taken, mails refused or unreadable (set aside).</summary>
public sealed record VocMailRound(int Fetched, int Opened, int Matched, int Duplicates, int Refused, int Unreadable);

/// <summary>
/// E-mail into cases (issue 16, docs/voc.md "Channels"): one round fetches from the configured <see cref="IVocMailSource"/>,
/// opens a case per mail through <see cref="VocIntake"/> (channel Email, external reference the Message-ID, else a hash of the
/// mail, so a mail fetched twice opens one case), matches the sender to a customer by e-mail address when exactly one has it
/// (else the sender is kept encrypted for a later match), keeps a text over the intake's limit cut with a visible mark and its
/// original length, lists the attachments on the case (<see cref="VocCaseMail"/>), and only then confirms the mails; a mail the
/// intake refuses, or one that could not be read, is set aside (MarkFailed) and logged without personal data.
/// </summary>
internal sealed class VocMailIntake(
    CrmDbContext db, VocIntake intake, VocCustomerMatch match, IVocMailSource source, TimeProvider time, ILogger<VocMailIntake> logger)
{
    /// <summary>Ends a text kept cut: the case page says how long the mail was.</summary>
    public const string CutMark = "\n[…]";

    public async Task<VocMailRound> FetchAsync(CancellationToken ct = default)
    {
        var batch = await source.FetchAsync(ct);
        var processed = new List<string>();
        var failed = new List<string>(batch.Unreadable);
        int opened = 0, matched = 0, duplicates = 0;
        foreach (var mail in batch.Messages)
        {
            var (text, originalLength) = TextOf(mail);
            var customer = await match.MatchAsync(null, null, null, mail.SenderAddress, ct);
            var received = mail.ReceivedAt > time.GetUtcNow() || mail.ReceivedAt <= DateTimeOffset.UnixEpoch ? time.GetUtcNow() : mail.ReceivedAt;
            var request = new VocIntakeRequest(VocChannel.Email, null, null, VocSeverity.Normal, SubjectOf(mail.Subject), text)
            {
                CustomerId = customer.CustomerId,
                ExternalRef = ExternalRefOf(mail),
                ReceivedAt = received,
                Contact = customer.CustomerId is null ? new VocContact(Clean(mail.SenderName), null, Clean(mail.SenderAddress)) : null,
            };
            var result = await intake.OpenAsync(request, null, ct);
            switch (result.Status)
            {
                case VocIntakeStatus.Opened:
                    opened++;
                    matched += customer.CustomerId is null ? 0 : 1;
                    await KeepMailAsync(result.CaseId!.Value, mail, originalLength, ct);
                    processed.Add(mail.Id);
                    break;
                case VocIntakeStatus.Duplicate:
                    // Fetched again after a crash before the confirmation: the case is there; its mail row may not be.
                    duplicates++;
                    await KeepMailAsync(result.CaseId!.Value, mail, originalLength, ct);
                    processed.Add(mail.Id);
                    break;
                default:
                    failed.Add(mail.Id);
                    logger.LogWarning("VOC mail refused by the intake ({Codes}); set aside", string.Join(",", result.ErrorList.Select(e => e.Code)));
                    break;
            }
        }
        if (processed.Count > 0)
        {
            await source.MarkProcessedAsync(processed, ct);
        }
        if (failed.Count > 0)
        {
            await source.MarkFailedAsync(failed, ct);
        }
        var round = new VocMailRound(batch.Messages.Count + batch.Unreadable.Count, opened, matched, duplicates, failed.Count - batch.Unreadable.Count, batch.Unreadable.Count);
        logger.LogInformation("VOC mail: fetched {Fetched}, opened {Opened} ({Matched} matched to a customer), already taken {Duplicates}, refused {Refused}, unreadable {Unreadable}",
            round.Fetched, round.Opened, round.Matched, round.Duplicates, round.Refused, round.Unreadable);
        return round;
    }

    /// <summary>The mail's text (its subject when the body is empty), cut with <see cref="CutMark"/> when over the intake's limit, and the original length then.</summary>
    internal static (string Text, int? OriginalLength) TextOf(VocMailMessage mail)
    {
        var text = mail.Text.Trim();
        if (text.Length == 0)
        {
            text = mail.Subject.Trim();
        }
        if (text.Length <= VocIntake.MaxTextLength)
        {
            return (text, null);
        }
        var keep = VocIntake.MaxTextLength - CutMark.Length;
        if (char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }
        return (text[..keep] + CutMark, text.Length);
    }

    private static string? SubjectOf(string subject)
    {
        var s = subject.Trim();
        return s.Length <= VocIntake.MaxSubjectLength ? s : s[..(VocIntake.MaxSubjectLength - 1)] + "…";
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The Message-ID (hashed when longer than the column), else a hash of the mail itself: the same mail always gets the same reference.</summary>
    internal static string ExternalRefOf(VocMailMessage mail)
    {
        if (mail.MessageId is { Length: > 0 } id)
        {
            return id.Length <= 280 ? id : "msgid-sha256:" + Hash(id);
        }
        return "mail-sha256:" + Hash(string.Join("\n", mail.ReceivedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), mail.SenderAddress, mail.Subject, mail.Text));
    }

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private async Task KeepMailAsync(long caseId, VocMailMessage mail, int? originalLength, CancellationToken ct)
    {
        if (await db.VocCaseMails.AnyAsync(m => m.CaseId == caseId, ct))
        {
            return;
        }
        var listed = mail.Attachments.Take(VocCaseMail.MaxAttachmentsListed)
            .Select(a => new VocCaseAttachment(Cut(a.FileName, 200), Cut(a.ContentType, 100), a.Size));
        db.VocCaseMails.Add(new VocCaseMail
        {
            CaseId = caseId, OriginalTextLength = originalLength, Charset = Cut(mail.Charset, 40), BodyWasHtml = mail.BodyWasHtml,
            AttachmentCount = mail.Attachments.Count, Attachments = VocCaseMail.Serialize(listed),
        });
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    private static string Cut(string value, int max) => value.Length <= max ? value : value[..max];
}
