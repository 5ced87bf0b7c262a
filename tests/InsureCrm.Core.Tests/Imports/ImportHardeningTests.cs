using System.Globalization;
using System.Text;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Imports;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;
using InsureCrm.Tests.Models;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Tests.Imports;

/// <summary>
/// Files a careless source system or an attacker sends: values out of any insurer's range, control
/// characters, a stray quote, no header, mixed encodings, a giant header, formulas. Each bad row costs
/// that row only, with a reason that names the column and never the value.
/// </summary>
[Collection(nameof(ConsoleSwappingTests))]
public sealed class ImportHardeningTests
{
    private static readonly string[] FormulaUsers = ["=cmd", "+cmd", "-cmd", "@cmd", "\tcmd"];

    private const string ContractHeader = "contract_number,product_code,policyholder,sum_assured,premium,payment_mode,payment_method,issue_date,maturity_date,channel,status,status_date";

    private static async Task<(int Exit, string Output)> RunCapturedAsync(TestDatabase db, params string[] args)
    {
        var output = new StringWriter();
        var (originalOut, originalError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(output);
        try
        {
            return (await ImportTestKit.RunAsync(db, args), output.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
    }

    private static List<string> Rejects(string file) =>
        [.. File.ReadAllLines(file + ".rejects.csv", Encoding.UTF8).Skip(1).Select(l => string.Join(',', l.Split(',').Take(2)))];

    private static async Task ImportTwoCustomersAsync(TestDatabase db)
    {
        var customers = ImportTestKit.WriteCsv("customers.csv", """
            source_id,name,birth_date
            P1,홍길동,1980-01-15
            P2,김영희,1982-02-02
            """);
        (await ImportTestKit.RunAsync(db, "import", "customers", customers, "--source", "PAS")).ShouldBe(0);
    }

    // Item 1: every imported field has a domain range.

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_ContractAmountsAndDatesOutOfRange_AreRejectedAndTheValidRowLoads(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await ImportTestKit.AddProductAsync(db, "WL01");
        await ImportTwoCustomersAsync(db);
        var file = ImportTestKit.WriteCsv("contracts.csv", $"""
            {ContractHeader}
            C-1,WL01,P1,100000000,150000,Monthly,AutoDebit,2020-01-10,2080-01-10,Fc,InForce,2020-01-10
            C-2,WL01,P1,100000000,100000000000000000,Monthly,AutoDebit,2020-01-10,,Fc,InForce,2020-01-10
            C-3,WL01,P1,10000000000000,150000,Monthly,AutoDebit,2020-01-10,,Fc,InForce,2020-01-10
            C-4,WL01,P2,100000000,150000,Monthly,AutoDebit,9999-12-31,,Fc,InForce,9999-12-31
            C-5,WL01,P2,100000000,150000,Monthly,AutoDebit,2020-01-10,2300-01-01,Fc,InForce,2020-01-10
            C-6,WL01,P2,100000000,150000,Monthly,AutoDebit,1899-12-31,,Fc,InForce,2020-01-10
            C-7,WL01,P2,100000000,150000,Monthly,AutoDebit,2020-01-10,,Fc,InForce,2199-01-01
            """);

        var exit = await ImportTestKit.RunAsync(db, "import", "contracts", file, "--source", "PAS");

        exit.ShouldBe(2);
        Rejects(file).ShouldBe(["3,premium", "4,sum_assured", "5,issue_date", "5,status_date", "6,maturity_date", "7,issue_date", "8,status_date"]);
        var text = File.ReadAllText(file + ".rejects.csv");
        text.ShouldContain("the largest amount an import holds");
        text.ShouldContain("outside the dates an insurer holds (1900-01-01 to 2200-12-31)");
        await using var ctx = db.CreateContext();
        (await ctx.Contracts.AsNoTracking().Select(c => c.ContractNumber).ToListAsync()).ShouldBe(["C-1"]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_LoansClaimsAgentsInteractionsOutOfRange_AreRejected(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await ImportTestKit.AddProductAsync(db, "WL01");
        await using (var ctx = db.CreateContext())
        {
            ctx.Products.Add(new Product { Code = "LN01", Name = "보험계약대출", Line = ProductLine.Loan, Family = ProductFamily.SecuredLoan });
            await ctx.SaveChangesAsync();
        }
        await ImportTwoCustomersAsync(db);
        (await ImportTestKit.RunAsync(db, "import", "contracts", ImportTestKit.WriteCsv("c.csv", $"""
            {ContractHeader}
            C-1,WL01,P1,100000000,150000,Monthly,AutoDebit,2020-01-10,,Fc,InForce,2020-01-10
            """), "--source", "PAS")).ShouldBe(0);
        var files = new (string Kind, string Content, string[] Rejects)[]
        {
            ("agents", """
                code,name,kind,branch_code,branch_name,hire_date,termination_date,status
                FC001,박설계,Fc,B01,강남지점,2019-03-01,,Active
                FC002,최미래,Fc,B01,강남지점,9999-12-31,,Active
                FC003,오래전,Fc,B01,강남지점,1850-01-01,,Active
                """, ["3,hire_date", "4,hire_date"]),
            ("loans", """
                loan_number,customer,product_code,principal,rate,balance,start_date,maturity_date,status,status_date
                LN1,P1,LN01,5000000,0.0525,3000000,2024-01-05,2027-01-05,Active,2024-01-05
                LN2,P1,LN01,100000000000000000,0.0525,3000000,2024-01-05,2027-01-05,Active,2024-01-05
                LN3,P1,LN01,5000000,0.0525,3000000,2024-01-05,9999-12-31,Active,2024-01-05
                """, ["3,principal", "4,maturity_date"]),
            ("claims", """
                claim_number,contract_number,cause,claim_date,paid_date,amount_paid
                CL1,C-1,hospital,2024-06-01,2024-06-10,350000
                CL2,C-1,hospital,2024-06-01,,99999999999999999
                CL3,C-1,hospital,2024-06-01,9999-12-31,1000
                """, ["3,amount_paid", "4,paid_date"]),
            ("interactions", """
                source_key,customer,occurred_at,channel,direction,purpose,outcome
                CC-1,P1,2025-05-01 10:30,PhoneIn,Inbound,Inquiry,Completed
                CC-2,P1,1800-05-01 10:30,PhoneIn,Inbound,Inquiry,Completed
                """, ["3,occurred_at"]),
        };
        foreach (var (kind, content, rejects) in files)
        {
            var path = ImportTestKit.WriteCsv(kind + ".csv", content);
            (await ImportTestKit.RunAsync(db, "import", kind, path, "--source", "PAS")).ShouldBe(2, kind);
            Rejects(path).ToArray().ShouldBe(rejects, kind);
        }
        await using var check = db.CreateContext();
        (await check.Agents.CountAsync(), await check.Loans.CountAsync(), await check.Claims.CountAsync(), await check.Interactions.CountAsync())
            .ShouldBe((1, 1, 1, 1));
    }

    [Fact]
    public async Task DoNotCallImport_DateBefore1900OrControlCharacter_RejectsThoseRowsOnly()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var file = ImportTestKit.WriteCsv("dnc.csv", "phone,registered_on\n010-1234-5678,1850-01-01\n010-2222-3333,2024-01-01\n010-4444\u00015555,2024-01-01\n");

        (await ImportTestKit.RunAsync(db, "consent", "dnc-import", file)).ShouldBe(2);

        Rejects(file).ShouldBe(["2,registered_on", "4,phone"]);
        await using var ctx = db.CreateContext();
        (await ctx.Set<Core.Contact.DoNotCall>().CountAsync()).ShouldBe(1);
    }

    // Item 2: control characters are refused per row, on both databases, and the rest of the batch loads.

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_NulAndControlCharacters_RejectTheirRowsAndTheBatchLoads(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var csv = new StringBuilder("source_id,name,address,phone\n");
        for (var i = 1; i <= 24; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"T28-G{i},고객{i},길 {i},010-1000-{i:D4}\n");
        }
        csv.Append("T28-G2\0,고객2,길 2,010-1000-0002\n");
        csv.Append("T28-X1,홍\0길동,길 1,\n");
        csv.Append("T28-X2,홍길동,길\u0001 2,\n");
        csv.Append("T28-X3,홍길동\u009B,길 3,\n");
        csv.Append("T28-X4,홍\t길동,길 4,\n");
        var file = ImportTestKit.WriteCsv("customers.csv", csv.ToString());

        var (exit, output) = await RunCapturedAsync(db, "import", "customers", file, "--source", "POLICY");

        exit.ShouldBe(2);
        Rejects(file).ShouldBe(["26,source_id", "27,name", "28,address", "29,name", "30,name"]);
        File.ReadAllText(file + ".rejects.csv").ShouldContain("contains the control character U+0000");
        output.ShouldNotContain("Exception");
        await using var ctx = db.CreateContext();
        (await ctx.Customers.CountAsync()).ShouldBe(24);
        var keys = await ctx.CustomerSourceKeys.AsNoTracking().Select(k => k.SourceId).ToListAsync();
        keys.Count.ShouldBe(24);
        keys.ShouldAllBe(k => !k.Contains('\0'));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_NulInContractNumber_RejectsTheRowAndLoadsTheOthers(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await ImportTestKit.AddProductAsync(db, "WL01");
        await ImportTwoCustomersAsync(db);
        var file = ImportTestKit.WriteCsv("contracts.csv", $"""
            {ContractHeader}
            C-1,WL01,P1,100000000,150000,Monthly,AutoDebit,2020-01-10,,Fc,InForce,2020-01-10
            C-1{'\0'},WL01,P1,100000000,150000,Monthly,AutoDebit,2020-01-10,,Fc,InForce,2020-01-10
            C-2,WL01,P2,100000000,150000,Monthly,AutoDebit,2020-01-10,,Fc,InForce,2020-01-10
            """);

        (await ImportTestKit.RunAsync(db, "import", "contracts", file, "--source", "PAS")).ShouldBe(2);

        Rejects(file).ShouldBe(["3,contract_number"]);
        await using var ctx = db.CreateContext();
        (await ctx.Contracts.AsNoTracking().OrderBy(c => c.ContractNumber).Select(c => c.ContractNumber).ToListAsync()).ShouldBe(["C-1", "C-2"]);
    }

    // Item 8: imports use the one strict e-mail check of the customer edit form.

    [Fact]
    public async Task Import_EmailWithMarkupOrMalformedDomain_RejectsThoseRowsOnly()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var file = ImportTestKit.WriteCsv("customers.csv", """
            source_id,name,email
            E1,고객1,good@example.com
            E2,고객2,a@x.com<script>
            E3,고객3,b@localhost
            E4,고객4,c@-x.example.com
            """);

        (await ImportTestKit.RunAsync(db, "import", "customers", file, "--source", "POLICY")).ShouldBe(2);

        Rejects(file).ShouldBe(["3,email", "4,email", "5,email"]);
        await using var ctx = db.CreateContext();
        (await ctx.Customers.CountAsync()).ShouldBe(1);
    }

    // Item 5: one stray quote costs one line, and every line is accounted for.

    /// <summary>
    /// A source key repeated in the file loads once, from its first row: the repeats are rejected naming that row's
    /// line, whether they come in the same batch or a later one, and the first row wins even when its batch is not
    /// written yet when the repeat's batch is validated.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_SourceIdRepeatedInTheFile_LoadsTheFirstRowAndRejectsTheRepeats(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var file = ImportTestKit.WriteCsv("customers.csv", """
            source_id,name,birth_date
            P1,홍길동,1980-01-15
            P2,김영희,1982-02-02
            P1,이철수,1990-03-03
            P3,박민수,1975-05-05
            P2,최영숙,1960-06-06
            P1,정하나,1999-09-09
            """);

        var (exit, output) = await RunCapturedAsync(db, "import", "customers", file, "--source", "PAS", "--batch-size", "2");

        exit.ShouldBe(2);
        Rejects(file).ShouldBe(["4,source_id", "6,source_id", "7,source_id"]);
        var rejects = File.ReadAllText(file + ".rejects.csv");
        rejects.ShouldContain("duplicate source_id in this file (first at line 2)");
        rejects.ShouldContain("duplicate source_id in this file (first at line 3)");
        output.ShouldContain("read 6, loaded 3");
        await using var ctx = db.CreateContext();
        (await ctx.Customers.AsNoTracking().OrderBy(c => c.Id).Select(c => c.Name).ToListAsync()).ShouldBe(["홍길동", "김영희", "박민수"]);
    }

    /// <summary>
    /// A source key is the pair (system, id): the same id from two systems, and two keys whose system and id only run
    /// together into the same text ("AB" + "C", "A" + "BC"), are different customers, and none of them is a repeat.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_SameTextInDifferentSourceKeys_LoadsEveryRow(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var file = ImportTestKit.WriteCsv("customers.csv", """
            source_system,source_id,name,birth_date
            PAS,P1,홍길동,1980-01-15
            WEB,P1,김영희,1982-02-02
            AB,C,이철수,1990-03-03
            A,BC,박민수,1975-05-05
            """);

        var (exit, output) = await RunCapturedAsync(db, "import", "customers", file);

        exit.ShouldBe(0);
        output.ShouldContain("read 4, loaded 4");
        File.Exists(file + ".rejects.csv").ShouldBeFalse();
        await using var ctx = db.CreateContext();
        (await ctx.CustomerSourceKeys.AsNoTracking().OrderBy(k => k.SourceSystem).ThenBy(k => k.SourceId)
            .Select(k => k.SourceSystem + "/" + k.SourceId).ToListAsync()).ShouldBe(["A/BC", "AB/C", "PAS/P1", "WEB/P1"]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_StrayQuoteAtStartOfName_RejectsThatLineOnlyAndAccountsForEveryLine(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var file = ImportTestKit.TempFile("customers.csv");
        ImportTestKit.WriteCustomers(file, 600, seed: 11);
        var lines = File.ReadAllLines(file, Encoding.UTF8);
        var fields = lines[10].Split(',');
        fields[2] = "\"" + fields[2];
        lines[10] = string.Join(',', fields);
        // A properly quoted field further down must not close the stray quote and swallow the rows between.
        fields = lines[40].Split(',');
        fields[10] = "\"" + fields[10] + ", 101호\"";
        lines[40] = string.Join(',', fields);
        File.WriteAllText(file, string.Join('\n', lines) + "\n", new UTF8Encoding(false));

        var (exit, output) = await RunCapturedAsync(db, "import", "customers", file, "--source", "POLICY");

        exit.ShouldBe(2);
        Rejects(file).ShouldBe(["11,(row)"]);
        output.ShouldContain("read 600, loaded 599");
        output.ShouldContain("rejected 1,");
        output.ShouldContain("Lines in the file: 601 = 1 header + 600 rows.");
        await using var ctx = db.CreateContext();
        (await ctx.Customers.CountAsync()).ShouldBe(599);
        var run = await ctx.ImportRuns.AsNoTracking().SingleAsync();
        (run.RowsRead, run.RowsLoaded, run.RowsRejected).ShouldBe((600, 599, 1));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_QuotedLineBreakInAddress_LoadsTheRowAndCountsItsLines(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var file = ImportTestKit.WriteCsv("customers.csv", "source_id,name,address\nA1,홍길동,\"서울특별시 중구\n세종대로 1\"\n\nA2,김영희,길 2\nA3,\"이철수,길 3\n");

        var (exit, output) = await RunCapturedAsync(db, "import", "customers", file, "--source", "POLICY");

        exit.ShouldBe(2);
        Rejects(file).ShouldBe(["6,(row)"]);
        output.ShouldContain("Lines in the file: 6 = 1 header + 3 rows + 1 inside quoted fields + 1 blank.");
        await using var ctx = db.CreateContext();
        (await ctx.CustomerAddresses.AsNoTracking().OrderBy(a => a.Id).Select(a => a.Line).ToListAsync()).ShouldBe(["서울특별시 중구\n세종대로 1", "길 2"]);
        (await ctx.Customers.CountAsync()).ShouldBe(2);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_RecordOverOneMebibyte_IsRejectedAndTheNextLinesLoad(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var file = ImportTestKit.WriteCsv("customers.csv", "source_id,name,address\nA1,홍길동,길 1\nA2,\"" + new string('x', 3 << 20) + "\nA3,김영희,길 3\n");

        var (exit, output) = await RunCapturedAsync(db, "import", "customers", file, "--source", "POLICY");

        exit.ShouldBe(2);
        Rejects(file).ShouldBe(["3,(row)"]);
        output.ShouldContain("Lines in the file: 4 = 1 header + 3 rows.");
        await using var ctx = db.CreateContext();
        (await ctx.Customers.CountAsync()).ShouldBe(2);
    }

    // Item 6: errors name columns and lines, never values of a data row.

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_HeaderlessFile_ShowsNoValueOfItsFirstRow(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var file = ImportTestKit.WriteCsv("customers.csv", """
            A1,홍길동,1980-01-15,Male,800115-1234567,010-1234-5678,hong@example.com,서울특별시,강남구,테헤란로 1
            A2,김영희,1985-03-01,Female,850301-2234567,010-2222-3333,kim@example.com,부산광역시,해운대구,해운대로 2
            """);

        var (exit, output) = await RunCapturedAsync(db, "import", "customers", file, "--source", "POLICY");

        exit.ShouldBe(1);
        output.ShouldContain("not a header row");
        foreach (var value in new[] { "홍길동", "800115", "1234567", "010-1234-5678", "hong@example.com", "테헤란로", "해운대로" })
        {
            output.ShouldNotContain(value, Case.Insensitive);
        }
    }

    [Fact]
    public void CheckHeader_UnknownCellsThatAreNotColumnNames_AreNamedByPosition()
    {
        var error = Core.Imports.ImportSchema.CheckHeader(Core.Imports.ImportKind.Customers, ["source_id", "name", "full_name", "홍길동", "010-1234-5678"], "POLICY");

        error.ShouldNotBeNull();
        error.ShouldContain("unknown column(s): full_name, (column 4), (column 5)");
        error.ShouldNotContain("홍길동");
        error.ShouldNotContain("010");
    }

    // Item 7: --encoding auto decides from evidence and rejects the rows that do not decode.

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_AutoEncodingWithOneBadByte_KeepsUtf8AndRejectsThatRowOnly(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var file = ImportTestKit.TempFile("customers.csv");
        ImportTestKit.WriteCustomers(file, 100, seed: 5);
        var bytes = File.ReadAllBytes(file).ToList();
        var row7 = IndexOfLine(bytes, 7);
        bytes.Insert(bytes.IndexOf((byte)'\n', row7) - 3, 0xFF);
        File.WriteAllBytes(file, [.. bytes]);

        var (exit, output) = await RunCapturedAsync(db, "import", "customers", file, "--source", "POLICY");

        exit.ShouldBe(2);
        output.ShouldContain("(utf-8)");
        Rejects(file).ShouldBe(["7,preferred_channel"]);
        File.ReadAllText(file + ".rejects.csv").ShouldContain("not valid UTF-8");
        await using var ctx = db.CreateContext();
        var names = await ctx.Customers.AsNoTracking().Select(c => c.Name).ToListAsync();
        names.Count.ShouldBe(99);
        names.ShouldAllBe(n => n.Length == 3 && n.All(c => c >= '\uAC00' && c <= '\uD7A3'), "Hangul names, not CP949 mojibake");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_AutoEncodingWithoutEvidence_RefusesToGuessAndWritesNothing(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var file = ImportTestKit.WriteCsv("customers.csv", """
            source_id,name,address
            E1,Müller,Königstraße 1
            E2,Sørensen,Åbenrå 2
            E3,Ångström,Göteborg 3
            """, Encoding.Latin1);

        var (exit, output) = await RunCapturedAsync(db, "import", "customers", file, "--source", "POLICY");

        exit.ShouldBe(1);
        output.ShouldContain("Cannot tell the file's encoding");
        output.ShouldContain("--encoding");
        await using var ctx = db.CreateContext();
        (await ctx.Customers.CountAsync()).ShouldBe(0);
        (await ctx.ImportRuns.CountAsync()).ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_Cp949FileWithOneUndecodableRow_RejectsThatRowOnly(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        string[] names = ["홍길동", "김철수", "이영희", "박민수", "최지우"];
        var rows = Enumerable.Range(1, 40).Select(i => string.Create(CultureInfo.InvariantCulture, $"L{i},{names[i % 5]},세종대로 {i}"));
        var file = ImportTestKit.WriteCsv("legacy.csv", "source_id,name,address\n" + string.Join('\n', rows) + "\n", Encoding.GetEncoding(949));
        var bytes = File.ReadAllBytes(file).ToList();
        bytes.Insert(IndexOfLine(bytes, 3) + 3, 0xFF);
        File.WriteAllBytes(file, [.. bytes]);

        var (exit, output) = await RunCapturedAsync(db, "import", "customers", file, "--source", "LEGACY");

        exit.ShouldBe(2);
        output.ShouldContain("(cp949)");
        Rejects(file).ShouldBe(["3,name"]);
        await using var ctx = db.CreateContext();
        var stored = await ctx.Customers.AsNoTracking().OrderBy(c => c.Id).Select(c => c.Name).ToListAsync();
        stored.Count.ShouldBe(39);
        stored.ShouldAllBe(n => names.Contains(n), "every other row decodes to its Hangul name");
    }

    private static int IndexOfLine(List<byte> bytes, int line)
    {
        var at = 0;
        for (var l = 1; l < line; l++)
        {
            at = bytes.IndexOf((byte)'\n', at) + 1;
        }
        return at;
    }

    // Item 8: a giant header, a directory, formulas in what we write.

    [Fact]
    public async Task Import_MillionColumnHeader_FailsWithAShortMessage()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var file = ImportTestKit.TempFile("wide.csv");
        await using (var w = new StreamWriter(file, false, new UTF8Encoding(false)))
        {
            for (var i = 0; i < 1_000_000; i++)
            {
                w.Write(i == 0 ? "c0" : string.Create(CultureInfo.InvariantCulture, $",c{i}"));
            }
            w.Write("\n1\n");
        }

        var (exit, output) = await RunCapturedAsync(db, "import", "customers", file, "--source", "POLICY");

        exit.ShouldBe(1);
        output.ShouldContain("header");
        output.Length.ShouldBeLessThan(2_000);
    }

    [Fact]
    public async Task Import_ManyUnknownColumns_ListsTwentyAndCountsTheRest()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var file = ImportTestKit.WriteCsv("customers.csv", "source_id,name," + string.Join(',', Enumerable.Range(1, 150).Select(i => $"extra{i}")) + "\n");

        var (exit, output) = await RunCapturedAsync(db, "import", "customers", file, "--source", "POLICY");

        exit.ShouldBe(1);
        output.ShouldContain("extra20 and 130 more");
        output.ShouldNotContain("extra21");
    }

    [Fact]
    public async Task Import_Directory_SaysItIsADirectory()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var dir = Path.GetDirectoryName(ImportTestKit.TempFile("x.csv"))!;

        var (exit, output) = await RunCapturedAsync(db, "import", "customers", dir, "--source", "POLICY");

        exit.ShouldBe(1);
        output.ShouldContain("is a directory, not a file");
        output.ShouldNotContain("File not found");
    }

    [Fact]
    public async Task Import_FormulaInARejectedRow_IsNeutralisedInTheRejectsFile()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var file = ImportTestKit.WriteCsv("customers.csv", """
            source_id,name,birth_date,occupation
            A1,=cmd|' /C calc'!A0,1980-13-01,@SUM(1+1)
            A2,+1+1,1980-13-01,-12.5
            """);

        (await ImportTestKit.RunAsync(db, "import", "customers", file, "--source", "POLICY")).ShouldBe(2);

        var cells = File.ReadAllLines(file + ".rejects.csv", Encoding.UTF8).Skip(1).Select(l => l.Split(',')).ToList();
        cells[0][4].ShouldBe("'=cmd|' /C calc'!A0");
        cells[0][6].ShouldBe("'@SUM(1+1)");
        cells[1][4].ShouldBe("'+1+1");
        cells[1][6].ShouldBe("-12.5", "a plain number stays a number");
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1+1", "'+1+1")]
    [InlineData("-1+1", "'-1+1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tcmd", "'\tcmd")]
    [InlineData("\rcmd", "\"'\rcmd\"")]
    [InlineData("=a,b", "\"'=a,b\"")]
    [InlineData("-12.5", "-12.5")]
    [InlineData("-1E-05", "-1E-05")]
    [InlineData("0.25", "0.25")]
    [InlineData("kim", "kim")]
    [InlineData("a\"b", "\"a\"\"b\"")]
    [InlineData("", "")]
    public void Field_CellsAFormulaCouldStartWith_GetAQuoteAndNumbersStay(string value, string expected) =>
        CsvCell.Field(value).ShouldBe(expected);

    [Fact]
    public void UsageReportCsv_FormulaInADetail_IsNeutralised()
    {
        var report = new Core.Privacy.UsageReport(1, new DateTime(2026, 1, 1), new DateTime(2026, 2, 1),
            [new Core.Privacy.UsageEntry(new DateTime(2026, 1, 5, 0, 0, 0, DateTimeKind.Utc), Core.Security.Role.Agent, "-branch", Core.Security.AccessAction.View, "=HYPERLINK(\"http://x\")", "@cmd", false)]);

        var csv = Encoding.UTF8.GetString(report.ToCsv());

        csv.ShouldContain("\"'-branch\"");
        csv.ShouldContain("\"'=HYPERLINK(\"\"http://x\"\")\"");
        csv.ShouldContain("\"'@cmd\"");
    }

    [Fact]
    public void AccessReviewCsv_UserNameStartingWithAnyFormulaCharacter_IsNeutralised()
    {
        var users = FormulaUsers.Select(u => new Core.Security.AccessReviewRow(u, Core.Security.Role.Agent, 1, 0, 0, 0, 0, 0, 0, 1, 0)).ToList();
        var report = new Core.Security.AccessReviewReport(2026, 10, new DateTime(2026, 10, 1), new DateTime(2026, 11, 1), 50, users,
            new Core.Security.ChainVerification(true, 0, null, null));

        var csv = Core.Security.AccessReview.ToCsv(report);

        foreach (var user in FormulaUsers)
        {
            csv.ShouldContain("\n'" + user + ",Agent,");
        }
    }
}
