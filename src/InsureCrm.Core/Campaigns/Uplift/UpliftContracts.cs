using InsureCrm.Core.Security;

namespace InsureCrm.Core.Campaigns.Uplift;

// What hosts see of uplift (issue 13). Like Contracts.cs, no type here comes from InsureCrm.Analytics (decision 0003).

/// <summary>Rows of a test's two arms and their responders, with the rates and the observed uplift.</summary>
public sealed record UpliftArms(int Treated, int TreatedResponders, int Control, int ControlResponders)
{
    public int Rows => Treated + Control;
    public double TreatedRate => Treated == 0 ? double.NaN : (double)TreatedResponders / Treated;
    public double ControlRate => Control == 0 ? double.NaN : (double)ControlResponders / Control;
    /// <summary>Treated rate − control rate: the average effect of contacting.</summary>
    public double Uplift => TreatedRate - ControlRate;
}

/// <summary>A point of the Qini curve: the top <see cref="Share"/> of rows by predicted uplift and the responses contacting them adds.</summary>
public sealed record UpliftCurvePoint(double Share, double Incremental);

/// <summary>One tenth of the held-out rows by predicted uplift (1 = the highest), what its arms did and the mean prediction.</summary>
public sealed record UpliftDecile(int Decile, UpliftArms Arms, double MeanPredicted);

/// <summary>
/// One approach tried by <c>auto</c>: its mean Qini coefficient over the folds of the training part with its standard
/// error (models stored before folds carry the held-out Qini and no error), and whether it ranked: false when it gave
/// every reachable member of a fold the same uplift, so <c>auto</c> did not choose it while another approach ranked
/// (true in models stored before this was recorded).
/// </summary>
public sealed record UpliftCandidate(string Algorithm, double Qini, bool Ranks = true, double? Error = null);

/// <summary>
/// An uplift model's measures on the rows held out of its training: the Qini coefficient (0 = random ranking, 1 = the
/// best possible), the Qini curve (at most 101 points) with the random line, uplift by decile and among the top 10,
/// 20 and 30 %, each approach tried, and the chance that a random order of the reachable members ranks them at least as
/// well (<see cref="RandomOrderP"/>; null in models stored before it was recorded).
/// </summary>
public sealed record UpliftMeasures(
    UpliftArms Arms, double Qini, IReadOnlyList<UpliftCurvePoint> Curve, IReadOnlyList<UpliftCurvePoint> Random, IReadOnlyList<UpliftDecile> Deciles,
    UpliftArms Top10, UpliftArms Top20, UpliftArms Top30, IReadOnlyList<UpliftCandidate> Candidates, double? RandomOrderP = null)
{
    /// <summary>Whether the order is better than random at the 5 % level: false when a random order did as well in 5 % or more of 999 draws, null when not recorded.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool? BeatsRandom => BeatsRandomAt(RandomOrderP);

    /// <summary>Whether a random-order p says the order beats random orders, at the 5 % level; null for no p.</summary>
    public static bool? BeatsRandomAt(double? randomOrderP) => randomOrderP is { } p ? p < 0.05 : null;
}

/// <summary>An uplift model learnt from a pilot, as pages and the CLI show it.</summary>
public sealed record PilotUpliftModel(
    long Id, long CampaignId, string CampaignCode, int Version, string Algorithm, string Classifier, DateOnly FeaturesAsOf,
    UpliftArms Rows, int Skipped, int HeldOutRows, double? Qini, UpliftMeasures? Measures, string TrainedBy, DateTime TrainedAt);

/// <summary>What the split of an uplift-targeted roll-out found (null figures before its first split).</summary>
public sealed record UpliftTargetingView(
    long CampaignId, long ModelId, long PilotId, string PilotCode, int ModelVersion, int TopN, bool KeepNegative,
    int? Scored, int? Negative, int? BelowCut, double? ExpectedIncremental, double? ExpectedIncrementalByResponse,
    decimal? ValuePerResponse, decimal? UnitCost, string? ResponseModel)
{
    /// <summary>Why the chosen members were chosen, in aggregate: how many of them have each feature among their top reasons, and which way it moved their uplift (most frequent first).</summary>
    public IReadOnlyList<UpliftReasonCount> Reasons { get; init; } = [];

    /// <summary>
    /// The model's random-order test on the pilot's held-out members (<see cref="UpliftMeasures.RandomOrderP"/>): at 0.05
    /// or above its order was not distinguishable from a random one, so the chosen N are close to a random draw. Null
    /// when the model recorded none.
    /// </summary>
    public double? ModelRandomOrderP { get; init; }

    /// <summary>The chosen members with the highest predicted uplift (at most <c>PilotUplift.ChosenShown</c>), each with its arm and reasons.</summary>
    public IReadOnlyList<MemberUplift> Chosen { get; init; } = [];

    /// <summary>Expected incremental profit of the chosen customers: incremental responses × value per response − contacts × unit cost.</summary>
    public decimal? ExpectedProfit(double? incremental, int contacted) =>
        incremental is { } inc && ValuePerResponse is { } v && UnitCost is { } c ? (decimal)inc * v - contacted * c : null;
}

/// <summary>A feature among the chosen members' top reasons: how many times, and how many of those raised their uplift.</summary>
public sealed record UpliftReasonCount(string Feature, int Members, int Raising);

/// <summary>A member's predicted uplift, rank and reasons (feature, value, effect on the uplift).</summary>
public sealed record MemberUplift(long CustomerId, CampaignArm Arm, double Uplift, int Rank, IReadOnlyList<Models.ScoreReason> Reasons);

/// <summary>Learning uplift from finished pilots and reading what was learnt.</summary>
public interface IPilotUplift
{
    /// <summary>
    /// Learns an uplift model from the Test and Control members of a Measuring or Closed campaign: features as of the
    /// day before it started, the outcome a response in its window, the approach chosen by held-out Qini. Adds a version.
    /// </summary>
    Task<CampaignResult<PilotUpliftModel>> LearnAsync(CrmUser user, long campaignId, CancellationToken ct = default);

    /// <summary>The newest uplift model of a campaign, or null when none was learnt.</summary>
    Task<CampaignResult<PilotUpliftModel?>> LatestAsync(CrmUser user, long campaignId, CancellationToken ct = default);

    /// <summary>Writes the training set <see cref="LearnAsync"/> would use as CSV (customer_id, the features, treated, responded); returns its rows.</summary>
    Task<CampaignResult<int>> ExportAsync(CrmUser user, long campaignId, Stream output, CancellationToken ct = default);

    /// <summary>The uplift targeting of a roll-out, or null when it targets by its rule alone.</summary>
    Task<UpliftTargetingView?> TargetingAsync(long campaignId, CancellationToken ct = default);
}
