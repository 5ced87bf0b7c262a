using System.ComponentModel.DataAnnotations;
using InsureCrm.Core.Models;
using InsureCrm.Core.Value;
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
/// The nightly chain in the web host (the same work as <c>insurecrm value run</c>): value, grades and
/// lifecycle and segments for every customer as of the local date (<see cref="ValueChain"/>), then the scores of
/// every champion model (<see cref="InsurerModelScorer"/>), once a day at <see cref="ValueScheduleOptions.DailyAt"/>.
/// One node runs it (the chain's advisory lock).
/// </summary>
internal sealed class ValueChainJob(
    ValueChain chain, InsurerModelScorer scorer, IOptions<ValueScheduleOptions> options, TimeProvider clock, IHostApplicationLifetime lifetime,
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
                    logger.LogError(ex, "Nightly value chain failed");
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

    /// <summary>One run as of <paramref name="asOf"/> (incremental when a comparable run exists); false when another node holds the lock.</summary>
    internal async Task<bool> RunOnceAsync(DateOnly asOf, CancellationToken ct)
    {
        var result = await chain.RunAsync(new ValueRunRequest(asOf), null, ct);
        if (result is null)
        {
            logger.LogInformation("Nightly value chain skipped: another node is running it");
            return false;
        }
        logger.LogInformation("Nightly value chain {RunId} as of {AsOf} ({Mode}): {Customers} customers, {Recomputed} computed, {Changes} lifecycle changes; skipped (stored values out of range): value {ValueSkipped}, lifecycle {LifecycleSkipped}, segments {SegmentSkipped}",
            result.Value.RunId, asOf, result.Value.Mode, result.Value.Customers, result.Value.Recomputed, result.Lifecycle.Changed,
            result.Value.Skipped, result.Lifecycle.Skipped, result.Segments.Skipped);
        // Then every champion model scores the book as of the same date (its own lock: one node).
        var scored = await scorer.RunAsync(asOf, null, ct);
        logger.LogInformation("Nightly scoring as of {AsOf}: {Models} champion models, {Skipped} customers or agents skipped (stored values out of range)",
            asOf, scored?.Count ?? 0, scored?.Max(s => (int?)s.Skipped) ?? 0);
        return true;
    }
}
