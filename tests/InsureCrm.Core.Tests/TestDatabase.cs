using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using InsureCrm.Core.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace InsureCrm.Tests;

/// <summary>
/// A database owned by one test: a temporary SQLite file, or a fresh PostgreSQL database on the server
/// that the test script starts (connection from <c>INSURECRM_TEST_PG</c>). Migrated with the real
/// versioned scripts; dropped on dispose. The scripts run once per provider: into a template that each
/// migrated test database is then copied from (SQLite: the files of one per test process; PostgreSQL: a
/// template database per set of scripts, shared by the test processes), which is what every test paid
/// before, half a second on PostgreSQL.
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
        if (provider == DatabaseProvider.Sqlite)
        {
            var dir = NewSqliteDirectory();
            if (migrate)
            {
                var template = await SqliteTemplate.Value;
                foreach (var file in Directory.GetFiles(template))
                {
                    File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
                }
            }
            return new TestDatabase(new CrmDatabase(SqliteOptions(dir)), dir, null);
        }
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        var from = migrate ? " TEMPLATE " + await PostgresTemplate.Value : "";
        await AdminAsync($"CREATE DATABASE {name}{from}");
        return new TestDatabase(new CrmDatabase(PostgresOptions(name)), null, name);
    }

    private static string NewSqliteDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "insurecrm-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static DatabaseOptions SqliteOptions(string dir) =>
        new() { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(dir, "crm.db")}" };

    private static DatabaseOptions PostgresOptions(string name) =>
        new() { Provider = DatabaseProvider.Postgres, ConnectionString = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ToString() };

    private static async Task MigrateAsync(CrmDatabase database) =>
        await new Migrator(database, TimeProvider.System, NullLogger<Migrator>.Instance).MigrateAsync();

    /// <summary>
    /// This process's migrated SQLite files (the database and the access log's), with their write-ahead logs folded
    /// in, so that copying the files copies the database. Deleted when the process ends.
    /// </summary>
    private static readonly Lazy<Task<string>> SqliteTemplate = new(async () =>
    {
        var dir = NewSqliteDirectory();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // Left to the OS's temporary folder clean-up, as a test's own files are.
            }
        };
        var database = new CrmDatabase(SqliteOptions(dir));
        await MigrateAsync(database);
        await using (var connection = (SqliteConnection)await database.OpenConnectionAsync())
        {
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            await checkpoint.ExecuteNonQueryAsync();
            SqliteConnection.ClearPool(connection);
        }
        foreach (var file in Directory.GetFiles(dir).Where(f => f.EndsWith("-wal", StringComparison.Ordinal) || f.EndsWith("-shm", StringComparison.Ordinal)))
        {
            File.Delete(file);
        }
        return dir;
    });

    /// <summary>
    /// The PostgreSQL template for this set of migration scripts (named by their hash), made by the first test process
    /// that needs it while the others wait on an advisory lock. Templates of other scripts are dropped a day after they
    /// were made: another checkout's test run may still be copying from one.
    /// </summary>
    private static readonly Lazy<Task<string>> PostgresTemplate = new(async () =>
    {
        var scripts = string.Concat(Migrator.Scripts(DatabaseProvider.Postgres).Select(s => s.Name + "\n" + s.Sql + "\n"));
        var name = "t_template_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(scripts)))[..16];
        await using var admin = new NpgsqlConnection(AdminConnectionString);
        await admin.OpenAsync();
        await ExecuteAsync(admin, "SELECT pg_advisory_lock(7201099)");
        try
        {
            if (await ScalarAsync(admin, $"SELECT count(*) FROM pg_database WHERE datname = '{name}'") is 0L)
            {
                var building = name + "_new";
                await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {building} WITH (FORCE)");
                await ExecuteAsync(admin, $"CREATE DATABASE {building}");
                var database = new CrmDatabase(PostgresOptions(building));
                await MigrateAsync(database);
                await database.DataSource!.DisposeAsync();
                await ExecuteAsync(admin, $"ALTER DATABASE {building} RENAME TO {name}");
                var made = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
                await ExecuteAsync(admin, $"COMMENT ON DATABASE {name} IS 'InsureCRM test template made {made}'");
            }
            var stale = new List<string>();
            await using (var cmd = new NpgsqlCommand("""
                SELECT datname FROM pg_database d
                WHERE datname LIKE 't\_template\_%' AND datname <> @name
                  AND coalesce(substring(shobj_description(d.oid, 'pg_database') FROM 'made (.*)$')::timestamptz, '-infinity') < now() - interval '1 day'
                """, admin))
            {
                cmd.Parameters.AddWithValue("name", name);
                await using var reader = await cmd.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    stale.Add(reader.GetString(0));
                }
            }
            foreach (var old in stale)
            {
                await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {old} WITH (FORCE)");
            }
        }
        finally
        {
            await ExecuteAsync(admin, "SELECT pg_advisory_unlock(7201099)");
        }
        return name;
    });

    private static async Task AdminAsync(string sql)
    {
        await using var admin = new NpgsqlConnection(AdminConnectionString);
        await admin.OpenAsync();
        await ExecuteAsync(admin, sql);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        return await cmd.ExecuteScalarAsync();
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
            await AdminAsync($"DROP DATABASE IF EXISTS {_pgName} WITH (FORCE)");
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
