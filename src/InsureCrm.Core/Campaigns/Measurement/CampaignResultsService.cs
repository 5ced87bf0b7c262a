using System.Globalization;
using InsureCrm.Analytics.Experiments;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Campaigns.Planning;
using InsureCrm.Core.Common;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Campaigns.Measurement;

/// <summary>
/// A campaign's results against control, as of its latest attribution (docs/plans/issue12-campaigns.md section 8):
/// per arm members (intent to treat), solicitations, responders, responses, revenue and the response rate with its
/// Wilson interval; the hit ratio among contacted Test members (not randomised); the uplift with Newcombe's interval
/// and the pooled two-proportion test; incremental responses and revenue (Welch), actual cost and ROI. Branch managers
/// see their branch's members only. Export writes every breakdown as CSV or XLSX (aggregates only). The universal
/// holdout's yearly report sets the whole book's holdout against the rest (<see cref="HoldoutAsync"/>).
/// </summary>
internal sealed class CampaignResultsService(CrmDatabase database, CampaignAttribution attribution) : ICampaignResults
{
    /// <summary>The key of members without a planned channel, offer or agent.</summary>
    internal const string NoneKey = "none";

    public async Task<CampaignResult<CampaignResults>> ResultsAsync(CrmUser user, long campaignId, ResultBreakdown by, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.Role.Allows(Capability.CampaignView))
        {
            return CampaignResult.Forbidden<CampaignResults>();
        }
        var data = await LoadAsync(user, campaignId, ct);
        return data is null ? CampaignResult.NotFound<CampaignResults>() : CampaignResult.Ok(data.Compute(by));
    }

    public async Task<CampaignResult<string>> ExportAsync(CrmUser user, long campaignId, ResultFileFormat format, Stream output, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(output);
        if (!user.Role.Allows(Capability.CampaignView))
        {
            return CampaignResult.Forbidden<string>();
        }
        var data = await LoadAsync(user, campaignId, ct);
        if (data is null)
        {
            return CampaignResult.NotFound<string>();
        }
        var all = Enum.GetValues<ResultBreakdown>().Select(data.Compute).ToList();
        var name = $"{data.Campaign.Code}-results.{(format == ResultFileFormat.Csv ? "csv" : "xlsx")}";
        if (format == ResultFileFormat.Csv)
        {
            await ResultExport.WriteCsvAsync(all, output, ct);
        }
        else
        {
            ResultExport.WriteXlsx(all, output);
        }
        return CampaignResult.Ok(name);
    }

    /// <summary>The confidence of the holdout report's intervals (campaigns carry their own α; the year has none).</summary>
    internal const double HoldoutAlpha = 0.05;

    /// <summary>
    /// The universal holdout's yearly report (<see cref="HoldoutReport"/>): the book's survivors created by the window's end,
    /// split by <see cref="UniversalHoldout.Contains(HoldoutYear, long)"/>. Company-wide, so a branch manager, whose scope
    /// is a branch, may not see it. A year without a holdout, without a campaign that ran, or with nobody in one of the
    /// two groups is refused with a sentence that says so, never a report of NaN.
    /// </summary>
    public async Task<CampaignResult<HoldoutReport>> HoldoutAsync(CrmUser user, int year, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.Role.Allows(Capability.CampaignView) || user.Role == Role.BranchManager)
        {
            return CampaignResult.Forbidden<HoldoutReport>();
        }
        var today = attribution.Today();
        var from = new DateOnly(year, 1, 1);
        var yearEnd = new DateOnly(year, 12, 31);
        var to = today < yearEnd ? today : yearEnd;
        if (to < from)
        {
            return Refused("holdout.notBegun", Year(year));
        }
        await using var db = database.CreateContext();
        var holdout = await db.Set<HoldoutYear>().AsNoTracking().SingleOrDefaultAsync(h => h.Year == year, ct);
        if (holdout is null)
        {
            return Refused("holdout.noYear", Year(year));
        }
        // The year's campaigns that ran: started in the year and past Approved; a cancelled one only if it contacted anyone.
        var solicited = new[] { CampaignContactState.Sent, CampaignContactState.Exported, CampaignContactState.Done };
        var campaigns = await db.Campaigns.AsNoTracking()
            .Where(c => c.StartsOn >= from && c.StartsOn <= yearEnd && c.State != CampaignState.Draft && c.State != CampaignState.Approved
                && (c.State != CampaignState.Cancelled || db.Set<CampaignContact>().Any(k => k.CampaignId == c.Id && solicited.Contains(k.State))))
            .OrderBy(c => c.Id).ToListAsync(ct);
        if (campaigns.Count == 0)
        {
            return Refused("holdout.noCampaign", Year(year));
        }
        var currencies = campaigns.Select(c => c.Currency).Distinct(StringComparer.Ordinal).ToList();
        if (currencies.Count > 1)
        {
            return Refused("holdout.currencies", Year(year), string.Join(", ", currencies));
        }

        // The response: an event of any objective the year's campaigns pursued; for new contracts, of any family one of
        // them named (a campaign that named none takes every family).
        var objectives = new SortedDictionary<CampaignObjective, List<ProductFamily>?>();
        foreach (var campaign in campaigns)
        {
            var families = CampaignAttribution.ParseFamilies(campaign.ObjectiveFamilies);
            if (families is null)
            {
                return Refused("holdout.family", campaign.Code, campaign.ObjectiveFamilies);
            }
            if (!objectives.TryGetValue(campaign.Objective, out var known))
            {
                objectives[campaign.Objective] = families.Count == 0 ? null : [.. families];
            }
            else if (known is not null)
            {
                objectives[campaign.Objective] = families.Count == 0 ? null : [.. known.Union(families)];
            }
        }
        var endInstant = DateTime.SpecifyKind(TimeZoneInfo.ConvertTimeToUtc(to.AddDays(1).ToDateTime(TimeOnly.MinValue), CampaignAttribution.Seoul), DateTimeKind.Utc);
        var book = await db.Set<Customers.Customer>().AsNoTracking().Where(c => c.MergedIntoId == null && c.CreatedAt < endInstant)
            .Select(c => c.Id).ToListAsync(ct);
        var perCustomer = new Dictionary<long, (long Responses, decimal Revenue)>();
        foreach (var (objective, families) in objectives)
        {
            foreach (var e in await attribution.BookEventsAsync(db, objective, families ?? [], from, to, today, ct))
            {
                var (responses, revenue) = perCustomer.GetValueOrDefault(e.CustomerId);
                perCustomer[e.CustomerId] = (responses + 1, revenue + e.Revenue);
            }
        }
        long[] n = new long[2], responders = new long[2], responseCount = new long[2];
        var revenues = new decimal[2];
        var sums = new RevenueSummary[2];
        foreach (var id in book)
        {
            var arm = UniversalHoldout.Contains(holdout, id) ? 1 : 0;
            var (responses, revenue) = perCustomer.GetValueOrDefault(id);
            n[arm]++;
            responders[arm] += responses > 0 ? 1 : 0;
            responseCount[arm] += responses;
            revenues[arm] += revenue;
            sums[arm] = sums[arm].Add((double)revenue);
        }
        if (n[1] == 0)
        {
            return Refused("holdout.empty", Year(year), holdout.Share.ToString("P1", CultureInfo.InvariantCulture), n[0].ToString(CultureInfo.InvariantCulture));
        }
        if (n[0] == 0)
        {
            return Refused("holdout.noRest", Year(year), n[1].ToString(CultureInfo.InvariantCulture));
        }

        decimal cost = 0;
        foreach (var campaign in campaigns)
        {
            if (await LoadAsync(user, campaign.Id, ct) is { } data)
            {
                cost += data.Compute(ResultBreakdown.Total).Total.Comparison.Cost;
            }
        }
        var rest = Arm(n[0], 0, responders[0], responseCount[0], revenues[0], []);
        var held = Arm(n[1], 0, responders[1], responseCount[1], revenues[1], []);
        var comparison = Compare(rest, held, sums[0], sums[1], cost, HoldoutAlpha, null);
        var responsesInterval = new Interval(comparison.Uplift.Lower, comparison.Uplift.Upper).Scale(rest.Members);
        var incremental = comparison.IncrementalRevenue;
        var profit = new Estimate(incremental.Value - (double)cost, incremental.Lower - (double)cost, incremental.Upper - (double)cost);
        // The cost is known, so ROI's interval is the profit's divided by it (the point is Roi.Ratio's).
        var roi = comparison.Roi is { } r ? new Estimate(r, profit.Lower / (double)cost, profit.Upper / (double)cost) : null;
        var totals = new HoldoutTotals(
            new Estimate(comparison.IncrementalResponses, responsesInterval.Lower, responsesInterval.Upper),
            held.Revenue / held.Members, rest.Revenue / rest.Members, profit, roi);
        return CampaignResult.Ok(new HoldoutReport(year, holdout.Share, from, to, currencies[0], HoldoutAlpha,
            [.. objectives.Keys.Select(o => o.ToString())], campaigns.Count, held, rest, comparison, totals));

        static string Year(int y) => y.ToString(CultureInfo.InvariantCulture);

        // Coded as well as in English, so that a page can say it in its language.
        static CampaignResult<HoldoutReport> Refused(string code, params string[] args)
        {
            var error = new FieldError(code, args);
            return CampaignResult.Conflict<HoldoutReport>(error.English) with
            {
                ErrorCodes = new Dictionary<string, FieldError[]>(StringComparer.Ordinal) { ["year"] = [error] },
            };
        }
    }

    private async Task<ResultData?> LoadAsync(CrmUser user, long campaignId, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var campaign = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null)
        {
            return null;
        }
        var branch = user.Role == Role.BranchManager ? user.BranchId ?? -1 : (long?)null;
        var members = await (
            from m in db.CampaignMembers.AsNoTracking()
            join c in db.Set<Customers.Customer>() on m.CustomerId equals c.Id
            where m.CampaignId == campaignId && m.Arm != CampaignArm.Excluded && (branch == null || m.BranchId == branch)
            select new MemberRow(m.CustomerId, c.MergedIntoId ?? c.Id, m.Arm, m.Stratum, m.PlannedChannel, m.OfferId, m.AgentId))
            .ToListAsync(ct);
        var responses = await db.CampaignResponses.AsNoTracking().Where(r => r.CampaignId == campaignId)
            .Select(r => new ResponseRow(r.CustomerId, r.Arm, r.EventDate, r.Revenue)).ToListAsync(ct);
        var solicited = new[] { CampaignContactState.Sent, CampaignContactState.Exported, CampaignContactState.Done };
        var contacts = await db.CampaignContacts.AsNoTracking()
            .Where(k => k.CampaignId == campaignId && (solicited.Contains(k.State) || k.Outcome != null))
            .Select(k => new ContactRow(k.CustomerId, k.Channel, k.OfferId, k.SentAt ?? k.OutcomeAt ?? k.PlannedAt))
            .ToListAsync(ct);
        var channels = await db.CampaignChannels.AsNoTracking().Where(c => c.CampaignId == campaignId).ToDictionaryAsync(c => c.Channel, c => c.UnitCost, ct);
        var offerIds = members.Select(m => m.OfferId).Concat(contacts.Select(k => k.OfferId)).OfType<long>().Distinct().ToList();
        var offers = await db.Offers.AsNoTracking().Where(o => offerIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        var agentIds = members.Select(m => m.AgentId).OfType<long>().Distinct().ToList();
        var agents = await db.Set<Agent>().AsNoTracking().Where(a => agentIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Code, ct);
        var attribution = await db.CampaignAttributions.AsNoTracking().Where(a => a.CampaignId == campaignId)
            .OrderByDescending(a => a.RanAt).ThenByDescending(a => a.Id).FirstOrDefaultAsync(ct);
        AttributionSummary? summary = null;
        if (attribution is not null)
        {
            var end = campaign.EndsOn.AddDays(campaign.WindowDays);
            summary = new AttributionSummary(campaignId, attribution.AsOf, campaign.StartsOn, attribution.AsOf < end ? attribution.AsOf : end,
                attribution.Responses, attribution.RespondersTest, attribution.RespondersControl, attribution.RanAt);
        }
        return new ResultData(campaign, summary, members, responses, contacts, channels, offers, agents);
    }

    internal sealed record MemberRow(long CustomerId, long Survivor, CampaignArm Arm, string Stratum, CampaignChannelKind? Channel, long? OfferId, long? AgentId);

    internal sealed record ResponseRow(long CustomerId, CampaignArm Arm, DateOnly Date, decimal Revenue);

    internal sealed record ContactRow(long CustomerId, CampaignChannelKind Channel, long? OfferId, DateTime At);

    /// <summary>Sums of revenue per member in one arm of one row, for Welch's interval.</summary>
    internal readonly record struct RevenueSummary(long Count, double Sum, double SumOfSquares)
    {
        public static RevenueSummary Empty => default;

        public RevenueSummary Add(double x) => new(Count + 1, Sum + x, SumOfSquares + x * x);

        public SampleSummary ToSample()
        {
            var mean = Sum / Count;
            var variance = Count < 2 ? 0 : Math.Max(0, (SumOfSquares - Count * mean * mean) / (Count - 1));
            return new SampleSummary(mean, variance, Count);
        }
    }

    /// <summary>Everything the figures are computed from, read once; <see cref="Compute"/> is pure.</summary>
    internal sealed class ResultData(
        Campaign campaign, AttributionSummary? attribution, IReadOnlyList<MemberRow> members, IReadOnlyList<ResponseRow> responses,
        IReadOnlyList<ContactRow> contacts, IReadOnlyDictionary<CampaignChannelKind, decimal> unitCosts,
        IReadOnlyDictionary<long, Offer> offers, IReadOnlyDictionary<long, string> agents)
    {
        public Campaign Campaign => campaign;

        private readonly Lazy<(List<ResponseRow>[] Responses, List<ContactRow>[] Contacts)> _linked = new(() => Link(members, responses, contacts));

        private static (List<ResponseRow>[], List<ContactRow>[]) Link(IReadOnlyList<MemberRow> members, IReadOnlyList<ResponseRow> responses, IReadOnlyList<ContactRow> contacts)
        {
            var byResponse = new Dictionary<(long, CampaignArm), int>();
            var byCustomer = new Dictionary<long, int>();
            for (var i = 0; i < members.Count; i++)
            {
                var m = members[i];
                byCustomer[m.CustomerId] = i;
                // Attribution gives an event to the survivor's own row when it is a member, else to a merged member.
                if (!byResponse.TryGetValue((m.Survivor, m.Arm), out var existing) || (members[existing].CustomerId != m.Survivor && m.CustomerId == m.Survivor))
                {
                    byResponse[(m.Survivor, m.Arm)] = i;
                }
            }
            var r = new List<ResponseRow>[members.Count];
            var k = new List<ContactRow>[members.Count];
            for (var i = 0; i < members.Count; i++)
            {
                r[i] = [];
                k[i] = [];
            }
            foreach (var response in responses)
            {
                if (byResponse.TryGetValue((response.CustomerId, response.Arm), out var i))
                {
                    r[i].Add(response);
                }
            }
            foreach (var contact in contacts)
            {
                if (byCustomer.TryGetValue(contact.CustomerId, out var i))
                {
                    k[i].Add(contact);
                }
            }
            return (r, k);
        }

        public CampaignResults Compute(ResultBreakdown by)
        {
            var (rs, ks) = _linked.Value;
            var all = Enumerable.Range(0, members.Count).ToList();
            var total = Row("total", all, rs, ks, _ => true, _ => true);
            List<ResultRow> rows;
            if (by is ResultBreakdown.Day or ResultBreakdown.Week)
            {
                // Every member is in each period's denominator; a responder counts in the period of their first response,
                // so the periods add up to the total.
                var periods = rs.SelectMany(l => l.Select(x => Period(x.Date, by)))
                    .Concat(ks.SelectMany(l => l.Select(x => Period(DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(x.At, DateTimeKind.Utc), CampaignAttribution.Seoul)), by))))
                    .Distinct().Order().ToList();
                rows = [.. periods.Select(p => Row(p.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), all, rs, ks,
                    x => Period(x.Date, by) == p,
                    x => Period(DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(x.At, DateTimeKind.Utc), CampaignAttribution.Seoul)), by) == p))];
            }
            else
            {
                rows = [.. all.GroupBy(i => Key(members[i], by), StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => Row(g.Key, [.. g], rs, ks, _ => true, _ => true))];
            }
            return new CampaignResults(campaign.Id, campaign.Code, campaign.Currency, campaign.Alpha, attribution, by, total, rows, Uncorrected: rows.Count > 1);
        }

        private static DateOnly Period(DateOnly d, ResultBreakdown by) =>
            by == ResultBreakdown.Week ? d.AddDays(-(((int)d.DayOfWeek + 6) % 7)) : d;

        private string Key(MemberRow m, ResultBreakdown by) => by switch
        {
            ResultBreakdown.Total => "total",
            ResultBreakdown.Stratum => m.Stratum,
            ResultBreakdown.Segment => m.Stratum.Split('/')[0],
            ResultBreakdown.Channel => m.Channel?.ToString() ?? NoneKey,
            ResultBreakdown.Offer => m.OfferId is { } o && offers.TryGetValue(o, out var offer) ? offer.Code : NoneKey,
            ResultBreakdown.Agent => m.AgentId is { } a && agents.TryGetValue(a, out var code) ? code : NoneKey,
            _ => throw new ArgumentOutOfRangeException(nameof(by)),
        };

        private ResultRow Row(string key, IReadOnlyList<int> indexes, List<ResponseRow>[] rs, List<ContactRow>[] ks,
            Func<ResponseRow, bool> responseIn, Func<ContactRow, bool> contactIn)
        {
            long[] n = new long[2], solicitations = new long[2], responders = new long[2], responseCount = new long[2], contacted = new long[2], hits = new long[2];
            var revenue = new decimal[2];
            var sums = new RevenueSummary[2];
            decimal cost = 0;
            foreach (var i in indexes)
            {
                var m = members[i];
                var arm = m.Arm == CampaignArm.Test ? 0 : 1;
                n[arm]++;
                var memberContacts = ks[i].Where(contactIn).ToList();
                solicitations[arm] += memberContacts.Count;
                foreach (var k in memberContacts)
                {
                    cost += unitCosts.GetValueOrDefault(k.Channel);
                    if ((k.OfferId ?? m.OfferId) is { } o && offers.TryGetValue(o, out var offer) && offer.CostBasis == CostBasis.PerContact)
                    {
                        cost += offer.Cost;
                    }
                }
                var all = rs[i];
                var inRow = all.Where(responseIn).ToList();
                // A responder belongs to the row of their first response (all rows but Day and Week take every response).
                var responded = inRow.Count > 0 && (all.Count == inRow.Count || responseIn(all.MinBy(x => x.Date)!));
                var memberRevenue = inRow.Sum(x => x.Revenue);
                responseCount[arm] += inRow.Count;
                revenue[arm] += memberRevenue;
                sums[arm] = sums[arm].Add((double)memberRevenue);
                if (responded)
                {
                    responders[arm]++;
                    if (arm == 0 && m.OfferId is { } o && offers.TryGetValue(o, out var offer) && offer.CostBasis == CostBasis.PerResponse)
                    {
                        cost += offer.Cost;
                    }
                }
                if (memberContacts.Count > 0)
                {
                    contacted[arm]++;
                    if (responded)
                    {
                        hits[arm]++;
                    }
                }
            }
            var test = Arm(n[0], solicitations[0], responders[0], responseCount[0], revenue[0], [contacted[0], hits[0]]);
            var control = Arm(n[1], solicitations[1], responders[1], responseCount[1], revenue[1], []);
            var comparison = Compare(test, control, sums[0], sums[1], cost, campaign.Alpha, campaign.ExpectedLift);
            return new ResultRow(key, test, control, comparison);
        }
    }

    /// <summary>An arm's figures; <paramref name="contactedAndHits"/> (Test only) gives the hit ratio.</summary>
    private static ArmFigures Arm(long members, long solicitations, long responders, long responses, decimal revenue, long[] contactedAndHits)
    {
        var rate = members == 0
            ? new Estimate(0, 0, 1)
            : new Estimate((double)responders / members, Proportion.Wilson(responders, members).Lower, Proportion.Wilson(responders, members).Upper);
        double? hitRatio = contactedAndHits is [var contacted, var hits] && contacted > 0 ? (double)hits / contacted : null;
        return new ArmFigures(members, solicitations, responders, responses, revenue, rate, hitRatio);
    }

    /// <summary>
    /// Test against control. An arm without members gives no evidence: uplift 0 within [−1, 1], p = 1, not significant.
    /// With fewer than two members in an arm, incremental revenue has no interval (its bounds are the point estimate).
    /// </summary>
    private static Comparison Compare(ArmFigures test, ArmFigures control, RevenueSummary testRevenue, RevenueSummary controlRevenue, decimal cost, double alpha, double? targetLift)
    {
        if (test.Members == 0 || control.Members == 0)
        {
            return new Comparison(new Estimate(0, -1, 1), 1, false, 0, new Estimate(0, 0, 0), cost, null, targetLift, null);
        }
        var z = TwoProportion.Test(test.Responders, test.Members, control.Responders, control.Members);
        var ci = TwoProportion.DifferenceInterval(test.Responders, test.Members, control.Responders, control.Members, 1 - alpha);
        var incrementalResponses = z.Difference * test.Members;
        Estimate incrementalRevenue;
        if (testRevenue.Count >= 2 && controlRevenue.Count >= 2)
        {
            var welch = MeanDifference.Welch(testRevenue.ToSample(), controlRevenue.ToSample(), 1 - alpha);
            incrementalRevenue = new Estimate(welch.Difference * test.Members, welch.Interval.Lower * test.Members, welch.Interval.Upper * test.Members);
        }
        else
        {
            var point = testRevenue.Count > 0 && controlRevenue.Count > 0
                ? (testRevenue.Sum / testRevenue.Count - controlRevenue.Sum / controlRevenue.Count) * test.Members
                : 0;
            incrementalRevenue = new Estimate(point, point, point);
        }
        var roi = Roi.Ratio((decimal)incrementalRevenue.Value, cost);
        return new Comparison(new Estimate(z.Difference, ci.Lower, ci.Upper), z.PValue, z.PValue < alpha, incrementalResponses, incrementalRevenue,
            cost, roi, targetLift, null);
    }
}
