using System.Data.Common;
using System.Globalization;
using System.Text;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Voc.Insight;

/// <summary>A dimension of the dashboard's volume tables.</summary>
public enum VocDimension { Type, Category, Channel, Product, Branch, Agent }

/// <summary>
/// One row of a volume table: the key (an enum name, a category code or an id as text; null for "none"), its label, the cases
/// received in each of the twelve weeks (oldest first), and over those weeks the SLA, repeat and satisfaction sums.
/// </summary>
public sealed record VocVolumeRow(string? Key, string? Label, IReadOnlyList<int> Weeks, int Total, int FirstResponseDue, int FirstResponseMet,
    int ResolutionDue, int ResolutionMet, int Repeats, int SatisfactionSum, int SatisfactionCount)
{
    public double? FirstResponseRate => FirstResponseDue == 0 ? null : (double)FirstResponseMet / FirstResponseDue;
    public double? ResolutionRate => ResolutionDue == 0 ? null : (double)ResolutionMet / ResolutionDue;
    public double? RepeatRate => Total == 0 ? null : (double)Repeats / Total;
    public double? Satisfaction => SatisfactionCount == 0 ? null : (double)SatisfactionSum / SatisfactionCount;
}

/// <summary>One bar of the Pareto of causes: resolved cases with that root cause, its share and the cumulative share.</summary>
public sealed record VocParetoRow(VocCause Cause, int Count, double Share, double Cumulative);

/// <summary>The summary cards: this week and the three before, open and breached now, and the twelve weeks' rates.</summary>
public sealed record VocDashboardKpis(int ThisWeek, IReadOnlyList<int> LastFourWeeks, int Open, int OpenBreached, double? FirstResponseRate,
    double? ResolutionRate, double? RepeatRate, double? Satisfaction, int Total);

/// <summary>The whole dashboard: the week starts (Monday 00:00 in the configured zone, as UTC; the last is the current week), the cards and the tables.</summary>
public sealed record VocDashboardView(IReadOnlyList<DateTime> WeekStarts, DateTime End, VocDashboardKpis Kpis,
    IReadOnlyDictionary<VocDimension, IReadOnlyList<VocVolumeRow>> Tables, IReadOnlyList<VocParetoRow> Pareto,
    IReadOnlyDictionary<ServiceGap, int> Gaps, long? BranchId);

/// <summary>What the filtered list behind a dashboard number selects (every field optional; "none" selects a missing value).</summary>
public sealed record VocListFilter(DateTime? From = null, DateTime? To = null, string? Type = null, string? Category = null, VocChannel? Channel = null,
    long? Product = null, long? Branch = null, long? Agent = null, VocCause? Cause = null, ServiceGap? Gap = null, bool Open = false, bool Breached = false,
    bool Repeat = false);

/// <summary>
/// VOC as an asset (issue 16, item 7): the dashboard's figures in a few set-based statements — the volume tables a GROUP BY over
/// the twelve weeks with a column per week and the SLA sums (on PostgreSQL one statement with GROUPING SETS, on SQLite one per
/// dimension), plus the open cases and the causes — and the
/// filtered list behind every number. A branch manager sees their own branch's cases (the agent's branch, else the
/// originating department's branch); the other roles with <c>voc:report</c> see all.
/// </summary>
public sealed class VocDashboard(CrmDbContext db, VocOptions options, TimeProvider time)
{
    public const int Weeks = 12;
    public const int TopRows = 20;
    public const int ListCap = 200;

    /// <summary>The branch the user is limited to: a branch manager's own (-1 when they have none: nothing); null for all.</summary>
    public static long? ScopeOf(CrmUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Role == Role.BranchManager ? user.BranchId ?? -1 : null;
    }

    /// <summary>Monday 00:00 (configured zone) of the week holding <paramref name="utc"/>, and the eleven before it, as UTC.</summary>
    public IReadOnlyList<DateTime> WeekStarts(DateTime utc)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone).Date;
        var monday = local.AddDays(-(((int)local.DayOfWeek + 6) % 7));
        return [.. Enumerable.Range(0, Weeks).Select(i => DateTime.SpecifyKind(TimeZoneInfo.ConvertTimeToUtc(
            DateTime.SpecifyKind(monday.AddDays(-7 * (Weeks - 1 - i)), DateTimeKind.Unspecified), zone), DateTimeKind.Utc))];
    }

    private const string BranchExpr = "COALESCE(a.branch_id, od.branch_id)";

    private const string From = """
         FROM voc_case c LEFT JOIN agent a ON a.id = c.agent_id LEFT JOIN voc_department od ON od.id = c.originating_department_id
        """;

    private static string KeyOf(VocDimension d) => d switch
    {
        VocDimension.Type => "c.type",
        VocDimension.Category => "c.category_code",
        VocDimension.Channel => "c.channel",
        VocDimension.Product => "c.product_id",
        VocDimension.Branch => BranchExpr,
        _ => "c.agent_id",
    };

    public async Task<VocDashboardView> BuildAsync(CrmUser user, DateTimeOffset? asOf = null, CancellationToken ct = default)
    {
        var now = (asOf ?? time.GetUtcNow()).UtcDateTime;
        var weeks = WeekStarts(now);
        var end = weeks[^1].AddDays(7);
        var branch = ScopeOf(user);
        var tables = new Dictionary<VocDimension, IReadOnlyList<VocVolumeRow>>();
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(ct);
        }
        try
        {
            IReadOnlyList<(string? Cause, string? Gap, int Count)> causes;
            if (db.IsPostgres)
            {
                var (volumes, resolved) = await VolumesAsync(connection, weeks, end, now, branch, ct);
                foreach (var (d, rows) in volumes)
                {
                    tables[d] = rows;
                }
                causes = resolved;
            }
            else
            {
                foreach (var d in Enum.GetValues<VocDimension>())
                {
                    tables[d] = await VolumeAsync(connection, d, weeks, end, now, branch, ct);
                }
                causes = await CausesAsync(connection, weeks[0], end, branch, ct);
            }
            var (open, breached) = await OpenAsync(connection, branch, ct);
            var (pareto, gaps) = Tally(causes);
            await LabelAsync(tables, ct);
            var all = tables[VocDimension.Type];
            int Sum(Func<VocVolumeRow, int> f) => all.Sum(f);
            var weekly = Enumerable.Range(0, Weeks).Select(i => all.Sum(r => r.Weeks[i])).ToList();
            var total = Sum(r => r.Total);
            var fd = Sum(r => r.FirstResponseDue);
            var rd = Sum(r => r.ResolutionDue);
            var sn = Sum(r => r.SatisfactionCount);
            var kpis = new VocDashboardKpis(weekly[^1], weekly[^4..], open, breached,
                fd == 0 ? null : (double)Sum(r => r.FirstResponseMet) / fd, rd == 0 ? null : (double)Sum(r => r.ResolutionMet) / rd,
                total == 0 ? null : (double)Sum(r => r.Repeats) / total, sn == 0 ? null : (double)Sum(r => r.SatisfactionSum) / sn, total);
            return new VocDashboardView(weeks, end, kpis, tables, pareto, gaps, branch);
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    private static DbCommand Command(DbConnection connection, string sql, IReadOnlyList<DateTime> weeks, DateTime end, DateTime? now, long? branch)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        void Add(string name, object value)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
        for (var i = 0; i < weeks.Count; i++)
        {
            Add("w" + i.ToString(CultureInfo.InvariantCulture), weeks[i]);
        }
        if (end != default)
        {
            Add("wend", end);
        }
        if (now is { } n)
        {
            Add("now", n);
        }
        if (branch is { } b)
        {
            Add("branch", b);
        }
        return cmd;
    }

    private static string Scope(long? branch) => branch is null ? "" : " AND " + BranchExpr + " = @branch";

    private static async Task<IReadOnlyList<VocVolumeRow>> VolumeAsync(DbConnection connection, VocDimension d, IReadOnlyList<DateTime> weeks, DateTime end,
        DateTime now, long? branch, CancellationToken ct)
    {
        var sql = new StringBuilder("SELECT k");
        for (var i = 0; i < Weeks; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $", SUM(CASE WHEN wk = {i} THEN 1 ELSE 0 END)");
        }
        sql.Append("""
            , COUNT(*),
            SUM(CASE WHEN frd IS NOT NULL AND (fra IS NOT NULL OR frd <= @now) THEN 1 ELSE 0 END),
            SUM(CASE WHEN fra IS NOT NULL AND fra <= frd THEN 1 ELSE 0 END),
            SUM(CASE WHEN rd IS NOT NULL AND (ra IS NOT NULL OR rd <= @now) THEN 1 ELSE 0 END),
            SUM(CASE WHEN ra IS NOT NULL AND ra <= rd THEN 1 ELSE 0 END),
            SUM(CASE WHEN rep IS NOT NULL THEN 1 ELSE 0 END),
            SUM(COALESCE(sat, 0)), COUNT(sat)
            FROM (SELECT
            """);
        sql.Append(' ').Append(KeyOf(d)).Append(" AS k, CASE");
        for (var i = Weeks - 1; i >= 1; i--)
        {
            sql.Append(CultureInfo.InvariantCulture, $" WHEN c.received_at >= @w{i} THEN {i}");
        }
        sql.Append("""
             ELSE 0 END AS wk, c.first_response_due_at AS frd, c.first_responded_at AS fra, c.resolution_due_at AS rd, c.resolved_at AS ra,
            c.repeat_of_id AS rep, c.satisfaction AS sat
            """);
        sql.Append(From).Append(" WHERE c.received_at >= @w0 AND c.received_at < @wend").Append(Scope(branch)).Append(") x GROUP BY k ORDER BY COUNT(*) DESC");
        if (d is VocDimension.Product or VocDimension.Branch or VocDimension.Agent)
        {
            sql.Append(CultureInfo.InvariantCulture, $" LIMIT {TopRows}");
        }
        await using var cmd = Command(connection, sql.ToString(), weeks, end, now, branch);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<VocVolumeRow>();
        while (await reader.ReadAsync(ct))
        {
            int I(int o) => reader.IsDBNull(o) ? 0 : Convert.ToInt32(reader.GetValue(o), CultureInfo.InvariantCulture);
            var key = reader.IsDBNull(0) ? null : Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture);
            var w = Enumerable.Range(1, Weeks).Select(I).ToArray();
            var o = Weeks + 1;
            rows.Add(new VocVolumeRow(key, null, w, I(o), I(o + 1), I(o + 2), I(o + 3), I(o + 4), I(o + 5), I(o + 6), I(o + 7)));
        }
        return rows;
    }

    /// <summary>
    /// PostgreSQL: the six tables and the resolved cases' causes and gaps in one round trip of two statements. Each case's week
    /// and SLA, repeat and resolution marks are worked out once (the subquery's <c>OFFSET 0</c> keeps PostgreSQL from working
    /// them out again in every sum), then one pass over the twelve weeks' cases (read from the covering index of migration
    /// 0043) counts them by type, category, channel, product and branch, each with the week (GROUPING SETS), and the causes
    /// and gaps; a row per key and week, summed into the twelve columns here. The agents, of whom thousands have a case, are
    /// counted apart: the <see cref="TopRows"/> with the most cases first (one count a case), then only their cases by week.
    /// Counting every key by week sums nine values a case and dimension where one row per key with a column per week summed
    /// twenty (0.38 + 0.08 s instead of 0.57–0.81 s at 250,000 cases in the twelve weeks, bench/voc.sh).
    /// </summary>
    private static async Task<(Dictionary<VocDimension, IReadOnlyList<VocVolumeRow>> Tables, List<(string? Cause, string? Gap, int Count)> Causes)> VolumesAsync(
        DbConnection connection, IReadOnlyList<DateTime> weeks, DateTime end, DateTime now, long? branch, CancellationToken ct)
    {
        var week = new StringBuilder("CASE");
        for (var i = Weeks - 1; i >= 1; i--)
        {
            week.Append(CultureInfo.InvariantCulture, $" WHEN c.received_at >= @w{i} THEN {i}");
        }
        week.Append(" ELSE 0 END AS wk");
        var marks = week.ToString() + """
            ,
                CASE WHEN c.first_response_due_at IS NOT NULL AND (c.first_responded_at IS NOT NULL OR c.first_response_due_at <= @now) THEN 1 ELSE 0 END AS frd_due,
                CASE WHEN c.first_responded_at IS NOT NULL AND c.first_responded_at <= c.first_response_due_at THEN 1 ELSE 0 END AS frd_met,
                CASE WHEN c.resolution_due_at IS NOT NULL AND (c.resolved_at IS NOT NULL OR c.resolution_due_at <= @now) THEN 1 ELSE 0 END AS rd_due,
                CASE WHEN c.resolved_at IS NOT NULL AND c.resolved_at <= c.resolution_due_at THEN 1 ELSE 0 END AS rd_met,
                CASE WHEN c.repeat_of_id IS NOT NULL THEN 1 ELSE 0 END AS rep, c.satisfaction AS sat,
                CASE WHEN c.resolved_at IS NOT NULL THEN 1 ELSE 0 END AS res
            """;
        const string Sums = "COUNT(*), SUM(frd_due), SUM(frd_met), SUM(rd_due), SUM(rd_met), SUM(rep), SUM(sat), COUNT(sat), SUM(res)";
        var window = " WHERE c.received_at >= @w0 AND c.received_at < @wend" + Scope(branch);
        var sql = new StringBuilder("""
            SELECT CASE WHEN GROUPING(t) = 0 THEN 0 WHEN GROUPING(cat) = 0 THEN 1 WHEN GROUPING(ch) = 0 THEN 2 WHEN GROUPING(p) = 0 THEN 3
                        WHEN GROUPING(b) = 0 THEN 4 ELSE 6 END AS d,
                   COALESCE(t, cat, ch, p::text, b::text) AS k, cs, gp, wk,
            """).Append(' ').Append(Sums).Append("""

            FROM (SELECT c.type AS t, c.category_code AS cat, c.channel AS ch, c.product_id AS p,
            """).Append(' ').Append(BranchExpr).Append(" AS b, c.cause AS cs, c.gap AS gp, ").Append(marks).Append(From).Append(window)
            .Append("""
             OFFSET 0) x
            GROUP BY GROUPING SETS ((t, wk), (cat, wk), (ch, wk), (p, wk), (b, wk), (cs, gp));
            WITH top AS (SELECT c.agent_id
            """).Append(From).Append(window).Append(CultureInfo.InvariantCulture, $"""
             AND c.agent_id IS NOT NULL GROUP BY c.agent_id ORDER BY COUNT(*) DESC, c.agent_id LIMIT {TopRows})
            SELECT 5, ag::text, NULL, NULL, wk, {Sums}
            FROM (SELECT c.agent_id AS ag, {marks}
            """).Append(From).Append(" JOIN top ON top.agent_id = c.agent_id").Append(window).Append(" OFFSET 0) x GROUP BY ag, wk");
        await using var cmd = Command(connection, sql.ToString(), weeks, end, now, branch);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var sums = Enum.GetValues<VocDimension>().ToDictionary(d => d, _ => new Dictionary<string, int[]>(StringComparer.Ordinal));
        var causes = new List<(string? Cause, string? Gap, int Count)>();
        do
        {
            while (await reader.ReadAsync(ct))
            {
                int I(int o) => reader.IsDBNull(o) ? 0 : Convert.ToInt32(reader.GetValue(o), CultureInfo.InvariantCulture);
                if (I(0) == 6)
                {
                    causes.Add((reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), I(13)));
                    continue;
                }
                // Null keys ("none") under "" here; the twelve weeks, then the eight sums.
                var key = reader.IsDBNull(1) ? "" : reader.GetString(1);
                var table = sums[(VocDimension)I(0)];
                if (!table.TryGetValue(key, out var row))
                {
                    table[key] = row = new int[Weeks + 8];
                }
                row[I(4)] += I(5);
                for (var s = 0; s < 8; s++)
                {
                    row[Weeks + s] += I(5 + s);
                }
            }
        }
        while (await reader.NextResultAsync(ct));
        var tables = sums.ToDictionary(t => t.Key, t =>
        {
            var rows = t.Value.OrderByDescending(r => r.Value[Weeks]).ThenBy(r => r.Key, StringComparer.Ordinal)
                .Select(r => new VocVolumeRow(r.Key.Length == 0 ? null : r.Key, null, r.Value[..Weeks], r.Value[Weeks], r.Value[Weeks + 1], r.Value[Weeks + 2],
                    r.Value[Weeks + 3], r.Value[Weeks + 4], r.Value[Weeks + 5], r.Value[Weeks + 6], r.Value[Weeks + 7]));
            return (IReadOnlyList<VocVolumeRow>)[.. t.Key is VocDimension.Product or VocDimension.Branch or VocDimension.Agent ? rows.Take(TopRows) : rows];
        });
        return (tables, causes);
    }

    private static async Task<(int Open, int Breached)> OpenAsync(DbConnection connection, long? branch, CancellationToken ct)
    {
        var sql = "SELECT COUNT(*), SUM(CASE WHEN c.breached THEN 1 ELSE 0 END)" + From + " WHERE c.state NOT IN ('Resolved', 'Closed')" + Scope(branch);
        await using var cmd = Command(connection, sql, [], default, null, branch);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.IsDBNull(0) ? 0 : Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture),
            reader.IsDBNull(1) ? 0 : Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture));
    }

    private static async Task<List<(string? Cause, string? Gap, int Count)>> CausesAsync(DbConnection connection, DateTime from, DateTime end,
        long? branch, CancellationToken ct)
    {
        var sql = "SELECT c.cause, c.gap, COUNT(*)" + From + " WHERE c.received_at >= @w0 AND c.received_at < @wend AND c.resolved_at IS NOT NULL"
            + " AND (c.cause IS NOT NULL OR c.gap IS NOT NULL)" + Scope(branch) + " GROUP BY c.cause, c.gap";
        await using var cmd = Command(connection, sql, [from], end, null, branch);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<(string? Cause, string? Gap, int Count)>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture)));
        }
        return rows;
    }

    /// <summary>The Pareto of causes and the gap counts from the resolved cases counted by (cause, gap).</summary>
    private static (IReadOnlyList<VocParetoRow>, IReadOnlyDictionary<ServiceGap, int>) Tally(IReadOnlyList<(string? Cause, string? Gap, int Count)> rows)
    {
        var causes = new Dictionary<VocCause, int>();
        var gaps = new Dictionary<ServiceGap, int>();
        foreach (var (c, g, n) in rows.Where(r => r.Count > 0))
        {
            if (c is not null && Enum.TryParse<VocCause>(c, out var cause))
            {
                causes[cause] = causes.GetValueOrDefault(cause) + n;
            }
            if (g is not null && Enum.TryParse<ServiceGap>(g, out var gap))
            {
                gaps[gap] = gaps.GetValueOrDefault(gap) + n;
            }
        }
        return (Pareto(causes), gaps);
    }

    /// <summary>Causes by count, most first, each with its share and the cumulative share (the last is 1).</summary>
    public static IReadOnlyList<VocParetoRow> Pareto(IReadOnlyDictionary<VocCause, int> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var total = counts.Values.Sum();
        var running = 0;
        return [.. counts.Where(c => c.Value > 0).OrderByDescending(c => c.Value).ThenBy(c => c.Key).Select(c =>
        {
            running += c.Value;
            return new VocParetoRow(c.Key, c.Value, (double)c.Value / total, (double)running / total);
        })];
    }

    private async Task LabelAsync(Dictionary<VocDimension, IReadOnlyList<VocVolumeRow>> tables, CancellationToken ct)
    {
        static List<long> Ids(IReadOnlyList<VocVolumeRow> rows) =>
            [.. rows.Select(r => long.TryParse(r.Key, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? id : 0).Where(id => id != 0)];
        var products = Ids(tables[VocDimension.Product]);
        var branches = Ids(tables[VocDimension.Branch]);
        var agents = Ids(tables[VocDimension.Agent]);
        var productNames = await db.Set<Product>().AsNoTracking().Where(p => products.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var branchNames = await db.Set<Branch>().AsNoTracking().Where(b => branches.Contains(b.Id)).ToDictionaryAsync(b => b.Id, b => b.Name, ct);
        var agentNames = await db.Set<Agent>().AsNoTracking().Where(a => agents.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Code + " " + a.Name, ct);
        IReadOnlyList<VocVolumeRow> Named(IReadOnlyList<VocVolumeRow> rows, Dictionary<long, string> names) =>
            [.. rows.Select(r => r with { Label = r.Key is { } k && names.TryGetValue(long.Parse(k, CultureInfo.InvariantCulture), out var n) ? n : null })];
        tables[VocDimension.Product] = Named(tables[VocDimension.Product], productNames);
        tables[VocDimension.Branch] = Named(tables[VocDimension.Branch], branchNames);
        tables[VocDimension.Agent] = Named(tables[VocDimension.Agent], agentNames);
    }

    /// <summary>The cases behind a number of the dashboard, newest first, at most <see cref="ListCap"/>, and how many match in all.</summary>
    public async Task<(IReadOnlyList<VocCaseRow> Rows, int Total)> ListAsync(CrmUser user, VocListFilter f, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(f);
        var q = db.VocCases.AsNoTracking().AsQueryable();
        if (ScopeOf(user) is { } scope)
        {
            f = f with { Branch = scope };
        }
        if (f.From is { } from)
        {
            q = q.Where(c => c.ReceivedAt >= from);
        }
        if (f.To is { } to)
        {
            q = q.Where(c => c.ReceivedAt < to);
        }
        if (f.Type is "none")
        {
            q = q.Where(c => c.Type == null);
        }
        else if (Enum.TryParse<VocType>(f.Type, out var type))
        {
            q = q.Where(c => c.Type == type);
        }
        if (f.Category is "none")
        {
            q = q.Where(c => c.CategoryCode == null);
        }
        else if (f.Category is { Length: > 0 } cat)
        {
            var prefix = cat + ".";
            q = q.Where(c => c.CategoryCode == cat || c.CategoryCode!.StartsWith(prefix));
        }
        if (f.Channel is { } channel)
        {
            q = q.Where(c => c.Channel == channel);
        }
        if (f.Product is { } product)
        {
            q = q.Where(c => c.ProductId == product);
        }
        if (f.Branch is { } branch)
        {
            q = q.Where(c => db.Set<Agent>().Any(a => a.Id == c.AgentId && a.BranchId == branch)
                || (c.AgentId == null && db.Set<VocDepartment>().Any(d => d.Id == c.OriginatingDepartmentId && d.BranchId == branch)));
        }
        if (f.Agent is { } agent)
        {
            q = q.Where(c => c.AgentId == agent);
        }
        if (f.Cause is { } cause)
        {
            q = q.Where(c => c.Cause == cause && c.ResolvedAt != null);
        }
        if (f.Gap is { } gap)
        {
            q = q.Where(c => c.Gap == gap && c.ResolvedAt != null);
        }
        if (f.Open)
        {
            q = q.Where(c => c.State != VocState.Resolved && c.State != VocState.Closed);
        }
        if (f.Breached)
        {
            q = q.Where(c => c.Breached);
        }
        if (f.Repeat)
        {
            q = q.Where(c => c.RepeatOfId != null);
        }
        var total = await q.CountAsync(ct);
        var rows = await q.OrderByDescending(c => c.ReceivedAt).ThenByDescending(c => c.Id).Take(ListCap)
            .Select(c => new VocCaseRow(c.Id, c.Number, c.Channel, c.Type, c.CategoryCode, c.Severity, c.State, c.Subject, c.ReceivedAt, c.FirstResponseDueAt,
                c.FirstRespondedAt, c.ResolutionDueAt, c.Breached, c.PausedAt != null, c.EscalatedAt != null, c.ManagingDepartmentId, c.OwnerUserId))
            .ToListAsync(ct);
        return (rows, total);
    }
}
