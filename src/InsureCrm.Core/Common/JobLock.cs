using Npgsql;

namespace InsureCrm.Core.Common;

/// <summary>
/// One node at a time for a scheduled job: several web nodes may share one PostgreSQL database, so a run
/// first takes a session advisory lock and skips when another node holds it. SQLite has one node by
/// nature, so the lease is always granted there. Disposing releases the lock. The lease's connection comes from a pool
/// of its own (<see cref="CrmDatabase.LeaseSource"/>), not from the one the job's own work draws on.
/// </summary>
public sealed class JobLock : IAsyncDisposable
{
    private readonly NpgsqlConnection? _connection;
    private readonly long _id;

    private JobLock(NpgsqlConnection? connection, long id)
    {
        _connection = connection;
        _id = id;
    }

    /// <summary>The lease, or null when another node is running the job.</summary>
    public static async Task<JobLock?> TryAcquireAsync(CrmDatabase database, long id, CancellationToken ct)
    {
        if (database.Provider != DatabaseProvider.Postgres)
        {
            return new JobLock(null, id);
        }
        var connection = await database.LeaseSource!.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = new NpgsqlCommand($"SELECT pg_try_advisory_lock({id})", connection);
            if (await cmd.ExecuteScalarAsync(ct) is true)
            {
                return new JobLock(connection, id);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is null)
        {
            return;
        }
        // A pooled connection outlives the run: release the session lock explicitly.
        await using (var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({_id})", _connection))
        {
            await unlock.ExecuteScalarAsync(CancellationToken.None);
        }
        await _connection.DisposeAsync();
    }
}
