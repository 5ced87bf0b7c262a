using System.Globalization;
using InsureCrm.Core.Common;

namespace InsureCrm.Core.Campaigns.Targeting;

/// <summary>
/// The nightly chain's <c>targeting</c> step (after scores at 400, before the campaigns step at 500): builds the
/// targeting mart again as of the night's date, from the value run the value step just completed, so that the next
/// day's counts, profiles and splits read one row per customer. Safe to rerun: each run replaces the mart whole.
/// </summary>
internal sealed class TargetingMartStep(CrmDatabase database, TimeProvider time) : INightlyStep
{
    public string Name => "targeting";

    public int Order => 450;

    public async Task<NightlyStepResult> RunAsync(DateOnly asOf, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var refresh = await TargetingMart.RefreshAsync(db, time.GetUtcNow().UtcDateTime, asOf, ct);
        var state = refresh.State;
        return new NightlyStepResult([string.Create(CultureInfo.InvariantCulture,
            $"Targeting mart: {state.Customers} customers as of {state.AsOf:yyyy-MM-dd} (grades and cells of run {state.ValueRunId?.ToString(CultureInfo.InvariantCulture) ?? "none"}) in {refresh.Elapsed.TotalSeconds:0.0} s.")]);
    }
}
