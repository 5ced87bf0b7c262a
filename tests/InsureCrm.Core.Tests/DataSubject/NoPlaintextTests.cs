using System.Text;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Synthetic;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace InsureCrm.Core.Tests.DataSubject;

/// <summary>
/// The database holds no plaintext RRN, passport or bank-account number: the raw SQLite files (database,
/// WAL and shared memory, before and after a checkpoint) and every text column on PostgreSQL are searched
/// for each value that was generated, known by decrypting what was stored.
/// </summary>
public sealed class NoPlaintextTests
{
    private const int Customers = 300;

    [Fact]
    public async Task SqliteFiles_SyntheticInsurer_HoldNoPlaintextRrnPassportOrAccount()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var kit = new DataSubjectKit(database);
        var secrets = await GenerateAsync(kit);
        var path = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
        var names = await kit.Context().Customers.AsNoTracking().Select(c => c.Name).Take(20).ToListAsync();

        var beforeCheckpoint = await ReadFilesAsync(path);
        await using (var connection = await database.Database.OpenConnectionAsync())
        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            await cmd.ExecuteNonQueryAsync();
        }
        var afterCheckpoint = await ReadFilesAsync(path);

        foreach (var (file, bytes) in beforeCheckpoint.Concat(afterCheckpoint))
        {
            var found = secrets.Where(s => bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(s)) >= 0).ToList();
            found.Count.ShouldBe(0, $"{found.Count} plaintext identifiers in {Path.GetFileName(file)}");
        }
        // The scan can see plaintext at all: customer names are stored in the clear and must be found.
        afterCheckpoint.Sum(f => names.Count(n => f.Bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(n)) >= 0)).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task PostgresTextColumns_SyntheticInsurer_HoldNoPlaintextRrnPassportOrAccount()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await using var kit = new DataSubjectKit(database);
        var secrets = await GenerateAsync(kit);

        await using var connection = await database.Database.OpenConnectionAsync();
        var columns = new List<(string Table, string Column)>();
        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
                + "AND data_type IN ('text', 'character varying', 'character') ORDER BY table_name, column_name";
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                columns.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        columns.ShouldContain(("customer", "rrn_cipher"));
        columns.ShouldContain(("customer_identifier", "cipher"));

        long values = 0;
        var hits = new List<string>();
        foreach (var (table, column) in columns)
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = $"SELECT \"{column}\" FROM \"{table}\" WHERE \"{column}\" IS NOT NULL";
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var value = reader.GetString(0);
                values++;
                if (secrets.Any(s => value.Contains(s, StringComparison.Ordinal)))
                {
                    hits.Add($"{table}.{column}");
                }
            }
        }
        values.ShouldBeGreaterThan(Customers, "the scan read the generated rows");
        hits.Distinct().ShouldBeEmpty();
    }

    /// <summary>
    /// Generates the insurer, gives every tenth customer a passport, licence and bank account, and returns
    /// every plaintext to look for: each RRN with and without hyphen (decrypted from what was stored) and
    /// each identifier as typed and normalised.
    /// </summary>
    private static async Task<List<string>> GenerateAsync(DataSubjectKit kit)
    {
        var insurer = new SyntheticInsurer(kit.Database.Database, kit.Protector, TimeProvider.System, NullLogger<SyntheticInsurer>.Instance);
        await insurer.GenerateAsync(new GenerationOptions(Customers, 11, null, new DateOnly(2025, 6, 30), ChunkSize: 400), null, CancellationToken.None);

        var secrets = new List<string>();
        var customers = await kit.Context().Customers.AsNoTracking().OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.RrnCipher }).ToListAsync();
        foreach (var c in customers.Where(c => c.RrnCipher is not null))
        {
            var digits = kit.Protector.Decrypt(c.RrnCipher!);
            secrets.Add(digits);
            secrets.Add($"{digits[..6]}-{digits[6..]}");
        }
        secrets.Count.ShouldBeGreaterThan(Customers, "most generated customers carry an RRN");

        var identifiers = kit.Identifiers();
        foreach (var (c, i) in customers.Where((_, i) => i % 10 == 0).Select((c, i) => (c, i)))
        {
            var passport = $"M{70000000 + i:D8}";
            var licence = $"{11 + (i % 10):D2}-{20 + (i % 70):D2}-{300000 + i:D6}-{i % 100:D2}";
            var account = $"110-{200 + i:D3}-{450000 + i:D6}";
            (await identifiers.AddAsync(c.Id, IdentifierKind.Passport, passport)).Error.ShouldBeNull();
            (await identifiers.AddAsync(c.Id, IdentifierKind.DriverLicence, licence)).Error.ShouldBeNull();
            (await identifiers.AddAsync(c.Id, IdentifierKind.BankAccount, account, "088")).Error.ShouldBeNull();
            secrets.AddRange([passport, licence, licence.Replace("-", "", StringComparison.Ordinal), account, account.Replace("-", "", StringComparison.Ordinal)]);
        }
        return secrets;
    }

    private static async Task<List<(string File, byte[] Bytes)>> ReadFilesAsync(string path)
    {
        var files = new List<(string, byte[])>();
        // The access log's own file too (SqliteConnectionSetup): it is part of the database.
        var log = SqliteConnectionSetup.AccessLogFile(path)!;
        foreach (var file in new[] { path, path + "-wal", path + "-shm", log, log + "-wal", log + "-shm" }.Where(File.Exists))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var memory = new MemoryStream();
            await stream.CopyToAsync(memory);
            files.Add((file, memory.ToArray()));
        }
        files.ShouldNotBeEmpty();
        return files;
    }
}
