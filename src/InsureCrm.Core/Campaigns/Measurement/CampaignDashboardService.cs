using System.Data.Common;
using System.Globalization;
using System.Text;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Campaigns.Measurement;

/// <summary>
/// A running campaign's feedback and the marketer's home (docs/plans/issue12-campaigns.md sections 8 and 10). The
/// dashboard counts per day or week (weeks start on Monday; days are dates in Asia/Seoul, as attribution's) along six
/// dimensions, each one GROUP BY statement of one command, the same text on SQLite and PostgreSQL: the periods are a
/// <c>VALUES</c> table of UTC instants and dates computed here, so no provider's date functions are needed.
/// <list type="bullet">
/// <item><c>channel</c>, <c>branch</c>, <c>agent</c>: contacts made (Sent, Exported, Done or with an outcome: what
/// the results call solicitations), dated when sent, else when their outcome was recorded;</item>
/// <item><c>outcome</c>: outcome codes of agent and call-list contacts, dated when recorded;</item>
/// <item><c>blocked</c>: blocked contacts by reason, dated when planned; a contact refused for two reasons counts under each;</item>
/// <item><c>response</c>: responders per arm from the latest attribution, by the date of the event.</item>
/// </list>
/// Test against control so far is the results' total row (<see cref="ICampaignResults"/>); revisions are the script and
/// offer changes of the history. A branch manager sees the members of their branch only, as in the results.
/// </summary>
internal sealed class CampaignDashboardService(CrmDatabase database, ICampaignResults results, TimeProvider time) : ICampaignDashboard
{
    /// <summary>How many rows each list of the home shows.</summary>
    internal const int HomeRows = 10;

    /// <summary>Without a last visit, results attributed this many days back count as new.</summary>
    internal const int RecentDays = 7;

    /// <summary>At most this many periods (the latest ones): a long campaign's day view keeps its statement small.</summary>
    internal const int MaxPeriods = 400;

    public const string Channel = "channel";
    public const string Branch = "branch";
    public const string Agent = "agent";
    public const string Outcome = "outcome";
    public const string Blocked = "blocked";
    public const string Response = "response";

    // A contact was made when it left (Sent, Exported) or a person recorded what happened (Done, or an outcome on a
    // contact handed again); the instant is when it was sent, else when its outcome was recorded.
    private const string Made = "(k.state IN ('Sent', 'Exported', 'Done') OR k.outcome IS NOT NULL)";
    private const string MadeAt = "COALESCE(k.sent_at, k.outcome_at, k.planned_at)";

    public async Task<CampaignResult<CampaignDashboard>> DashboardAsync(CrmUser user, long campaignId, DashboardPeriod period, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.Role.Allows(Capability.CampaignView))
        {
            return CampaignResult.Forbidden<CampaignDashboard>();
        }
        if (!Enum.IsDefined(period))
        {
            return CampaignResult.Invalid<CampaignDashboard>(new Dictionary<string, string[]>
            {
                ["period"] = [string.Create(CultureInfo.InvariantCulture, $"'{period}' is not a period: Day or Week")],
            });
        }
        await using var db = database.CreateContext();
        var campaign = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null)
        {
            return CampaignResult.NotFound<CampaignDashboard>();
        }
        var branch = BranchOf(user);
        var today = Today();
        var windowEnd = campaign.EndsOn.AddDays(campaign.WindowDays);
        var periods = Periods(campaign.StartsOn, today < windowEnd ? today : windowEnd, period);
        var counts = periods.Count == 0 ? [] : await CountAsync(db, campaignId, branch, periods, ct);

        var soFar = await results.ResultsAsync(user, campaignId, ResultBreakdown.Total, ct);
        var revisions = await db.CampaignEvents.AsNoTracking()
            .Where(e => e.CampaignId == campaignId && (e.Kind == CampaignEventKind.ScriptRevised || e.Kind == CampaignEventKind.OfferChanged))
            .OrderBy(e => e.At).ThenBy(e => e.Id)
            .Select(e => new CampaignEventView(e.At, e.UserName, e.Kind, e.Detail))
            .ToListAsync(ct);
        return CampaignResult.Ok(new CampaignDashboard(campaignId, period, counts, soFar.Value?.Total, revisions));
    }

    public async Task<MarketerHome> HomeAsync(CrmUser user, DateTime? lastVisit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.Role.Allows(Capability.CampaignView))
        {
            return new MarketerHome(new Dictionary<CampaignState, int>(), [], [], []);
        }
        await using var db = database.CreateContext();
        var branch = BranchOf(user);
        var byState = (await db.Campaigns.AsNoTracking().GroupBy(c => c.State).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
            .ToDictionary(x => x.Key, x => x.Count);

        var running = await db.Campaigns.AsNoTracking().Where(c => c.State == CampaignState.Running)
            .OrderBy(c => c.EndsOn).ThenBy(c => c.Id).Take(HomeRows).ToListAsync(ct);
        var live = new List<CampaignToday>();
        if (running.Count > 0)
        {
            var today = Today();
            var (contacts, responders) = await TodayAsync(db, [.. running.Select(c => c.Id)], branch, At(today), At(today.AddDays(1)), ct);
            live.AddRange(running.Select(c => new CampaignToday(Summary(c), contacts.GetValueOrDefault(c.Id),
                responders.GetValueOrDefault((c.Id, nameof(CampaignArm.Test))), responders.GetValueOrDefault((c.Id, nameof(CampaignArm.Control))))));
        }

        List<CampaignSummary> awaiting = [];
        if (user.Role.Allows(Capability.CampaignApprove))
        {
            // The four-eyes rule: a plan waits for someone other than its author, oldest (least recently edited) first.
            awaiting = [.. (await db.Campaigns.AsNoTracking().Where(c => c.State == CampaignState.Draft && c.AuthorUserId != user.UserId)
                .OrderBy(c => c.UpdatedAt).ThenBy(c => c.Id).Take(HomeRows).ToListAsync(ct)).Select(Summary)];
        }

        var since = lastVisit ?? time.GetUtcNow().UtcDateTime.AddDays(-RecentDays);
        var runs = await db.CampaignAttributions.AsNoTracking().Where(a => a.RanAt > since)
            .Join(db.Campaigns, a => a.CampaignId, c => c.Id, (a, c) => new { Run = a, c.StartsOn, c.EndsOn, c.WindowDays })
            .OrderByDescending(x => x.Run.RanAt).ThenByDescending(x => x.Run.Id).Take(HomeRows).ToListAsync(ct);
        if (branch is not null)
        {
            // The stored run counts the whole list; a branch manager sees their branch's responders, which only the
            // newest run of a campaign still has (a run replaces the responses of the one before).
            runs = [.. runs.GroupBy(x => x.Run.CampaignId).Select(g => g.First())];
        }
        var branchCounts = branch is null || runs.Count == 0
            ? null
            : await RespondersAsync(db, [.. runs.Select(x => x.Run.CampaignId).Distinct()], branch.Value, ct);
        var newResults = runs.Select(x =>
        {
            var end = x.EndsOn.AddDays(x.WindowDays);
            var (responses, test, control) = branchCounts is null
                ? (x.Run.Responses, x.Run.RespondersTest, x.Run.RespondersControl)
                : branchCounts.GetValueOrDefault(x.Run.CampaignId);
            return new AttributionSummary(x.Run.CampaignId, x.Run.AsOf, x.StartsOn, x.Run.AsOf < end ? x.Run.AsOf : end,
                responses, test, control, x.Run.RanAt);
        }).ToList();
        return new MarketerHome(byState, live, awaiting, newResults);
    }

    /// <summary>The branch a branch manager's figures are narrowed to (an unassigned manager sees none); null for everyone else.</summary>
    private static long? BranchOf(CrmUser user) => user.Role == Role.BranchManager ? user.BranchId ?? -1 : null;

    private DateOnly Today() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(time.GetUtcNow().UtcDateTime, CampaignAttribution.Seoul));

    /// <summary>Midnight of <paramref name="day"/> in Seoul as a UTC instant.</summary>
    private static DateTime At(DateOnly day) =>
        DateTime.SpecifyKind(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), CampaignAttribution.Seoul), DateTimeKind.Utc);

    /// <summary>The first day of each period from the one holding <paramref name="from"/> to the one holding <paramref name="to"/> (the latest <see cref="MaxPeriods"/>).</summary>
    internal static List<DateOnly> Periods(DateOnly from, DateOnly to, DashboardPeriod period)
    {
        var list = new List<DateOnly>();
        if (to < from)
        {
            return list;
        }
        var step = period == DashboardPeriod.Week ? 7 : 1;
        var first = period == DashboardPeriod.Week ? from.AddDays(-(((int)from.DayOfWeek + 6) % 7)) : from;
        for (var d = first; d <= to; d = d.AddDays(step))
        {
            list.Add(d);
        }
        return list.Count > MaxPeriods ? list[^MaxPeriods..] : list;
    }

    private static async Task<List<DashboardCount>> CountAsync(CrmDbContext db, long campaignId, long? branch, List<DateOnly> periods, CancellationToken ct)
    {
        var step = periods.Count > 1 ? periods[1].DayNumber - periods[0].DayNumber : 1;
        var bounds = periods.Append(periods[^1].AddDays(step)).ToList();
        var parameters = new List<DbParameter> { db.Parameter("c", campaignId) };
        var values = new StringBuilder();
        for (var i = 0; i < bounds.Count; i++)
        {
            parameters.Add(db.Parameter("t" + i.ToString(CultureInfo.InvariantCulture), At(bounds[i])));
            parameters.Add(db.Parameter("d" + i.ToString(CultureInfo.InvariantCulture), bounds[i]));
        }
        for (var i = 0; i < periods.Count; i++)
        {
            values.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"({i}, @t{i}, @t{i + 1}, @d{i}, @d{i + 1})");
        }
        var with = $"WITH period (idx, from_at, to_at, from_day, to_day) AS (VALUES {values})";
        string member, branchWhere;
        if (branch is { } b)
        {
            parameters.Add(db.Parameter("branch", b));
            member = "JOIN campaign_member m ON m.campaign_id = k.campaign_id AND m.customer_id = k.customer_id";
            branchWhere = " AND m.branch_id = @branch";
        }
        else
        {
            member = "LEFT JOIN campaign_member m ON m.campaign_id = k.campaign_id AND m.customer_id = k.customer_id";
            branchWhere = "";
        }

        // Grouped by instant first: a batch shares one instant, so the range join to the periods sees few rows.
        string ByPeriod(string key, string join, string where, string at) => $"""
            {with}
            SELECT p.idx, x.dim_key, SUM(x.n) FROM (
                SELECT {key} AS dim_key, {at} AS at, COUNT(*) AS n
                FROM campaign_contact k {member} {join}
                WHERE k.campaign_id = @c AND {where}{branchWhere}
                GROUP BY {key}, {at}
            ) x JOIN period p ON x.at >= p.from_at AND x.at < p.to_at
            GROUP BY p.idx, x.dim_key;
            """;
        var responseBranch = branch is null ? "" : """
             AND EXISTS (SELECT 1 FROM campaign_member m JOIN customer u ON u.id = m.customer_id
                        WHERE m.campaign_id = r.campaign_id AND COALESCE(u.merged_into_id, u.id) = r.customer_id AND m.branch_id = @branch)
            """;
        string[] dimensions = [Channel, Branch, Agent, Outcome, Blocked, Response];
        var sql = string.Concat(
            ByPeriod("k.channel", "", Made, MadeAt),
            ByPeriod($"COALESCE(b.code, '{CampaignResultsService.NoneKey}')", "LEFT JOIN branch b ON b.id = m.branch_id", Made, MadeAt),
            ByPeriod($"COALESCE(a.code, '{CampaignResultsService.NoneKey}')", "LEFT JOIN agent a ON a.id = k.agent_id", Made, MadeAt),
            ByPeriod("k.outcome", "", "k.outcome IS NOT NULL", "k.outcome_at"),
            ByPeriod("k.reasons", "", "k.state = 'Blocked'", "k.planned_at"),
            $"""
            {with}
            SELECT p.idx, r.arm, COUNT(DISTINCT r.customer_id)
            FROM campaign_response r JOIN period p ON r.event_date >= p.from_day AND r.event_date < p.to_day
            WHERE r.campaign_id = @c{responseBranch}
            GROUP BY p.idx, r.arm;
            """);

        var counts = new List<DashboardCount>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddRange(parameters.ToArray());
            await using var reader = await command.ExecuteReaderAsync(ct);
            for (var d = 0; d < dimensions.Length; d++)
            {
                if (d > 0)
                {
                    await reader.NextAsync(ct);
                }
                var rows = await reader.ReadRowsAsync(r => (Index: Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture),
                    Key: r.IsDBNull(1) ? CampaignResultsService.NoneKey : r.GetString(1), Count: Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture)), ct);
                if (dimensions[d] == Blocked)
                {
                    // Stored as the list of every reason: a contact counts under each of its reasons.
                    rows = [.. rows.SelectMany(x => x.Key.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                            .DefaultIfEmpty(CampaignResultsService.NoneKey).Select(reason => (x.Index, Key: reason, x.Count)))
                        .GroupBy(x => (x.Index, x.Key)).Select(g => (g.Key.Index, g.Key.Key, Count: g.Sum(x => x.Count)))];
                }
                counts.AddRange(rows.Select(x => new DashboardCount(periods[x.Index], dimensions[d], x.Key, x.Count)));
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return [.. counts.OrderBy(x => x.Period).ThenBy(x => Array.IndexOf(dimensions, x.Dimension)).ThenBy(x => x.Key, StringComparer.Ordinal)];
    }

    /// <summary>Contacts made today and responders per arm so far, per running campaign, in two GROUP BY statements.</summary>
    private static async Task<(Dictionary<long, long> Contacts, Dictionary<(long, string), long> Responders)> TodayAsync(
        CrmDbContext db, List<long> campaignIds, long? branch, DateTime from, DateTime to, CancellationToken ct)
    {
        var ids = string.Join(", ", campaignIds.Select(i => i.ToString(CultureInfo.InvariantCulture)));
        var parameters = new List<DbParameter> { db.Parameter("from", from), db.Parameter("to", to) };
        var member = "";
        var responseBranch = "";
        if (branch is { } b)
        {
            parameters.Add(db.Parameter("branch", b));
            member = " JOIN campaign_member m ON m.campaign_id = k.campaign_id AND m.customer_id = k.customer_id AND m.branch_id = @branch";
            responseBranch = """
                 AND EXISTS (SELECT 1 FROM campaign_member m JOIN customer u ON u.id = m.customer_id
                            WHERE m.campaign_id = r.campaign_id AND COALESCE(u.merged_into_id, u.id) = r.customer_id AND m.branch_id = @branch)
                """;
        }
        var sql = $"""
            SELECT k.campaign_id, COUNT(*) FROM campaign_contact k{member}
            WHERE k.campaign_id IN ({ids}) AND {Made} AND {MadeAt} >= @from AND {MadeAt} < @to
            GROUP BY k.campaign_id;
            SELECT r.campaign_id, r.arm, COUNT(DISTINCT r.customer_id) FROM campaign_response r
            WHERE r.campaign_id IN ({ids}){responseBranch}
            GROUP BY r.campaign_id, r.arm;
            """;
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddRange(parameters.ToArray());
            await using var reader = await command.ExecuteReaderAsync(ct);
            var contacts = (await reader.ReadRowsAsync(r => (Id: r.GetInt64(0), Count: Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture)), ct))
                .ToDictionary(x => x.Id, x => x.Count);
            await reader.NextAsync(ct);
            var responders = (await reader.ReadRowsAsync(r => (Id: r.GetInt64(0), Arm: r.GetString(1), Count: Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture)), ct))
                .ToDictionary(x => (x.Id, x.Arm), x => x.Count);
            return (contacts, responders);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Responses and responders per arm among a branch's members, per campaign (one GROUP BY).</summary>
    private static async Task<Dictionary<long, (int Responses, int Test, int Control)>> RespondersAsync(
        CrmDbContext db, List<long> campaignIds, long branch, CancellationToken ct)
    {
        var rows = await (
            from r in db.CampaignResponses.AsNoTracking()
            where campaignIds.Contains(r.CampaignId)
                && db.Set<CampaignMember>().Any(m => m.CampaignId == r.CampaignId && m.BranchId == branch
                    && db.Set<Customers.Customer>().Any(u => u.Id == m.CustomerId && (u.MergedIntoId ?? u.Id) == r.CustomerId))
            group r by new { r.CampaignId, r.Arm } into g
            select new { g.Key.CampaignId, g.Key.Arm, Responses = g.Count(), Responders = g.Select(x => x.CustomerId).Distinct().Count() })
            .ToListAsync(ct);
        return rows.GroupBy(x => x.CampaignId).ToDictionary(g => g.Key, g => (
            g.Sum(x => x.Responses),
            g.Where(x => x.Arm == CampaignArm.Test).Sum(x => x.Responders),
            g.Where(x => x.Arm == CampaignArm.Control).Sum(x => x.Responders)));
    }

    private static CampaignSummary Summary(Campaign c) =>
        new(c.Id, c.Code, c.Name, c.Theme, c.Objective, c.State, c.StartsOn, c.EndsOn, c.IsPilot, c.OwnerUserId, c.AuthorUserId, c.Version);
}
