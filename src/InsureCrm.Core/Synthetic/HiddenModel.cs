using InsureCrm.Core.Agents;

namespace InsureCrm.Core.Synthetic;

/// <summary>
/// The hidden behaviour of the synthetic insurer: monthly hazard rates that drive the simulation and
/// that the truth file reports at its truth date (the as-of date unless <c>--truth-at</c> says otherwise). Every formula here is documented in
/// docs/synthetic-insurer.md; change both together.
/// </summary>
internal static class HiddenModel
{
    /// <summary>Premium burden is capped so a few extreme ratios do not dominate.</summary>
    public const double BurdenCap = 0.6;

    /// <summary>
    /// Monthly lapse hazard of one premium-paying contract:
    /// 0.0045 · exp(3.0·min(B, 0.6) + 0.9·orphaned + 0.45·reassigned-to-CS + 1.1·unresolved-complaint
    /// + 0.5·first-24-months + 0.35·no-auto-payment − 0.3·engagement).
    /// </summary>
    public static double LapseRate(double burden, bool orphaned, bool reassignedToCs, bool unresolvedComplaint,
        bool early, bool manualPayment, double engagement) =>
        0.0045 * Math.Exp(
            3.0 * Math.Min(burden, BurdenCap)
            + (orphaned ? 0.9 : 0.0)
            + (reassignedToCs ? 0.45 : 0.0)
            + (unresolvedComplaint ? 1.1 : 0.0)
            + (early ? 0.5 : 0.0)
            + (manualPayment ? 0.35 : 0.0)
            - 0.3 * engagement);

    /// <summary>Monthly surrender hazard after 24 months: 0.0012 · exp(1.5·B + 0.5·orphaned) · (2 for savings-like).</summary>
    public static double SurrenderRate(double burden, bool orphaned, bool savingsLike) =>
        0.0012 * Math.Exp(1.5 * Math.Min(burden, BurdenCap) + (orphaned ? 0.5 : 0.0)) * (savingsLike ? 2.0 : 1.0);

    /// <summary>Monthly hazard of converting a whole-life type contract to paid-up after 36 months.</summary>
    public static double PaidUpRate(double burden) => 0.0006 * Math.Exp(2.0 * Math.Min(burden, BurdenCap));

    /// <summary>Monthly reinstatement hazard of a lapsed contract during its first 24 months.</summary>
    public static double ReinstatementRate(double engagement) => 0.012 * Math.Exp(0.3 * engagement);

    /// <summary>
    /// Monthly purchase propensity of a living adult (or a company):
    /// 0.0045 · exp(0.4·engagement + 1.2·life-event-in-12-months + 0.7·contact-in-3-months
    /// + 0.25·min(active holdings, 4) − 0.03·max(0, age − 55)).
    /// </summary>
    public static double PurchaseRate(double engagement, bool lifeEvent, bool recentContact, int activeHoldings, int age) =>
        0.0045 * Math.Exp(
            0.4 * engagement
            + (lifeEvent ? 1.2 : 0.0)
            + (recentContact ? 0.7 : 0.0)
            + 0.25 * Math.Min(activeHoldings, 4)
            - 0.03 * Math.Max(0, age - 55));

    /// <summary>
    /// The planted campaign stratum (docs/plans/issue12-campaigns.md section 9): the band of active holdings at the
    /// campaign's start, <c>1</c> (at most one), <c>2-3</c> or <c>4+</c>.
    /// </summary>
    public static string CampaignStratum(int activeHoldings) => activeHoldings <= 1 ? "1" : activeHoldings <= 3 ? "2-3" : "4+";

    /// <summary>
    /// β of the planted campaign effect: a reached Test member's purchase hazard of the objective families is multiplied
    /// by exp(β) during the window; customers with few holdings have most to gain (1 → 1.0, 2-3 → 0.6, 4+ → 0.2).
    /// </summary>
    public static double CampaignUplift(string stratum) => stratum switch
    {
        "1" => 1.0,
        "2-3" => 0.6,
        "4+" => 0.2,
        _ => throw new ArgumentOutOfRangeException(nameof(stratum), stratum, "Not a planted campaign stratum (1, 2-3, 4+)."),
    };

    /// <summary>
    /// Monthly loan propensity (ages 25-65): 0.0012 · exp(0.5·holds-insurance + 0.5·income ≥ 60M
    /// + 0.6·life-event + 0.4·recent-contact − 1.0·has-active-loan).
    /// </summary>
    public static double LoanRate(int age, bool holdsInsurance, double annualIncome, bool lifeEvent, bool recentContact, bool hasActiveLoan) =>
        age is < 25 or > 65
            ? 0.0
            : 0.0012 * Math.Exp(
                (holdsInsurance ? 0.5 : 0.0)
                + (annualIncome >= 60_000_000 ? 0.5 : 0.0)
                + (lifeEvent ? 0.6 : 0.0)
                + (recentContact ? 0.4 : 0.0)
                - (hasActiveLoan ? 1.0 : 0.0));

    /// <summary>Monthly loan delinquency hazard: 0.003 · exp(3·min(B, 0.6)).</summary>
    public static double DelinquencyRate(double burden) => 0.003 * Math.Exp(3.0 * Math.Min(burden, BurdenCap));

    /// <summary>Monthly contact rate by the servicing agent (a quarter of it by telemarketing when there is none).</summary>
    public static double AgentContactRate(double engagement, bool hasActiveAgent) =>
        0.035 * Math.Exp(0.3 * engagement) * (hasActiveAgent ? 1.0 : 0.25);

    /// <summary>
    /// Share of an agent's sales contacts that end interested (the rest not interested): 1 / (1 + exp(−0.8·engagement)),
    /// a half on average; the outcome shows the engagement that also drives purchases and lapses.
    /// </summary>
    public static double InterestedShare(double engagement) => 1.0 / (1.0 + Math.Exp(-0.8 * engagement));

    /// <summary>Monthly complaint hazard: 0.0012 · exp(0.9·orphaned + 0.7·lapse-or-claim-in-6-months).</summary>
    public static double ComplaintRate(bool orphaned, bool recentTrouble) =>
        0.0012 * Math.Exp((orphaned ? 0.9 : 0.0) + (recentTrouble ? 0.7 : 0.0));

    /// <summary>Share of complaints resolved (within 3-40 days); the rest stay unresolved.</summary>
    public const double ComplaintResolvedShare = 0.65;

    /// <summary>Monthly mortality: 0.00008 · exp(0.09·(age − 40)).</summary>
    public static double MortalityRate(int age) => 0.00008 * Math.Exp(0.09 * (age - 40));

    /// <summary>Monthly cancer / critical-illness diagnosis hazard of an insured person.</summary>
    public static double DiagnosisRate(int age, bool critical) => (critical ? 0.0002 : 0.00015) * Math.Exp(0.07 * (age - 40));

    /// <summary>
    /// An agent's monthly dropout hazard during the first 13 months after hire:
    /// 0.062 · kind factor · exp(−0.5·talent), talent ~ N(0, 1). After month 13 it falls to
    /// max(0.2 · that, 0.004).
    /// </summary>
    public static double AgentEarlyDropoutRate(AgentKind kind, double talent) => 0.062 * KindFactor(kind) * Math.Exp(-0.5 * talent);

    public static double AgentLateDropoutRate(double earlyRate) => Math.Max(0.2 * earlyRate, 0.004);

    public static double KindFactor(AgentKind kind) => kind switch
    {
        AgentKind.Fc => 1.0,
        AgentKind.Tc => 1.15,
        AgentKind.Lt => 0.8,
        AgentKind.Am => 0.6,
        AgentKind.Fp => 0.8,
        _ => 0.35,
    };

    /// <summary>Probability that an agent leaves within 13 months of hire.</summary>
    public static double AgentDropout13(double earlyRate) => SyntheticRandom.WithinMonths(earlyRate, 13);

    /// <summary>Probability that an agent who has served <paramref name="tenureMonths"/> leaves within the next 13 months.</summary>
    public static double AgentLeavesNext13(double earlyRate, double tenureMonths)
    {
        var earlyLeft = Math.Clamp(13 - tenureMonths, 0, 13);
        var cumulative = earlyRate * earlyLeft + AgentLateDropoutRate(earlyRate) * (13 - earlyLeft);
        return 1.0 - Math.Exp(-cumulative);
    }
}
