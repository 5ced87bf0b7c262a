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
/// autovacuum as before, and ANALYZE still runs on its own schedule. On SQLite there is nothing to do.
/// </summary>
internal sealed class AccessLogVacuumStep(CrmDatabase database) : INightlyStep
{
    public string Name => "access-log";

    public int Order => 900;

    public async Task<NightlyStepResult> RunAsync(DateOnly asOf, CancellationToken ct)
    {
        if (database.Provider != DatabaseProvider.Postgres)
        {
            return new NightlyStepResult(["Access log: nothing to vacuum on SQLite."]);
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
}
