using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using InsureCrm.Core.Common;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Identity;

/// <summary>One merge to make: <see cref="MergedId"/> folds into <see cref="SurvivorId"/>.</summary>
internal sealed record PlannedMerge(long SurvivorId, long MergedId, MergeRule Rule);

/// <summary>
/// Merges made by rule, candidates skipped, and the phone and e-mail rows an earlier merge had given a survivor
/// that already held them, now returned to the merged customer (<see cref="DuplicatesReturned"/>).
/// </summary>
public sealed record ResolveResult(int BySameRrn, int BySameNameBirthDatePhone, int SkippedUndone, int DuplicatesReturned = 0)
{
    public int Merged => BySameRrn + BySameNameBirthDatePhone;
}

/// <summary>A recorded merge for listings; ids only, never personal data.</summary>
public sealed record MergeSummary(
    long Id, long SurvivorId, long MergedId, MergeRule Rule, DateTime MergedAt, string MergedBy, int RowsMoved,
    DateTime? UndoneAt, string? UndoneBy);

public sealed record UndoResult(bool Succeeded, string? Error, int RowsMovedBack)
{
    public static UndoResult Fail(string error) => new(false, error, 0);
}

/// <summary>
/// Identity resolution: the same person known to several source systems becomes one customer. Rules, in
/// order: same RRN hash; then same name, birth date and phone number (only when the RRNs do not disagree).
/// The older record (lower id) survives. Customers are never deleted: the merged record gets
/// <c>merged_into_id</c> and every row that pointed at it is re-pointed to the survivor, listed in
/// <see cref="IdentityMerge.MovedJson"/> ("table.column" → row ids) so <see cref="UndoAsync"/> puts exactly
/// those rows back. A pair whose merge was undone is never merged again automatically.
/// </summary>
public sealed class IdentityResolution(CrmDatabase database, TimeProvider clock, ILogger<IdentityResolution> logger)
{
    private const int MergesPerTransaction = 5000;

    /// <summary>Every column that refers to a customer, re-pointed by a merge.</summary>
    internal static readonly (string Table, string Column)[] CustomerReferences =
    [
        ("contract", "customer_id"), ("contract_role", "customer_id"), ("contract_rider", "customer_id"),
        ("contract_status_change", "customer_id"), ("loan", "customer_id"), ("claim", "customer_id"),
        ("interaction", "customer_id"), ("customer_phone", "customer_id"), ("customer_email", "customer_id"),
        ("customer_address", "customer_id"), ("customer_source_key", "customer_id"), ("marketing_consent", "customer_id"),
        ("household_member", "customer_id"), ("customer_relationship", "customer_id"),
        ("customer_relationship", "related_customer_id"), ("customer", "merged_into_id"),
    ];

    /// <summary>
    /// The tables an import writes in the same transaction as the customers it inserts: the contact rows and source keys,
    /// and customer itself (a customer merged earlier in the batch points at one merged now).
    /// </summary>
    private static readonly HashSet<string> WrittenWithCustomer = new(StringComparer.Ordinal)
    {
        "customer", "customer_phone", "customer_email", "customer_address", "customer_source_key",
    };

    /// <summary>
    /// Contact points a survivor holds once: the SQL of the value compared (normalised: a phone's digits, an
    /// e-mail address case-insensitively) for a table alias. A merge leaves a copy the survivor already has (or
    /// that another customer merged into it in the same batch brings) with the merged customer, so that undo
    /// still finds every row where it was.
    /// </summary>
    private static readonly Dictionary<string, Func<string, string>> ContactPoints = new(StringComparer.Ordinal)
    {
        ["customer_phone"] = t => $"REPLACE(REPLACE({t}.number, '-', ''), ' ', '')",
        ["customer_email"] = t => $"LOWER(TRIM({t}.address))",
    };

    /// <summary>Resolves the whole database (the <c>identity resolve</c> command).</summary>
    public async Task<ResolveResult> ResolveAllAsync(string user, CancellationToken ct = default)
    {
        var byRrn = await ResolveRuleAsync(MergeRule.SameRrn, user, ct);
        var byName = await ResolveRuleAsync(MergeRule.SameNameBirthDatePhone, user, ct);
        var returned = await ReturnDuplicateContactPointsAsync(ct);
        logger.LogInformation("Identity resolution merged {ByRrn} by RRN and {ByName} by name, birth date and phone; {Returned} duplicate phone and e-mail rows returned to merged customers",
            byRrn.Merged, byName.Merged, returned);
        return new ResolveResult(byRrn.Merged, byName.Merged, byRrn.Skipped + byName.Skipped, returned);
    }

    /// <summary>
    /// Cleans up after merges made before survivors kept each contact point once: a phone or e-mail row a live
    /// customer holds twice (normalised) that a merge moved to it goes back to the customer it was merged from,
    /// just as a merge today leaves it. The lowest row of each value stays; copies no merge brought (one source
    /// record holding a value twice) are left alone. Returns the rows moved back.
    /// </summary>
    private async Task<int> ReturnDuplicateContactPointsAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await ImportSql.LockAsync(connection, tx, ct);
        var returned = 0;
        foreach (var (table, value) in ContactPoints)
        {
            var extra = new Dictionary<long, long>();
            await using (var cmd = ImportSql.Command(connection, tx, $"""
                SELECT {table}.id, {table}.customer_id FROM {table} JOIN customer c ON c.id = {table}.customer_id
                WHERE c.merged_into_id IS NULL
                  AND EXISTS (SELECT 1 FROM {table} o WHERE o.customer_id = {table}.customer_id AND {value("o")} = {value(table)} AND o.id < {table}.id)
                """))
            {
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    extra[reader.GetInt64(0)] = reader.GetInt64(1);
                }
            }
            if (extra.Count == 0)
            {
                continue;
            }
            // Where each copy came from: the live merge into its holder that lists it as moved.
            var back = new List<(long Row, long Holder, long MergedId)>();
            var key = table + ".customer_id";
            foreach (var holders in extra.Values.Distinct().Chunk(10_000))
            {
                await using var cmd = ImportSql.Command(connection, tx,
                    $"SELECT survivor_id, merged_id, moved_json FROM identity_merge WHERE undone_at IS NULL AND {ImportSql.In(connection, "survivor_id", "ids")}");
                ImportSql.AddList(cmd, "ids", holders);
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var (holder, mergedId) = (reader.GetInt64(0), reader.GetInt64(1));
                    if (ParseMoved(reader.GetString(2)).TryGetValue(key, out var rows))
                    {
                        back.AddRange(rows.Where(r => extra.TryGetValue(r, out var h) && h == holder).Select(r => (r, holder, mergedId)));
                    }
                }
            }
            await using (var update = ImportSql.Command(connection, tx, $"UPDATE {table} SET customer_id = @m WHERE id = @id AND customer_id = @s"))
            {
                ImportSql.Add(update, "m", 0L);
                ImportSql.Add(update, "id", 0L);
                ImportSql.Add(update, "s", 0L);
                foreach (var (row, holder, mergedId) in back.DistinctBy(b => b.Row))
                {
                    update.Parameters[0].Value = mergedId;
                    update.Parameters[1].Value = row;
                    update.Parameters[2].Value = holder;
                    returned += await update.ExecuteNonQueryAsync(ct);
                }
            }
        }
        await tx.CommitAsync(ct);
        return returned;
    }

    private async Task<(int Merged, int Skipped)> ResolveRuleAsync(MergeRule rule, string user, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        var pairs = await FindPairsAsync(connection, null, null, rule, ct);
        var undone = await UndonePairsAsync(connection, null, ct);
        var (plan, skipped) = Plan(pairs, rule, undone);
        var merged = 0;
        foreach (var chunk in plan.Chunk(MergesPerTransaction))
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            await ImportSql.LockAsync(connection, tx, ct);
            // Another writer may have merged some of these since the pairs were read.
            var live = await StillUnmergedAsync(connection, tx, chunk, ct);
            merged += (await ApplyAsync(connection, tx, live, user, ct)).Count;
            await tx.CommitAsync(ct);
        }
        return (merged, skipped);
    }

    /// <summary>
    /// Resolves the customers of <paramref name="scope"/> (just written by an import) against everyone, inside
    /// the caller's transaction so that the batch and its merges commit together. Returns the merges made.
    /// </summary>
    public async Task<int> ResolveAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<long> scope, string user, CancellationToken ct)
    {
        if (scope.Count == 0)
        {
            return 0;
        }
        var undone = await UndonePairsAsync(connection, transaction, ct);
        var total = 0;
        foreach (var rule in new[] { MergeRule.SameRrn, MergeRule.SameNameBirthDatePhone })
        {
            var pairs = await FindPairsAsync(connection, transaction, scope, rule, ct);
            var (plan, _) = Plan(pairs, rule, undone);
            total += (await ApplyAsync(connection, transaction, plan, user, ct)).Count;
        }
        return total;
    }

    /// <summary>
    /// The same as <see cref="ResolveAsync"/> for <paramref name="scope"/>, started from candidates only: every
    /// pair the rules can find with a member in <paramref name="scope"/> has a member in
    /// <paramref name="sameRrn"/> (for the RRN rule) or in <paramref name="sameNameBirthDatePhone"/> (for the
    /// name rule), as <see cref="IdentityCandidates"/> finds them. Survivors of this call's RRN merges join the name
    /// rule's candidates (they may have gained phones), and name pairs without a member in the scope are left
    /// alone, so the merges made are exactly those of <see cref="ResolveAsync"/>. With no candidates it costs
    /// no query at all. Returns the merges made.
    /// </summary>
    internal async Task<IReadOnlyList<PlannedMerge>> ResolveBatchAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<long> scope,
        IReadOnlyCollection<long> sameRrn, IReadOnlyCollection<long> sameNameBirthDatePhone, string user, CancellationToken ct,
        ImportTimings? timings = null, IReadOnlySet<long>? insertedHere = null)
    {
        var applied = new List<PlannedMerge>();
        if (scope.Count == 0 || sameRrn.Count == 0 && sameNameBirthDatePhone.Count == 0)
        {
            return applied;
        }
        HashSet<(long, long)>? undone = null;
        var byName = new HashSet<long>(sameNameBirthDatePhone);
        if (sameRrn.Count > 0)
        {
            List<(long A, long B, string? RrnA, string? RrnB)> pairs;
            using (Measure(timings, "merge: find rrn pairs"))
            {
                pairs = await FindPairsAsync(connection, transaction, sameRrn, MergeRule.SameRrn, ct);
            }
            if (pairs.Count > 0)
            {
                undone = await UndonePairsAsync(connection, transaction, ct);
                var (plan, _) = Plan(pairs, MergeRule.SameRrn, undone);
                await ApplyAsync(connection, transaction, plan, user, ct, timings, insertedHere);
                applied.AddRange(plan);
                byName.UnionWith(plan.Select(p => p.SurvivorId));
            }
        }
        if (byName.Count > 0)
        {
            var inScope = new HashSet<long>(scope);
            List<(long A, long B, string? RrnA, string? RrnB)> pairs;
            using (Measure(timings, "merge: find name pairs"))
            {
                pairs = [.. (await FindPairsAsync(connection, transaction, byName, MergeRule.SameNameBirthDatePhone, ct))
                    .Where(p => inScope.Contains(p.A) || inScope.Contains(p.B))];
            }
            if (pairs.Count > 0)
            {
                undone ??= await UndonePairsAsync(connection, transaction, ct);
                var (plan, _) = Plan(pairs, MergeRule.SameNameBirthDatePhone, undone);
                await ApplyAsync(connection, transaction, plan, user, ct, timings, insertedHere);
                applied.AddRange(plan);
            }
        }
        return applied;
    }

    /// <summary>Merges two customers by hand (rule Manual); the lower id survives.</summary>
    public async Task<(long? MergeId, string? Error)> MergeAsync(long a, long b, string user, CancellationToken ct = default)
    {
        if (a == b)
        {
            return (null, "A customer cannot be merged with itself.");
        }
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await ImportSql.LockAsync(connection, tx, ct);
        var plan = new PlannedMerge(Math.Min(a, b), Math.Max(a, b), MergeRule.Manual);
        var live = await StillUnmergedAsync(connection, tx, [plan], ct);
        if (live.Count == 0)
        {
            return (null, "Both customers must exist and must not already be merged.");
        }
        var ids = await ApplyAsync(connection, tx, live, user, ct);
        await tx.CommitAsync(ct);
        return (ids[0], null);
    }

    public async Task<IReadOnlyList<MergeSummary>> ListAsync(long? customerId, int limit, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        var where = customerId is null ? "" : "WHERE survivor_id = @c OR merged_id = @c";
        await using var cmd = ImportSql.Command(connection, null,
            $"SELECT id, survivor_id, merged_id, rule, merged_at, merged_by, moved_json, undone_at, undone_by FROM identity_merge {where} ORDER BY id DESC LIMIT @n");
        if (customerId is not null)
        {
            ImportSql.Add(cmd, "c", customerId.Value);
        }
        ImportSql.Add(cmd, "n", limit);
        var list = new List<MergeSummary>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var moved = ParseMoved(reader.GetString(6));
            list.Add(new MergeSummary(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), Enum.Parse<MergeRule>(reader.GetString(3)),
                ImportSql.ReadTime(reader, 4)!.Value, reader.GetString(5), moved.Values.Sum(v => v.Count),
                ImportSql.ReadTime(reader, 7), ImportSql.ReadString(reader, 8)));
        }
        return list;
    }

    /// <summary>Moves every row listed in the merge back to the merged customer and makes it visible again.</summary>
    public async Task<UndoResult> UndoAsync(long mergeId, string user, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await ImportSql.LockAsync(connection, tx, ct);
        long survivor, merged;
        string movedJson;
        await using (var cmd = ImportSql.Command(connection, tx,
            "SELECT survivor_id, merged_id, moved_json, undone_at, undone_by FROM identity_merge WHERE id = @id"))
        {
            ImportSql.Add(cmd, "id", mergeId);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return UndoResult.Fail(string.Create(CultureInfo.InvariantCulture, $"Merge {mergeId} does not exist."));
            }
            if (ImportSql.ReadTime(reader, 3) is { } undoneAt)
            {
                return UndoResult.Fail(string.Create(CultureInfo.InvariantCulture,
                    $"Merge {mergeId} was already undone at {undoneAt:yyyy-MM-dd HH:mm} UTC by {reader.GetString(4)}."));
            }
            survivor = reader.GetInt64(0);
            merged = reader.GetInt64(1);
            movedJson = reader.GetString(2);
        }
        await using (var cmd = ImportSql.Command(connection, tx,
            "SELECT id FROM identity_merge WHERE merged_id = @s AND undone_at IS NULL"))
        {
            ImportSql.Add(cmd, "s", survivor);
            if (await cmd.ExecuteScalarAsync(ct) is { } later and not DBNull)
            {
                return UndoResult.Fail(string.Create(CultureInfo.InvariantCulture,
                    $"Customer {survivor}, the survivor of merge {mergeId}, was itself merged later (merge {later}): undo that merge first."));
            }
        }
        var moved = ParseMoved(movedJson);
        var back = 0;
        foreach (var (key, ids) in moved)
        {
            var (table, column) = Split(key);
            foreach (var chunk in ids.Chunk(10_000))
            {
                await using var cmd = ImportSql.Command(connection, tx,
                    $"UPDATE {table} SET {column} = @m WHERE {ImportSql.In(connection, "id", "ids")} AND {column} = @s");
                ImportSql.Add(cmd, "m", merged);
                ImportSql.Add(cmd, "s", survivor);
                ImportSql.AddList(cmd, "ids", chunk);
                back += await cmd.ExecuteNonQueryAsync(ct);
            }
        }
        var now = clock.GetUtcNow().UtcDateTime;
        await ImportSql.ExecuteAsync(connection, tx,
            "UPDATE customer SET merged_into_id = NULL, updated_at = @now, version = version + 1 WHERE id = @m", ct, ("now", now), ("m", merged));
        await ImportSql.ExecuteAsync(connection, tx,
            "UPDATE identity_merge SET undone_at = @now, undone_by = @by WHERE id = @id", ct, ("now", now), ("by", Truncate(user)), ("id", mergeId));
        await tx.CommitAsync(ct);
        logger.LogInformation("Identity merge {MergeId} undone: {Rows} rows moved back from customer {Survivor} to {Merged}", mergeId, back, survivor, merged);
        return new UndoResult(true, null, back);
    }

    /// <summary>Candidate pairs (a, b, rrn hash of a, rrn hash of b) for a rule, within a scope or over all customers.</summary>
    private static async Task<List<(long A, long B, string? RrnA, string? RrnB)>> FindPairsAsync(
        DbConnection connection, DbTransaction? tx, IReadOnlyCollection<long>? scope, MergeRule rule, CancellationToken ct)
    {
        string sql;
        if (scope is not null)
        {
            var inScope = ImportSql.In(connection, "c.id", "scope");
            sql = rule == MergeRule.SameRrn
                ? $"""
                   SELECT c.id, o.id, c.rrn_hash, o.rrn_hash FROM customer c
                   JOIN customer o ON o.rrn_hash = c.rrn_hash AND o.id <> c.id AND o.merged_into_id IS NULL
                   WHERE {inScope} AND c.merged_into_id IS NULL AND c.rrn_hash IS NOT NULL
                   """
                : ImportSql.IsPostgres(connection)
                // The phones are reached per customer through their indexes (LATERAL ... OFFSET 0 is not flattened
                // into a join): otherwise, while an import grows customer_phone, the planner hashes a scan of the
                // whole table for each batch's scope of a few hundred customers.
                ? $"""
                   SELECT DISTINCT c.id, o.id, c.rrn_hash, o.rrn_hash FROM customer c
                   CROSS JOIN LATERAL (SELECT cp.number FROM customer_phone cp WHERE cp.customer_id = c.id OFFSET 0) cp
                   CROSS JOIN LATERAL (SELECT op.customer_id FROM customer_phone op WHERE op.number = cp.number AND op.customer_id <> c.id OFFSET 0) op
                   JOIN customer o ON o.id = op.customer_id AND o.merged_into_id IS NULL AND o.name = c.name AND o.birth_date = c.birth_date
                   WHERE {inScope} AND c.merged_into_id IS NULL AND c.birth_date IS NOT NULL
                   """
                : $"""
                   SELECT DISTINCT c.id, o.id, c.rrn_hash, o.rrn_hash FROM customer c
                   JOIN customer_phone cp ON cp.customer_id = c.id
                   JOIN customer_phone op ON op.number = cp.number AND op.customer_id <> c.id
                   JOIN customer o ON o.id = op.customer_id AND o.merged_into_id IS NULL AND o.name = c.name AND o.birth_date = c.birth_date
                   WHERE {inScope} AND c.merged_into_id IS NULL AND c.birth_date IS NOT NULL
                   """;
        }
        else
        {
            // Grouping happens in SQL: only members of groups larger than one come back.
            sql = rule == MergeRule.SameRrn
                ? """
                  SELECT x.s, x.id, x.rrn_hash, x.rrn_hash FROM (
                      SELECT id, rrn_hash, MIN(id) OVER (PARTITION BY rrn_hash) AS s FROM customer
                      WHERE merged_into_id IS NULL AND rrn_hash IS NOT NULL) x
                  WHERE x.id <> x.s
                  """
                : """
                  SELECT DISTINCT x.s, x.id, cs.rrn_hash, x.rrn_hash FROM (
                      SELECT c.id, c.rrn_hash, MIN(c.id) OVER (PARTITION BY c.name, c.birth_date, p.number) AS s
                      FROM customer c JOIN customer_phone p ON p.customer_id = c.id
                      WHERE c.merged_into_id IS NULL AND c.birth_date IS NOT NULL) x
                  JOIN customer cs ON cs.id = x.s
                  WHERE x.id <> x.s
                  """;
        }
        await using var cmd = ImportSql.Command(connection, tx, sql);
        if (scope is not null)
        {
            ImportSql.AddList(cmd, "scope", scope);
        }
        var pairs = new List<(long, long, string?, string?)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            pairs.Add((reader.GetInt64(0), reader.GetInt64(1), ImportSql.ReadString(reader, 2), ImportSql.ReadString(reader, 3)));
        }
        return pairs;
    }

    private static async Task<HashSet<(long, long)>> UndonePairsAsync(DbConnection connection, DbTransaction? tx, CancellationToken ct)
    {
        var set = new HashSet<(long, long)>();
        await using var cmd = ImportSql.Command(connection, tx, "SELECT survivor_id, merged_id FROM identity_merge WHERE undone_at IS NOT NULL");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            set.Add(Ordered(reader.GetInt64(0), reader.GetInt64(1)));
        }
        return set;
    }

    /// <summary>
    /// Groups candidate pairs transitively; in each group the lowest id survives and every other member merges
    /// into it, except members whose pair with the survivor was undone before or whose RRN disagrees.
    /// </summary>
    internal static (List<PlannedMerge> Plan, int Skipped) Plan(
        IEnumerable<(long A, long B, string? RrnA, string? RrnB)> pairs, MergeRule rule, HashSet<(long, long)> undone)
    {
        var parent = new Dictionary<long, long>();
        var rrn = new Dictionary<long, string?>();
        long Find(long x)
        {
            while (parent.TryGetValue(x, out var p) && p != x)
            {
                var gp = parent.GetValueOrDefault(p, p);
                parent[x] = gp;
                x = gp;
            }
            return x;
        }
        foreach (var (a, b, ra, rb) in pairs)
        {
            if (rule == MergeRule.SameNameBirthDatePhone && ra is not null && rb is not null && ra != rb)
            {
                continue;
            }
            rrn[a] = ra;
            rrn[b] = rb;
            parent.TryAdd(a, a);
            parent.TryAdd(b, b);
            var (x, y) = (Find(a), Find(b));
            if (x != y)
            {
                // The root is always the lowest id, so it is the survivor.
                parent[Math.Max(x, y)] = Math.Min(x, y);
            }
        }
        var plan = new List<PlannedMerge>();
        var skipped = 0;
        foreach (var id in parent.Keys.Order())
        {
            var root = Find(id);
            if (root == id)
            {
                continue;
            }
            var conflict = rrn[root] is { } r1 && rrn[id] is { } r2 && r1 != r2;
            if (conflict || undone.Contains(Ordered(root, id)))
            {
                skipped++;
                continue;
            }
            plan.Add(new PlannedMerge(root, id, rule));
        }
        return (plan, skipped);
    }

    private static async Task<List<PlannedMerge>> StillUnmergedAsync(DbConnection connection, DbTransaction tx, IReadOnlyCollection<PlannedMerge> plan, CancellationToken ct)
    {
        var ids = plan.SelectMany(p => new[] { p.SurvivorId, p.MergedId }).Distinct().ToList();
        var live = new HashSet<long>();
        await using (var cmd = ImportSql.Command(connection, tx, $"SELECT id FROM customer WHERE merged_into_id IS NULL AND {ImportSql.In(connection, "id", "ids")}"))
        {
            ImportSql.AddList(cmd, "ids", ids);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                live.Add(reader.GetInt64(0));
            }
        }
        return [.. plan.Where(p => live.Contains(p.SurvivorId) && live.Contains(p.MergedId))];
    }

    /// <summary>
    /// Applies merges set-wise: a mapping table of merged → survivor, one SELECT (to record the row ids) and one
    /// UPDATE per referring column, then the merged customers are marked and one identity_merge row written each.
    /// </summary>
    private async Task<List<long>> ApplyAsync(DbConnection connection, DbTransaction tx, List<PlannedMerge> plan, string user, CancellationToken ct,
        ImportTimings? timings = null, IReadOnlySet<long>? insertedHere = null)
    {
        if (plan.Count == 0)
        {
            return [];
        }
        // Customers the caller's transaction inserted (an import batch's new customers) are referred to only by the rows it
        // wrote with them: nothing else can know their ids before it commits. When every merged customer is one of them,
        // the other tables hold nothing to move, and their statements (eleven a merge plan) are skipped.
        var onlyNew = insertedHere is not null && plan.All(p => insertedHere.Contains(p.MergedId));
        var mapTiming = Measure(timings, "merge: map table");
        var pg = ImportSql.IsPostgres(connection);
        await ImportSql.ExecuteAsync(connection, tx, pg
            ? "CREATE TEMP TABLE IF NOT EXISTS merge_map (m bigint PRIMARY KEY, s bigint NOT NULL)"
            : "CREATE TEMP TABLE IF NOT EXISTS merge_map (m INTEGER PRIMARY KEY, s INTEGER NOT NULL)", ct);
        await ImportSql.ExecuteAsync(connection, tx, "DELETE FROM merge_map", ct);
        if (pg)
        {
            await using var cmd = ImportSql.Command(connection, tx, "INSERT INTO merge_map (m, s) SELECT * FROM unnest(@m, @s)");
            ImportSql.AddList(cmd, "m", plan.Select(p => p.MergedId));
            ImportSql.AddList(cmd, "s", plan.Select(p => p.SurvivorId));
            await cmd.ExecuteNonQueryAsync(ct);
            await ImportSql.ExecuteAsync(connection, tx, "ANALYZE merge_map", ct);
        }
        else
        {
            await using var cmd = ImportSql.Command(connection, tx, "INSERT INTO merge_map (m, s) VALUES (@m, @s)");
            ImportSql.Add(cmd, "m", 0L);
            ImportSql.Add(cmd, "s", 0L);
            cmd.Prepare();
            foreach (var p in plan)
            {
                cmd.Parameters[0].Value = p.MergedId;
                cmd.Parameters[1].Value = p.SurvivorId;
                await cmd.ExecuteNonQueryAsync(ct);
            }
        }

        mapTiming.Dispose();
        var moved = plan.ToDictionary(p => p.MergedId, _ => new SortedDictionary<string, List<long>>(StringComparer.Ordinal));
        var mergedIds = pg ? plan.Select(p => p.MergedId).ToArray() : [];
        foreach (var (table, column) in CustomerReferences)
        {
            if (onlyNew && !WrittenWithCustomer.Contains(table))
            {
                continue;
            }
            using var moveTiming = Measure(timings, "merge: move " + table);
            var key = table + "." + column;
            void Record(long row, long mergedId)
            {
                var rows = moved[mergedId];
                if (!rows.TryGetValue(key, out var list))
                {
                    rows[key] = list = [];
                }
                list.Add(row);
            }
            if (pg && !ContactPoints.ContainsKey(table))
            {
                await MoveAsync(connection, tx, table, column, mergedIds, Record, ct);
                continue;
            }
            // Status history rows carry their contract's customer; reach them through the contract index.
            var filter = table == "contract_status_change"
                ? $"contract_id IN (SELECT id FROM contract WHERE customer_id IN (SELECT m FROM merge_map)) AND {column} IN (SELECT m FROM merge_map)"
                : $"{column} IN (SELECT m FROM merge_map)";
            var contact = ContactPoints.GetValueOrDefault(table);
            if (contact is not null)
            {
                // Not when the survivor holds the same value, nor when a lower row of a customer merged into the
                // same survivor does (that one moves).
                filter += $"""
                     AND NOT EXISTS (SELECT 1 FROM {table} o
                        WHERE o.customer_id = (SELECT s FROM merge_map WHERE merge_map.m = {table}.customer_id) AND {contact("o")} = {contact(table)})
                     AND NOT EXISTS (SELECT 1 FROM {table} o JOIN merge_map om ON om.m = o.customer_id
                        WHERE om.s = (SELECT s FROM merge_map WHERE merge_map.m = {table}.customer_id) AND {contact("o")} = {contact(table)} AND o.id < {table}.id)
                    """;
            }
            var any = false;
            var ids = new List<long>();
            await using (var cmd = ImportSql.Command(connection, tx, $"SELECT id, {column} FROM {table} WHERE {filter}"))
            {
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    any = true;
                    ids.Add(reader.GetInt64(0));
                    Record(reader.GetInt64(0), reader.GetInt64(1));
                }
            }
            if (any && contact is not null)
            {
                // Exactly the rows recorded (the filter reads the table the update changes).
                foreach (var chunk in ids.Chunk(10_000))
                {
                    await using var cmd = ImportSql.Command(connection, tx,
                        $"UPDATE {table} SET {column} = (SELECT s FROM merge_map WHERE merge_map.m = {table}.{column}) WHERE {ImportSql.In(connection, "id", "ids")}");
                    ImportSql.AddList(cmd, "ids", chunk);
                    await cmd.ExecuteNonQueryAsync(ct);
                }
            }
            else if (any)
            {
                await ImportSql.ExecuteAsync(connection, tx,
                    $"UPDATE {table} SET {column} = (SELECT s FROM merge_map WHERE merge_map.m = {table}.{column}) WHERE {filter}", ct);
            }
        }
        var now = clock.GetUtcNow().UtcDateTime;
        await ImportSql.ExecuteAsync(connection, tx, pg
            ? "UPDATE customer SET merged_into_id = mm.s, updated_at = @now, version = version + 1 FROM merge_map mm WHERE customer.id = mm.m"
            : "UPDATE customer SET merged_into_id = (SELECT s FROM merge_map WHERE merge_map.m = customer.id), updated_at = @now, version = version + 1 WHERE id IN (SELECT m FROM merge_map)",
            ct, ("now", now));

        var by = Truncate(user);
        using var recordTiming = Measure(timings, "merge: record");
        if (pg)
        {
            return await RecordAllAsync(connection, tx, plan, moved, now, by, ct);
        }
        var mergeIds = new List<long>(plan.Count);
        await using (var insert = ImportSql.Command(connection, tx,
            "INSERT INTO identity_merge (survivor_id, merged_id, rule, merged_at, merged_by, moved_json) VALUES (@s, @m, @r, @at, @by, @j) RETURNING id"))
        {
            ImportSql.Add(insert, "s", 0L);
            ImportSql.Add(insert, "m", 0L);
            ImportSql.Add(insert, "r", "");
            ImportSql.Add(insert, "at", now);
            ImportSql.Add(insert, "by", by);
            ImportSql.Add(insert, "j", "");
            await insert.PrepareAsync(ct);
            foreach (var p in plan)
            {
                insert.Parameters[0].Value = p.SurvivorId;
                insert.Parameters[1].Value = p.MergedId;
                insert.Parameters[2].Value = p.Rule.ToString();
                insert.Parameters[5].Value = JsonSerializer.Serialize(moved[p.MergedId]);
                mergeIds.Add(Convert.ToInt64(await insert.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture));
            }
        }
        return mergeIds;
    }

    /// <summary>
    /// Records merges an import planned in memory and wrote already merged (<see cref="RunIdentityKeys"/>): one
    /// identity_merge row each, listing the rows <paramref name="moved"/> says it gave the survivor, as
    /// <see cref="ApplyAsync"/> records a merge it made. PostgreSQL only. Returns the merges' ids in plan order.
    /// </summary>
    internal static Task<List<long>> RecordPlannedAsync(DbConnection connection, DbTransaction tx, List<PlannedMerge> plan,
        Dictionary<long, SortedDictionary<string, List<long>>> moved, DateTime now, string user, CancellationToken ct) =>
        RecordAllAsync(connection, tx, plan, moved, now, Truncate(user), ct);

    /// <summary>
    /// PostgreSQL: moves one referring column's rows in one statement, <c>UPDATE … FROM merge_map … RETURNING</c>, instead
    /// of a SELECT of the rows followed by an UPDATE with the same filter (an import batch merges hundreds of customers,
    /// twice, once per rule). Each merged customer's rows are reached through the column's index from merge_map and
    /// come back in that index's order, as the SELECT read them, so <c>moved_json</c> lists them as before.
    /// customer.merged_into_id is reached by the merged ids (<c>= ANY</c>): joined to merge_map, the planner merge-joined
    /// it over the whole index, every entry of every customer merged so far, per statement. Not for the contact tables:
    /// their duplicate filters read the table being updated, and inside one UPDATE the planner, misled by the
    /// estimates, chose a nested-loop anti join over a scan of the whole table per row (the import timed out).
    /// </summary>
    private static async Task MoveAsync(DbConnection connection, DbTransaction tx, string table, string column, long[] mergedIds,
        Action<long, long> record, CancellationToken ct)
    {
        // Status history rows carry their contract's customer; reach them through the contract index.
        var filter = table switch
        {
            "contract_status_change" => $" AND {table}.contract_id IN (SELECT id FROM contract WHERE customer_id IN (SELECT m FROM merge_map))",
            "customer" => $" AND {table}.{column} = ANY(@m)",
            _ => "",
        };
        await using var cmd = ImportSql.Command(connection, tx,
            $"UPDATE {table} SET {column} = mm.s FROM merge_map mm WHERE mm.m = {table}.{column}{filter} RETURNING {table}.id, mm.m");
        ImportSql.AddList(cmd, "m", mergedIds);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            record(reader.GetInt64(0), reader.GetInt64(1));
        }
    }

    /// <summary>
    /// One identity_merge row per planned merge in one statement (PostgreSQL): an import batch plans hundreds of
    /// merges, and a round trip each was a third of identity resolution's time. The ids come back in plan order
    /// (matched on merged_id, which is unique within a plan).
    /// </summary>
    private static async Task<List<long>> RecordAllAsync(DbConnection connection, DbTransaction tx, List<PlannedMerge> plan,
        Dictionary<long, SortedDictionary<string, List<long>>> moved, DateTime now, string by, CancellationToken ct)
    {
        await using var insert = ImportSql.Command(connection, tx, """
            INSERT INTO identity_merge (survivor_id, merged_id, rule, merged_at, merged_by, moved_json)
            SELECT s, m, r, @at, @by, j FROM unnest(@s, @m, @r, @j) AS p(s, m, r, j)
            RETURNING id, merged_id
            """);
        ImportSql.AddList(insert, "s", plan.Select(p => p.SurvivorId));
        ImportSql.AddList(insert, "m", plan.Select(p => p.MergedId));
        ImportSql.AddList(insert, "r", plan.Select(p => p.Rule.ToString()));
        ImportSql.AddList(insert, "j", plan.Select(p => JsonSerializer.Serialize(moved[p.MergedId])));
        ImportSql.Add(insert, "at", now);
        ImportSql.Add(insert, "by", by);
        var ids = new Dictionary<long, long>(plan.Count);
        await using (var reader = await insert.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                ids[reader.GetInt64(1)] = reader.GetInt64(0);
            }
        }
        return [.. plan.Select(p => ids[p.MergedId])];
    }

    private static Dictionary<string, List<long>> ParseMoved(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, List<long>>>(json) ?? [];

    private static (string Table, string Column) Split(string key)
    {
        var dot = key.IndexOf('.', StringComparison.Ordinal);
        var table = key[..dot];
        var column = key[(dot + 1)..];
        // Only names from CustomerReferences are ever executed, whatever the stored JSON says.
        if (!CustomerReferences.Contains((table, column)))
        {
            throw new InvalidOperationException($"identity_merge lists an unknown column '{key}'.");
        }
        return (table, column);
    }

    private static ImportTimings.Scope Measure(ImportTimings? timings, string phase) =>
        timings?.Measure(phase) ?? default;

    private static (long, long) Ordered(long a, long b) => a < b ? (a, b) : (b, a);

    private static string Truncate(string user) => user.Length <= 60 ? user : user[..60];
}
