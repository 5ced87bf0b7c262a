using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Core.Value;
using Microsoft.EntityFrameworkCore;
using AttributionRun = InsureCrm.Core.Campaigns.CampaignAttribution;

namespace InsureCrm.Core.Campaigns.Measurement;

/// <summary>
/// Attributes responses to a campaign's Test and Control members alike (never Excluded): in one transaction, the
/// previous run's responses are deleted and one <c>INSERT … SELECT</c> per objective writes the events in the window
/// <c>[starts_on, min(ends_on + window_days, asOf)]</c>, following a merged member to the survivor who now holds their
/// contracts; then one <c>campaign_attribution</c> row records the run. A rerun replaces, never doubles.
/// </summary>
internal sealed class CampaignAttribution(CrmDatabase database, CampaignsOptions options, TimeProvider time) : IResponseAttribution
{
    internal static readonly TimeZoneInfo Seoul = SeoulZone();

    public async Task<CampaignResult<AttributionSummary>> AttributeAsync(CrmUser user, long campaignId, DateOnly? asOf = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.Role.Allows(Capability.CampaignEdit) && !user.Role.Allows(Capability.CampaignApprove))
        {
            return CampaignResult.Forbidden<AttributionSummary>();
        }
        return await RunAsync(campaignId, asOf ?? Today(), ct);
    }

    /// <summary>Today's date in Asia/Seoul.</summary>
    internal DateOnly Today() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(time.GetUtcNow().UtcDateTime, Seoul));

    /// <summary>Attributes as of <paramref name="asOf"/>; no user check (the nightly step and the demo call it).</summary>
    public async Task<CampaignResult<AttributionSummary>> RunAsync(long campaignId, DateOnly asOf, CancellationToken ct = default)
    {
        await using var db = database.CreateContext();
        var campaign = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null)
        {
            return CampaignResult.NotFound<AttributionSummary>();
        }
        if (campaign.State is CampaignState.Draft or CampaignState.Approved)
        {
            return CampaignResult.Conflict<AttributionSummary>($"Campaign {campaign.Code} is {campaign.State}: responses are attributed once it runs.");
        }
        if (asOf < campaign.StartsOn)
        {
            return CampaignResult.Invalid<AttributionSummary>("asOf", "attribution.beforeStart",
                CampaignErrors.Arg(asOf, "yyyy-MM-dd"), CampaignErrors.Arg(campaign.StartsOn, "yyyy-MM-dd"));
        }
        var families = ParseFamilies(campaign.ObjectiveFamilies);
        if (families is null)
        {
            return CampaignResult.Invalid<AttributionSummary>("objectiveFamilies", "attribution.families", campaign.ObjectiveFamilies);
        }
        var from = campaign.StartsOn;
        var windowEnd = campaign.EndsOn.AddDays(campaign.WindowDays);
        var to = asOf < windowEnd ? asOf : windowEnd;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("DELETE FROM campaign_response WHERE campaign_id = @c", [db.Parameter("c", campaignId)], ct);
        var sql = InsertSql(campaign.Objective, families, db.IsPostgres);
        await db.Database.ExecuteSqlRawAsync(sql, Parameters(db, sql, campaignId, from, to, asOf), ct);
        if (campaign.Objective == CampaignObjective.NewContract)
        {
            await PriceFromValueRunAsync(db, campaignId, ct);
        }
        var counts = await db.CampaignResponses.AsNoTracking().Where(r => r.CampaignId == campaignId)
            .GroupBy(r => r.Arm)
            .Select(g => new { Arm = g.Key, Responses = g.Count(), Responders = g.Select(r => r.CustomerId).Distinct().Count() })
            .ToListAsync(ct);
        var ranAt = time.GetUtcNow().UtcDateTime;
        var run = new AttributionRun
        {
            CampaignId = campaignId, AsOf = asOf, RanAt = ranAt,
            Responses = counts.Sum(c => c.Responses),
            RespondersTest = counts.Where(c => c.Arm == CampaignArm.Test).Sum(c => c.Responders),
            RespondersControl = counts.Where(c => c.Arm == CampaignArm.Control).Sum(c => c.Responders),
        };
        db.CampaignAttributions.Add(run);
        db.CampaignEvents.Add(new CampaignEvent
        {
            CampaignId = campaignId, At = ranAt, UserName = "system", Kind = CampaignEventKind.Attributed,
            Detail = $$"""{"asOf":"{{asOf:yyyy-MM-dd}}","responses":{{run.Responses}},"respondersTest":{{run.RespondersTest}},"respondersControl":{{run.RespondersControl}}}""",
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return CampaignResult.Ok(new AttributionSummary(campaignId, asOf, from, to, run.Responses, run.RespondersTest, run.RespondersControl, ranAt));
    }

    /// <summary>Null when a name is not a <see cref="ProductFamily"/>; empty for any family.</summary>
    internal static IReadOnlyList<ProductFamily>? ParseFamilies(string csv)
    {
        var list = new List<ProductFamily>();
        foreach (var part in csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<ProductFamily>(part, ignoreCase: false, out var family) || !Enum.IsDefined(family))
            {
                return null;
            }
            list.Add(family);
        }
        return list;
    }

    // The member's survivor: a merge re-points the merged customer's contracts, loans and interactions to the survivor
    // (and flattens chains), so the events of a merged member are found under merged_into_id. When both the merged
    // customer and the survivor are members, the event goes to the survivor's own row (one response per event).
    private const string Members = """
        FROM campaign_member m
        JOIN customer c ON c.id = m.customer_id
        """;

    private const string Survivor = "COALESCE(c.merged_into_id, c.id)";

    private const string AnnualPremium =
        "k.premium * CASE k.payment_mode WHEN 'Monthly' THEN 12 WHEN 'Quarterly' THEN 4 WHEN 'SemiAnnual' THEN 2 ELSE 1 END";

    /// <summary>
    /// What counts as a response to <paramref name="objective"/>, as SQL fragments over <c>customer c</c>: the event's id,
    /// date and revenue, the join that finds the events of the customer's survivor, and the window's condition (dates
    /// <c>@from</c>–<c>@to</c>, a cancellation counted as of <c>@asOf</c>). Attribution and the holdout report share it.
    /// </summary>
    internal static (string EventId, string EventDate, string Revenue, string Join, string Where) EventSource(
        CampaignObjective objective, IReadOnlyList<ProductFamily> families, bool postgres) => objective switch
    {
        // Annualised premium (12 × a monthly premium); replaced by the value engine's figure where the newest run priced it.
        CampaignObjective.NewContract => ("k.id", "k.issue_date", AnnualPremium,
            $"JOIN contract k ON k.customer_id = {Survivor} JOIN product p ON p.id = k.product_id",
            "k.issue_date >= @from AND k.issue_date <= @to AND NOT (k.status = 'Cancelled' AND k.status_date <= @asOf)"
                + (families.Count == 0 ? "" : " AND p.family IN (" + string.Join(", ", families.Select(f => $"'{f}'")) + ")")),
        CampaignObjective.Loan => ("l.id", "l.start_date", "@value",
            $"JOIN loan l ON l.customer_id = {Survivor}",
            "l.start_date >= @from AND l.start_date <= @to"),
        CampaignObjective.Reinstatement => ("s.id", "s.effective_date", AnnualPremium,
            $"JOIN contract_status_change s ON s.customer_id = {Survivor} JOIN contract k ON k.id = s.contract_id",
            "s.to_status = 'Reinstated' AND s.effective_date >= @from AND s.effective_date <= @to"),
        CampaignObjective.VisitAccepted => ("i.id",
            postgres ? "CAST(i.occurred_at AT TIME ZONE 'Asia/Seoul' AS date)" : "date(i.occurred_at, '+9 hours')",
            "@value",
            $"JOIN interaction i ON i.customer_id = {Survivor}",
            "i.channel = 'Visit' AND i.outcome IN ('Completed', 'Interested', 'Sold') AND i.occurred_at >= @fromInstant AND i.occurred_at < @toInstant"),
        _ => throw new ArgumentOutOfRangeException(nameof(objective)),
    };

    private static string InsertSql(CampaignObjective objective, IReadOnlyList<ProductFamily> families, bool postgres)
    {
        var (eventId, eventDate, revenue, join, where) = EventSource(objective, families, postgres);
        return $"""
            INSERT INTO campaign_response (campaign_id, kind, event_id, customer_id, arm, stratum, event_date, revenue, channel, agent_id, offer_id)
            SELECT campaign_id, '{objective}', event_id, customer_id, arm, stratum, event_date, revenue, planned_channel, agent_id, offer_id
            FROM (
                SELECT m.campaign_id, {eventId} AS event_id, {Survivor} AS customer_id, m.arm, m.stratum, {eventDate} AS event_date,
                       {revenue} AS revenue, m.planned_channel, m.agent_id, m.offer_id,
                       ROW_NUMBER() OVER (PARTITION BY {eventId} ORDER BY CASE WHEN m.customer_id = {Survivor} THEN 0 ELSE 1 END, m.customer_id) AS rn
                {Members}
                {join}
                WHERE m.campaign_id = @c AND m.arm IN ('Test', 'Control') AND {where}
            ) x
            WHERE rn = 1
            """;
    }

    /// <summary>One event of the book (the holdout report's unit): whose, when and what it is worth.</summary>
    internal readonly record struct BookEvent(long EventId, long CustomerId, DateOnly Date, decimal Revenue);

    /// <summary>
    /// Every event of <paramref name="objective"/> in [<paramref name="from"/>, <paramref name="to"/>] of every customer
    /// of the book (survivors), counted and priced as attribution counts and prices a member's (a contract cancelled by
    /// <paramref name="asOf"/> does not count): the holdout report's responses. Only the events are read, a few per
    /// hundred customers.
    /// </summary>
    internal async Task<List<BookEvent>> BookEventsAsync(
        CrmDbContext db, CampaignObjective objective, IReadOnlyList<ProductFamily> families, DateOnly from, DateOnly to, DateOnly asOf, CancellationToken ct)
    {
        var (eventId, eventDate, revenue, join, where) = EventSource(objective, families, db.IsPostgres);
        var sql = $"""
            SELECT {eventId}, c.id, {eventDate}, {revenue}
            FROM customer c
            {join}
            WHERE c.merged_into_id IS NULL AND {where}
            """;
        var events = new List<BookEvent>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddRange(Parameters(db, sql, 0, from, to, asOf));
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var date = reader.GetValue(2) switch
                {
                    DateOnly d => d,
                    DateTime t => DateOnly.FromDateTime(t),
                    var v => DateOnly.Parse(Convert.ToString(v, CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture),
                };
                events.Add(new BookEvent(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture),
                    date, Convert.ToDecimal(reader.GetValue(3), CultureInfo.InvariantCulture)));
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        if (objective == CampaignObjective.NewContract && await ValueRunReports.LatestRunAsync(db, ct) is { } run)
        {
            var values = await ContractValuesAsync(db, run.Id, [.. events.Select(e => e.CustomerId).Distinct()], ct);
            for (var i = 0; i < events.Count; i++)
            {
                if (events[i].Date <= run.RunDate && values.TryGetValue(events[i].EventId, out var value))
                {
                    events[i] = events[i] with { Revenue = value };
                }
            }
        }
        return events;
    }

    /// <summary>The parameters <paramref name="sql"/> names, and only those (a provider may refuse one it does not use).</summary>
    private object[] Parameters(CrmDbContext db, string sql, long campaignId, DateOnly from, DateOnly to, DateOnly asOf)
    {
        // Korea keeps no daylight saving time, so the window's instants are the dates' midnights at +09:00.
        var fromInstant = DateTime.SpecifyKind(TimeZoneInfo.ConvertTimeToUtc(from.ToDateTime(TimeOnly.MinValue), Seoul), DateTimeKind.Utc);
        var toInstant = DateTime.SpecifyKind(TimeZoneInfo.ConvertTimeToUtc(to.AddDays(1).ToDateTime(TimeOnly.MinValue), Seoul), DateTimeKind.Utc);
        (string Name, object Value)[] all =
        [
            ("c", campaignId), ("from", from), ("to", to), ("asOf", asOf),
            ("value", sql.Contains("loan l", StringComparison.Ordinal) ? options.ResponseValue.Loan : options.ResponseValue.VisitAccepted),
            ("fromInstant", fromInstant), ("toInstant", toInstant),
        ];
        return [.. all.Where(p => System.Text.RegularExpressions.Regex.IsMatch(sql, "@" + p.Name + @"\b")).Select(p => (object)db.Parameter(p.Name, p.Value))];
    }

    /// <summary>
    /// A new contract's revenue is its experience + current value where the newest completed value run priced it
    /// (the explanation of the holder's value lists every contract); contracts issued after that run's date keep the
    /// annualised premium. A run reads every stored contract, so one dated before an issue (run for a past date, the
    /// chain resumed, the demo's run at the generator's as-of) still lists it, valued as of a day it did not yet exist:
    /// no acquisition, no premiums, no projection, 0. Taking that would make the newest sales worth nothing and ROI −100 %. Only the campaign's responses are read, a few per hundred members.
    /// </summary>
    private static async Task PriceFromValueRunAsync(CrmDbContext db, long campaignId, CancellationToken ct)
    {
        var run = await ValueRunReports.LatestRunAsync(db, ct);
        if (run is null)
        {
            return;
        }
        var responses = await db.CampaignResponses.Where(r => r.CampaignId == campaignId && r.Kind == CampaignObjective.NewContract).ToListAsync(ct);
        var values = await ContractValuesAsync(db, run.Id, [.. responses.Select(r => r.CustomerId).Distinct()], ct);
        foreach (var response in responses)
        {
            if (response.EventDate <= run.RunDate && values.TryGetValue(response.EventId, out var value))
            {
                response.Revenue = value;
            }
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Experience + current value of every contract of <paramref name="customers"/> as value run <paramref name="runId"/> priced it.</summary>
    private static async Task<Dictionary<long, decimal>> ContractValuesAsync(CrmDbContext db, long runId, IReadOnlyList<long> customers, CancellationToken ct)
    {
        var values = new Dictionary<long, decimal>();
        foreach (var chunk in customers.Chunk(500))
        {
            var explanations = await db.Set<CustomerValue>().AsNoTracking()
                .Where(v => v.RunId == runId && chunk.Contains(v.CustomerId))
                .Select(v => v.Explanation).ToListAsync(ct);
            foreach (var json in explanations)
            {
                if (CustomerValueResult.ReadExplanation(json) is { } explanation)
                {
                    foreach (var contract in explanation.Contracts)
                    {
                        values[contract.ContractId] = contract.Experience + contract.Current;
                    }
                }
            }
        }
        return values;
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
