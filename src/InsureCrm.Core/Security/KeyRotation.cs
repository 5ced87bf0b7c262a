using System.Data.Common;
using System.Globalization;
using InsureCrm.Core.Common;

namespace InsureCrm.Core.Security;

/// <summary>A protected column: the table, its key and the column holding <c>keyid:ciphertext</c>.</summary>
internal sealed record ProtectedColumn(string Table, string Column);

/// <summary>What one table holds under each key id, or what a rotation did to it.</summary>
public sealed record KeyUsage(string Table, string KeyId, long Values);

public sealed record RotationTableResult(string Table, long Reencrypted, long RemainingOnOldKeys);

public sealed record RotationResult(string ActiveKeyId, IReadOnlyList<RotationTableResult> Tables)
{
    public long Reencrypted => Tables.Sum(t => t.Reencrypted);
    public long Remaining => Tables.Sum(t => t.RemainingOnOldKeys);
}

/// <summary>
/// Re-encrypts every protected value (customer.rrn_cipher, customer_identifier.cipher) that is not under
/// the active key, in batches of one transaction each. Resumable by construction: a value already under the
/// active key is never selected again, so a stopped run continues where it stopped. Only Admin may rotate.
/// </summary>
public sealed class KeyRotation(CrmDatabase database, FieldProtector protector, IAccessLog accessLog)
{
    public const int DefaultBatchSize = 1000;

    internal static readonly ProtectedColumn[] Columns =
    [
        new("customer", "rrn_cipher"),
        new("customer_identifier", "cipher"),
    ];

    /// <summary>How many values each key id protects, per table: an old key may be removed once it protects nothing.</summary>
    public async Task<IReadOnlyList<KeyUsage>> UsageAsync(CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        var usage = new List<KeyUsage>();
        foreach (var col in Columns)
        {
            var keyExpr = database.Provider == DatabaseProvider.Postgres
                ? $"split_part({col.Column}, ':', 1)"
                : $"substr({col.Column}, 1, instr({col.Column}, ':') - 1)";
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = $"SELECT {keyExpr} AS k, COUNT(*) FROM {col.Table} WHERE {col.Column} IS NOT NULL GROUP BY {keyExpr} ORDER BY 1";
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                usage.Add(new KeyUsage(col.Table, reader.GetString(0), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture)));
            }
        }
        return usage;
    }

    /// <summary>Rotates to <see cref="FieldProtector.ActiveKeyId"/>; null when <paramref name="user"/> is not an admin.</summary>
    public async Task<RotationResult?> RotateAsync(CrmUser user, int batchSize = DefaultBatchSize, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        if (user.Role != Role.Admin)
        {
            return null;
        }
        batchSize = Math.Clamp(batchSize, 1, 50_000);
        var prefix = protector.ActiveKeyId + ":";
        var results = new List<RotationTableResult>();
        long total = 0;
        // The connection goes back to the pool before the access log takes one of its own for the entry below.
        await using (var connection = await database.OpenConnectionAsync(ct))
        {
            foreach (var col in Columns)
            {
                var done = await ReencryptAsync(connection, col, prefix, batchSize, progress, total, ct);
                total += done;
                results.Add(new RotationTableResult(col.Table, done, await CountNotUnderAsync(connection, col, prefix, ct)));
            }
        }
        await accessLog.RecordAsync(user, new AccessEvent(AccessAction.Change, null, "Encryption key rotation",
            string.Create(CultureInfo.InvariantCulture, $"re-encrypted {total} protected values to key {protector.ActiveKeyId}")), ct);
        return new RotationResult(protector.ActiveKeyId, results);
    }

    /// <summary>
    /// Re-encrypts <paramref name="col"/>'s values not yet under the active key (<paramref name="prefix"/>) in batches of
    /// <paramref name="batchSize"/>, one transaction each; returns how many it changed. After each batch it reports the values changed
    /// so far, <paramref name="doneBefore"/> (the columns before this one) included.
    /// </summary>
    private async Task<long> ReencryptAsync(DbConnection connection, ProtectedColumn col, string prefix, int batchSize, IProgress<long>? progress,
        long doneBefore, CancellationToken ct)
    {
        long done = 0;
        long last = 0;
        while (true)
        {
            var batch = new List<(long Id, string Cipher)>(batchSize);
            await using (var select = connection.CreateCommand())
            {
                select.CommandText = $"SELECT id, {col.Column} FROM {col.Table} WHERE {col.Column} IS NOT NULL AND id > @last "
                    + $"AND substr({col.Column}, 1, @len) <> @prefix ORDER BY id LIMIT @n";
                Add(select, "@last", last);
                Add(select, "@len", prefix.Length);
                Add(select, "@prefix", prefix);
                Add(select, "@n", batchSize);
                await using var reader = await select.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    batch.Add((reader.GetInt64(0), reader.GetString(1)));
                }
            }
            if (batch.Count == 0)
            {
                break;
            }
            await using (var tx = await connection.BeginTransactionAsync(ct))
            {
                await using var update = connection.CreateCommand();
                update.Transaction = tx;
                // Guarded by the old value: a value changed meanwhile (a correction) is already under the active key.
                update.CommandText = $"UPDATE {col.Table} SET {col.Column} = @new WHERE id = @id AND {col.Column} = @old";
                var pNew = Add(update, "@new", "");
                var pId = Add(update, "@id", 0L);
                var pOld = Add(update, "@old", "");
                await update.PrepareAsync(ct);
                foreach (var (id, cipher) in batch)
                {
                    pNew.Value = protector.Encrypt(protector.Decrypt(cipher));
                    pId.Value = id;
                    pOld.Value = cipher;
                    done += await update.ExecuteNonQueryAsync(ct);
                }
                await tx.CommitAsync(ct);
            }
            last = batch[^1].Id;
            progress?.Report(doneBefore + done);
        }
        return done;
    }

    private static async Task<long> CountNotUnderAsync(DbConnection connection, ProtectedColumn col, string prefix, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*) FROM {col.Table} WHERE {col.Column} IS NOT NULL AND substr({col.Column}, 1, @len) <> @prefix";
        Add(cmd, "@len", prefix.Length);
        Add(cmd, "@prefix", prefix);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
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
