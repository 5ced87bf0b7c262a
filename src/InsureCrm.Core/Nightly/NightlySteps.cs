using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Models;
using InsureCrm.Core.Value;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Nightly;

/// <summary>
/// The chain's own steps over Value and Models. Value, lifecycle and segments were one call (<see cref="ValueChain"/>),
/// not one transaction: each commits as it goes and is safe to rerun, so each is its own step here. Lifecycle and
/// segments belong to the value run of their date (their skips are recorded under it; segments place its customers),
/// which they find in the database, so that <c>--from lifecycle</c> continues a night whose value step completed.
/// </summary>
internal static class NightlySteps
{
    /// <summary>The value run of the date that completed last (the one the value step just wrote, or a resumed one).</summary>
    internal static async Task<ValueRun> ValueRunOfAsync(CrmDatabase database, DateOnly asOf, CancellationToken ct)
    {
        await using var ctx = database.CreateContext();
        return await ctx.Set<ValueRun>().AsNoTracking()
            .Where(r => r.RunDate == asOf && r.Status == ValueRunStatus.Completed)
            .OrderByDescending(r => r.FinishedAt).ThenByDescending(r => r.Id)
            .FirstOrDefaultAsync(ct)
            ?? throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"No completed value run as of {asOf:yyyy-MM-dd}: run the chain from the value step (--from value)."));
    }

    internal static string SkipLine(IReadOnlyDictionary<string, int> skips, long runId) => string.Create(CultureInfo.InvariantCulture,
        $"Skipped (stored values out of range): {SkipCounts.Describe(skips)}. Customer ids: value_run_skip of run {runId}.");
}

/// <summary>Lifetime value and grades of every live customer (<see cref="ValueRunner"/>; incremental, resumable).</summary>
internal sealed class ValueStep(ValueRunner runner) : INightlyStep
{
    public string Name => "value";

    public int Order => 100;

    public async Task<NightlyStepResult> RunAsync(DateOnly asOf, CancellationToken ct)
    {
        var summary = await runner.RunAsync(new ValueRunRequest(asOf), null, ct);
        List<string> lines = [summary.Headline(asOf), .. summary.Figures()];
        if (summary.Skipped > 0)
        {
            lines.Add(NightlySteps.SkipLine(summary.Skips, summary.RunId));
        }
        return new NightlyStepResult(lines, summary.Skips);
    }
}

/// <summary>Insurance and loan lifecycle states as of the date (<see cref="LifecycleRunner"/>), under the date's value run.</summary>
internal sealed class LifecycleStep(CrmDatabase database, LifecycleRunner runner) : INightlyStep
{
    public string Name => "lifecycle";

    public int Order => 200;

    public async Task<NightlyStepResult> RunAsync(DateOnly asOf, CancellationToken ct)
    {
        var run = await NightlySteps.ValueRunOfAsync(database, asOf, ct);
        var result = await runner.RunAsync(asOf, ct, run.Id);
        List<string> lines = [result.Describe()];
        if (result.Skipped > 0)
        {
            lines.Add(NightlySteps.SkipLine(result.Skips, run.Id));
        }
        return new NightlyStepResult(lines, result.Skips);
    }
}

/// <summary>Grid cells, needs groups and strategies of the date's value run (<see cref="SegmentRunner"/>).</summary>
internal sealed class SegmentsStep(CrmDatabase database, SegmentRunner runner) : INightlyStep
{
    public string Name => "segments";

    public int Order => 300;

    public async Task<NightlyStepResult> RunAsync(DateOnly asOf, CancellationToken ct)
    {
        var run = await NightlySteps.ValueRunOfAsync(database, asOf, ct);
        var result = await runner.RunAsync(run.Id, asOf, ct);
        List<string> lines = [result.Describe()];
        if (result.Skipped > 0)
        {
            lines.Add(NightlySteps.SkipLine(result.Skips, run.Id));
        }
        return new NightlyStepResult(lines, result.Skips);
    }
}

/// <summary>The scores of every champion model as of the date (<see cref="InsurerModelScorer"/>; a rerun for the date replaces them).</summary>
internal sealed class ScoresStep(InsurerModelScorer scorer) : INightlyStep
{
    public string Name => "scores";

    public int Order => 400;

    public async Task<NightlyStepResult> RunAsync(DateOnly asOf, CancellationToken ct)
    {
        var runs = await scorer.RunAsync(asOf, null, ct);
        if (runs is null)
        {
            // As the web host's night always did: scoring that another process is doing is not a failure of the night.
            return new NightlyStepResult(["Scoring skipped: another process is scoring; run the chain from the scores step (--from scores) when it has finished."]);
        }
        if (runs.Count == 0)
        {
            return new NightlyStepResult(["No champion to score with: build a model and approve it first."]);
        }
        var lines = runs.Select(r => r.Describe(asOf)).ToList();
        // The same customers are left out by every customer and contract champion: each reason counts once, at its largest.
        var skips = runs.SelectMany(r => r.Skips).GroupBy(kv => kv.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(kv => kv.Value), StringComparer.Ordinal);
        return new NightlyStepResult(lines, skips);
    }
}
