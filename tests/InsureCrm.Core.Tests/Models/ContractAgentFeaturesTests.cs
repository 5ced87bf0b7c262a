using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Models;
using InsureCrm.Core.Policies;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Tests.Models;

public sealed class ContractAgentFeaturesTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ContractFeatures_EventsAfterTheCutoff_LeaveRowsAloneAndOnlyAWindowLapseSetsTheLabel(DatabaseProvider provider)
    {
        await using var kit = await ModelKit.CreateAsync(provider);
        await kit.GenerateAsync(400, 7);
        var cutoff = ModelKit.Cutoff;
        var before = await ContractsAsync(kit, cutoff);
        // A premium-paying contract with a selling agent still working at the cutoff, not lapsing in the window.
        long contractId = 0, sellerId = 0;
        int row;
        await using (var ctx = kit.Db.CreateContext())
        {
            var candidates = Enumerable.Range(0, before.Rows).Where(r => before.Eligible[0][r] && !before.Labels[0][r] && before.Columns[ContractFeatures.Orphaned][r] == 0).ToList();
            row = -1;
            foreach (var r in candidates)
            {
                var c = await ctx.Contracts.AsNoTracking().SingleAsync(x => x.Id == before.Ids[r]);
                if (c.SellingAgentId is { } a)
                {
                    (row, contractId, sellerId) = (r, c.Id, a);
                    break;
                }
            }
            row.ShouldBeGreaterThanOrEqualTo(0, "the generated book has a premium-paying contract with a selling agent");
            var holder = before.SplitKeys[row];

            // After the cutoff: the seller leaves, the contract is handed to another servicing agent, the holder complains, the contract lapses after the window.
            var agent = await ctx.Agents.SingleAsync(a => a.Id == sellerId);
            agent.TerminationDate = cutoff.AddDays(3);
            var contract = await ctx.Contracts.SingleAsync(c => c.Id == contractId);
            contract.ServicingAgentId = null;
            ctx.Add(new ContractStatusChange { ContractId = contractId, CustomerId = holder, ToStatus = ContractStatus.Lapsed, EffectiveDate = cutoff.AddMonths(4), RecordedAt = DateTime.UtcNow });
            ctx.Add(new Interaction { CustomerId = holder, OccurredAt = cutoff.AddDays(2).ToDateTime(new TimeOnly(10, 0), DateTimeKind.Utc), Channel = InteractionChannel.PhoneIn,
                Direction = InteractionDirection.Inbound, Purpose = InteractionPurpose.Complaint, Outcome = InteractionOutcome.FollowUp });
            await ctx.SaveChangesAsync();
        }
        var after = await ContractsAsync(kit, cutoff);
        var r2 = Array.IndexOf(after.Ids, contractId);
        Row(after, r2).ShouldBe(Row(before, row), "data dated after the cutoff changed a contract feature");
        after.Labels[0][r2].ShouldBeFalse("a lapse after the window is not a window event");

        await using (var ctx = kit.Db.CreateContext())
        {
            ctx.Add(new ContractStatusChange { ContractId = contractId, CustomerId = before.SplitKeys[row], ToStatus = ContractStatus.Lapsed, EffectiveDate = cutoff.AddDays(20), RecordedAt = DateTime.UtcNow });
            await ctx.SaveChangesAsync();
        }
        var inWindow = await ContractsAsync(kit, cutoff);
        var r3 = Array.IndexOf(inWindow.Ids, contractId);
        Row(inWindow, r3).ShouldBe(Row(before, row));
        inWindow.Labels[0][r3].ShouldBeTrue("a lapse in the window sets the contract's label");
        inWindow.Labels[0].Count(l => l).ShouldBe(before.Labels[0].Count(l => l) + 1, "only that contract's label changed");

        // As of a later date the seller's leaving is history: the contract is orphaned.
        var later = await ContractsAsync(kit, cutoff.AddDays(10));
        later.Columns[ContractFeatures.Orphaned][Array.IndexOf(later.Ids, contractId)].ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AgentFeatures_EventsAfterTheDate_LeaveRowsAloneAndLabelsFollowThe13MonthAnniversary(DatabaseProvider provider)
    {
        await using var kit = await ModelKit.CreateAsync(provider);
        await kit.GenerateAsync(1000, 11);
        var date = ModelKit.AsOf.AddMonths(-13);
        var before = await AgentsAsync(kit, InsurerModels.AgentDropout, date);
        var hireBefore = await AgentsAsync(kit, InsurerModels.Recruiting, date);
        await using (var ctx = kit.Db.CreateContext())
        {
            var agents = await ctx.Agents.AsNoTracking().ToListAsync();
            before.Ids.ShouldBe(agents.Where(a => a.HireDate > date.AddMonths(-13) && a.HireDate <= date && (a.TerminationDate is null || a.TerminationDate > date)).Select(a => a.Id).Order().ToArray(),
                "agent-dropout: hired in the 13 months before the date and still there");
            before.Ids.ShouldNotBeEmpty();
            for (var r = 0; r < before.Rows; r++)
            {
                var a = agents.Single(x => x.Id == before.Ids[r]);
                before.Labels[0][r].ShouldBe(a.TerminationDate < a.HireDate.AddMonths(13), "label: left before the 13-month anniversary");
            }
        }
        // An agent who stays past the anniversary: sales, contacts and leaving after the date change nothing.
        var row = Enumerable.Range(0, before.Rows).First(r => !before.Labels[0][r]);
        var agentId = before.Ids[row];
        await using (var ctx = kit.Db.CreateContext())
        {
            var agent = await ctx.Agents.SingleAsync(a => a.Id == agentId);
            var customer = await ctx.Customers.OrderBy(c => c.Id).FirstAsync();
            var product = await ctx.Products.FirstAsync(p => !p.IsRider && p.Line == ProductLine.Life);
            ctx.Add(new Contract
            {
                ContractNumber = "T-AGENT-1", ProductId = product.Id, CustomerId = customer.Id, Premium = 100_000m, SumAssured = 1m, SellingAgentId = agentId,
                PaymentMode = PaymentMode.Monthly, PaymentMethod = PaymentMethod.Card, IssueDate = date.AddDays(1), Status = ContractStatus.InForce, StatusDate = date.AddDays(1),
            });
            ctx.Add(new Interaction { CustomerId = customer.Id, AgentId = agentId, OccurredAt = date.AddDays(2).ToDateTime(new TimeOnly(10, 0), DateTimeKind.Utc), Channel = InteractionChannel.Visit,
                Direction = InteractionDirection.Outbound, Purpose = InteractionPurpose.Sales, Outcome = InteractionOutcome.Completed });
            agent.TerminationDate = agent.HireDate.AddMonths(13).AddDays(5);
            await ctx.SaveChangesAsync();
        }
        var after = await AgentsAsync(kit, InsurerModels.AgentDropout, date);
        var r2 = Array.IndexOf(after.Ids, agentId);
        Row(after, r2).ShouldBe(Row(before, row), "data dated after the date changed an agent feature");
        after.Labels[0][r2].ShouldBeFalse("leaving after the anniversary is not a 13-month dropout");
        var hireAfter = await AgentsAsync(kit, InsurerModels.Recruiting, date);
        hireAfter.Ids.ShouldBe(hireBefore.Ids);
        Row(hireAfter, Array.IndexOf(hireAfter.Ids, agentId)).ShouldBe(Row(hireBefore, Array.IndexOf(hireBefore.Ids, agentId)), "recruiting sees only what was known at hire");

        // Leaving before the anniversary (after the date) sets the dropout label and clears the recruiting one; features unchanged.
        await using (var ctx = kit.Db.CreateContext())
        {
            var agent = await ctx.Agents.SingleAsync(a => a.Id == agentId);
            agent.TerminationDate = new[] { date.AddDays(20), agent.HireDate.AddMonths(13).AddDays(-1) }.Min();
            await ctx.SaveChangesAsync();
        }
        var left = await AgentsAsync(kit, InsurerModels.AgentDropout, date);
        var r3 = Array.IndexOf(left.Ids, agentId);
        Row(left, r3).ShouldBe(Row(before, row));
        left.Labels[0][r3].ShouldBeTrue();
        var hireLeft = await AgentsAsync(kit, InsurerModels.Recruiting, date);
        hireLeft.Labels[0][Array.IndexOf(hireLeft.Ids, agentId)].ShouldBeFalse("recruiting's label is staying 13 months");
        hireBefore.Labels[0][Array.IndexOf(hireBefore.Ids, agentId)].ShouldBeTrue();
    }

    private static async Task<SubjectChunk> ContractsAsync(ModelKit kit, DateOnly cutoff)
    {
        await using var ctx = kit.Db.CreateContext();
        var terminations = await InsurerFeatures.AgentTerminationsAsync(ctx, CancellationToken.None);
        return ContractFeatures.From(await InsurerFeatures.ComputeAsync(ctx, 0, long.MaxValue, cutoff, withLabels: true, terminations, CancellationToken.None), cutoff);
    }

    private static async Task<SubjectChunk> AgentsAsync(ModelKit kit, InsurerModel model, DateOnly date)
    {
        await using var ctx = kit.Db.CreateContext();
        var history = await AgentHistory.LoadAsync(ctx, AgentFeatures.HiredFrom(model, date, training: false), ModelKit.AsOf, CancellationToken.None);
        return AgentFeatures.Compute(history, model, date, withLabels: true);
    }

    private static double[] Row(SubjectChunk chunk, int row)
    {
        var values = new double[chunk.Columns.Length];
        chunk.CopyRow(row, values);
        return values;
    }
}
