using System.Globalization;
using InsureCrm.Core.Common;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace InsureCrm.Tests;

/// <summary>
/// A database owned by one test: a temporary SQLite file, or a fresh PostgreSQL database on the server
/// that the test script starts (connection from <c>INSURECRM_TEST_PG</c>). Migrated with the real
/// versioned scripts; dropped on dispose.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string DefaultPostgres = "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=postgres";

    private readonly string? _sqliteDirectory;
    private readonly string? _pgName;

    private TestDatabase(CrmDatabase database, string? sqliteDirectory, string? pgName)
    {
        Database = database;
        _sqliteDirectory = sqliteDirectory;
        _pgName = pgName;
    }

    public CrmDatabase Database { get; }
    public DatabaseProvider Provider => Database.Provider;
    public string ConnectionString => Database.ConnectionString;

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("INSURECRM_TEST_PG") is { Length: > 0 } cs ? cs : DefaultPostgres;

    /// <summary>Creates and migrates an empty database; <paramref name="migrate"/> false leaves it empty.</summary>
    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider, bool migrate = true)
    {
        TestDatabase db;
        if (provider == DatabaseProvider.Sqlite)
        {
            var dir = Path.Combine(Path.GetTempPath(), "insurecrm-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            var options = new DatabaseOptions { Provider = provider, ConnectionString = $"Data Source={Path.Combine(dir, "crm.db")}" };
            db = new TestDatabase(new CrmDatabase(options), dir, null);
        }
        else
        {
            var name = "t_" + Guid.NewGuid().ToString("N")[..16];
            await using (var admin = new NpgsqlConnection(AdminConnectionString))
            {
                await admin.OpenAsync();
                await using var cmd = admin.CreateCommand();
                cmd.CommandText = $"CREATE DATABASE {name}";
                await cmd.ExecuteNonQueryAsync();
            }
            var csb = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name };
            var options = new DatabaseOptions { Provider = provider, ConnectionString = csb.ToString() };
            db = new TestDatabase(new CrmDatabase(options), null, name);
        }
        if (migrate)
        {
            await new Migrator(db.Database, TimeProvider.System, NullLogger<Migrator>.Instance).MigrateAsync();
        }
        return db;
    }

    public CrmDbContext CreateContext() => Database.CreateContext();

    /// <summary>Configuration pairs that point a host (web or CLI) at this database.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Database:Provider"] = Provider.ToString(),
        ["ConnectionStrings:Crm"] = ConnectionString,
        ["Security:Protection:KeyFile"] = KeyFile,
    };

    /// <summary>This database's key file (created on first use; the access log's head checkpoint goes beside it).</summary>
    public string KeyFile => Path.Combine(_sqliteDirectory ?? Path.GetTempPath(), $"keys-{_pgName ?? "sqlite"}.json");

    public async ValueTask DisposeAsync()
    {
        if (Database.DataSource is { } ds)
        {
            await ds.DisposeAsync();
        }
        if (_pgName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(AdminConnectionString);
            await admin.OpenAsync();
            await using var cmd = admin.CreateCommand();
            cmd.CommandText = string.Create(CultureInfo.InvariantCulture, $"DROP DATABASE IF EXISTS {_pgName} WITH (FORCE)");
            await cmd.ExecuteNonQueryAsync();
            File.Delete(KeyFile);
            File.Delete(Path.ChangeExtension(KeyFile, ".access-log-head.json"));
        }
        if (_sqliteDirectory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_sqliteDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open by a pooled connection; the temp folder is cleaned by the OS.
            }
        }
    }
}

/// <summary>Both providers, for <c>[Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]</c>.</summary>
public static class Providers
{
    public static TheoryData<DatabaseProvider> All => new() { DatabaseProvider.Sqlite, DatabaseProvider.Postgres };
}
