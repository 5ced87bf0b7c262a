using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Models;
using InsureCrm.Core.Policies;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Tests.Models;

public sealed class ContractAgentScoringTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_ContractAndAgentChampions_OneRowPerActiveContractAndAgentWithReasonsNamingRealFeatures(DatabaseProvider provider)
    {
        await using var kit = await ModelKit.CreateAsync(provider);
        await kit.GenerateAsync(1500, 3);
        var agentCutoff = ModelKit.AsOf.AddMonths(-13);
        foreach (var (name, cutoff) in new[] { ("lapse-contract", ModelKit.Cutoff), ("agent-dropout", agentCutoff), ("recruiting", agentCutoff) })
        {
            var v = await kit.Trainer.BuildAsync(new ModelBuildRequest(name, cutoff, null, "ana"), CancellationToken.None);
            v.WindowMonths.ShouldBe(name == "lapse-contract" ? 3 : 13);
            (await kit.Registry.ApproveAsync(name, v.Version, ModelKit.User("boss"), CancellationToken.None)).Outcome.ShouldBe(ApprovalOutcome.Approved);
        }
        var asOf = ModelKit.AsOf;
        await kit.Scorer.RunAsync(asOf, null, CancellationToken.None);
        var runs = (await kit.Scorer.RunAsync(asOf, null, CancellationToken.None))!;

        runs.Select(r => (r.Name, r.Subject)).ShouldBe([("lapse-contract", ModelSubject.Contract), ("agent-dropout", ModelSubject.Agent), ("recruiting", ModelSubject.Agent)]);
        await using var ctx = kit.Db.CreateContext();
        (await ctx.Set<ModelScoreRun>().CountAsync()).ShouldBe(3, "a rerun for the same date replaces the runs");
        (await ctx.Set<CustomerModelScore>().CountAsync()).ShouldBe(0, "no customer champion");

        // Contracts active on the date by their status history, of live customers.
        var live = (await ctx.Customers.Where(c => c.MergedIntoId == null && c.CreatedAt < asOf.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)).Select(c => c.Id).ToListAsync()).ToHashSet();
        var changes = await ctx.ContractStatusChanges.AsNoTracking().Where(s => s.EffectiveDate <= asOf).ToListAsync();
        var contracts = await ctx.Contracts.AsNoTracking().Select(c => new { c.Id, c.CustomerId, c.PaymentMode }).ToListAsync();
        var status = changes.GroupBy(s => s.ContractId).ToDictionary(g => g.Key, g => g.OrderBy(s => s.EffectiveDate).ThenBy(s => s.Id).Last().ToStatus);
        var active = contracts.Where(c => live.Contains(c.CustomerId) && status.TryGetValue(c.Id, out var s) && s is ContractStatus.InForce or ContractStatus.Reinstated or ContractStatus.PaidUp).ToList();
        var contractRun = runs[0];
        var contractRows = await ctx.Set<ContractModelScore>().AsNoTracking().Where(s => s.RunId == contractRun.RunId).OrderBy(s => s.ContractId).ToListAsync();
        contractRows.Select(s => s.ContractId).ShouldBe(active.Select(c => c.Id).Order().ToList());
        contractRows.Select(s => s.CustomerId).ShouldBe(active.OrderBy(c => c.Id).Select(c => c.CustomerId).ToList(), "each row carries its holder");
        contractRows.Where(s => s.Eligible).Select(s => s.ContractId).ShouldBe(active.Where(c => status[c.Id] != ContractStatus.PaidUp && c.PaymentMode != PaymentMode.LumpSum).Select(c => c.Id).Order().ToList(),
            "premium-paying contracts are the population");
        contractRun.Scored.ShouldBe(contractRows.Count);
        AssertScores(contractRows.Where(s => s.Eligible).Select(s => (s.Score, s.Reasons)).ToList(), ContractFeatures.Features);
        contractRows.Where(s => !s.Eligible).ShouldAllBe(s => s.Score == 0 && s.Reasons == "[]");
        InsurerModelScorer.ReadReasons(string.Join(",", contractRows.Where(s => s.Eligible).Select(s => s.Reasons)).Replace("],[", ",", StringComparison.Ordinal))
            .Select(r => r.Feature).ShouldContain(f => ContractFeatures.Own.Any(o => o.Name == f), "the contract's own features drive some scores");

        var agents = await ctx.Agents.AsNoTracking().ToListAsync();
        var activeAgents = agents.Where(a => a.HireDate <= asOf && (a.TerminationDate is null || a.TerminationDate > asOf)).OrderBy(a => a.Id).ToList();
        foreach (var run in runs.Skip(1))
        {
            var rows = await ctx.Set<AgentModelScore>().AsNoTracking().Where(s => s.RunId == run.RunId).OrderBy(s => s.AgentId).ToListAsync();
            rows.Select(s => s.AgentId).ShouldBe(activeAgents.Select(a => a.Id).ToList());
            rows.Where(s => s.Eligible).Select(s => s.AgentId).ShouldBe(activeAgents.Where(a => a.HireDate > asOf.AddMonths(-13)).Select(a => a.Id).ToList(), "hires of the last 13 months");
            run.Eligible.ShouldBeGreaterThan(0);
            AssertScores(rows.Where(s => s.Eligible).Select(s => (s.Score, s.Reasons)).ToList(), InsurerModels.Find(run.Name)!.Features);
            rows.Where(s => !s.Eligible).ShouldAllBe(s => s.Score == 0 && s.Reasons == "[]");
        }
    }

    private static void AssertScores(List<(double Score, string Reasons)> eligible, IReadOnlyList<Analytics.Learning.Feature> features)
    {
        var names = features.Select(f => f.Name).ToHashSet();
        eligible.ShouldNotBeEmpty();
        eligible.ShouldAllBe(s => s.Score > 0 && s.Score < 1);
        eligible.Select(s => Math.Round(s.Score, 4)).Distinct().Count().ShouldBeGreaterThan(1, "scores differ between rows");
        foreach (var (_, json) in eligible)
        {
            var reasons = InsurerModelScorer.ReadReasons(json);
            reasons.Count.ShouldBeInRange(1, 3);
            reasons.ShouldAllBe(r => names.Contains(r.Feature) && r.Value.Length > 0 && r.Effect != 0);
            reasons.Select(r => Math.Abs(r.Effect)).ShouldBeInOrder(SortDirection.Descending);
        }
    }
}
