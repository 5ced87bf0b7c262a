using System.Data.Common;
using InsureCrm.Core.Common;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace InsureCrm.Core.Tests.Common;

public sealed class DatabaseTests
{
    [Fact]
    public void PreparePostgres_OperatorSetsNothing_PreparesStatementsAndKeepsSessions()
    {
        var csb = new NpgsqlConnectionStringBuilder(CrmDatabase.PreparePostgres("Host=db;Database=crm;Username=crm"));

        csb.MaxAutoPrepare.ShouldBe(64);
        csb.AutoPrepareMinUsages.ShouldBe(2);
        csb.NoResetOnClose.ShouldBeTrue();
        csb.Host.ShouldBe("db");
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;Auto Prepare Min Usages=5;No Reset On Close=false")]
    [InlineData("Host=db;maxautoprepare=0;AutoPrepareMinUsages=5;NORESETONCLOSE=false")]
    public void PreparePostgres_OperatorSetsThem_TheOperatorWins(string connectionString)
    {
        var csb = new NpgsqlConnectionStringBuilder(CrmDatabase.PreparePostgres(connectionString));

        csb.MaxAutoPrepare.ShouldBe(0);
        csb.AutoPrepareMinUsages.ShouldBe(5);
        csb.NoResetOnClose.ShouldBeFalse();
    }

    [Fact]
    public async Task Sqlite_EveryPooledConnection_EfAndRaw_HasTheConnectionSettings()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var main = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.ConnectionString).DataSource;
        var logFile = Path.Combine(Path.GetDirectoryName(main)!, "crm.access-log.db");

        // Several at once, so that the pool holds several native connections; then again, so that they come back from the pool.
        for (var round = 0; round < 2; round++)
        {
            var contexts = Enumerable.Range(0, 3).Select(_ => db.CreateContext()).ToList();
            var raw = new List<DbConnection>();
            try
            {
                foreach (var context in contexts)
                {
                    await context.Database.OpenConnectionAsync();
                    (await MmapSizeAsync(context.Database.GetDbConnection())).ShouldBe(SqliteConnectionSetup.MmapSize);
                    (await MmapSizeAsync(context.Database.GetDbConnection(), "access_log")).ShouldBe(0);
                    (await AccessLogFileAsync(context.Database.GetDbConnection())).ShouldBe(logFile);
                }
                for (var i = 0; i < 3; i++)
                {
                    raw.Add(await db.Database.OpenConnectionAsync());
                    (await MmapSizeAsync(raw[^1])).ShouldBe(SqliteConnectionSetup.MmapSize);
                    (await MmapSizeAsync(raw[^1], "access_log")).ShouldBe(0);
                    (await AccessLogFileAsync(raw[^1])).ShouldBe(logFile);
                }
            }
            finally
            {
                foreach (var context in contexts)
                {
                    await context.DisposeAsync();
                }
                foreach (var connection in raw)
                {
                    await connection.DisposeAsync();
                }
            }
        }
    }

    /// <summary>The file attached as the access log's schema, null when none is.</summary>
    private static async Task<string?> AccessLogFileAsync(DbConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT file FROM pragma_database_list WHERE name = 'access_log'";
        return (string?)await command.ExecuteScalarAsync();
    }

    /// <summary>The memory map's size of the main file, or of the attached file <paramref name="schema"/>.</summary>
    private static async Task<long> MmapSizeAsync(DbConnection connection, string schema = "main")
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {schema}.mmap_size";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
