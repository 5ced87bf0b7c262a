using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using InsureCrm.Core.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace InsureCrm.Core.Security;

/// <summary>Options of the <c>Security:AccessLog</c> section.</summary>
public sealed class AccessLogOptions
{
    public const string Section = "Security:AccessLog";
    /// <summary>The law's minimum: entries are kept at least two years.</summary>
    public const int MinimumRetentionDays = 730;

    /// <summary>Entries older than this many days may be purged (at least <see cref="MinimumRetentionDays"/>).</summary>
    public int RetentionDays { get; set; } = MinimumRetentionDays;
    /// <summary>The monthly review flags a user who reached more distinct customers than this in one day.</summary>
    public int DailyCustomerThreshold { get; set; } = 100;
    /// <summary>Business hours of the review, in <see cref="TimeZone"/>: accesses outside [start, end) are off-hours.</summary>
    public int BusinessHoursStart { get; set; } = 8;
    public int BusinessHoursEnd { get; set; } = 21;
    public string TimeZone { get; set; } = "Asia/Seoul";
    /// <summary>
    /// The signed checkpoint of the chain's head (its position and hash), kept outside the database; empty:
    /// beside the key file (<see cref="AccessLogKey.CheckpointFile"/>). Web nodes and the CLI of one
    /// database should share it.
    /// </summary>
    public string CheckpointFile { get; set; } = "";
    /// <summary>Entries at least between two head checkpoints; 1 (the default) writes one after every committed batch.</summary>
    public int CheckpointEvery { get; set; } = 1;

    /// <summary>Throws on a setting the law or the review cannot work with (called at start-up).</summary>
    public void Validate()
    {
        if (RetentionDays < MinimumRetentionDays)
        {
            throw new InvalidOperationException($"{Section}:RetentionDays must be at least {MinimumRetentionDays} (two years); it is {RetentionDays}.");
        }
        if (CheckpointEvery < 1)
        {
            throw new InvalidOperationException($"{Section}:CheckpointEvery must be at least 1; it is {CheckpointEvery}.");
        }
        if (DailyCustomerThreshold < 1 || BusinessHoursStart is < 0 or > 23 || BusinessHoursEnd is < 1 or > 24 || BusinessHoursEnd <= BusinessHoursStart)
        {
            throw new InvalidOperationException($"{Section}: DailyCustomerThreshold must be positive and business hours must satisfy 0 <= start < end <= 24.");
        }
        _ = Zone;
    }

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}

/// <summary>What <see cref="AccessLog.VerifyAsync"/> found wrong, if anything.</summary>
public enum ChainFault
{
    None,
    /// <summary>An entry was altered, removed or inserted (or written with another access-log key): <see cref="ChainVerification.FirstBrokenId"/>.</summary>
    Entry,
    /// <summary>The chain starts at a purge anchor that is not signed with the access-log key: its first entries were removed.</summary>
    Anchor,
    /// <summary>Entries from before the keyed chain without a valid signed switch-over record.</summary>
    Seal,
    /// <summary>Entries up to the signed head checkpoint are missing (the last ones were removed, or the database was restored or replaced).</summary>
    Missing,
    /// <summary>The checkpoint file is unreadable, not signed with the access-log key, or names an entry with another hash.</summary>
    Checkpoint,
}

/// <summary>
/// The result of walking the chain: intact, or the first entry whose link or hash is wrong (<see cref="Fault"/>
/// says what); <see cref="Checkpoint"/> is the head checkpoint it was checked against, if there was one.
/// </summary>
public sealed record ChainVerification(bool Intact, long Entries, long? FirstBrokenId, long? LastId,
    ChainFault Fault = ChainFault.None, AccessLogCheckpoint? Checkpoint = null);

/// <summary>The result of a retention purge.</summary>
public sealed record PurgeResult(long Purged, long? PurgedThroughId, DateTime Cutoff);

/// <summary>
/// A signed statement, kept outside the database, that the chain had reached entry <see cref="ThroughId"/>,
/// the <see cref="Seq"/>-th since the log began, with <see cref="Hash"/>: removing the last entries (which no
/// link can show) is then found by the verification.
/// </summary>
public sealed record AccessLogCheckpoint(long ThroughId, long Seq, string Hash, DateTime At, string Signature)
{
    internal string Payload() => string.Create(CultureInfo.InvariantCulture,
        $"checkpoint/1;{ThroughId};{Seq};{Hash};{At:yyyy-MM-dd'T'HH:mm:ss.ffffff}");
}

/// <summary>
/// The access log of personal data. Each entry's <see cref="AccessLogEntry.Hash"/> is the hex HMAC-SHA256,
/// under the access-log key (<see cref="AccessLogKey"/>, kept outside the database), of the previous entry's
/// hash, the entry's position and its fields in a fixed invariant format, so editing, removing or inserting
/// a row breaks the chain at that row and nobody without the key can recompute it. Purge anchors and the
/// switch-over seal are signed with the same key, and after appends a signed checkpoint of the head goes to
/// a file outside the database, so removing the first or the last entries is found too. Appends are
/// serialised (PostgreSQL: a transaction advisory lock; SQLite: the write transaction, which SQLite already
/// serialises) so the chain stays linear however many web nodes write.
/// <para>
/// Appends are group-committed: each call queues its entries and waits for the commit of the batch that
/// holds them, so the entry exists before the data is shown, and a batch that fails fails every call in it.
/// One appender per instance (a singleton: one per process) writes a batch at a time; what arrives while a
/// batch commits goes into the next one. On PostgreSQL a batch is one round trip while this appender wrote the
/// log's newest entry (BEGIN, the lock, the rows chained to that head and inserted only if it is still the newest,
/// COMMIT), otherwise a transaction of two (BEGIN, the lock and the head; the chained rows and COMMIT). The head
/// checkpoint is written at most once per batch.
/// </para>
/// </summary>
public sealed class AccessLog(CrmDatabase database, TimeProvider clock, AccessLogOptions options, AccessLogKey key, ILogger<AccessLog>? logger = null)
    : IAccessLog, IDisposable, IAsyncDisposable
{
    private const long ChainLock = 7_201_003;

    /// <summary>
    /// Entries per batch: one call's entries are never split, so a larger call is a batch of its own. Bounds a
    /// transaction's length and statement size.
    /// </summary>
    internal const int MaxBatchEntries = 1000;

    private const string SqliteInsertSql =
        $"INSERT INTO access_log_entry ({Columns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11)";

    // The chain's head and whatever the hash of the next entry must follow when the head is not a keyed entry
    // (an entry from before the keyed chain, or everything purged, or a new log). Read after the lock, in a
    // statement of its own: under READ COMMITTED its snapshot then sees every batch committed before the lock.
    private const string HeadSql = """
        SELECT (SELECT hash FROM access_log_entry ORDER BY id DESC LIMIT 1),
               (SELECT seq FROM access_log_entry ORDER BY id DESC LIMIT 1),
               (SELECT legacy_entries FROM access_log_seal ORDER BY id LIMIT 1),
               (SELECT hash FROM access_log_anchor ORDER BY id DESC LIMIT 1),
               (SELECT seq FROM access_log_anchor ORDER BY id DESC LIMIT 1)
        """;

    private const string Columns = "at, user_id, user_name, role, ip, customer_id, action, reason, detail, seq, prev_hash, hash";

    // Rows in seq order: the identity is drawn per row in the order they are inserted, so ids follow seq.
    private const string PostgresInsertSql = $"""
        INSERT INTO access_log_entry ({Columns})
        SELECT {Columns} FROM unnest($1::timestamptz[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[],
            $8::text[], $9::text[], $10::bigint[], $11::text[], $12::text[]) WITH ORDINALITY AS u({Columns}, n)
        ORDER BY n
        RETURNING id
        """;

    // The same, only while the log's newest entry is still the head this appender wrote last ($13, $14).
    private const string PostgresInsertAfterHeadSql = $"""
        INSERT INTO access_log_entry ({Columns})
        SELECT {Columns} FROM unnest($1::timestamptz[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[],
            $8::text[], $9::text[], $10::bigint[], $11::text[], $12::text[]) WITH ORDINALITY AS u({Columns}, n)
        WHERE EXISTS (SELECT 1 FROM (SELECT seq, hash FROM access_log_entry ORDER BY id DESC LIMIT 1) h WHERE h.seq = $13 AND h.hash = $14)
        ORDER BY n
        RETURNING id
        """;

    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;
    private readonly Lock _gate = new();
    private readonly Queue<Pending> _queue = new();
    private Task _appender = Task.CompletedTask;
    private bool _appending;
    private bool _disposed;
    private long _batches;
    private long _checkpointedSeq;
    // The head this appender committed last (PostgreSQL): the next batch chains to it in one round trip while it is still
    // the log's newest entry. Forgotten when a batch fails.
    private (string Hash, long Seq)? _lastHead;
    // The checkpoint this instance wrote last, with the file's modification time and length right after.
    private (AccessLogCheckpoint Checkpoint, DateTime At, long Length)? _written;
    // A checkpoint found to name an entry the log does not hold (kept as evidence for the verification): checked and
    // reported once, not again after every batch while the file still holds it (until the file changes or the process
    // restarts). It cost a query, a warning and most of the checkpoint's CPU per batch when the bench's two databases
    // shared one key file (bench/findings/2026-12-04-issue11-round5.md).
    private AccessLogCheckpoint? _heldCheckpoint;
    private bool _unreadableReported;

    /// <summary>Name of the PostgreSQL and SQLite trigger that refuses UPDATE and DELETE (migration 0007).</summary>
    internal const string AppendOnlyTrigger = "access_log_entry_append_only";

    /// <summary>The file of the signed head checkpoint.</summary>
    public string CheckpointFile => Path.GetFullPath(string.IsNullOrEmpty(options.CheckpointFile) ? key.CheckpointFile : options.CheckpointFile);

    /// <summary>Batches committed by this instance (each one transaction).</summary>
    internal long Batches => Interlocked.Read(ref _batches);

    /// <summary>Calls waiting for a batch to take them (not those of the batch being written).</summary>
    internal int Queued
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    public Task RecordAsync(CrmUser user, AccessEvent access, CancellationToken ct = default) =>
        RecordManyAsync(user, [access], ct);

    /// <summary>
    /// Queues the entries and completes when the batch holding them is committed (and checkpointed when due);
    /// throws what made that batch fail. Cancelled before its batch is taken, nothing is written; cancelled
    /// later, the entries may still be committed (logged but not shown, never the reverse).
    /// </summary>
    public Task RecordManyAsync(CrmUser user, IReadOnlyList<AccessEvent> accesses, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(accesses);
        if (accesses.Count == 0)
        {
            return Task.CompletedTask;
        }
        if (ct.IsCancellationRequested)
        {
            return Task.FromCanceled(ct);
        }
        var pending = new Pending(user, accesses, ct);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _queue.Enqueue(pending);
            if (!_appending)
            {
                _appending = true;
                _appender = Task.Run(AppendQueuedAsync, CancellationToken.None);
            }
        }
        return ct.CanBeCanceled ? pending.Done.Task.WaitAsync(ct) : pending.Done.Task;
    }

    /// <summary>Refuses new entries and waits until every queued one is committed (or has failed its callers).</summary>
    public void Dispose() => StopAccepting().GetAwaiter().GetResult();

    /// <inheritdoc cref="Dispose"/>
    public async ValueTask DisposeAsync() => await StopAccepting().ConfigureAwait(false);

    private Task StopAccepting()
    {
        lock (_gate)
        {
            _disposed = true;
            return _appender;
        }
    }

    /// <summary>The appender: writes batches until the queue is empty, then ends (the next call starts it again).</summary>
    private async Task AppendQueuedAsync()
    {
        while (TakeBatch() is { } batch)
        {
            try
            {
                var (followed, head) = await AppendAsync(batch, CancellationToken.None);
                Interlocked.Increment(ref _batches);
                if (head.Seq!.Value - _checkpointedSeq >= options.CheckpointEvery)
                {
                    await CheckpointAsync(followed, head, CancellationToken.None);
                }
                foreach (var pending in batch)
                {
                    pending.Done.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                // Nothing of the batch is committed: each caller fails instead of showing data it could not log.
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(ex);
                }
            }
        }
    }

    /// <summary>The next calls in queue order, up to <see cref="MaxBatchEntries"/> entries; null (and the appender ends) when none wait.</summary>
    private List<Pending>? TakeBatch()
    {
        lock (_gate)
        {
            var batch = new List<Pending>();
            var entries = 0;
            while (_queue.TryPeek(out var next) && (batch.Count == 0 || entries + next.Accesses.Count <= MaxBatchEntries))
            {
                _queue.Dequeue();
                if (next.Cancellation.IsCancellationRequested)
                {
                    next.Done.TrySetCanceled(next.Cancellation);
                    continue;
                }
                batch.Add(next);
                entries += next.Accesses.Count;
            }
            if (batch.Count == 0)
            {
                _appending = false;
                return null;
            }
            return batch;
        }
    }

    /// <summary>Appends the batch in one transaction; returns the hash its entries follow and the new head.</summary>
    private async Task<(string Followed, AccessLogEntry Head)> AppendAsync(List<Pending> batch, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return connection switch
        {
            NpgsqlConnection pg => await AppendPostgresAsync(pg, batch, ct),
            SqliteConnection sqlite => await AppendSqliteAsync(sqlite, batch, ct),
            _ => throw new InvalidOperationException($"No access-log appender for {connection.GetType().Name}."),
        };
    }

    private async Task<(string Followed, AccessLogEntry Head)> AppendPostgresAsync(NpgsqlConnection connection, List<Pending> batch, CancellationToken ct)
    {
        try
        {
            // One round trip when this appender wrote the head it last saw: the entries are chained after that head and
            // inserted only if it is still the log's newest entry (read after the lock); otherwise nothing is inserted, the
            // empty transaction commits, and the batch is written again after the head is read.
            if (_lastHead is { } known && await InsertAsync(connection, Chain(batch, known), known, ct) is { } fast)
            {
                return (known.Hash, fast);
            }
            // Round trip 1: the transaction, the chain lock (held until commit, across nodes and the CLI) and then the head.
            (string Hash, long Seq) head;
            await using (var begin = new NpgsqlBatch(connection))
            {
                begin.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
                begin.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({ChainLock})"));
                begin.BatchCommands.Add(new NpgsqlBatchCommand(HeadSql));
                await using var reader = await begin.ExecuteReaderAsync(ct);
                head = await ReadHeadAsync(reader, ct);
            }
            // Round trip 2: every entry of the batch in one statement, then COMMIT.
            var written = await InsertAsync(connection, Chain(batch, head), null, ct)
                ?? throw new InvalidOperationException("The access log's batch inserted no entry.");
            return (head.Hash, written);
        }
        catch
        {
            _lastHead = null;
            await RollBackAsync(connection);
            throw;
        }
    }

    /// <summary>
    /// Inserts the chained entries and commits; with <paramref name="expected"/>, in a transaction of its own that takes the
    /// chain lock first and inserts only if the log's newest entry is still that head. Returns the batch's last entry, or
    /// null when the head had moved (nothing written).
    /// </summary>
    private async Task<AccessLogEntry?> InsertAsync(NpgsqlConnection connection, List<AccessLogEntry> entries, (string Hash, long Seq)? expected, CancellationToken ct)
    {
        long headId = 0;
        var rows = 0;
        await using (var insert = new NpgsqlBatch(connection))
        {
            if (expected is not null)
            {
                insert.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
                insert.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({ChainLock})"));
            }
            var command = new NpgsqlBatchCommand(expected is null ? PostgresInsertSql : PostgresInsertAfterHeadSql);
            command.Parameters.Add(Column(entries, e => e.At, NpgsqlDbType.TimestampTz));
            command.Parameters.Add(Column(entries, e => e.UserId, NpgsqlDbType.Bigint));
            command.Parameters.Add(Column(entries, e => e.UserName, NpgsqlDbType.Text));
            command.Parameters.Add(Column(entries, e => e.Role.ToString(), NpgsqlDbType.Text));
            command.Parameters.Add(Column(entries, e => e.Ip, NpgsqlDbType.Text));
            command.Parameters.Add(Column(entries, e => e.CustomerId, NpgsqlDbType.Bigint));
            command.Parameters.Add(Column(entries, e => e.Action.ToString(), NpgsqlDbType.Text));
            command.Parameters.Add(Column(entries, e => e.Reason, NpgsqlDbType.Text));
            command.Parameters.Add(Column(entries, e => e.Detail, NpgsqlDbType.Text));
            command.Parameters.Add(Column(entries, e => e.Seq, NpgsqlDbType.Bigint));
            command.Parameters.Add(Column(entries, e => e.PrevHash, NpgsqlDbType.Text));
            command.Parameters.Add(Column(entries, e => e.Hash, NpgsqlDbType.Text));
            if (expected is { } head)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = head.Seq, NpgsqlDbType = NpgsqlDbType.Bigint });
                command.Parameters.Add(new NpgsqlParameter { Value = head.Hash, NpgsqlDbType = NpgsqlDbType.Text });
            }
            insert.BatchCommands.Add(command);
            insert.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            await using var reader = await insert.ExecuteReaderAsync(ct);
            do
            {
                // The guarded batch first returns the lock's row; the ids are the result named id.
                if (reader.FieldCount == 1 && reader.GetName(0) == "id")
                {
                    while (await reader.ReadAsync(ct))
                    {
                        headId = Math.Max(headId, reader.GetInt64(0));
                        rows++;
                    }
                }
            }
            // The COMMIT's outcome (and any error after the rows) surfaces here, not at dispose.
            while (await reader.NextResultAsync(ct));
        }
        if (rows == 0)
        {
            return null;
        }
        var last = entries[^1];
        last.Id = headId;
        _lastHead = (last.Hash, last.Seq!.Value);
        return last;
    }

    /// <summary>Ends a transaction a failed batch left open, so the pooled connection does not carry it (or the lock) on.</summary>
    private static async Task RollBackAsync(NpgsqlConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }
        try
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
            await rollback.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // A broken connection is not returned to the pool, and the server ends its transaction.
        }
    }

    private static NpgsqlParameter Column<T>(List<AccessLogEntry> entries, Func<AccessLogEntry, T> value, NpgsqlDbType type) =>
        new() { Value = entries.Select(value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | type };

    private async Task<(string Followed, AccessLogEntry Head)> AppendSqliteAsync(SqliteConnection connection, List<Pending> batch, CancellationToken ct)
    {
        // BEGIN IMMEDIATE: the write lock first, so a reader of the head never has to upgrade (SQLITE_BUSY).
        await using var tx = connection.BeginTransaction(deferred: false);
        (string Hash, long Seq) head;
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = tx;
            read.CommandText = HeadSql;
            await using var reader = await read.ExecuteReaderAsync(ct);
            head = await ReadHeadAsync(reader, ct);
        }
        var entries = Chain(batch, head);
        // One statement prepared once and stepped per row: SQLite looks a named parameter up by a linear search of
        // the statement's names, so a multi-row VALUES list of n rows costs n² lookups (3 % of a search's CPU at
        // 100,000 customers, with 20 entries per search and up to 1,000 per batch).
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = tx;
            insert.CommandText = SqliteInsertSql;
            var values = new SqliteParameter[12];
            for (var v = 0; v < values.Length; v++)
            {
                values[v] = insert.Parameters.AddWithValue(string.Create(CultureInfo.InvariantCulture, $"@p{v}"), DBNull.Value);
            }
            foreach (var e in entries)
            {
                object?[] row = [e.At, e.UserId, e.UserName, e.Role.ToString(), e.Ip, e.CustomerId, e.Action.ToString(), e.Reason, e.Detail, e.Seq, e.PrevHash, e.Hash];
                for (var v = 0; v < values.Length; v++)
                {
                    values[v].Value = row[v] ?? DBNull.Value;
                }
                await insert.ExecuteNonQueryAsync(ct);
            }
        }
        long headId;
        await using (var last = connection.CreateCommand())
        {
            last.Transaction = tx;
            // The rows of this batch are the last ones inserted on this connection, under the write lock.
            last.CommandText = "SELECT last_insert_rowid()";
            headId = (long)(await last.ExecuteScalarAsync(ct))!;
        }
        await tx.CommitAsync(ct);
        entries[^1].Id = headId;
        return (head.Hash, entries[^1]);
    }

    /// <summary>The hash the next entry follows and the position of the last one, from <see cref="HeadSql"/>'s row.</summary>
    private static async Task<(string Hash, long Seq)> ReadHeadAsync(DbDataReader reader, CancellationToken ct)
    {
        // PostgreSQL's batch also returns the lock's row: the head is the result with five columns.
        do
        {
            if (reader.FieldCount == 5 && await reader.ReadAsync(ct))
            {
                string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
                long? Number(int i) => reader.IsDBNull(i) ? null : reader.GetInt64(i);
                var (lastHash, lastSeq, legacyEntries, anchorHash, anchorSeq) = (Text(0), Number(1), Number(2), Text(3), Number(4));
                if (lastHash is not null)
                {
                    // A keyed entry, or the head is an entry from before the keyed chain.
                    return (lastHash, lastSeq ?? legacyEntries ?? 0);
                }
                // Everything was purged, or the log is new.
                return anchorHash is null ? ("", 0) : (anchorHash, anchorSeq ?? legacyEntries ?? 0);
            }
        }
        while (await reader.NextResultAsync(ct));
        throw new InvalidOperationException("The access log's head query returned no row.");
    }

    /// <summary>The batch's entries chained after <paramref name="head"/>, in queue order, stamped with one time.</summary>
    private List<AccessLogEntry> Chain(List<Pending> batch, (string Hash, long Seq) head)
    {
        var (prev, seq) = head;
        var at = Truncate(clock.GetUtcNow().UtcDateTime);
        var entries = new List<AccessLogEntry>(batch.Sum(p => p.Accesses.Count));
        foreach (var (user, accesses, _) in batch)
        {
            foreach (var access in accesses)
            {
                var entry = new AccessLogEntry
                {
                    At = at,
                    UserId = user.UserId,
                    UserName = Clip(user.UserName, 60)!,
                    Role = user.Role,
                    Ip = Clip(user.Ip, 45)!,
                    CustomerId = access.CustomerId,
                    Action = access.Action,
                    Reason = Clip(access.Reason, 500),
                    Detail = Clip(access.Detail, 500),
                    Seq = ++seq,
                    PrevHash = prev,
                };
                entry.Hash = Mac(entry);
                prev = entry.Hash;
                entries.Add(entry);
            }
        }
        return entries;
    }

    /// <summary>One call's entries, waiting for their batch.</summary>
    private sealed record Pending(CrmUser User, IReadOnlyList<AccessEvent> Accesses, CancellationToken Cancellation)
    {
        // Callers continue on the thread pool, not inside the appender's loop.
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// Walks the chain from the purge anchor (or the start) in id order and reports the first broken entry;
    /// then checks that the entry of the signed head checkpoint is still there.
    /// </summary>
    public async Task<ChainVerification> VerifyAsync(CancellationToken ct = default)
    {
        await using var db = database.CreateContext();
        var seal = await db.Set<AccessLogSeal>().AsNoTracking().OrderBy(s => s.Id).FirstOrDefaultAsync(ct);
        if (seal is not null && !AccessLogKey.Same(seal.Signature, Mac(seal)))
        {
            return new ChainVerification(false, 0, null, null, ChainFault.Seal);
        }
        var anchor = await db.Set<AccessLogAnchor>().AsNoTracking().OrderByDescending(a => a.Id).FirstOrDefaultAsync(ct);
        if (anchor is not null && !Trusted(anchor, seal))
        {
            return new ChainVerification(false, 0, null, null, ChainFault.Anchor);
        }
        var (checkpoint, checkpointReadable) = ReadCheckpoint();
        if (!checkpointReadable)
        {
            return new ChainVerification(false, 0, null, null, ChainFault.Checkpoint);
        }

        var legacyThrough = seal?.LegacyThroughId ?? 0;
        var expectedPrev = anchor?.Hash ?? "";
        long? expectedSeq = anchor is null ? 0 : anchor.Seq ?? (anchor.PurgedThroughId == legacyThrough ? seal?.LegacyEntries : null);
        long count = 0;
        long? last = null;
        var legacyHeadSeen = false;
        string? checkpointHash = null;
        await foreach (var entry in db.AccessLog.AsNoTracking().OrderBy(e => e.Id).AsAsyncEnumerable().WithCancellation(ct))
        {
            bool good;
            if (entry.Id <= legacyThrough)
            {
                good = entry.Seq is null && entry.PrevHash == expectedPrev && entry.Hash == LegacyHash(entry)
                    && (entry.Id != legacyThrough || entry.Hash == seal!.LegacyHash);
                legacyHeadSeen |= entry.Id == legacyThrough;
                expectedSeq = entry.Id == legacyThrough ? seal!.LegacyEntries : null;
            }
            else
            {
                good = entry.Seq is { } s && s == expectedSeq + 1 && entry.PrevHash == expectedPrev && AccessLogKey.Same(entry.Hash, Mac(entry));
                expectedSeq = entry.Seq;
            }
            if (!good)
            {
                return new ChainVerification(false, count, entry.Id, last, ChainFault.Entry, checkpoint);
            }
            if (entry.Id == checkpoint?.ThroughId)
            {
                checkpointHash = entry.Hash;
            }
            expectedPrev = entry.Hash;
            last = entry.Id;
            count++;
        }
        // The last entries before the switch-over are pinned by the seal even before any keyed entry follows them.
        if (seal is not null && !legacyHeadSeen && (anchor?.PurgedThroughId ?? 0) < legacyThrough)
        {
            return new ChainVerification(false, count, legacyThrough, last, ChainFault.Missing, checkpoint);
        }
        if (checkpoint is not null && (anchor is null || anchor.PurgedThroughId < checkpoint.ThroughId))
        {
            if (checkpointHash is null)
            {
                return new ChainVerification(false, count, checkpoint.ThroughId, last, ChainFault.Missing, checkpoint);
            }
            if (checkpointHash != checkpoint.Hash)
            {
                return new ChainVerification(false, count, checkpoint.ThroughId, last, ChainFault.Checkpoint, checkpoint);
            }
        }
        return new ChainVerification(true, count, null, last, ChainFault.None, checkpoint);
    }

    /// <summary>
    /// Deletes the entries older than the retention period, after recording the hash of the last one as
    /// the chain's new anchor (signed), in one transaction. The append-only trigger is lifted only inside that
    /// transaction (PostgreSQL: ALTER TABLE … DISABLE TRIGGER, which holds the table's lock until commit;
    /// SQLite: the trigger is dropped and re-created), so no other session ever sees the table unguarded.
    /// </summary>
    public async Task<PurgeResult> PurgeAsync(CancellationToken ct = default)
    {
        var cutoff = Truncate(clock.GetUtcNow().UtcDateTime.AddDays(-options.RetentionDays));
        await using var db = database.CreateContext();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (db.IsPostgres)
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({ChainLock})", ct);
        }
        // Entries are appended in time order, so "older than the cutoff" is a prefix of the chain.
        var last = await db.AccessLog.AsNoTracking().Where(e => e.At < cutoff).OrderByDescending(e => e.Id)
            .Select(e => new { e.Id, e.Hash, e.Seq }).FirstOrDefaultAsync(ct);
        if (last is null)
        {
            return new PurgeResult(0, null, cutoff);
        }
        var count = await db.AccessLog.LongCountAsync(e => e.Id <= last.Id, ct);
        var seal = await db.Set<AccessLogSeal>().AsNoTracking().OrderBy(s => s.Id).FirstOrDefaultAsync(ct);
        var anchor = new AccessLogAnchor
        {
            At = Truncate(clock.GetUtcNow().UtcDateTime), PurgedThroughId = last.Id, PurgedCount = count, Hash = last.Hash,
            Seq = last.Seq ?? (last.Id == seal?.LegacyThroughId ? seal.LegacyEntries : null),
        };
        anchor.Signature = Mac(anchor);
        db.Set<AccessLogAnchor>().Add(anchor);
        await db.SaveChangesAsync(ct);
        if (db.IsPostgres)
        {
            await db.Database.ExecuteSqlRawAsync($"ALTER TABLE access_log_entry DISABLE TRIGGER {AppendOnlyTrigger}", ct);
            await db.Database.ExecuteSqlAsync($"DELETE FROM access_log_entry WHERE id <= {last.Id}", ct);
            await db.Database.ExecuteSqlRawAsync($"ALTER TABLE access_log_entry ENABLE TRIGGER {AppendOnlyTrigger}", ct);
        }
        else
        {
            // An unqualified CREATE TRIGGER looks for its table in main: name the file that holds the log (its own
            // file, attached as access_log, or main for a database in memory).
            var schema = (await db.Database.SqlQueryRaw<string>(
                "SELECT schema AS \"Value\" FROM pragma_table_list WHERE name = 'access_log_entry' AND schema <> 'temp' ORDER BY schema <> 'main'")
                .ToListAsync(ct))[0];
            var lift = $"DROP TRIGGER \"{schema}\".{AppendOnlyTrigger}_delete";
            await db.Database.ExecuteSqlRawAsync(lift, ct);
            await db.Database.ExecuteSqlAsync($"DELETE FROM access_log_entry WHERE id <= {last.Id}", ct);
            await db.Database.ExecuteSqlRawAsync(SqliteDeleteTrigger(schema), ct);
        }
        await tx.CommitAsync(ct);
        return new PurgeResult(count, last.Id, cutoff);
    }

    /// <summary>The SQLite trigger that refuses deletes (also in Sqlite/0007_scopes.sql), in the file <paramref name="schema"/> that holds the log.</summary>
    internal static string SqliteDeleteTrigger(string schema) =>
        $"CREATE TRIGGER \"{schema}\".{AppendOnlyTrigger}_delete BEFORE DELETE ON access_log_entry BEGIN SELECT RAISE(ABORT, 'access_log_entry is append-only'); END";

    /// <summary>Hex HMAC-SHA256 under the access-log key over the entry's position, the previous hash and the fields.</summary>
    public string Mac(AccessLogEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return key.Mac("entry/1;" + e.Seq?.ToString(CultureInfo.InvariantCulture) + ";" + Fields(e));
    }

    private string Mac(AccessLogAnchor a) => key.Mac(string.Create(CultureInfo.InvariantCulture,
        $"anchor/1;{a.PurgedThroughId};{a.PurgedCount};{a.Seq};{a.Hash};{a.At:yyyy-MM-dd'T'HH:mm:ss.ffffff}"));

    private string Mac(AccessLogSeal s) => Sign(key, s);

    internal static string Sign(AccessLogKey key, AccessLogSeal s) => key.Mac(string.Create(CultureInfo.InvariantCulture,
        $"seal/1;{s.LegacyThroughId};{s.LegacyEntries};{s.LegacyHash};{s.AnchorId};{s.AnchorHash}"));

    /// <summary>The unkeyed hex SHA-256 of entries written before the keyed chain (kept to verify them up to the seal).</summary>
    public static string LegacyHash(AccessLogEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Fields(e))));
    }

    /// <summary>The previous hash and the entry's fields, each length-prefixed, in invariant formats.</summary>
    private static string Fields(AccessLogEntry e)
    {
        var sb = new StringBuilder(256);
        void Field(string? value)
        {
            if (value is null)
            {
                sb.Append("-;");
                return;
            }
            sb.Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append(';');
        }
        Field(e.PrevHash);
        Field(e.At.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture));
        Field(e.UserId?.ToString(CultureInfo.InvariantCulture));
        Field(e.UserName);
        Field(e.Role.ToString());
        Field(e.Ip);
        Field(e.CustomerId?.ToString(CultureInfo.InvariantCulture));
        Field(e.Action.ToString());
        Field(e.Reason);
        Field(e.Detail);
        return sb.ToString();
    }

    /// <summary>A purge anchor is trusted when signed, or (from a purge before the keyed chain) when the signed seal names it.</summary>
    private bool Trusted(AccessLogAnchor anchor, AccessLogSeal? seal) =>
        anchor.Signature is not null
            ? AccessLogKey.Same(anchor.Signature, Mac(anchor))
            : seal is not null && seal.AnchorId == anchor.Id && seal.AnchorHash == anchor.Hash;

    /// <summary>
    /// Writes the signed checkpoint of <paramref name="head"/> (after its commit), unless the file already
    /// holds a later one, or one whose entry is no longer in the log: that is evidence for the verification,
    /// never overwritten by a head that does not follow it. <paramref name="followed"/> is the hash the
    /// appended entries chained to: a checkpoint of that entry is still in the log without asking.
    /// </summary>
    private async Task CheckpointAsync(string followed, AccessLogEntry head, CancellationToken ct)
    {
        try
        {
            var (existing, readable) = WrittenCheckpoint() is { } mine ? (mine, true) : ReadCheckpoint();
            if (existing is not null)
            {
                if (existing.Seq >= head.Seq)
                {
                    return;
                }
                if (existing.Hash != followed)
                {
                    if (existing == _heldCheckpoint)
                    {
                        return;
                    }
                    if (!await StillInLogAsync(existing, ct))
                    {
                        _heldCheckpoint = existing;
                        _logger.LogWarning("The access log no longer holds entry {EntryId} of its signed head checkpoint; the checkpoint is kept. Run 'insurecrm access-log verify'.", existing.ThroughId);
                        return;
                    }
                }
            }
            else if (!readable)
            {
                if (!_unreadableReported)
                {
                    _unreadableReported = true;
                    _logger.LogWarning("The access-log checkpoint file is unreadable or not signed with the access-log key; it is kept. Run 'insurecrm access-log verify'.");
                }
                return;
            }
            _unreadableReported = false;
            var at = Truncate(clock.GetUtcNow().UtcDateTime);
            var unsigned = new AccessLogCheckpoint(head.Id, head.Seq!.Value, head.Hash, at, "");
            var checkpoint = unsigned with { Signature = key.Mac(unsigned.Payload()) };
            Directory.CreateDirectory(Path.GetDirectoryName(CheckpointFile)!);
            var temp = $"{CheckpointFile}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
            // A small file, written on the appender's own task while the batch's callers wait: synchronously, with no hop.
            File.WriteAllText(temp, JsonSerializer.Serialize(checkpoint));
            File.Move(temp, CheckpointFile, overwrite: true);
            _checkpointedSeq = checkpoint.Seq;
            var file = new FileInfo(CheckpointFile);
            _written = (checkpoint, file.LastWriteTimeUtc, file.Length);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The entry is committed; a missed checkpoint only narrows what the next verification can vouch for.
            _logger.LogWarning(ex, "Could not write the access-log checkpoint file");
        }
    }

    private async Task<bool> StillInLogAsync(AccessLogCheckpoint checkpoint, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var hash = await db.AccessLog.AsNoTracking().Where(e => e.Id == checkpoint.ThroughId).Select(e => e.Hash).FirstOrDefaultAsync(ct);
        if (hash is not null)
        {
            return hash == checkpoint.Hash;
        }
        var purged = await db.Set<AccessLogAnchor>().AsNoTracking().OrderByDescending(a => a.Id).Select(a => (long?)a.PurgedThroughId).FirstOrDefaultAsync(ct);
        return purged >= checkpoint.ThroughId;
    }

    /// <summary>
    /// The checkpoint this instance wrote last while the file is still the one it wrote (same modification time and length),
    /// so a batch does not read and verify its own checkpoint again; null when the file changed or was never written here.
    /// </summary>
    private AccessLogCheckpoint? WrittenCheckpoint()
    {
        if (_written is not { } w)
        {
            return null;
        }
        var file = new FileInfo(CheckpointFile);
        return file.Exists && file.LastWriteTimeUtc == w.At && file.Length == w.Length ? w.Checkpoint : null;
    }

    /// <summary>The checkpoint in the file: (null, true) when there is none yet, (null, false) when it cannot be trusted.</summary>
    private (AccessLogCheckpoint? Checkpoint, bool Readable) ReadCheckpoint()
    {
        if (!File.Exists(CheckpointFile))
        {
            return (null, true);
        }
        try
        {
            var checkpoint = JsonSerializer.Deserialize<AccessLogCheckpoint>(File.ReadAllText(CheckpointFile));
            return checkpoint is not null && AccessLogKey.Same(checkpoint.Signature, key.Mac(checkpoint.Payload())) ? (checkpoint, true) : (null, false);
        }
        catch (JsonException)
        {
            return (null, false);
        }
    }

    /// <summary>PostgreSQL keeps microseconds: what is hashed must be what is read back.</summary>
    private static DateTime Truncate(DateTime utc) => new(utc.Ticks - utc.Ticks % 10, DateTimeKind.Utc);

    private static string? Clip(string? value, int max) => value is { Length: > 0 } v && v.Length > max ? v[..max] : value;
}

/// <summary>
/// Migration 0016's step: a log with entries from before the keyed chain gets its signed switch-over record
/// (the last of those entries, their number and hash, and the last purge anchor), in the migration's own
/// transaction. Those entries are not rewritten: verification keeps checking their SHA-256 chain, which
/// the seal pins to its last hash, so what was intact stays provably so and what was not stays visible.
/// A new database has nothing to seal.
/// </summary>
internal sealed class AccessLogSealStep(Func<AccessLogKey> key) : IMigrationStep
{
    public string Version => "0016";

    public async Task RunAsync(DbConnection connection, DbTransaction transaction, DatabaseProvider provider, CancellationToken ct)
    {
        var head = await RowAsync(connection, transaction, "SELECT id, hash FROM access_log_entry ORDER BY id DESC LIMIT 1", ct);
        var anchor = await RowAsync(connection, transaction, "SELECT id, hash, purged_through_id FROM access_log_anchor ORDER BY id DESC LIMIT 1", ct);
        if (head is null && anchor is null)
        {
            return;
        }
        var present = (long)(await RowAsync(connection, transaction, "SELECT count(*) FROM access_log_entry", ct))![0];
        var purged = (long)(await RowAsync(connection, transaction, "SELECT coalesce(sum(purged_count), 0) FROM access_log_anchor", ct))![0];
        var seal = new AccessLogSeal
        {
            LegacyThroughId = head is not null ? (long)head[0] : (long)anchor![2],
            LegacyHash = (string)(head ?? anchor!)[1],
            LegacyEntries = present + purged,
            AnchorId = anchor is null ? null : (long)anchor[0],
            AnchorHash = anchor is null ? null : (string)anchor[1],
        };
        seal.Signature = AccessLog.Sign(key(), seal);
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = "INSERT INTO access_log_seal (legacy_through_id, legacy_entries, legacy_hash, anchor_id, anchor_hash, signature) VALUES (@t, @n, @h, @a, @ah, @s)";
        Add(cmd, "@t", seal.LegacyThroughId);
        Add(cmd, "@n", seal.LegacyEntries);
        Add(cmd, "@h", seal.LegacyHash);
        Add(cmd, "@a", seal.AnchorId);
        Add(cmd, "@ah", seal.AnchorHash);
        Add(cmd, "@s", seal.Signature);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<object[]?> RowAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = sql;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        var values = new object[reader.FieldCount];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = reader.GetValue(i) is long or string ? reader.GetValue(i) : Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);
        }
        return values;
    }

    private static void Add(DbCommand cmd, string name, object? value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        cmd.Parameters.Add(p);
    }
}
