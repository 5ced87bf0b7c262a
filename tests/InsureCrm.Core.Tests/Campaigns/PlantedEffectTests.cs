using System.Globalization;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Core.Tests.Synthetic;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Tests.Campaigns;

/// <summary>
/// Recovery of the generator's planted effect: the product's attribution and results, run on a generated book, measure
/// an uplift whose 95 % interval holds the truth file's mean true uplift of the Test members. The effect is scaled up
/// (β × 3) so that a 10,000-customer book has the power to see it at all, and the interval must exclude zero.
/// </summary>
public sealed class PlantedEffectTests
{
    private static readonly CrmUser Marketer = new(1, "marketer", Role.Marketer, null, null, null, "test");

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Results_ClosedPlantedCampaigns_UpliftIntervalHoldsTheTrueMeanUpliftAndExcludesZero(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var book = await PlantedBook.CreateAsync(db, 10_000, effectScale: 3.0);
        var attribution = book.Services.GetRequiredService<IResponseAttribution>();
        var results = book.Services.GetRequiredService<ICampaignResults>();
        List<Campaign> closed;
        await using (var ctx = db.CreateContext())
        {
            closed = await ctx.Campaigns.AsNoTracking().Where(c => c.State == CampaignState.Closed).OrderBy(c => c.StartsOn).ToListAsync();
        }
        closed.Count.ShouldBe(2);
        var effects = book.Effects;

        foreach (var campaign in closed)
        {
            var id = campaign.Id.ToString(CultureInfo.InvariantCulture);
            (await attribution.AttributeAsync(Marketer, campaign.Id, PlantedBook.AsOf)).IsOk.ShouldBeTrue(campaign.Code);
            var total = (await results.ResultsAsync(Marketer, campaign.Id, ResultBreakdown.Total)).Value!.Total;
            var truth = PlantedBook.D(effects.Single(e => e["campaign_id"] == id && e["stratum"] == "all"), "mean_true_uplift");

            var uplift = total.Comparison.Uplift;
            truth.ShouldBeGreaterThan(0.02, campaign.Code);
            truth.ShouldBeInRange(uplift.Lower, uplift.Upper, $"{campaign.Code}: measured {uplift.Value:F4} [{uplift.Lower:F4}, {uplift.Upper:F4}]");
            uplift.ExcludesZero.ShouldBeTrue(campaign.Code);
        }

        // Per planted stratum too, where the pilot has most members (one active contract: β = 3).
        var pilot = closed[0];
        var byStratum = (await results.ResultsAsync(Marketer, pilot.Id, ResultBreakdown.Stratum)).Value!.Rows;
        var row = byStratum.Single(r => r.Key == "holdings:1");
        var stratumTruth = PlantedBook.D(effects.Single(e => e["campaign_id"] == pilot.Id.ToString(CultureInfo.InvariantCulture) && e["stratum"] == "1"), "mean_true_uplift");
        stratumTruth.ShouldBeInRange(row.Comparison.Uplift.Lower, row.Comparison.Uplift.Upper,
            $"holdings:1 measured {row.Comparison.Uplift.Value:F4} [{row.Comparison.Uplift.Lower:F4}, {row.Comparison.Uplift.Upper:F4}]");
    }
}
