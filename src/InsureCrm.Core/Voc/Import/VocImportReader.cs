using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Imports;

namespace InsureCrm.Core.Voc.Import;

/// <summary>
/// Reads the files of <c>insurecrm voc import FILE [--kind regulator|mentions|letters|surveys]</c> with the conventions of
/// every import (docs/imports.md): UTF-8 or CP949 decided from evidence, case-insensitive header names, a missing,
/// unknown or duplicate column fatal, each bad row refused with its line, column and reason and the other rows
/// kept. One kind per file: named by the option, or recognised from the header when the option is left out.
/// It only reads: the caller gives the rows to the intake and writes the rejects file.
/// </summary>
internal static class VocImportReader
{
    /// <summary>The longest text a row may carry (a typed-in letter of a hundred pages); the intake applies its own limit.</summary>
    public const int MaxTextLength = 100_000;

    private static ImportColumn R(string name) => new(name, true);
    private static ImportColumn O(string name) => new(name, false);

    public static IReadOnlyList<ImportColumn> Columns(VocImportKind kind) => kind switch
    {
        VocImportKind.Regulator =>
        [
            R("reference_number"), R("received_date"), R("deadline"), O("customer_name"), O("rrn"), O("phone"),
            O("contract_number"), O("subject"), R("text"),
        ],
        VocImportKind.Mentions => [R("site"), R("url"), R("posted_at"), O("author"), R("text")],
        VocImportKind.Letters =>
        [
            R("kind"), R("received_date"), O("sender_name"), O("phone"), O("address"), O("contract_number"), O("subject"), R("text"),
        ],
        // The comment may be empty: most respondents leave none, and such a response is counted, not refused.
        VocImportKind.Surveys => [R("survey"), R("response_id"), R("answered_at"), O("score"), O("scale_max"), O("phone"), O("contract_number"), R("comment")],
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The kind a header belongs to: every name one of the kind's columns and every required column present; null when no kind or more than one fits.</summary>
    public static VocImportKind? KindOf(IReadOnlyList<string> header)
    {
        var fits = Enum.GetValues<VocImportKind>().Where(k =>
        {
            var columns = Columns(k);
            return header.All(h => columns.Any(c => c.Name == h)) && columns.Where(c => c.Required).All(c => header.Contains(c.Name));
        }).ToList();
        return fits.Count == 1 ? fits[0] : null;
    }

    public static VocImportRead Read(string path, VocImportKind? kind, ImportEncoding encoding, TimeProvider clock)
    {
        ImportFile file;
        try
        {
            file = ImportFile.Open(path, encoding);
        }
        catch (ImportFileException e)
        {
            return VocImportRead.Fatal(e.Message);
        }
        using var _ = file;
        var header = file.Header;
        if (kind is null)
        {
            kind = KindOf(header);
            if (kind is null)
            {
                return VocImportRead.Fatal("Cannot tell the kind of VOC file from its header: name it with --kind regulator, mentions, letters or surveys. "
                    + string.Join(" ", Enum.GetValues<VocImportKind>().Select(k => $"{Name(k)}: {Expected(k)}.")));
            }
        }
        if (CheckHeader(kind.Value, header) is { } headerError)
        {
            return VocImportRead.Fatal(headerError);
        }
        var columns = header.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => x.i, StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        var zone = SeoulZone();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var rows = new List<VocImportRow>();
        var rejects = new List<VocImportReject>();
        var seenKeys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var withoutText = 0;
        while (file.Read() is { } record)
        {
            var row = new ImportRow(record.Line, record.Fields, columns);
            foreach (var error in record.Errors)
            {
                row.Error(error.Column, error.Reason);
            }
            if (!row.HasErrors && record.Fields.Length != columns.Count)
            {
                row.Error("(row)", string.Create(CultureInfo.InvariantCulture, $"expected {columns.Count} fields as in the header, found {record.Fields.Length}"));
            }
            VocImportRow? parsed = null;
            if (!row.HasErrors && kind == VocImportKind.Surveys && string.IsNullOrWhiteSpace(record.Fields.ElementAtOrDefault(columns["comment"])))
            {
                // A response without a comment has no voice to open; its score belongs to the survey, not to VOC.
                withoutText++;
                continue;
            }
            if (!row.HasErrors)
            {
                parsed = kind switch
                {
                    VocImportKind.Regulator => Regulator(row, today, seenKeys),
                    VocImportKind.Mentions => Mention(row, now, zone, seenKeys),
                    VocImportKind.Surveys => SurveyComment(row, now, zone, seenKeys),
                    _ => Letter(row, today),
                };
            }
            if (row.HasErrors || parsed is null)
            {
                rejects.Add(new VocImportReject(row.Line, row.Errors, row.Fields));
            }
            else
            {
                rows.Add(parsed);
            }
        }
        return new VocImportRead(null, kind, header, rows, rejects, file.Encoding.CodePage == 949 ? "cp949" : "utf-8", file.LinesRead, file.BlankLines, withoutText);
    }

    /// <summary>
    /// Writes <c>FILE.rejects.csv</c> (removing one from an earlier run first) and returns its path, or null when
    /// nothing was refused. <paramref name="rejects"/> are the reader's plus those the intake refused.
    /// </summary>
    public static string? WriteRejects(string importPath, IReadOnlyList<string> header, IEnumerable<VocImportReject> rejects)
    {
        var path = RejectsFile.PathFor(importPath);
        File.Delete(path);
        using var file = new RejectsFile(path, header);
        foreach (var reject in rejects.OrderBy(r => r.Line))
        {
            file.Write(reject.Line, reject.Errors, reject.Fields);
        }
        return file.Written ? path : null;
    }

    private static RegulatorReferralRow? Regulator(ImportRow row, DateOnly today, HashSet<string> seen)
    {
        var reference = row.Text("reference_number", 40, required: true);
        var received = Received(row, today);
        var deadline = row.Date("deadline", required: true);
        if (received is { } r && deadline is { } d && d < r)
        {
            row.Error("deadline", "before received_date: the regulator's deadline cannot come before the complaint was received");
        }
        var name = row.Text("customer_name", 100);
        string? rrn = null;
        if (row.Text("rrn", 20) is { } rrnText)
        {
            if (Rrn.TryParse(rrnText, out var parsed, out var error))
            {
                rrn = parsed.Value.Digits;
            }
            else
            {
                row.Error("rrn", error);
            }
        }
        var phone = row.Phone("phone");
        var contract = row.Text("contract_number", 20);
        var subject = row.Text("subject", 200);
        var text = TextOf(row);
        if (reference is not null && !row.HasErrors && !seen.Add(reference))
        {
            row.Error("reference_number", "the same reference number appears on an earlier row of this file");
        }
        return row.HasErrors ? null : new RegulatorReferralRow(row.Line, reference!, received!.Value, deadline!.Value, name, rrn, phone, contract, subject, text!);
    }

    private static WebMentionRow? Mention(ImportRow row, DateTimeOffset now, TimeZoneInfo zone, HashSet<string> seen)
    {
        var site = row.Text("site", 100, required: true);
        Uri? url = null;
        if (row.Text("url", 2000, required: true) is { } urlText)
        {
            if (Uri.TryCreate(urlText, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https")
            {
                url = parsed;
            }
            else
            {
                row.Error("url", "not an absolute http or https address");
            }
        }
        var posted = row.Moment("posted_at", zone, required: true);
        if (posted is { } p && p > now.UtcDateTime.AddDays(1))
        {
            row.Error("posted_at", "more than a day after the import: a mention cannot be posted in the future");
        }
        var author = row.Text("author", 100);
        var text = TextOf(row);
        if (url is not null && !row.HasErrors && !seen.Add(url.AbsoluteUri))
        {
            row.Error("url", "the same address appears on an earlier row of this file");
        }
        return row.HasErrors ? null : new WebMentionRow(row.Line, site!, url!, posted!.Value, author, text!);
    }

    private static TypedLetterRow? Letter(ImportRow row, DateOnly today)
    {
        VocLetterKind? kind = null;
        if (row.Text("kind", 20, required: true) is { } kindText)
        {
            kind = LetterKind(kindText);
            if (kind is null)
            {
                row.Error("kind", "unknown kind; expected one of: letter (편지), fax (팩스), postcard (엽서)");
            }
        }
        var received = Received(row, today);
        var name = row.Text("sender_name", 100);
        var phone = row.Phone("phone");
        var address = row.Text("address", 200, multiline: true);
        var contract = row.Text("contract_number", 20);
        var subject = row.Text("subject", 200);
        var text = TextOf(row);
        return row.HasErrors ? null : new TypedLetterRow(row.Line, kind!.Value, received!.Value, name, phone, address, contract, subject, text!);
    }

    private static SurveyCommentRow? SurveyComment(ImportRow row, DateTimeOffset now, TimeZoneInfo zone, HashSet<string> seen)
    {
        var survey = row.Text("survey", 100, required: true);
        var response = row.Text("response_id", 60, required: true);
        var answered = row.Moment("answered_at", zone, required: true);
        if (answered is { } a && a > now.UtcDateTime.AddDays(1))
        {
            row.Error("answered_at", "more than a day after the import: a response cannot be answered in the future");
        }
        var scaleMax = row.Int("scale_max", 1, 100);
        var score = row.Int("score", 0, 100);
        if (score is { } sc && sc > (scaleMax ?? 10))
        {
            row.Error("score", string.Create(CultureInfo.InvariantCulture, $"above the scale's maximum ({scaleMax ?? 10}; give scale_max when the scale is not 0-10)"));
        }
        var phone = row.Phone("phone");
        var contract = row.Text("contract_number", 20);
        var text = row.Text("comment", MaxTextLength, required: true, multiline: true);
        if (survey is not null && response is not null && !row.HasErrors && !seen.Add(survey + "\n" + response))
        {
            row.Error("response_id", "the same survey and response id appear on an earlier row of this file");
        }
        return row.HasErrors ? null : new SurveyCommentRow(row.Line, survey!, response!, answered!.Value, score, scaleMax, phone, contract, text!);
    }

    private static VocLetterKind? LetterKind(string text) => text.Trim().ToLowerInvariant() switch
    {
        "letter" or "편지" or "서신" => VocLetterKind.Letter,
        "fax" or "팩스" => VocLetterKind.Fax,
        "postcard" or "엽서" => VocLetterKind.Postcard,
        _ => null,
    };

    private static DateOnly? Received(ImportRow row, DateOnly today)
    {
        var received = row.Date("received_date", required: true);
        if (received > today)
        {
            row.Error("received_date", string.Create(CultureInfo.InvariantCulture, $"after {today:yyyy-MM-dd}, the day of the import: a VOC cannot be received in the future"));
            return null;
        }
        return received;
    }

    private static string? TextOf(ImportRow row) => row.Text("text", MaxTextLength, required: true, multiline: true);

    private static string Name(VocImportKind kind) => kind.ToString().ToLowerInvariant();

    private static string Expected(VocImportKind kind) =>
        string.Join(", ", Columns(kind).Select(c => c.Required ? c.Name : c.Name + "?"));

    /// <summary>Null when the header fits the kind; otherwise every problem, naming header cells only when they look like column names (a file without a header starts with a customer's data).</summary>
    private static string? CheckHeader(VocImportKind kind, IReadOnlyList<string> header)
    {
        var columns = Columns(kind);
        var problems = new List<string>();
        if (header.Count > 0 && !header.Any(h => columns.Any(c => c.Name == h)))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"the first line has no known column name in its {header.Count} cells, so it is not a header row (a file without a header? its values are not shown here)"));
        }
        else
        {
            var missing = columns.Where(c => c.Required && !header.Contains(c.Name)).Select(c => c.Name).ToList();
            if (missing.Count > 0)
            {
                problems.Add($"missing required column(s): {string.Join(", ", missing)}");
            }
            var unknown = header.Select((h, i) => (Name: h, Position: i + 1)).Where(h => columns.All(c => c.Name != h.Name)).ToList();
            if (unknown.Count > 0)
            {
                problems.Add($"unknown column(s): {Cells(unknown)}");
            }
            var duplicate = header.Select((h, i) => (Name: h, Position: i + 1)).GroupBy(h => h.Name).Where(g => g.Count() > 1).Select(g => g.First()).ToList();
            if (duplicate.Count > 0)
            {
                problems.Add($"duplicate column(s): {Cells(duplicate)}");
            }
        }
        return problems.Count == 0 ? null
            : $"Wrong header for voc {Name(kind)}: {string.Join("; ", problems)}. Expected columns: {Expected(kind)} (? = optional).";
    }

    private static string Cells(List<(string Name, int Position)> cells) =>
        string.Join(", ", cells.Take(20).Select(c => ImportSchema.LooksLikeColumnName(c.Name) ? c.Name : string.Create(CultureInfo.InvariantCulture, $"(column {c.Position})")))
        + (cells.Count > 20 ? string.Create(CultureInfo.InvariantCulture, $" and {cells.Count - 20} more") : "");

    private static TimeZoneInfo SeoulZone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.CreateCustomTimeZone("KST", TimeSpan.FromHours(9), "KST", "KST");
        }
    }
}
