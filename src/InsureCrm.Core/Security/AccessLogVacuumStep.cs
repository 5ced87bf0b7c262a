using System.Globalization;
using InsureCrm.Core.Common;

namespace InsureCrm.Core.Security;

/// <summary>
/// The access log's vacuum, at night. The log only grows during the day (one entry per customer shown), and
/// PostgreSQL's autovacuum would otherwise visit it every time a fifth of its size was appended: a few times a
/// minute while a young log is busy, each visit competing for the cores with the searches that write it. Migration
/// 0023 turns that insert-triggered visit off for <c>access_log_entry</c> alone, and this step (after the chain's
/// own steps) does the same work once a night: it marks the day's pages all-visible and freezes old rows, so that
/// the anti-wraparound vacuum never has the whole table to do at once. Deletions by the retention purge still wake
/// autovacuum as before, and ANALYZE still runs on its own schedule.
/// <para>
/// On SQLite the log has a file of its own (<see cref="SqliteConnectionSetup.AccessLogSchema"/>), which only the retention
/// purge leaves with free pages: the step rewrites that file (<c>VACUUM access_log</c>, never the main file) once at
/// least <see cref="SqliteFreeShare"/> of its pages are free. A VACUUM copies the whole file and holds the log's write
/// lock while it does (views wait for their entries), so not every night. A database in memory is left alone.
/// </para>
/// </summary>
internal sealed class AccessLogVacuumStep(CrmDatabase database) : INightlyStep
{
    public string Name => "access-log";

    public int Order => 900;

    public async Task<NightlyStepResult> RunAsync(DateOnly asOf, CancellationToken ct)
    {
        if (database.Provider != DatabaseProvider.Postgres)
        {
            return await VacuumSqliteAsync(ct);
        }
        await using var connection = await database.OpenConnectionAsync(ct);
        long appended;
        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT coalesce(n_ins_since_vacuum, 0) FROM pg_stat_user_tables WHERE relid = 'access_log_entry'::regclass";
            appended = Convert.ToInt64(await cmd.ExecuteScalarAsync(ct) ?? 0L, CultureInfo.InvariantCulture);
        }
        await using (var cmd = connection.CreateCommand())
        {
            // VACUUM runs outside a transaction and takes as long as the day's entries need.
            cmd.CommandText = "VACUUM (ANALYZE) access_log_entry";
            cmd.CommandTimeout = 0;
            await cmd.ExecuteNonQueryAsync(ct);
        }
        return new NightlyStepResult([string.Create(CultureInfo.InvariantCulture,
            $"Access log: vacuumed, {appended:N0} entries appended since its last vacuum.")]);
    }

    /// <summary>The share of free pages of the SQLite log's file from which the step rewrites it.</summary>
    internal const double SqliteFreeShare = 0.25;

    private async Task<NightlyStepResult> VacuumSqliteAsync(CancellationToken ct)
    {
        const string Schema = SqliteConnectionSetup.AccessLogSchema;
        await using var connection = await database.OpenConnectionAsync(ct);
        async Task<long> ScalarAsync(string sql)
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = sql;
            cmd.CommandTimeout = 0;
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct) ?? 0L, CultureInfo.InvariantCulture);
        }
        if (await ScalarAsync($"SELECT count(*) FROM pragma_database_list WHERE name = '{Schema}'") == 0)
        {
            return new NightlyStepResult(["Access log: nothing to vacuum on SQLite in memory."]);
        }
        var free = await ScalarAsync($"PRAGMA {Schema}.freelist_count");
        var pages = await ScalarAsync($"PRAGMA {Schema}.page_count");
        if (free == 0 || free < pages * SqliteFreeShare)
        {
            return new NightlyStepResult([string.Create(CultureInfo.InvariantCulture,
                $"Access log: nothing to vacuum, {free:N0} of its file's {pages:N0} pages free.")]);
        }
        // VACUUM runs outside a transaction; a schema name rewrites that file alone.
        await ScalarAsync($"VACUUM {Schema}");
        return new NightlyStepResult([string.Create(CultureInfo.InvariantCulture,
            $"Access log: vacuumed its file, {free:N0} of {pages:N0} pages were free.")]);
    }
}
