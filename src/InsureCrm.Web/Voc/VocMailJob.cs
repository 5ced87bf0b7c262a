using InsureCrm.Core.Common;
using InsureCrm.Core.Voc.Mail;
using InsureCrm.Web.Hosting;

namespace InsureCrm.Web.Voc;

/// <summary>
/// Reads the VOC inbox every <c>Voc:Mail:PollMinutes</c> (default 5) when a mail source is configured (<c>Voc:Mail:Source</c>),
/// and opens a case per new mail (<see cref="VocMailIntake"/>). One node reads it (<see cref="JobLock"/>).
/// </summary>
internal sealed class VocMailJob(
    IServiceProvider services, CrmDatabase database, VocMailOptions options, TimeProvider clock, IHostApplicationLifetime lifetime, ILogger<VocMailJob> logger)
    : BackgroundService
{
    private const long MailLock = 7_201_016;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Source == VocMailSourceKind.None || !await lifetime.WaitUntilStartedAsync(stoppingToken))
        {
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(options.PollMinutes), clock);
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
                    // Nothing was confirmed to the source: the next round reads the same mails again.
                    logger.LogError(ex, "VOC mail round failed");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping: not a failure.
        }
    }

    /// <summary>One round; null when another node holds the lock.</summary>
    internal async Task<VocMailRound?> RunOnceAsync(CancellationToken ct)
    {
        await using var lease = await JobLock.TryAcquireAsync(database, MailLock, ct);
        if (lease is null)
        {
            return null;
        }
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<VocMailIntake>().FetchAsync(ct);
    }
}
