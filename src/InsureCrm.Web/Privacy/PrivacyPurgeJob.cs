using InsureCrm.Core.Common;
using InsureCrm.Core.Privacy;
using InsureCrm.Web.Hosting;
using Microsoft.Extensions.Options;

namespace InsureCrm.Web.Privacy;

/// <summary>
/// Runs the retention purge (<see cref="DataSubjectPurge"/>) once a day (<c>Privacy:PurgeInterval</c>).
/// One node runs it (<see cref="JobLock"/>).
/// </summary>
internal sealed class PrivacyPurgeJob(
    IServiceProvider services, CrmDatabase database, IOptions<PrivacyOptions> options, TimeProvider clock, IHostApplicationLifetime lifetime,
    ILogger<PrivacyPurgeJob> logger)
    : BackgroundService
{
    private const long PurgeLock = 7_201_006;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.PurgeJobEnabled || !await lifetime.WaitUntilStartedAsync(stoppingToken))
        {
            return;
        }
        using var timer = new PeriodicTimer(options.Value.PurgeInterval, clock);
        try
        {
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
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping: not a failure.
        }
    }

    /// <summary>One run; false when another node holds the lock.</summary>
    internal async Task<bool> RunOnceAsync(CancellationToken ct)
    {
        await using var lease = await JobLock.TryAcquireAsync(database, PurgeLock, ct);
        if (lease is null)
        {
            logger.LogInformation("Retention purge skipped: another node is running it");
            return false;
        }
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DataSubjectPurge>().PurgeDueAsync(DataSubjectPurge.JobUser, ct);
        return true;
    }
}
