using System.ComponentModel.DataAnnotations;
using System.Globalization;
using InsureCrm.Core.Nightly;
using InsureCrm.Web.Hosting;
using Microsoft.Extensions.Options;

namespace InsureCrm.Web.Value;

/// <summary>Options of the <c>Value:Schedule</c> section: when the web host runs the nightly value chain.</summary>
internal sealed class ValueScheduleOptions
{
    public const string Section = "Value:Schedule";

    public bool Enabled { get; set; } = true;
    /// <summary>Local time of day of the run, in <see cref="TimeZone"/>.</summary>
    public TimeOnly DailyAt { get; set; } = new(2, 0);
    [Required]
    public string TimeZone { get; set; } = "Asia/Seoul";
}

/// <summary>
/// The nightly chain in the web host (the same steps as <c>insurecrm nightly run</c>, <see cref="NightlyChain"/>): value,
/// grades, lifecycle and segments for every customer as of the local date, then the scores of every champion model,
/// once a day at <see cref="ValueScheduleOptions.DailyAt"/>. One node runs it (the chain's advisory lock).
/// </summary>
internal sealed class ValueChainJob(
    NightlyChain chain, IOptions<ValueScheduleOptions> options, TimeProvider clock, IHostApplicationLifetime lifetime,
    ILogger<ValueChainJob> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled || !await lifetime.WaitUntilStartedAsync(stoppingToken))
        {
            return;
        }
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var (delay, asOf) = NextRun(clock.GetUtcNow(), zone, options.Value.DailyAt);
                await Task.Delay(delay, clock, stoppingToken);
                try
                {
                    await RunOnceAsync(asOf, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The failed run is marked Failed by the runner; tomorrow's run for another date starts afresh, a rerun for the same date resumes it.
                    logger.LogError(ex, "Nightly chain failed");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping: not a failure.
        }
    }

    /// <summary>How long until the next local <paramref name="dailyAt"/>, and the local date of that run.</summary>
    internal static (TimeSpan Delay, DateOnly AsOf) NextRun(DateTimeOffset nowUtc, TimeZoneInfo zone, TimeOnly dailyAt)
    {
        var local = TimeZoneInfo.ConvertTime(nowUtc, zone);
        var date = DateOnly.FromDateTime(local.DateTime);
        if (TimeOnly.FromDateTime(local.DateTime) >= dailyAt)
        {
            date = date.AddDays(1);
        }
        var runLocal = date.ToDateTime(dailyAt);
        var runUtc = new DateTimeOffset(runLocal, zone.GetUtcOffset(runLocal));
        return (runUtc - nowUtc, date);
    }

    /// <summary>
    /// One run as of <paramref name="asOf"/> (incremental when a comparable run exists); false when another node holds the lock.
    /// A failing step ends the run with an exception naming the step (the steps before it are kept).
    /// </summary>
    internal async Task<bool> RunOnceAsync(DateOnly asOf, CancellationToken ct)
    {
        var result = await chain.RunAsync(asOf, ct: ct);
        if (result is null)
        {
            logger.LogInformation("Nightly chain skipped: another node is running it");
            return false;
        }
        foreach (var step in result.Steps)
        {
            logger.LogInformation("Nightly step {Step} as of {AsOf} in {Seconds:F1} s ({Skipped} skipped: stored values out of range): {Summary}",
                step.Step, asOf, step.Elapsed.TotalSeconds, step.Result.Skipped, string.Join(" ", step.Result.Summary));
        }
        if (result.Failure is { } failure)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"The nightly step {failure.Step} as of {asOf:yyyy-MM-dd} failed; the steps after it did not run."), failure.Error);
        }
        return true;
    }
}
