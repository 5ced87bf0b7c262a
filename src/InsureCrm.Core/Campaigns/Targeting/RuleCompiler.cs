using System.Data.Common;
using System.Globalization;
using System.Text;
using InsureCrm.Core.Common;
using InsureCrm.Core.Models;
using InsureCrm.Core.Value;

namespace InsureCrm.Core.Campaigns.Targeting;

/// <summary>
/// A rule compiled to one parameterised SELECT of live customer ids (alias <c>c</c>, column <c>id</c>), the same text on
/// SQLite and PostgreSQL, with its parameters as name/value pairs (a <see cref="DbParameter"/> belongs to one command,
/// so each command gets its own from <see cref="ParametersFor"/>). <see cref="ValueRunId"/> is the value run whose cells
/// and grades the rule read (null: none completed yet, and value/segment conditions select nobody).
/// </summary>
internal sealed record CompiledRule(string Sql, IReadOnlyList<KeyValuePair<string, object>> Parameters, long? ValueRunId, DateOnly Today)
{
    public DbParameter[] ParametersFor(CrmDbContext db) => [.. Parameters.Select(p => db.Parameter(p.Key, p.Value))];
}

/// <summary>
/// Compiles a <see cref="RuleDefinition"/> to one SQL statement (docs/plans/issue12-campaigns.md section 4): run ids are
/// resolved first and passed as parameters, dates are computed here (age bands → birth-date ranges, recency → an
/// instant), and every value is a parameter, so the SQL uses no provider-specific date function and never holds a
/// value the user wrote. The catalogue (<see cref="TargetFields"/>) is the whitelist: an unknown field is refused.
/// </summary>
internal static class RuleCompiler
{
    // NOT IN (the column is NOT NULL): PostgreSQL hashes the erasures once instead of probing per customer (1.5 s → 0.5 s over 1M).
    /// <summary>Live customers: not merged into another, not erased. The base of every target and of the book.</summary>
    public const string LiveCustomers = "c.merged_into_id IS NULL AND c.id NOT IN (SELECT e.customer_id FROM customer_erasure e)";

    // Constants of the model, not user input: active contracts and loans.
    private const string ActiveContract = "k.status IN ('InForce', 'Reinstated', 'PaidUp')";
    private const string ActiveLoan = "l.status IN ('Active', 'Delinquent')";

    /// <summary>
    /// Compiles <paramref name="rule"/> as of <paramref name="now"/> (UTC) and <paramref name="today"/> (the business
    /// date). Throws <see cref="ArgumentException"/> naming a field the catalogue does not know (validation refuses it first).
    /// </summary>
    public static async Task<CompiledRule> CompileAsync(CrmDbContext db, RuleDefinition rule, DateTime now, DateOnly today, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rule);
        var run = await ValueRunReports.LatestRunAsync(db, ct);
        var builder = new Builder(db.IsPostgres, run?.Id, now, today);
        foreach (var condition in rule.Conditions.Where(c => c.Field.StartsWith("score.", StringComparison.Ordinal)).DistinctBy(c => c.Field))
        {
            var model = condition.Field["score.".Length..];
            var champion = await ChampionScores.NewestRunAsync(db, model, ct);
            builder.ScoreRuns[condition.Field] = champion?.RunId ?? -1;
        }
        var sql = new StringBuilder("SELECT c.id FROM customer c WHERE ").Append(LiveCustomers);
        foreach (var condition in rule.All)
        {
            sql.Append("\n  AND ").Append(builder.Condition(condition));
        }
        if (rule.Any.Count > 0)
        {
            sql.Append("\n  AND (").Append(string.Join("\n    OR ", rule.Any.Select(builder.Condition))).Append(')');
        }
        return new CompiledRule(sql.ToString(), builder.Parameters, run?.Id, today);
    }

    /// <summary>A date as the provider compares it: <c>yyyy-MM-dd</c> text on SQLite, a date on PostgreSQL.</summary>
    internal static object Date(bool postgres, DateOnly date) =>
        postgres ? date : date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>An instant as the provider stores it: EF's text form on SQLite, a UTC timestamp on PostgreSQL.</summary>
    internal static object Instant(bool postgres, DateTime utc) =>
        postgres ? DateTime.SpecifyKind(utc, DateTimeKind.Utc) : utc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    /// <summary>The birth dates of people <paramref name="age"/> or older on <paramref name="today"/>: born on or before this date.</summary>
    internal static DateOnly BornBy(DateOnly today, int age) => today.AddYears(-age);

    /// <summary>
    /// SQL true when the newest consent row of <paramref name="channel"/> in effect on <paramref name="today"/> (by
    /// <c>effective_from</c>, then id) is a grant that has not expired: the contact policy's consent test as a pre-filter
    /// (the policy still decides at send time and its refusals are counted). The arguments are SQL: a column, a parameter
    /// or a constant, never user text.
    /// </summary>
    internal static string ConsentInEffect(string customer, string channel, string today) => $"""
        EXISTS (SELECT 1 FROM marketing_consent mc WHERE mc.customer_id = {customer} AND mc.channel = {channel} AND mc.effective_from <= {today}
          AND mc.granted AND (mc.expires_on IS NULL OR mc.expires_on > {today})
          AND NOT EXISTS (SELECT 1 FROM marketing_consent m2 WHERE m2.customer_id = {customer} AND m2.channel = mc.channel AND m2.effective_from <= {today}
            AND (m2.effective_from > mc.effective_from OR (m2.effective_from = mc.effective_from AND m2.id > mc.id))))
        """;

    private sealed class Builder(bool postgres, long? valueRun, DateTime now, DateOnly today)
    {
        public List<KeyValuePair<string, object>> Parameters { get; } = [];
        public Dictionary<string, long> ScoreRuns { get; } = new(StringComparer.Ordinal);
        private bool _vrun;
        private bool _today;

        private string P(object value)
        {
            var name = "p" + Parameters.Count.ToString(CultureInfo.InvariantCulture);
            Parameters.Add(new(name, value));
            return "@" + name;
        }

        private string VRun()
        {
            if (!_vrun)
            {
                Parameters.Add(new("vrun", valueRun ?? -1L));
                _vrun = true;
            }
            return "@vrun";
        }

        private string Today()
        {
            if (!_today)
            {
                Parameters.Add(new("today", Date(postgres, today)));
                _today = true;
            }
            return "@today";
        }

        private string List(IEnumerable<object> values) => "(" + string.Join(", ", values.Select(P)) + ")";

        private string Texts(RuleCondition c) => List(c.Values.Cast<object>());

        private string Wholes(RuleCondition c) => List(c.Values.Select(v => (object)long.Parse(v, CultureInfo.InvariantCulture)));

        private static string InOp(RuleCondition c) => c.Op == RuleOp.NotIn ? "NOT IN" : "IN";

        private static bool Yes(RuleCondition c) => c.Values[0] == "true";

        private static double Number(string v) => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture);

        /// <summary><paramref name="expression"/> compared with the range of <paramref name="c"/>; <paramref name="value"/> makes each bound's parameter.</summary>
        private string Range(string expression, RuleCondition c, Func<string, object> value) => c.Op switch
        {
            RuleOp.Between => $"{expression} BETWEEN {P(value(c.Values[0]))} AND {P(value(c.Values[1]))}",
            RuleOp.Gte => $"{expression} >= {P(value(c.Values[0]))}",
            RuleOp.Lte => $"{expression} <= {P(value(c.Values[0]))}",
            _ => throw new ArgumentException($"'{c.Op}' is not a range operator of {c.Field}."),
        };

        private static string Exists(bool yes, string subquery) => (yes ? "EXISTS (" : "NOT EXISTS (") + subquery + ")";

        public string Condition(RuleCondition c)
        {
            if (!TargetFields.TryGet(c.Field, out _))
            {
                throw new ArgumentException($"unknown field '{c.Field}'.", nameof(c));
            }
            // Membership in a joined table's value: NotIn means "has one, and it is not these" (a customer without a
            // segment is not "not CrossSell", they are unscored); the customer's own columns are always there.
            string Segment(string column) =>
                $"EXISTS (SELECT 1 FROM customer_segment s WHERE s.run_id = {VRun()} AND s.customer_id = c.id AND s.{column} {InOp(c)} {(column == "needs_group" ? Wholes(c) : Texts(c))})";
            string Lifecycle(string dimension) =>
                $"EXISTS (SELECT 1 FROM customer_lifecycle lc WHERE lc.customer_id = c.id AND lc.dimension = '{dimension}' AND lc.\"until\" IS NULL AND lc.state {InOp(c)} {Texts(c)})";
            string ActiveCount() => $"(SELECT count(*) FROM contract k WHERE k.customer_id = c.id AND {ActiveContract})";
            string ServicingAgent(string column) =>
                $"EXISTS (SELECT 1 FROM contract k JOIN agent g ON g.id = k.servicing_agent_id JOIN branch b ON b.id = g.branch_id WHERE k.customer_id = c.id AND {ActiveContract} AND {column} {InOp(c)} {Texts(c)})";
            string Families(bool holds) =>
                Exists(holds, $"SELECT 1 FROM contract k JOIN product pr ON pr.id = k.product_id WHERE k.customer_id = c.id AND {ActiveContract} AND pr.family IN {Texts(c)}");

            return c.Field switch
            {
                "segment.cell" => Segment("grid_cell"),
                "segment.needsGroup" => Segment("needs_group"),
                "segment.strategy" => Segment("strategy"),
                "value.grade" => $"EXISTS (SELECT 1 FROM customer_value v WHERE v.run_id = {VRun()} AND v.customer_id = c.id AND v.grade {InOp(c)} {Texts(c)})",
                "value.total" => $"EXISTS (SELECT 1 FROM customer_value v WHERE v.run_id = {VRun()} AND v.customer_id = c.id AND {Range("CAST(v.total_value AS DOUBLE PRECISION)", c, v => Number(v))})",
                "lifecycle.insurance" => Lifecycle("Insurance"),
                "lifecycle.loan" => Lifecycle("Loan"),
                "holds.family" => Families(holds: true),
                "gap.family" => Families(holds: false),
                "contracts.activeCount" => Range(ActiveCount(), c, v => long.Parse(v, CultureInfo.InvariantCulture)),
                "contract.orphaned" => Exists(Yes(c), $"SELECT 1 FROM contract k WHERE k.customer_id = c.id AND {ActiveContract} AND k.servicing_agent_id IS NULL"),
                "loan.active" => Exists(Yes(c), $"SELECT 1 FROM loan l WHERE l.customer_id = c.id AND {ActiveLoan}"),
                "contact.daysSinceLast" => ContactRecency(c),
                "region.sido" => $"EXISTS (SELECT 1 FROM customer_address a WHERE a.customer_id = c.id AND a.is_primary AND a.sido {InOp(c)} {Texts(c)})",
                "branch.code" => ServicingAgent("b.code"),
                "agent.code" => ServicingAgent("g.code"),
                "age" => Age(c),
                "gender" => $"c.gender {InOp(c)} {Texts(c)}",
                "kind" => $"c.kind {InOp(c)} {Texts(c)}",
                "reach.email" => Exists(Yes(c), "SELECT 1 FROM customer_email em WHERE em.customer_id = c.id AND em.is_primary"),
                "reach.mobile" => Exists(Yes(c), "SELECT 1 FROM customer_phone ph WHERE ph.customer_id = c.id AND ph.kind = 'Mobile'"),
                "reach.address" => Exists(Yes(c), "SELECT 1 FROM customer_address a WHERE a.customer_id = c.id AND a.is_primary"),
                _ when c.Field.StartsWith("score.", StringComparison.Ordinal) =>
                    $"EXISTS (SELECT 1 FROM customer_model_score m WHERE m.run_id = {P(ScoreRuns[c.Field])} AND m.customer_id = c.id AND m.eligible AND {Range("m.score", c, v => Number(v))})",
                _ when c.Field.StartsWith("consent.", StringComparison.Ordinal) => Consent(c),
                _ => throw new ArgumentException($"unknown field '{c.Field}'.", nameof(c)),
            };
        }

        /// <summary>Days since the last interaction of any kind: at least N = none since now − N days; at most N = one since.</summary>
        private string ContactRecency(RuleCondition c)
        {
            var days = int.Parse(c.Values[0], CultureInfo.InvariantCulture);
            var since = P(Instant(postgres, now.AddDays(-days)));
            return Exists(c.Op == RuleOp.Lte, $"SELECT 1 FROM interaction i WHERE i.customer_id = c.id AND i.occurred_at >= {since}");
        }

        /// <summary>Age in completed years on today, as birth-date bounds: age ≥ a ⇔ born on or before today − a years; age ≤ a ⇔ born after today − (a+1) years.</summary>
        private string Age(RuleCondition c)
        {
            string AtLeast(string v) => $"c.birth_date <= {P(Date(postgres, BornBy(today, int.Parse(v, CultureInfo.InvariantCulture))))}";
            string AtMost(string v) => $"c.birth_date > {P(Date(postgres, BornBy(today, int.Parse(v, CultureInfo.InvariantCulture) + 1)))}";
            return c.Op switch
            {
                RuleOp.Between => $"({AtLeast(c.Values[0])} AND {AtMost(c.Values[1])})",
                RuleOp.Gte => AtLeast(c.Values[0]),
                RuleOp.Lte => AtMost(c.Values[0]),
                _ => throw new ArgumentException($"'{c.Op}' is not a range operator of age."),
            };
        }

        /// <summary>The contact policy's consent test as a pre-filter (<see cref="ConsentInEffect"/>).</summary>
        private string Consent(RuleCondition c)
        {
            var channel = c.Field["consent.".Length..];
            var name = Enum.GetNames<Customers.ContactChannel>().Single(n => n.Equals(channel, StringComparison.OrdinalIgnoreCase));
            var inEffect = ConsentInEffect("c.id", P(name), Today());
            return Yes(c) ? inEffect : "NOT " + inEffect;
        }
    }
}
