using System.Diagnostics;
using System.Threading.Channels;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Synthetic;

/// <summary>
/// Creates a synthetic Korean insurer in an empty database: branches, agents, products, customers with
/// households and duplicates, ten years of contracts, loans, claims and contact history (see
/// docs/synthetic-insurer.md). Generation runs chunk by chunk on one thread while the previous chunk is
/// written (binary COPY on PostgreSQL), so memory stays flat whatever the size.
/// </summary>
public sealed class SyntheticInsurer(CrmDatabase database, FieldProtector protector, TimeProvider clock, ILogger<SyntheticInsurer> logger)
{
    private static readonly string[] GuardedTables = ["customer", "product", "agent", "branch", "contract"];

    /// <summary>True when no customer, product, agent, branch or contract exists yet (generation needs an empty database).</summary>
    public async Task<bool> IsDatabaseEmptyAsync(CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        foreach (var table in GuardedTables)
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = $"SELECT 1 FROM {table} LIMIT 1";
            if (await cmd.ExecuteScalarAsync(ct) is not null)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The as-of date used when the options give none: today in Korea.</summary>
    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime.AddHours(9));

    /// <exception cref="InvalidOperationException">The database already holds customers or reference data.</exception>
    public async Task<GenerationSummary> GenerateAsync(GenerationOptions options, IProgress<GenerationProgress>? progress, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Customers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ChunkSize, 100);
        if (!await IsDatabaseEmptyAsync(ct))
        {
            throw new InvalidOperationException("The database already holds customers; the synthetic insurer is generated only into an empty database.");
        }
        var watch = Stopwatch.StartNew();
        var asOf = options.AsOf ?? Today;
        var truthAt = options.TruthAt ?? asOf;
        if (truthAt > asOf || truthAt < new DateOnly(asOf.Year, asOf.Month, 1).AddMonths(-120))
        {
            throw new ArgumentOutOfRangeException(nameof(options), truthAt, $"The truth date must lie in the ten years of history up to the as-of date {asOf:yyyy-MM-dd}.");
        }
        logger.LogInformation("Generating a synthetic insurer of {Customers} customers (seed {Seed}, as of {AsOf})", options.Customers, options.Seed, asOf);

        var force = AgentForce.Create(options.Seed, options.Customers, asOf);
        using var truth = options.TruthFile is { } file ? new TruthWriter(file) : null;
        long rows;
        await using (var writer = await BulkWriter.BeginAsync(database, ct))
        {
            rows = await WriteReferenceDataAsync(writer, force, ct);
            await writer.CommitAsync(ct);
        }
        truth?.WriteAgents(force, truthAt);
        IReadOnlyList<PlantedRun> campaigns = [];
        var contactIdBase = 0L;
        if (options.Campaigns)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(options.CampaignEffectScale);
            (campaigns, contactIdBase) = await PlantedCampaigns.CreateAsync(database, options.Seed, asOf, options.CampaignEffectScale, clock.GetUtcNow().UtcDateTime, ct);
            truth?.BeginCampaigns();
        }

        var skipRowChecks = await CanSkipRowTriggersAsync(ct);
        var generator = new ChunkGenerator(options.Seed, asOf, protector, force, truthAt, campaigns, contactIdBase);
        var chunks = Channel.CreateBounded<ChunkData>(new BoundedChannelOptions(2) { SingleReader = false, SingleWriter = true });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(async () =>
        {
            try
            {
                var chunkCount = (options.Customers + options.ChunkSize - 1) / options.ChunkSize;
                for (var i = 0; i < chunkCount; i++)
                {
                    var size = Math.Min(options.ChunkSize, options.Customers - i * options.ChunkSize);
                    await chunks.Writer.WriteAsync(generator.Generate(i, size), cts.Token);
                }
                chunks.Writer.Complete();
            }
            catch (Exception ex)
            {
                chunks.Writer.Complete(ex);
                throw;
            }
        }, cts.Token);

        // PostgreSQL is the bottleneck (index and foreign-key upkeep): two connections load chunks side by side.
        // SQLite has one writer at a time anyway.
        var state = new LoadState(options.Customers, truth, progress);
        var loaders = Enumerable.Range(0, database.Provider == DatabaseProvider.Postgres ? 2 : 1)
            .Select(_ => Task.Run(() => LoadAsync(chunks.Reader, state, skipRowChecks, cts.Token), cts.Token))
            .ToArray();
        try
        {
            await Task.WhenAll(loaders);
        }
        catch
        {
            await cts.CancelAsync();
            throw;
        }
        await producer;
        rows += state.Rows;

        await using (var writer = await BulkWriter.BeginAsync(database, ct))
        {
            foreach (var table in SyntheticTables.WithIdentity)
            {
                await writer.ResetIdentityAsync(table.Name, ct);
            }
            await writer.CommitAsync(ct);
        }
        if (campaigns.Count > 0)
        {
            await PlantedCampaigns.FinishAsync(database, campaigns, state.CampaignTallies, options.Seed, asOf, ct);
            truth?.WriteCampaignEffects(campaigns, state.CampaignTallies);
        }
        if (skipRowChecks)
        {
            await VerifyForeignKeysAsync(ct);
        }
        await AnalyzeAsync(ct);
        watch.Stop();
        var counts = state.Counts;
        var summary = new GenerationSummary(state.Customers, state.Duplicates, counts[SyntheticTables.Contract], counts[SyntheticTables.Loan], counts[SyntheticTables.Claim],
            counts[SyntheticTables.Interaction], force.Agents.Length, force.Branches.Length, ProductCatalog.All.Count, rows, asOf, options.Seed, watch.Elapsed,
            campaigns.Count, counts[SyntheticTables.CampaignMember], counts[SyntheticTables.CampaignContact]);
        logger.LogInformation("Generated {Customers} customers, {Contracts} contracts, {Rows} rows in {Duration}", summary.Customers, summary.Contracts, summary.Rows, summary.Duration);
        return summary;
    }

    private async Task LoadAsync(ChannelReader<ChunkData> reader, LoadState state, bool skipRowChecks, CancellationToken ct)
    {
        await foreach (var chunk in reader.ReadAllAsync(ct))
        {
            await using (var writer = await BulkWriter.BeginAsync(database, ct))
            {
                if (skipRowChecks)
                {
                    await using var cmd = writer.Connection.CreateCommand();
                    cmd.Transaction = writer.Transaction;
                    cmd.CommandText = "SET LOCAL session_replication_role = replica";
                    await cmd.ExecuteNonQueryAsync(ct);
                }
                foreach (var table in SyntheticTables.ChunkOrder)
                {
                    await writer.WriteAsync(table, chunk[table], ct);
                }
                await writer.CommitAsync(ct);
            }
            state.Committed(chunk);
        }
    }

    /// <summary>Totals of the committed chunks; truth rows are written in chunk order whatever order chunks commit in.</summary>
    private sealed class LoadState(int total, TruthWriter? truth, IProgress<GenerationProgress>? progress)
    {
        private readonly Lock _lock = new();
        private readonly SortedDictionary<int, (List<string> Customers, List<string> Campaigns)> _pendingTruth = [];
        private int _nextTruth;

        public int Customers { get; private set; }
        public int Duplicates { get; private set; }
        public long Rows { get; private set; }
        public Dictionary<BulkTable, long> Counts { get; } = SyntheticTables.ChunkOrder.ToDictionary(t => t, _ => 0L);
        public Dictionary<int, PlantedTally> CampaignTallies { get; } = [];

        public void Committed(ChunkData chunk)
        {
            lock (_lock)
            {
                foreach (var table in SyntheticTables.ChunkOrder)
                {
                    Counts[table] += chunk[table].Count;
                }
                Customers += chunk.Customers;
                Duplicates += chunk.Duplicates;
                Rows += chunk.RowCount;
                foreach (var (key, tally) in chunk.CampaignTallies)
                {
                    if (!CampaignTallies.TryGetValue(key, out var total))
                    {
                        CampaignTallies[key] = total = new PlantedTally();
                    }
                    total.Merge(tally);
                }
                if (truth is not null)
                {
                    _pendingTruth[chunk.Index] = (chunk.CustomerTruth, chunk.CampaignTruth);
                    while (_pendingTruth.Remove(_nextTruth, out var rows))
                    {
                        truth.WriteCustomers(rows.Customers);
                        truth.WriteCampaignMembers(rows.Campaigns);
                        _nextTruth++;
                    }
                }
                progress?.Report(new GenerationProgress(Customers, total, Rows));
            }
        }
    }

    private static async Task<long> WriteReferenceDataAsync(BulkWriter writer, AgentForce force, CancellationToken ct)
    {
        var products = ProductCatalog.All
            .Select(p => new object?[] { p.Id, p.Code, p.Name, p.Line, p.Family, p.IsRider, "KRW", p.TermYears })
            .ToList();
        var branches = force.Branches
            .Select(b => new object?[] { b.Id, b.Code, b.Name, KoreanRegions.All[b.SidoIndex].Name, b.Sigungu })
            .ToList();
        var agents = force.Agents
            .Select(a => new object?[] { a.Id, a.Code, a.Name, a.Kind, force.Branches[a.BranchIndex].Id, a.HireDate, a.TerminationDate, a.Status, 1 })
            .ToList();
        await writer.WriteAsync(SyntheticTables.Product, products, ct);
        await writer.WriteAsync(SyntheticTables.Branch, branches, ct);
        await writer.WriteAsync(SyntheticTables.Agent, agents, ct);
        return products.Count + branches.Count + agents.Count;
    }

    /// <summary>
    /// On PostgreSQL, per-row foreign-key triggers cost about 40 % of the load (a lookup and a row lock on
    /// the parent for every child row). Like <c>pg_restore --disable-triggers</c>, a superuser may load
    /// with <c>session_replication_role = replica</c>; the keys are then verified set-wise at the end
    /// (<see cref="VerifyForeignKeysAsync"/>). Other roles load with the triggers on.
    /// </summary>
    private async Task<bool> CanSkipRowTriggersAsync(CancellationToken ct)
    {
        if (database.Provider != DatabaseProvider.Postgres)
        {
            return false;
        }
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT current_setting('is_superuser')";
        return await cmd.ExecuteScalarAsync(ct) is "on";
    }

    /// <summary>Every single-column foreign key of the generated tables, checked with one anti-join each.</summary>
    private async Task VerifyForeignKeysAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        var keys = new List<(string Table, string Column, string Parent, string ParentColumn)>();
        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = """
                SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, pa.attname
                FROM pg_constraint c
                JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[1]
                WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 AND c.connamespace = current_schema()::regnamespace
                """;
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                keys.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
            }
        }
        var generated = SyntheticTables.All.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var key in keys.Where(k => generated.Contains(k.Table)))
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandTimeout = 0;
            cmd.CommandText = $"SELECT count(*) FROM {key.Table} c WHERE c.{key.Column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {key.Parent} p WHERE p.{key.ParentColumn} = c.{key.Column})";
            if (Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) is var broken and > 0)
            {
                throw new InvalidOperationException($"Generated data breaks the foreign key {key.Table}.{key.Column} → {key.Parent} in {broken} rows.");
            }
        }
    }

    /// <summary>Fresh planner statistics: the tables went from empty to large in one go.</summary>
    private async Task AnalyzeAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "ANALYZE";
        cmd.CommandTimeout = 0;
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
