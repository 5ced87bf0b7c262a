using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Campaigns.Targeting;

/// <summary>
/// The live count and the profile of a target rule (docs/plans/issue12-campaigns.md section 4): the rule compiles to one
/// statement; the count and the book travel in it, the profile's four dimensions (grade, cell, age band, insurance
/// lifecycle; target against the whole book) in one batch. Counts only, never a customer: <c>campaign:view</c> suffices.
/// </summary>
internal sealed class CampaignTargeting(CrmDatabase database, TimeProvider time) : ICampaignTargeting
{
    private static readonly TimeZoneInfo Seoul = SeoulZone();

    /// <summary>The lower bounds of the age bands of the profile; the last band is open.</summary>
    internal static readonly int[] AgeBands = [20, 30, 40, 50, 60, 70];

    public async Task<CampaignResult<TargetCount>> CountAsync(CrmUser user, string ruleDefinition, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.Role.Allows(Capability.CampaignView))
        {
            return CampaignResult.Forbidden<TargetCount>();
        }
        if (Parse(ruleDefinition) is not { } rule)
        {
            return CampaignResult.Invalid<TargetCount>(Errors(ruleDefinition));
        }
        await using var db = database.CreateContext();
        var (now, today) = Clock();
        return CampaignResult.Ok(await CountAsync(db, rule, now, today, ct));
    }

    public async Task<CampaignResult<TargetProfile>> ProfileAsync(CrmUser user, string ruleDefinition, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.Role.Allows(Capability.CampaignView))
        {
            return CampaignResult.Forbidden<TargetProfile>();
        }
        if (Parse(ruleDefinition) is not { } rule)
        {
            return CampaignResult.Invalid<TargetProfile>(Errors(ruleDefinition));
        }
        await using var db = database.CreateContext();
        var (now, today) = Clock();
        var compiled = await RuleCompiler.CompileAsync(db, rule, now, today, ct);
        var sql = ProfileSql(compiled, db.IsPostgres, out var extra);
        var parameters = compiled.ParametersFor(db).Concat(extra.Select(p => db.Parameter(p.Key, p.Value))).ToArray();
        var rows = new List<ProfileRow>();
        long matching = 0, book = 0;
        await using (var batch = await db.ExecuteBatchAsync(sql, parameters, ct))
        {
            var reader = batch.DbDataReader;
            foreach (var dimension in new[] { "grade", "cell", "ageBand", "lifecycle" })
            {
                if (dimension != "grade")
                {
                    await reader.NextAsync(ct);
                }
                while (await reader.ReadAsync(ct))
                {
                    var row = new ProfileRow(dimension, reader.GetString(0), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture),
                        Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture));
                    rows.Add(row);
                    if (dimension == "grade")
                    {
                        matching += row.Target;
                        book += row.Book;
                    }
                }
            }
        }
        string[] order = ["grade", "cell", "ageBand", "lifecycle"];
        var sorted = rows.OrderBy(r => Array.IndexOf(order, r.Dimension)).ThenBy(r => r.Level, StringComparer.Ordinal).ToList();
        return CampaignResult.Ok(new TargetProfile(new TargetCount(matching, book), sorted));
    }

    /// <summary>The matching customers and the book in one statement.</summary>
    internal static async Task<TargetCount> CountAsync(CrmDbContext db, RuleDefinition rule, DateTime now, DateOnly today, CancellationToken ct)
    {
        var compiled = await RuleCompiler.CompileAsync(db, rule, now, today, ct);
        var sql = $"""
            SELECT (SELECT count(*) FROM ({compiled.Sql}) t) * 4294967296 + (SELECT count(*) FROM customer c WHERE {RuleCompiler.LiveCustomers}) AS "Value"
            """;
        var packed = await db.Database.SqlQueryRaw<long>(sql, compiled.ParametersFor(db)).SingleAsync(ct);
        // Both counts in one round trip, packed in one bigint (a book stays far below 2³² customers).
        return new TargetCount(packed >> 32, packed & 0xFFFFFFFFL);
    }

    /// <summary>
    /// Four statements over the book (live customers) left-joined to the target: the value grade and segment cell of the
    /// rule's value run (<c>Unscored</c> without one), the age band on today (<c>Unknown</c> without a birth date) and the
    /// current insurance lifecycle state (<c>Unknown</c> without one).
    /// </summary>
    private static string ProfileSql(CompiledRule compiled, bool postgres, out List<KeyValuePair<string, object>> extra)
    {
        extra = [new("prun", compiled.ValueRunId ?? -1L)];
        var bands = new List<string>();
        for (var i = AgeBands.Length - 1; i >= 0; i--)
        {
            var name = "age" + AgeBands[i].ToString(CultureInfo.InvariantCulture);
            extra.Add(new(name, RuleCompiler.Date(postgres, RuleCompiler.BornBy(compiled.Today, AgeBands[i]))));
            var label = i == AgeBands.Length - 1
                ? AgeBands[i].ToString(CultureInfo.InvariantCulture) + "+"
                : string.Create(CultureInfo.InvariantCulture, $"{AgeBands[i]}-{AgeBands[i + 1] - 1}");
            bands.Add($"WHEN b.birth_date <= @{name} THEN '{label}'");
        }
        var under = string.Create(CultureInfo.InvariantCulture, $"0-{AgeBands[0] - 1}");
        var ageBand = $"CASE WHEN b.birth_date IS NULL THEN 'Unknown' {string.Join(" ", bands)} ELSE '{under}' END";
        var with = $"""
            WITH target AS ({compiled.Sql}),
            book AS (SELECT c.id, c.birth_date FROM customer c WHERE {RuleCompiler.LiveCustomers})
            """;
        const string Hit = "SUM(CASE WHEN t.id IS NULL THEN 0 ELSE 1 END) AS target, count(*) AS book";
        return $"""
            {with}
            SELECT COALESCE(v.grade, 'Unscored') AS level, {Hit} FROM book b LEFT JOIN target t ON t.id = b.id
            LEFT JOIN customer_value v ON v.run_id = @prun AND v.customer_id = b.id GROUP BY COALESCE(v.grade, 'Unscored');
            {with}
            SELECT COALESCE(s.grid_cell, 'Unscored') AS level, {Hit} FROM book b LEFT JOIN target t ON t.id = b.id
            LEFT JOIN customer_segment s ON s.run_id = @prun AND s.customer_id = b.id GROUP BY COALESCE(s.grid_cell, 'Unscored');
            {with}
            SELECT x.level, SUM(x.hit) AS target, count(*) AS book FROM (
              SELECT {ageBand} AS level, CASE WHEN t.id IS NULL THEN 0 ELSE 1 END AS hit FROM book b LEFT JOIN target t ON t.id = b.id) x
            GROUP BY x.level;
            {with}
            SELECT COALESCE(lc.state, 'Unknown') AS level, {Hit} FROM book b LEFT JOIN target t ON t.id = b.id
            LEFT JOIN customer_lifecycle lc ON lc.customer_id = b.id AND lc.dimension = 'Insurance' AND lc."until" IS NULL
            GROUP BY COALESCE(lc.state, 'Unknown');
            """;
    }

    private (DateTime Now, DateOnly Today) Clock()
    {
        var now = time.GetUtcNow().UtcDateTime;
        return (now, DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(now, Seoul)));
    }

    private static RuleDefinition? Parse(string json) => RuleDefinition.Parse(json, []);

    private static Dictionary<string, string[]> Errors(string json)
    {
        var errors = new Dictionary<string, List<string>>();
        RuleDefinition.Parse(json, errors);
        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }

    private static TimeZoneInfo SeoulZone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.CreateCustomTimeZone("KST", TimeSpan.FromHours(9), "KST", "KST");
        }
    }
}
