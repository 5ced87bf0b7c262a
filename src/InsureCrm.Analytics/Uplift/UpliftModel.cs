using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Uplift;

/// <summary>
/// A trained uplift model: for a row, how much treating it (contacting the customer) changes the probability of a
/// positive outcome, P(y | treated) − P(y | control), between −1 and 1, and why. Immutable after training.
/// </summary>
public interface IUpliftModel
{
    /// <summary>Algorithm name (<c>two-model</c>, <c>class-transform</c>, <c>uplift-tree</c>, <c>uplift-forest</c>).</summary>
    string Algorithm { get; }

    /// <summary>The features a row must carry, in order; the same as the training table's.</summary>
    IReadOnlyList<Feature> Features { get; }

    /// <summary>Predicted uplift of one row (values in <see cref="Features"/> order, NaN for missing).</summary>
    double Predict(ReadOnlySpan<double> row);

    /// <summary>Predicted uplift of every row of <paramref name="data"/>, in row order.</summary>
    /// <exception cref="ArgumentException">The table's columns are not the model's features.</exception>
    double[] PredictAll(Table data);

    /// <summary>How each feature moved this row's uplift away from the model's base uplift; they add up to <see cref="Predict"/>.</summary>
    UpliftExplanation Explain(ReadOnlySpan<double> row);
}

/// <summary>Trains an <see cref="IUpliftModel"/> on randomised data. Same data and options, same model.</summary>
public interface IUpliftLearner
{
    /// <summary>Algorithm name of the models it trains.</summary>
    string Algorithm { get; }

    /// <summary>
    /// Trains on every row of <paramref name="data"/>; <paramref name="treatment"/>[r] is true for a treated row and
    /// <paramref name="labels"/>[r] for a positive outcome. Treatment must have been assigned at random.
    /// </summary>
    /// <exception cref="ArgumentException">The data fail <see cref="UpliftData.Check(int, ReadOnlySpan{bool}, ReadOnlySpan{bool}, bool)"/> as the learner needs.</exception>
    IUpliftModel Fit(Table data, ReadOnlySpan<bool> treatment, ReadOnlySpan<bool> labels);
}

/// <summary>
/// Why a row got its predicted uplift: the model's base uplift plus one contribution per feature, on the probability
/// scale (a contribution of 0.05 adds five percentage points to the uplift); <see cref="Base"/> + Σ
/// <see cref="Contributions"/> equals <see cref="Uplift"/>. The contributions are those of <see cref="Explanation"/>,
/// so the same code shows both.
/// </summary>
/// <param name="Base">The uplift every row starts from.</param>
/// <param name="Contributions">One per feature, in feature order.</param>
public sealed record UpliftExplanation(double Base, IReadOnlyList<Contribution> Contributions)
{
    /// <summary>The row's predicted uplift: the base plus every contribution.</summary>
    public double Uplift => AsExplanation().Score;

    /// <summary>The <paramref name="count"/> largest contributions by magnitude, largest first (ties by feature order).</summary>
    public IReadOnlyList<Contribution> Top(int count) => AsExplanation().Top(count);

    /// <summary>Builds an explanation from contribution amounts in feature order, reading values from <paramref name="row"/>.</summary>
    internal static UpliftExplanation Create(double @base, IReadOnlyList<Feature> features, ReadOnlySpan<double> row, ReadOnlySpan<double> amounts) =>
        new(@base, Explanation.Create(ExplanationScale.Probability, @base, features, row, amounts).Contributions);

    // The sums and the top-k of Explanation, which keep contributions lazily described.
    private Explanation AsExplanation() => new(ExplanationScale.Probability, Base, Contributions);
}
