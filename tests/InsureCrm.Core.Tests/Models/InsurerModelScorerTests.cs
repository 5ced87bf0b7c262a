using System.Text.Json;
using InsureCrm.Analytics.Learning;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Models;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Tests.Models;

public sealed class InsurerModelScorerTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_Champions_OneRowPerLiveCustomerWithReasonsNamingRealFeatures(DatabaseProvider provider)
    {
        await using var kit = await ModelKit.CreateAsync(provider);
        await kit.GenerateAsync(1500, 3);
        (await kit.Scorer.RunAsync(ModelKit.AsOf, null, CancellationToken.None))!.ShouldBeEmpty("no champion yet");
        foreach (var name in new[] { "lapse", "purchase" })
        {
            var v = await kit.Trainer.BuildAsync(new ModelBuildRequest(name, ModelKit.Cutoff, null, "ana"), CancellationToken.None);
            (await kit.Registry.ApproveAsync(name, v.Version, ModelKit.User("boss"), CancellationToken.None)).Outcome.ShouldBe(ApprovalOutcome.Approved);
        }

        var runs = (await kit.Scorer.RunAsync(ModelKit.AsOf, null, CancellationToken.None))!;
        // Scoring the same date again replaces the runs rather than adding rows.
        runs = (await kit.Scorer.RunAsync(ModelKit.AsOf, null, CancellationToken.None))!;

        runs.Select(r => r.Name).ShouldBe(["lapse", "purchase"]);
        await using var ctx = kit.Db.CreateContext();
        var live = await ctx.Customers.Where(c => c.MergedIntoId == null).Select(c => c.Id).OrderBy(id => id).ToListAsync();
        (await ctx.Set<ModelScoreRun>().CountAsync()).ShouldBe(2);
        var names = InsurerFeatures.Features.Select(f => f.Name).ToHashSet();
        foreach (var run in runs)
        {
            (await ctx.Set<ModelScoreRun>().SingleAsync(r => r.Id == run.RunId)).Status.ShouldBe(ModelScoreRunStatus.Completed);
            var rows = await ctx.Set<CustomerModelScore>().AsNoTracking().Where(s => s.RunId == run.RunId).OrderBy(s => s.CustomerId).ToListAsync();
            rows.Select(s => s.CustomerId).ShouldBe(live);
            var eligible = rows.Where(s => s.Eligible).ToList();
            eligible.Count.ShouldBeGreaterThan(live.Count / 4);
            eligible.ShouldAllBe(s => s.Score > 0 && s.Score < 1);
            eligible.Select(s => Math.Round(s.Score, 4)).Distinct().Count().ShouldBeGreaterThan(20, "scores differ between customers");
            foreach (var s in eligible)
            {
                var reasons = InsurerModelScorer.ReadReasons(s.Reasons);
                reasons.Count.ShouldBeInRange(1, 3);
                reasons.ShouldAllBe(r => names.Contains(r.Feature) && r.Value.Length > 0 && r.Effect != 0);
                reasons.Select(r => Math.Abs(r.Effect)).ShouldBeInOrder(SortDirection.Descending);
            }
            rows.Where(s => !s.Eligible).ShouldAllBe(s => s.Score == 0 && s.Reasons == "[]");
        }
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_SameDateAgain_DeletesTheReplacedRunsCustomerAndContractScores(DatabaseProvider provider)
    {
        await using var kit = await ModelKit.CreateAsync(provider);
        await kit.GenerateAsync(800, 5);
        foreach (var name in new[] { "lapse", "lapse-contract" })
        {
            var v = await kit.Trainer.BuildAsync(new ModelBuildRequest(name, ModelKit.Cutoff, null, "ana"), CancellationToken.None);
            (await kit.Registry.ApproveAsync(name, v.Version, ModelKit.User("boss"), CancellationToken.None)).Outcome.ShouldBe(ApprovalOutcome.Approved);
        }
        var dayBefore = (await kit.Scorer.RunAsync(ModelKit.AsOf.AddDays(-1), null, CancellationToken.None))!;
        var first = (await kit.Scorer.RunAsync(ModelKit.AsOf, null, CancellationToken.None))!;

        // The score tables have no foreign keys (migration 0020): the rerun itself must remove the replaced runs' rows.
        var again = (await kit.Scorer.RunAsync(ModelKit.AsOf, null, CancellationToken.None))!;

        await using var ctx = kit.Db.CreateContext();
        var replaced = first.Select(r => r.RunId).ToList();
        (await ctx.Set<CustomerModelScore>().CountAsync(s => replaced.Contains(s.RunId))).ShouldBe(0, "the replaced customer scores are gone");
        (await ctx.Set<ContractModelScore>().CountAsync(s => replaced.Contains(s.RunId))).ShouldBe(0, "the replaced contract scores are gone");
        (await ctx.Set<CustomerModelScore>().CountAsync(s => !ctx.Set<ModelScoreRun>().Any(r => r.Id == s.RunId))).ShouldBe(0, "no row outlives its run");
        (await ctx.Set<ContractModelScore>().CountAsync(s => !ctx.Set<ModelScoreRun>().Any(r => r.Id == s.RunId))).ShouldBe(0, "no row outlives its run");
        foreach (var run in dayBefore.Concat(again))
        {
            var rows = run.Subject == ModelSubject.Contract
                ? await ctx.Set<ContractModelScore>().CountAsync(s => s.RunId == run.RunId)
                : await ctx.Set<CustomerModelScore>().CountAsync(s => s.RunId == run.RunId);
            rows.ShouldBe(run.Scored, "another date's runs and the new runs keep all their rows");
            rows.ShouldBeGreaterThan(0);
        }
    }

    [Fact]
    public void ReasonsJson_IsExactlyWhatSerialisingTheReasonsGives()
    {
        Contribution[] contributions =
        [
            new(0, "age", "43.5", 0.123456789),
            new(2, "incomeBand", "From2000To4000", -1e-7),
            new(5, "premium<burden> & \"x\"", "가나 × 1", -2.50005),
            new(7, "contacts3m", "missing", 12345.678949),
        ];
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        for (var n = 0; n <= contributions.Length; n++)
        {
            var top = contributions[..n];
            var expected = JsonSerializer.Serialize(top.Select(c => new ScoreReason(c.Name, c.Value, Math.Round(c.Amount, 4))), options);

            var json = InsurerModelScorer.ReasonsJson(top);

            json.ShouldBe(expected);
            InsurerModelScorer.ReadReasons(json).Select(r => r.Feature).ShouldBe(top.Select(c => c.Name));
        }
    }
}
