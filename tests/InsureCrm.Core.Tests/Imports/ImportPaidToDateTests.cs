using System.Text;
using InsureCrm.Core.Common;
using InsureCrm.Core.Policies;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Tests.Imports;

/// <summary>The contract import's optional paid-to date (납입기일): validated like the other dates, kept when a later file lacks the column.</summary>
public sealed class ImportPaidToDateTests
{
    private const string Customers = """
        source_id,name,birth_date,gender
        C1,홍길동,1980-01-15,Male
        """;

    private const string Header = "contract_number,product_code,policyholder,sum_assured,premium,payment_mode,payment_method,issue_date,maturity_date,channel,status,status_date";

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_PaidToDate_BadDatesRejectedByLineAndColumn_GoodRowsLoaded_AbsentColumnKeepsIt(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await ImportTestKit.AddProductAsync(db, "WL01");
        (await ImportTestKit.RunAsync(db, "import", "customers", ImportTestKit.WriteCsv("c.csv", Customers), "--source", "PAS")).ShouldBe(0);
        var contracts = ImportTestKit.WriteCsv("k.csv", $"""
            {Header},paid_to_date
            K1,WL01,C1,100000000,150000,Monthly,AutoDebit,2020-01-10,2040-01-10,Fc,InForce,2020-01-10,2024-02-10
            K2,WL01,C1,100000000,150000,Monthly,AutoDebit,2020-01-10,2040-01-10,Fc,InForce,2020-01-10,2024-02-30
            K3,WL01,C1,100000000,150000,Monthly,AutoDebit,2020-01-10,2040-01-10,Fc,InForce,2020-01-10,
            K4,WL01,C1,100000000,150000,Monthly,AutoDebit,2020-01-10,2040-01-10,Fc,InForce,2020-01-10,2019-12-10
            K5,WL01,C1,100000000,150000,Monthly,AutoDebit,2020-01-10,2030-01-10,Fc,InForce,2020-01-10,2031-01-10
            """);

        (await ImportTestKit.RunAsync(db, "import", "contracts", contracts, "--source", "PAS")).ShouldBe(2, "rows were rejected");

        var rejects = File.ReadAllLines(contracts + ".rejects.csv", Encoding.UTF8).Skip(1).Select(l => string.Join(',', l.Split(',').Take(2))).ToArray();
        rejects.ShouldBe(["3,paid_to_date", "5,paid_to_date", "6,paid_to_date"]);
        var loaded = await PaidToAsync(db);
        loaded.Keys.ShouldBe(["K1", "K3"], ignoreOrder: true);
        loaded["K1"].ShouldBe(new DateOnly(2024, 2, 10));
        loaded["K3"].ShouldBeNull("an empty cell is unknown");

        // An older feed without the column leaves the date as it was; a newer date replaces it.
        var withoutColumn = ImportTestKit.WriteCsv("k2.csv", $"""
            {Header}
            K1,WL01,C1,100000000,150000,Monthly,AutoDebit,2020-01-10,2040-01-10,Fc,InForce,2020-01-10
            """);
        (await ImportTestKit.RunAsync(db, "import", "contracts", withoutColumn, "--source", "PAS")).ShouldBe(0);
        (await PaidToAsync(db))["K1"].ShouldBe(new DateOnly(2024, 2, 10));
        var newer = ImportTestKit.WriteCsv("k3.csv", $"""
            {Header},paid_to_date
            K1,WL01,C1,100000000,150000,Monthly,AutoDebit,2020-01-10,2040-01-10,Fc,InForce,2020-01-10,2024-03-10
            """);
        (await ImportTestKit.RunAsync(db, "import", "contracts", newer, "--source", "PAS")).ShouldBe(0);
        (await PaidToAsync(db))["K1"].ShouldBe(new DateOnly(2024, 3, 10));
    }

    private static async Task<Dictionary<string, DateOnly?>> PaidToAsync(TestDatabase db)
    {
        await using var ctx = db.CreateContext();
        return await ctx.Contracts.AsNoTracking().ToDictionaryAsync(c => c.ContractNumber, c => c.PaidToDate);
    }
}
