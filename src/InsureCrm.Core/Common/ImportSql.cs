using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Npgsql;

namespace InsureCrm.Core.Common;

/// <summary>
/// Raw SQL helpers shared by the bulk import path and identity resolution: one statement text for both
/// providers where possible, list parameters as <c>= ANY(@p)</c> arrays on PostgreSQL and JSON arrays
/// read with <c>json_each</c> on SQLite.
/// </summary>
internal static class ImportSql
{
    public static bool IsPostgres(DbConnection connection) => connection is NpgsqlConnection;

    /// <summary><c>column</c> is one of the values of list parameter <c>@param</c>.</summary>
    public static string In(DbConnection connection, string column, string param) => IsPostgres(connection)
        ? $"{column} = ANY(@{param})"
        : $"{column} IN (SELECT value FROM json_each(@{param}))";

    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = sql;
        return cmd;
    }

    public static void AddList<T>(DbCommand cmd, string name, IEnumerable<T> values)
    {
        if (cmd is NpgsqlCommand pg)
        {
            pg.Parameters.Add(new NpgsqlParameter(name, values.ToArray()));
        }
        else
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = JsonSerializer.Serialize(values);
            cmd.Parameters.Add(p);
        }
    }

    /// <summary>Adds a parameter in the stored form of the EF model (enums as names, UTC times).</summary>
    public static void Add(DbCommand cmd, string name, object? value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = cmd is NpgsqlCommand
            ? value switch
            {
                null => DBNull.Value,
                Enum e => e.ToString(),
                DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc),
                _ => value,
            }
            : BulkWriter.ToSqlite(value);
        cmd.Parameters.Add(p);
    }

    public static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var cmd = Command(connection, transaction, sql);
        foreach (var (name, value) in parameters)
        {
            Add(cmd, name, value);
        }
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public static DateOnly? ReadDate(DbDataReader reader, int i) => reader.IsDBNull(i)
        ? null
        : reader.GetValue(i) switch
        {
            DateOnly d => d,
            DateTime t => DateOnly.FromDateTime(t),
            string s => DateOnly.ParseExact(s[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture),
            var other => throw new InvalidCastException($"Unexpected date value of type {other.GetType().Name}."),
        };

    public static DateTime? ReadTime(DbDataReader reader, int i) => reader.IsDBNull(i)
        ? null
        : reader.GetValue(i) switch
        {
            DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc),
            DateTimeOffset o => o.UtcDateTime,
            string s => DateTime.SpecifyKind(DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), DateTimeKind.Utc),
            var other => throw new InvalidCastException($"Unexpected time value of type {other.GetType().Name}."),
        };

    public static TEnum? ReadEnum<TEnum>(DbDataReader reader, int i) where TEnum : struct, Enum =>
        reader.IsDBNull(i) ? null : Enum.Parse<TEnum>(reader.GetString(i));

    public static string? ReadString(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    public static int? ReadInt(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : Convert.ToInt32(reader.GetValue(i), CultureInfo.InvariantCulture);

    /// <summary>The advisory lock key of import batches and merges.</summary>
    public const int LockKey = 730117;

    /// <summary>
    /// The advisory lock key a first import's contacts written apart hold until they commit (CustomerLoader): taken after
    /// <see cref="LockKey"/> by every other writer, so that none sees a committed batch's customers before their contacts.
    /// </summary>
    public const int ContactsKey = 730118;

    /// <summary>Takes the import lock (<see cref="LockKey"/>) until the transaction ends.</summary>
    public static readonly string ImportLockSql = string.Create(CultureInfo.InvariantCulture, $"SELECT pg_advisory_xact_lock({LockKey})");

    /// <summary>Takes the contacts' lock (<see cref="ContactsKey"/>) until the transaction ends.</summary>
    public static readonly string ContactsLockSql = string.Create(CultureInfo.InvariantCulture, $"SELECT pg_advisory_xact_lock({ContactsKey})");

    /// <summary>Both locks, in their order: what every writer but a batch whose contacts go apart takes.</summary>
    public static readonly string LockSql = ImportLockSql + "; " + ContactsLockSql;

    /// <summary>Serialises writers of one import target across processes (PostgreSQL; SQLite's write lock already does).</summary>
    public static async Task LockAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct)
    {
        if (IsPostgres(connection))
        {
            await ExecuteAsync(connection, transaction, LockSql, ct);
        }
    }

    /// <summary>Reserves <paramref name="count"/> ids from the table's identity so rows and their children can be written in bulk.</summary>
    public static async Task<long[]> ReserveIdsAsync(DbConnection connection, DbTransaction transaction, string table, int count, CancellationToken ct)
    {
        if (count == 0)
        {
            return [];
        }
        return (await ReserveIdsAsync(connection, transaction, [(table, count)], ct))[0];
    }

    /// <summary>
    /// Reserves ids from several tables' identities in one round trip (PostgreSQL; SQLite takes them one table at a time
    /// under its write lock): per table, its count of ids in ascending order.
    /// </summary>
    public static async Task<long[][]> ReserveIdsAsync(DbConnection connection, DbTransaction transaction, (string Table, int Count)[] tables, CancellationToken ct)
    {
        if (!IsPostgres(connection))
        {
            var each = new long[tables.Length][];
            for (var t = 0; t < tables.Length; t++)
            {
                each[t] = await ReserveSqliteIdsAsync(connection, transaction, tables[t].Table, tables[t].Count, ct);
            }
            return each;
        }
        // Each sequence is looked up once (OFFSET 0 keeps the planner from inlining it into every row: 10x slower),
        // and the ids come back as one array per table: a row each cost both sides a protocol message per id.
        var columns = tables.Select((t, i) => string.Create(CultureInfo.InvariantCulture,
            $"(SELECT array_agg(nextval(q.s)) FROM (SELECT pg_get_serial_sequence('{t.Table}', 'id')::regclass AS s OFFSET 0) q CROSS JOIN generate_series(1, @n{i}))"));
        await using var cmd = Command(connection, transaction, "SELECT " + string.Join(", ", columns));
        for (var i = 0; i < tables.Length; i++)
        {
            Add(cmd, string.Create(CultureInfo.InvariantCulture, $"n{i}"), tables[i].Count);
        }
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var result = new long[tables.Length][];
        for (var i = 0; i < tables.Length; i++)
        {
            result[i] = reader.IsDBNull(i) ? [] : reader.GetFieldValue<long[]>(i);
            Array.Sort(result[i]);
        }
        return result;
    }

    private static async Task<long[]> ReserveSqliteIdsAsync(DbConnection connection, DbTransaction transaction, string table, int count, CancellationToken ct)
    {
        var ids = new long[count];
        if (count == 0)
        {
            return ids;
        }
        // The write transaction (BEGIN IMMEDIATE) holds SQLite's only write lock, so max + n is ours.
        await using (var cmd = Command(connection, transaction,
            $"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0), COALESCE((SELECT MAX(id) FROM {table}), 0))"))
        {
            var max = Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
            for (var i = 0; i < count; i++)
            {
                ids[i] = max + 1 + i;
            }
        }
        return ids;
    }
}
