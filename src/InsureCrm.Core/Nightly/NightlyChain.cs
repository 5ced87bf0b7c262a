using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Value;

namespace InsureCrm.Core.Nightly;

/// <summary>A step that completed, with what it did and how long it took.</summary>
public sealed record NightlyStepRun(string Step, NightlyStepResult Result, TimeSpan Elapsed);

/// <summary>The step that failed, and why.</summary>
public sealed record NightlyStepFailure(string Step, Exception Error);

/// <summary>One run of the chain: the steps that completed, in order, and the step it stopped at, if one failed.</summary>
public sealed record NightlyRunResult(DateOnly AsOf, IReadOnlyList<NightlyStepRun> Steps, NightlyStepFailure? Failure)
{
    public bool Succeeded => Failure is null;
}

/// <summary>
/// The nightly chain, one way for the web host's schedule and <c>insurecrm nightly run</c>: every registered
/// <see cref="INightlyStep"/> (value, lifecycle, segments, scores, and whatever later features add) in their order,
/// as of one date, optionally from a given step on. It stops at the first step that fails and reports it; each
/// step is safe to rerun, so a rerun from the failed step continues the night. The whole run holds the value
/// chain's advisory lock (<see cref="ValueChain.LockId"/>), so that one node or process runs it at a time on
/// PostgreSQL and it never overlaps <c>insurecrm value run</c>.
/// </summary>
public sealed class NightlyChain
{
    private readonly IReadOnlyList<INightlyStep> _steps;
    private readonly CrmDatabase _database;
    private readonly TimeProvider _time;

    public NightlyChain(IEnumerable<INightlyStep> steps, CrmDatabase database, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(steps);
        _steps = [.. steps.OrderBy(s => s.Order)];
        if (_steps.GroupBy(s => s.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } name)
        {
            throw new InvalidOperationException($"Two nightly steps are named '{name.Key}'.");
        }
        if (_steps.GroupBy(s => s.Order).FirstOrDefault(g => g.Count() > 1) is { } order)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"The nightly steps {string.Join(" and ", order.Select(s => s.Name))} share the order {order.Key}; give each its own."));
        }
        _database = database;
        _time = time;
    }

    /// <summary>The steps' names in the order they run.</summary>
    public IReadOnlyList<string> StepNames => [.. _steps.Select(s => s.Name)];

    /// <summary>The step of that name (any case), or null.</summary>
    public string? FindStep(string name) => _steps.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))?.Name;

    /// <summary>
    /// Runs the steps as of <paramref name="asOf"/>, from the step named <paramref name="from"/> (default: the first);
    /// null when another node or process holds the chain's lock. <paramref name="progress"/> hears of each step as it completes.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="from"/> names no step (the message lists them).</exception>
    public async Task<NightlyRunResult?> RunAsync(DateOnly asOf, string? from = null, IProgress<NightlyStepRun>? progress = null, CancellationToken ct = default)
    {
        var start = 0;
        if (from is not null)
        {
            start = _steps.ToList().FindIndex(s => string.Equals(s.Name, from, StringComparison.OrdinalIgnoreCase));
            if (start < 0)
            {
                throw new ArgumentException($"No nightly step '{from}'; the steps are {string.Join(", ", StepNames)}.", nameof(from));
            }
        }
        await using var lease = await JobLock.TryAcquireAsync(_database, ValueChain.LockId, ct);
        if (lease is null)
        {
            return null;
        }
        var done = new List<NightlyStepRun>();
        foreach (var step in _steps.Skip(start))
        {
            var started = _time.GetTimestamp();
            NightlyStepResult result;
            try
            {
                result = await step.RunAsync(asOf, ct);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                // The step's own runs mark themselves failed (and resume on a rerun); the chain stops here.
                return new NightlyRunResult(asOf, done, new NightlyStepFailure(step.Name, ex));
            }
            var run = new NightlyStepRun(step.Name, result, _time.GetElapsedTime(started));
            done.Add(run);
            progress?.Report(run);
        }
        return new NightlyRunResult(asOf, done, null);
    }
}
