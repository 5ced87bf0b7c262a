using System.Text;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Imports;
using InsureCrm.Core.Policies;
using InsureCrm.Tests.Models;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Tests.Imports;

/// <summary>Swaps the console (the wrong-header test reads standard error), so it runs apart from other such tests.</summary>
[Collection(nameof(ConsoleSwappingTests))]
public sealed class ImportCommandTests
{
    private const string CustomersWithBadRows = """
        source_id,name,birth_date,gender,rrn,phone,email,sido,sigungu,address,income_band
        A1,홍길동,1980-01-15,Male,800115-1234567,010-1234-5678,hong@example.com,서울특별시,강남구,테헤란로 1,From4000To6000
        A2,김영희,1985-13-01,Female,,010-2222-3333,,,,,
        A3,이철수,,,900101-123,,,,,,
        A4,,1970-02-02,,,,,,,,
        A5,박민수,1975-05-05,Male,7505051234567,02 555 1234,,,,,Rich
        A6,"최, 지우",1990-03-03,Female,900303-2345678,+82 10 9999 8888,choi@example.com,부산광역시,해운대구,"해운대로 2, 101호",
        """;

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_CustomersWithBadRows_ExitsTwoListsRejectsAndKeepsGoodRows(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var file = ImportTestKit.WriteCsv("customers.csv", CustomersWithBadRows);

        var exit = await ImportTestKit.RunAsync(db, "import", "customers", file, "--source", "POLICY");

        exit.ShouldBe(2);
        var rejects = File.ReadAllLines(file + ".rejects.csv", Encoding.UTF8).Skip(1).Select(l => string.Join(',', l.Split(',').Take(2))).ToList();
        rejects.ShouldBe(["3,birth_date", "4,rrn", "5,name", "6,income_band"]);
        File.ReadAllText(file + ".rejects.csv").ShouldContain("not a date in the form yyyy-MM-dd");
        await using var ctx = db.CreateContext();
        var customers = await ctx.Customers.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
        customers.Select(c => c.Name).ShouldBe(["홍길동", "최, 지우"]);
        customers[0].RrnMasked.ShouldBe("800115-1******");
        customers[0].RrnHash.ShouldNotBeNull();
        customers[0].RrnCipher!.ShouldNotContain("800115");
        (await ctx.CustomerPhones.AsNoTracking().Select(p => p.Number).OrderBy(n => n).ToListAsync()).ShouldBe(["01012345678", "01099998888"]);
        var run = await ctx.ImportRuns.AsNoTracking().SingleAsync();
        (run.RowsRead, run.RowsLoaded, run.RowsRejected).ShouldBe((6, 2, 4));
        run.FinishedAt.ShouldNotBeNull();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_PhoneWrittenPlus82WithTheTrunkZero_IsStoredAsTheNumberSearchAndTheRegistryUse(DatabaseProvider provider)
    {
        // "+82 010-…" keeps the 0 a Korean writes before the mobile code; search and the do-not-call registry read it
        // as 010-…, and so must the import (it used to reject the row as "not a phone number").
        await using var db = await TestDatabase.CreateAsync(provider);
        var file = ImportTestKit.WriteCsv("customers.csv", """
            source_id,name,birth_date,phone
            P1,정하늘,1981-04-04,+82 010-3333-4444
            P2,윤바다,1982-05-05,+82 (0)2 555 1234
            """);

        var exit = await ImportTestKit.RunAsync(db, "import", "customers", file, "--source", "POLICY");

        exit.ShouldBe(0);
        await using var ctx = db.CreateContext();
        (await ctx.CustomerPhones.AsNoTracking().Select(p => p.Number).OrderBy(n => n).ToListAsync()).ShouldBe(["01033334444", "025551234"]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_SameFileTwice_ChangesNothingTheSecondTime(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var file = ImportTestKit.TempFile("customers.csv");
        ImportTestKit.WriteCustomers(file, 300, seed: 7, duplicateEvery: 25);

        (await ImportTestKit.RunAsync(db, "import", "customers", file, "--source", "POLICY", "--batch-size", "100")).ShouldBe(0);
        var first = await ImportTestKit.DigestAsync(db);
        (await ImportTestKit.RunAsync(db, "import", "customers", file, "--source", "POLICY", "--batch-size", "70")).ShouldBe(0);

        (await ImportTestKit.DigestAsync(db)).ShouldBe(first);
        await using var ctx = db.CreateContext();
        (await ctx.Customers.CountAsync()).ShouldBe(300);
        (await ctx.Customers.CountAsync(c => c.MergedIntoId == null)).ShouldBe(288);
        var runs = await ctx.ImportRuns.AsNoTracking().OrderBy(r => r.Id).ToListAsync();
        runs.Select(r => r.RowsLoaded).ShouldBe([300, 300]);
        runs[0].FileSha256.ShouldBe(runs[1].FileSha256);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_Cp949File_StoresHangulNames(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var file = ImportTestKit.WriteCsv("legacy.csv", """
            source_system,source_id,name,birth_date,sido,sigungu,address
            LEGACY,L1,홍길동,1980-01-15,서울특별시,종로구,세종대로 1
            LEGACY,L2,김철수,1972-07-07,경기도,수원시,팔달로 2
            """, Encoding.GetEncoding(949));
        File.ReadAllBytes(file).ShouldContain((byte)0xC8, "the file must really be CP949, not UTF-8");

        var exit = await ImportTestKit.RunAsync(db, "import", "customers", file);

        exit.ShouldBe(0);
        await using var ctx = db.CreateContext();
        (await ctx.Customers.AsNoTracking().OrderBy(c => c.Id).Select(c => c.Name).ToListAsync()).ShouldBe(["홍길동", "김철수"]);
        (await ctx.CustomerAddresses.AsNoTracking().OrderBy(c => c.Id).Select(a => a.Sido).ToListAsync()).ShouldBe(["서울특별시", "경기도"]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_WrongHeader_ExitsOneAndWritesNothing(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var file = ImportTestKit.WriteCsv("customers.csv", """
            source_id,full_name,birthdate
            A1,홍길동,1980-01-15
            """);
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        int exit;
        try
        {
            exit = await ImportTestKit.RunAsync(db, "import", "customers", file, "--source", "POLICY");
        }
        finally
        {
            Console.SetError(original);
        }

        exit.ShouldBe(1);
        error.ToString().ShouldContain("missing required column(s): name");
        error.ToString().ShouldContain("unknown column(s): full_name, birthdate");
        File.Exists(file + ".rejects.csv").ShouldBeFalse();
        await using var ctx = db.CreateContext();
        (await ctx.Customers.CountAsync()).ShouldBe(0);
        (await ctx.ImportRuns.CountAsync()).ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_MissingFile_ExitsOne(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);

        var exit = await ImportTestKit.RunAsync(db, "import", "customers", ImportTestKit.TempFile("absent.csv"), "--source", "POLICY");

        exit.ShouldBe(1);
        await using var ctx = db.CreateContext();
        (await ctx.ImportRuns.CountAsync()).ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_ContractStatusChanges_AppliesLegalMovesAndRejectsIllegalOnes(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await ImportTestKit.AddProductAsync(db, "WL01");
        var customers = ImportTestKit.WriteCsv("customers.csv", """
            source_id,name,birth_date
            P1,홍길동,1980-01-15
            P2,김영희,1982-02-02
            """);
        (await ImportTestKit.RunAsync(db, "import", "customers", customers, "--source", "PAS")).ShouldBe(0);
        const string header = "contract_number,product_code,policyholder,sum_assured,premium,payment_mode,payment_method,issue_date,channel,status,status_date";
        var initial = ImportTestKit.WriteCsv("contracts.csv", $"""
            {header}
            C-1,WL01,P1,100000000,150000,Monthly,AutoDebit,2020-01-10,Fc,InForce,2020-01-10
            C-2,WL01,P2,50000000,80000,Monthly,Card,2021-03-01,Tc,Surrendered,2023-05-01
            """);
        (await ImportTestKit.RunAsync(db, "import", "contracts", initial, "--source", "PAS")).ShouldBe(0);

        var next = ImportTestKit.WriteCsv("contracts-next.csv", $"""
            {header}
            C-1,WL01,P1,100000000,150000,Monthly,AutoDebit,2020-01-10,Fc,Lapsed,2024-06-01
            C-2,WL01,P2,50000000,80000,Monthly,Card,2021-03-01,Tc,InForce,2024-06-01
            """);
        var exit = await ImportTestKit.RunAsync(db, "import", "contracts", next, "--source", "PAS");

        exit.ShouldBe(2);
        var reject = File.ReadAllLines(next + ".rejects.csv")[1];
        reject.ShouldStartWith("3,status,A contract cannot move from Surrendered to InForce.");
        await using var ctx = db.CreateContext();
        var contracts = await ctx.Contracts.AsNoTracking().OrderBy(c => c.ContractNumber).ToListAsync();
        contracts.Select(c => c.Status).ShouldBe([ContractStatus.Lapsed, ContractStatus.Surrendered]);
        var history = await ctx.ContractStatusChanges.AsNoTracking().OrderBy(h => h.Id).ToListAsync();
        history.Select(h => (h.ContractId, h.FromStatus, h.ToStatus)).ShouldBe([
            (contracts[0].Id, (ContractStatus?)null, ContractStatus.InForce),
            (contracts[1].Id, null, ContractStatus.Surrendered),
            (contracts[0].Id, ContractStatus.InForce, ContractStatus.Lapsed),
        ]);
        (await ctx.ContractRoles.CountAsync(r => r.ContractId == contracts[0].Id)).ShouldBe(2);
    }
}
