using InsureCrm.Core.Common;
using InsureCrm.Core.Models;
using InsureCrm.Core.Security;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Tests.Models;

public sealed class ModelRegistryTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ApproveAsync_Challenger_BecomesTheOnlyChampionAndRetiresThePreviousOne(DatabaseProvider provider)
    {
        await using var kit = await ModelKit.CreateAsync(provider);
        foreach (var _ in Enumerable.Range(0, 3))
        {
            await kit.Registry.AddAsync(new ModelVersion { Name = "lapse", Algorithm = "logistic", TrainedBy = "ana", Artifact = "{}" }, CancellationToken.None);
        }
        await kit.Registry.AddAsync(new ModelVersion { Name = "purchase", Algorithm = "logistic", TrainedBy = "ana", Artifact = "{}" }, CancellationToken.None);
        (await kit.Registry.ListAsync("lapse", CancellationToken.None)).Select(v => v.Version).ShouldBe([1, 2, 3]);
        var admin = ModelKit.User("boss");

        (await kit.Registry.ApproveAsync("lapse", 1, admin, CancellationToken.None)).Outcome.ShouldBe(ApprovalOutcome.Approved);
        var second = await kit.Registry.ApproveAsync("lapse", 2, admin, CancellationToken.None);
        second.Outcome.ShouldBe(ApprovalOutcome.Approved);
        second.RetiredChampion!.Version.ShouldBe(1);
        (await kit.Registry.ApproveAsync("lapse", 1, admin, CancellationToken.None)).Outcome.ShouldBe(ApprovalOutcome.Retired);
        (await kit.Registry.ApproveAsync("lapse", 2, admin, CancellationToken.None)).Outcome.ShouldBe(ApprovalOutcome.AlreadyChampion);
        (await kit.Registry.ApproveAsync("lapse", 9, admin, CancellationToken.None)).Outcome.ShouldBe(ApprovalOutcome.NotFound);
        (await kit.Registry.ApproveAsync("lapse", 3, ModelKit.User("ana"), CancellationToken.None)).Outcome.ShouldBe(ApprovalOutcome.OwnModel);

        var lapse = await kit.Registry.ListAsync("lapse", CancellationToken.None);
        lapse.Select(v => v.Status).ShouldBe([ModelStatus.Retired, ModelStatus.Champion, ModelStatus.Challenger]);
        lapse[1].ApprovedBy.ShouldBe("boss");
        lapse[0].RetiredAt.ShouldNotBeNull();
        (await kit.Registry.ListAsync("purchase", CancellationToken.None)).Single().Status.ShouldBe(ModelStatus.Challenger, "approving lapse leaves purchase alone");
        (await kit.Registry.ChampionsAsync(CancellationToken.None)).Select(c => (c.Name, c.Version)).ShouldBe([("lapse", 2)]);

        await using var ctx = kit.Db.CreateContext();
        var logged = await ctx.AccessLog.Where(e => e.UserName == "boss").Select(e => e.Detail).ToListAsync();
        logged.Count.ShouldBe(2, "each approval, and only approvals, is access-logged");
        logged.ShouldContain(d => d!.StartsWith("model approve lapse v2", StringComparison.Ordinal) && d.Contains("retired v1", StringComparison.Ordinal));
    }
}
