using System.Data.Common;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace InsureCrm.Tests.Security;

/// <summary>
/// Many requests at once share the access log's commits: each still returns only once its entries are
/// committed in the one keyed chain, and a commit that fails fails every request waiting on it.
/// </summary>
public class AccessLogGroupCommitTests
{
    private static readonly CrmUser Agent = new(7, "agent", Role.Agent, 11, 3, "s1", "10.0.0.7");
    private const long Poisoned = 666;

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Record_200ConcurrentCalls_EachEntryOnceInOneIntactChainAndThoseMadeDuringACommitShareTheNextBatch(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var log = CoreServices.Log(db);

        // The first call's batch waits for the chain (as behind a slow commit), so the other 199 arrive while it is written:
        // left to the thread pool's timing, the appender could keep pace with them one by one on a busy machine.
        Task recorded;
        await using (await HoldChainAsync(db))
        {
            var first = log.RecordAsync(Agent, new AccessEvent(AccessAction.View, 1, AccessReason.Inquiry));
            await UntilAsync(() => log.Queued == 0);
            recorded = Task.WhenAll([first, .. Enumerable.Range(2, 199).Select(i => Task.Run(() => log.RecordAsync(Agent, new AccessEvent(AccessAction.View, i, AccessReason.Inquiry))))]);
            await UntilAsync(() => log.Queued == 199);
        }
        await recorded;
        var result = await log.VerifyAsync();

        (result.Intact, result.Entries).ShouldBe((true, 200L));
        result.Checkpoint.ShouldNotBeNull().ThroughId.ShouldBe(result.LastId!.Value);
        await using var read = db.CreateContext();
        (await read.AccessLog.AsNoTracking().Select(e => e.CustomerId).OrderBy(c => c).ToListAsync())
            .ShouldBe([.. Enumerable.Range(1, 200).Select(i => (long?)i)]);
        log.Batches.ShouldBe(2);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Record_TwoNodesTakingTurnsAndAtOnce_EveryEntryOnceInOneIntactChain(DatabaseProvider provider)
    {
        // Two web nodes (or a node and the CLI) on one database: each chains to the head the other wrote, and a node whose
        // remembered head is no longer the newest entry writes after reading the head again, never beside it.
        await using var db = await TestDatabase.CreateAsync(provider);
        var first = CoreServices.Log(db);
        var second = CoreServices.Log(db);

        for (var i = 1; i <= 6; i++)
        {
            await (i % 2 == 1 ? first : second).RecordAsync(Agent, new AccessEvent(AccessAction.View, i, AccessReason.Inquiry));
            await first.RecordAsync(Agent, new AccessEvent(AccessAction.Search, 100 + i));
        }
        await Task.WhenAll(Enumerable.Range(1, 60).Select(i => Task.Run(() =>
            (i % 2 == 0 ? first : second).RecordAsync(Agent, new AccessEvent(AccessAction.View, 1000 + i, AccessReason.Inquiry)))));
        var result = await first.VerifyAsync();

        (result.Intact, result.Entries).ShouldBe((true, 72L));
        result.Checkpoint.ShouldNotBeNull().ThroughId.ShouldBe(result.LastId!.Value);
        await using var read = db.CreateContext();
        var seqs = await read.AccessLog.AsNoTracking().OrderBy(e => e.Id).Select(e => e.Seq).ToListAsync();
        seqs.ShouldBe([.. Enumerable.Range(1, 72).Select(i => (long?)i)]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RecordMany_OneCallOfMoreEntriesThanABatchHolds_AllInCallOrderInOneIntactChain(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var log = CoreServices.Log(db);
        var count = AccessLog.MaxBatchEntries + 234;

        await log.RecordManyAsync(Agent, [.. Enumerable.Range(1, count).Select(i => new AccessEvent(AccessAction.Search, i, Detail: "search:Name"))]);
        await log.RecordAsync(Agent, new AccessEvent(AccessAction.View, 5, AccessReason.Inquiry));
        var result = await log.VerifyAsync();

        (result.Intact, result.Entries).ShouldBe((true, count + 1L));
        result.Checkpoint.ShouldNotBeNull().ThroughId.ShouldBe(result.LastId!.Value);
        await using var read = db.CreateContext();
        var rows = await read.AccessLog.AsNoTracking().OrderBy(e => e.Id).Select(e => new { e.CustomerId, e.Seq, e.Action, e.Reason }).ToListAsync();
        rows.Select(r => r.CustomerId).ShouldBe([.. Enumerable.Range(1, count).Select(i => (long?)i), 5]);
        rows.Select(r => r.Seq).ShouldBe([.. Enumerable.Range(1, count + 1).Select(i => (long?)i)]);
        (rows[^1].Action, rows[^1].Reason).ShouldBe((AccessAction.View, AccessReason.Inquiry));
        log.Batches.ShouldBe(2);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Record_BatchThatCannotBeCommitted_FailsEveryCallInItAndTheChainStaysIntact(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await PoisonAsync(db);
        var log = CoreServices.Log(db);

        Task first, failing;
        await using (await HoldChainAsync(db))
        {
            first = log.RecordAsync(Agent, new AccessEvent(AccessAction.View, 1, AccessReason.Inquiry));
            await UntilAsync(() => log.Queued == 0); // its batch waits for the chain
            failing = Task.WhenAll(Enumerable.Range(100, 20).Select(i => Task.Run(() =>
                Should.ThrowAsync<Exception>(() => log.RecordAsync(Agent, new AccessEvent(AccessAction.View, i == 110 ? Poisoned : i, AccessReason.Inquiry))))));
            await UntilAsync(() => log.Queued == 20); // all in the next batch, one of them refused by the database
        }
        await first;
        await failing;
        await log.RecordAsync(Agent, new AccessEvent(AccessAction.View, 2, AccessReason.Inquiry));

        var result = await log.VerifyAsync();
        (result.Intact, result.Entries).ShouldBe((true, 2L));
        await using var read = db.CreateContext();
        (await read.AccessLog.AsNoTracking().OrderBy(e => e.Id).Select(e => e.CustomerId).ToListAsync()).ShouldBe([1, 2]);
        log.Batches.ShouldBe(2);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Dispose_WithCallsQueued_CommitsThemAllAndThenRefusesNewOnes(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var log = CoreServices.Log(db);

        Task recorded, disposing;
        await using (await HoldChainAsync(db))
        {
            var first = log.RecordAsync(Agent, new AccessEvent(AccessAction.View, 1, AccessReason.Inquiry));
            await UntilAsync(() => log.Queued == 0); // its batch waits for the chain
            recorded = Task.WhenAll([first, .. Enumerable.Range(2, 9).Select(i => Task.Run(() => log.RecordAsync(Agent, new AccessEvent(AccessAction.View, i, AccessReason.Inquiry))))]);
            await UntilAsync(() => log.Queued == 9);
            disposing = log.DisposeAsync().AsTask();
            Should.Throw<ObjectDisposedException>(() => log.RecordAsync(Agent, new AccessEvent(AccessAction.View, 99)));
            disposing.IsCompleted.ShouldBeFalse();
        }
        await disposing;

        // Committed before Dispose returned, and each call succeeded.
        var result = await CoreServices.Log(db).VerifyAsync();
        (result.Intact, result.Entries).ShouldBe((true, 10L));
        await recorded;
    }

    /// <summary>A trigger that refuses an entry for customer <see cref="Poisoned"/>, as a database refuses a write it cannot take.</summary>
    private static async Task PoisonAsync(TestDatabase db)
    {
        await using var ctx = db.CreateContext();
        await ctx.Database.ExecuteSqlRawAsync(db.Provider == DatabaseProvider.Postgres
            ? $"""
                CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN IF NEW.customer_id = {Poisoned} THEN RAISE EXCEPTION 'poisoned'; END IF; RETURN NEW; END $$;
                CREATE TRIGGER poison BEFORE INSERT ON access_log_entry FOR EACH ROW EXECUTE FUNCTION poison();
                """
            // In the log's own file, where its table is (an unqualified trigger would look for it in main).
            : $"CREATE TRIGGER access_log.poison BEFORE INSERT ON access_log_entry WHEN NEW.customer_id = {Poisoned} BEGIN SELECT RAISE(ABORT, 'poisoned'); END");
    }

    /// <summary>
    /// Holds the chain as another node or the CLI would (PostgreSQL: the advisory lock in a transaction; SQLite: the
    /// write lock) until disposed, so that calls made meanwhile queue up.
    /// </summary>
    private static async Task<IAsyncDisposable> HoldChainAsync(TestDatabase db)
    {
        DbConnection connection = db.Provider == DatabaseProvider.Postgres ? new NpgsqlConnection(db.ConnectionString) : new SqliteConnection(db.ConnectionString);
        await connection.OpenAsync();
        var tx = connection is SqliteConnection sqlite ? sqlite.BeginTransaction(deferred: false) : await connection.BeginTransactionAsync();
        if (db.Provider == DatabaseProvider.Postgres)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = "SELECT pg_advisory_xact_lock(7201003)";
            await command.ExecuteNonQueryAsync();
        }
        return new Held(connection, tx);
    }

    private sealed class Held(DbConnection connection, DbTransaction tx) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await tx.CommitAsync();
            await tx.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(50);
        }
        condition().ShouldBeTrue();
    }
}
