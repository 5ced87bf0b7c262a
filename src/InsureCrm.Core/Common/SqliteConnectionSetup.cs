using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace InsureCrm.Core.Common;

/// <summary>
/// The per-connection settings of the embedded SQLite database, applied once to each physical connection of the
/// pool (the pool hands the same native handle back on every open, and these settings live with the handle), on
/// connections EF opens as well as on the raw ones of <see cref="CrmDatabase.OpenConnectionAsync"/>.
/// <para>
/// <c>mmap_size</c>: pages of the database file are read through a memory map instead of one <c>pread</c> each. Under
/// WAL every commit of another connection (the access log commits on nearly every request) empties each reader's
/// page cache at its next read transaction, so without the map every statement re-reads its index and table pages
/// through the kernel: measured at 100,000 customers, half of SQLite's time in a search went to those reads.
/// </para>
/// <para>
/// The access log's own file: a database file <c>crm.db</c> keeps the access log's tables in <c>crm.access-log.db</c>
/// beside it (migration 0031, <see cref="AccessLogFileStep"/>), attached to every connection as <see cref="AccessLogSchema"/>
/// (created when missing). The log commits on nearly every customer view; in its own file those commits leave every
/// other connection's page cache of the main file valid (40–60 % less CPU a view, bench/findings/2026-12-04-issue11-round6.md).
/// Unqualified names (<c>access_log_entry</c>) resolve to it since main has no such table; a database in memory
/// attaches nothing and keeps the log in main.
/// </para>
/// <para>
/// The log's file is not memory-mapped. The appender writes it from whichever pooled connection it gets, so nearly
/// every batch's connection finds the file changed since its own last read and SQLite then drops that connection's
/// whole map of the file (a 256 MB <c>munmap</c>, then a page fault for each page touched again): 5 % of the web
/// host's CPU a customer view at 100,000 customers. Unmapped, such a connection drops only the few cached pages of
/// the log it read last (the head and the insert path), and reads them again (bench/findings/2026-12-05-issue11-round7.md).
/// </para>
/// </summary>
internal static class SqliteConnectionSetup
{
    /// <summary>Bytes of the database file each connection maps (SQLite maps at most the file's size).</summary>
    internal const long MmapSize = 256L * 1024 * 1024;

    internal static readonly string Pragmas = string.Create(CultureInfo.InvariantCulture, $"PRAGMA mmap_size = {MmapSize};");

    /// <summary>The access log's file is read without a memory map (see the class's remarks).</summary>
    private const string LogPragmas = $"PRAGMA {AccessLogSchema}.mmap_size = 0;";

    /// <summary>Native handles already set up; an entry goes away with its handle when the pool closes it.</summary>
    private static readonly ConditionalWeakTable<sqlite3, object> Prepared = [];
    private static readonly object Done = new();

    internal static readonly DbConnectionInterceptor Interceptor = new OnOpen();

    /// <summary>The schema under which the access log's own file is attached to every connection of a database file.</summary>
    internal const string AccessLogSchema = "access_log";

    /// <summary>The access log's file beside the database file <paramref name="database"/> (<c>crm.db</c>: <c>crm.access-log.db</c>); null for a database in memory.</summary>
    internal static string? AccessLogFile(string? database) =>
        string.IsNullOrEmpty(database) || database == ":memory:" ? null : Path.ChangeExtension(database, null) + ".access-log.db";

    /// <summary>
    /// The SQLite library's process-wide settings, which it takes only before its first connection (later it refuses
    /// them and they are left as they are): no memory statistics. With them on (the library's default), every allocation
    /// and free of every connection takes one global mutex, and 16 concurrent customer views wait on it. Called by
    /// <see cref="CrmDatabase"/>'s constructor, through which every connection string of the product comes.
    /// </summary>
    public static void ConfigureLibrary() => _ = LibraryConfigured.Value;

    private static readonly Lazy<int> LibraryConfigured = new(() =>
    {
        Batteries_V2.Init();
        return raw.sqlite3_config(raw.SQLITE_CONFIG_MEMSTATUS, 0);
    });

    /// <summary>Opens a connection of the pool with the settings applied: every raw SQLite connection is opened this way.</summary>
    public static async Task<SqliteConnection> OpenAsync(string connectionString, CancellationToken ct)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        Apply(connection);
        return connection;
    }

    /// <summary>Applies the settings to <paramref name="connection"/>'s native handle unless they already are.</summary>
    public static void Apply(SqliteConnection connection)
    {
        var handle = connection.Handle;
        if (handle is null || Prepared.TryGetValue(handle, out _))
        {
            return;
        }
        // The file name SQLite opened (empty for a database in memory), not the connection string's.
        var log = AccessLogFile(connection.DataSource);
        if (log is not null)
        {
            using var attach = connection.CreateCommand();
            attach.CommandText = $"ATTACH DATABASE @file AS {AccessLogSchema};";
            attach.Parameters.AddWithValue("@file", log);
            attach.ExecuteNonQuery();
        }
        // After the attach: an unqualified mmap_size applies to every attached file; then the log's file is unmapped again.
        using (var command = connection.CreateCommand())
        {
            command.CommandText = log is null ? Pragmas : Pragmas + LogPragmas;
            command.ExecuteNonQuery();
        }
        Prepared.AddOrUpdate(handle, Done);
    }

    private sealed class OnOpen : DbConnectionInterceptor
    {
        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            if (connection is SqliteConnection sqlite)
            {
                Apply(sqlite);
            }
        }

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            ConnectionOpened(connection, eventData);
            return Task.CompletedTask;
        }
    }
}
