using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Planning;
using InsureCrm.Core.Policies;

namespace InsureCrm.Core.Synthetic;

/// <summary>
/// One campaign the generator plants in the history, its dates relative to the as-of date. <c>Key</c> is stable within
/// the plan (1, 2, 3) and part of the campaign's split seed; <c>ParentKey</c> is the pilot a roll-out rolls out.
/// </summary>
internal sealed record PlannedCampaign(
    int Key, string Code, string Name, DateOnly StartsOn, DateOnly EndsOn, int WindowDays, CampaignState State, bool IsPilot, int? ParentKey,
    IReadOnlyList<CampaignChannelKind> Channels, IReadOnlyList<ProductFamily> ObjectiveFamilies, decimal ControlShare)
{
    /// <summary>The split seed: the generator's seed and the campaign's key, so another seed gives another split.</summary>
    public long SplitSeed(int seed) => ((long)seed << 8) | (uint)Key;

    /// <summary>Months of the window (start to <c>ends_on + window_days</c>), the w of the truth's probabilities.</summary>
    public double WindowMonths => (EndsOn.DayNumber + WindowDays - StartsOn.DayNumber + 1) / 30.4375;
}

/// <summary>Where a customer of a planted campaign's list landed.</summary>
internal enum PlantedArm { Holdout, Test, Control }

/// <summary>
/// The synthetic insurer's past campaigns (docs/plans/issue12-campaigns.md section 9): a closed e-mail + SMS "health
/// gap" pilot that started 9 months before the as-of date, its closed roll-out (agents and call list) 5 months before,
/// and a running e-mail + agent campaign that started 20 days before. All target individuals of 30–59 holding at least
/// one active contract and no Health, CriticalIllness or Cancer contract. The assignment uses the product's own pure
/// functions (<see cref="UniversalHoldout"/>, <see cref="SplitHash"/>); since a chunk cannot see the others, the
/// generator's splits are simple Bernoulli splits, not the product's stratified one.
/// </summary>
internal static class CampaignPlan
{
    public static readonly IReadOnlyList<ProductFamily> HealthGap = [ProductFamily.Health, ProductFamily.CriticalIllness, ProductFamily.Cancer];

    /// <summary>The three campaigns for a history ending on <paramref name="asOf"/>.</summary>
    public static IReadOnlyList<PlannedCampaign> For(DateOnly asOf) =>
    [
        new(1, "C-SYN-001", "건강 공백 파일럿", asOf.AddMonths(-9), asOf.AddMonths(-9).AddDays(29), 60, CampaignState.Closed, true, null,
            [CampaignChannelKind.Email, CampaignChannelKind.Sms], HealthGap, 0.2m),
        new(2, "C-SYN-002", "건강 공백 전사 확산", asOf.AddMonths(-5), asOf.AddMonths(-5).AddDays(29), 60, CampaignState.Closed, false, 1,
            [CampaignChannelKind.Agent, CampaignChannelKind.CallList], HealthGap, 0.1m),
        new(3, "C-SYN-003", "건강 공백 2차", asOf.AddDays(-20), asOf.AddDays(9), 60, CampaignState.Running, true, null,
            [CampaignChannelKind.Email, CampaignChannelKind.Agent], HealthGap, 0.2m),
    ];

    /// <summary>The rule of every planted campaign, evaluated on the simulation's state at the start.</summary>
    public static bool Eligible(bool person, int age, int activeHoldings, bool holdsObjectiveFamily) =>
        person && age is >= 30 and <= 59 && activeHoldings >= 1 && !holdsObjectiveFamily;

    /// <summary>The arm of an eligible customer: the year's universal holdout first, then Control with the campaign's share.</summary>
    public static PlantedArm Assign(PlannedCampaign campaign, int seed, long holdoutSalt, decimal holdoutShare, long customerId)
    {
        if (UniversalHoldout.Contains(holdoutSalt, holdoutShare, customerId))
        {
            return PlantedArm.Holdout;
        }
        return SplitHash.IsBelow(campaign.SplitSeed(seed), customerId, (double)campaign.ControlShare) ? PlantedArm.Control : PlantedArm.Test;
    }

    /// <summary>
    /// The truth of one member (draws nothing): with monthly purchase hazard λ₀ of the objective families at the start,
    /// p₀ = 1 − exp(−w·λ₀) without the campaign and p₁ = 1 − exp(−w·λ₀·exp(β)) when reached; the intent-to-treat uplift
    /// is reachable·(p₁ − p₀).
    /// </summary>
    public static (double PControl, double PTreated, double TrueUplift) Truth(double monthlyHazard, double beta, double windowMonths, bool reachable)
    {
        var p0 = SyntheticRandom.WithinMonths(monthlyHazard, windowMonths);
        var p1 = SyntheticRandom.WithinMonths(monthlyHazard * Math.Exp(beta), windowMonths);
        return (p0, p1, reachable ? p1 - p0 : 0);
    }
}
