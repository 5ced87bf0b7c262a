using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Models;
using Xunit.Abstractions;

namespace InsureCrm.Core.Tests.Models;

public sealed class InsurerModelQualityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task BuildAsync_GeneratedInsurer_HeldOutAucAboveChanceAndNearTheTruth()
    {
        await using var kit = await ModelKit.CreateAsync(DatabaseProvider.Sqlite);
        var truth = Path.Combine(Path.GetTempPath(), "insurecrm-tests", Guid.NewGuid().ToString("N") + ".csv");
        Directory.CreateDirectory(Path.GetDirectoryName(truth)!);
        await kit.GenerateAsync(12000, 20240901, truth);
        var comparison = new TruthComparison(kit.Trainer);
        var results = new Dictionary<string, (ModelVersion Version, TruthComparisonResult Truth)>();
        try
        {
            foreach (var model in InsurerModels.Customer.Where(m => m.Families is null))
            {
                var version = await kit.Trainer.BuildAsync(new ModelBuildRequest(model.Name, ModelKit.Cutoff, null, "analyst"), CancellationToken.None);
                var vs = await comparison.CompareAsync(version, truth, CancellationToken.None);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{model.Name}: rows {version.TrainRows}+{version.TestRows}, rate {version.PositiveRate:P1}, AUC {version.Auc:F3}, lift {version.TopDecileLift:F2}; vs truth on {vs.Customers} ({vs.Positives}+): model {vs.ModelAuc:F3}, truth {vs.TruthAuc:F3}"));
                results[model.Name] = (version, vs);
            }
        }
        finally
        {
            File.Delete(truth);
        }

        // Lapse and purchase have enough events in 12,000 customers to measure; loan (≈ 0.6 %) does not.
        results["lapse"].Version.Auc.ShouldBeGreaterThan(0.6);
        results["purchase"].Version.Auc.ShouldBeGreaterThan(0.55);
        results["lapse"].Version.TopDecileLift.ShouldBeGreaterThan(1.5);
        results["purchase"].Version.TopDecileLift.ShouldBeGreaterThan(1.5);
        // The truth's probabilities are those at the end of the window (after the events), which hurts lapse
        // (a lapsed contract no longer adds hazard) and flatters purchase (a purchase brings a recent contact
        // and a holding): the model must at least match the truth on lapse and stay within reach on purchase.
        results["lapse"].Truth.ModelAuc.ShouldBeGreaterThanOrEqualTo(results["lapse"].Truth.TruthAuc);
        results["purchase"].Truth.ModelAuc.ShouldBeGreaterThan(results["purchase"].Truth.TruthAuc - 0.4);
        results["lapse"].Truth.ModelAuc.ShouldBe(results["lapse"].Version.Auc, 1e-9, "the comparison scores the same held-out customers as the build");
    }
}
