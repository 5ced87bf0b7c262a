using System.Globalization;
using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Campaigns.Measurement;

/// <summary>
/// The nightly chain's <c>campaigns</c> step (after scores at 400, before the access-log vacuum at 900): attributes
/// the responses of every Running and Measuring campaign as of the night's date, so results and the home page's
/// "results that came in" are a day old at most. Each campaign's attribution replaces its previous one, so a rerun
/// for the same date changes nothing.
/// </summary>
internal sealed class CampaignsNightlyStep(CrmDatabase database, CampaignAttribution attribution) : INightlyStep
{
    public string Name => "campaigns";

    public int Order => 500;

    public async Task<NightlyStepResult> RunAsync(DateOnly asOf, CancellationToken ct)
    {
        List<long> ids;
        await using (var db = database.CreateContext())
        {
            ids = await db.Campaigns.AsNoTracking()
                .Where(c => (c.State == CampaignState.Running || c.State == CampaignState.Measuring) && c.StartsOn <= asOf)
                .OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(ct);
        }
        var responses = 0;
        var skipped = new Dictionary<string, int>();
        foreach (var id in ids)
        {
            var result = await attribution.RunAsync(id, asOf, ct);
            if (result.IsOk)
            {
                responses += result.Value!.Responses;
            }
            else
            {
                var reason = "campaign-" + result.Outcome.ToString().ToLowerInvariant();
                skipped[reason] = skipped.GetValueOrDefault(reason) + 1;
            }
        }
        return new NightlyStepResult(
            [string.Create(CultureInfo.InvariantCulture, $"Campaigns: {ids.Count - skipped.Values.Sum()} attributed as of {asOf:yyyy-MM-dd}, {responses} responses.")],
            skipped);
    }
}
