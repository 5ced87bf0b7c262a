using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Models;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace InsureCrm.Core.Tests.Models;

public sealed class DemoModelsTests
{
    [Fact]
    public async Task EnsureAsync_DemoInsurer_EveryBuildableModelIsAChampionTrainedAndApprovedByTwoPeopleAndScored_Once_AndTheManagerSeesTheBranchsAgents()
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

        // The demo manager's dropout and recruiting pages list exactly the branch's agents in each model's population.
        var agentChampions = versions.Where(v => v.Status == ModelStatus.Champion && v.Name is "agent-dropout" or "recruiting").ToList();
        agentChampions.Select(v => v.Name).ShouldContain("agent-dropout");
        foreach (var champion in agentChampions)
        {
            CrmUser manager;
            List<long> branchAgents;
            await using (var ctx = kit.Db.CreateContext())
            {
                var branch = (await ctx.Users.SingleAsync(u => u.UserName == "manager")).BranchId!.Value;
                manager = new CrmUser(3, "manager", Role.BranchManager, null, branch, null, "test");
                var run = await ctx.Set<ModelScoreRun>().SingleAsync(r => r.ModelVersionId == champion.Id);
                branchAgents = await ctx.Set<AgentModelScore>().Where(s => s.RunId == run.Id && s.Eligible)
                    .Join(ctx.Agents.Where(a => a.BranchId == branch), s => s.AgentId, a => a.Id, (s, a) => a.Id).ToListAsync();
            }
            var list = await new AgentScoreQueries(kit.Db.Database).TopAsync(manager, champion.Name, 100);
            list!.Agents.ShouldNotBeEmpty(champion.Name);
            list.Agents.Select(a => a.AgentId).ShouldBe(branchAgents, ignoreOrder: true, champion.Name);
        }

        (await demo.EnsureAsync(ModelKit.AsOf, CancellationToken.None)).ShouldBe(0, "a registry with models is left alone");
        (await kit.Registry.ListAsync(null, CancellationToken.None)).Count.ShouldBe(versions.Count);
    }
}
