using InsureCrm.Core.Common;
using InsureCrm.Core.Models;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace InsureCrm.Core.Tests.Models;

public sealed class DemoModelsTests
{
    [Fact]
    public async Task EnsureAsync_DemoInsurer_EveryBuildableModelIsAChampionTrainedAndApprovedByTwoPeopleAndScored_Once()
    {
        await using var kit = await ModelKit.CreateAsync(DatabaseProvider.Sqlite);
        await kit.GenerateAsync(3000, 7);
        await using (var ctx = kit.Db.CreateContext())
        {
            await new DemoUsers(ctx, TimeProvider.System).EnsureAsync();
        }
        var demo = new DemoModels(kit.Db.Database, kit.Trainer, kit.Registry, kit.Scorer, NullLogger<DemoModels>.Instance);

        var champions = await demo.EnsureAsync(ModelKit.AsOf, CancellationToken.None);

        var versions = await kit.Registry.ListAsync(null, CancellationToken.None);
        champions.ShouldBeGreaterThanOrEqualTo(3);
        versions.Count(v => v.Status == ModelStatus.Champion).ShouldBe(champions);
        versions.Select(v => v.Name).ShouldContain("lapse");
        versions.ShouldAllBe(v => v.TrainedBy == DemoModels.Trainer && v.ApprovedBy == DemoModels.Approver);
        await using (var ctx = kit.Db.CreateContext())
        {
            var live = await ctx.Customers.CountAsync(c => c.MergedIntoId == null);
            var lapse = versions.Single(v => v.Name == "lapse");
            var run = await ctx.Set<ModelScoreRun>().SingleAsync(r => r.ModelVersionId == lapse.Id);
            (await ctx.Set<CustomerModelScore>().CountAsync(s => s.RunId == run.Id)).ShouldBe(live);
        }

        (await demo.EnsureAsync(ModelKit.AsOf, CancellationToken.None)).ShouldBe(0, "a registry with models is left alone");
        (await kit.Registry.ListAsync(null, CancellationToken.None)).Count.ShouldBe(versions.Count);
    }
}
