using InsureCrm.Core.Common;
using InsureCrm.Tests;
using Microsoft.Data.Sqlite;

namespace InsureCrm.Core.Tests.Common;

public sealed class SqlitePreparedBatchesTests
{
    private const string Sql = "SELECT count(*) FROM branch WHERE id > @min; SELECT max(id) FROM branch;";

    [Fact]
    public async Task ExecuteBatch_Sqlite_ReusesItsConnectionSeesLaterWritesAndHoldsNoSnapshotBetweenBatches()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var context = db.CreateContext();
        var batches = SqlitePreparedBatches.For(db.ConnectionString);

        var first = await CountAndMaxAsync(context);
        await ExecuteAsync(db, "INSERT INTO branch (code, name, sido, sigungu) VALUES ('B-NEW', 'New branch', 'Seoul', 'Jongno')");
        // A batch that is read back no further than its first row still gives its connection back ready.
        await using (var partial = await context.ExecuteBatchAsync(Sql, [context.Parameter("min", 0L)], CancellationToken.None))
        {
            (await partial.DbDataReader.ReadAsync()).ShouldBeTrue();
        }
        // No statement of the idle batches keeps a read snapshot open: a checkpoint can take the whole log.
        var checkpoint = await ExecuteAsync(db, "PRAGMA wal_checkpoint(TRUNCATE)");
        var second = await CountAndMaxAsync(context);

        checkpoint.ShouldBe(0L, "busy");
        second.Count.ShouldBe(first.Count + 1);
        second.Max.ShouldNotBeNull().ShouldBeGreaterThan(first.Max ?? 0);
        batches.Idle.ShouldBe(1, "one connection, prepared once, serves batches one after another");
    }

    private static async Task<(long Count, long? Max)> CountAndMaxAsync(CrmDbContext context)
    {
        await using var batch = await context.ExecuteBatchAsync(Sql, [context.Parameter("min", 0L)], CancellationToken.None);
        var r = batch.DbDataReader;
        (await r.ReadAsync()).ShouldBeTrue();
        var count = r.GetInt64(0);
        await r.NextAsync(CancellationToken.None);
        (await r.ReadAsync()).ShouldBeTrue();
        return (count, r.IsDBNull(0) ? null : r.GetInt64(0));
    }

    private static async Task<object?> ExecuteAsync(TestDatabase db, string sql)
    {
        await using var connection = new SqliteConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
