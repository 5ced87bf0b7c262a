using System.Globalization;
using InsureCrm.Analytics.Uplift;
using InsureCrm.Core.Campaigns.Planning;
using InsureCrm.Core.Common;
using InsureCrm.Core.Models;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Campaigns.Uplift;

/// <summary>
/// "Top N by uplift" in the split of a roll-out (docs/campaigns.md, "Uplift"): the customers the split would place in an
/// arm are scored with the pilot's uplift model on their features as of the split's day; those predicted to react badly
/// (uplift below 0, the "sleeping dogs") are left out as <see cref="MemberExclusion.NegativeUplift"/> unless the roll-out
/// keeps them; of the rest the N highest stay and the others are left out as <see cref="MemberExclusion.BelowUpliftCut"/>
/// (ties by a hash of the customer, so the cut is reproducible). Customers the features cannot describe (a stored value out of
/// range) rank last. The split then divides the N into Test and Control as usual, so the roll-out still measures what it
/// adds. For comparison the same N chosen by the response score (the champion purchase model closest to the objective)
/// are summed with the same model: "top N by response" against "top N by uplift".
/// </summary>
internal static class UpliftSelection
{
    /// <summary>What the cut decided, to be written with the split.</summary>
    internal sealed record Cut(
        CampaignUpliftTargeting Targeting, List<CampaignUpliftScore> Scores, int Scored, int Negative, int BelowCut,
        double ExpectedIncremental, double? ExpectedIncrementalByResponse, decimal? ValuePerResponse, decimal? UnitCost, string? ResponseModel);

    /// <summary>Reasons kept per chosen customer.</summary>
    public const int Reasons = 3;

    /// <summary>
    /// Applies the roll-out's uplift targeting to <paramref name="population"/> (the members the split would place in an
    /// arm): marks the left-out ones Excluded with their reason and removes them from the list. Null when the campaign
    /// targets by its rule alone.
    /// </summary>
    public static async Task<Cut?> ApplyAsync(CrmDbContext db, Campaign campaign, List<CampaignMember> population, DateOnly today, CancellationToken ct)
    {
        var targeting = await db.CampaignUpliftTargetings.AsNoTracking().SingleOrDefaultAsync(t => t.CampaignId == campaign.Id, ct);
        if (targeting is null)
        {
            return null;
        }
        var modelRow = await db.CampaignUpliftModels.AsNoTracking().SingleAsync(m => m.Id == targeting.ModelId, ct);
        var model = UpliftModelJson.Read(modelRow.Artifact);
        var ids = population.Select(m => m.CustomerId).Order().ToArray();
        var terminations = await InsurerFeatures.AgentTerminationsAsync(db, ct);
        var (scoredIds, columns) = await PilotUplift.FeaturesAsync(db, ids, today, terminations, ct);
        // The split's population has a planned channel (the unreachable were left out before), as the pilot's contacted
        // members had; the member features (this build's: plannedContact and one per channel kind) follow the customer features.
        var planned = population.ToDictionary(m => m.CustomerId, m => m.PlannedChannel);
        columns = [.. columns, .. PilotUplift.MemberColumns(PilotUplift.Features, scoredIds, planned)];
        // The model reads its own columns by name: one learnt before customer features were added (or before the
        // member features) still scores on those it was trained on.
        var map = FeatureMap.Of(model.Features, PilotUplift.Features, $"The uplift model of campaign {campaign.Id}");
        var uplift = new Dictionary<long, double>(scoredIds.Length);
        var row = new double[map.Columns.Count];
        for (var r = 0; r < scoredIds.Length; r++)
        {
            for (var k = 0; k < row.Length; k++)
            {
                row[k] = columns[map.Columns[k]][r];
            }
            uplift[scoredIds[r]] = model.Predict(row);
        }
        var (responseModel, response) = await ResponseScoresAsync(db, campaign, ct);

        // Highest uplift first; ties (a tree gives whole leaves the same uplift) by a hash of the customer under the
        // complement of the split seed: reproducible, and not the split hash, whose order then chooses Control.
        var tieSeed = ~campaign.SplitSeed;
        var ranked = population
            .OrderByDescending(m => uplift.TryGetValue(m.CustomerId, out var u) ? u : double.NegativeInfinity)
            .ThenBy(m => SplitHash.Key(tieSeed, m.CustomerId)).ThenBy(m => m.CustomerId).ToList();
        var kept = new List<CampaignMember>(Math.Min(targeting.TopN, ranked.Count));
        int negative = 0, below = 0;
        var scores = new List<CampaignUpliftScore>(ranked.Count);
        var expected = 0.0;
        var scoredIndex = scoredIds.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        for (var rank = 0; rank < ranked.Count; rank++)
        {
            var member = ranked[rank];
            var has = uplift.TryGetValue(member.CustomerId, out var u);
            if (has && u < 0 && !targeting.KeepNegative)
            {
                member.Exclusion = MemberExclusion.NegativeUplift;
                negative++;
            }
            else if (!has || kept.Count >= targeting.TopN)
            {
                member.Exclusion = MemberExclusion.BelowUpliftCut;
                below++;
            }
            else
            {
                kept.Add(member);
                expected += u;
            }
            if (member.Exclusion is not null)
            {
                member.Arm = CampaignArm.Excluded;
            }
            if (!has)
            {
                continue;
            }
            // Reasons for the chosen and for the sleeping dogs: why each is in, or why each was left out.
            var reasons = "[]";
            if (member.Exclusion is null or MemberExclusion.NegativeUplift)
            {
                var r = scoredIndex[member.CustomerId];
                for (var k = 0; k < row.Length; k++)
                {
                    row[k] = columns[map.Columns[k]][r];
                }
                reasons = InsurerModelScorer.ReasonsJson(model.Explain(row).Top(Reasons));
            }
            scores.Add(new CampaignUpliftScore
            {
                CampaignId = campaign.Id, CustomerId = member.CustomerId, Uplift = u, Rank = rank + 1, Reasons = reasons,
                Response = response is not null && response.TryGetValue(member.CustomerId, out var s) ? s : null,
            });
        }
        population.Clear();
        population.AddRange(kept);

        double? byResponse = null;
        if (response is not null)
        {
            byResponse = ids.Where(response.ContainsKey).OrderByDescending(id => response[id]).ThenBy(id => id)
                .Take(targeting.TopN).Sum(id => uplift.TryGetValue(id, out var u) ? u : 0);
        }
        var pilotId = modelRow.CampaignId;
        var pilotResponses = await db.CampaignResponses.AsNoTracking().Where(r => r.CampaignId == pilotId && r.Arm == CampaignArm.Test)
            .Select(r => r.Revenue).ToListAsync(ct);
        decimal? valuePerResponse = pilotResponses.Count == 0 ? null : Math.Round(pilotResponses.Sum() / pilotResponses.Count, 2);
        var unitCost = await db.CampaignChannels.AsNoTracking().Where(c => c.CampaignId == campaign.Id).OrderBy(c => c.Rank)
            .Select(c => (decimal?)c.UnitCost).FirstOrDefaultAsync(ct);
        return new Cut(targeting, scores, scoredIds.Length, negative, below, expected, byResponse, valuePerResponse, unitCost, responseModel);
    }

    /// <summary>
    /// The newest scores of the champion purchase model closest to the campaign's objective (the family model sharing
    /// most of its families, else <c>purchase</c>); null when that model has no completed run.
    /// </summary>
    private static async Task<(string? Model, Dictionary<long, double>? Scores)> ResponseScoresAsync(CrmDbContext db, Campaign campaign, CancellationToken ct)
    {
        var families = campaign.ObjectiveFamilies.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var name = InsurerModels.Customer
            .Where(m => m.Families is { Count: > 0 })
            .Select(m => (m.Name, Shared: m.Families!.Count(f => families.Contains(f.ToString(), StringComparer.Ordinal))))
            .Where(x => x.Shared > 0).OrderByDescending(x => x.Shared).Select(x => x.Name).FirstOrDefault() ?? InsurerModels.Purchase.Name;
        var run = await ChampionScores.NewestRunAsync(db, name, ct);
        if (run is null)
        {
            return (null, null);
        }
        var scores = await db.Set<CustomerModelScore>().AsNoTracking().Where(s => s.RunId == run.RunId && s.Eligible)
            .Select(s => new { s.CustomerId, s.Score }).ToDictionaryAsync(s => s.CustomerId, s => s.Score, ct);
        return (string.Create(CultureInfo.InvariantCulture, $"{name} v{run.Version}"), scores);
    }
}
