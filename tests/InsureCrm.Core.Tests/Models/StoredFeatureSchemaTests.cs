using System.Text;
using InsureCrm.Analytics.Learning;
using InsureCrm.Core.Common;
using InsureCrm.Core.Models;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Tests.Models;

/// <summary>
/// A champion stored before the contact-outcome features were added (its file lists the 22 features it was trained on)
/// keeps scoring on its own columns, matched by name; one that needs a feature this version does not compute stops the
/// run before anything is written, naming the feature.
/// </summary>
public sealed class StoredFeatureSchemaTests
{
    /// <summary>The customer features before issue 14's contact outcomes (monthsSinceContact, refusals12m, positiveOutcomes12m).</summary>
    private const int OldFeatureCount = 22;

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_ChampionTrainedOnTheOldFeatures_ScoresOnItsColumnsAndAMissingFeatureStopsTheRun(DatabaseProvider provider)
    {
        await using var kit = await ModelKit.CreateAsync(provider);
        await kit.GenerateAsync(800, 5);
        var model = InsurerModels.Find("lapse")!;
        var version = await kit.Trainer.BuildAsync(new ModelBuildRequest(model.Name, ModelKit.Cutoff, null, "ana"), CancellationToken.None);
        (await kit.Registry.ApproveAsync(model.Name, version.Version, ModelKit.User("boss"), CancellationToken.None)).Outcome.ShouldBe(ApprovalOutcome.Approved);
        InsurerFeatures.Features.Count.ShouldBe(OldFeatureCount + 3, "the three outcome features are appended to the 22");

        // The same champion as an older version would have stored it: trained on the first 22 columns only.
        var set = await kit.Trainer.BuildTrainingSetAsync(model, ModelKit.Cutoff, CancellationToken.None);
        var oldFeatures = InsurerFeatures.Features.Take(OldFeatureCount).ToList();
        var old = Learners.Create("logistic", 1).Fit(new Table(oldFeatures, [.. Enumerable.Range(0, OldFeatureCount).Select(j => set.Data.Column(j).ToArray())]), set.Labels);
        await StoreAsync(kit, version.Id, old);

        var runs = (await kit.Scorer.RunAsync(ModelKit.AsOf, null, CancellationToken.None))!;

        var run = runs.ShouldHaveSingleItem();
        await using (var ctx = kit.Db.CreateContext())
        {
            (await ctx.Set<ModelScoreRun>().SingleAsync(r => r.Id == run.RunId)).Status.ShouldBe(ModelScoreRunStatus.Completed);
            var scores = await ctx.Set<CustomerModelScore>().AsNoTracking().Where(s => s.RunId == run.RunId && s.Eligible)
                .ToDictionaryAsync(s => s.CustomerId, s => s.Score);
            scores.Count.ShouldBeGreaterThan(0);
            var terminations = await InsurerFeatures.AgentTerminationsAsync(ctx, CancellationToken.None);
            var chunk = await InsurerFeatures.ComputeAsync(ctx, 0, long.MaxValue, ModelKit.AsOf, withLabels: false, terminations, CancellationToken.None);
            var row = new double[chunk.Columns.Length];
            var checkedRows = 0;
            for (var r = 0; r < chunk.Rows; r++)
            {
                if (scores.TryGetValue(chunk.CustomerIds[r], out var stored))
                {
                    chunk.CopyRow(r, row);
                    stored.ShouldBe(old.Predict(row.AsSpan(0, OldFeatureCount)), 1e-9, "the old champion scores its own 22 columns");
                    checkedRows++;
                }
            }
            checkedRows.ShouldBe(scores.Count);
        }

        // A champion that needs a feature no longer computed.
        var renamed = oldFeatures.Select(f => f.Name == "contacts12m" ? Feature.Numeric("contacts24m") : f).ToList();
        var gone = Learners.Create("logistic", 1).Fit(new Table(renamed, [.. Enumerable.Range(0, OldFeatureCount).Select(j => set.Data.Column(j).ToArray())]), set.Labels);
        await StoreAsync(kit, version.Id, gone);
        int runsBefore;
        await using (var ctx = kit.Db.CreateContext())
        {
            runsBefore = await ctx.Set<ModelScoreRun>().CountAsync();
        }

        var refused = await Should.ThrowAsync<InvalidOperationException>(() => kit.Scorer.RunAsync(ModelKit.AsOf.AddDays(1), null, CancellationToken.None));

        refused.Message.ShouldContain("contacts24m");
        refused.Message.ShouldContain("train and approve a new version");
        await using (var ctx = kit.Db.CreateContext())
        {
            (await ctx.Set<ModelScoreRun>().CountAsync()).ShouldBe(runsBefore, "nothing is written for a champion that cannot be scored");
        }
    }

    private static async Task StoreAsync(ModelKit kit, long versionId, IClassifier classifier)
    {
        using var stream = new MemoryStream();
        ModelFile.Save(classifier, stream);
        var artifact = Encoding.UTF8.GetString(stream.ToArray());
        await using var ctx = kit.Db.CreateContext();
        (await ctx.Set<ModelVersion>().Where(v => v.Id == versionId).ExecuteUpdateAsync(s => s.SetProperty(v => v.Artifact, artifact))).ShouldBe(1);
    }
}
