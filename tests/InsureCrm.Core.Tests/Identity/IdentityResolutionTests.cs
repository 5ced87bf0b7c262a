using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Identity;
using InsureCrm.Core.Policies;
using InsureCrm.Tests.Imports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace InsureCrm.Tests.Identity;

public sealed class IdentityResolutionTests
{
    private const string ContractHeader = "contract_number,product_code,policyholder,sum_assured,premium,payment_mode,payment_method,issue_date,channel,status,status_date";

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_SameRrnFromTwoSystems_MergesAndUndoRestoresBothWithTheirContracts(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await ImportTestKit.AddProductAsync(db, "WL01");
        // The policy system first knows the person without an RRN, so both records get their own contract.
        var policyWithoutRrn = ImportTestKit.WriteCsv("policy.csv", "source_id,name,phone\nP1,홍길동,010-1234-5678\n");
        var loanCustomers = ImportTestKit.WriteCsv("loan.csv", "source_id,name,rrn,phone\nL9,홍 길동,8001151234567,010 5555 6666\n");
        (await ImportTestKit.RunAsync(db, "import", "customers", policyWithoutRrn, "--source", "PAS")).ShouldBe(0);
        (await ImportTestKit.RunAsync(db, "import", "customers", loanCustomers, "--source", "LOAN")).ShouldBe(0);
        (await ImportTestKit.RunAsync(db, "import", "contracts", ImportTestKit.WriteCsv("c1.csv",
            $"{ContractHeader}\nC-1,WL01,P1,100000000,150000,Monthly,AutoDebit,2020-01-10,Fc,InForce,2020-01-10\n"), "--source", "PAS")).ShouldBe(0);
        (await ImportTestKit.RunAsync(db, "import", "contracts", ImportTestKit.WriteCsv("c2.csv",
            $"{ContractHeader}\nC-2,WL01,L9,30000000,50000,Monthly,AutoDebit,2022-01-10,Tc,InForce,2022-01-10\n"), "--source", "LOAN")).ShouldBe(0);
        var before = await OwnersAsync(db);
        before.Values.Distinct().Count().ShouldBe(2);

        // Now the policy system sends the RRN too: the same person, one visible customer.
        var policyWithRrn = ImportTestKit.WriteCsv("policy2.csv", "source_id,name,rrn,phone\nP1,홍길동,800115-1234567,010-1234-5678\n");
        (await ImportTestKit.RunAsync(db, "import", "customers", policyWithRrn, "--source", "PAS")).ShouldBe(0);

        await using (var ctx = db.CreateContext())
        {
            var visible = await ctx.Customers.AsNoTracking().Where(c => c.MergedIntoId == null).ToListAsync();
            visible.Select(c => c.Id).ShouldBe([before["C-1"]]);
            (await OwnersAsync(db)).Values.ShouldAllBe(id => id == before["C-1"]);
            var merge = await ctx.IdentityMerges.AsNoTracking().SingleAsync();
            (merge.SurvivorId, merge.MergedId, merge.Rule).ShouldBe((before["C-1"], before["C-2"], MergeRule.SameRrn));
            merge.MovedJson.ShouldContain("\"contract.customer_id\"");
            (await ctx.CustomerSourceKeys.CountAsync(k => k.CustomerId == before["C-1"])).ShouldBe(2);
        }
        var merged = await ImportTestKit.DigestAsync(db);

        var mergeId = (await ListMergeIdsAsync(db)).Single();
        (await ImportTestKit.RunAsync(db, "identity", "undo", mergeId)).ShouldBe(0);

        (await OwnersAsync(db)).ShouldBe(before);
        await using (var ctx = db.CreateContext())
        {
            (await ctx.Customers.CountAsync(c => c.MergedIntoId == null)).ShouldBe(2);
            (await ctx.CustomerSourceKeys.SingleAsync(k => k.SourceId == "L9")).CustomerId.ShouldBe(before["C-2"]);
            (await ctx.CustomerPhones.CountAsync(p => p.CustomerId == before["C-2"])).ShouldBe(1);
            var merge = await ctx.IdentityMerges.AsNoTracking().SingleAsync();
            merge.UndoneAt.ShouldNotBeNull();
            merge.UndoneBy.ShouldNotBeNullOrEmpty();
        }
        merged.ShouldNotBe(await ImportTestKit.DigestAsync(db));

        // An undone pair is remembered: neither a re-import nor a full resolve merges it again.
        (await ImportTestKit.RunAsync(db, "import", "customers", policyWithRrn, "--source", "PAS")).ShouldBe(0);
        (await ImportTestKit.RunAsync(db, "identity", "resolve")).ShouldBe(0);
        await using (var ctx = db.CreateContext())
        {
            (await ctx.Customers.CountAsync(c => c.MergedIntoId == null)).ShouldBe(2);
            (await ctx.IdentityMerges.CountAsync()).ShouldBe(1);
        }
        (await ImportTestKit.RunAsync(db, "identity", "undo", mergeId)).ShouldBe(1);
    }

    /// <summary>
    /// Three source records of one person (same RRN): the first has phone A, the other two both have phone B
    /// (written differently) and all three the same e-mail address (in other cases). The survivor holds A, B
    /// and the address once each; undo gives every record its own back.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_SamePersonWithSamePhoneAndEmailInThreeRecords_SurvivorHoldsEachOnceAndUndoGivesThemBack(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var first = ImportTestKit.WriteCsv("pas.csv", "source_id,name,rrn,phone,email\nP1,홍길동,800115-1234567,010-1111-2222,Hong.GD@Example.com\n");
        var more = ImportTestKit.WriteCsv("loan.csv", """
            source_id,name,rrn,phone,email
            L1,홍길동,800115-1234567,010-3333-4444,hong.gd@example.com
            L2,홍길동,800115-1234567,010 3333 4444,HONG.GD@EXAMPLE.COM
            """);
        (await ImportTestKit.RunAsync(db, "import", "customers", first, "--source", "PAS")).ShouldBe(0);
        (await ImportTestKit.RunAsync(db, "import", "customers", more, "--source", "LOAN")).ShouldBe(0);

        long survivor;
        await using (var ctx = db.CreateContext())
        {
            survivor = (await ctx.Customers.SingleAsync(c => c.MergedIntoId == null)).Id;
            (await ctx.IdentityMerges.CountAsync()).ShouldBe(2);
            var phones = await ctx.CustomerPhones.Where(p => p.CustomerId == survivor).Select(p => p.Number).ToListAsync();
            phones.Select(n => n.Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal)).Order().ShouldBe(["01011112222", "01033334444"]);
            (await ctx.CustomerEmails.CountAsync(e => e.CustomerId == survivor)).ShouldBe(1);
        }

        foreach (var mergeId in await ListMergeIdsAsync(db))
        {
            (await ImportTestKit.RunAsync(db, "identity", "undo", mergeId)).ShouldBe(0);
        }

        await using (var ctx = db.CreateContext())
        {
            var customers = await ctx.Customers.Where(c => c.MergedIntoId == null).Select(c => c.Id).ToListAsync();
            customers.Count.ShouldBe(3);
            foreach (var id in customers)
            {
                (await ctx.CustomerPhones.CountAsync(p => p.CustomerId == id)).ShouldBe(1);
                (await ctx.CustomerEmails.CountAsync(e => e.CustomerId == id)).ShouldBe(1);
            }
        }
    }

    /// <summary>A database merged by an older version: the survivor got the merged record's copy of its phone and e-mail.</summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Resolve_DuplicatesAnOlderMergeLeftOnTheSurvivor_ReturnsThemToTheMergedCustomerAndUndoStillWorks(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        long survivor, merged, other, copiedPhone, copiedEmail;
        await using (var ctx = db.CreateContext())
        {
            Customer Person(string name, params string[] phones) => new()
            {
                Name = name, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
                Phones = [.. phones.Select((p, i) => new CustomerPhone { Number = p, IsPrimary = i == 0 })],
                Emails = [new CustomerEmail { Address = "kim@example.com", IsPrimary = true }],
            };
            var s = Person("김민지", "01012345678");
            var m = Person("김민지", "01012345678");
            var x = Person("이수진", "01099998888", "01099998888"); // one source record holding a number twice: no merge brought it
            ctx.Customers.AddRange(s, m, x);
            await ctx.SaveChangesAsync();
            (survivor, merged, other) = (s.Id, m.Id, x.Id);
            copiedPhone = m.Phones[0].Id;
            copiedEmail = m.Emails[0].Id;
            m.MergedIntoId = s.Id;
            m.Phones[0].CustomerId = s.Id;
            m.Emails[0].CustomerId = s.Id;
            m.Emails[0].Address = "KIM@example.com";
            ctx.IdentityMerges.Add(new IdentityMerge
            {
                SurvivorId = s.Id, MergedId = m.Id, Rule = MergeRule.Manual, MergedAt = DateTime.UtcNow, MergedBy = "older version",
                MovedJson = $$"""{"customer_email.customer_id":[{{copiedEmail}}],"customer_phone.customer_id":[{{copiedPhone}}]}""",
            });
            await ctx.SaveChangesAsync();
        }

        (await ImportTestKit.RunAsync(db, "identity", "resolve")).ShouldBe(0);

        await using (var ctx = db.CreateContext())
        {
            (await ctx.CustomerPhones.CountAsync(p => p.CustomerId == survivor)).ShouldBe(1);
            (await ctx.CustomerEmails.CountAsync(e => e.CustomerId == survivor)).ShouldBe(1);
            (await ctx.CustomerPhones.SingleAsync(p => p.Id == copiedPhone)).CustomerId.ShouldBe(merged);
            (await ctx.CustomerEmails.SingleAsync(e => e.Id == copiedEmail)).CustomerId.ShouldBe(merged);
            (await ctx.CustomerPhones.CountAsync(p => p.CustomerId == other)).ShouldBe(2, "not a merge's doing: left alone");
        }
        var mergeId = (await ListMergeIdsAsync(db)).Single();
        (await ImportTestKit.RunAsync(db, "identity", "undo", mergeId)).ShouldBe(0);
        await using (var ctx = db.CreateContext())
        {
            (await ctx.Customers.CountAsync(c => c.MergedIntoId == null)).ShouldBe(3);
            (await ctx.CustomerPhones.CountAsync(p => p.CustomerId == merged)).ShouldBe(1);
            (await ctx.CustomerEmails.CountAsync(e => e.CustomerId == merged)).ShouldBe(1);
        }
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Resolve_SameNameBirthDateAndPhone_MergesIntoTheOlderRecordOnly(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var birth = new DateOnly(1975, 5, 5);
        long[] ids;
        await using (var ctx = db.CreateContext())
        {
            Customer Person(string name, DateOnly birthDate, string phone, string? rrnHash = null) => new()
            {
                Name = name, BirthDate = birthDate, RrnHash = rrnHash, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
                Phones = [new CustomerPhone { Number = phone, IsPrimary = true }],
            };
            var people = new[]
            {
                Person("박민수", birth, "01077778888"),
                Person("박민수", birth, "01077778888"),               // same person, second system: merged
                Person("박민수", birth, "01011112222"),               // another phone: kept apart
                Person("박민수", birth.AddDays(1), "01077778888"),    // another birth date: kept apart
                Person("이영자", birth, "01033334444", "hash-a"),
                Person("이영자", birth, "01033334444", "hash-b"),     // RRNs disagree: kept apart
            };
            ctx.Customers.AddRange(people);
            await ctx.SaveChangesAsync();
            ids = [.. people.Select(p => p.Id)];
        }

        (await ImportTestKit.RunAsync(db, "identity", "resolve")).ShouldBe(0);

        await using (var ctx = db.CreateContext())
        {
            var merge = await ctx.IdentityMerges.AsNoTracking().SingleAsync();
            (merge.SurvivorId, merge.MergedId, merge.Rule).ShouldBe((ids[0], ids[1], MergeRule.SameNameBirthDatePhone));
            (await ctx.Customers.AsNoTracking().OrderBy(c => c.Id).Select(c => c.MergedIntoId).ToListAsync())
                .ShouldBe([null, ids[0], null, null, null, null]);
            (await ctx.CustomerPhones.CountAsync(p => p.CustomerId == ids[0])).ShouldBe(1, "the same number once");
        }
        (await ImportTestKit.RunAsync(db, "identity", "resolve")).ShouldBe(0);
        await using (var ctx = db.CreateContext())
        {
            (await ctx.IdentityMerges.CountAsync()).ShouldBe(1);
        }
    }

    /// <summary>
    /// A customer that absorbed another is merged in turn: the earlier merged record now points at the new survivor
    /// (customer.merged_into_id moves like every other reference, on PostgreSQL reached by the merged ids), with its
    /// source key, and undoing the second merge points it back at the record it was merged into first.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Merge_CustomerThatAbsorbedAnother_RepointsTheEarlierMergeAndUndoRestoresIt(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        long[] ids;
        await using (var ctx = db.CreateContext())
        {
            var people = Enumerable.Range(0, 3).Select(i => new Customer
            {
                Name = $"고객{i}", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
                SourceKeys = [new CustomerSourceKey { SourceSystem = "T", SourceId = $"S{i}" }],
            }).ToArray();
            ctx.Customers.AddRange(people);
            await ctx.SaveChangesAsync();
            ids = [.. people.Select(p => p.Id)];
        }
        var identity = new IdentityResolution(db.Database, TimeProvider.System, NullLogger<IdentityResolution>.Instance);

        (await identity.MergeAsync(ids[1], ids[2], "test")).Error.ShouldBeNull();
        var (second, error) = await identity.MergeAsync(ids[0], ids[1], "test");
        error.ShouldBeNull();

        await using (var ctx = db.CreateContext())
        {
            (await ctx.Customers.AsNoTracking().OrderBy(c => c.Id).Select(c => c.MergedIntoId).ToListAsync()).ShouldBe([null, ids[0], ids[0]]);
            (await ctx.CustomerSourceKeys.AsNoTracking().CountAsync(k => k.CustomerId == ids[0])).ShouldBe(3);
            var merge = await ctx.IdentityMerges.AsNoTracking().SingleAsync(m => m.Id == second);
            merge.MovedJson.ShouldContain($"\"customer.merged_into_id\":[{ids[2]}]");
        }

        (await identity.UndoAsync(second!.Value, "test")).Succeeded.ShouldBeTrue();
        await using (var ctx = db.CreateContext())
        {
            (await ctx.Customers.AsNoTracking().OrderBy(c => c.Id).Select(c => c.MergedIntoId).ToListAsync()).ShouldBe([null, null, ids[1]]);
            (await ctx.CustomerSourceKeys.AsNoTracking().OrderBy(k => k.SourceId).Select(k => k.CustomerId).ToListAsync())
                .ShouldBe([ids[0], ids[1], ids[1]]);
        }
    }

    /// <summary>
    /// Several merges in one batch are recorded together (one statement on PostgreSQL, a row each on SQLite):
    /// each identity_merge row names its own pair and rule, in plan order, and lists only its merged record's
    /// rows, so undoing one merge gives back exactly that record.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_ManyMergesInOneBatch_RecordsEachPairWithItsOwnRowsAndUndoesOneAlone(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var file = ImportTestKit.WriteCsv("many.csv", """
            source_id,name,birth_date,rrn,phone,email
            A1,홍길동,,800115-1234567,010-1111-0001,a1@example.com
            B1,김영희,,900220-2345678,010-2222-0001,b1@example.com
            C1,이철수,1975-03-03,,010-3333-0001,c1@example.com
            A2,홍길동,,800115-1234567,010-1111-0002,a2@example.com
            B2,김영희,,900220-2345678,010-2222-0002,b2@example.com
            C2,이철수,1975-03-03,,010-3333-0001,c2@example.com
            """);
        (await ImportTestKit.RunAsync(db, "import", "customers", file, "--source", "PAS")).ShouldBe(0);

        Dictionary<string, long> ids;
        List<IdentityMerge> merges;
        await using (var ctx = db.CreateContext())
        {
            ids = await ctx.CustomerSourceKeys.AsNoTracking().ToDictionaryAsync(k => k.SourceId, k => k.CustomerId);
            merges = await ctx.IdentityMerges.AsNoTracking().OrderBy(m => m.Id).ToListAsync();
        }
        // Source keys move to the survivor with the merge; the merged records are the ones marked merged.
        merges.Select(m => (m.SurvivorId, m.Rule)).ShouldBe([
            (ids["A1"], MergeRule.SameRrn), (ids["B1"], MergeRule.SameRrn), (ids["C1"], MergeRule.SameNameBirthDatePhone)]);
        merges.Select(m => m.MergedId).Distinct().Count().ShouldBe(3);
        await using (var ctx = db.CreateContext())
        {
            foreach (var (m, letter) in merges.Zip("ABC".Select(c => c.ToString())))
            {
                (await ctx.Customers.AsNoTracking().SingleAsync(c => c.Id == m.MergedId)).MergedIntoId.ShouldBe(m.SurvivorId);
                var sourceKey = (await ctx.CustomerSourceKeys.AsNoTracking().SingleAsync(k => k.SourceId == letter + "2")).Id;
                m.MovedJson.ShouldContain(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"\"customer_source_key.customer_id\":[{sourceKey}]"));
                m.MovedJson.ShouldContain("\"customer_email.customer_id\"");
                // C2's phone number is C1's: the survivor keeps its own, and C2's copy stays where it was.
                m.MovedJson.Contains("\"customer_phone.customer_id\"", StringComparison.Ordinal).ShouldBe(letter != "C");
            }
        }

        var middle = merges[1];
        (await ImportTestKit.RunAsync(db, "identity", "undo", middle.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))).ShouldBe(0);
        await using (var ctx = db.CreateContext())
        {
            (await ctx.Customers.AsNoTracking().OrderBy(c => c.Id).Where(c => c.MergedIntoId != null).Select(c => c.Id).ToListAsync())
                .ShouldBe([merges[0].MergedId, merges[2].MergedId]);
            (await ctx.CustomerSourceKeys.AsNoTracking().SingleAsync(k => k.SourceId == "B2")).CustomerId.ShouldBe(middle.MergedId);
            (await ctx.CustomerPhones.CountAsync(p => p.CustomerId == middle.MergedId)).ShouldBe(1);
            (await ctx.CustomerEmails.CountAsync(e => e.CustomerId == middle.MergedId)).ShouldBe(1);
            (await ctx.CustomerSourceKeys.AsNoTracking().SingleAsync(k => k.SourceId == "A2")).CustomerId.ShouldBe(merges[0].SurvivorId);
        }
    }

    public static TheoryData<DatabaseProvider, int, bool> ChainCases()
    {
        var data = new TheoryData<DatabaseProvider, int, bool>();
        foreach (var provider in new[] { DatabaseProvider.Sqlite, DatabaseProvider.Postgres })
        {
            foreach (var batch in new[] { 100, 1 })
            {
                data.Add(provider, batch, false);
                data.Add(provider, batch, true);
            }
        }
        return data;
    }

    /// <summary>
    /// The third record shares no RRN and no exact name + phone with the second, only with the person the
    /// second was merged into by RRN, who took over the second's phone. Import must find that chain whether
    /// the rows share a batch or not, and whether the database held other customers before or not.
    /// </summary>
    [Theory, MemberData(nameof(ChainCases))]
    public async Task Import_PhoneGainedByRrnMerge_LetsNameRuleMergeTheThirdRecord(DatabaseProvider provider, int batchSize, bool populated)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        if (populated)
        {
            var other = ImportTestKit.WriteCsv("other.csv", "source_id,name,birth_date,phone\nX1,김철수,1970-07-07,010-9999-0000\n");
            (await ImportTestKit.RunAsync(db, "import", "customers", other, "--source", "CRM")).ShouldBe(0);
        }
        var file = ImportTestKit.WriteCsv("chain.csv", """
            source_id,name,birth_date,rrn,phone
            P1,홍길동,,800115-1234567,010-1111-2222
            P2,홍 길동,,800115-1234567,010-3333-4444
            P3,홍길동,1980-01-15,,010-3333-4444
            P4,홍길동,1980-01-15,,010-5555-6666
            """);

        (await ImportTestKit.RunAsync(db, "import", "customers", file, "--source", "PAS", "--batch-size",
            batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture))).ShouldBe(0);

        await using var ctx = db.CreateContext();
        var ids = await ctx.CustomerSourceKeys.AsNoTracking().Where(k => k.SourceSystem == "PAS").OrderBy(k => k.SourceId).Select(k => k.CustomerId).ToListAsync();
        ids.Distinct().Count().ShouldBe(2, "P1, P2 and P3 are one person; P4 has a phone nobody else has");
        var merges = await ctx.IdentityMerges.AsNoTracking().OrderBy(m => m.Id).ToListAsync();
        merges.Select(m => m.Rule).ShouldBe([MergeRule.SameRrn, MergeRule.SameNameBirthDatePhone]);
        merges.ShouldAllBe(m => m.SurvivorId == ids[0]);
        (await ctx.CustomerPhones.CountAsync(p => p.CustomerId == ids[0])).ShouldBe(2, "P1's number, and P2's and P3's shared number once");
    }

    private static async Task<Dictionary<string, long>> OwnersAsync(TestDatabase db)
    {
        await using var ctx = db.CreateContext();
        return await ctx.Contracts.AsNoTracking().ToDictionaryAsync(c => c.ContractNumber, c => c.CustomerId);
    }

    private static async Task<List<string>> ListMergeIdsAsync(TestDatabase db)
    {
        await using var ctx = db.CreateContext();
        return [.. (await ctx.IdentityMerges.AsNoTracking().Select(m => m.Id).ToListAsync()).Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture))];
    }
}
