using System.Globalization;
using InsureCrm.Core.Common;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Worklists.Build;

/// <summary>The nightly chain's worklist step: after scoring (400), the targeting mart (450) and campaigns (500), every agent's list for the day.</summary>
internal sealed class WorklistStep(IServiceScopeFactory scopes) : INightlyStep
{
    public string Name => "worklists";

    public int Order => 600;

    public async Task<NightlyStepResult> RunAsync(DateOnly asOf, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var s = await scope.ServiceProvider.GetRequiredService<WorklistBuilder>().BuildAsync(asOf, ct);
        return new NightlyStepResult([Describe(s), "Phases: " + Phases.Describe(s.Phases)], s.Refused);
    }

    /// <summary>One line for the chain's summary and the CLI.</summary>
    public static string Describe(WorklistBuildSummary s) => string.Create(CultureInfo.InvariantCulture,
        $"Worklists as of {s.AsOf:yyyy-MM-dd}: {s.Open} open items for {s.Agents} agents ({s.New} new, {s.Kept} rolled over, {s.Returned} back from snooze, {s.Expired} expired) from {s.Candidates} candidates in {s.Elapsed.TotalSeconds:0.0} s.");
}
