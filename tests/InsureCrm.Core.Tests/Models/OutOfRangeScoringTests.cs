using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Models;
using InsureCrm.Core.Policies;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace InsureCrm.Core.Tests.Models;

/// <summary>Rows an older version or a hand-written UPDATE left out of range: scoring skips their customers and agents, counted by reason.</summary>
[Collection(nameof(InsureCrm.Tests.Models.ConsoleSwappingTests))]
public sealed class OutOfRangeScoringTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_OutOfRangeRowsWrittenBySql_SkipsThoseCustomersAndAgentsAndScoresTheRest(DatabaseProvider provider)
    {
        await using var kit = await ModelKit.CreateAsync(provider);
        await kit.GenerateAsync(1500, 3);
        foreach (var (name, cutoff) in new[] { ("lapse", ModelKit.Cutoff), ("agent-dropout", ModelKit.AsOf.AddMonths(-13)) })
        {
            var v = await kit.Trainer.BuildAsync(new ModelBuildRequest(name, cutoff, null, "ana"), CancellationToken.None);
            (await kit.Registry.ApproveAsync(name, v.Version, ModelKit.User("boss"), CancellationToken.None)).Outcome.ShouldBe(ApprovalOutcome.Approved);
        }
        long born, insured, contract, agent;
        await using (var ctx = kit.Db.CreateContext())
        {
            var held = await (from c in ctx.Contracts
                              join k in ctx.Customers on c.CustomerId equals k.Id
                              where k.MergedIntoId == null && c.Status == ContractStatus.InForce && c.IssueDate < ModelKit.Cutoff
                              orderby c.CustomerId, c.Id
                              select new { c.CustomerId, c.Id }).ToListAsync();
            (insured, contract) = (held[0].CustomerId, held[0].Id);
            born = held.First(h => h.CustomerId != insured).CustomerId;
            agent = await ctx.Agents.Where(a => a.TerminationDate == null).OrderBy(a => a.Id).Select(a => a.Id).FirstAsync();
        }
        await Value.OutOfRangeRowsTests.SqlAsync(kit.Db, $"UPDATE customer SET birth_date = '0001-01-01' WHERE id = {born}");
        await Value.OutOfRangeRowsTests.SqlAsync(kit.Db, $"UPDATE contract SET premium = 100000000000000000 WHERE id = {contract}");
        await Value.OutOfRangeRowsTests.SqlAsync(kit.Db, $"UPDATE agent SET hire_date = '0001-01-01' WHERE id = {agent}");

        var runs = (await kit.Scorer.RunAsync(ModelKit.AsOf, null, CancellationToken.None)).ShouldNotBeNull();

        var lapse = runs.Single(r => r.Name == "lapse");
        lapse.Skips.ShouldBe(new Dictionary<string, int> { [SkipReason.BirthDate] = 1, [SkipReason.Premium] = 1 }, ignoreOrder: true);
        var dropout = runs.Single(r => r.Name == "agent-dropout");
        dropout.Skips.ShouldBe(new Dictionary<string, int> { [SkipReason.AgentDate] = 1 });
        await using var check = kit.Db.CreateContext();
        var live = await check.Customers.Where(c => c.MergedIntoId == null).Select(c => c.Id).ToListAsync();
        var scored = await check.Set<CustomerModelScore>().Where(s => s.RunId == lapse.RunId).Select(s => s.CustomerId).ToListAsync();
        scored.Order().ShouldBe(live.Except([born, insured]).Order());
        (await check.Set<AgentModelScore>().AnyAsync(s => s.RunId == dropout.RunId && s.AgentId == agent)).ShouldBeFalse();
        (await check.Set<AgentModelScore>().CountAsync(s => s.RunId == dropout.RunId)).ShouldBeGreaterThan(0);
        var stored = await check.Set<ModelScoreRun>().SingleAsync(r => r.Id == lapse.RunId);
        (stored.Status, stored.Skipped, SkipCounts.FromJson(stored.SkipReasons)[SkipReason.Premium]).ShouldBe((ModelScoreRunStatus.Completed, 2, 1));

        // The command says so too, with reason codes and without the values.
        await InsureCrm.Tests.Security.TestUsers.AddAsync(kit.Db, "ana", InsureCrm.Core.Security.Role.Analyst);
        var config = new ConfigurationBuilder().AddInMemoryCollection(kit.Db.Settings).Build();
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            (await InsureCrm.Cli.CliApp.RunAsync(["model", "run", "--as-of", "2025-06-30", "--as", "ana"], config)).ShouldBe(0);
        }
        finally
        {
            Console.SetOut(original);
        }
        output.ToString().ShouldContain("; 2 skipped (birth_date_out_of_range 1, premium_out_of_range 1) customers with stored values out of range (ids in the log)");
        output.ToString().ShouldContain("; 1 skipped (agent_date_out_of_range 1) agents with stored values out of range");
        output.ToString().ShouldNotContain("0001-01-01");
    }
}
