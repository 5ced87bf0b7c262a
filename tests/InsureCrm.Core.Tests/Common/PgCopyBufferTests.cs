using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Tests;
using Npgsql;

namespace InsureCrm.Core.Tests.Common;

public sealed class PgCopyBufferTests
{
    private static readonly BulkTable Table = new("copy_probe",
        ("id", typeof(long)), ("kind", typeof(Gender)), ("name", typeof(string)), ("born", typeof(DateOnly)), ("children", typeof(int)),
        ("flag", typeof(bool)), ("at", typeof(DateTime)), ("note", typeof(string)));

    private static readonly (long Id, Gender? Kind, string? Name, DateOnly? Born, int? Children, bool Flag, DateTime At, string? Note)[] Rows =
    [
        (1, Gender.Female, "장예준", new DateOnly(1984, 8, 19), 2, true, new DateTime(2026, 12, 3, 15, 4, 5, DateTimeKind.Utc).AddTicks(1234567), "741번길 86\n2층"),
        (2, null, null, null, null, false, new DateTime(1999, 12, 31, 23, 59, 59, DateTimeKind.Utc), null),
        (3, Gender.Unknown, "", new DateOnly(1900, 1, 1), 0, true, new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), "a,\"b\"\t😀"),
    ];

    [Fact]
    public async Task CopyAsync_HandEncodedRows_StoreWhatNpgsqlsImporterStores()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, migrate: false);
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        foreach (var table in new[] { "copy_probe", "copy_reference" })
        {
            await using var create = new NpgsqlCommand(
                $"CREATE TABLE {table} (id bigint, kind varchar(24), name varchar(100), born date, children integer, flag boolean, at timestamptz, note varchar(200))", connection);
            await create.ExecuteNonQueryAsync();
        }

        await using (var importer = await connection.BeginBinaryImportAsync($"COPY copy_reference ({Table.ColumnList}) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var r in Rows)
            {
                await importer.StartRowAsync();
                await importer.WriteAsync(r.Id);
                await WriteOrNull(importer, r.Kind?.ToString());
                await WriteOrNull(importer, r.Name);
                await WriteOrNull(importer, r.Born);
                await WriteOrNull(importer, r.Children);
                await importer.WriteAsync(r.Flag);
                await importer.WriteAsync(r.At, NpgsqlTypes.NpgsqlDbType.TimestampTz);
                await WriteOrNull(importer, r.Note);
            }
            await importer.CompleteAsync();
        }
        // The middle columns go in as a fragment encoded apart, as the customer import does.
        var buffer = new PgCopyBuffer(8);
        foreach (var r in Rows)
        {
            var fragment = new PgCopyBuffer().Enum(r.Kind).Text(r.Name).Date(r.Born).Number(r.Children);
            buffer.Row(8).Id(r.Id).Append(fragment.Span).Flag(r.Flag).Time(r.At).Text(r.Note);
        }
        await buffer.CopyAsync(connection, Table, CancellationToken.None);

        await using var compare = new NpgsqlCommand("""
            SELECT (SELECT count(*) FROM copy_probe),
                   (SELECT count(*) FROM (SELECT * FROM copy_probe EXCEPT SELECT * FROM copy_reference) x),
                   (SELECT count(*) FROM (SELECT * FROM copy_reference EXCEPT SELECT * FROM copy_probe) x),
                   (SELECT name FROM copy_probe WHERE id = 1)
            """, connection);
        await using var reader = await compare.ExecuteReaderAsync();
        await reader.ReadAsync();
        reader.GetInt64(0).ShouldBe(Rows.Length);
        reader.GetInt64(1).ShouldBe(0);
        reader.GetInt64(2).ShouldBe(0);
        reader.GetString(3).ShouldBe("장예준");
    }

    [Fact]
    public void Text_NotValidUtf16_Throws()
    {
        Should.Throw<ArgumentException>(() => new PgCopyBuffer().Text("a\ud800b"));
    }

    private static async Task WriteOrNull(NpgsqlBinaryImporter importer, string? value)
    {
        if (value is null)
        {
            await importer.WriteNullAsync();
        }
        else
        {
            await importer.WriteAsync(value, NpgsqlTypes.NpgsqlDbType.Varchar);
        }
    }

    private static async Task WriteOrNull<T>(NpgsqlBinaryImporter importer, T? value) where T : struct
    {
        if (value is { } v)
        {
            await importer.WriteAsync(v);
        }
        else
        {
            await importer.WriteNullAsync();
        }
    }
}
