using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Common;

public sealed record MigrationScript(string Version, string Name, string Sql);

/// <summary>
/// Work a migration needs that its SQL cannot do, because it needs something kept outside the database
/// (a key). Runs after the script of <see cref="Version"/>, in the same transaction, so the schema
/// change and this step commit together or not at all. Registered by the feature that owns it.
/// </summary>
public interface IMigrationStep
{
    string Version { get; }
    Task RunAsync(DbConnection connection, DbTransaction transaction, DatabaseProvider provider, CancellationToken ct);

    /// <summary>
    /// Work that must be committed before the script's transaction begins, on the same connection (SQLite: a write to
    /// another database file, which one transaction would commit per file only). Runs again on every migrate until the
    /// script's transaction commits, so it must be idempotent.
    /// </summary>
    Task BeforeAsync(DbConnection connection, DatabaseProvider provider, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>
/// Applies the versioned SQL scripts of the configured provider (embedded resources under
/// <c>Common/Migrations/{Sqlite|Postgres}/NNNN_name.sql</c>) in order, each in its own transaction, and
/// records them in <c>schema_history</c>. EF's design-time package is not available, and scripts are
/// what a DBA reviews anyway.
/// </summary>
public sealed class Migrator(CrmDatabase database, TimeProvider clock, ILogger<Migrator> logger, IEnumerable<IMigrationStep>? steps = null)
{
    // The access log's move into its own SQLite file, and the sessions' last use kept in that file, are Common's: they are
    // about the database files, and every migrate needs them.
    private readonly IReadOnlyList<IMigrationStep> _steps = [.. steps ?? [], new AccessLogFileStep(), new SessionSeenFileStep()];

    public static IReadOnlyList<MigrationScript> Scripts(DatabaseProvider provider)
    {
        var assembly = typeof(Migrator).Assembly;
        var prefix = $"{assembly.GetName().Name}.Common.Migrations.{provider}.";
        return [.. assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var file = n[prefix.Length..^4];
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                var version = file.Split('_', 2)[0];
                return new MigrationScript(version, file, reader.ReadToEnd());
            })
            .OrderBy(s => s.Version, StringComparer.Ordinal)];
    }

    /// <summary>Applies pending scripts; returns the names of the scripts applied now.</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await LockAsync(connection, ct);
        try
        {
            return await ApplyAsync(connection, ct);
        }
        finally
        {
            // A pooled connection outlives this call (its session, and a session lock with it, stays open for
            // the pool's idle lifetime): release the lock explicitly, or the next migration in this process
            // through another pool waits for minutes.
            await UnlockAsync(connection);
        }
    }

    private async Task<IReadOnlyList<string>> ApplyAsync(DbConnection connection, CancellationToken ct)
    {
        await ExecuteAsync(connection, null,
            "CREATE TABLE IF NOT EXISTS schema_history (version varchar(20) PRIMARY KEY, name varchar(200) NOT NULL, applied_at varchar(40) NOT NULL)", ct);
        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT version FROM schema_history";
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                applied.Add(reader.GetString(0));
            }
        }
        var done = new List<string>();
        foreach (var script in Scripts(database.Provider).Where(s => !applied.Contains(s.Version)))
        {
            foreach (var step in _steps.Where(s => s.Version == script.Version))
            {
                await step.BeforeAsync(connection, database.Provider, ct);
            }
            await using var tx = await connection.BeginTransactionAsync(ct);
            await ExecuteAsync(connection, tx, script.Sql, ct);
            foreach (var step in _steps.Where(s => s.Version == script.Version))
            {
                await step.RunAsync(connection, tx, database.Provider, ct);
            }
            await using (var cmd = connection.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "INSERT INTO schema_history (version, name, applied_at) VALUES (@v, @n, @a)";
                AddParameter(cmd, "@v", script.Version);
                AddParameter(cmd, "@n", script.Name);
                AddParameter(cmd, "@a", clock.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                await cmd.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
            logger.LogInformation("Applied migration {Migration}", script.Name);
            done.Add(script.Name);
        }
        return done;
    }

    /// <summary>Scripts not yet applied (for <c>db status</c> and readiness checks).</summary>
    public async Task<IReadOnlyList<string>> PendingAsync(CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        var applied = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT version FROM schema_history";
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                applied.Add(reader.GetString(0));
            }
        }
        catch (DbException)
        {
            // No history table yet: everything is pending.
        }
        return [.. Scripts(database.Provider).Where(s => !applied.Contains(s.Version)).Select(s => s.Name)];
    }

    private async Task LockAsync(DbConnection connection, CancellationToken ct)
    {
        if (database.Provider == DatabaseProvider.Postgres)
        {
            // Several web nodes may start at once: one migrates, the others wait (released by UnlockAsync).
            await ExecuteAsync(connection, null, "SELECT pg_advisory_lock(7201001)", ct);
        }
    }

    private async Task UnlockAsync(DbConnection connection)
    {
        if (database.Provider == DatabaseProvider.Postgres)
        {
            await ExecuteAsync(connection, null, "SELECT pg_advisory_unlock(7201001)", CancellationToken.None);
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.CommandTimeout = 0;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static void AddParameter(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }
}
