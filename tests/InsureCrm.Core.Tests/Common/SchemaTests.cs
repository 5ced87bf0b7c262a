using InsureCrm.Core.Common;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace InsureCrm.Core.Tests.Common;

public sealed class SchemaTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Migrate_FreshDatabase_SchemaMatchesEfModel(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var context = db.CreateContext();

        var expected = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var table in context.GetService<IDesignTimeModel>().Model.GetRelationalModel().Tables)
        {
            foreach (var column in table.Columns)
            {
                var collation = provider == DatabaseProvider.Postgres && column.Collation is { } c ? $" collate {c.ToLowerInvariant()}" : "";
                expected.Add($"{table.Name}.{column.Name} {(column.IsNullable ? "null" : "not null")} {NormaliseType(provider, column.StoreType)}{collation}");
            }
        }

        var actual = new SortedSet<string>(StringComparer.Ordinal);
        await using var connection = await db.Database.OpenConnectionAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = provider == DatabaseProvider.Postgres
            ? """
              SELECT c.table_name, c.column_name, c.is_nullable = 'YES',
                     CASE WHEN c.data_type = 'character varying' THEN 'character varying(' || c.character_maximum_length || ')'
                          WHEN c.data_type = 'numeric' THEN 'numeric(' || c.numeric_precision || ',' || c.numeric_scale || ')'
                          ELSE c.data_type END
                     || COALESCE(' collate ' || c.collation_name, '')
              FROM information_schema.columns c
              WHERE c.table_schema = 'public' AND c.table_name <> 'schema_history'
              """
            // table_xinfo, not table_info: it lists generated columns too (hidden 2 virtual, 3 stored). Both files: the
            // access log's tables are in its own (SqliteConnectionSetup).
            : """
              SELECT m.name, p.name, p."notnull" = 0 AND p.pk = 0, p.type
              FROM (SELECT name, type, 'main' AS file FROM main.sqlite_master UNION ALL SELECT name, type, 'access_log' FROM access_log.sqlite_master) m
              JOIN pragma_table_xinfo(m.name, m.file) p
              WHERE m.type = 'table' AND m.name NOT IN ('schema_history', 'sqlite_sequence') AND p.hidden IN (0, 2, 3)
              """;
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                actual.Add($"{reader.GetString(0)}.{reader.GetString(1)} {(reader.GetBoolean(2) ? "null" : "not null")} {NormaliseType(provider, reader.GetString(3))}");
            }
        }

        actual.Except(expected).ShouldBeEmpty("columns in the database that the EF model lacks");
        expected.Except(actual).ShouldBeEmpty("columns in the EF model that the migrations lack");

        var expectedIndexes = context.GetService<IDesignTimeModel>().Model.GetRelationalModel().Tables.SelectMany(t => t.Indexes.Select(i => $"{t.Name}.{i.Name}")).ToHashSet();
        var actualIndexes = new HashSet<string>(StringComparer.Ordinal);
        await using var indexCmd = connection.CreateCommand();
        indexCmd.CommandText = provider == DatabaseProvider.Postgres
            ? "SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE 'pk\\_%' AND tablename <> 'schema_history'"
            : """
              SELECT tbl_name, name FROM main.sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
              UNION ALL SELECT tbl_name, name FROM access_log.sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
              """;
        await using (var reader = await indexCmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                actualIndexes.Add($"{reader.GetString(0)}.{reader.GetString(1)}");
            }
        }
        expectedIndexes.Except(actualIndexes).ShouldBeEmpty("indexes of the EF model that the migrations lack");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Migrate_RunTwice_SecondRunAppliesNothing(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var migrator = new Migrator(db.Database, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<Migrator>.Instance);

        (await migrator.MigrateAsync()).ShouldBeEmpty();
        (await migrator.PendingAsync()).ShouldBeEmpty();
    }

    private static string NormaliseType(DatabaseProvider provider, string storeType)
    {
        var t = storeType.ToLowerInvariant();
        return provider == DatabaseProvider.Postgres
            ? t.Replace("timestamp with time zone", "timestamptz", StringComparison.Ordinal)
            : t;
    }
}
