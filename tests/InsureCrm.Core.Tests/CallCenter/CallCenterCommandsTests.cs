using InsureCrm.Core.CallCenter;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using InsureCrm.Tests.Models;
using InsureCrm.Tests.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace InsureCrm.Tests.CallCenter;

/// <summary><c>insurecrm callcenter queues build|show</c>, <c>report</c> and <c>skills</c> on a generated insurer, as an operator runs them.</summary>
[Collection(nameof(ConsoleSwappingTests))]
public sealed class CallCenterCommandsTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task BuildShowReportSkills_GeneratedInsurer_CountsMatchTheQueuesAndNoNames(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var config = new ConfigurationBuilder().AddInMemoryCollection(db.Settings).Build();
        await TestUsers.AddAsync(db, "ops", Role.Admin);
        await TestUsers.AddAsync(db, "cc1", Role.CallCenter);
        await TestUsers.AddAsync(db, "sup", Role.CallCenterSupervisor);
        (await CliConsole.RunAsync(config, "generate", "--customers", "600", "--as-of", "2026-12-01", "--as", "ops")).Exit.ShouldBe(0);

        (await CliConsole.RunAsync(config, "callcenter", "queues", "build", "--as-of", "2026-02-30", "--as", "ops")).Exit.ShouldBe(1);
        (await CliConsole.RunAsync(config, "callcenter", "queues", "build", "--as-of", "2026-12-01", "--as", "cc1")).Exit.ShouldBe(1);
        var build = await CliConsole.RunAsync(config, "callcenter", "queues", "build", "--as-of", "2026-12-01", "--as", "ops");
        var badKind = await CliConsole.RunAsync(config, "callcenter", "skills", "cc1", "--kinds", "HappyCall,Nope", "--as", "ops");
        var notAdmin = await CliConsole.RunAsync(config, "callcenter", "skills", "cc1", "--kinds", "HappyCall", "--as", "sup");
        var notConsultant = await CliConsole.RunAsync(config, "callcenter", "skills", "sup", "--kinds", "HappyCall", "--as", "ops");
        var skills = await CliConsole.RunAsync(config, "callcenter", "skills", "cc1", "--kinds", "happycall,Campaign", "--as", "ops");
        var show = await CliConsole.RunAsync(config, "callcenter", "queues", "show", "--user", "cc1", "--as", "sup");
        var report = await CliConsole.RunAsync(config, "callcenter", "report", "--as-of", "2026-12-01", "--as", "sup");
        var reportAsConsultant = await CliConsole.RunAsync(config, "callcenter", "report", "--as", "cc1");

        build.Exit.ShouldBe(0);
        await using var ctx = db.CreateContext();
        var byKind = await ctx.CallQueueItems.AsNoTracking().GroupBy(i => i.Kind).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);
        byKind.GetValueOrDefault(QueueKind.HappyCall).ShouldBeGreaterThan(0, "the generator issues contracts in the week before its date");
        build.Output.ShouldContain("New by queue: " + string.Join(", ", Enum.GetValues<QueueKind>().Select(k => $"{k} {byKind.GetValueOrDefault(k)}")));
        build.Output.ShouldContain("Refused by reason: ");
        var assigned = await ctx.CallQueueItems.CountAsync(i => i.AssignedUserId != null);
        assigned.ShouldBe(Math.Min(byKind.Values.Sum(), new CallCenterOptions().DailyCap), "one consultant, up to the daily cap");
        badKind.Exit.ShouldBe(1);
        badKind.Error.ShouldContain("'Nope'");
        notAdmin.Exit.ShouldBe(1);
        notConsultant.Exit.ShouldBe(1);
        skills.Exit.ShouldBe(0);
        skills.Output.ShouldContain("cc1 takes: HappyCall, Campaign");
        (await ctx.CallSkills.AsNoTracking().SingleAsync()).Kinds.ShouldBe("HappyCall,Campaign");
        show.Exit.ShouldBe(0);
        show.Output.ShouldContain($"{assigned} open items.");
        report.Exit.ShouldBe(0);
        report.Output.ShouldContain($"HappyCall\t{byKind[QueueKind.HappyCall]}\t");
        report.Output.ShouldContain("cc1\tHappyCall,Campaign\t");
        reportAsConsultant.Exit.ShouldBe(1);
        var names = await ctx.Customers.AsNoTracking().Select(c => c.Name).Take(50).ToArrayAsync();
        foreach (var output in new[] { build.Output, show.Output, report.Output })
        {
            names.Where(n => output.Contains(n, StringComparison.Ordinal)).ShouldBeEmpty();
        }
    }
}
