using System.Text;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Tests.Imports;

/// <summary>Agents, loans, interactions and claims: bad rows rejected with line and column, good rows kept, re-import changes nothing.</summary>
public sealed class ImportOtherKindsTests
{
    private const string Customers = """
        source_id,name,birth_date,gender,phone
        C1,홍길동,1980-01-15,Male,010-1234-5678
        C2,김영희,1985-03-01,Female,010-2222-3333
        """;

    private const string Agents = """
        code,name,kind,branch_code,branch_name,sido,sigungu,hire_date,termination_date,status
        FC001,박설계,Fc,B01,강남지점,서울특별시,강남구,2019-03-01,,Active
        FC002,최퇴사,Fc,B01,,,,2018-01-01,2019-02-01,Terminated
        FC003,오류,Fc,NOPE,,,,2020-01-01,,Active
        FC004,해촉일없음,Fc,B01,,,,2020-01-01,,Terminated
        """;

    private const string Contracts = """
        contract_number,product_code,policyholder,sum_assured,premium,payment_mode,payment_method,issue_date,channel,status,status_date,selling_agent_code,servicing_agent_code
        L0001,WL01,C1,100000000,150000,Monthly,AutoDebit,2020-01-10,Fc,InForce,2020-01-20,FC001,FC001
        """;

    private const string Loans = """
        loan_number,customer,product_code,principal,rate,balance,start_date,maturity_date,status,status_date,agent_code
        LN1,C1,LN01,5000000,0.0525,3000000,2024-01-05,2027-01-05,Active,2024-01-05,FC001
        LN2,C2,LN01,5000000,0.0525,6000000,2024-01-05,2027-01-05,Active,2024-01-05,
        LN3,C9,LN01,5000000,0.0525,1000000,2024-01-05,2027-01-05,Active,2024-01-05,
        """;

    private const string Interactions = """
        source_key,customer,occurred_at,channel,direction,purpose,outcome,agent_code,notes
        CC-1,C1,2025-05-01 10:30,PhoneIn,Inbound,Inquiry,Completed,,
        CC-2,C2,2025-05-02T09:00:00+09:00,Visit,Outbound,Sales,Interested,FC001,
        CC-3,C1,2025-05-03 10:30,Fax,Inbound,Inquiry,Completed,,
        """;

    private const string Claims = """
        claim_number,contract_number,cause,claim_date,paid_date,amount_paid
        CL1,L0001,hospital,2024-06-01,2024-06-10,350000
        CL2,L9999,hospital,2024-06-01,,1000
        CL3,L0001,hospital,2024-06-01,,-5
        """;

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_AgentsLoansInteractionsClaims_RejectBadRowsKeepGoodOnesAndReimportChangesNothing(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await ImportTestKit.AddProductAsync(db, "WL01");
        await using (var ctx = db.CreateContext())
        {
            ctx.Products.Add(new Product { Code = "LN01", Name = "보험계약대출", Line = ProductLine.Loan, Family = ProductFamily.SecuredLoan });
            await ctx.SaveChangesAsync();
        }
        (await ImportTestKit.RunAsync(db, "import", "customers", ImportTestKit.WriteCsv("c.csv", Customers), "--source", "PAS")).ShouldBe(0);

        var files = new (string Kind, string Content, int Exit, string[] Rejects)[]
        {
            ("agents", Agents, 2, ["4,branch_code", "5,termination_date"]),
            ("contracts", Contracts, 0, []),
            ("loans", Loans, 2, ["3,balance", "4,customer"]),
            ("interactions", Interactions, 2, ["4,channel"]),
            ("claims", Claims, 2, ["3,contract_number", "4,amount_paid"]),
        };
        var paths = new Dictionary<string, string>();
        foreach (var (kind, content, exit, rejects) in files)
        {
            var path = paths[kind] = ImportTestKit.WriteCsv(kind + ".csv", content);
            (await ImportTestKit.RunAsync(db, "import", kind, path, "--source", "PAS")).ShouldBe(exit, kind);
            var listed = File.Exists(path + ".rejects.csv")
                ? File.ReadAllLines(path + ".rejects.csv", Encoding.UTF8).Skip(1).Select(l => string.Join(',', l.Split(',').Take(2))).ToList()
                : [];
            listed.ToArray().ShouldBe(rejects, kind);
        }

        var before = await SnapshotAsync(db);
        before.ShouldContain("agent FC001 박설계 Active");
        before.ShouldContain("agent FC002 최퇴사 Terminated 2019-02-01");
        before.ShouldContain("loan LN1 3000000 0.0525 Active");
        before.ShouldContain("interaction CC-2 Visit Sales Interested");
        before.ShouldContain("claim CL1 350000");
        foreach (var (kind, _, _, _) in files)
        {
            await ImportTestKit.RunAsync(db, "import", kind, paths[kind], "--source", "PAS");
        }
        (await SnapshotAsync(db)).ShouldBe(before, "a second import of the same files changes nothing");
    }

    private static async Task<string> SnapshotAsync(TestDatabase db)
    {
        await using var ctx = db.CreateContext();
        var sb = new StringBuilder();
        foreach (var a in await ctx.Agents.AsNoTracking().OrderBy(a => a.Code).ToListAsync())
        {
            sb.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"agent {a.Code} {a.Name} {a.Status} {a.TerminationDate:yyyy-MM-dd} v{a.Version}");
        }
        foreach (var l in await ctx.Loans.AsNoTracking().OrderBy(l => l.LoanNumber).ToListAsync())
        {
            sb.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"loan {l.LoanNumber} {l.Balance:0} {l.Rate:0.0###} {l.Status} v{l.Version}");
        }
        foreach (var i in await ctx.Interactions.AsNoTracking().OrderBy(i => i.SourceKey).ToListAsync())
        {
            sb.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"interaction {i.SourceKey} {i.Channel} {i.Purpose} {i.Outcome} {i.OccurredAt:O}");
        }
        foreach (var c in await ctx.Claims.AsNoTracking().OrderBy(c => c.ClaimNumber).ToListAsync())
        {
            sb.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"claim {c.ClaimNumber} {c.AmountPaid:0} {c.PaidDate:yyyy-MM-dd}");
        }
        sb.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"branches {await ctx.Branches.CountAsync()} contracts {await ctx.Contracts.CountAsync()}");
        return sb.ToString();
    }
}
