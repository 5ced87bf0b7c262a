using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

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

    /// <summary>Throws on a setting the law or the review cannot work with (called at start-up).</summary>
    public void Validate()
    {
        if (RetentionDays < MinimumRetentionDays)
        {
            throw new InvalidOperationException($"{Section}:RetentionDays must be at least {MinimumRetentionDays} (two years); it is {RetentionDays}.");
        }
        if (DailyCustomerThreshold < 1 || BusinessHoursStart is < 0 or > 23 || BusinessHoursEnd is < 1 or > 24 || BusinessHoursEnd <= BusinessHoursStart)
        {
            throw new InvalidOperationException($"{Section}: DailyCustomerThreshold must be positive and business hours must satisfy 0 <= start < end <= 24.");
        }
        _ = Zone;
    }

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}

/// <summary>The result of walking the chain: intact, or the first entry whose link or hash is wrong.</summary>
public sealed record ChainVerification(bool Intact, long Entries, long? FirstBrokenId, long? LastId);

/// <summary>The result of a retention purge.</summary>
public sealed record PurgeResult(long Purged, long? PurgedThroughId, DateTime Cutoff);

/// <summary>
/// The access log of personal data. Each entry's <see cref="AccessLogEntry.Hash"/> is the hex SHA-256 of
/// the previous entry's hash and this entry's fields in a fixed invariant format, so editing, removing
/// or inserting a row breaks the chain at that row. Appends are serialised (PostgreSQL: a transaction
/// advisory lock; SQLite: the write transaction, which SQLite already serialises) so the chain stays
/// linear however many web nodes write. Each append is its own committed transaction on its own
/// context: the entry exists before the data is shown.
/// </summary>
public sealed class AccessLog(CrmDatabase database, TimeProvider clock, AccessLogOptions options) : IAccessLog, IDisposable
{
    private const long ChainLock = 7_201_003;

    // Appends queue here before they touch the database. On SQLite, concurrent transactions that read the
    // chain head and then write cannot upgrade their locks and spin on SQLITE_BUSY (seconds under 16
    // clients); on PostgreSQL it keeps one node's appends off the advisory lock's wait queue.
    private readonly SemaphoreSlim _append = new(1, 1);

    /// <summary>Name of the PostgreSQL and SQLite trigger that refuses UPDATE and DELETE (migration 0007).</summary>
    internal const string AppendOnlyTrigger = "access_log_entry_append_only";

    public Task RecordAsync(CrmUser user, AccessEvent access, CancellationToken ct = default) =>
        RecordManyAsync(user, [access], ct);

    public async Task RecordManyAsync(CrmUser user, IReadOnlyList<AccessEvent> accesses, CancellationToken ct = default)
    {
        if (accesses.Count == 0)
        {
            return;
        }
        await _append.WaitAsync(ct);
        try
        {
            await AppendAsync(user, accesses, ct);
        }
        finally
        {
            _append.Release();
        }
    }

    public void Dispose() => _append.Dispose();

    private async Task AppendAsync(CrmUser user, IReadOnlyList<AccessEvent> accesses, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (db.IsPostgres)
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({ChainLock})", ct);
        }
        var prev = await LastHashAsync(db, ct);
        var at = Truncate(clock.GetUtcNow().UtcDateTime);
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
                PrevHash = prev,
            };
            entry.Hash = ComputeHash(entry);
            prev = entry.Hash;
            db.AccessLog.Add(entry);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Walks the chain from the purge anchor (or the start) in id order and reports the first broken entry.</summary>
    public async Task<ChainVerification> VerifyAsync(CancellationToken ct = default)
    {
        await using var db = database.CreateContext();
        var expectedPrev = await db.Set<AccessLogAnchor>().AsNoTracking().OrderByDescending(a => a.Id).Select(a => a.Hash).FirstOrDefaultAsync(ct) ?? "";
        long count = 0;
        long? last = null;
        await foreach (var entry in db.AccessLog.AsNoTracking().OrderBy(e => e.Id).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (entry.PrevHash != expectedPrev || entry.Hash != ComputeHash(entry))
            {
                return new ChainVerification(false, count, entry.Id, last);
            }
            expectedPrev = entry.Hash;
            last = entry.Id;
            count++;
        }
        return new ChainVerification(true, count, null, last);
    }

    /// <summary>
    /// Deletes the entries older than the retention period, after recording the hash of the last one as
    /// the chain's new anchor, in one transaction. The append-only trigger is lifted only inside that
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
            .Select(e => new { e.Id, e.Hash }).FirstOrDefaultAsync(ct);
        if (last is null)
        {
            return new PurgeResult(0, null, cutoff);
        }
        var count = await db.AccessLog.LongCountAsync(e => e.Id <= last.Id, ct);
        db.Set<AccessLogAnchor>().Add(new AccessLogAnchor
        {
            At = Truncate(clock.GetUtcNow().UtcDateTime), PurgedThroughId = last.Id, PurgedCount = count, Hash = last.Hash,
        });
        await db.SaveChangesAsync(ct);
        if (db.IsPostgres)
        {
            await db.Database.ExecuteSqlRawAsync($"ALTER TABLE access_log_entry DISABLE TRIGGER {AppendOnlyTrigger}", ct);
            await db.Database.ExecuteSqlAsync($"DELETE FROM access_log_entry WHERE id <= {last.Id}", ct);
            await db.Database.ExecuteSqlRawAsync($"ALTER TABLE access_log_entry ENABLE TRIGGER {AppendOnlyTrigger}", ct);
        }
        else
        {
            await db.Database.ExecuteSqlRawAsync($"DROP TRIGGER {AppendOnlyTrigger}_delete", ct);
            await db.Database.ExecuteSqlAsync($"DELETE FROM access_log_entry WHERE id <= {last.Id}", ct);
            await db.Database.ExecuteSqlRawAsync(SqliteDeleteTrigger, ct);
        }
        await tx.CommitAsync(ct);
        return new PurgeResult(count, last.Id, cutoff);
    }

    /// <summary>The SQLite trigger that refuses deletes (also in Sqlite/0007_scopes.sql).</summary>
    internal const string SqliteDeleteTrigger =
        $"CREATE TRIGGER {AppendOnlyTrigger}_delete BEFORE DELETE ON access_log_entry BEGIN SELECT RAISE(ABORT, 'access_log_entry is append-only'); END";

    /// <summary>Hex SHA-256 over the previous hash and the entry's fields, each length-prefixed, in invariant formats.</summary>
    public static string ComputeHash(AccessLogEntry e)
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
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    private static async Task<string> LastHashAsync(CrmDbContext db, CancellationToken ct) =>
        await db.AccessLog.AsNoTracking().OrderByDescending(e => e.Id).Select(e => e.Hash).FirstOrDefaultAsync(ct)
        ?? await db.Set<AccessLogAnchor>().AsNoTracking().OrderByDescending(a => a.Id).Select(a => a.Hash).FirstOrDefaultAsync(ct)
        ?? "";

    /// <summary>PostgreSQL keeps microseconds: what is hashed must be what is read back.</summary>
    private static DateTime Truncate(DateTime utc) => new(utc.Ticks - utc.Ticks % 10, DateTimeKind.Utc);

    private static string? Clip(string? value, int max) => value is { Length: > 0 } v && v.Length > max ? v[..max] : value;
}

public static class AccessControlServiceCollectionExtensions
{
    /// <summary>Data scopes, the access log (options validated now, at start-up), its review, and unmasking.</summary>
    public static IServiceCollection AddAccessControl(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new AccessLogOptions();
        configuration.GetSection(AccessLogOptions.Section).Bind(options);
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton<AccessLog>().AddSingleton<IAccessLog>(sp => sp.GetRequiredService<AccessLog>());
        services.AddScoped<CustomerScope>().AddScoped<CustomerUnmask>().AddScoped<AccessReview>();
        return services;
    }
}
