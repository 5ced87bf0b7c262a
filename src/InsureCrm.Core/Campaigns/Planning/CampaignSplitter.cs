using System.Globalization;
using System.Text.Json;
using InsureCrm.Core.Campaigns.Targeting;
using InsureCrm.Core.Campaigns.Uplift;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Campaigns.Planning;

/// <summary>
/// A campaign's one split (docs/plans/issue12-campaigns.md section 5): the rule's customers, less this year's universal
/// holdout, members of other live campaigns whose window overlaps (<see cref="OverlapRule"/>, below) and customers at the
/// frequency cap, and those reachable on none of the campaign's channels; the rest split per stratum
/// (<c>grid_cell/grade</c> of the newest value run) in <see cref="SplitHash"/> order, the first of each stratum Control,
/// the control counts apportioned by largest remainder so the total is round(N·c). Every member gets the channel of the
/// waterfall it is reachable on first, the offer of that channel and the servicing agent of the newest active contract.
/// Written with <c>campaign_split</c> and a <c>Split</c> history entry in one transaction (COPY on PostgreSQL), or
/// nothing; allowed in Approved until the first contact is released, a new split replacing the old.
/// <para>
/// Overlap: a customer who is a Test or Control member of another Approved, Running or Measuring campaign whose window
/// overlaps. Under <see cref="OverlapRule.Exclude"/> this campaign leaves them out. Under
/// <see cref="OverlapRule.Prioritise"/> (the rule of the campaign being split decides) this campaign keeps them only if
/// it outranks every such campaign (higher priority; ties: the earlier approval, then the lower id) and none of those
/// campaigns has contacted them yet (a contact row beyond Pending, Deferred or Blocked); it then takes them, in the same
/// transaction: their rows in the losing campaigns become Excluded/Overlap, their pending contacts there Blocked with
/// <see cref="CampaignBlockReason.Superseded"/>, the losers' <c>campaign_split</c> counts are recounted from their members
/// and each loser's history gets a <c>Split</c> entry saying so. Otherwise this campaign leaves them out. Only customers
/// this campaign would actually place in an arm are taken (not those it excludes for the holdout, the cap or no channel).
/// </para>
/// </summary>
internal sealed class CampaignSplitter(CrmDatabase database, CampaignsOptions options, TimeProvider time) : ICampaignSplitter
{
    private static readonly TimeZoneInfo Seoul = SeoulZone();

    private static readonly BulkTable Members = new("campaign_member",
        ("campaign_id", typeof(long)), ("customer_id", typeof(long)), ("arm", typeof(CampaignArm)), ("exclusion", typeof(MemberExclusion)),
        ("stratum", typeof(string)), ("split_hash", typeof(long)), ("planned_channel", typeof(CampaignChannelKind)),
        ("offer_id", typeof(long)), ("agent_id", typeof(long)), ("branch_id", typeof(long)));

    private static readonly BulkTable Splits = new("campaign_split",
        ("campaign_id", typeof(long)), ("as_of", typeof(DateOnly)), ("value_run_id", typeof(long)), ("seed", typeof(long)),
        ("control_share", typeof(decimal)), ("candidates", typeof(int)), ("test", typeof(int)), ("control", typeof(int)),
        ("excluded_holdout", typeof(int)), ("excluded_overlap", typeof(int)), ("excluded_cap", typeof(int)),
        ("excluded_no_channel", typeof(int)), ("created_at", typeof(DateTime)), ("created_by", typeof(string)));

    private static readonly BulkTable UpliftScores = new("campaign_uplift_score",
        ("campaign_id", typeof(long)), ("customer_id", typeof(long)), ("uplift", typeof(double)), ("response", typeof(double)), ("rank", typeof(int)),
        ("reasons", typeof(string)));

    private static readonly BulkTable Events = new("campaign_event",
        ("campaign_id", typeof(long)), ("at", typeof(DateTime)), ("user_name", typeof(string)), ("kind", typeof(CampaignEventKind)), ("detail", typeof(string)));

    /// <summary>One candidate as the split reads it.</summary>
    private sealed record Candidate(long Id, string Stratum, long? AgentId, long? BranchId, bool Email, bool Mobile, bool Phone, bool Address, long RecentContacts, bool Overlap, bool Visit);

    public async Task<CampaignResult<SplitSummary>> SplitAsync(CrmUser user, long campaignId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.Role.Allows(Capability.CampaignEdit) && !user.Role.Allows(Capability.CampaignApprove))
        {
            return CampaignResult.Forbidden<SplitSummary>();
        }
        await using var db = database.CreateContext();
        var campaign = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null)
        {
            return CampaignResult.NotFound<SplitSummary>();
        }
        if (campaign.State != CampaignState.Approved)
        {
            return CampaignResult.Conflict<SplitSummary>($"Only an Approved campaign is split; {campaign.Code} is {campaign.State}.", campaign.Version);
        }
        if (await db.CampaignContacts.AnyAsync(c => c.CampaignId == campaignId, ct))
        {
            return CampaignResult.Conflict<SplitSummary>($"{campaign.Code} has released contacts: its split can no longer change.", campaign.Version);
        }
        var definition = campaign.RuleVersionId is { } rv
            ? await db.TargetRuleVersions.AsNoTracking().Where(v => v.Id == rv).Select(v => v.Definition).SingleOrDefaultAsync(ct)
            : null;
        var parseErrors = new Dictionary<string, List<string>>();
        if (RuleDefinition.Parse(definition, parseErrors) is not { } rule)
        {
            return CampaignResult.Invalid<SplitSummary>(parseErrors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
        }
        var channels = await db.CampaignChannels.AsNoTracking().Where(c => c.CampaignId == campaignId).OrderBy(c => c.Rank).ToListAsync(ct);
        if (channels.Count == 0)
        {
            return CampaignResult.Invalid<SplitSummary>(new Dictionary<string, string[]> { ["channels"] = [$"{campaign.Code} has no channel to plan its members on."] });
        }

        var now = time.GetUtcNow().UtcDateTime;
        var holdout = await UniversalHoldout.EnsureYearAsync(db, campaign.StartsOn.Year, options.Holdout.Share, UniversalHoldout.NewSalt(), user.UserName, now, ct);
        var plan = await PlanAsync(db, campaign, channels, rule, holdout, now, ct);
        await WriteAsync(campaign, plan, user, now, ct);
        return CampaignResult.Ok(plan.Summary);
    }

    /// <summary>What a split would write: every candidate's member row, the summary, and the customers taken from other campaigns.</summary>
    internal sealed record SplitPlan(List<CampaignMember> Members, SplitSummary Summary, IReadOnlyDictionary<long, List<long>> Taken, UpliftSelection.Cut? Uplift);

    /// <summary>
    /// The split of <paramref name="campaign"/> computed and not written (the split itself writes it; the simulation
    /// reads it when no split exists yet): its candidates, exclusions, arms, planned channels and, under
    /// <see cref="OverlapRule.Prioritise"/>, the customers it would take from each losing campaign.
    /// </summary>
    internal async Task<SplitPlan> PlanAsync(
        CrmDbContext db, Campaign campaign, IReadOnlyList<CampaignChannel> channels, RuleDefinition rule, HoldoutYear holdout, DateTime now, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(now, Seoul));
        var compiled = await RuleCompiler.CompileAsync(db, rule, now, today, ct);
        var candidates = await CandidatesAsync(db, compiled, campaign, now, ct);
        var overlaps = campaign.OverlapRule == OverlapRule.Prioritise && candidates.Any(c => c.Overlap)
            ? await OverlapsAsync(db, compiled, campaign, ct)
            : ((Dictionary<long, List<Membership>> ByCustomer, HashSet<long> Outranked)?)null;

        var members = new List<CampaignMember>(candidates.Count);
        var population = new List<CampaignMember>();
        var taken = new Dictionary<long, List<long>>();
        int holdoutCount = 0, overlapCount = 0, capCount = 0, noChannelCount = 0;
        foreach (var c in candidates)
        {
            var channel = channels.FirstOrDefault(ch => Reachable(ch.Channel, c));
            var member = new CampaignMember
            {
                CampaignId = campaign.Id, CustomerId = c.Id, Stratum = c.Stratum, SplitHash = SplitHash.Key(campaign.SplitSeed, c.Id),
                PlannedChannel = channel?.Channel, OfferId = channel?.OfferId, AgentId = c.AgentId, BranchId = c.BranchId,
            };
            // Under Prioritise the customer stays when this campaign may take them from every other one it shares them with.
            List<Membership>? others = null;
            var overlap = c.Overlap && (overlaps is null || !overlaps.Value.ByCustomer.TryGetValue(c.Id, out others)
                || others.Any(o => o.Contacted || !overlaps.Value.Outranked.Contains(o.CampaignId)));
            member.Exclusion =
                UniversalHoldout.Contains(holdout, c.Id) ? MemberExclusion.UniversalHoldout
                : overlap ? MemberExclusion.Overlap
                : c.RecentContacts >= campaign.FrequencyCap ? MemberExclusion.FrequencyCap
                : channel is null ? MemberExclusion.NoChannel
                : null;
            switch (member.Exclusion)
            {
                case MemberExclusion.UniversalHoldout: holdoutCount++; break;
                case MemberExclusion.Overlap: overlapCount++; break;
                case MemberExclusion.FrequencyCap: capCount++; break;
                case MemberExclusion.NoChannel: noChannelCount++; break;
                default:
                    population.Add(member);
                    foreach (var o in others ?? [])
                    {
                        (taken.TryGetValue(o.CampaignId, out var ids) ? ids : taken[o.CampaignId] = []).Add(c.Id);
                    }
                    break;
            }
            member.Arm = member.Exclusion is null ? CampaignArm.Test : CampaignArm.Excluded;
            members.Add(member);
        }
        var uplift = await UpliftSelection.ApplyAsync(db, campaign, population, today, ct);
        if (uplift is not null)
        {
            var kept = population.Select(m => m.CustomerId).ToHashSet();
            foreach (var ids in taken.Values)
            {
                ids.RemoveAll(id => !kept.Contains(id));
            }
            foreach (var loser in taken.Where(t => t.Value.Count == 0).Select(t => t.Key).ToList())
            {
                taken.Remove(loser);
            }
        }
        var strata = Assign(population, campaign.ControlShare);

        var control = population.Count(m => m.Arm == CampaignArm.Control);
        var summary = new SplitSummary(campaign.Id, today, compiled.ValueRunId, campaign.SplitSeed, campaign.ControlShare, candidates.Count,
            population.Count - control, control, holdoutCount, overlapCount, capCount, noChannelCount, strata);
        return new SplitPlan(members, summary, taken, uplift);
    }

    /// <summary>
    /// Per stratum, the first n_s members in hash order (ties by id) are Control: N·c apportioned over the strata by
    /// largest remainder (ties: the larger stratum, then its name), so the total is round(N·c) and each stratum within one.
    /// </summary>
    internal static List<StratumSplit> Assign(List<CampaignMember> population, decimal controlShare)
    {
        var groups = population.GroupBy(m => m.Stratum, StringComparer.Ordinal)
            .Select(g => (Stratum: g.Key, Members: g.OrderBy(m => m.SplitHash).ThenBy(m => m.CustomerId).ToList()))
            .OrderBy(g => g.Stratum, StringComparer.Ordinal).ToList();
        var total = (int)Math.Round(population.Count * controlShare, MidpointRounding.AwayFromZero);
        var quotas = groups.Select(g => g.Members.Count * controlShare).ToList();
        var counts = quotas.Select(q => (int)Math.Floor(q)).ToList();
        var left = total - counts.Sum();
        foreach (var i in Enumerable.Range(0, groups.Count)
            .OrderByDescending(i => quotas[i] - counts[i]).ThenByDescending(i => groups[i].Members.Count).ThenBy(i => groups[i].Stratum, StringComparer.Ordinal)
            .Take(left))
        {
            counts[i]++;
        }
        var result = new List<StratumSplit>(groups.Count);
        for (var i = 0; i < groups.Count; i++)
        {
            for (var j = 0; j < groups[i].Members.Count; j++)
            {
                groups[i].Members[j].Arm = j < counts[i] ? CampaignArm.Control : CampaignArm.Test;
            }
            result.Add(new StratumSplit(groups[i].Stratum, groups[i].Members.Count - counts[i], counts[i]));
        }
        return result;
    }

    /// <summary>A membership of a candidate in another live campaign with an overlapping window, and whether that campaign contacted them.</summary>
    private sealed record Membership(long CampaignId, bool Contacted);

    // The other campaigns a member overlaps with: live, window overlapping this one's, the customer in an arm.
    private const string OverlapFrom = """
        campaign_member om JOIN campaign oc ON oc.id = om.campaign_id
        WHERE om.campaign_id <> @campaign AND om.arm IN ('Test', 'Control')
          AND oc.state IN ('Approved', 'Running', 'Measuring') AND oc.starts_on <= @endsOn AND oc.ends_on >= @startsOn
        """;

    // A contact that was made (or may have been): anything but one still waiting or refused before it left.
    private const string Contacted = "cc.state NOT IN ('Pending', 'Deferred', 'Blocked')";

    /// <summary>
    /// For Prioritise: each overlapping candidate's memberships (with whether that campaign contacted them) and the other
    /// live overlapping campaigns this one outranks: a higher priority, ties the earlier approval, then the lower id.
    /// </summary>
    private static async Task<(Dictionary<long, List<Membership>> ByCustomer, HashSet<long> Outranked)> OverlapsAsync(
        CrmDbContext db, CompiledRule compiled, Campaign campaign, CancellationToken ct)
    {
        var others = await db.Campaigns.AsNoTracking()
            .Where(o => o.Id != campaign.Id && (o.State == CampaignState.Approved || o.State == CampaignState.Running || o.State == CampaignState.Measuring)
                && o.StartsOn <= campaign.EndsOn && o.EndsOn >= campaign.StartsOn)
            .Select(o => new { o.Id, o.Priority, o.ApprovedAt }).ToListAsync(ct);
        var mine = (campaign.Priority, campaign.ApprovedAt ?? DateTime.MaxValue, campaign.Id);
        var outranked = others.Where(o => Outranks(mine, (o.Priority, o.ApprovedAt ?? DateTime.MaxValue, o.Id))).Select(o => o.Id).ToHashSet();

        var sql = $"""
            SELECT om.customer_id, om.campaign_id,
              CASE WHEN EXISTS (SELECT 1 FROM campaign_contact cc WHERE cc.campaign_id = om.campaign_id AND cc.customer_id = om.customer_id AND {Contacted}) THEN 1 ELSE 0 END
            FROM {OverlapFrom}
              AND om.customer_id IN ({compiled.Sql})
            """;
        var parameters = compiled.ParametersFor(db).Concat(
        [
            db.Parameter("campaign", campaign.Id),
            db.Parameter("startsOn", RuleCompiler.Date(db.IsPostgres, campaign.StartsOn)),
            db.Parameter("endsOn", RuleCompiler.Date(db.IsPostgres, campaign.EndsOn)),
        ]).ToArray();
        await using var batch = await db.ExecuteBatchAsync(sql, parameters, ct);
        var rows = await batch.DbDataReader.ReadRowsAsync(r => (
            Customer: Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture),
            Membership: new Membership(Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture), Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture) == 1)), ct);
        var byCustomer = rows.GroupBy(r => r.Customer).ToDictionary(g => g.Key, g => g.Select(r => r.Membership).ToList());
        return (byCustomer, outranked);
    }

    /// <summary>Whether campaign <paramref name="a"/> outranks <paramref name="b"/>: higher priority; ties the earlier approval, then the lower id.</summary>
    internal static bool Outranks((int Priority, DateTime ApprovedAt, long Id) a, (int Priority, DateTime ApprovedAt, long Id) b) =>
        a.Priority != b.Priority ? a.Priority > b.Priority
        : a.ApprovedAt != b.ApprovedAt ? a.ApprovedAt < b.ApprovedAt
        : a.Id < b.Id;

    private static bool Reachable(CampaignChannelKind channel, Candidate c) => channel switch
    {
        CampaignChannelKind.Agent => c.AgentId is not null && c.Visit,
        CampaignChannelKind.CallList => c.Phone,
        CampaignChannelKind.Email => c.Email,
        CampaignChannelKind.Sms => c.Mobile,
        CampaignChannelKind.Dm => c.Address,
        _ => false,
    };

    /// <summary>
    /// The rule's customers with their stratum, agent, reachability, recent marketing contacts and overlap, in one
    /// statement: stratum, agent and reachability are columns of the targeting mart's row the rule read.
    /// </summary>
    private async Task<List<Candidate>> CandidatesAsync(CrmDbContext db, CompiledRule compiled, Campaign campaign, DateTime now, CancellationToken ct)
    {
        // Reachable = the address and the channel's consent in effect on the mart's date (Agent→Visit, CallList→Phone,
        // Email, Sms, Dm), so the waterfall falls through to the next channel instead of planning a contact the policy
        // will refuse; the policy still decides each contact when it is sent.
        static string Both(string reach, string consent) => $"CASE WHEN c.{reach} AND c.{consent} THEN 1 ELSE 0 END";
        var sql = $"""
            SELECT c.customer_id, c.grid_cell, c.grade, c.agent_id, c.branch_id,
              {Both("has_email", "consent_email")} AS email,
              {Both("has_mobile", "consent_sms")} AS mobile,
              {Both("has_phone", "consent_phone")} AS phone,
              {Both("has_address", "consent_dm")} AS address,
              (SELECT count(*) FROM interaction i WHERE i.customer_id = c.customer_id AND i.purpose = 'Campaign' AND i.direction = 'Outbound' AND i.occurred_at >= @capSince) AS recent,
              CASE WHEN EXISTS (SELECT 1 FROM {OverlapFrom} AND om.customer_id = c.customer_id) THEN 1 ELSE 0 END AS overlap,
              CASE WHEN c.consent_visit THEN 1 ELSE 0 END AS visit
            FROM customer_target c
            WHERE {compiled.Where}
            ORDER BY c.customer_id
            """;
        var parameters = compiled.ParametersFor(db).Concat(
        [
            db.Parameter("capSince", RuleCompiler.Instant(db.IsPostgres, now.AddDays(-options.FrequencyWindowDays))),
            db.Parameter("campaign", campaign.Id),
            db.Parameter("startsOn", RuleCompiler.Date(db.IsPostgres, campaign.StartsOn)),
            db.Parameter("endsOn", RuleCompiler.Date(db.IsPostgres, campaign.EndsOn)),
        ]).ToArray();
        await using var batch = await db.ExecuteBatchAsync(sql, parameters, ct);
        static long L(System.Data.Common.DbDataReader r, int i) => Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);
        return await batch.DbDataReader.ReadRowsAsync(r => new Candidate(
            r.GetInt64(0),
            r.IsDBNull(1) || r.IsDBNull(2) ? "Unscored" : r.GetString(1) + "/" + r.GetString(2),
            r.IsDBNull(3) ? null : L(r, 3),
            r.IsDBNull(4) ? null : L(r, 4),
            L(r, 5) == 1, L(r, 6) == 1, L(r, 7) == 1, L(r, 8) == 1, L(r, 9), L(r, 10) == 1, L(r, 11) == 1), ct);
    }

    private async Task WriteAsync(Campaign campaign, SplitPlan plan, CrmUser user, DateTime now, CancellationToken ct)
    {
        var (members, summary) = (plan.Members, plan.Summary);
        await using var writer = await BulkWriter.BeginAsync(database, ct);
        foreach (var (loser, customers) in plan.Taken.OrderBy(t => t.Key))
        {
            await TakeAsync(writer, campaign, loser, customers, user, now, ct);
        }
        foreach (var table in new[] { "campaign_member", "campaign_split", "campaign_uplift_score" })
        {
            await using var delete = writer.Connection.CreateCommand();
            delete.Transaction = writer.Transaction;
            delete.CommandText = $"DELETE FROM {table} WHERE campaign_id = {campaign.Id.ToString(CultureInfo.InvariantCulture)}";
            await delete.ExecuteNonQueryAsync(ct);
        }
        await writer.WriteAsync(Members, [.. members.Select(m => new object?[]
        {
            m.CampaignId, m.CustomerId, m.Arm, m.Exclusion, m.Stratum, m.SplitHash, m.PlannedChannel, m.OfferId, m.AgentId, m.BranchId,
        })], ct);
        if (plan.Uplift is { } cut)
        {
            await writer.WriteAsync(UpliftScores, [.. cut.Scores.Select(x => new object?[] { x.CampaignId, x.CustomerId, x.Uplift, x.Response, x.Rank, x.Reasons })], ct);
            await using var update = writer.Connection.CreateCommand();
            update.Transaction = writer.Transaction;
            update.CommandText = """
                UPDATE campaign_uplift_targeting SET scored = @scored, negative = @negative, below_cut = @below, expected_incremental = @expected,
                  expected_incremental_by_response = @byResponse, value_per_response = @value, unit_cost = @cost, response_model = @model
                WHERE campaign_id = @campaign
                """;
            foreach (var (name, value) in new (string, object?)[]
            {
                ("scored", cut.Scored), ("negative", cut.Negative), ("below", cut.BelowCut), ("expected", cut.ExpectedIncremental),
                ("byResponse", cut.ExpectedIncrementalByResponse), ("value", cut.ValuePerResponse), ("cost", cut.UnitCost), ("model", cut.ResponseModel),
                ("campaign", campaign.Id),
            })
            {
                var parameter = update.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value ?? DBNull.Value;
                update.Parameters.Add(parameter);
            }
            await update.ExecuteNonQueryAsync(ct);
        }
        await writer.WriteAsync(Splits,
        [
            [campaign.Id, summary.AsOf, summary.ValueRunId, summary.Seed, summary.ControlShare, summary.Candidates, summary.Test, summary.Control,
             summary.ExcludedHoldout, summary.ExcludedOverlap, summary.ExcludedCap, summary.ExcludedNoChannel, now, user.UserName],
        ], ct);
        var detail = JsonSerializer.Serialize(new
        {
            seed = summary.Seed, controlShare = summary.ControlShare, valueRunId = summary.ValueRunId, candidates = summary.Candidates,
            test = summary.Test, control = summary.Control, excludedHoldout = summary.ExcludedHoldout, excludedOverlap = summary.ExcludedOverlap,
            excludedCap = summary.ExcludedCap, excludedNoChannel = summary.ExcludedNoChannel,
            upliftTopN = plan.Uplift?.Targeting.TopN, excludedNegativeUplift = plan.Uplift?.Negative, excludedBelowUpliftCut = plan.Uplift?.BelowCut,
            takenFrom = plan.Taken.OrderBy(t => t.Key).Select(t => new { campaignId = t.Key, members = t.Value.Count }).ToArray(),
        });
        await writer.WriteAsync(Events, [[campaign.Id, now, user.UserName, CampaignEventKind.Split, detail]], ct);
        await writer.CommitAsync(ct);
    }

    /// <summary>
    /// Takes <paramref name="customers"/> from the losing campaign <paramref name="loser"/> in the split's transaction:
    /// their member rows become Excluded/Overlap unless that campaign contacted them meanwhile (a contacted customer
    /// stays where they are), their contacts still Pending or Deferred become Blocked (Superseded), its split counts are
    /// recounted from its members, and its history says who took how many.
    /// </summary>
    private static async Task TakeAsync(BulkWriter writer, Campaign winner, long loser, List<long> customers, CrmUser user, DateTime now, CancellationToken ct)
    {
        var id = loser.ToString(CultureInfo.InvariantCulture);
        int moved = 0, blocked = 0;
        // Ids are ours (longs written invariant), never user input; chunks keep each statement's text short.
        foreach (var chunk in customers.Chunk(500))
        {
            var list = string.Join(", ", chunk.Select(c => c.ToString(CultureInfo.InvariantCulture)));
            moved += await ExecuteAsync(writer, $"""
                UPDATE campaign_member SET arm = 'Excluded', exclusion = 'Overlap'
                WHERE campaign_id = {id} AND arm IN ('Test', 'Control') AND customer_id IN ({list})
                  AND NOT EXISTS (SELECT 1 FROM campaign_contact cc WHERE cc.campaign_id = {id} AND cc.customer_id = campaign_member.customer_id AND {Contacted})
                """, ct);
            blocked += await ExecuteAsync(writer, $"""
                UPDATE campaign_contact SET state = 'Blocked', reasons = '{CampaignBlockReason.Superseded}'
                WHERE campaign_id = {id} AND state IN ('Pending', 'Deferred') AND customer_id IN ({list})
                  AND EXISTS (SELECT 1 FROM campaign_member m WHERE m.campaign_id = {id} AND m.customer_id = campaign_contact.customer_id AND m.exclusion = 'Overlap')
                """, ct);
        }
        await ExecuteAsync(writer, $"""
            UPDATE campaign_split SET
              test = (SELECT count(*) FROM campaign_member m WHERE m.campaign_id = {id} AND m.arm = 'Test'),
              control = (SELECT count(*) FROM campaign_member m WHERE m.campaign_id = {id} AND m.arm = 'Control'),
              excluded_overlap = (SELECT count(*) FROM campaign_member m WHERE m.campaign_id = {id} AND m.exclusion = 'Overlap')
            WHERE campaign_id = {id}
            """, ct);
        var detail = JsonSerializer.Serialize(new { overlapLostTo = winner.Id, overlapLostToCode = winner.Code, members = moved, contactsBlocked = blocked });
        await writer.WriteAsync(Events, [[loser, now, user.UserName, CampaignEventKind.Split, detail]], ct);
    }

    private static async Task<int> ExecuteAsync(BulkWriter writer, string sql, CancellationToken ct)
    {
        await using var command = writer.Connection.CreateCommand();
        command.Transaction = writer.Transaction;
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync(ct);
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
