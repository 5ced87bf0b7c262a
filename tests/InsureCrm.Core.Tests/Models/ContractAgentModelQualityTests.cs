using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Models;
using Xunit.Abstractions;

namespace InsureCrm.Core.Tests.Models;

public sealed class ContractAgentModelQualityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task BuildAsync_GeneratedInsurer_ContractLapseAndAgentDropoutRankAboveChance()
    {
        await using var kit = await ModelKit.CreateAsync(DatabaseProvider.Sqlite);
        await kit.GenerateAsync(12000, 20240901);
        var agentCutoff = ModelKit.AsOf.AddMonths(-13);
        var results = new Dictionary<string, ModelVersion>();
        foreach (var model in InsurerModels.All.Where(m => m.Subject != ModelSubject.Customer || m.Families is not null))
        {
            var cutoff = model.Subject == ModelSubject.Agent ? agentCutoff : ModelKit.Cutoff;
            var version = await kit.Trainer.BuildAsync(new ModelBuildRequest(model.Name, cutoff, null, "analyst"), CancellationToken.None);
            var set = await kit.Trainer.BuildTrainingSetAsync(model, cutoff, CancellationToken.None);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{model.Name}: rows {version.TrainRows}+{version.TestRows} ({set.CustomerIds.Distinct().Count()} distinct keys), events {set.Positives}, rate {version.PositiveRate:P1}, AUC {version.Auc:F3}, lift {version.TopDecileLift:F2}"));
            results[model.Name] = version;
        }

        // Measured (seed 20240901): lapse-contract AUC 0.605 on 312 events; agent-dropout 0.911 on 49 agents
        // (tenure so far and kind carry it; the hidden talent does not show), so only "above chance" is robust for agents.
        results["lapse-contract"].Auc.ShouldBeGreaterThan(0.55);
        results["lapse-contract"].TopDecileLift.ShouldBeGreaterThan(1.2);
        results["agent-dropout"].Auc.ShouldBeGreaterThan(0.6);
        results["agent-dropout"].WindowMonths.ShouldBe(13);
    }
}
