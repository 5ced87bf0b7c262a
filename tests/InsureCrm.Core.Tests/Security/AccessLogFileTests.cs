using System.Data.Common;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace InsureCrm.Tests.Security;

/// <summary>
/// On SQLite the access log lives in a database file of its own beside the main one (migration 0031), so its commits
/// leave the main file's page caches alone; databases from before get their log moved, entry for entry, even when the
/// move was interrupted.
/// </summary>
public class AccessLogFileTests
{
    private static readonly CrmUser Agent = new(7, "agent", Role.Agent, 11, 3, "s1", "10.0.0.7");
    private static readonly string[] LogTables = ["access_log_anchor", "access_log_entry", "access_log_seal"];

    [Fact]
    public async Task Migrate_NewDatabaseFile_TheLogLivesInItsOwnWalFileAndMainHasNone()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var log = CoreServices.Log(db);
        for (var i = 1; i <= 5; i++)
        {
            await log.RecordAsync(Agent, new AccessEvent(AccessAction.View, i, AccessReason.Inquiry));
        }

        File.Exists(Path.Combine(Path.GetDirectoryName(MainFile(db))!, "crm.access-log.db")).ShouldBeTrue();
        (await TablesAsync(db, "main")).ShouldBeEmpty();
        (await TablesAsync(db, "access_log")).ShouldBe(LogTables);
        (await ScalarAsync(db, "SELECT count(*) FROM access_log.access_log_entry")).ShouldBe(5L);
        (await ScalarAsync(db, "PRAGMA access_log.journal_mode")).ShouldBe("wal");
        (await ScalarAsync(db, "PRAGMA main.journal_mode")).ShouldBe("wal");
        (await log.VerifyAsync()).ShouldSatisfyAllConditions(r => r.Intact.ShouldBeTrue(), r => r.Entries.ShouldBe(5));
        // The guard moved with the table.
        await using var ctx = db.CreateContext();
        await Should.ThrowAsync<Exception>(() => ctx.Database.ExecuteSqlRawAsync("DELETE FROM access_log_entry"));
        await Should.ThrowAsync<Exception>(() => ctx.Database.ExecuteSqlRawAsync("UPDATE access_log_entry SET reason = 'edited'"));
    }

    [Fact]
    public async Task Migrate_DatabaseInMemory_KeepsTheLogInMainAndThePurgeStillWorks()
    {
        var options = new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source=log-{Guid.NewGuid():N};Mode=Memory;Cache=Shared" };
        var database = new CrmDatabase(options);
        // A shared in-memory database lives while a connection to it is open.
        await using var keeper = await database.OpenConnectionAsync();
        await new Migrator(database, TimeProvider.System, NullLogger<Migrator>.Instance).MigrateAsync();
        var keyFile = Path.Combine(Path.GetTempPath(), $"insurecrm-log-{Guid.NewGuid():N}.json");
        try
        {
            var clock = new FixedClock(new DateTimeOffset(2024, 1, 10, 0, 0, 0, TimeSpan.Zero));
            var key = AccessLogKey.From(new ProtectionOptions { KeyFile = keyFile });
            await new AccessLog(database, clock, new AccessLogOptions(), key).RecordAsync(Agent, new AccessEvent(AccessAction.View, 1));
            var later = new AccessLog(database, new FixedClock(clock.GetUtcNow().AddDays(800)), new AccessLogOptions(), key);
            await later.RecordAsync(Agent, new AccessEvent(AccessAction.View, 2));

            (await later.PurgeAsync()).Purged.ShouldBe(1);

            (await AttachedAsync(keeper)).ShouldBeFalse();
            (await ScalarAsync(keeper, "SELECT count(*) FROM main.sqlite_master WHERE type = 'table' AND name LIKE 'access\\_log\\_%' ESCAPE '\\'")).ShouldBe(3L);
            (await later.VerifyAsync()).ShouldSatisfyAllConditions(r => r.Intact.ShouldBeTrue(), r => r.Entries.ShouldBe(1));
            await using var cmd = keeper.CreateCommand();
            cmd.CommandText = "DELETE FROM access_log_entry";
            await Should.ThrowAsync<SqliteException>(() => cmd.ExecuteNonQueryAsync());
        }
        finally
        {
            File.Delete(keyFile);
            File.Delete(Path.ChangeExtension(keyFile, ".access-log-head.json"));
        }
    }

    [Fact]
    public async Task Migrate_LogInTheMainFile_MovesEveryEntryAnchorAndGuardAndTheChainVerifies()
    {
        await using var db = await OldLayoutAsync();
        var clock = new FixedClock(new DateTimeOffset(2024, 1, 10, 0, 0, 0, TimeSpan.Zero));
        await RecordAsync(CoreServices.Log(db, clock), 10);
        var later = new FixedClock(clock.GetUtcNow().AddDays(800));
        var log = CoreServices.Log(db, later);
        await RecordAsync(log, 20);
        (await log.PurgeAsync()).Purged.ShouldBe(10);
        // Before the move the log is in the main file.
        (await TablesAsync(db, "main")).ShouldBe(LogTables);
        var entries = await RowsAsync(db, "main", "access_log_entry");
        var anchors = await RowsAsync(db, "main", "access_log_anchor");
        var triggers = await ObjectsAsync(db, "main", "trigger");
        var indexes = await ObjectsAsync(db, "main", "index");

        // The migrations after 0031 (0032_orphans, ...) run too; 0031 is the one that moves the log.
        (await MigratorOf(db).MigrateAsync())[0].ShouldBe("0031_access_log_file");

        (await TablesAsync(db, "main")).ShouldBeEmpty();
        (await TablesAsync(db, "access_log")).ShouldBe(LogTables);
        (await RowsAsync(db, "access_log", "access_log_entry")).ShouldBe(entries);
        (await RowsAsync(db, "access_log", "access_log_anchor")).ShouldBe(anchors);
        (await ObjectsAsync(db, "access_log", "trigger")).ShouldBe(triggers);
        (await ObjectsAsync(db, "access_log", "index")).ShouldBe(indexes);
        (await log.VerifyAsync()).ShouldSatisfyAllConditions(r => r.Intact.ShouldBeTrue(), r => r.Entries.ShouldBe(20));

        // Appends, the purge and the vacuum carry on in the log's file.
        await RecordAsync(log, 1);
        var last = await RowsAsync(db, "access_log", "access_log_entry");
        last[^1].Id.ShouldBe(entries[^1].Id + 1);
        var purge = CoreServices.Log(db, new FixedClock(later.GetUtcNow().AddDays(800)));
        (await purge.PurgeAsync()).Purged.ShouldBe(21);
        await RecordAsync(purge, 1);
        (await purge.VerifyAsync()).ShouldSatisfyAllConditions(r => r.Intact.ShouldBeTrue(), r => r.Entries.ShouldBe(1));
        (await new AccessLogVacuumStep(db.Database).RunAsync(new DateOnly(2028, 9, 1), CancellationToken.None)).Summary
            .ShouldHaveSingleItem().ShouldStartWith("Access log: ");
        (await purge.VerifyAsync()).Intact.ShouldBeTrue();
        (await TablesAsync(db, "main")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Migrate_MoveInterruptedWithHalfTheRowsCopied_EndsWithExactlyTheOriginalEntries()
    {
        await using var db = await OldLayoutAsync();
        var log = CoreServices.Log(db);
        await RecordAsync(log, 30);
        var entries = await RowsAsync(db, "main", "access_log_entry");
        // As if a move had created the table in the log's file and copied half the rows (no index or trigger yet).
        await using (var connection = await db.Database.OpenConnectionAsync())
        {
            var sql = (string)(await ScalarAsync(connection, "SELECT sql FROM main.sqlite_master WHERE name = 'access_log_entry'"))!;
            await ExecuteAsync(connection, AccessLogFileStep.Qualified(sql, "table", "access_log_entry"));
            await ExecuteAsync(connection, $"INSERT INTO access_log.access_log_entry SELECT * FROM main.access_log_entry WHERE id <= {entries[14].Id}");
        }
        (await RowsAsync(db, "access_log", "access_log_entry")).Count.ShouldBe(15);

        await MigratorOf(db).MigrateAsync();

        (await RowsAsync(db, "access_log", "access_log_entry")).ShouldBe(entries);
        (await TablesAsync(db, "main")).ShouldBeEmpty();
        (await ObjectsAsync(db, "access_log", "trigger")).ShouldContain("access_log_entry_append_only_delete");
        (await log.VerifyAsync()).ShouldSatisfyAllConditions(r => r.Intact.ShouldBeTrue(), r => r.Entries.ShouldBe(30));
    }

    [Fact]
    public async Task Migrate_InterruptedAfterTheCopyAndWrittenToSince_CopiesTheNewEntriesBeforeDroppingMain()
    {
        await using var db = await OldLayoutAsync();
        var log = CoreServices.Log(db);
        await RecordAsync(log, 10);
        var step = new AccessLogFileStep();
        await using (var connection = await db.Database.OpenConnectionAsync())
        {
            await step.BeforeAsync(connection, DatabaseProvider.Sqlite, CancellationToken.None);
        }
        // The copy is committed but main still has the log (the drop never ran), and the log was written to meanwhile.
        await RecordAsync(log, 3);
        var entries = await RowsAsync(db, "main", "access_log_entry");
        entries.Count.ShouldBe(13);
        (await RowsAsync(db, "access_log", "access_log_entry")).Count.ShouldBe(10);
        // The drop alone refuses while the log's file lacks an entry.
        await using (var connection = await db.Database.OpenConnectionAsync())
        {
            await using var tx = await connection.BeginTransactionAsync();
            (await Should.ThrowAsync<InvalidOperationException>(() => step.RunAsync(connection, tx, DatabaseProvider.Sqlite, CancellationToken.None)))
                .Message.ShouldContain("3 rows of access_log_entry");
        }
        (await TablesAsync(db, "main")).ShouldBe(LogTables);

        await MigratorOf(db).MigrateAsync();

        (await RowsAsync(db, "access_log", "access_log_entry")).ShouldBe(entries);
        (await TablesAsync(db, "main")).ShouldBeEmpty();
        (await log.VerifyAsync()).ShouldSatisfyAllConditions(r => r.Intact.ShouldBeTrue(), r => r.Entries.ShouldBe(13));
    }

    [Fact]
    public async Task Migrate_LogPurgedToNothingBeforeTheMove_NewEntriesTakeNewIdsAndTheChainVerifies()
    {
        await using var db = await OldLayoutAsync();
        var clock = new FixedClock(new DateTimeOffset(2024, 1, 10, 0, 0, 0, TimeSpan.Zero));
        await RecordAsync(CoreServices.Log(db, clock), 5);
        var log = CoreServices.Log(db, new FixedClock(clock.GetUtcNow().AddDays(800)));
        (await log.PurgeAsync()).PurgedThroughId.ShouldBe(5);
        (await RowsAsync(db, "main", "access_log_entry")).ShouldBeEmpty();

        await MigratorOf(db).MigrateAsync();
        await RecordAsync(log, 2);

        // The counter moved with the table: an id is never given twice, even when no entry is left to show the last one.
        (await RowsAsync(db, "access_log", "access_log_entry")).Select(r => r.Id).ShouldBe([6L, 7L]);
        (await log.VerifyAsync()).ShouldSatisfyAllConditions(r => r.Intact.ShouldBeTrue(), r => r.Entries.ShouldBe(2));
    }

    [Fact]
    public async Task Migrate_NewDatabaseBesideAnotherDatabasesLogFile_IsRefusedAndThatLogIsNotAdopted()
    {
        await using var other = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await RecordAsync(CoreServices.Log(other), 4);
        var dir = Directory.CreateTempSubdirectory("insurecrm-log-").FullName;
        try
        {
            // The main file was deleted and starts again, but the old log's file stayed beside it.
            await using (var connection = await other.Database.OpenConnectionAsync())
            {
                await ExecuteAsync(connection, $"VACUUM access_log INTO '{Path.Combine(dir, "crm.access-log.db")}'");
            }
            var fresh = new CrmDatabase(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(dir, "crm.db")}" });

            (await Should.ThrowAsync<InvalidOperationException>(() => new Migrator(fresh, TimeProvider.System, NullLogger<Migrator>.Instance).MigrateAsync()))
                .Message.ShouldContain("another database's access log");

            await using var check = await fresh.OpenConnectionAsync();
            (await ScalarAsync(check, "SELECT count(*) FROM access_log.access_log_entry")).ShouldBe(4L);
            (await ScalarAsync(check, "SELECT count(*) FROM schema_history WHERE version = '0031'")).ShouldBe(0L);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A database file as migrations before 0031 left it: the access log's tables in main.</summary>
    private static async Task<TestDatabase> OldLayoutAsync()
    {
        var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, migrate: false);
        await using var connection = await db.Database.OpenConnectionAsync();
        await ExecuteAsync(connection, "CREATE TABLE schema_history (version varchar(20) PRIMARY KEY, name varchar(200) NOT NULL, applied_at varchar(40) NOT NULL)");
        foreach (var script in Migrator.Scripts(DatabaseProvider.Sqlite).Where(s => string.CompareOrdinal(s.Version, "0031") < 0))
        {
            await ExecuteAsync(connection, script.Sql);
            await ExecuteAsync(connection, $"INSERT INTO schema_history (version, name, applied_at) VALUES ('{script.Version}', '{script.Name}', '2026-01-01')");
        }
        return db;
    }

    private static Migrator MigratorOf(TestDatabase db) => new(db.Database, TimeProvider.System, NullLogger<Migrator>.Instance);

    private static async Task RecordAsync(AccessLog log, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await log.RecordAsync(Agent, new AccessEvent(AccessAction.View, 100 + i, AccessReason.Inquiry));
        }
    }

    private static string MainFile(TestDatabase db) => new SqliteConnectionStringBuilder(db.ConnectionString).DataSource;

    private static async Task<List<string>> TablesAsync(TestDatabase db, string file) =>
        await ObjectsAsync(db, file, "table");

    /// <summary>The access log's objects of a kind in one file, by name.</summary>
    private static async Task<List<string>> ObjectsAsync(TestDatabase db, string file, string type)
    {
        await using var connection = await db.Database.OpenConnectionAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT name FROM {file}.sqlite_master WHERE type = '{type}' AND tbl_name LIKE 'access\\_log\\_%' ESCAPE '\\' ORDER BY name";
        var names = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }

    /// <summary>Every row of a log table in one file as (id, hash), in id order.</summary>
    private static async Task<List<(long Id, string Hash)>> RowsAsync(TestDatabase db, string file, string table)
    {
        await using var connection = await db.Database.OpenConnectionAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT id, hash FROM {file}.{table} ORDER BY id";
        var rows = new List<(long, string)>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1)));
        }
        return rows;
    }

    private static async Task<object?> ScalarAsync(TestDatabase db, string sql)
    {
        await using var connection = await db.Database.OpenConnectionAsync();
        return await ScalarAsync(connection, sql);
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, string sql)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteScalarAsync();
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<bool> AttachedAsync(DbConnection connection) =>
        (long)(await ScalarAsync(connection, "SELECT count(*) FROM pragma_database_list WHERE name = 'access_log'"))! > 0;
}
