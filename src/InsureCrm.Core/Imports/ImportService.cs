using System.Diagnostics;
using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Identity;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Imports;

/// <summary>
/// What to import. <see cref="SourceSystem"/> fills an absent or empty <c>source_system</c> column.
/// <see cref="BatchSize"/> 0 (the default) takes the kind's own batch size.
/// </summary>
public sealed record ImportRequest(
    ImportKind Kind,
    string Path,
    ImportEncoding Encoding = ImportEncoding.Auto,
    string? SourceSystem = null,
    string User = "import",
    int BatchSize = ImportService.DefaultBatchSize);

/// <summary>
/// Counts of one run. <see cref="Loaded"/> = inserted + updated; <see cref="Unchanged"/> rows matched stored
/// data exactly; Read = Loaded + Unchanged + Rejected. Every physical line of the file is accounted for:
/// <see cref="Lines"/> = <see cref="HeaderLines"/> + <see cref="BlankLines"/> + the lines of the rows read
/// (a row spans more than one line when a quoted field holds a line break).
/// </summary>
public sealed record ImportResult(
    ImportStatus Status,
    string? Error,
    long? RunId,
    int Read,
    int Inserted,
    int Updated,
    int Unchanged,
    int Rejected,
    int Merged,
    string? RejectsPath,
    IReadOnlyList<(int Line, string Column, string Reason)> FirstRejects,
    string? Encoding,
    int Lines = 0,
    int HeaderLines = 0,
    int BlankLines = 0)
{
    public int Loaded => Inserted + Updated;

    /// <summary>Of <see cref="Merged"/>, the merges planned before their batch was written (a first import's, <c>RunIdentityKeys</c>).</summary>
    public int MergedBeforeWriting { get; init; }

    /// <summary>Lines inside quoted fields: the lines of the rows beyond one per row.</summary>
    public int ContinuationLines => Lines - HeaderLines - BlankLines - Read;

    /// <summary>The CLI's exit code: 0 all rows loaded, 2 some rows rejected, 1 fatal.</summary>
    public int ExitCode => Status switch { ImportStatus.Completed => 0, ImportStatus.CompletedWithRejects => 2, _ => 1 };

    public static ImportResult Fatal(string error) => new(ImportStatus.Failed, error, null, 0, 0, 0, 0, 0, 0, null, [], null);
}

public readonly record struct ImportProgress(long BytesRead, long BytesTotal, int Rows);

/// <summary>Counts of one committed batch.</summary>
internal readonly record struct BatchOutcome(int Inserted, int Updated, int Unchanged, int Merged, int MergedBeforeWriting = 0);

/// <summary>Counts what an EF-tracked batch does to each upserted row: inserted, updated, or left as it was.</summary>
internal sealed class BatchTally(DbContext db)
{
    private int _inserted;
    private int _updated;
    private int _unchanged;

    public BatchOutcome Outcome => new(_inserted, _updated, _unchanged, 0);

    public void Count(object entity, bool isNew)
    {
        db.ChangeTracker.DetectChanges();
        if (isNew)
        {
            _inserted++;
        }
        else if (db.Entry(entity).State == EntityState.Modified)
        {
            _updated++;
        }
        else
        {
            _unchanged++;
        }
    }
}

/// <summary>Loads one kind: validates rows (adding <see cref="RowError"/>s), then writes one idempotent batch.</summary>
internal interface IBatchLoader
{
    /// <summary>
    /// CPU-only work on a batch (no database), run while the previous batch is written. Batches are prepared one
    /// after another in file order, so state carried from batch to batch may be kept here, as long as
    /// <see cref="LoadAsync"/> does not touch it (it runs meanwhile).
    /// </summary>
    void Prepare(IReadOnlyList<ImportRow> rows)
    {
    }

    Task<BatchOutcome> LoadAsync(IReadOnlyList<ImportRow> rows, CancellationToken ct);

    /// <summary>Once, before the first batch is read.</summary>
    Task StartAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// Once, when the first batch is read and more follow, before it is prepared: about how many rows the file holds
    /// (its size over the first batch's bytes a row). State that grows with the run is sized once for them rather
    /// than regrown, a copy of everything held so far each time it doubles.
    /// </summary>
    void Expect(long rows)
    {
    }

    /// <summary>Once, after the last batch is written, before the run's counts are final: work a loader left running in the background.</summary>
    Task FinishAsync(CancellationToken ct) => Task.CompletedTask;
}

/// <summary>What loaders share within one run.</summary>
internal sealed record ImportContext(
    CrmDatabase Database,
    FieldProtector Protector,
    TimeProvider Clock,
    IdentityResolution Identity,
    string? SourceSystem,
    string User,
    TimeZoneInfo Zone,
    ImportTimings Timings,
    ImportOptions Options);

/// <summary>
/// Runs an import file: checks it as a whole (fatal, nothing written), then reads rows in batches, each
/// validated, written and committed on its own so a killed run is completed by running it again.
/// </summary>
public sealed class ImportService(CrmDatabase database, FieldProtector protector, TimeProvider clock, IdentityResolution identity, ImportOptions options,
    ILogger<ImportService> logger)
{
    /// <summary>0: each kind's own batch size (<see cref="BatchSizeFor"/>).</summary>
    public const int DefaultBatchSize = 0;
    private const int FirstRejectsKept = 20;

    public async Task<ImportResult> ImportAsync(ImportRequest request, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        var timings = ImportTimings.FromEnvironment();
        var started = Stopwatch.GetTimestamp();
        ImportFile file;
        try
        {
            using var inspect = timings.Measure("open: encoding + SHA-256");
            file = ImportFile.Open(request.Path, request.Encoding);
        }
        catch (ImportFileException e)
        {
            return ImportResult.Fatal(e.Message);
        }
        using var _ = file;
        var sourceSystem = string.IsNullOrWhiteSpace(request.SourceSystem) ? null : request.SourceSystem.Trim();
        if (sourceSystem is { Length: > 20 })
        {
            return ImportResult.Fatal("--source must be at most 20 characters.");
        }
        if (ImportSchema.CheckHeader(request.Kind, file.Header, sourceSystem) is { } headerError)
        {
            return ImportResult.Fatal(headerError);
        }
        var columns = file.Header.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => x.i, StringComparer.Ordinal);

        var rejectsPath = RejectsFile.PathFor(request.Path);
        File.Delete(rejectsPath);
        // In SQL, as the run's counts are updated (UpdateRunAsync): an import that needs no EF Core model does not wait a
        // second or more for it to be built.
        long runId;
        await using (var connection = await database.OpenConnectionAsync(ct))
        {
            await using var insert = ImportSql.Command(connection, null, """
                INSERT INTO import_run (kind, file_name, file_sha256, started_at, rows_read, rows_loaded, rows_rejected)
                VALUES (@kind, @file, @sha, @started, 0, 0, 0) RETURNING id
                """);
            ImportSql.Add(insert, "kind", request.Kind);
            ImportSql.Add(insert, "file", Path.GetFileName(request.Path));
            ImportSql.Add(insert, "sha", file.Sha256);
            ImportSql.Add(insert, "started", clock.GetUtcNow().UtcDateTime);
            runId = Convert.ToInt64(await insert.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }
        logger.LogInformation("Import run {RunId}: {Kind} file {Sha256} ({Encoding})", runId, request.Kind, file.Sha256, file.Encoding.WebName);

        var context = new ImportContext(database, protector, clock, identity, sourceSystem,
            string.Create(CultureInfo.InvariantCulture, $"{request.User}:run{runId}"), SeoulZone(), timings, options);
        var loader = CreateLoader(request.Kind, context);
        using var rejects = new RejectsFile(rejectsPath, file.Header);
        var firstRejects = new List<(int, string, string)>();
        int read = 0, inserted = 0, updated = 0, unchanged = 0, rejected = 0, merged = 0, mergedBeforeWriting = 0;
        var batchSize = request.BatchSize > 0 ? request.BatchSize : BatchSizeFor(request.Kind);
        // With the default size the first batches grow to it, from an eighth, doubling: the database starts writing
        // after an eighth of a batch is read and validated rather than a whole one (0.5-0.8 s at 20,000 customers), and
        // each next batch is ready about when the one before is written.
        var size = request.BatchSize > 0 ? batchSize : Math.Max(1, batchSize / 8);

        await loader.StartAsync(ct);
        // Reading and validating the next batch overlaps with writing the current one.
        var firstSize = size;
        var next = Task.Run(() => ReadBatch(file, columns, firstSize, loader, timings, first: true), ct);
        while (true)
        {
            List<ImportRow> batch;
            using (timings.Measure("wait for parsed batch"))
            {
                batch = await next;
            }
            if (batch.Count == 0)
            {
                break;
            }
            size = Math.Min(batchSize, size * 2);
            var nextSize = size;
            next = Task.Run(() => ReadBatch(file, columns, nextSize, loader, timings, first: false), ct);
            BatchOutcome outcome;
            using (timings.Measure("load batch (total)"))
            {
                outcome = await loader.LoadAsync(batch, ct);
            }
            read += batch.Count;
            inserted += outcome.Inserted;
            updated += outcome.Updated;
            unchanged += outcome.Unchanged;
            merged += outcome.Merged;
            mergedBeforeWriting += outcome.MergedBeforeWriting;
            foreach (var row in batch.Where(r => r.HasErrors))
            {
                rejected++;
                rejects.Write(row.Line, row.Errors, row.Fields);
                foreach (var e in row.Errors.Take(FirstRejectsKept - firstRejects.Count))
                {
                    firstRejects.Add((row.Line, e.Column, e.Reason));
                }
            }
            rejects.Flush();
            using (timings.Measure("import_run update"))
            {
                await UpdateRunAsync(runId, read, inserted + updated + unchanged, rejected, finished: false, ct);
            }
            progress?.Report(new ImportProgress(file.Position, file.Length, read));
        }
        await loader.FinishAsync(ct);
        await UpdateRunAsync(runId, read, inserted + updated + unchanged, rejected, finished: true, ct);
        if (timings.Enabled)
        {
            await Console.Error.WriteAsync(timings.Format(Stopwatch.GetElapsedTime(started), read));
        }
        logger.LogInformation("Import run {RunId} finished: read {Read}, inserted {Inserted}, updated {Updated}, unchanged {Unchanged}, rejected {Rejected}, merged {Merged} ({MergedBeforeWriting} planned before writing)",
            runId, read, inserted, updated, unchanged, rejected, merged, mergedBeforeWriting);
        return new ImportResult(
            rejected == 0 ? ImportStatus.Completed : ImportStatus.CompletedWithRejects, null, runId,
            read, inserted, updated, unchanged, rejected, merged, rejects.Written ? rejectsPath : null, firstRejects,
            file.Encoding.CodePage == 949 ? "cp949" : "utf-8", file.LinesRead, file.HeaderLines, file.BlankLines)
        {
            MergedBeforeWriting = mergedBeforeWriting,
        };
    }

    /// <summary>
    /// Rows per committed batch. Customers go by bulk COPY, where a bigger batch means fewer round trips and
    /// statements; the other kinds write row by row, where 5,000 keeps transactions short.
    /// </summary>
    public static int BatchSizeFor(ImportKind kind) => kind == ImportKind.Customers ? 20_000 : 5_000;

    private static List<ImportRow> ReadBatch(ImportFile file, Dictionary<string, int> columns, int size, IBatchLoader loader, ImportTimings timings,
        bool first)
    {
        var parse = timings.Measure("parse csv (background)");
        var rows = new List<ImportRow>(size);
        while (rows.Count < size && file.Read() is { } record)
        {
            var row = new ImportRow(record.Line, record.Fields, columns);
            foreach (var error in record.Errors)
            {
                row.Error(error.Column, error.Reason);
            }
            if (!row.HasErrors && record.Fields.Length != columns.Count)
            {
                row.Error("(row)", string.Create(CultureInfo.InvariantCulture, $"expected {columns.Count} fields as in the header, found {record.Fields.Length}"));
            }
            rows.Add(row);
        }
        parse.Dispose();
        if (first && rows.Count == size && file.Position > 0)
        {
            loader.Expect(rows.Count * file.Length / file.Position);
        }
        using (timings.Measure("validate+protect (background)"))
        {
            loader.Prepare(rows);
        }
        return rows;
    }

    /// <summary>
    /// Records the run's counts. Between batches, on PostgreSQL, the update does not wait for its WAL flush (a crash
    /// loses at most the last counts shown, not rows: the batches commit on their own); the final one does.
    /// </summary>
    private async Task UpdateRunAsync(long runId, int read, int loaded, int rejected, bool finished, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        var progress = !finished && ImportSql.IsPostgres(connection);
        await using var tx = progress ? await connection.BeginTransactionAsync(ct) : null;
        await ImportSql.ExecuteAsync(connection, tx,
            (progress ? "SET LOCAL synchronous_commit = off; " : "")
            + "UPDATE import_run SET rows_read = @r, rows_loaded = @l, rows_rejected = @j, finished_at = @f WHERE id = @id", ct,
            ("r", read), ("l", loaded), ("j", rejected), ("f", finished ? clock.GetUtcNow().UtcDateTime : null), ("id", runId));
        if (tx is not null)
        {
            await tx.CommitAsync(ct);
        }
    }

    private static IBatchLoader CreateLoader(ImportKind kind, ImportContext context) => kind switch
    {
        ImportKind.Customers => new CustomerLoader(context),
        ImportKind.Contracts => new ContractLoader(context),
        ImportKind.Loans => new LoanLoader(context),
        ImportKind.Agents => new AgentLoader(context),
        ImportKind.Interactions => new InteractionLoader(context),
        ImportKind.Claims => new ClaimLoader(context),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static TimeZoneInfo SeoulZone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.CreateCustomTimeZone("KST", TimeSpan.FromHours(9), "KST", "KST");
        }
    }
}
