using InsureCrm.Core.Common;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Models;
using InsureCrm.Core.Policies;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Tests.Models;

public sealed class InsurerFeaturesTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ComputeAsync_EventsAfterTheCutoff_LeaveFeaturesAloneAndOnlyWindowEventsSetLabels(DatabaseProvider provider)
    {
        await using var kit = await ModelKit.CreateAsync(provider);
        await kit.GenerateAsync(400, 7);
        var cutoff = ModelKit.Cutoff;
        var before = await ChunkAsync(kit, cutoff);
        // A customer holding a premium-paying contract at the cutoff who neither lapses nor buys in the window.
        var row = Enumerable.Range(0, before.Rows).First(r => before.Eligible[0][r] && !before.Labels[0][r] && !before.Labels[1][r]);
        var customerId = before.CustomerIds[row];
        long payingContract;
        await using (var ctx = kit.Db.CreateContext())
        {
            var contracts = await ctx.Contracts.AsNoTracking().Where(c => c.CustomerId == customerId && c.PaymentMode != PaymentMode.LumpSum).ToListAsync();
            var changes = await ctx.ContractStatusChanges.AsNoTracking().Where(s => s.CustomerId == customerId && s.EffectiveDate <= cutoff).ToListAsync();
            payingContract = contracts.First(c => changes.Where(s => s.ContractId == c.Id).OrderBy(s => s.EffectiveDate).ThenBy(s => s.Id).LastOrDefault()?.ToStatus
                is ContractStatus.InForce or ContractStatus.Reinstated).Id;

            // After the window: a lapse, a new contract, a contact. None may show in the features or labels as of the cutoff.
            var product = await ctx.Products.FirstAsync(p => !p.IsRider && p.Line == ProductLine.Life);
            var late = new Contract
            {
                ContractNumber = "T-LATE-1", ProductId = product.Id, CustomerId = customerId, Premium = 900_000m, SumAssured = 1m,
                PaymentMode = PaymentMode.Monthly, PaymentMethod = PaymentMethod.Cash, IssueDate = cutoff.AddMonths(4), Status = ContractStatus.InForce, StatusDate = cutoff.AddMonths(4),
            };
            ctx.Add(late);
            await ctx.SaveChangesAsync();
            ctx.Add(new ContractStatusChange { ContractId = late.Id, CustomerId = customerId, ToStatus = ContractStatus.Applied, EffectiveDate = cutoff.AddMonths(4), RecordedAt = DateTime.UtcNow, Reason = "application" });
            ctx.Add(new ContractStatusChange { ContractId = payingContract, CustomerId = customerId, ToStatus = ContractStatus.Lapsed, EffectiveDate = cutoff.AddMonths(4), RecordedAt = DateTime.UtcNow });
            ctx.Add(new Interaction { CustomerId = customerId, OccurredAt = cutoff.AddDays(2).ToDateTime(new TimeOnly(10, 0), DateTimeKind.Utc), Channel = InteractionChannel.Visit,
                Direction = InteractionDirection.Outbound, Purpose = InteractionPurpose.Complaint, Outcome = InteractionOutcome.FollowUp });
            await ctx.SaveChangesAsync();
        }
        var afterWindow = await ChunkAsync(kit, cutoff);
        var r2 = Array.IndexOf(afterWindow.CustomerIds, customerId);
        Row(afterWindow, r2).ShouldBe(Row(before, row), "data dated after the cutoff changed a feature");
        afterWindow.Labels[0][r2].ShouldBeFalse("a lapse after the window is not a window event");
        afterWindow.Labels[1][r2].ShouldBeFalse("a purchase after the window is not a window event");

        // In the window: a lapse of the paying contract and a new application set the labels, features still unchanged.
        await using (var ctx = kit.Db.CreateContext())
        {
            ctx.Add(new ContractStatusChange { ContractId = payingContract, CustomerId = customerId, ToStatus = ContractStatus.Lapsed, EffectiveDate = cutoff.AddDays(20), RecordedAt = DateTime.UtcNow });
            var late = await ctx.Contracts.SingleAsync(c => c.ContractNumber == "T-LATE-1");
            ctx.Add(new ContractStatusChange { ContractId = late.Id, CustomerId = customerId, ToStatus = ContractStatus.Applied, EffectiveDate = cutoff.AddDays(30), RecordedAt = DateTime.UtcNow, Reason = "application" });
            late.IssueDate = cutoff.AddDays(40);
            await ctx.SaveChangesAsync();
        }
        var inWindow = await ChunkAsync(kit, cutoff);
        var r3 = Array.IndexOf(inWindow.CustomerIds, customerId);
        Row(inWindow, r3).ShouldBe(Row(before, row));
        inWindow.Labels[0][r3].ShouldBeTrue("a lapse in the window sets the lapse label");
        inWindow.Labels[1][r3].ShouldBeTrue("an application in the window sets the purchase label");

        // As of a later date the same lapse is history: the contract no longer counts as premium-paying.
        var later = await ChunkAsync(kit, cutoff.AddDays(25));
        var r4 = Array.IndexOf(later.CustomerIds, customerId);
        later.Columns[InsurerFeatures.PremiumPaying][r4].ShouldBe(before.Columns[InsurerFeatures.PremiumPaying][row] - 1);
    }

    private static async Task<FeatureChunk> ChunkAsync(ModelKit kit, DateOnly cutoff)
    {
        await using var ctx = kit.Db.CreateContext();
        var terminations = await InsurerFeatures.AgentTerminationsAsync(ctx, CancellationToken.None);
        return await InsurerFeatures.ComputeAsync(ctx, 0, long.MaxValue, cutoff, withLabels: true, terminations, CancellationToken.None);
    }

    private static double[] Row(FeatureChunk chunk, int row)
    {
        var values = new double[chunk.Columns.Length];
        chunk.CopyRow(row, values);
        return values;
    }
}
