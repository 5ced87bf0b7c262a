using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Core.Voc;
using InsureCrm.Tests.Models;
using InsureCrm.Tests.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace InsureCrm.Tests.Voc;

/// <summary><c>insurecrm voc list|show|sla run</c> as an operator runs them: the SLA run escalates a case received long ago, list and show report it.</summary>
[Collection(nameof(ConsoleSwappingTests))]
public sealed class VocCommandsTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SlaRunListShow_EscalatesTheOverdueCase_AndListsItBreachedFirst(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var config = new ConfigurationBuilder().AddInMemoryCollection(db.Settings).Build();
        await TestUsers.AddAsync(db, "ops", Role.Admin);
        await TestUsers.AddAsync(db, "handler", Role.VocHandler);
        await TestUsers.AddAsync(db, "fc", Role.Agent);
        string overdue, fresh;
        await using (var ctx = db.CreateContext())
        {
            var kit = new VocKit(ctx);
            overdue = (await kit.Intake.OpenAsync(VocKit.Complaint() with { ReceivedAt = VocKit.Start.AddDays(-20) }, null)).Number!;
            fresh = (await kit.Intake.OpenAsync(VocKit.Complaint("약관 설명을 다시 듣고 싶습니다", "product.terms"), null)).Number!;
        }

        (await CliConsole.RunAsync(config, "voc", "sla", "run", "--as-of", "not-a-time", "--as", "ops")).Exit.ShouldBe(1);
        (await CliConsole.RunAsync(config, "voc", "sla", "run", "--as", "fc")).Exit.ShouldBe(1);
        var run = await CliConsole.RunAsync(config, "voc", "sla", "run", "--as-of", "2027-03-02T10:00", "--as", "ops");
        var list = await CliConsole.RunAsync(config, "voc", "list", "--as", "handler");
        var breached = await CliConsole.RunAsync(config, "voc", "list", "--breached", "--dept", "CLAIMS", "--as", "handler");
        var badState = await CliConsole.RunAsync(config, "voc", "list", "--state", "Nope", "--as", "handler");
        var show = await CliConsole.RunAsync(config, "voc", "show", overdue, "--as", "ops");
        var showAgent = await CliConsole.RunAsync(config, "voc", "show", overdue, "--as", "fc");

        run.Exit.ShouldBe(0);
        run.Output.ShouldContain("1 escalated on breach");
        list.Exit.ShouldBe(0);
        list.Output.IndexOf(overdue, StringComparison.Ordinal).ShouldBeLessThan(list.Output.IndexOf(fresh, StringComparison.Ordinal));
        list.Output.ShouldContain("2 cases.");
        breached.Output.ShouldContain(overdue);
        breached.Output.ShouldNotContain(fresh);
        badState.Exit.ShouldBe(1);
        badState.Error.ShouldContain("'Nope'");
        show.Exit.ShouldBe(0);
        show.Output.ShouldContain("BREACHED");
        show.Output.ShouldContain("Escalated");
        show.Output.ShouldContain("managing CLAIMS");
        showAgent.Exit.ShouldBe(2);
        await using var check = db.CreateContext();
        (await check.VocCases.CountAsync(c => c.Breached)).ShouldBe(1);
    }
}
