using InsureCrm.Analytics.Learning;

namespace InsureCrm.Core.Models;

/// <summary>
/// The insurer's own models, each a label observed in a window after a cutoff over a population of
/// customers who could show it then. Features are the same for all of them (<see cref="InsurerFeatures"/>).
/// </summary>
/// <param name="Name">Registry name.</param>
/// <param name="Description">What the score means, for people.</param>
public sealed record InsurerModel(string Name, string Description)
{
    /// <summary>Label window: (cutoff, cutoff + 3 months].</summary>
    public const int WindowMonths = 3;
}

public static class InsurerModels
{
    /// <summary>A premium-paying contract (in force or reinstated at the cutoff, not a single premium) lapses or is surrendered in the window; population: holders of one.</summary>
    public static readonly InsurerModel Lapse = new("lapse", "probability that a premium-paying contract lapses or is surrendered within 3 months");

    /// <summary>A new contract (not an auto renewal) is issued with the customer as policyholder in the window; population: live customers aged 20+ and companies.</summary>
    public static readonly InsurerModel Purchase = new("purchase", "probability of buying a new contract within 3 months");

    /// <summary>A loan starts in the window; population: customers without an active loan at the cutoff (insurance-to-loan cross-sell).</summary>
    public static readonly InsurerModel Loan = new("loan", "probability of taking a loan within 3 months (customers without an active loan)");

    public static IReadOnlyList<InsurerModel> All { get; } = [Lapse, Purchase, Loan];

    public static InsurerModel? Find(string name) => All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The learner for an algorithm name; logistic regression by default (tree learners register here when they land).</summary>
    public static ILearner? Learner(string? algorithm) => (algorithm ?? LogisticRegression.Name).ToLowerInvariant() switch
    {
        LogisticRegression.Name => new LogisticRegression { C = 1.0 },
        NaiveBayes.Name => new NaiveBayes(),
        _ => null,
    };

    public static IReadOnlyList<string> Algorithms { get; } = [LogisticRegression.Name, NaiveBayes.Name];
}
