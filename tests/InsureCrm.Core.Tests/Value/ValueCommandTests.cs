using InsureCrm.Cli;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using InsureCrm.Core.Value;
using InsureCrm.Tests.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace InsureCrm.Tests.Value;

[Collection(nameof(InsureCrm.Tests.Models.ConsoleSwappingTests))]
public sealed class ValueCommandTests
{
    [Fact]
    public async Task ValueRun_ContractWithIssueDate9999WrittenBySql_CompletesAndPrintsTheSkipAndItsReason()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var config = new ConfigurationBuilder().AddInMemoryCollection(db.Settings).Build();
        await TestUsers.AddAsync(db, "ops", Role.Admin);
        await TestUsers.AddAsync(db, "ana", Role.Analyst);
        (await CliApp.RunAsync(["generate", "--customers", "200", "--as-of", "2025-06-30", "--as", "ops"], config)).ShouldBe(0);
        var holder = (await InsureCrm.Core.Tests.Value.OutOfRangeRowsTests.HoldersAsync(db, 1))[0];
        await InsureCrm.Core.Tests.Value.OutOfRangeRowsTests.SqlAsync(db, $"UPDATE contract SET issue_date = '9999-12-31' WHERE id = {holder.Contract}");

        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        int exit;
        try
        {
            exit = await CliApp.RunAsync(["value", "run", "--as-of", "2025-06-30", "--as", "ana"], config);
        }
        finally
        {
            Console.SetOut(original);
        }

        exit.ShouldBe(0);
        output.ToString().ShouldContain("Skipped (stored values out of range): value 1 skipped (issue_date_out_of_range 1); lifecycle 1 skipped (issue_date_out_of_range 1); segments 0.");
        output.ToString().ShouldNotContain("9999");
    }

    [Fact]
    public async Task ValueRun_AsAnalyst_WritesValueAndLifecycleForEveryLiveCustomer_ButNotForAMarketer()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var config = new ConfigurationBuilder().AddInMemoryCollection(db.Settings).Build();
        await TestUsers.AddAsync(db, "ops", Role.Admin);
        await TestUsers.AddAsync(db, "ana", Role.Analyst);
        await TestUsers.AddAsync(db, "mkt", Role.Marketer);
        (await CliApp.RunAsync(["generate", "--customers", "400", "--as-of", "2025-06-30", "--as", "ops"], config)).ShouldBe(0);

        (await CliApp.RunAsync(["value", "run", "--as-of", "2025-06-30", "--as", "mkt"], config)).ShouldBe(1);
        await using (var ctx = db.CreateContext())
        {
            (await ctx.Set<CustomerValue>().AnyAsync()).ShouldBeFalse("a marketer may not run the chain");
        }
        (await CliApp.RunAsync(["value", "run", "--as-of", "2025-06-30x", "--as", "ana"], config)).ShouldBe(1);

        (await CliApp.RunAsync(["value", "run", "--as-of", "2025-06-30", "--as", "ana"], config)).ShouldBe(0);

        await using var check = db.CreateContext();
        var live = await check.Customers.CountAsync(c => c.MergedIntoId == null);
        var run = await check.Set<ValueRun>().AsNoTracking().SingleAsync();
        run.RunDate.ShouldBe(new DateOnly(2025, 6, 30));
        (await check.Set<CustomerValue>().CountAsync(v => v.RunId == run.Id)).ShouldBe(live);
        (await check.Set<CustomerValue>().Where(v => v.RunId == run.Id).Select(v => v.Grade).Distinct().CountAsync()).ShouldBe(7);
        (await check.Set<CustomerLifecycle>().Select(l => l.CustomerId).Distinct().CountAsync()).ShouldBe(live);
        (await check.AccessLog.AnyAsync(e => e.UserName == "ana" && e.Detail!.StartsWith("value run"))).ShouldBeTrue();
    }
}
