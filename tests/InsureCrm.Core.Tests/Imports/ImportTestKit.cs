using System.Globalization;
using System.Text;
using InsureCrm.Cli;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Identity;
using InsureCrm.Core.Policies;
using InsureCrm.Tests.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace InsureCrm.Tests.Imports;

/// <summary>Writes import files next to the test database and runs the real CLI in-process.</summary>
internal static class ImportTestKit
{
    public static string TempFile(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "insurecrm-import-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }

    public static string WriteCsv(string name, string content, Encoding? encoding = null)
    {
        var path = TempFile(name);
        File.WriteAllText(path, content.ReplaceLineEndings("\n"), encoding ?? new UTF8Encoding(false));
        return path;
    }

    /// <summary>Runs the CLI as <see cref="TestUsers.DataSteward"/> (an admin account, created on first use).</summary>
    public static async Task<int> RunAsync(TestDatabase db, params string[] args)
    {
        await TestUsers.AddAsync(db, TestUsers.DataSteward, Core.Security.Role.Admin);
        return await CliApp.RunAsync([.. args, "--as", TestUsers.DataSteward], new ConfigurationBuilder().AddInMemoryCollection(db.Settings).Build());
    }

    /// <summary>Every customer-related row in a stable order: equal digests mean nothing changed.</summary>
    public static async Task<string> DigestAsync(TestDatabase db)
    {
        await using var ctx = db.CreateContext();
        var sb = new StringBuilder();
        foreach (var c in await ctx.Customers.AsNoTracking().OrderBy(c => c.Id).ToListAsync())
        {
            sb.Append(CultureInfo.InvariantCulture, $"{c.Id}|{c.Name}|{c.BirthDate}|{c.Gender}|{c.RrnHash}|{c.RrnCipher}|{c.IncomeBand}|{c.MergedIntoId}|{c.Version}|{c.UpdatedAt:O}\n");
        }
        foreach (var p in await ctx.CustomerPhones.AsNoTracking().OrderBy(p => p.Id).ToListAsync())
        {
            sb.Append(CultureInfo.InvariantCulture, $"p{p.Id}|{p.CustomerId}|{p.Number}|{p.IsPrimary}\n");
        }
        foreach (var e in await ctx.CustomerEmails.AsNoTracking().OrderBy(p => p.Id).ToListAsync())
        {
            sb.Append(CultureInfo.InvariantCulture, $"e{e.Id}|{e.CustomerId}|{e.Address}|{e.IsPrimary}\n");
        }
        foreach (var a in await ctx.CustomerAddresses.AsNoTracking().OrderBy(p => p.Id).ToListAsync())
        {
            sb.Append(CultureInfo.InvariantCulture, $"a{a.Id}|{a.CustomerId}|{a.Sido}|{a.Line}|{a.IsPrimary}\n");
        }
        foreach (var k in await ctx.CustomerSourceKeys.AsNoTracking().OrderBy(p => p.Id).ToListAsync())
        {
            sb.Append(CultureInfo.InvariantCulture, $"k{k.Id}|{k.CustomerId}|{k.SourceSystem}|{k.SourceId}\n");
        }
        foreach (var c in await ctx.Contracts.AsNoTracking().OrderBy(p => p.Id).ToListAsync())
        {
            sb.Append(CultureInfo.InvariantCulture, $"c{c.Id}|{c.CustomerId}|{c.ContractNumber}|{c.Status}|{c.Version}\n");
        }
        sb.Append(CultureInfo.InvariantCulture, $"merges {await ctx.IdentityMerges.CountAsync()} history {await ctx.ContractStatusChanges.CountAsync()}\n");
        return sb.ToString();
    }

    public static async Task AddProductAsync(TestDatabase db, string code)
    {
        await using var ctx = db.CreateContext();
        ctx.Products.Add(new Product { Code = code, Name = "Whole life " + code, Line = ProductLine.Life, Family = ProductFamily.WholeLife });
        await ctx.SaveChangesAsync();
    }

    /// <summary>
    /// A synthetic customers file: valid RRNs, Hangul names, phones in mixed formats; every
    /// <paramref name="duplicateEvery"/>-th row repeats an earlier person under another source id.
    /// </summary>
    public static void WriteCustomers(string path, int rows, int seed, int duplicateEvery = 0)
    {
        var random = new Random(seed);
        string[] family = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임"];
        string[] given = ["민준", "서연", "도윤", "지우", "하준", "서윤", "시우", "하은", "지호", "수아"];
        string[] sido = ["서울특별시", "부산광역시", "경기도", "인천광역시"];
        using var w = new StreamWriter(path, false, new UTF8Encoding(true), 1 << 20);
        w.Write("source_id,kind,name,birth_date,gender,rrn,phone,email,sido,sigungu,address,occupation,income_band,marital_status,children,preferred_channel\n");
        for (var i = 1; i <= rows; i++)
        {
            var person = duplicateEvery > 0 && i % duplicateEvery == 0 ? random.Next(1, i) : i;
            var r = new Random(seed * 1_000_003 + person);
            var birth = new DateOnly(1940, 1, 1).AddDays(r.Next(0, 365 * 60));
            var gender = r.Next(2) == 0 ? Gender.Male : Gender.Female;
            var rrn = Rrn.Create(birth, gender, person);
            var phone = string.Create(CultureInfo.InvariantCulture, $"010-{r.Next(1000, 9999)}-{person % 10000:D4}");
            w.Write(string.Create(CultureInfo.InvariantCulture,
                $"S{i:D8},Individual,{family[r.Next(10)]}{given[r.Next(10)]},{birth:yyyy-MM-dd},{gender},{rrn.Formatted},{phone},p{person}@example.com,{sido[r.Next(4)]},중구,길 {r.Next(1, 500)},clerk,From4000To6000,Married,{r.Next(0, 4)},Phone\n"));
        }
    }
}
