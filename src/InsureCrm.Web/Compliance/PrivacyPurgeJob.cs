using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using Microsoft.Extensions.Options;
using Npgsql;

namespace InsureCrm.Web.Compliance;

/// <summary>
/// Runs the retention purge (<see cref="DataSubjectPurge"/>) once a day (<c>Privacy:PurgeInterval</c>).
/// Several web nodes may share one PostgreSQL database: each run first takes a session advisory lock and
/// skips when another node holds it, so one node purges. SQLite has one node by nature.
/// </summary>
internal sealed class PrivacyPurgeJob(
    IServiceProvider services, CrmDatabase database, IOptions<PrivacyOptions> options, TimeProvider clock, ILogger<PrivacyPurgeJob> logger)
    : BackgroundService
{
    private const long PurgeLock = 7_201_006;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.PurgeJobEnabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(options.Value.PurgeInterval, clock);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The next tick retries; a failed run leaves due customers due.
                logger.LogError(ex, "Retention purge failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One run; false when another node holds the lock.</summary>
    internal async Task<bool> RunOnceAsync(CancellationToken ct)
    {
        NpgsqlConnection? lockConnection = null;
        var locked = false;
        try
        {
            if (database.Provider == DatabaseProvider.Postgres)
            {
                lockConnection = await database.DataSource!.OpenConnectionAsync(ct);
                await using var cmd = new NpgsqlCommand($"SELECT pg_try_advisory_lock({PurgeLock})", lockConnection);
                if (await cmd.ExecuteScalarAsync(ct) is not true)
                {
                    logger.LogInformation("Retention purge skipped: another node is running it");
                    return false;
                }
                locked = true;
            }
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DataSubjectPurge>().PurgeDueAsync(DataSubjectPurge.JobUser, ct);
            return true;
        }
        finally
        {
            if (lockConnection is not null)
            {
                if (locked)
                {
                    // A pooled connection outlives this run: release the session lock explicitly.
                    await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({PurgeLock})", lockConnection);
                    await unlock.ExecuteScalarAsync(CancellationToken.None);
                }
                await lockConnection.DisposeAsync();
            }
        }
    }
}
