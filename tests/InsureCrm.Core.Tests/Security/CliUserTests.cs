using InsureCrm.Cli;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using InsureCrm.Tests.Imports;
using InsureCrm.Tests.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace InsureCrm.Tests.Security;

[Collection(nameof(ConsoleSwappingTests))]
public class CliUserTests
{
    private const string Customers = "source_id,kind,name,birth_date,gender,rrn,phone\nS1,Individual,김민준,1980-05-15,Male,800515-1234567,010-1111-2222\n";

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_WithoutPermittedActiveAccount_IsRefusedAndWritesNothing(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await TestUsers.AddAsync(db, "mkt", Role.Marketer);
        await TestUsers.AddAsync(db, "gone", Role.Admin, active: false);
        var file = ImportTestKit.WriteCsv("customers.csv", Customers);

        (await RunAsync(db, "import", "customers", file, "--source", "PAS")).ShouldBe(1);
        (await RunAsync(db, "import", "customers", file, "--source", "PAS", "--as", "mkt")).ShouldBe(1);
        (await RunAsync(db, "import", "customers", file, "--source", "PAS", "--as", "gone")).ShouldBe(1);
        (await RunAsync(db, "import", "customers", file, "--source", "PAS", "--as", "nobody")).ShouldBe(1);
        (await RunAsync(db, "identity", "resolve", "--as", "mkt")).ShouldBe(1);

        await using var ctx = db.CreateContext();
        (await ctx.Customers.CountAsync()).ShouldBe(0);
        (await ctx.AccessLog.CountAsync()).ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_AsComplianceOfficer_IsLoggedWithTheFileNameAndReviewable(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await TestUsers.AddAsync(db, "officer", Role.Compliance);
        await TestUsers.AddAsync(db, "fc", Role.Agent);
        var file = ImportTestKit.WriteCsv("pas-customers.csv", Customers);

        (await RunAsync(db, "import", "customers", file, "--source", "PAS", "--as", "officer")).ShouldBe(0);
        (await RunAsync(db, "access-log", "verify")).ShouldBe(0);
        (await RunAsync(db, "access-log", "review", "--month", "2026-10", "--as", "fc")).ShouldBe(1);
        (await RunAsync(db, "access-log", "review", "--month", "2026-10", "--as", "officer")).ShouldBe(0);

        await using var ctx = db.CreateContext();
        var entries = await ctx.AccessLog.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
        entries.Select(e => (e.UserName, e.Role, e.Ip, e.Action)).ShouldBe(
            [("officer", Role.Compliance, "cli", AccessAction.Insert), ("officer", Role.Compliance, "cli", AccessAction.View)]);
        entries[0].Detail.ShouldBe("import customers pas-customers.csv: loaded 1, rejected 0, merged 0");
        entries[1].Detail.ShouldBe("access-review 2026-10");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_IntoADatabaseNeverMigrated_SaysToMigrateFirstAndWritesNothing(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider, migrate: false);
        var file = ImportTestKit.WriteCsv("customers.csv", Customers);
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        int exit;
        try
        {
            exit = await RunAsync(db, "import", "customers", file, "--source", "PAS", "--as", "admin");
        }
        finally
        {
            Console.SetError(original);
        }

        exit.ShouldBe(1);
        error.ToString().ShouldContain("the database is not migrated");
        error.ToString().ShouldContain("insurecrm db migrate");
        error.ToString().ShouldNotContain("Exception");
        (await new Migrator(db.Database, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<Migrator>.Instance).PendingAsync()).ShouldNotBeEmpty("nothing was created");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_WithoutTheDatabasesKeyFile_IsRefusedNamingTheSettingAndWritesNothing(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await TestUsers.AddAsync(db, "officer", Role.Compliance);
        (await RunAsync(db, "import", "customers", ImportTestKit.WriteCsv("first.csv", Customers), "--source", "PAS", "--as", "officer")).ShouldBe(0);

        // The same CLI without the database's key file: it makes itself one with new keys, which must not be used.
        var elsewhere = Path.Combine(Path.GetTempPath(), $"keys-elsewhere-{Guid.NewGuid():N}.json");
        var settings = new Dictionary<string, string?>(db.Settings) { ["Security:Protection:KeyFile"] = elsewhere };
        var second = ImportTestKit.WriteCsv("second.csv", Customers.Replace("S1,", "S2,", StringComparison.Ordinal));
        var elsewhereConfig = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var (exit, _, error) = await CliConsole.RunAsync(elsewhereConfig, "import", "customers", second, "--source", "PAS", "--as", "officer");
        // The log's verification with those keys says what is wrong, rather than calling every entry altered.
        var (verifyExit, _, verifyError) = await CliConsole.RunAsync(elsewhereConfig, "access-log", "verify");
        File.Delete(elsewhere);

        exit.ShouldBe(1);
        error.ShouldContain("not the ones this database's data is protected with (differing: field:k1, hash, access-log)");
        error.ShouldContain("Security__Protection__KeyFile");
        error.ShouldNotContain("Exception");
        error.ShouldNotContain("800515");
        verifyExit.ShouldBe(1);
        verifyError.ShouldContain("differing: field:k1, hash, access-log");
        await using var ctx = db.CreateContext();
        (await ctx.Customers.CountAsync()).ShouldBe(1);
        (await ctx.AccessLog.CountAsync()).ShouldBe(1);
        (await RunAsync(db, "access-log", "verify")).ShouldBe(0, "the log holds only entries chained with its own key");
    }

    private static Task<int> RunAsync(TestDatabase db, params string[] args) =>
        CliApp.RunAsync(args, new ConfigurationBuilder().AddInMemoryCollection(db.Settings).Build());
}
