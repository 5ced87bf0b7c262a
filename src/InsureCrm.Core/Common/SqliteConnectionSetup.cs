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
/// </summary>
internal static class SqliteConnectionSetup
{
    /// <summary>Bytes of the database file each connection maps (SQLite maps at most the file's size).</summary>
    internal const long MmapSize = 256L * 1024 * 1024;

    internal static readonly string Pragmas = string.Create(CultureInfo.InvariantCulture, $"PRAGMA mmap_size = {MmapSize};");

    /// <summary>Native handles already set up; an entry goes away with its handle when the pool closes it.</summary>
    private static readonly ConditionalWeakTable<sqlite3, object> Prepared = [];
    private static readonly object Done = new();

    internal static readonly DbConnectionInterceptor Interceptor = new OnOpen();

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
        using (var command = connection.CreateCommand())
        {
            command.CommandText = Pragmas;
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
