using System.Text.Json;

namespace InsureCrm.Analytics.Learning;

/// <summary>
/// A trained binary classifier: the probability that a row belongs to the positive class, and why.
/// Implementations are immutable after training, so one instance scores from many threads at once.
/// </summary>
public interface IClassifier
{
    /// <summary>Algorithm name as written in model files (<c>logistic</c>, <c>tree</c>, <c>gbdt</c>, <c>forest</c>, <c>bayes</c>, <c>ensemble</c>).</summary>
    string Algorithm { get; }

    /// <summary>The features a row must carry, in order; the same as the training table's.</summary>
    IReadOnlyList<Feature> Features { get; }

    /// <summary>Probability of the positive class for one row (values in <see cref="Features"/> order, NaN for missing).</summary>
    double Predict(ReadOnlySpan<double> row);

    /// <summary>
    /// How each feature moved this row's score away from the model's base score. The contributions and
    /// the base add up exactly to the row's score on <see cref="Explanation.Scale"/>.
    /// </summary>
    Explanation Explain(ReadOnlySpan<double> row);

    /// <summary>Writes the model's own parameters (not the features: <see cref="ModelFile"/> writes those) as one JSON object.</summary>
    void Write(Utf8JsonWriter writer);
}

/// <summary>Trains a <see cref="IClassifier"/> on a table and its labels. Same data and options, same model.</summary>
public interface ILearner
{
    /// <summary>Algorithm name of the models it trains.</summary>
    string Algorithm { get; }

    /// <summary>Trains on every row of <paramref name="data"/>; <paramref name="labels"/>[r] is true for a positive row.</summary>
    /// <exception cref="ArgumentException">Label count differs from the row count, or only one class is present.</exception>
    IClassifier Fit(Table data, ReadOnlySpan<bool> labels);
}

/// <summary>
/// A learner that also takes a weight per row: a row of weight w counts as w rows in the loss it minimises (its
/// gradient and hessian are scaled by w), as scikit-learn's <c>sample_weight</c>. Counts of rows (a leaf's minimum
/// size) stay counts.
/// </summary>
public interface IWeightedLearner : ILearner
{
    /// <summary>Trains on every row of <paramref name="data"/>, row r weighing <paramref name="weights"/>[r].</summary>
    /// <exception cref="ArgumentException">
    /// Label or weight count differs from the row count, only one class is present, or a weight is negative or not finite.
    /// </exception>
    IClassifier Fit(Table data, ReadOnlySpan<bool> labels, ReadOnlySpan<double> weights);
}

/// <summary>Checks of row weights shared by the weighted learners.</summary>
internal static class RowWeights
{
    /// <summary>A copy of <paramref name="weights"/>, checked: one per row, each finite and not negative, some positive.</summary>
    public static double[] Checked(ReadOnlySpan<double> weights, int rows)
    {
        if (weights.Length != rows)
        {
            throw new ArgumentException($"{weights.Length} row weights for {rows} rows.", nameof(weights));
        }
        var total = 0.0;
        foreach (var w in weights)
        {
            if (!double.IsFinite(w) || w < 0)
            {
                throw new ArgumentException($"Row weight {w.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a finite non-negative number.", nameof(weights));
            }
            total += w;
        }
        if (total <= 0)
        {
            throw new ArgumentException("Every row weight is 0.", nameof(weights));
        }
        return weights.ToArray();
    }
}

/// <summary>Batch scoring shared by every classifier.</summary>
public static class ClassifierExtensions
{
    /// <summary>
    /// Probability of the positive class for every row of <paramref name="data"/>, in row order, scored in
    /// parallel blocks (the model is shared read-only).
    /// </summary>
    public static double[] PredictAll(this IClassifier model, Table data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Columns != model.Features.Count)
        {
            throw new ArgumentException($"The model expects {model.Features.Count} features; the table has {data.Columns}.", nameof(data));
        }
        if (model is IBlockScorer blockScorer)
        {
            return blockScorer.PredictAll(data);
        }
        var scores = new double[data.Rows];
        const int Block = 4096;
        var blocks = (data.Rows + Block - 1) / Block;
        Parallel.For(0, blocks, () => new double[data.Columns], (b, _, row) =>
        {
            var end = Math.Min(data.Rows, (b + 1) * Block);
            for (var r = b * Block; r < end; r++)
            {
                data.CopyRow(r, row);
                scores[r] = model.Predict(row);
            }
            return row;
        }, _ => { });
        return scores;
    }
}

/// <summary>
/// A classifier that scores a whole table faster than row by row (tree ensembles walk one tree over a block
/// of rows while its nodes are in cache), with exactly the scores <see cref="IClassifier.Predict"/> gives.
/// <see cref="ClassifierExtensions.PredictAll"/> uses it when a model offers it.
/// </summary>
internal interface IBlockScorer
{
    /// <summary>The probability of every row, in row order; the table's columns match the model's features.</summary>
    double[] PredictAll(Table data);
}
