using InsureCrm.Analytics.Learning;
using InsureCrm.Core.Policies;

namespace InsureCrm.Core.Models;

/// <summary>What a model scores: a customer, one of their contracts, or an agent.</summary>
public enum ModelSubject { Customer, Contract, Agent }

/// <summary>
/// The insurer's own models, each a label observed in a window after a cutoff over a population of
/// customers, contracts or agents who could show it then.
/// </summary>
/// <param name="Name">Registry name.</param>
/// <param name="Description">What the score means, for people.</param>
/// <param name="Subject">What a row is (customer models share <see cref="InsurerFeatures"/>; contract models <see cref="ContractFeatures"/>; agent models <see cref="AgentFeatures"/>).</param>
/// <param name="Families">For <c>purchase-FAMILY</c>: the product families whose new contracts count.</param>
public sealed record InsurerModel(string Name, string Description, ModelSubject Subject = ModelSubject.Customer, IReadOnlyList<ProductFamily>? Families = null)
{
    /// <summary>Label window of customer and contract models: (cutoff, cutoff + 3 months].</summary>
    public const int WindowMonths = 3;

    /// <summary>How long after the cutoff labels are observed: 3 months, 13 for agent models (see <see cref="AgentFeatures"/>).</summary>
    public int LabelMonths => Subject == ModelSubject.Agent ? AgentFeatures.ObservationMonths : WindowMonths;

    /// <summary>The feature columns of the model's rows, in order.</summary>
    public IReadOnlyList<Feature> Features => Subject switch
    {
        ModelSubject.Contract => ContractFeatures.Features,
        ModelSubject.Agent => AgentFeatures.FeaturesOf(this),
        _ => InsurerFeatures.Features,
    };
}

public static class InsurerModels
{
    /// <summary>A premium-paying contract (in force or reinstated at the cutoff, not a single premium) lapses or is surrendered in the window; population: holders of one.</summary>
    public static readonly InsurerModel Lapse = new("lapse", "probability that a premium-paying contract lapses or is surrendered within 3 months");

    /// <summary>A new contract (not an auto renewal) is issued with the customer as policyholder in the window; population: live customers aged 20+ and companies.</summary>
    public static readonly InsurerModel Purchase = new("purchase", "probability of buying a new contract within 3 months");

    /// <summary>A loan starts in the window; population: customers without an active loan at the cutoff (insurance-to-loan cross-sell).</summary>
    public static readonly InsurerModel Loan = new("loan", "probability of taking a loan within 3 months (customers without an active loan)");

    /// <summary>Purchase of a death or critical-illness cover (whole life, variable whole life, universal, CI); population as <see cref="Purchase"/>.</summary>
    public static readonly InsurerModel PurchaseProtection = new("purchase-protection", "probability of buying a whole-life, universal or critical-illness contract within 3 months",
        Families: [ProductFamily.WholeLife, ProductFamily.VariableWholeLife, ProductFamily.Universal, ProductFamily.CriticalIllness]);

    /// <summary>Purchase of a health, cancer or accident contract; population as <see cref="Purchase"/>.</summary>
    public static readonly InsurerModel PurchaseHealth = new("purchase-health", "probability of buying a health, cancer or accident contract within 3 months",
        Families: [ProductFamily.Health, ProductFamily.Cancer, ProductFamily.Accident]);

    /// <summary>Purchase of a savings, annuity or variable (unit-linked savings) contract; population as <see cref="Purchase"/>.</summary>
    public static readonly InsurerModel PurchaseSavings = new("purchase-savings", "probability of buying a savings, annuity or variable contract within 3 months",
        Families: [ProductFamily.Savings, ProductFamily.Annuity, ProductFamily.Variable]);

    /// <summary>A new (not renewed) auto contract; population as <see cref="Purchase"/>.</summary>
    public static readonly InsurerModel PurchaseAuto = new("purchase-auto", "probability of buying a new auto contract within 3 months (renewals excluded)",
        Families: [ProductFamily.Auto]);

    /// <summary>One premium-paying contract (as <see cref="Lapse"/>) lapses or is surrendered in the window; one row per such contract.</summary>
    public static readonly InsurerModel LapseContract = new("lapse-contract", "probability that this premium-paying contract lapses or is surrendered within 3 months", ModelSubject.Contract);

    /// <summary>An agent hired in the 13 months before the cutoff and active then leaves before their 13-month anniversary.</summary>
    public static readonly InsurerModel AgentDropout = new("agent-dropout", "probability that an agent in their first 13 months leaves before the 13-month anniversary", ModelSubject.Agent);

    /// <summary>A hire stays 13 months, from what is known at hire only (ranks candidates; higher is better).</summary>
    public static readonly InsurerModel Recruiting = new("recruiting", "probability that a new hire stays 13 months, from what is known at hire", ModelSubject.Agent);

    /// <summary>Customer models, in the order of <see cref="FeatureChunk.Eligible"/> and <see cref="FeatureChunk.Labels"/>.</summary>
    public static IReadOnlyList<InsurerModel> Customer { get; } = [Lapse, Purchase, Loan, PurchaseProtection, PurchaseHealth, PurchaseSavings, PurchaseAuto];

    public static IReadOnlyList<InsurerModel> All { get; } = [.. Customer, LapseContract, AgentDropout, Recruiting];

    public static InsurerModel? Find(string name) => All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The learner for an algorithm name (any of the workbench's <see cref="Learners"/>), with a fixed seed so that
    /// the same data give the same model; logistic regression by default; null for an unknown name.
    /// </summary>
    public static ILearner? Learner(string? algorithm) =>
        (algorithm ?? LogisticRegression.Name).ToLowerInvariant() is var name && Learners.IsAvailable(name) ? Learners.Create(name, Seed) : null;

    /// <summary>Seed of every insurer model's learner.</summary>
    public const int Seed = 20_240_901;

    public static IReadOnlyList<string> Algorithms => Learners.Names;

}
