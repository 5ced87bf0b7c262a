using InsureCrm.Core.Common;

namespace InsureCrm.Core.Value;

/// <summary>What one run of the chain did, with the time each step took.</summary>
public sealed record ValueChainResult(
    ValueRunSummary Value, LifecycleRunResult Lifecycle, SegmentRunResult Segments,
    TimeSpan ValueTime, TimeSpan LifecycleTime, TimeSpan SegmentTime);

/// <summary>
/// The value chain of <c>insurecrm value run</c> (with its full and refresh options and progress): value and
/// grades, then lifecycle states, then segments, under one PostgreSQL advisory lock so that only one node or
/// process runs it at a time. The nightly chain runs the same three runners as separate steps under the same
/// lock id (<see cref="LockId"/>), so the two never overlap.
/// </summary>
public sealed class ValueChain(CrmDatabase database, ValueRunner value, LifecycleRunner lifecycle, SegmentRunner segments, TimeProvider time)
{
    /// <summary>The advisory-lock id of the chain.</summary>
    public const long LockId = 7_201_010;

    /// <summary>Runs the chain; null when another process holds the lock.</summary>
    public async Task<ValueChainResult?> RunAsync(ValueRunRequest request, IProgress<ValueRunProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var lease = await JobLock.TryAcquireAsync(database, LockId, ct);
        if (lease is null)
        {
            return null;
        }
        var started = time.GetTimestamp();
        var summary = await value.RunAsync(request, progress, ct);
        var valueTime = time.GetElapsedTime(started);
        started = time.GetTimestamp();
        var states = await lifecycle.RunAsync(request.AsOf, ct, summary.RunId);
        progress?.Report(new ValueRunProgress("lifecycle", 1, 1));
        var lifecycleTime = time.GetElapsedTime(started);
        started = time.GetTimestamp();
        var segmented = await segments.RunAsync(summary.RunId, request.AsOf, ct);
        progress?.Report(new ValueRunProgress("segments", 1, 1));
        return new ValueChainResult(summary, states, segmented, valueTime, lifecycleTime, time.GetElapsedTime(started));
    }
}
