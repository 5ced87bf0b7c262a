namespace InsureCrm.Analytics.Learning;

/// <summary>The scale on which an <see cref="Explanation"/> adds up.</summary>
public enum ExplanationScale
{
    /// <summary>Log-odds: base + Σ contributions = ln(p / (1 − p)).</summary>
    LogOdds,

    /// <summary>Probability: base + Σ contributions = p.</summary>
    Probability,
}

/// <summary>One feature's part in a score.</summary>
/// <param name="Feature">Index of the feature in the model's <see cref="IClassifier.Features"/>.</param>
/// <param name="Name">The feature's name.</param>
/// <param name="Value">The row's value of the feature, as people read it (level name, number or "missing").</param>
/// <param name="Amount">How much the feature moved the score, on the explanation's scale (positive raises it).</param>
public sealed record Contribution(int Feature, string Name, string Value, double Amount);

/// <summary>
/// Why a row got its score: the model's base score (what every row starts from) plus one contribution
/// per feature; <see cref="Base"/> + Σ <see cref="Contributions"/> equals <see cref="Score"/> on <see cref="Scale"/>.
/// </summary>
/// <param name="Scale">Log-odds or probability.</param>
/// <param name="Base">The starting score on <paramref name="Scale"/>.</param>
/// <param name="Contributions">One per feature, in feature order (zero for a feature the row's path never used).</param>
public sealed record Explanation(ExplanationScale Scale, double Base, IReadOnlyList<Contribution> Contributions)
{
    /// <summary>The row's score on <see cref="Scale"/>: the base plus every contribution.</summary>
    public double Score => Base + Contributions.Sum(c => c.Amount);

    /// <summary>The row's probability of the positive class.</summary>
    public double Probability => Scale == ExplanationScale.Probability ? Score : 1 / (1 + Math.Exp(-Score));

    /// <summary>The <paramref name="count"/> largest contributions by magnitude, largest first (ties by feature order).</summary>
    public IReadOnlyList<Contribution> Top(int count) =>
        [.. Contributions.Where(c => c.Amount != 0).OrderByDescending(c => Math.Abs(c.Amount)).ThenBy(c => c.Feature).Take(count)];

    /// <summary>Builds an explanation from contribution amounts in feature order, reading values from <paramref name="row"/>.</summary>
    public static Explanation Create(ExplanationScale scale, double @base, IReadOnlyList<Feature> features, ReadOnlySpan<double> row, ReadOnlySpan<double> amounts)
    {
        ArgumentNullException.ThrowIfNull(features);
        var list = new Contribution[features.Count];
        for (var j = 0; j < list.Length; j++)
        {
            list[j] = new Contribution(j, features[j].Name, features[j].Describe(row[j]), amounts[j]);
        }
        return new Explanation(scale, @base, list);
    }
}
