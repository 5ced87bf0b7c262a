using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using InsureCrm.Core.Common;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Voc.Import;

/// <summary>
/// What <see cref="VocImportService"/> did. <see cref="Error"/>: the file could not be read (nothing opened, exit 1). Otherwise
/// the rows read, the cases opened (of them matched to a customer), rows already imported before (their cases), and the rows
/// refused by the reader or the intake, all in <see cref="RejectsPath"/> with line, column and reason.
/// </summary>
public sealed record VocImportResult(
    string? Error, VocImportKind? Kind, string? Encoding, int Rows, int Opened, int Matched, int Duplicates, int Rejected,
    string? RejectsPath, IReadOnlyList<(int Line, string Column, string Reason)> FirstRejects, int WithoutText = 0)
{
    public ImportStatus Status => Error is not null ? ImportStatus.Failed : Rejected == 0 ? ImportStatus.Completed : ImportStatus.CompletedWithRejects;

    /// <summary>0 every row in, 2 some rows refused, 1 the file unreadable: the exit codes of every import.</summary>
    public int ExitCode => Status switch { ImportStatus.Completed => 0, ImportStatus.CompletedWithRejects => 2, _ => 1 };
}

/// <summary>
/// <c>voc import FILE</c> (issue 16, docs/voc-channels.md): reads regulator referrals (금융감독원 민원), public web mentions or
/// typed-in letters or survey comments with <see cref="VocImportReader"/> and opens a case per good row through
/// <see cref="VocIntake"/>: a referral as channel Regulator with the regulator's deadline (its day's end of business in Seoul), a
/// mention as WebMention, a letter as Letter, Fax or Postcard, a survey comment as Survey (a low score makes it a complaint
/// of high severity, a top score a compliment; otherwise the classifier suggests the type). The customer is matched by RRN, phone or contract number when the details point at exactly one
/// (<see cref="VocCustomerMatch"/>), else the sender is kept encrypted. Each row carries an external reference (the regulator's
/// reference, the mention's URL, a hash of the letter), so importing the same file again opens nothing twice. Rows the intake
/// refuses join the reader's in the rejects file.
/// </summary>
internal sealed class VocImportService(VocIntake intake, VocCustomerMatch match, VocOptions options, TimeProvider time, ILogger<VocImportService> logger)
{
    private const int FirstRejectsShown = 10;

    public async Task<VocImportResult> ImportAsync(string path, VocImportKind? kind, ImportEncoding encoding, CancellationToken ct = default)
    {
        var read = VocImportReader.Read(path, kind, encoding, time);
        if (read.Error is not null)
        {
            return new(read.Error, null, null, 0, 0, 0, 0, 0, null, []);
        }
        var rejects = new List<VocImportReject>(read.Rejects);
        var fieldsByLine = new Dictionary<int, string[]>();
        int opened = 0, matched = 0, duplicates = 0;
        var zone = Seoul();
        foreach (var row in read.Rows)
        {
            var (request, customer) = await RequestAsync(row, zone, ct);
            var result = await intake.OpenAsync(request, null, ct);
            switch (result.Status)
            {
                case VocIntakeStatus.Opened:
                    opened++;
                    matched += customer is null ? 0 : 1;
                    break;
                case VocIntakeStatus.Duplicate:
                    duplicates++;
                    break;
                default:
                    rejects.Add(new VocImportReject(row.Line, result.ErrorList.Select(e => new RowError(ColumnOf(e.Field), e.Message)).ToList(), RawFields(path, read, row.Line, fieldsByLine)));
                    break;
            }
        }
        var rejectsPath = VocImportReader.WriteRejects(path, read.Header, rejects);
        var first = rejects.OrderBy(r => r.Line).SelectMany(r => r.Errors.Select(e => (r.Line, e.Column, e.Reason))).Take(FirstRejectsShown).ToList();
        var rows = read.Rows.Count + read.Rejects.Count + read.WithoutText;
        logger.LogInformation("VOC import ({Kind}): {Rows} rows, opened {Opened} ({Matched} matched), already imported {Duplicates}, rejected {Rejected}, without a comment {WithoutText}",
            read.Kind, rows, opened, matched, duplicates, rejects.Count, read.WithoutText);
        return new(null, read.Kind, read.Encoding, rows, opened, matched, duplicates, rejects.Count, rejectsPath, first, read.WithoutText);
    }

    private async Task<(VocIntakeRequest Request, long? Customer)> RequestAsync(VocImportRow row, TimeZoneInfo zone, CancellationToken ct)
    {
        switch (row)
        {
            case RegulatorReferralRow r:
            {
                var m = await match.MatchAsync(r.Rrn, r.Phone, r.ContractNumber, null, ct);
                var request = new VocIntakeRequest(VocChannel.Regulator, VocType.Complaint, null, VocSeverity.High, r.Subject, r.Text)
                {
                    CustomerId = m.CustomerId, ContractId = m.ContractId, ExternalRef = "regulator:" + r.ReferenceNumber,
                    ReceivedAt = ReceivedAt(r.ReceivedOn, zone),
                    RegulatorDueAt = At(r.Deadline, options.BusinessHourEnd, zone),
                    Contact = m.CustomerId is null ? Contact(r.CustomerName, r.Phone) : null,
                };
                return (request, m.CustomerId);
            }
            case WebMentionRow w:
            {
                var url = w.Url.AbsoluteUri;
                var posted = new DateTimeOffset(DateTime.SpecifyKind(w.PostedAtUtc, DateTimeKind.Utc));
                var now = time.GetUtcNow();
                var subject = w.Site + " · " + url;
                var request = new VocIntakeRequest(VocChannel.WebMention, null, null, VocSeverity.Normal,
                    subject.Length <= VocIntake.MaxSubjectLength ? subject : subject[..(VocIntake.MaxSubjectLength - 1)] + "…", w.Text)
                {
                    ExternalRef = url.Length <= 280 ? "url:" + url : "url-sha256:" + Hash(url),
                    ReceivedAt = posted > now ? now : posted,
                    Contact = Contact(w.Author, null),
                };
                return (request, null);
            }
            case TypedLetterRow l:
            {
                var m = await match.MatchAsync(null, l.Phone, l.ContractNumber, null, ct);
                var channel = l.Kind switch { VocLetterKind.Fax => VocChannel.Fax, VocLetterKind.Postcard => VocChannel.Postcard, _ => VocChannel.Letter };
                var request = new VocIntakeRequest(channel, null, null, VocSeverity.Normal, l.Subject, l.Text)
                {
                    CustomerId = m.CustomerId, ContractId = m.ContractId,
                    // The same paper typed in twice (or the file imported again) is one voice.
                    ExternalRef = "letter-sha256:" + Hash(string.Join("\n", l.Kind.ToString(), l.ReceivedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                        l.SenderName, l.Phone, l.ContractNumber, l.Subject, l.Text)),
                    ReceivedAt = ReceivedAt(l.ReceivedOn, zone),
                    // The letter's address is where the answer goes: kept (encrypted) even when the writer is a known customer.
                    Contact = m.CustomerId is null || l.Address is not null ? Contact(l.SenderName, l.Phone, l.Address) : null,
                };
                return (request, m.CustomerId);
            }
            case SurveyCommentRow c:
            {
                var m = await match.MatchAsync(null, c.Phone, c.ContractNumber, null, ct);
                var (type, severity) = SurveyType(c.Score, c.ScaleMax ?? 10);
                var answered = new DateTimeOffset(DateTime.SpecifyKind(c.AnsweredAtUtc, DateTimeKind.Utc));
                var now = time.GetUtcNow();
                var subject = c.Score is { } score
                    ? string.Create(CultureInfo.InvariantCulture, $"{c.Survey} · {score}/{c.ScaleMax ?? 10}")
                    : c.Survey;
                var request = new VocIntakeRequest(VocChannel.Survey, type, null, severity,
                    subject.Length <= VocIntake.MaxSubjectLength ? subject : subject[..(VocIntake.MaxSubjectLength - 1)] + "…", c.Text)
                {
                    CustomerId = m.CustomerId, ContractId = m.ContractId,
                    ExternalRef = "survey-sha256:" + Hash(c.Survey + "\n" + c.ResponseId),
                    ReceivedAt = answered > now ? now : answered,
                    Contact = m.CustomerId is null ? Contact(null, c.Phone) : null,
                };
                return (request, m.CustomerId);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(row), row.GetType().Name, "Not a VOC import row.");
        }
    }

    /// <summary>
    /// The type a survey comment is opened as, from its score on the scale: the bottom 30 % a complaint (high severity at the
    /// very bottom), the top 10 % a compliment; in between, or without a score, the classifier suggests one.
    /// </summary>
    internal static (VocType? Type, VocSeverity Severity) SurveyType(int? score, int scaleMax)
    {
        if (score is not { } s || scaleMax <= 0)
        {
            return (null, VocSeverity.Normal);
        }
        var share = (double)s / scaleMax;
        return share switch
        {
            <= 0.1 => (VocType.Complaint, VocSeverity.High),
            <= 0.3 => (VocType.Complaint, VocSeverity.Normal),
            >= 0.9 => (VocType.Compliment, VocSeverity.Low),
            _ => (null, VocSeverity.Normal),
        };
    }

    private static VocContact? Contact(string? name, string? phone, string? address = null) =>
        string.IsNullOrWhiteSpace(name) && string.IsNullOrWhiteSpace(phone) && string.IsNullOrWhiteSpace(address) ? null
            : new VocContact(name, phone, null, string.IsNullOrWhiteSpace(address) ? null : address.Trim());

    /// <summary>A day received: the start of that business day in Seoul, or now when that is still to come.</summary>
    private DateTimeOffset ReceivedAt(DateOnly day, TimeZoneInfo zone)
    {
        var at = At(day, options.BusinessHourStart, zone);
        var now = time.GetUtcNow();
        return at > now ? now : at;
    }

    private static DateTimeOffset At(DateOnly day, int hour, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(new TimeOnly(Math.Clamp(hour, 0, 23), 0));
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private static string ColumnOf(string field) => field switch
    {
        "regulatorDue" => "deadline",
        "externalRef" => "reference_number",
        _ => field,
    };

    /// <summary>The original fields of a row the intake refused, for the rejects file (read again only when one is refused).</summary>
    private static string[] RawFields(string path, VocImportRead read, int line, Dictionary<int, string[]> cache)
    {
        if (cache.Count == 0)
        {
            using var file = ImportFile.Open(path, read.Encoding == "cp949" ? ImportEncoding.Cp949 : ImportEncoding.Utf8);
            while (file.Read() is { } record)
            {
                cache[record.Line] = record.Fields;
            }
        }
        return cache.TryGetValue(line, out var fields) ? fields : [];
    }

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private static TimeZoneInfo Seoul()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.CreateCustomTimeZone("Asia/Seoul", TimeSpan.FromHours(9), "Asia/Seoul", "Asia/Seoul");
        }
    }
}
