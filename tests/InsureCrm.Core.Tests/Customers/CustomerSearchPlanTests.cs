using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Tests.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace InsureCrm.Tests.Customers;

/// <summary>
/// The plans PostgreSQL picks for what the search sends, on tables loaded but never analysed (a fresh load before
/// ANALYZE or autovacuum): without statistics the planner guesses, and a guess must not turn a 1 ms search into a
/// read of the whole customer table. At a million customers such plans took 40-250 ms per search.
/// </summary>
public sealed class CustomerSearchPlanTests
{
    private const int Customers = 20_000;

    /// <summary>The tables large enough to matter; a sequential scan of any of them is a search reading them all.</summary>
    private static readonly string[] LargeTables = ["customer", "customer_phone", "customer_address", "contract", "contract_role"];

    [Fact]
    public async Task Search_EveryKindWithoutStatistics_SendsOneStatementThatReadsByIndex()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var protector = CustomerSeed.Protector();
        SeededFamily family;
        await using (var ctx = db.CreateContext())
        {
            family = await CustomerSeed.AddFamilyAsync(ctx, protector);
        }
        await LoadWithoutStatisticsAsync(db, family);

        var recorder = new CommandRecorder();
        var options = new DbContextOptionsBuilder<CrmDbContext>();
        db.Database.Configure(options);
        options.AddInterceptors(recorder);
        await using var read = new CrmDbContext(options.Options);
        var search = CoreServices.Search(read, protector, db);

        foreach (var (typed, kind) in new (string, SearchKind)[]
        {
            ("김민", SearchKind.Name),
            ("김민준", SearchKind.Name),
            (family.HongRrn, SearchKind.Rrn),
            ("010-1234-5678", SearchKind.Phone),
            ("5678", SearchKind.PhoneOrContract),
            ("010-1234", SearchKind.PhoneOrContract),
            (family.SpouseContract, SearchKind.ContractNumber),
        })
        {
            recorder.Commands.Clear();
            var page = await search.SearchAsync(CoreServices.CallCenter, typed);

            page!.Kind.ShouldBe(kind, typed);
            page.Items.ShouldNotBeEmpty(typed);
            recorder.Commands.Count.ShouldBe(1, $"{typed}: one statement per search");
            var plan = await ExplainAsync(db, recorder.Commands[0]);
            var scans = Scans(plan.RootElement[0].GetProperty("Plan")).ToList();
            var shown = string.Join("; ", scans.Select(s => $"{s.Node} {s.Relation} {s.Index}"));
            scans.ShouldNotContain(s => s.Node == "Seq Scan" && LargeTables.Contains(s.Relation), $"{typed}: {shown}");
            // Search never follows merges: the merged_into_id index only ever narrows a search by "not merged", which
            // is nearly every customer, and combining it with the index that does narrow reads both in full.
            scans.ShouldNotContain(s => s.Index == "ix_customer_merged_into_id", $"{typed}: {shown}");
            if (kind != SearchKind.Name)
            {
                // Only a name search narrows by the (name, id) index; any other kind walking it in order, hoping to meet
                // its few matches early, reads the whole table when they are few (an RRN search took 11 s at 1M).
                scans.ShouldNotContain(s => s.Index == "ix_customer_name_id", $"{typed}: {shown}");
            }
        }

        // The plain "live customer" filter that other features use (identity resolution, the nightly chunks) on the
        // same tables: the merged_into_id index holds only merged customers, so it cannot be combined with it either.
        var hash = protector.Hash(AsciiDigits.Of(family.HongRrn));
        await using var plain = read.Customers.Where(c => c.MergedIntoId == null && c.RrnHash == hash).Select(c => c.Id).CreateDbCommand();
        var plainPlan = await ExplainAsync(db, new RecordedCommand(plain.CommandText, [.. plain.Parameters.Cast<NpgsqlParameter>().Select(p => p.Clone())]));
        var plainScans = Scans(plainPlan.RootElement[0].GetProperty("Plan")).ToList();
        plainScans.ShouldNotContain(s => s.Index == "ix_customer_merged_into_id", string.Join("; ", plainScans.Select(s => $"{s.Node} {s.Relation} {s.Index}")));
    }

    /// <summary>
    /// Many customers with a phone, an address and a contract each (every third with an insured role), loaded in
    /// SQL with autovacuum off, so that the tables have rows and no statistics, as after a bulk load.
    /// </summary>
    private static async Task LoadWithoutStatisticsAsync(TestDatabase db, SeededFamily family)
    {
        await using var connection = await db.Database.OpenConnectionAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = string.Create(CultureInfo.InvariantCulture, $"""
            ALTER TABLE customer SET (autovacuum_enabled = off);
            ALTER TABLE customer_phone SET (autovacuum_enabled = off);
            ALTER TABLE customer_address SET (autovacuum_enabled = off);
            ALTER TABLE contract SET (autovacuum_enabled = off);
            ALTER TABLE contract_role SET (autovacuum_enabled = off);
            WITH load AS (
                SELECT i, (ARRAY['김','이','박','최','정','강','조','윤','장','임'])[1 + i % 10]
                          || (ARRAY['민준','서연','하준','서윤','도윤','지우','시우','하은','주원','지호'])[1 + (i / 10) % 10] AS name
                FROM generate_series(1, {Customers}) i)
            INSERT INTO customer (kind, name, name_script, birth_date, gender, rrn_hash, income_band, marital_status,
                                  preferred_contact_time, created_at, updated_at, version)
                SELECT h.kind, l.name, h.name_script, h.birth_date, h.gender, md5(l.i::text) || md5(l.name), h.income_band,
                       h.marital_status, h.preferred_contact_time, h.created_at, h.updated_at, 1
                FROM load l CROSS JOIN customer h WHERE h.id = {family.HongId};
            INSERT INTO customer_phone (customer_id, kind, number, is_primary)
                SELECT c.id, 'Mobile', '010' || lpad(((c.id * 7919) % 100000000)::text, 8, '0'), true
                FROM customer c WHERE c.id > {family.DuplicateId};
            INSERT INTO customer_address (customer_id, kind, sido, sigungu, line, is_primary)
                SELECT c.id, 'Home', '서울특별시', '강남구', '테헤란로 ' || c.id, true FROM customer c WHERE c.id > {family.DuplicateId};
            INSERT INTO contract (contract_number, product_id, customer_id, sum_assured, premium, currency, payment_mode, payment_method,
                                  issue_date, selling_agent_id, servicing_agent_id, channel, status, status_date, version)
                SELECT 'T' || lpad(c.id::text, 10, '0'), k.product_id, c.id, k.sum_assured, k.premium, k.currency, k.payment_mode,
                       k.payment_method, k.issue_date, k.selling_agent_id, k.servicing_agent_id, k.channel, k.status, k.status_date, 1
                FROM customer c CROSS JOIN contract k WHERE c.id > {family.DuplicateId} AND k.contract_number = '{family.HeldContract}';
            INSERT INTO contract_role (contract_id, customer_id, role)
                SELECT k.id, k.customer_id, 'Insured' FROM contract k WHERE k.id % 3 = 0;
            """);
        cmd.CommandTimeout = 120;
        await cmd.ExecuteNonQueryAsync();
        cmd.CommandText = """
            SELECT count(*) FROM pg_stats WHERE schemaname = 'public'
              AND tablename IN ('customer', 'customer_phone', 'customer_address', 'contract', 'contract_role')
            """;
        // Nothing analysed these tables: the plans below are the planner's guesses.
        ((long)(await cmd.ExecuteScalarAsync())!).ShouldBe(0);
    }

    /// <summary>EXPLAIN (FORMAT JSON) of a recorded command, with its parameters bound as the search bound them.</summary>
    private static async Task<JsonDocument> ExplainAsync(TestDatabase db, RecordedCommand command)
    {
        await using var connection = await db.Database.DataSource!.OpenConnectionAsync();
        await using var explain = new NpgsqlCommand("EXPLAIN (FORMAT JSON) " + command.Sql, connection);
        foreach (var parameter in command.Parameters)
        {
            explain.Parameters.Add(parameter);
        }
        return JsonDocument.Parse((string)(await explain.ExecuteScalarAsync())!);
    }

    private static IEnumerable<(string Node, string Relation, string Index)> Scans(JsonElement node)
    {
        var type = node.GetProperty("Node Type").GetString()!;
        if (type.Contains("Scan", StringComparison.Ordinal))
        {
            yield return (type,
                node.TryGetProperty("Relation Name", out var relation) ? relation.GetString()! : "",
                node.TryGetProperty("Index Name", out var index) ? index.GetString()! : "");
        }
        if (node.TryGetProperty("Plans", out var children))
        {
            foreach (var scan in children.EnumerateArray().SelectMany(Scans))
            {
                yield return scan;
            }
        }
    }

    private sealed record RecordedCommand(string Sql, IReadOnlyList<NpgsqlParameter> Parameters);

    /// <summary>Every query the search's context sends, with copies of its parameters.</summary>
    private sealed class CommandRecorder : DbCommandInterceptor
    {
        public List<RecordedCommand> Commands { get; } = [];

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Commands.Add(new RecordedCommand(command.CommandText, [.. command.Parameters.Cast<NpgsqlParameter>().Select(p => p.Clone())]));
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
