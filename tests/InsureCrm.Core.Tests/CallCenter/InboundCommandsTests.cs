using InsureCrm.Core.CallCenter.Inbound;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Tests.Models;
using InsureCrm.Tests.Security;
using InsureCrm.Tests.Worklists;
using Microsoft.Extensions.Configuration;

namespace InsureCrm.Tests.CallCenter;

/// <summary><c>insurecrm callcenter lookup</c> and <c>callcenter callbacks</c> as an operator runs them: masked names and numbers only.</summary>
[Collection(nameof(ConsoleSwappingTests))]
public sealed class InboundCommandsTests
{
    [Fact]
    public async Task LookupAndCallbacks_PrintMaskedMatchesAndTheConsultantsCallbacks()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var config = new ConfigurationBuilder().AddInMemoryCollection(db.Settings).Build();
        await TestUsers.AddAsync(db, "callcenter", Role.CallCenter);
        await TestUsers.AddAsync(db, "mkt", Role.Marketer);
        long husband, wife;
        await using (var ctx = db.CreateContext())
        {
            husband = (await WorklistKit.CustomerAsync(ctx, "홍길동", "0312345678")).Id;
            wife = (await WorklistKit.CustomerAsync(ctx, "김영희", "0312345678")).Id;
            var now = DateTime.UtcNow;
            ctx.Callbacks.Add(new Callback { CustomerId = wife, DueAt = now.AddHours(-1), RequestedAt = now.AddHours(-1), AssignedTo = "callcenter", CreatedBy = "callcenter", CreatedAt = now, Status = CallbackStatus.Due });
            ctx.Callbacks.Add(new Callback { CustomerId = husband, DueAt = now.AddDays(3), RequestedAt = now.AddDays(3), AssignedTo = "other", CreatedBy = "other", CreatedAt = now, Status = CallbackStatus.Due });
            await ctx.SaveChangesAsync();
        }

        var lookup = await CliConsole.RunAsync(config, "callcenter", "lookup", "+82 31-234-5678", "--as", "callcenter");
        var none = await CliConsole.RunAsync(config, "callcenter", "lookup", "010-0000-0000", "--as", "callcenter");
        var bad = await CliConsole.RunAsync(config, "callcenter", "lookup", "5678", "--as", "callcenter");
        var refused = await CliConsole.RunAsync(config, "callcenter", "callbacks", "--as", "mkt");
        var callbacks = await CliConsole.RunAsync(config, "callcenter", "callbacks", "--due", "--as", "callcenter");

        lookup.Exit.ShouldBe(0);
        lookup.Output.ShouldContain("2 customer(s)");
        lookup.Output.ShouldContain("홍*동");
        lookup.Output.ShouldContain("김*희");
        lookup.Output.ShouldContain("031-***-5678");
        lookup.Output.ShouldNotContain("홍길동");
        lookup.Output.ShouldNotContain("2345678");
        none.Output.ShouldContain("No matching customer");
        bad.Exit.ShouldBe(1);
        refused.Exit.ShouldBe(1);
        callbacks.Exit.ShouldBe(0);
        callbacks.Output.ShouldContain("1 callback(s)");
        callbacks.Output.ShouldContain("Overdue");
        callbacks.Output.ShouldContain("김*희");
        callbacks.Output.ShouldNotContain("홍*동", customMessage: "another consultant's callback is not listed");
    }
}
