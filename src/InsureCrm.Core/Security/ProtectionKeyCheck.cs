using System.Security.Cryptography;
using System.Text;
using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Security;

/// <summary>
/// Stops a process that was given keys other than this database's own before it writes with them. Keys never live in
/// the database, so a process pointed at no key file makes itself one with new keys (the embedded demo's rule), and a
/// CLI run without <c>Security__Protection__KeyFile</c> once encrypted the resident registration numbers it imported
/// with keys the web host could not read, and chained its access-log entries with a key the log's verification then
/// called broken. The first process to use a database records a check value of each key in
/// <c>protection_key_record</c> (migration 0045); every later one compares its own (the web host at start-up, a CLI verb
/// before it touches personal data) and stops with <see cref="ProtectionKeyMismatchException"/> when one differs. A key
/// the database has not seen yet (a new key id after a rotation) is recorded when none differs. A database that holds
/// data but no check values yet (from before this check) takes the first keys that read its newest encrypted RRN and
/// its newest access-log entry.
/// </summary>
public sealed class ProtectionKeyCheck(CrmDatabase database, FieldProtector protector, AccessLogKey accessLogKey, AccessLog accessLog,
    ProtectionOptions options, TimeProvider clock)
{
    private const string InsertSql = """
        INSERT INTO protection_key_record (name, check_value, recorded_at) VALUES (@name, @check, @at)
        ON CONFLICT (name) DO NOTHING
        """;

    /// <summary>Records the keys the database has not seen and compares the others; throws when one differs (nothing recorded then).</summary>
    public async Task VerifyAsync(CancellationToken ct = default)
    {
        var mine = protector.KeyChecks().Append(accessLogKey.KeyCheck()).ToList();
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var stored = await StoredAsync(connection, tx, ct);
        // A database from before migration 0045 holds data but no check values: the first keys it sees must read that data.
        if (stored.Count == 0 && await UnreadableDataAsync(connection, tx, ct) is { Count: > 0 } unreadable)
        {
            await tx.RollbackAsync(ct);
            throw Mismatch(unreadable);
        }
        // Usually every key is known and nothing is written; a new one (a new database, a rotation) is recorded.
        var unseen = mine.Where(k => !stored.ContainsKey(k.Name)).ToList();
        if (unseen.Count > 0)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            foreach (var (name, check) in unseen)
            {
                await using var insert = ImportSql.Command(connection, tx, InsertSql);
                ImportSql.Add(insert, "name", name);
                ImportSql.Add(insert, "check", check);
                ImportSql.Add(insert, "at", now);
                await insert.ExecuteNonQueryAsync(ct);
            }
            // Read after the inserts: of two processes starting on a new database at once, the second compares with the first.
            stored = await StoredAsync(connection, tx, ct);
        }
        var differing = mine.Where(k => !AccessLogKey.Same(stored.GetValueOrDefault(k.Name), k.Check)).Select(k => k.Name).ToList();
        if (differing.Count > 0)
        {
            await tx.RollbackAsync(ct);
            throw Mismatch(differing);
        }
        await tx.CommitAsync(ct);
    }

    private ProtectionKeyMismatchException Mismatch(IReadOnlyList<string> differing) => new(differing, options.Keys.Count > 0
        ? "Security:Protection:Keys"
        : $"the key file {Path.GetFullPath(options.KeyFile)}");

    private static async Task<Dictionary<string, string>> StoredAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction tx,
        CancellationToken ct)
    {
        var stored = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var read = ImportSql.Command(connection, tx, "SELECT name, check_value FROM protection_key_record");
        await using var r = await read.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            stored[r.GetString(0)] = r.GetString(1);
        }
        return stored;
    }

    /// <summary>
    /// The keys that do not read what the database already holds: the newest encrypted RRN (its key id's key must decrypt
    /// it, and the search-hash key must hash it to its stored hash) and the newest keyed access-log entry.
    /// </summary>
    private async Task<List<string>> UnreadableDataAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction tx,
        CancellationToken ct)
    {
        var unreadable = new List<string>();
        await using (var rrn = ImportSql.Command(connection, tx,
            "SELECT rrn_cipher, rrn_hash FROM customer WHERE rrn_cipher IS NOT NULL AND rrn_hash IS NOT NULL ORDER BY id DESC LIMIT 1"))
        await using (var r = await rrn.ExecuteReaderAsync(ct))
        {
            if (await r.ReadAsync(ct))
            {
                var (cipher, hash) = (r.GetString(0), r.GetString(1));
                try
                {
                    if (protector.Hash(protector.Decrypt(cipher)) != hash)
                    {
                        unreadable.Add("hash");
                    }
                }
                catch (CryptographicException)
                {
                    unreadable.Add($"field:{cipher[..Math.Max(0, cipher.IndexOf(':', StringComparison.Ordinal))]}");
                }
            }
        }
        // In plain SQL, as the rest of the check: a CLI import would otherwise wait seconds for EF Core to build its model.
        await using var last = ImportSql.Command(connection, tx, """
            SELECT at, user_id, user_name, role, ip, customer_id, action, reason, detail, seq, prev_hash, hash
            FROM access_log_entry WHERE seq IS NOT NULL ORDER BY id DESC LIMIT 1
            """);
        await using var e = await last.ExecuteReaderAsync(ct);
        if (await e.ReadAsync(ct))
        {
            var entry = new AccessLogEntry
            {
                At = e.GetFieldValue<DateTime>(0), UserId = e.IsDBNull(1) ? null : e.GetInt64(1), UserName = e.GetString(2),
                Role = Enum.Parse<Role>(e.GetString(3)), Ip = e.GetString(4), CustomerId = e.IsDBNull(5) ? null : e.GetInt64(5),
                Action = Enum.Parse<AccessAction>(e.GetString(6)), Reason = e.IsDBNull(7) ? null : e.GetString(7),
                Detail = e.IsDBNull(8) ? null : e.GetString(8), Seq = e.GetInt64(9), PrevHash = e.GetString(10), Hash = e.GetString(11),
            };
            if (!AccessLogKey.Same(entry.Hash, accessLog.Mac(entry)))
            {
                unreadable.Add("access-log");
            }
        }
        return unreadable;
    }

    /// <summary>The check value of a key: HMAC-SHA256 of a label naming it, under the key itself (hex).</summary>
    internal static (string Name, string Check) Of(string name, byte[] key) =>
        (name, Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"InsureCRM key check: {name}"))));
}

/// <summary>The keys a process was given are not those the database's data is protected with.</summary>
public sealed class ProtectionKeyMismatchException(IReadOnlyList<string> differing, string source) : InvalidOperationException(
    $"The encryption keys this process was given ({source}) are not the ones this database's data is protected with "
    + $"(differing: {string.Join(", ", differing)}); it stopped before writing anything. Set Security:Protection:KeyFile "
    + "(environment: Security__Protection__KeyFile) to the key file this database was set up with, for the demo's database "
    + "src/InsureCrm.Web/data/keys.json, or configure its keys under Security:Protection. A key file this process created "
    + "just now holds new keys that protect nothing: delete it.")
{
    /// <summary>The keys that differ: "field:&lt;key id&gt;", "hash", "access-log".</summary>
    public IReadOnlyList<string> Differing { get; } = differing;
}

/// <summary>A row of <c>protection_key_record</c>: a key's name and check value, and when the database first saw it.</summary>
public sealed class ProtectionKeyRecord
{
    public string Name { get; set; } = "";
    public string CheckValue { get; set; } = "";
    public DateTime RecordedAt { get; set; }
}

internal sealed class ProtectionKeyRecordConfiguration : IEntityTypeConfiguration<ProtectionKeyRecord>
{
    public void Configure(EntityTypeBuilder<ProtectionKeyRecord> b)
    {
        b.HasKey(p => p.Name);
        b.Property(p => p.Name).HasMaxLength(40).ValueGeneratedNever();
        b.Property(p => p.CheckValue).HasMaxLength(64);
    }
}
