using System.Globalization;
using InsureCrm.Core.Common;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Orphans;

/// <summary>
/// The nightly chain's orphan step (560): after the value run (100, whose grades order the assignment) and before the
/// worklists (600, which then list the consultants' new customers), detect and assign as of the night: new orphans of
/// agents terminated on or before the day, cases a full run left unassigned, and control-wave cases whose delay has
/// passed. Safe to rerun for a date: assigned customers are no longer detected.
/// </summary>
internal sealed class OrphansStep(IServiceScopeFactory scopes) : INightlyStep
{
    public string Name => "orphans";

    public int Order => 560;

    public async Task<NightlyStepResult> RunAsync(DateOnly asOf, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var s = await scope.ServiceProvider.GetRequiredService<OrphanService>().AssignAsync(asOf, ct);
        return new NightlyStepResult([Describe(asOf, s)]);
    }

    /// <summary>One line for the chain's summary and the CLI (counts only).</summary>
    public static string Describe(DateOnly asOf, AssignSummary s) => string.Create(CultureInfo.InvariantCulture,
        $"Orphans as of {asOf:yyyy-MM-dd}: {s.Candidates} to assign, {s.Assigned} assigned, {s.Unassigned} left unassigned, {s.Deferred} deferred to the control wave, {s.Superseded} superseded (consultant left).");
}
