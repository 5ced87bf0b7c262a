using System.Globalization;
using System.Text;
using System.Text.Json;
using InsureCrm.Core.Common;
using InsureCrm.Core.Identity;
using InsureCrm.Core.Imports;
using InsureCrm.Tests.Customers;
using InsureCrm.Tests.Imports;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace InsureCrm.Tests.Identity;

/// <summary>
/// A first import on PostgreSQL plans its merges by RRN before each batch is written (RunIdentityKeys) instead of
/// running identity resolution's statements after it. The tables must come out exactly as the statements leave them:
/// the same files are imported both ways into two new databases and every customer, contact, source key and merge row
/// compared.
/// </summary>
public sealed class MergesPlannedInMemoryTests
{
    /// <summary>
    /// Generated duplicates (same RRN, phone and e-mail as an earlier person, in the same batch or an earlier one), and
    /// by hand: a duplicate with a new phone and an e-mail in other letters, two duplicates bringing the same new phone
    /// (the first gives it to the survivor, the second keeps it), one bringing nothing but a source key, a person
    /// without an RRN, and three records of one new RRN in one batch.
    /// </summary>
    [Fact]
    public async Task FirstImport_RrnDuplicatesPlannedInMemory_LeaveTheSameTablesAsIdentityResolutionsStatements()
    {
        var file = ImportTestKit.TempFile("customers.csv");
        ImportTestKit.WriteCustomers(file, 120, seed: 7, duplicateEvery: 4);
        var (birth, rrn) = ("1975-05-05", Rrn(1975, 5, 5, 4242));
        var (birth2, rrn2) = ("1981-02-03", Rrn(1981, 2, 3, 4343));
        var lines = File.ReadAllLines(file).ToList();
        // H0 comes first, so that the records repeating it are in later batches.
        lines.Insert(1, Row("H0", "황보영", birth, rrn, "010-7777-0000", "h0@example.com"));
        lines.AddRange(
        [
            Row("H1", "황보영", birth, rrn, "010-7777-0001", "H0@EXAMPLE.COM"),
            Row("H2", "황보 영", birth, rrn, "010-7777-0002", "h0@example.com"),
            Row("H3", "황보영", birth, rrn, "01077770002", "h3@example.com"),
            Row("H4", "황보영", birth, rrn, "", ""),
            Row("H5", "남궁민수", "1977-03-04", "", "010-7777-0005", "h5@example.com"),
            Row("H6", "제갈현", birth2, rrn2, "010-7777-0006", ""),
            Row("H7", "제갈현", birth2, rrn2, "010-7777-0007", "h7@example.com"),
            Row("H8", "제갈 현", birth2, rrn2, "010-7777-0007", "H7@example.com"),
        ]);
        File.WriteAllLines(file, lines);

        var (planned, plannedResult) = await ImportAsync(file, planInMemory: true);
        await using var _ = planned;
        var (statements, statementsResult) = await ImportAsync(file, planInMemory: false);
        await using var __ = statements;

        plannedResult.Rejected.ShouldBe(0);
        plannedResult.Merged.ShouldBeGreaterThan(20, "most of the generated duplicates (every fourth row) and six rows by hand repeat a person");
        plannedResult.Merged.ShouldBe(statementsResult.Merged);
        plannedResult.MergedBeforeWriting.ShouldBe(plannedResult.Merged, "every merge here is by RRN, which the planner plans");
        statementsResult.MergedBeforeWriting.ShouldBe(0);
        await ShouldHoldTheSameAsync(planned, statements);
    }

    /// <summary>
    /// A later batch holds a record only the name rule merges (its phone was taken over by a survivor through an RRN
    /// merge of the same batch): the planner stops at that batch and the statements take over, with the same result.
    /// </summary>
    [Fact]
    public async Task FirstImport_BatchNeedingTheNameRule_StopsPlanningAndStillLeavesTheSameTables()
    {
        var file = ImportTestKit.TempFile("customers.csv");
        ImportTestKit.WriteCustomers(file, 40, seed: 3, duplicateEvery: 5);
        File.AppendAllText(file, string.Join("\n",
            Row("C1", "홍길동", "", "800115-1234567", "010-1111-2222", ""),
            Row("C2", "홍 길동", "", "800115-1234567", "010-3333-4444", ""),
            Row("C3", "홍길동", "1980-01-15", "", "010-3333-4444", ""),
            Row("C4", "김민준", "1970-01-01", Rrn(1970, 1, 1, 4444), "010-8888-0004", "")) + "\n");

        var (planned, plannedResult) = await ImportAsync(file, planInMemory: true);
        await using var _ = planned;
        var (statements, statementsResult) = await ImportAsync(file, planInMemory: false);
        await using var __ = statements;

        plannedResult.Merged.ShouldBe(statementsResult.Merged);
        plannedResult.MergedBeforeWriting.ShouldBeGreaterThan(0, "the batches before C3's are planned in memory");
        plannedResult.MergedBeforeWriting.ShouldBeLessThan(plannedResult.Merged, "C3's batch and those after it are resolved by statements");
        await ShouldHoldTheSameAsync(planned, statements);
    }

    /// <summary>
    /// Batches are planned while the one before is written. Another writer between two batches (here a second import,
    /// from another system, of a record with the RRN of a later batch's record, and the undo of a planned merge) must end
    /// planning before a batch planned on the keys of before is written: the later record merges into the other writer's
    /// customer, as the statements merge it, and the undone pair stays apart.
    /// </summary>
    [Fact]
    public async Task AnotherWriterBetweenBatches_BatchesPlannedAheadAreResolvedByStatements_WithTheSameTables()
    {
        var file = ImportTestKit.TempFile("customers.csv");
        ImportTestKit.WriteCustomers(file, 60, seed: 5, duplicateEvery: 3);
        var (birth, rrn) = ("1966-06-06", Rrn(1966, 6, 6, 6161));
        var lines = File.ReadAllLines(file).ToList();
        lines.Add(Row("L1", "선우진", birth, rrn, "010-6161-0001", "l1@example.com"));
        File.WriteAllLines(file, lines);
        var other = ImportTestKit.TempFile("other.csv");
        File.WriteAllLines(other, [lines[0], Row("O1", "선우진", birth, rrn, "010-6161-0002", "")]);

        var (planned, plannedResult) = await ImportAsync(file, planInMemory: true, other);
        await using var _ = planned;
        var (statements, statementsResult) = await ImportAsync(file, planInMemory: false, other);
        await using var __ = statements;

        plannedResult.Merged.ShouldBe(statementsResult.Merged);
        plannedResult.MergedBeforeWriting.ShouldBeGreaterThan(0, "the first batches are planned in memory");
        plannedResult.MergedBeforeWriting.ShouldBeLessThan(plannedResult.Merged, "after the other writer the statements resolve");
        await ShouldHoldTheSameAsync(planned, statements);
    }

    /// <summary>
    /// While batches are written as planned, the contacts of a batch's new customers commit in a transaction of their own
    /// just after it. A run killed between the two leaves those customers without phones, e-mails and addresses: running
    /// the file again adds them, and the contact tables then hold what a run in one transaction per batch leaves.
    /// </summary>
    [Fact]
    public async Task KilledBetweenABatchAndItsContacts_RunningTheFileAgainAddsThem()
    {
        var file = ImportTestKit.TempFile("customers.csv");
        ImportTestKit.WriteCustomers(file, 45, seed: 11, duplicateEvery: 4);
        var (planned, _) = await ImportAsync(file, planInMemory: true);
        await using var _ = planned;
        var (statements, _) = await ImportAsync(file, planInMemory: false);
        await using var __ = statements;

        // The last batch's new customers as a kill between its commit and its contacts' leaves them.
        int lacking;
        await using (var connection = await planned.Database.OpenConnectionAsync())
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = """
                WITH last AS (SELECT id FROM customer WHERE merged_into_id IS NULL ORDER BY id DESC LIMIT 9),
                     p AS (DELETE FROM customer_phone WHERE customer_id IN (SELECT id FROM last) RETURNING customer_id),
                     e AS (DELETE FROM customer_email WHERE customer_id IN (SELECT id FROM last) RETURNING customer_id),
                     a AS (DELETE FROM customer_address WHERE customer_id IN (SELECT id FROM last) RETURNING customer_id)
                SELECT count(DISTINCT customer_id) FROM (SELECT * FROM p UNION ALL SELECT * FROM e UNION ALL SELECT * FROM a) x
                """;
            lacking = Convert.ToInt32(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
        lacking.ShouldBe(9, "each of the last nine customers had contacts");

        var identity = new IdentityResolution(planned.Database, TimeProvider.System, NullLogger<IdentityResolution>.Instance);
        var again = await new ImportService(planned.Database, CustomerSeed.Protector(), TimeProvider.System, identity, new ImportOptions(),
            NullLogger<ImportService>.Instance).ImportAsync(new ImportRequest(ImportKind.Customers, file, SourceSystem: "PAS", User: "test", BatchSize: 9));

        again.Status.ShouldBe(ImportStatus.Completed);
        again.Updated.ShouldBe(9, "the nine customers without contacts get them back");
        again.Inserted.ShouldBe(0);
        var a = (await DumpAsync(planned)).Where(r => r.Where.StartsWith("customer_", StringComparison.Ordinal)).ToList();
        var b = (await DumpAsync(statements)).Where(r => r.Where.StartsWith("customer_", StringComparison.Ordinal)).ToList();
        a.Count.ShouldBe(b.Count, "both databases hold as many contact and source key rows");
        for (var i = 0; i < a.Count; i++)
        {
            (a[i].Row == b[i].Row).ShouldBeTrue($"{a[i].Where} differs from {b[i].Where} written by statements");
        }
    }

    /// <summary>
    /// The contacts written apart hold a lock that every other writer takes after the import lock: a writer coming between
    /// two batches (here after each batch, on the import's own path) never sees a committed customer without its phone.
    /// </summary>
    [Fact]
    public async Task AnotherWriterBetweenBatches_SeesEveryCommittedCustomerWithItsPhone()
    {
        var file = ImportTestKit.TempFile("customers.csv");
        ImportTestKit.WriteCustomers(file, 60, seed: 13, duplicateEvery: 4);
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var identity = new IdentityResolution(db.Database, TimeProvider.System, NullLogger<IdentityResolution>.Instance);
        var withoutPhone = new List<long>();
        var progress = new Between(() =>
        {
            using var connection = db.Database.OpenConnectionAsync().GetAwaiter().GetResult();
            using var tx = connection.BeginTransaction();
            ImportSql.LockAsync(connection, tx, CancellationToken.None).GetAwaiter().GetResult();
            using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            // Every row of the file has a phone; a merged customer may have given its to its survivor.
            cmd.CommandText = "SELECT count(*) FROM customer c WHERE merged_into_id IS NULL AND NOT EXISTS (SELECT 1 FROM customer_phone p WHERE p.customer_id = c.id)";
            withoutPhone.Add(Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture));
            tx.Commit();
        });

        var result = await new ImportService(db.Database, CustomerSeed.Protector(), TimeProvider.System, identity, new ImportOptions(),
            NullLogger<ImportService>.Instance).ImportAsync(new ImportRequest(ImportKind.Customers, file, SourceSystem: "PAS", User: "test", BatchSize: 9), progress);

        result.Status.ShouldBe(ImportStatus.Completed);
        result.MergedBeforeWriting.ShouldBeGreaterThan(0, "the batches were written as planned, their contacts apart");
        withoutPhone.Count.ShouldBe(7, "60 rows in batches of 9");
        withoutPhone.ShouldAllBe(n => n == 0, "every customer has its phone when another writer looks");
    }

    /// <summary>
    /// An operator's connection string that allows one connection: the run cannot write contacts beside its batch, so it
    /// writes each batch whole and completes as planned, rather than waiting on itself for a second connection.
    /// </summary>
    [Fact]
    public async Task PoolOfOneConnection_WritesEachBatchWithItsContacts()
    {
        var file = ImportTestKit.TempFile("customers.csv");
        ImportTestKit.WriteCustomers(file, 30, seed: 17, duplicateEvery: 4);
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var one = new CrmDatabase(new DatabaseOptions
        {
            Provider = DatabaseProvider.Postgres,
            ConnectionString = new NpgsqlConnectionStringBuilder(db.ConnectionString) { MaxPoolSize = 1, Timeout = 15 }.ToString(),
        });
        var identity = new IdentityResolution(one, TimeProvider.System, NullLogger<IdentityResolution>.Instance);

        var result = await new ImportService(one, CustomerSeed.Protector(), TimeProvider.System, identity, new ImportOptions(),
            NullLogger<ImportService>.Instance).ImportAsync(new ImportRequest(ImportKind.Customers, file, SourceSystem: "PAS", User: "test", BatchSize: 9));

        result.Status.ShouldBe(ImportStatus.Completed);
        result.Inserted.ShouldBe(30);
        result.MergedBeforeWriting.ShouldBeGreaterThan(0, "the batches were still planned in memory");
        await using var connection = await db.Database.OpenConnectionAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM customer c WHERE merged_into_id IS NULL AND NOT EXISTS (SELECT 1 FROM customer_phone p WHERE p.customer_id = c.id)";
        Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture).ShouldBe(0, "every customer has its phone");
    }

    /// <summary>
    /// Imports <paramref name="file"/> in batches of 9 into a new database. With <paramref name="otherWriter"/>, after the
    /// second batch another import writes that file (system OTHER) and the first merge is undone.
    /// </summary>
    private static async Task<(TestDatabase Db, ImportResult Result)> ImportAsync(string file, bool planInMemory, string? otherWriter = null)
    {
        var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var clock = TimeProvider.System;
        var identity = new IdentityResolution(db.Database, clock, NullLogger<IdentityResolution>.Instance);
        ImportService Importer() => new(db.Database, CustomerSeed.Protector(), clock, identity,
            new ImportOptions { PlanMergesInMemory = planInMemory }, NullLogger<ImportService>.Instance);
        var batches = 0;
        var progress = new Between(() =>
        {
            if (otherWriter is not null && ++batches == 2)
            {
                Importer().ImportAsync(new ImportRequest(ImportKind.Customers, otherWriter, SourceSystem: "OTHER", User: "other", BatchSize: 9))
                    .GetAwaiter().GetResult().Status.ShouldBe(ImportStatus.Completed);
                identity.UndoAsync(1, "other").GetAwaiter().GetResult().Succeeded.ShouldBeTrue();
            }
        });
        var result = await Importer().ImportAsync(new ImportRequest(ImportKind.Customers, file, SourceSystem: "PAS", User: "test", BatchSize: 9), progress);
        result.Status.ShouldBe(ImportStatus.Completed);
        return (db, result);
    }

    /// <summary>Runs an action after each batch, on the import's own path (Progress&lt;T&gt; would post it elsewhere).</summary>
    private sealed class Between(Action action) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => action();
    }

    /// <summary>
    /// Every row of the tables a customer import writes, times left out (the two runs ran at different times). Customers
    /// and merges are compared with their ids. A contact row or source key a planned merge gives its survivor gets its id
    /// reserved apart from the batch's other rows, so the ids may differ: those rows are compared by what they hold, and
    /// each merge's moved rows by what the rows it lists hold.
    /// </summary>
    private static async Task ShouldHoldTheSameAsync(TestDatabase planned, TestDatabase statements)
    {
        var a = await DumpAsync(planned);
        var b = await DumpAsync(statements);
        a.Count.ShouldBe(b.Count, "both databases hold as many rows");
        for (var i = 0; i < a.Count; i++)
        {
            // Only where in the message: the rows hold (synthetic) personal data.
            (a[i].Row == b[i].Row).ShouldBeTrue($"{a[i].Where} differs from {b[i].Where} written by statements");
        }
    }

    private static async Task<List<(string Where, string Row)>> DumpAsync(TestDatabase db)
    {
        (string Table, string Columns)[] children =
        [
            ("customer_phone", "customer_id, kind, number, is_primary"),
            ("customer_email", "customer_id, address, is_primary"),
            ("customer_address", "customer_id, sido, sigungu, line, postal_code, is_primary"),
            ("customer_source_key", "customer_id, source_system, source_id"),
        ];
        await using var connection = await db.Database.OpenConnectionAsync();
        async Task<List<(long Id, string Row)>> ReadAsync(string sql)
        {
            var rows = new List<(long, string)>();
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = sql;
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var row = new StringBuilder();
                for (var i = 1; i < reader.FieldCount; i++)
                {
                    row.Append(Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)).Append('|');
                }
                rows.Add((reader.GetInt64(0), row.ToString()));
            }
            return rows;
        }
        var dump = new List<(string, string)>();
        foreach (var (id, row) in await ReadAsync("SELECT id, id, kind, name, birth_date, gender, rrn_hash, rrn_masked, income_band, merged_into_id, version FROM customer ORDER BY id"))
        {
            dump.Add(($"customer {id}", row));
        }
        var held = new Dictionary<string, Dictionary<long, string>>();
        foreach (var (table, columns) in children)
        {
            var rows = await ReadAsync($"SELECT id, {columns} FROM {table}");
            held[table] = rows.ToDictionary(r => r.Id, r => r.Row);
            dump.AddRange(rows.Select(r => r.Row).Order(StringComparer.Ordinal).Select((r, i) => ($"{table} row {i + 1} by content", r)));
        }
        foreach (var (id, row) in await ReadAsync("SELECT id, id, survivor_id, merged_id, rule, merged_by, undone_at IS NOT NULL, moved_json::text FROM identity_merge ORDER BY id"))
        {
            var json = row[(row.LastIndexOf('|', row.Length - 2) + 1)..^1];
            var moved = JsonSerializer.Deserialize<SortedDictionary<string, List<long>>>(json)!
                .Select(m => m.Key + "=" + string.Join(";", m.Value.Select(r => held[m.Key.Split('.')[0]][r]).Order(StringComparer.Ordinal)));
            dump.Add(($"identity_merge {id}", row[..(row.Length - json.Length - 1)] + string.Join(",", moved)));
        }
        return dump;
    }

    private static string Rrn(int year, int month, int day, int serial) =>
        Core.Customers.Rrn.Create(new DateOnly(year, month, day), Core.Customers.Gender.Male, serial).Formatted;

    private static string Row(string id, string name, string birth, string rrn, string phone, string email) =>
        $"{id},Individual,{name},{birth},,{rrn},{phone},{email},서울특별시,중구,길 1,clerk,From4000To6000,Married,1,Phone";
}
