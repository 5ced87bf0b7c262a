using System.ComponentModel.DataAnnotations;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace InsureCrm.Core.Common;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>Options of the <c>Database</c> configuration section; the connection string is <c>ConnectionStrings:Crm</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public const string DefaultSqlite = "Data Source=data/insurecrm.db";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
    /// <summary>Apply pending migrations when the web host starts (the embedded default).</summary>
    public bool MigrateOnStartup { get; set; } = true;
    [Required]
    public string ConnectionString { get; set; } = DefaultSqlite;

    public static DatabaseOptions FromConfiguration(IConfiguration configuration)
    {
        var options = new DatabaseOptions();
        configuration.GetSection(Section).Bind(options);
        options.ConnectionString = configuration.GetConnectionString("Crm") is { Length: > 0 } cs ? cs : DefaultSqlite;
        return options;
    }
}

/// <summary>Opens connections and EF contexts for the configured provider.</summary>
public sealed class CrmDatabase
{
    public CrmDatabase(DatabaseOptions options)
    {
        Options = options;
        ConnectionString = options.Provider == DatabaseProvider.Sqlite
            ? PrepareSqlite(options.ConnectionString)
            : options.ConnectionString;
        if (options.Provider == DatabaseProvider.Postgres)
        {
            DataSource = new NpgsqlDataSourceBuilder(ConnectionString).Build();
        }
    }

    public DatabaseOptions Options { get; }
    public DatabaseProvider Provider => Options.Provider;
    public string ConnectionString { get; }
    public NpgsqlDataSource? DataSource { get; }

    public DbContextOptions<CrmDbContext> ContextOptions => _contextOptions ??= BuildContextOptions();
    private DbContextOptions<CrmDbContext>? _contextOptions;

    public CrmDbContext CreateContext() => new(ContextOptions);

    public void Configure(DbContextOptionsBuilder builder)
    {
        if (Provider == DatabaseProvider.Postgres)
        {
            builder.UseNpgsql(DataSource!);
        }
        else
        {
            builder.UseSqlite(ConnectionString);
        }
    }

    /// <summary>An open ADO.NET connection for raw SQL and bulk paths (SQLite: WAL, foreign keys on).</summary>
    public async Task<System.Data.Common.DbConnection> OpenConnectionAsync(CancellationToken ct = default)
    {
        if (Provider == DatabaseProvider.Postgres)
        {
            return await DataSource!.OpenConnectionAsync(ct);
        }
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    private DbContextOptions<CrmDbContext> BuildContextOptions()
    {
        var builder = new DbContextOptionsBuilder<CrmDbContext>();
        Configure(builder);
        return builder.Options;
    }

    private static string PrepareSqlite(string connectionString)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString) { ForeignKeys = true, Pooling = true };
        if (csb.DataSource is { Length: > 0 } path && path != ":memory:" && csb.Mode != SqliteOpenMode.Memory)
        {
            var full = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            csb.DataSource = full;
            using var c = new SqliteConnection(csb.ToString());
            c.Open();
            using var cmd = c.CreateCommand();
            // WAL is persistent per database file: readers do not block the writer.
            cmd.CommandText = "PRAGMA journal_mode=WAL;";
            cmd.ExecuteNonQuery();
        }
        return csb.ToString();
    }
}
