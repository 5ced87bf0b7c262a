using System.Globalization;
using System.Text;
using System.Text.Json;
using InsureCrm.Analytics.Learning;
using InsureCrm.Analytics.Uplift;
using InsureCrm.Core.Common;
using InsureCrm.Core.Models;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Campaigns.Uplift;

/// <summary>
/// Learns uplift from a finished pilot (docs/campaigns.md, "Uplift"). The pilot already is the randomised test uplift
/// models need: its Test and Control members are the rows; the features are the CRM's point-in-time customer features
/// (<see cref="InsurerFeatures"/>) as of the day before it started, so nothing the campaign caused leaks into them; the
/// treatment is the Test arm (intention to treat: a Test member the contact policy blocked counts as treated, as the
/// pilot's own measured result counts them); the outcome is a response attributed in its window
/// (<c>campaign_response</c>, any kind of the objective). <see cref="UpliftTraining"/> holds 30 % out, tries every
/// approach (<c>auto</c>) and keeps the best held-out Qini coefficient, refitted on every row.
/// </summary>
internal sealed class PilotUplift(CrmDatabase database, TimeProvider time) : IPilotUplift
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Share of the members held out to measure the model and choose the approach.</summary>
    public const double HeldOut = 0.3;

    /// <summary>The classifier under two-model and class transformation.</summary>
    public const string Classifier = "logistic";

    private const int ChunkIds = 5_000;

    /// <summary>How many of the chosen members the targeting view lists, highest uplift first.</summary>
    public const int ChosenShown = 20;

    /// <summary>
    /// The feature added to the customer features: 1 when the campaign planned a contact for the member on one of its
    /// channels (reachable, with consent, when it was split), else 0. A contact that cannot be made changes nothing, so
    /// without it a model cannot tell the members the pilot could not reach from those it did not move.
    /// </summary>
    public static readonly Feature PlannedContact = Feature.Numeric("plannedContact");

    /// <summary>
    /// The member's planned channel one-hot, one 0/1 feature per channel kind (<c>plannedEmail</c>, <c>plannedSms</c>, …;
    /// all 0 when no channel was planned), so that a model can tell the channels apart. A channel the pilot did not use
    /// is 0 on every row it learns from, so it moves nothing when a roll-out on that channel is scored.
    /// </summary>
    public static IReadOnlyList<Feature> PlannedChannels { get; } = [.. Enum.GetValues<CampaignChannelKind>().Select(k => Feature.Numeric(ChannelFeature(k)))];

    /// <summary>The features of a pilot's uplift model: the customer features, <see cref="PlannedContact"/> and <see cref="PlannedChannels"/>.</summary>
    public static IReadOnlyList<Feature> Features { get; } = [.. InsurerFeatures.Features, PlannedContact, .. PlannedChannels];

    /// <summary>The name of the one-hot feature of <paramref name="channel"/>: <c>planned</c> and the kind's name.</summary>
    public static string ChannelFeature(CampaignChannelKind channel) => "planned" + channel;

    /// <summary>
    /// The member features of a model that follow the customer features, by name (a model learnt before the channel
    /// features carries <see cref="PlannedContact"/> alone): one column per feature for <paramref name="ids"/>, from each
    /// member's planned channel (absent or null: none planned).
    /// </summary>
    internal static double[][] MemberColumns(IReadOnlyList<Feature> modelFeatures, long[] ids, IReadOnlyDictionary<long, CampaignChannelKind?> planned)
    {
        var first = InsurerFeatures.Features.Count;
        var columns = new double[modelFeatures.Count - first][];
        for (var j = first; j < modelFeatures.Count; j++)
        {
            var name = modelFeatures[j].Name;
            var channel = Enum.GetValues<CampaignChannelKind>().Cast<CampaignChannelKind?>().FirstOrDefault(k => ChannelFeature(k!.Value) == name);
            if (name != PlannedContact.Name && channel is null)
            {
                throw new InvalidDataException($"The uplift model has a feature '{name}' that is not a customer or member feature of this build.");
            }
            columns[j - first] = [.. ids.Select(id => planned.TryGetValue(id, out var c) && c is { } kind
                ? (channel is null || channel == kind ? 1.0 : 0.0)
                : 0.0)];
        }
        return columns;
    }

    /// <summary>A pilot's rows: member ids, features, treatment and outcome.</summary>
    internal sealed record TrainingSet(long[] CustomerIds, Table Data, bool[] Treated, bool[] Responded, int Skipped, DateOnly AsOf);

    public async Task<CampaignResult<PilotUpliftModel>> LearnAsync(CrmUser user, long campaignId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!CanLearn(user))
        {
            return CampaignResult.Forbidden<PilotUpliftModel>();
        }
        var (campaign, problem) = await LearnableAsync(campaignId, ct);
        if (campaign is null)
        {
            return problem is null ? CampaignResult.NotFound<PilotUpliftModel>() : CampaignResult.Conflict<PilotUpliftModel>(problem, 0);
        }
        var set = await BuildAsync(campaign, ct);
        var counts = Counts(set.Treated, set.Responded);
        if (Unlearnable(campaign.Code, counts) is { } why)
        {
            return CampaignResult.Conflict<PilotUpliftModel>(why, campaign.Version);
        }
        var seed = (int)(campaign.SplitSeed & 0x7FFFFFFF);
        UpliftTrainingResult trained;
        try
        {
            trained = await Task.Run(() => UpliftTraining.Train(set.Data, set.Treated, set.Responded,
                new UpliftTrainingOptions
                {
                    Algorithm = UpliftTrainingOptions.Auto, Classifier = Classifier, Validation = HeldOut, Seed = seed, Refit = true,
                    Reach = PlannedContact.Name,
                }), ct);
        }
        catch (ArgumentException ex)
        {
            return CampaignResult.Conflict<PilotUpliftModel>($"{campaign.Code}: {ex.Message}", campaign.Version);
        }
        var measures = trained.HeldOut is { } e ? Measures(e, trained.Candidates, trained.Flat, trained.CandidateErrors) : null;
        var now = time.GetUtcNow().UtcDateTime;
        await using var ctx = database.CreateContext();
        await using var tx = await ctx.Database.BeginTransactionAsync(ct);
        var version = (await ctx.CampaignUpliftModels.Where(m => m.CampaignId == campaign.Id).MaxAsync(m => (int?)m.Version, ct) ?? 0) + 1;
        var row = new CampaignUpliftModel
        {
            CampaignId = campaign.Id, Version = version, Algorithm = trained.Model.Algorithm, Classifier = Classifier, FeaturesAsOf = set.AsOf,
            Rows = counts.Rows, Treated = counts.Treated, TreatedResponders = counts.TreatedResponders, Control = counts.Control,
            ControlResponders = counts.ControlResponders, Skipped = set.Skipped, HeldOutRows = trained.HeldOutRows.Length,
            Qini = trained.HeldOut?.QiniCoefficient is { } q && double.IsFinite(q) ? q : null,
            Evaluation = measures is null ? "{}" : JsonSerializer.Serialize(measures, Json),
            Artifact = UpliftModelJson.Write(trained.Model), TrainedBy = user.UserName, TrainedAt = now,
        };
        ctx.CampaignUpliftModels.Add(row);
        ctx.CampaignEvents.Add(new CampaignEvent
        {
            CampaignId = campaign.Id, At = now, UserName = user.UserName, Kind = CampaignEventKind.UpliftLearned,
            Detail = JsonSerializer.Serialize(new { version, algorithm = row.Algorithm, rows = row.Rows, heldOut = row.HeldOutRows, qini = row.Qini, featuresAsOf = row.FeaturesAsOf }),
        });
        await ctx.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return CampaignResult.Ok(View(row, campaign.Code));
    }

    public async Task<CampaignResult<PilotUpliftModel?>> LatestAsync(CrmUser user, long campaignId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.Role.Allows(Capability.CampaignView))
        {
            return CampaignResult.Forbidden<PilotUpliftModel?>();
        }
        await using var ctx = database.CreateContext();
        var code = await ctx.Campaigns.AsNoTracking().Where(c => c.Id == campaignId).Select(c => c.Code).SingleOrDefaultAsync(ct);
        if (code is null)
        {
            return CampaignResult.NotFound<PilotUpliftModel?>();
        }
        var row = await ctx.CampaignUpliftModels.AsNoTracking().Where(m => m.CampaignId == campaignId).OrderByDescending(m => m.Version).FirstOrDefaultAsync(ct);
        return CampaignResult.Ok<PilotUpliftModel?>(row is null ? null : View(row, code));
    }

    public async Task<CampaignResult<int>> ExportAsync(CrmUser user, long campaignId, Stream output, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(output);
        if (!CanLearn(user))
        {
            return CampaignResult.Forbidden<int>();
        }
        var (campaign, problem) = await LearnableAsync(campaignId, ct);
        if (campaign is null)
        {
            return problem is null ? CampaignResult.NotFound<int>() : CampaignResult.Conflict<int>(problem, 0);
        }
        var set = await BuildAsync(campaign, ct);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\r\n" };
        var features = set.Data.Features;
        await writer.WriteLineAsync("customer_id," + string.Join(",", features.Select(f => f.Name)) + ",treated,responded");
        var line = new StringBuilder();
        for (var r = 0; r < set.CustomerIds.Length; r++)
        {
            line.Clear().Append(set.CustomerIds[r].ToString(CultureInfo.InvariantCulture));
            for (var j = 0; j < features.Count; j++)
            {
                var v = set.Data[r, j];
                line.Append(',').Append(double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture));
            }
            line.Append(set.Treated[r] ? ",1" : ",0").Append(set.Responded[r] ? ",1" : ",0");
            await writer.WriteLineAsync(line, ct);
        }
        await writer.FlushAsync(ct);
        return CampaignResult.Ok(set.CustomerIds.Length);
    }

    public async Task<UpliftTargetingView?> TargetingAsync(long campaignId, CancellationToken ct = default)
    {
        await using var ctx = database.CreateContext();
        var row = await (
            from t in ctx.CampaignUpliftTargetings.AsNoTracking()
            join m in ctx.CampaignUpliftModels.AsNoTracking() on t.ModelId equals m.Id
            join p in ctx.Campaigns.AsNoTracking() on m.CampaignId equals p.Id
            where t.CampaignId == campaignId
            select new
            {
                View = new UpliftTargetingView(t.CampaignId, t.ModelId, p.Id, p.Code, m.Version, t.TopN, t.KeepNegative, t.Scored, t.Negative, t.BelowCut,
                    t.ExpectedIncremental, t.ExpectedIncrementalByResponse, t.ValuePerResponse, t.UnitCost, t.ResponseModel),
                m.Evaluation,
            }).SingleOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }
        var view = row.View with { ModelRandomOrderP = Measures(row.Evaluation)?.RandomOrderP };
        if (view.Scored is null)
        {
            return view;
        }
        var chosen = await (
            from s in ctx.CampaignUpliftScores.AsNoTracking()
            join m in ctx.CampaignMembers.AsNoTracking() on new { s.CampaignId, s.CustomerId } equals new { m.CampaignId, m.CustomerId }
            where s.CampaignId == campaignId && (m.Arm == CampaignArm.Test || m.Arm == CampaignArm.Control)
            orderby s.Rank
            select new { s.CustomerId, m.Arm, s.Uplift, s.Rank, s.Reasons }).ToListAsync(ct);
        var reasons = chosen.Select(c => c.Reasons);
        var top = chosen.Take(ChosenShown).Select(c => new MemberUplift(c.CustomerId, c.Arm, c.Uplift, c.Rank, InsurerModelScorer.ReadReasons(c.Reasons))).ToList();
        var counts = reasons.SelectMany(InsurerModelScorer.ReadReasons).GroupBy(r => r.Feature, StringComparer.Ordinal)
            .Select(g => new UpliftReasonCount(g.Key, g.Count(), g.Count(r => r.Effect > 0)))
            .OrderByDescending(r => r.Members).ThenBy(r => r.Feature, StringComparer.Ordinal).Take(5).ToList();
        return view with { Reasons = counts, Chosen = top };
    }

    internal static bool CanLearn(CrmUser user) => user.Role.Allows(Capability.CampaignEdit) || user.Role.Allows(Capability.CampaignApprove);

    /// <summary>The campaign when uplift can be learnt from it; otherwise null and why (null: not found).</summary>
    private async Task<(Campaign? Campaign, string? Problem)> LearnableAsync(long campaignId, CancellationToken ct)
    {
        await using var ctx = database.CreateContext();
        var campaign = await ctx.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null)
        {
            return (null, null);
        }
        if (campaign.State is not (CampaignState.Measuring or CampaignState.Closed))
        {
            return (null, $"{campaign.Code} is {campaign.State}: uplift is learnt from a campaign whose window has ended (Measuring or Closed), once its responses are attributed.");
        }
        if (!await ctx.CampaignAttributions.AnyAsync(a => a.CampaignId == campaignId, ct))
        {
            return (null, $"{campaign.Code} has no attributed responses yet; attribute them first.");
        }
        return (campaign, null);
    }

    /// <summary>Why the arms cannot teach an uplift model, or null when they can.</summary>
    internal static string? Unlearnable(string code, UpliftArms arms) =>
        arms.Control == 0 ? $"{code} has no Control members: without a group that was not contacted there is no uplift to learn."
        : arms.Treated == 0 ? $"{code} has no Test members."
        : arms.TreatedResponders == 0 || arms.ControlResponders == 0 ? $"{code}: each arm needs responders to learn from (Test {arms.TreatedResponders}, Control {arms.ControlResponders})."
        : arms.TreatedResponders == arms.Treated || arms.ControlResponders == arms.Control ? $"{code}: every member of an arm responded; there is nothing to tell apart."
        : arms.Rows < 100 ? $"{code} has {arms.Rows} members in Test and Control; at least 100 are needed to learn and measure an uplift model."
        : null;

    /// <summary>The Test and Control members still live, their features as of the day before the start, the arm and whether they responded.</summary>
    internal async Task<TrainingSet> BuildAsync(Campaign campaign, CancellationToken ct)
    {
        var asOf = campaign.StartsOn.AddDays(-1);
        await using var ctx = database.CreateContext();
        var members = await ctx.CampaignMembers.AsNoTracking()
            .Where(m => m.CampaignId == campaign.Id && (m.Arm == CampaignArm.Test || m.Arm == CampaignArm.Control))
            .OrderBy(m => m.CustomerId).Select(m => new { m.CustomerId, m.Arm, m.PlannedChannel }).ToListAsync(ct);
        var responders = (await ctx.CampaignResponses.AsNoTracking().Where(r => r.CampaignId == campaign.Id).Select(r => r.CustomerId).Distinct().ToListAsync(ct))
            .ToHashSet();
        var terminations = await InsurerFeatures.AgentTerminationsAsync(ctx, ct);
        var ids = members.Select(m => m.CustomerId).ToArray();
        var arm = members.ToDictionary(m => m.CustomerId, m => m.Arm == CampaignArm.Test);
        var planned = members.ToDictionary(m => m.CustomerId, m => m.PlannedChannel);
        var (kept, columns) = await FeaturesAsync(ctx, ids, asOf, terminations, ct);
        var treated = kept.Select(id => arm[id]).ToArray();
        var responded = kept.Select(responders.Contains).ToArray();
        return new TrainingSet(kept, new Table(Features, [.. columns, .. MemberColumns(Features, kept, planned)]), treated, responded, ids.Length - kept.Length, asOf);
    }

    /// <summary>
    /// The point-in-time features of <paramref name="ids"/> (sorted) as of <paramref name="asOf"/>, computed over id
    /// ranges of at most <see cref="ChunkIds"/> of them; ids the features leave out (merged or erased since, a stored
    /// value out of range) are dropped. Returns the kept ids in order and one column per feature.
    /// </summary>
    internal static async Task<(long[] Ids, double[][] Columns)> FeaturesAsync(
        CrmDbContext ctx, long[] ids, DateOnly asOf, IReadOnlyDictionary<long, DateOnly> terminations, CancellationToken ct)
    {
        var featureCount = InsurerFeatures.Features.Count;
        var kept = new List<long>(ids.Length);
        var columns = Enumerable.Range(0, featureCount).Select(_ => new List<double>(ids.Length)).ToArray();
        foreach (var chunk in ids.Chunk(ChunkIds))
        {
            var block = await InsurerFeatures.ComputeAsync(ctx, chunk[0], chunk[^1], asOf, withLabels: false, terminations, ct);
            var wanted = chunk.ToHashSet();
            for (var r = 0; r < block.Rows; r++)
            {
                if (!wanted.Contains(block.CustomerIds[r]))
                {
                    continue;
                }
                kept.Add(block.CustomerIds[r]);
                for (var j = 0; j < featureCount; j++)
                {
                    columns[j].Add(block.Columns[j][r]);
                }
            }
        }
        return ([.. kept], [.. columns.Select(c => c.ToArray())]);
    }

    internal static UpliftArms Counts(bool[] treated, bool[] responded)
    {
        int t = 0, tr = 0, c = 0, cr = 0;
        for (var i = 0; i < treated.Length; i++)
        {
            if (treated[i])
            {
                t++;
                tr += responded[i] ? 1 : 0;
            }
            else
            {
                c++;
                cr += responded[i] ? 1 : 0;
            }
        }
        return new UpliftArms(t, tr, c, cr);
    }

    private static UpliftArms Arms(UpliftCounts c) => new(c.Treated, c.TreatedResponders, c.Control, c.ControlResponders);

    /// <summary>The held-out measures as stored: the curve and the random line cut to at most 101 points (every 1 %, and the ends).</summary>
    internal static UpliftMeasures Measures(
        UpliftEvaluation e, IReadOnlyList<KeyValuePair<string, double>> candidates, IReadOnlyList<string> flat, IReadOnlyList<KeyValuePair<string, double>> errors) => new(
        Arms(e.Rows), e.QiniCoefficient, Sample(e.QiniCurve), Sample(e.RandomLine),
        [.. e.Deciles.Select(d => new UpliftDecile(d.Group, Arms(d.Rows), d.MeanPredicted))],
        Arms(e.Top10), Arms(e.Top20), Arms(e.Top30),
        [.. candidates.Select(c => new UpliftCandidate(c.Key, c.Value, !flat.Contains(c.Key), errors.FirstOrDefault(x => x.Key == c.Key).Value))],
        double.IsNaN(e.RandomOrderP) ? null : e.RandomOrderP);

    private static List<UpliftCurvePoint> Sample(IReadOnlyList<QiniPoint> curve)
    {
        var points = new List<UpliftCurvePoint>();
        var next = 0.0;
        for (var i = 0; i < curve.Count; i++)
        {
            var p = curve[i];
            if (i == 0 || i == curve.Count - 1 || p.Share >= next - 1e-12)
            {
                points.Add(new UpliftCurvePoint(p.Share, p.IncrementalResponses));
                next = Math.Floor(p.Share * 100 + 1e-9) / 100 + 0.01;
            }
        }
        return points;
    }

    internal static PilotUpliftModel View(CampaignUpliftModel m, string code) => new(
        m.Id, m.CampaignId, code, m.Version, m.Algorithm, m.Classifier, m.FeaturesAsOf,
        new UpliftArms(m.Treated, m.TreatedResponders, m.Control, m.ControlResponders), m.Skipped, m.HeldOutRows, m.Qini,
        Measures(m.Evaluation), m.TrainedBy, m.TrainedAt);

    /// <summary>A model's stored held-out measures; null for a model stored without any.</summary>
    private static UpliftMeasures? Measures(string evaluation) =>
        evaluation is { Length: > 2 } json ? JsonSerializer.Deserialize<UpliftMeasures>(json, Json) : null;
}
