using System.Data.Common;

namespace InsureCrm.Core.Common;

/// <summary>
/// Migration 0044 on SQLite: the table of sessions' last use (<c>session_seen</c>), made in the access log's file
/// (<see cref="SqliteConnectionSetup.AccessLogSchema"/>) rather than in main. The session check writes it once a minute per
/// session; in main, each such commit made every other pooled connection drop its memory map of the main file and fault
/// its pages in again (bench/findings/2026-12-06-issue11-round11.md). The log's file is written on nearly every request
/// already. Made before the migration's transaction (<see cref="BeforeAsync"/>: a transaction over two files commits per
/// file only), so it is idempotent; a database in memory attaches nothing and gets the table in main, in the migration's
/// transaction. Unqualified, the name resolves to whichever file holds it.
/// </summary>
internal sealed class SessionSeenFileStep : IMigrationStep
{
    private const string Columns = """
        ("session_id" TEXT NOT NULL CONSTRAINT "pk_session_seen" PRIMARY KEY, "last_seen_at" TEXT NOT NULL)
        """;

    public string Version => "0044";

    public async Task BeforeAsync(DbConnection connection, DatabaseProvider provider, CancellationToken ct)
    {
        if (provider == DatabaseProvider.Sqlite && await AccessLogFileStep.AttachedAsync(connection, ct))
        {
            await AccessLogFileStep.ExecuteAsync(connection, null,
                $"CREATE TABLE IF NOT EXISTS {SqliteConnectionSetup.AccessLogSchema}.\"session_seen\" {Columns}", ct);
        }
    }

    public async Task RunAsync(DbConnection connection, DbTransaction transaction, DatabaseProvider provider, CancellationToken ct)
    {
        if (provider == DatabaseProvider.Sqlite && !await AccessLogFileStep.AttachedAsync(connection, ct, transaction))
        {
            await AccessLogFileStep.ExecuteAsync(connection, transaction, $"CREATE TABLE \"session_seen\" {Columns}", ct);
        }
    }
}
