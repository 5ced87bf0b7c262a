using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using InsureCrm.Core.Campaigns.Targeting;
using InsureCrm.Core.Common;
using InsureCrm.Core.Models;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Core.Value;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ExperimentPower = InsureCrm.Analytics.Experiments.Power;

namespace InsureCrm.Core.Campaigns.Planning;

/// <summary>
/// The P&amp;L simulation and power calculation of a plan (docs/plans/issue12-campaigns.md sections 5 and 6; the rules
/// as built are in docs/campaigns.md, "Simulation"):
/// <list type="bullet">
/// <item>The list: the split's Test and Control members when a split exists, else the split the campaign would get now
/// (<see cref="CampaignSplitter.PlanAsync"/>: the rule's customers less the holdout, overlap, frequency cap and
/// unreachable, over the same waterfall), written nowhere.</item>
/// <item>Per channel: the Test members planned on it, the share of them who pass the consent pre-filter of the channel's
/// contact channel (the rule field <c>consent.&lt;channel&gt;</c>: Agent→visit, CallList→phone), and contacts
/// K = members × that share.</item>
/// <item>Baseline p₀: the mean champion score (eligible rows of its newest completed run) of the objective's model over
/// the list — <c>purchase-…</c> when every objective family falls in one family model, else <c>purchase</c>; <c>loan</c>
/// for loans; none for reinstatement and visits — else the plan's baseline rate, else
/// <see cref="SimulationOptions.DefaultBaselineRate"/>; the last two flagged as assumed.</item>
/// <item>Value per response V: for a new contract, the value engine's new-business value — experience + current value
/// (<see cref="ValueCalculator.Contract"/> with the newest completed value run's persistency curves) of a monthly
/// contract of the family issued on <c>starts_on</c> at the family's median premium among active monthly contracts
/// (and that contract's sum assured), averaged over the objective families (all when none) weighted by their number of
/// such contracts. Without a value run: 12 × that median premium, assumed — what attribution counts as a response's
/// revenue when no run priced it. Reinstatement: the median annualised premium of lapsed contracts of those families;
/// loans and accepted visits: <see cref="ResponseValueOptions"/>; all three assumed.</item>
/// <item>Responders R = K·(p₀+Δ), incremental ΔR = K·Δ; cost C = Σ K·unit cost + offers (PerContact K·cost,
/// PerResponse R·cost), money rounded to whole units per channel; profit P = ΔR·V − C; ROI = P / C; break-even lift
/// Δ_be = (Σ K·(unit + per-contact offer) + p₀·Σ K·per-response offer) / (K·V − Σ K·per-response offer), where P is 0;
/// over budget when C &gt; budget, below break-even when Δ &lt; Δ_be (or nothing breaks even).</item>
/// <item>Power: <see cref="ExperimentPower.ControlShare"/> for the list size, p₀, Δ, the reachable share ΣK / Σ Test
/// members, α and the planned power.</item>
/// </list>
/// The result is written as a <c>Simulated</c> history entry (figures only). Needs <c>campaign:view</c>; campaigns are
/// read by marketers as a whole (no customer is shown), as the library and targeting do.
/// </summary>
internal sealed class CampaignSimulation(
    CrmDatabase database, CampaignsOptions options, SimulationOptions simulation, IOptions<ValueOptions> valueOptions, TimeProvider time) : ICampaignSimulation
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private const string ActiveContract = "k.status IN ('InForce', 'Reinstated', 'PaidUp')";

    private const string AnnualPremium =
        "CAST(k.premium AS DOUBLE PRECISION) * CASE k.payment_mode WHEN 'Monthly' THEN 12 WHEN 'Quarterly' THEN 4 WHEN 'SemiAnnual' THEN 2 ELSE 1 END";

    /// <summary>The list the simulation reads: Test members per planned channel, the Control count, and how to select its customers in SQL.</summary>
    internal sealed record SimulatedList(
        IReadOnlyDictionary<CampaignChannelKind, long> TestByChannel, long Control, string ListSql, IReadOnlyList<KeyValuePair<string, object>> ListParameters,
        IReadOnlyDictionary<CampaignChannelKind, long> Consented);

    public async Task<CampaignResult<SimulationResult>> SimulateAsync(CrmUser user, long campaignId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.Role.Allows(Capability.CampaignView))
        {
            return CampaignResult.Forbidden<SimulationResult>();
        }
        await using var db = database.CreateContext();
        var campaign = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null)
        {
            return CampaignResult.NotFound<SimulationResult>();
        }
        var channels = await db.CampaignChannels.AsNoTracking().Where(c => c.CampaignId == campaignId).OrderBy(c => c.Rank).ToListAsync(ct);
        if (channels.Count == 0)
        {
            return CampaignResult.Invalid<SimulationResult>("channels", "simulation.noChannel", campaign.Code);
        }
        var now = time.GetUtcNow().UtcDateTime;
        SimulatedList list;
        if (await db.CampaignSplits.AsNoTracking().AnyAsync(s => s.CampaignId == campaignId, ct))
        {
            list = await SplitListAsync(db, campaign, channels, now, ct);
        }
        else
        {
            var definition = campaign.RuleVersionId is { } rv
                ? await db.TargetRuleVersions.AsNoTracking().Where(v => v.Id == rv).Select(v => v.Definition).SingleOrDefaultAsync(ct)
                : null;
            var parseErrors = new CampaignErrors();
            if (RuleDefinition.Parse(definition, parseErrors) is not { } rule)
            {
                return CampaignResult.Invalid<SimulationResult>(parseErrors);
            }
            list = await PlannedListAsync(db, campaign, channels, rule, now, ct);
        }

        var (baseline, baselineAssumed) = await BaselineAsync(db, campaign, list, ct);
        var (value, valueAssumed) = await ValuePerResponseAsync(db, campaign, ct);
        var offerIds = channels.Select(c => c.OfferId).OfType<long>().ToList();
        var offers = await db.Offers.AsNoTracking().Where(o => offerIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        var result = Compute(campaign, channels, offers, list, baseline, baselineAssumed, value, valueAssumed);

        db.CampaignEvents.Add(new CampaignEvent
        {
            CampaignId = campaignId, At = now, UserName = user.UserName, Kind = CampaignEventKind.Simulated,
            Detail = JsonSerializer.Serialize(result, Json),
        });
        await db.SaveChangesAsync(ct);
        return CampaignResult.Ok(result);
    }

    /// <summary>The figures from the list, the baseline and the value of a response: pure, so that the formulas are read in one place.</summary>
    internal static SimulationResult Compute(
        Campaign campaign, IReadOnlyList<CampaignChannel> channels, IReadOnlyDictionary<long, Offer> offers, SimulatedList list,
        double baseline, bool baselineAssumed, decimal value, bool valueAssumed)
    {
        var lift = campaign.ExpectedLift;
        var rows = new List<ChannelSimulation>(channels.Count);
        decimal perContactCosts = 0m, perResponseWeight = 0m;
        long contacts = 0, testMembers = 0;
        foreach (var channel in channels)
        {
            var members = list.TestByChannel.GetValueOrDefault(channel.Channel);
            var consented = list.Consented.GetValueOrDefault(channel.Channel);
            var share = members == 0 ? 0 : (double)consented / members;
            var k = consented;
            var offer = channel.OfferId is { } o && offers.TryGetValue(o, out var found) ? found : null;
            var contactCost = k * channel.UnitCost;
            var perContactOffer = offer is { CostBasis: CostBasis.PerContact } ? offer.Cost : 0m;
            var perResponseOffer = offer is { CostBasis: CostBasis.PerResponse } ? offer.Cost : 0m;
            var offerCost = Whole(k * perContactOffer + (decimal)(k * (baseline + lift)) * perResponseOffer);
            rows.Add(new ChannelSimulation(channel.Channel, members, share, k, Whole(contactCost), offerCost));
            perContactCosts += k * (channel.UnitCost + perContactOffer);
            perResponseWeight += k * perResponseOffer;
            contacts += k;
            testMembers += members;
        }
        var cost = rows.Sum(r => r.ContactCost + r.OfferCost);
        var responders = contacts * (baseline + lift);
        var incremental = contacts * lift;
        var profit = Whole((decimal)incremental * value) - cost;
        double? roi = cost > 0 ? (double)(profit / cost) : null;
        var denominator = contacts * value - perResponseWeight;
        double? breakEven = denominator > 0 ? (double)((perContactCosts + (decimal)baseline * perResponseWeight) / denominator) : null;
        var listSize = testMembers + list.Control;
        var reachable = testMembers == 0 ? 0 : (double)contacts / testMembers;
        return new SimulationResult(
            listSize, testMembers, list.Control, baseline, baselineAssumed, lift, rows, responders, incremental, value, valueAssumed, cost, profit, roi,
            breakEven, breakEven is { } be ? baseline + be : null, cost > campaign.Budget, breakEven is not { } b || lift < b, campaign.Currency,
            PowerOf(campaign, listSize, baseline, lift, reachable));
    }

    /// <summary>The smallest control share with the planned power; an empty plan when the list or the rates admit no test.</summary>
    private static PowerPlan PowerOf(Campaign campaign, long listSize, double baseline, double lift, double reachable)
    {
        var usable = listSize > 0 && reachable > 0 && lift > 0 && baseline is > 0 and < 1 && baseline + lift < 1
            && campaign.Alpha is > 0 and < 1 && campaign.Power is > 0 and < 1;
        if (!usable)
        {
            return new PowerPlan(campaign.Alpha, campaign.Power, null, 0, 0, 0);
        }
        var choice = ExperimentPower.ControlShare(listSize, baseline, lift, Math.Min(1, reachable), campaign.Alpha, campaign.Power);
        return new PowerPlan(campaign.Alpha, campaign.Power, choice.ControlShare, choice.Power, choice.NeededPerArm, choice.NeededListSize);
    }

    private static decimal Whole(decimal amount) => Math.Round(amount, 0, MidpointRounding.AwayFromZero);

    // ---- The list ----------------------------------------------------------------------------------------------

    /// <summary>The split's members: Test per planned channel, the Control count, and the consent pre-filter per channel in SQL.</summary>
    private static async Task<SimulatedList> SplitListAsync(CrmDbContext db, Campaign campaign, List<CampaignChannel> channels, DateTime now, CancellationToken ct)
    {
        var arms = await db.CampaignMembers.AsNoTracking().Where(m => m.CampaignId == campaign.Id && m.Arm != CampaignArm.Excluded)
            .GroupBy(m => new { m.Arm, m.PlannedChannel }).Select(g => new { g.Key.Arm, g.Key.PlannedChannel, Count = g.LongCount() }).ToListAsync(ct);
        var testByChannel = arms.Where(a => a.Arm == CampaignArm.Test && a.PlannedChannel is not null)
            .ToDictionary(a => a.PlannedChannel!.Value, a => a.Count);
        var consented = new Dictionary<CampaignChannelKind, long>();
        foreach (var channel in channels.Where(c => testByChannel.ContainsKey(c.Channel)))
        {
            var consent = await ConsentRuleAsync(db, null, channel.Channel, now, ct);
            var sql = $"""
                SELECT count(*) AS "Value" FROM campaign_member m
                WHERE m.campaign_id = @campaign AND m.arm = 'Test' AND m.planned_channel = @channel AND m.customer_id IN ({consent.Sql})
                """;
            consented[channel.Channel] = await db.Database.SqlQueryRaw<long>(sql,
                [.. consent.ParametersFor(db), db.Parameter("campaign", campaign.Id), db.Parameter("channel", channel.Channel.ToString())]).SingleAsync(ct);
        }
        const string ListSql = "SELECT m.customer_id FROM campaign_member m WHERE m.campaign_id = @campaign AND m.arm IN ('Test', 'Control')";
        return new SimulatedList(testByChannel, arms.Where(a => a.Arm == CampaignArm.Control).Sum(a => a.Count), ListSql,
            [new("campaign", campaign.Id)], consented);
    }

    /// <summary>
    /// The split the campaign would get now, not written: the holdout of its year when drawn already, else one drawn
    /// with the configured share and the campaign's seed (the year is frozen only by a real split).
    /// </summary>
    private async Task<SimulatedList> PlannedListAsync(
        CrmDbContext db, Campaign campaign, List<CampaignChannel> channels, RuleDefinition rule, DateTime now, CancellationToken ct)
    {
        var holdout = await db.HoldoutYears.AsNoTracking().SingleOrDefaultAsync(h => h.Year == campaign.StartsOn.Year, ct)
            ?? new HoldoutYear { Year = campaign.StartsOn.Year, Share = options.Holdout.Share, Salt = campaign.SplitSeed };
        var splitter = new CampaignSplitter(database, options, time);
        var plan = await splitter.PlanAsync(db, campaign, channels, rule, holdout, now, ct);
        var test = plan.Members.Where(m => m.Arm == CampaignArm.Test && m.PlannedChannel is not null).ToList();
        var testByChannel = test.GroupBy(m => m.PlannedChannel!.Value).ToDictionary(g => g.Key, g => g.LongCount());
        var consented = new Dictionary<CampaignChannelKind, long>();
        foreach (var group in test.GroupBy(m => m.PlannedChannel!.Value))
        {
            // The rule's customers who pass the channel's consent pre-filter: the rule with one more condition.
            var consent = await ConsentRuleAsync(db, rule, group.Key, now, ct);
            await using var batch = await db.ExecuteBatchAsync(consent.Sql, consent.ParametersFor(db), ct);
            var ids = (await batch.DbDataReader.ReadRowsAsync(r => Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture), ct)).ToHashSet();
            consented[group.Key] = group.LongCount(m => ids.Contains(m.CustomerId));
        }
        var compiled = await RuleCompiler.CompileAsync(db, rule, now, Today(now), ct);
        return new SimulatedList(testByChannel, plan.Members.LongCount(m => m.Arm == CampaignArm.Control), compiled.Sql, compiled.Parameters, consented);
    }

    /// <summary>The consent pre-filter of a campaign channel's contact channel, alone or added to <paramref name="rule"/>, compiled.</summary>
    private static Task<CompiledRule> ConsentRuleAsync(CrmDbContext db, RuleDefinition? rule, CampaignChannelKind channel, DateTime now, CancellationToken ct)
    {
        var field = "consent." + ContactChannelOf(channel).ToString().ToLowerInvariant();
        var condition = new RuleCondition(field, RuleOp.Is, ["true"]);
        var definition = rule is null ? new RuleDefinition([condition], []) : rule with { All = [.. rule.All, condition] };
        return RuleCompiler.CompileAsync(db, definition, now, Today(now), ct);
    }

    /// <summary>The contact policy's channel of a campaign channel (as the sender checks it).</summary>
    internal static Customers.ContactChannel ContactChannelOf(CampaignChannelKind channel) => channel switch
    {
        CampaignChannelKind.Agent => Customers.ContactChannel.Visit,
        CampaignChannelKind.CallList => Customers.ContactChannel.Phone,
        CampaignChannelKind.Email => Customers.ContactChannel.Email,
        CampaignChannelKind.Sms => Customers.ContactChannel.Sms,
        _ => Customers.ContactChannel.Dm,
    };

    // ---- Baseline and value ------------------------------------------------------------------------------------

    /// <summary>The champion model whose score estimates the objective's response rate; null when none does.</summary>
    internal static string? ModelOf(CampaignObjective objective, IReadOnlyList<ProductFamily> families) => objective switch
    {
        CampaignObjective.NewContract => families.Count > 0
            && InsurerModels.Customer.FirstOrDefault(m => m.Families is { Count: > 0 } f && families.All(f.Contains)) is { } model
                ? model.Name
                : InsurerModels.Purchase.Name,
        CampaignObjective.Loan => InsurerModels.Loan.Name,
        _ => null,
    };

    private async Task<(double Rate, bool Assumed)> BaselineAsync(CrmDbContext db, Campaign campaign, SimulatedList list, CancellationToken ct)
    {
        if (ModelOf(campaign.Objective, CampaignPlanning.Families(campaign.ObjectiveFamilies)) is { } model
            && await ChampionScores.NewestRunAsync(db, model, ct) is { } run)
        {
            var sql = $"""
                SELECT avg(s.score) AS "Value" FROM customer_model_score s
                WHERE s.run_id = @scoreRun AND s.eligible AND s.customer_id IN ({list.ListSql})
                """;
            var mean = await db.Database.SqlQueryRaw<double?>(sql,
                [.. list.ListParameters.Select(p => db.Parameter(p.Key, p.Value)), db.Parameter("scoreRun", run.RunId)]).SingleAsync(ct);
            if (mean is > 0 and < 1)
            {
                return (mean.Value, false);
            }
        }
        return (campaign.BaselineRate ?? simulation.DefaultBaselineRate, true);
    }

    private async Task<(decimal Value, bool Assumed)> ValuePerResponseAsync(CrmDbContext db, Campaign campaign, CancellationToken ct)
    {
        var families = CampaignPlanning.Families(campaign.ObjectiveFamilies);
        switch (campaign.Objective)
        {
            case CampaignObjective.Loan:
                return (options.ResponseValue.Loan, true);
            case CampaignObjective.VisitAccepted:
                return (options.ResponseValue.VisitAccepted, true);
            case CampaignObjective.Reinstatement:
                var lapsed = await MediansAsync(db, families, "k.status = 'Lapsed'", AnnualPremium, ct);
                return (Weighted(lapsed.Select(m => (m.Count, m.Premium))), true);
        }
        var medians = await MediansAsync(db, families, $"{ActiveContract} AND k.payment_mode = 'Monthly'", "CAST(k.premium AS DOUBLE PRECISION)", ct);
        var run = await ValueRunReports.LatestRunAsync(db, ct);
        if (run?.Curves is not { } curves || medians.Count == 0)
        {
            return (Weighted(medians.Select(m => (m.Count, 12 * m.Premium))), true);
        }
        var calculator = new ValueCalculator(valueOptions.Value, PersistencyCurves.FromJson(curves), campaign.StartsOn);
        return (Weighted(medians.Select(m =>
        {
            var value = calculator.Contract(new ContractFacts(0, 0, m.Family, PaymentMode.Monthly, m.Premium, m.SumAssured, campaign.StartsOn, null,
                ContractStatus.InForce, campaign.StartsOn, [], 0m));
            return (m.Count, value.Experience + value.Current);
        })), false);
    }

    private static decimal Weighted(IEnumerable<(long Count, decimal Value)> values)
    {
        var list = values.ToList();
        var total = list.Sum(v => v.Count);
        return total == 0 ? 0m : Whole(list.Sum(v => v.Count * v.Value) / total);
    }

    private sealed record FamilyMedian(ProductFamily Family, long Count, decimal Premium, decimal SumAssured);

    /// <summary>
    /// Per family (the given ones, all when empty) with contracts matching <paramref name="where"/>: how many, and the
    /// premium (<paramref name="premium"/>, an SQL expression) and sum assured of the median one — the lower median by
    /// that premium, ties by id, read with LIMIT/OFFSET since SQLite has no percentile function.
    /// </summary>
    private static async Task<List<FamilyMedian>> MediansAsync(CrmDbContext db, IReadOnlyList<ProductFamily> families, string where, string premium, CancellationToken ct)
    {
        List<(string Family, long Count)> counts;
        await using (var batch = await db.ExecuteBatchAsync($"""
            SELECT p.family, count(*) FROM contract k JOIN product p ON p.id = k.product_id
            WHERE {where} GROUP BY p.family
            """, [], ct))
        {
            counts = await batch.DbDataReader.ReadRowsAsync(r => (r.GetString(0), Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture)), ct);
        }
        var result = new List<FamilyMedian>();
        foreach (var row in counts.OrderBy(c => c.Family, StringComparer.Ordinal))
        {
            if (!Enum.TryParse<ProductFamily>(row.Family, out var family) || (families.Count > 0 && !families.Contains(family)))
            {
                continue;
            }
            var sql = $"""
                SELECT {premium} AS premium, CAST(k.sum_assured AS DOUBLE PRECISION) AS sum_assured FROM contract k JOIN product p ON p.id = k.product_id
                WHERE {where} AND p.family = @family ORDER BY {premium}, k.id LIMIT 1 OFFSET @half
                """;
            await using var batch = await db.ExecuteBatchAsync(sql, [db.Parameter("family", row.Family), db.Parameter("half", (row.Count - 1) / 2)], ct);
            var median = await batch.DbDataReader.ReadRowsAsync(r => (
                Premium: Whole(Convert.ToDecimal(r.GetValue(0), CultureInfo.InvariantCulture)),
                SumAssured: Whole(Convert.ToDecimal(r.GetValue(1), CultureInfo.InvariantCulture))), ct);
            if (median.Count == 1)
            {
                result.Add(new FamilyMedian(family, row.Count, median[0].Premium, median[0].SumAssured));
            }
        }
        return result;
    }

    private static DateOnly Today(DateTime now) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(now, Seoul));

    private static readonly TimeZoneInfo Seoul = SeoulZone();

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
