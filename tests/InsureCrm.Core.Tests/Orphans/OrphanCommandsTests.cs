using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Orphans;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Tests.Models;
using InsureCrm.Tests.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace InsureCrm.Tests.Orphans;

/// <summary><c>insurecrm agents terminate</c> and <c>orphans detect|assign|report</c> on a generated insurer, as an operator runs them.</summary>
[Collection(nameof(ConsoleSwappingTests))]
public sealed class OrphanCommandsTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task TerminateAssignReport_GeneratedInsurer_EveryOrphanAssignedWithCountsAndNoNames(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var config = new ConfigurationBuilder().AddInMemoryCollection(db.Settings).Build();
        await TestUsers.AddAsync(db, "ops", Role.Admin);
        await TestUsers.AddAsync(db, "mkt", Role.Marketer);
        (await CliConsole.RunAsync(config, "generate", "--customers", "600", "--as-of", "2026-12-01", "--as", "ops")).Exit.ShouldBe(0);
        string code;
        string[] names;
        int expected;
        await using (var ctx = db.CreateContext())
        {
            // The active FC with the most customers on active contracts.
            var busiest = await ctx.Contracts.AsNoTracking()
                .Where(k => k.ServicingAgentId != null && OrphanService.ActiveStatuses.Contains(k.Status))
                .Join(ctx.Agents.Where(a => a.Status == AgentStatus.Active && a.Kind == AgentKind.Fc), k => k.ServicingAgentId, a => a.Id, (k, a) => new { a.Code, k.CustomerId })
                .Distinct().GroupBy(x => x.Code).Select(g => new { g.Key, Count = g.Count() }).OrderByDescending(g => g.Count).FirstAsync();
            code = busiest.Key;
            expected = busiest.Count;
            names = await ctx.Customers.AsNoTracking().Select(c => c.Name).Take(50).ToArrayAsync();
        }

        var unknown = await CliConsole.RunAsync(config, "agents", "terminate", "ZZ-NOBODY", "--date", "2026-12-01", "--as", "ops");
        unknown.Exit.ShouldBe(1);
        unknown.Error.ShouldContain("'ZZ-NOBODY'");
        (await CliConsole.RunAsync(config, "agents", "terminate", code, "--date", "2026-12-01", "--as", "mkt")).Exit.ShouldBe(1);
        (await CliConsole.RunAsync(config, "orphans", "assign", "--as-of", "2026-02-30", "--as", "ops")).Exit.ShouldBe(1);

        var terminate = await CliConsole.RunAsync(config, "agents", "terminate", code, "--date", "2026-12-01", "--as", "ops");
        terminate.Exit.ShouldBe(0);
        terminate.Output.ShouldContain($"{expected} customers");
        var detect = await CliConsole.RunAsync(config, "orphans", "detect", "--as-of", "2026-12-03", "--as", "ops");
        detect.Output.ShouldStartWith($"{expected} customers would be orphaned as of 2026-12-03");
        var assign = await CliConsole.RunAsync(config, "orphans", "assign", "--as-of", "2026-12-03", "--as", "ops");
        assign.Exit.ShouldBe(0);
        assign.Output.ShouldContain($"{expected} to assign, {expected} assigned, 0 left unassigned (load cap 300)");
        var report = await CliConsole.RunAsync(config, "orphans", "report", "--as-of", "2026-12-09", "--as", "ops");
        report.Output.ShouldContain($"{expected} open, {expected} past the first-contact due day");   // due 2026-12-08
        // The dashboard's figures follow: every case past its deadline uncontacted is a breach; the control wave is off by default.
        report.Output.ShouldContain($"First contact: {expected} of {expected} cases past their deadline breached it (100.0 %).");
        report.Output.ShouldContain("Control wave off (Orphans:ControlShare = 0, the default).");
        report.Output.ShouldContain("horizon\timmediate\tn\tcontrol\tn\tdifference_pp\tci95_low\tci95_high");
        report.Output.ShouldContain("an observational comparison, not a causal effect");
        foreach (var output in new[] { terminate.Output, detect.Output, assign.Output, report.Output })
        {
            names.Where(n => output.Contains(n, StringComparison.Ordinal)).ShouldBeEmpty();
        }
        await using (var ctx = db.CreateContext())
        {
            (await ctx.OrphanCases.CountAsync(c => c.State == OrphanState.Assigned && c.FirstContactDue == new DateOnly(2026, 12, 8))).ShouldBe(expected);
        }
    }
}
