using System.Data.Common;
using System.Globalization;

namespace InsureCrm.Core.Common;

/// <summary>
/// Migration 0031 on SQLite: the access log's tables, with their indexes and triggers, move from the main database file
/// into the access log's own file (<see cref="SqliteConnectionSetup.AccessLogFile"/>, attached to every connection as
/// <see cref="SqliteConnectionSetup.AccessLogSchema"/>). A transaction over two files in WAL mode is atomic per file only,
/// so the move takes two, each restartable:
/// <list type="number">
/// <item>before the migration's transaction (<see cref="BeforeAsync"/>), in one transaction that writes only the log's
/// file: refuses if that file holds a row main lacks (another database's log); its tables as main defines them, when
/// missing; the rows it lacks (by id, so none twice); the tables' AUTOINCREMENT counters (an id is never reused, even
/// after a purge emptied the log); then the indexes and triggers. Committed, every entry is in both files.</item>
/// <item>in the migration's transaction, which writes only main (<see cref="RunAsync"/>): refuses if main holds an
/// entry the log's file lacks (appended since; the next migrate copies it), then drops main's tables.</item>
/// </list>
/// Interrupted anywhere, the next migrate ends with exactly the original entries, unchanged, so the chain still
/// verifies. A new database creates the tables in main with the earlier scripts and moves them here while they are
/// empty. A database in memory attaches nothing and keeps them in main.
/// </summary>
internal sealed class AccessLogFileStep : IMigrationStep
{
    /// <summary>The access log's tables (each with an AUTOINCREMENT <c>id</c>).</summary>
    internal static readonly IReadOnlyList<string> Tables = ["access_log_entry", "access_log_anchor", "access_log_seal"];

    private const string Schema = SqliteConnectionSetup.AccessLogSchema;

    public string Version => "0031";

    public async Task BeforeAsync(DbConnection connection, DatabaseProvider provider, CancellationToken ct)
    {
        if (provider != DatabaseProvider.Sqlite || !await AttachedAsync(connection, ct))
        {
            return;
        }
        var objects = new List<(string Type, string Name, string Sql)>();
        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = $"""
                SELECT type, name, sql FROM main.sqlite_master
                WHERE tbl_name IN ({string.Join(", ", Tables.Select(t => $"'{t}'"))}) AND sql IS NOT NULL
                ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, name
                """;
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                objects.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }
        if (objects.Count == 0)
        {
            return;
        }
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var (type, name, sql) in objects.Where(o => o.Type == "table"))
        {
            await RefuseAnotherLogAsync(connection, tx, name, ct);
            await ExecuteAsync(connection, tx, Qualified(sql, type, name), ct);
            await ExecuteAsync(connection, tx, $"""
                INSERT INTO {Schema}."{name}" SELECT * FROM main."{name}" m
                WHERE NOT EXISTS (SELECT 1 FROM {Schema}."{name}" a WHERE a.id = m.id) ORDER BY m.id;
                UPDATE {Schema}.sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM main.sqlite_sequence WHERE name = '{name}'), 0))
                WHERE name = '{name}';
                INSERT INTO {Schema}.sqlite_sequence (name, seq) SELECT name, seq FROM main.sqlite_sequence
                WHERE name = '{name}' AND NOT EXISTS (SELECT 1 FROM {Schema}.sqlite_sequence WHERE name = '{name}');
                """, ct);
        }
        // Indexes and triggers after the rows: built once rather than updated (and checked) per copied row.
        foreach (var (type, name, sql) in objects.Where(o => o.Type != "table"))
        {
            await ExecuteAsync(connection, tx, Qualified(sql, type, name), ct);
        }
        await tx.CommitAsync(ct);
    }

    public async Task RunAsync(DbConnection connection, DbTransaction transaction, DatabaseProvider provider, CancellationToken ct)
    {
        if (provider != DatabaseProvider.Sqlite || !await AttachedAsync(connection, ct, transaction))
        {
            return;
        }
        foreach (var table in Tables)
        {
            await using (var cmd = connection.CreateCommand())
            {
                cmd.Transaction = transaction;
                cmd.CommandText = $"""
                    SELECT count(*) FROM main.sqlite_master WHERE type = 'table' AND name = '{table}'
                    """;
                if (Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) == 0)
                {
                    continue;
                }
                cmd.CommandText = $"""
                    SELECT count(*) FROM main."{table}" m WHERE NOT EXISTS (SELECT 1 FROM {Schema}."{table}" a WHERE a.id = m.id)
                    """;
                var missing = Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
                if (missing > 0)
                {
                    throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                        $"{missing} rows of {table} were written during the access log's move into its own file; nothing was dropped. Run the migration again."));
                }
            }
            // DROP TABLE removes the triggers before its implicit DELETE, so the append-only guard does not refuse it.
            await ExecuteAsync(connection, transaction, $"DROP TABLE main.\"{table}\"", ct);
        }
    }

    /// <summary>
    /// A move copies rows of main only, so the log's file never holds one main lacks, unless it is another database's log
    /// (left beside a main file that was deleted and created again, or restored without it): refused, not adopted.
    /// </summary>
    private static async Task RefuseAnotherLogAsync(DbConnection connection, DbTransaction tx, string table, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"SELECT count(*) FROM {Schema}.sqlite_master WHERE type = 'table' AND name = '{table}'";
        if (Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) == 0)
        {
            return;
        }
        cmd.CommandText = $"SELECT count(*) FROM {Schema}.\"{table}\" a WHERE NOT EXISTS (SELECT 1 FROM main.\"{table}\" m WHERE m.id = a.id)";
        var foreign = Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        if (foreign > 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"The access log's file beside the database holds {foreign} rows of {table} that the database does not: it is another database's access log. Move that file (*.access-log.db) away with its -wal and -shm, or restore the database that goes with it, and migrate again."));
        }
    }

    /// <summary>Whether the connection has the access log's file attached (a database file, not one in memory).</summary>
    internal static async Task<bool> AttachedAsync(DbConnection connection, CancellationToken ct, DbTransaction? transaction = null)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = $"SELECT count(*) FROM pragma_database_list WHERE name = '{Schema}'";
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>
    /// Main's definition of <paramref name="name"/> as SQLite keeps it (<c>CREATE TABLE "t" (…</c>, <c>CREATE TRIGGER t BEFORE …</c>),
    /// made to create it in the log's file when it is not there yet. An index's or trigger's table stays unqualified: it is
    /// looked up in the schema of the index or trigger.
    /// </summary>
    internal static string Qualified(string sql, string type, string name)
    {
        var keyword = sql.IndexOf($" {type} ", StringComparison.OrdinalIgnoreCase);
        if (keyword >= 0)
        {
            var start = keyword + type.Length + 2;
            foreach (var spelt in (string[])[$"\"{name}\"", $"[{name}]", $"`{name}`", name])
            {
                if (string.Compare(sql, start, spelt, 0, spelt.Length, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    return $"{sql[..start]}IF NOT EXISTS {Schema}.\"{name}\"{sql[(start + spelt.Length)..]}";
                }
            }
        }
        throw new InvalidOperationException($"Cannot read the definition of {type} {name} to move it into the access log's file.");
    }

    internal static async Task ExecuteAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.CommandTimeout = 0;
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
