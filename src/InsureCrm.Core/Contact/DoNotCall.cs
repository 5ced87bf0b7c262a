using System.Data.Common;
using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Contact;

/// <summary>
/// One registration on the financial do-not-call registry (두낫콜). The number itself is not stored: only
/// its keyed hash (<see cref="FieldProtector.Hash"/> of <c>tel:</c> + digits), which is enough to match a
/// customer's numbers and useless without the key.
/// </summary>
internal sealed class DoNotCall : IAppendOnly
{
    public long Id { get; set; }
    public string PhoneHash { get; set; } = "";
    public DoNotCallScope Scope { get; set; }
    public DateOnly RegisteredOn { get; set; }
    /// <summary>The first day the registration no longer blocks: <see cref="RegisteredOn"/> + 5 years.</summary>
    public DateOnly ExpiresOn { get; set; }
    /// <summary>File name of the import that brought the registration (no path).</summary>
    public string SourceFile { get; set; } = "";
    public string ImportedBy { get; set; } = "";
    public DateTime ImportedAt { get; set; }

    /// <summary>The hash a number is stored and looked up by; null when it is not a Korean phone number.</summary>
    public static string? HashOf(FieldProtector protector, string phone)
    {
        var digits = PhoneNumber.Digits(phone);
        return PhoneNumber.IsWhole(digits) ? protector.Hash("tel:" + digits) : null;
    }
}

internal sealed class DoNotCallConfiguration : IEntityTypeConfiguration<DoNotCall>
{
    public void Configure(EntityTypeBuilder<DoNotCall> b)
    {
        b.Property(p => p.PhoneHash).HasMaxLength(64);
        b.Property(p => p.SourceFile).HasMaxLength(200);
        b.Property(p => p.ImportedBy).HasMaxLength(60);
        // Re-importing a file adds nothing: one row per number, scope and registration day.
        b.HasIndex(p => new { p.PhoneHash, p.Scope, p.RegisteredOn }).IsUnique();
    }
}

/// <summary>What <see cref="DoNotCallImport"/> did; <see cref="ExitCode"/> follows the other imports (0, 2, 1).</summary>
internal sealed record DoNotCallImportResult(
    ImportStatus Status,
    string? Error,
    int Read,
    int Inserted,
    int Unchanged,
    int Rejected,
    string? RejectsPath,
    IReadOnlyList<(int Line, string Column, string Reason)> FirstRejects,
    string? Encoding)
{
    public int ExitCode => Status switch { ImportStatus.Completed => 0, ImportStatus.CompletedWithRejects => 2, _ => 1 };

    public static DoNotCallImportResult Fatal(string error) => new(ImportStatus.Failed, error, 0, 0, 0, 0, null, [], null);
}

/// <summary>
/// Imports a do-not-call registry file (docs/consent.md): columns <c>phone</c>, <c>registered_on</c> and an
/// optional <c>scope</c> (all, phone, sms). UTF-8 or CP949 like the other imports; bad rows go to
/// FILE.rejects.csv with line, column and reason; a re-import of the same file inserts nothing.
/// </summary>
internal sealed class DoNotCallImport(CrmDatabase database, FieldProtector protector, ContactPolicy policy, TimeProvider clock, ILogger<DoNotCallImport> logger)
{
    private const int BatchSize = 1000;
    private const int FirstRejectsKept = 20;

    private static readonly string[] RequiredColumns = ["phone", "registered_on"];
    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyyMMdd", "yyyy.MM.dd", "yyyy/MM/dd"];

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["phone"] = "phone", ["phone_number"] = "phone", ["전화번호"] = "phone",
        ["registered_on"] = "registered_on", ["registered_at"] = "registered_on", ["등록일"] = "registered_on",
        ["scope"] = "scope", ["범위"] = "scope", ["수신거부범위"] = "scope",
    };

    public async Task<DoNotCallImportResult> ImportAsync(string path, string user, ImportEncoding encoding = ImportEncoding.Auto, CancellationToken ct = default)
    {
        ImportFile file;
        try
        {
            file = ImportFile.Open(path, encoding);
        }
        catch (ImportFileException e)
        {
            return DoNotCallImportResult.Fatal(e.Message);
        }
        using var _ = file;
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < file.Header.Count; i++)
        {
            if (Aliases.TryGetValue(file.Header[i].TrimStart('\uFEFF'), out var name))
            {
                columns.TryAdd(name, i);
            }
        }
        var missing = RequiredColumns.Where(c => !columns.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            return DoNotCallImportResult.Fatal($"Missing required column(s): {string.Join(", ", missing)} (a do-not-call file has phone, registered_on and optionally scope).");
        }

        var rejectsPath = RejectsFile.PathFor(path);
        File.Delete(rejectsPath);
        using var rejects = new RejectsFile(rejectsPath, file.Header);
        var firstRejects = new List<(int, string, string)>();
        var now = clock.GetUtcNow();
        var today = policy.LocalDate(now);
        var sourceFile = Path.GetFileName(path);
        user = user.Length > 60 ? user[..60] : user;
        int read = 0, inserted = 0, unchanged = 0, rejected = 0;

        await using var connection = await database.OpenConnectionAsync(ct);
        var batch = new List<(string Hash, DoNotCallScope Scope, DateOnly RegisteredOn)>(BatchSize);
        while (file.Read() is { } record)
        {
            read++;
            var (line, fields) = (record.Line, record.Fields);
            var errors = new List<RowError>(record.Errors);
            var row = errors.Count > 0 ? null : Parse(fields, columns, today, errors);
            if (row is null)
            {
                rejected++;
                rejects.Write(line, errors, fields);
                foreach (var e in errors.Take(FirstRejectsKept - firstRejects.Count))
                {
                    firstRejects.Add((line, e.Column, e.Reason));
                }
                continue;
            }
            batch.Add(row.Value);
            if (batch.Count == BatchSize)
            {
                inserted += await WriteAsync(connection, batch, sourceFile, user, now.UtcDateTime, ct);
                batch.Clear();
            }
        }
        inserted += await WriteAsync(connection, batch, sourceFile, user, now.UtcDateTime, ct);
        unchanged = read - rejected - inserted;
        rejects.Flush();
        logger.LogInformation("Do-not-call import {File}: read {Read}, new {Inserted}, unchanged {Unchanged}, rejected {Rejected}",
            sourceFile, read, inserted, unchanged, rejected);
        return new DoNotCallImportResult(rejected > 0 ? ImportStatus.CompletedWithRejects : ImportStatus.Completed, null,
            read, inserted, unchanged, rejected, rejects.Written ? rejectsPath : null, firstRejects, file.Encoding.WebName);
    }

    private (string, DoNotCallScope, DateOnly)? Parse(string[] fields, Dictionary<string, int> columns, DateOnly today, List<RowError> errors)
    {
        string Field(string name) => columns.TryGetValue(name, out var i) && i < fields.Length ? fields[i].Trim() : "";

        var phone = Field("phone");
        var hash = phone.Length == 0 ? null : DoNotCall.HashOf(protector, phone);
        if (phone.Length == 0)
        {
            errors.Add(new RowError("phone", "required value is missing"));
        }
        else if (hash is null || phone.Any(c => !(char.IsAsciiDigit(c) || c is '-' or ' ' or '+' or '(' or ')' or '.')))
        {
            errors.Add(new RowError("phone", "not a phone number (9 to 11 digits starting with 0, or +82)"));
        }
        var dateText = Field("registered_on");
        DateOnly registered = default;
        if (dateText.Length == 0)
        {
            errors.Add(new RowError("registered_on", "required value is missing"));
        }
        else if (!DateOnly.TryParseExact(dateText, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out registered))
        {
            errors.Add(new RowError("registered_on", "not a date (yyyy-MM-dd)"));
        }
        else if (registered > today)
        {
            errors.Add(new RowError("registered_on", "in the future"));
        }
        else if (registered < ImportRow.EarliestDate)
        {
            errors.Add(new RowError("registered_on", string.Create(CultureInfo.InvariantCulture, $"before {ImportRow.EarliestDate:yyyy-MM-dd}")));
        }
        var scopeText = Field("scope").ToLowerInvariant();
        DoNotCallScope? scope = scopeText switch
        {
            "" or "all" or "전체" => DoNotCallScope.All,
            "phone" or "call" or "전화" => DoNotCallScope.Phone,
            "sms" or "text" or "문자" => DoNotCallScope.Sms,
            _ => null,
        };
        if (scope is null)
        {
            errors.Add(new RowError("scope", "unknown scope (all, phone or sms)"));
        }
        return errors.Count == 0 ? (hash!, scope!.Value, registered) : null;
    }

    /// <summary>Inserts one batch in one transaction; rows already stored are skipped. Returns the rows inserted.</summary>
    private static async Task<int> WriteAsync(DbConnection connection, List<(string Hash, DoNotCallScope Scope, DateOnly RegisteredOn)> batch,
        string sourceFile, string user, DateTime importedAt, CancellationToken ct)
    {
        if (batch.Count == 0)
        {
            return 0;
        }
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO do_not_call (phone_hash, scope, registered_on, expires_on, source_file, imported_by, imported_at)
            VALUES (@hash, @scope, @registered, @expires, @file, @user, @at)
            ON CONFLICT (phone_hash, scope, registered_on) DO NOTHING
            """;
        var hash = Add(cmd, "@hash", "");
        var scope = Add(cmd, "@scope", "");
        var registered = Add(cmd, "@registered", DateOnly.MinValue);
        var expires = Add(cmd, "@expires", DateOnly.MinValue);
        Add(cmd, "@file", sourceFile);
        Add(cmd, "@user", user);
        Add(cmd, "@at", importedAt);
        await cmd.PrepareAsync(ct);
        var inserted = 0;
        foreach (var row in batch)
        {
            hash.Value = row.Hash;
            scope.Value = row.Scope.ToString();
            registered.Value = row.RegisteredOn;
            expires.Value = StoredRanges.AddYearsSaturating(row.RegisteredOn, ContactPolicy.DoNotCallYears);
            inserted += await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return inserted;
    }

    private static DbParameter Add(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
        return p;
    }
}
