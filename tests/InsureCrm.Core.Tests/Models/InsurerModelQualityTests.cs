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
        await kit.GenerateAsync(4000, 20240901, truth);
        var comparison = new TruthComparison(kit.Trainer);
        try
        {
            foreach (var model in InsurerModels.All)
            {
                var version = await kit.Trainer.BuildAsync(new ModelBuildRequest(model.Name, ModelKit.Cutoff, null, "analyst"), CancellationToken.None);
                var vs = await comparison.CompareAsync(version, truth, CancellationToken.None);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{model.Name}: rows {version.TrainRows}+{version.TestRows}, rate {version.PositiveRate:P1}, AUC {version.Auc:F3}, lift {version.TopDecileLift:F2}; vs truth on {vs.Customers} ({vs.Positives}+): model {vs.ModelAuc:F3}, truth {vs.TruthAuc:F3}"));
            }
        }
        finally
        {
            File.Delete(truth);
        }
    }
}
