using InsureCrm.Core.Policies;

namespace InsureCrm.Core.Worklists;

/// <summary>
/// The arbitration's weights and rules (configuration section <c>Worklists</c>; docs/worklists.md explains each and how
/// to tune them). Priority = probability × value (KRW) × the action's weight; an item's value is what keeping or making
/// the sale is worth, or <see cref="ServiceValue"/> for service work, which has no sale behind it.
/// </summary>
public sealed class WorklistOptions
{
    public const string Section = "Worklists";

    /// <summary>At most this many open items per agent a day (rolled-over items count first).</summary>
    public int MaxItemsPerAgent { get; set; } = 12;

    /// <summary>
    /// Places of each list kept first for selling items (cross-sell, up-sell, loan, campaign), by their own priority, when
    /// candidates pass the rules; the rest of the list is filled by priority. 0 lets priority alone decide; more than
    /// <see cref="MaxItemsPerAgent"/> means the whole list.
    /// </summary>
    public int SalePlaces { get; set; } = 3;

    /// <summary>No selling item for a customer contacted (any interaction) within this many days.</summary>
    public int CoolOffDays { get; set; } = 14;

    /// <summary>An item not acted on for this many days expires (the manager sees it overdue before that).</summary>
    public int MaxAgeDays { get; set; } = 14;

    /// <summary>An item is overdue on the branch view after this many days on the list.</summary>
    public int OverdueDays { get; set; } = 3;

    /// <summary>Business weight per action (multiplies probability × value). An action missing here weighs 1.</summary>
    public Dictionary<WorkAction, double> Weights { get; set; } = new()
    {
        [WorkAction.Retention] = 1.5,
        [WorkAction.CrossSell] = 1.0,
        [WorkAction.UpSell] = 0.8,
        [WorkAction.LoanCrossSell] = 0.6,
        [WorkAction.Maturing] = 1.2,
        [WorkAction.CoverageCheck] = 0.5,
        [WorkAction.ClaimFollowUp] = 1.0,
        [WorkAction.Birthday] = 0.4,
        [WorkAction.ContactDetails] = 0.7,
        [WorkAction.Campaign] = 1.3,
        [WorkAction.UnpaidPremium] = 2.0,
        [WorkAction.Referral] = 2.0,
        [WorkAction.Handover] = 2.0,
    };

    /// <summary>Minimum probability for a model-driven item (retention, cross-sell, up-sell, loan).</summary>
    public double MinProbability { get; set; } = 0.05;

    /// <summary>The value (KRW) a service item is worth in the priority, as if it were certain.</summary>
    public decimal ServiceValue { get; set; } = 300_000m;

    /// <summary>A new contract's value (KRW) per family when sold: first-year premium times the margin a sale keeps.</summary>
    public decimal SaleValue { get; set; } = 1_200_000m;

    /// <summary>Years of premium at risk counted for a retention item (premium × periods per year × this, capped by the term left).</summary>
    public decimal RetentionYears { get; set; } = 3m;

    /// <summary>The share of premium a contract keeps as profit: premium at risk × this is what keeping it is worth (comparable to <see cref="SaleValue"/>).</summary>
    public decimal RetentionMargin { get; set; } = 0.1m;

    /// <summary>Contracts maturing within this many days are service items.</summary>
    public int MaturityHorizonDays { get; set; } = 60;

    /// <summary>A coverage check is due when none was recorded within this many months.</summary>
    public int CoverageCheckMonths { get; set; } = 12;

    /// <summary>A claim paid within this many days is followed up.</summary>
    public int ClaimFollowUpDays { get; set; } = 30;

    /// <summary>Birthdays within this many days.</summary>
    public int BirthdayDays { get; set; } = 7;

    /// <summary>An unpaid-premium item counts its unpaid premiums among the last this many due ("3 of the last 6").</summary>
    public int UnpaidWindow { get; set; } = 6;

    /// <summary>
    /// A campaign e-mail or SMS that bounced (failed for good with an address error) within this many days, and not
    /// followed by an edit of the customer's details, makes a contact-details item; 0 turns the rule off.
    /// </summary>
    public int BouncedDays { get; set; } = 90;

    /// <summary>Suitability: the ages (inclusive) at which a family may be offered; a family missing here has no age rule.</summary>
    public Dictionary<ProductFamily, AgeBand> FamilyAges { get; set; } = new()
    {
        [ProductFamily.WholeLife] = new(19, 70),
        [ProductFamily.VariableWholeLife] = new(19, 65),
        [ProductFamily.Variable] = new(19, 65),
        [ProductFamily.Universal] = new(19, 65),
        [ProductFamily.CriticalIllness] = new(19, 70),
        [ProductFamily.Health] = new(0, 80),
        [ProductFamily.Cancer] = new(0, 75),
        [ProductFamily.Accident] = new(0, 80),
        [ProductFamily.Annuity] = new(19, 75),
        [ProductFamily.Savings] = new(19, 80),
        [ProductFamily.Child] = new(0, 15),
        [ProductFamily.Auto] = new(19, 90),
        [ProductFamily.CreditLoan] = new(19, 70),
        [ProductFamily.SecuredLoan] = new(19, 75),
    };

    public double WeightOf(WorkAction action) => Weights.TryGetValue(action, out var w) ? w : 1.0;

    internal IEnumerable<string> Validate()
    {
        if (MaxItemsPerAgent is < 1 or > 200)
        {
            yield return "Worklists:MaxItemsPerAgent must be between 1 and 200.";
        }
        if (SalePlaces is < 0 or > 200)
        {
            yield return "Worklists:SalePlaces must be between 0 and 200.";
        }
        if (CoolOffDays is < 0 or > 365)
        {
            yield return "Worklists:CoolOffDays must be between 0 and 365.";
        }
        if (MaxAgeDays is < 1 or > 365)
        {
            yield return "Worklists:MaxAgeDays must be between 1 and 365.";
        }
        if (OverdueDays < 1 || OverdueDays > MaxAgeDays)
        {
            yield return "Worklists:OverdueDays must be between 1 and Worklists:MaxAgeDays.";
        }
        foreach (var (action, weight) in Weights)
        {
            if (!double.IsFinite(weight) || weight < 0)
            {
                yield return $"Worklists:Weights:{action} must be a number of 0 or more.";
            }
        }
        if (BouncedDays is < 0 or > 730)
        {
            yield return "Worklists:BouncedDays must be between 0 and 730.";
        }
        if (MinProbability is < 0 or >= 1)
        {
            yield return "Worklists:MinProbability must be at least 0 and below 1.";
        }
        if (ServiceValue < 0 || SaleValue < 0 || RetentionYears <= 0 || RetentionMargin is <= 0 or > 1)
        {
            yield return "Worklists:ServiceValue and Worklists:SaleValue must be 0 or more, Worklists:RetentionYears above 0 and Worklists:RetentionMargin above 0 and at most 1.";
        }
        if (MaturityHorizonDays is < 1 or > 366 || ClaimFollowUpDays is < 1 or > 366 || BirthdayDays is < 0 or > 31 || CoverageCheckMonths is < 1 or > 60)
        {
            yield return "Worklists:MaturityHorizonDays and ClaimFollowUpDays must be 1–366, BirthdayDays 0–31, CoverageCheckMonths 1–60.";
        }
        if (UnpaidWindow is < 1 or > 24)
        {
            yield return "Worklists:UnpaidWindow must be between 1 and 24.";
        }
        foreach (var (family, band) in FamilyAges)
        {
            if (band.Min < 0 || band.Max < band.Min)
            {
                yield return $"Worklists:FamilyAges:{family} must have 0 ≤ Min ≤ Max.";
            }
        }
    }
}

/// <summary>Ages from <see cref="Min"/> to <see cref="Max"/>, both included.</summary>
public sealed record AgeBand(int Min, int Max)
{
    public AgeBand() : this(0, 200) { }

    public bool Holds(int age) => age >= Min && age <= Max;
}
