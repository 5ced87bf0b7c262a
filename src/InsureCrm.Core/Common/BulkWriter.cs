using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace InsureCrm.Core.Common;

/// <summary>A table and the columns a bulk path writes, with the CLR type of each value.</summary>
public sealed record BulkTable(string Name, params (string Column, Type Type)[] Columns)
{
    public string ColumnList => string.Join(", ", Columns.Select(c => c.Column));
}

/// <summary>
/// The bulk path of DESIGN.md: Npgsql binary COPY on PostgreSQL, batched prepared INSERTs in one
/// transaction on SQLite. Rows are arrays in the order of <see cref="BulkTable.Columns"/>; enums are
/// written as their names, as the EF model stores them. Nothing is visible to others until
/// <see cref="CommitAsync"/>.
/// </summary>
public sealed class BulkWriter : IAsyncDisposable
{
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private readonly Dictionary<string, SqliteCommand> _inserts = [];
    /// <summary>False when the writer joined a transaction someone else opened (<see cref="Enlist"/>): disposing leaves it to them.</summary>
    private readonly bool _owned;

    private BulkWriter(DbConnection connection, DbTransaction transaction, bool owned = true)
    {
        _connection = connection;
        _transaction = transaction;
        _owned = owned;
    }

    /// <summary>
    /// Writes inside a transaction already open on <paramref name="connection"/> (an EF context's, so a service's bulk rows
    /// commit or roll back with its tracked changes); the caller commits, and disposing the writer leaves both open.
    /// </summary>
    public static BulkWriter Enlist(DbConnection connection, DbTransaction transaction) => new(connection, transaction, owned: false);

    public DbConnection Connection => _connection;
    public DbTransaction Transaction => _transaction;

    public static async Task<BulkWriter> BeginAsync(CrmDatabase database, CancellationToken ct = default)
    {
        var connection = await database.OpenConnectionAsync(ct);
        var transaction = await connection.BeginTransactionAsync(ct);
        return new BulkWriter(connection, transaction);
    }

    public async Task WriteAsync(BulkTable table, IReadOnlyList<object?[]> rows, CancellationToken ct = default)
    {
        if (rows.Count == 0)
        {
            return;
        }
        if (_connection is NpgsqlConnection pg)
        {
            await using var importer = await pg.BeginBinaryImportAsync($"COPY {table.Name} ({table.ColumnList}) FROM STDIN (FORMAT BINARY)", ct);
            var types = table.Columns.Select(c => PostgresType(c.Type)).ToArray();
            // Synchronous field writes: they only touch Npgsql's buffer except when it flushes, and the
            // async versions cost a state machine per field (several times slower at a million rows).
            foreach (var row in rows)
            {
                importer.StartRow();
                for (var i = 0; i < types.Length; i++)
                {
                    var value = row[i];
                    if (value is null)
                    {
                        importer.WriteNull();
                    }
                    else
                    {
                        importer.Write(ToPostgres(value), types[i]);
                    }
                }
            }
            await importer.CompleteAsync(ct);
            return;
        }
        var insert = SqliteInsert(table);
        foreach (var row in rows)
        {
            for (var i = 0; i < table.Columns.Length; i++)
            {
                insert.Parameters[i].Value = ToSqlite(row[i]);
            }
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// The typed path: <paramref name="write"/> writes each item's columns in the order of
    /// <see cref="BulkTable.Columns"/> through a <see cref="BulkRow"/>, with no array or boxing per row
    /// (on PostgreSQL each value goes straight into the COPY buffer). For the million-row paths.
    /// </summary>
    public async Task WriteAsync<T>(BulkTable table, IReadOnlyList<T> rows, Action<BulkRow, T> write, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (rows.Count == 0)
        {
            return;
        }
        if (_connection is NpgsqlConnection pg)
        {
            await using var importer = await pg.BeginBinaryImportAsync($"COPY {table.Name} ({table.ColumnList}) FROM STDIN (FORMAT BINARY)", ct);
            var row = new BulkRow(table, importer, null);
            foreach (var item in rows)
            {
                importer.StartRow();
                row.Begin();
                write(row, item);
                row.End();
            }
            await importer.CompleteAsync(ct);
            return;
        }
        var insert = SqliteInsert(table);
        var sqliteRow = new BulkRow(table, null, insert);
        foreach (var item in rows)
        {
            sqliteRow.Begin();
            write(sqliteRow, item);
            sqliteRow.End();
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    public async Task CommitAsync(CancellationToken ct = default) => await _transaction.CommitAsync(ct);

    /// <summary>After rows were written with explicit ids, moves PostgreSQL's identity past them.</summary>
    public async Task ResetIdentityAsync(string table, CancellationToken ct = default)
    {
        if (_connection is not NpgsqlConnection)
        {
            return;
        }
        await using var cmd = _connection.CreateCommand();
        cmd.Transaction = _transaction;
        cmd.CommandText = $"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {table}";
        await cmd.ExecuteScalarAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var cmd in _inserts.Values)
        {
            await cmd.DisposeAsync();
        }
        if (_owned)
        {
            await _transaction.DisposeAsync();
            await _connection.DisposeAsync();
        }
    }

    private SqliteCommand SqliteInsert(BulkTable table)
    {
        // Keyed by the columns too: one table may be written with and without its ids.
        var key = $"{table.Name} ({table.ColumnList})";
        if (!_inserts.TryGetValue(key, out var cmd))
        {
            cmd = (SqliteCommand)_connection.CreateCommand();
            cmd.Transaction = (SqliteTransaction)_transaction;
            cmd.CommandText = $"INSERT INTO {table.Name} ({table.ColumnList}) VALUES ({string.Join(", ", table.Columns.Select((_, i) => "$p" + i.ToString(CultureInfo.InvariantCulture)))})";
            for (var i = 0; i < table.Columns.Length; i++)
            {
                cmd.Parameters.Add(new SqliteParameter("$p" + i.ToString(CultureInfo.InvariantCulture), null));
            }
            cmd.Prepare();
            _inserts[key] = cmd;
        }
        return cmd;
    }

    /// <summary>The same text forms EF Core's SQLite provider writes, so EF reads and compares them.</summary>
    internal static object ToSqlite(object? value) => value switch
    {
        null => DBNull.Value,
        Enum e => e.ToString(),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        decimal m => m.ToString("0.0###########################", CultureInfo.InvariantCulture),
        bool b => b ? 1L : 0L,
        _ => value,
    };

    internal static object ToPostgres(object value) => value switch
    {
        Enum e => e.ToString(),
        DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc),
        _ => value,
    };

    internal static NpgsqlDbType PostgresType(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum || type == typeof(string))
        {
            return NpgsqlDbType.Varchar;
        }
        return type switch
        {
            _ when type == typeof(long) => NpgsqlDbType.Bigint,
            _ when type == typeof(int) => NpgsqlDbType.Integer,
            _ when type == typeof(short) => NpgsqlDbType.Smallint,
            _ when type == typeof(bool) => NpgsqlDbType.Boolean,
            _ when type == typeof(decimal) => NpgsqlDbType.Numeric,
            _ when type == typeof(double) => NpgsqlDbType.Double,
            _ when type == typeof(DateOnly) => NpgsqlDbType.Date,
            _ when type == typeof(DateTime) => NpgsqlDbType.TimestampTz,
            _ => throw new NotSupportedException($"No PostgreSQL type for {type.Name}."),
        };
    }
}

/// <summary>
/// One row of <see cref="BulkWriter.WriteAsync{T}(BulkTable, IReadOnlyList{T}, Action{BulkRow, T}, CancellationToken)"/>:
/// each call writes the next column, in the stored form of the EF model (enums as names, times in UTC).
/// </summary>
public sealed class BulkRow
{
    private readonly BulkTable _table;
    private readonly NpgsqlBinaryImporter? _pg;
    private readonly NpgsqlDbType[] _types;
    private readonly SqliteCommand? _sqlite;
    private int _column;

    internal BulkRow(BulkTable table, NpgsqlBinaryImporter? pg, SqliteCommand? sqlite)
    {
        _table = table;
        _pg = pg;
        _sqlite = sqlite;
        _types = pg is null ? [] : [.. table.Columns.Select(c => BulkWriter.PostgresType(c.Type))];
    }

    internal void Begin() => _column = 0;

    internal void End()
    {
        if (_column != _table.Columns.Length)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"A row of {_table.Name} got {_column} values for {_table.Columns.Length} columns."));
        }
    }

    /// <summary>A bigint column (ids).</summary>
    public BulkRow Id(long value) => Put(value);

    /// <summary>A nullable bigint column (a reference that may be absent).</summary>
    public BulkRow Id(long? value) => value is { } v ? Put(v) : Null();

    /// <summary>A numeric column (amounts).</summary>
    public BulkRow Money(decimal value) => Put(value);

    /// <summary>An integer column.</summary>
    public BulkRow Number(int? value) => value is { } v ? Put(v) : Null();

    public BulkRow Flag(bool value) => Put(value);

    /// <summary>A double precision column (scores).</summary>
    public BulkRow Real(double value) => Put(value);

    public BulkRow Text(string? value) => value is null ? Null() : Put(value);

    public BulkRow Enum<TEnum>(TEnum value) where TEnum : struct, Enum => Put(EnumText<TEnum>.Name(value));

    public BulkRow Enum<TEnum>(TEnum? value) where TEnum : struct, Enum => value is { } v ? Put(EnumText<TEnum>.Name(v)) : Null();

    public BulkRow Date(DateOnly? value) => value is { } v
        ? _pg is null ? Sqlite(BulkWriter.ToSqlite(v)) : Put(v)
        : Null();

    public BulkRow Time(DateTime value) => _pg is null
        ? Sqlite(BulkWriter.ToSqlite(value))
        : Put(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private BulkRow Put<TValue>(TValue value) where TValue : notnull
    {
        if (_pg is not null)
        {
            _pg.Write(value, _types[_column++]);
            return this;
        }
        return Sqlite(BulkWriter.ToSqlite(value));
    }

    private BulkRow Sqlite(object value)
    {
        _sqlite!.Parameters[_column++].Value = value;
        return this;
    }

    public BulkRow Null()
    {
        if (_pg is not null)
        {
            _pg.WriteNull();
            _column++;
            return this;
        }
        return Sqlite(DBNull.Value);
    }
}
