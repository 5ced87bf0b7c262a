using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace InsureCrm.Core.Common;

/// <summary>
/// SQLite's counterpart of Npgsql's automatic preparation (<see cref="CrmDatabase.PreparePostgres"/>) for the batches
/// of <see cref="SqlBatch"/>: each batch is prepared once per connection of a small set kept open for them, and run
/// again from its prepared statements. Microsoft.Data.Sqlite finalizes a command's statements when the command or its
/// connection is closed, and EF opens a new connection object and a new command for every query, so through EF the
/// customer view's 25 statements were parsed and planned again on every view: measured at 100,000 customers, 12 % of
/// the web host's CPU in sqlite3_prepare and another 3 % finalizing. An idle connection here holds no lock (WAL).
/// </summary>
internal sealed class SqlitePreparedBatches(string connectionString)
{
    /// <summary>Connections kept open when idle; more are opened under load and closed when they come back.</summary>
    internal const int MaxIdle = 16;

    private static readonly ConcurrentDictionary<string, SqlitePreparedBatches> ByDatabase = new(StringComparer.Ordinal);

    private readonly ConcurrentBag<Slot> _idle = [];

    /// <summary>The batches of the database of <paramref name="connectionString"/> (one set per database in the process).</summary>
    public static SqlitePreparedBatches For(string connectionString) => ByDatabase.GetOrAdd(connectionString, cs => new SqlitePreparedBatches(cs));

    /// <summary>Connections now idle (for tests).</summary>
    internal int Idle => _idle.Count;

    /// <summary>Runs <paramref name="sql"/> from its prepared statements; the connection goes back when the reader is disposed.</summary>
    public async Task<SqlBatchReader> ExecuteAsync(string sql, IReadOnlyList<DbParameter> parameters, CancellationToken ct)
    {
        var slot = _idle.TryTake(out var idle) ? idle : await Slot.OpenAsync(connectionString, ct);
        try
        {
            var command = slot.Command(sql);
            command.Parameters.Clear();
            foreach (var p in parameters)
            {
                command.Parameters.AddWithValue(p.ParameterName, p.Value ?? DBNull.Value);
            }
            var reader = await command.ExecuteReaderAsync(ct);
            return new SqlBatchReader(reader, async () =>
            {
                await reader.DisposeAsync();
                Return(slot);
            });
        }
        catch
        {
            await slot.DisposeAsync();
            throw;
        }
    }

    private void Return(Slot slot)
    {
        if (_idle.Count < MaxIdle)
        {
            _idle.Add(slot);
        }
        else
        {
            slot.Dispose();
        }
    }

    /// <summary>An open connection and the commands prepared on it, by SQL text.</summary>
    private sealed class Slot(SqliteConnection connection) : IDisposable, IAsyncDisposable
    {
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        public static async Task<Slot> OpenAsync(string connectionString, CancellationToken ct) =>
            new(await SqliteConnectionSetup.OpenAsync(connectionString, ct));

        public SqliteCommand Command(string sql)
        {
            if (!_commands.TryGetValue(sql, out var command))
            {
                command = connection.CreateCommand();
                command.CommandText = sql;
                _commands[sql] = command;
            }
            return command;
        }

        public void Dispose() => connection.Dispose();

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}
