using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Uplift;

/// <summary>
/// The class-transformation approach (Jaskowski &amp; Jaroszewicz 2012): one classifier learns the transformed label
/// z = y·t + (1 − y)(1 − t), true for a treated responder or a control non-responder. When treatment is random and
/// the two arms weigh equally, P(z = 1 | x) = ½[P(y | x, t) + 1 − P(y | x, c)], so the uplift is 2·P(z = 1 | x) − 1.
/// </summary>
/// <remarks>
/// When the treatment share p is not ½ the arms are made to weigh equally (<see cref="Balance"/>). By default, when
/// the classifier takes row weights (<see cref="IWeightedLearner"/>: logistic regression and gradient boosting), every
/// row weighs N / (2·N_arm), as scikit-learn users write it. Otherwise, or with
/// <see cref="ClassTransformationBalance.Resample"/>, every row is kept once and the smaller arm is topped up with
/// rows drawn from it at random with replacement (seeded by <see cref="Seed"/>) until both arms have as many rows as
/// the larger: the same correction in expectation, with integer weights drawn at random. On the Hillstrom e-mail test
/// the duplicated rows cost boosted trees Qini (bench/findings/2026-12-04-issue13-round2.md). The identity needs
/// treatment assigned at random, independently of x.
/// </remarks>
/// <param name="learner">Trains the classifier of z.</param>
public sealed class ClassTransformation(ILearner learner) : IUpliftLearner
{
    /// <summary>Algorithm name as the <c>--algorithm</c> option spells it.</summary>
    public const string Name = "class-transform";

    private readonly ILearner _learner = learner ?? throw new ArgumentNullException(nameof(learner));

    /// <summary>Seed of the draws that top up the smaller arm. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>How the arms are made to weigh equally. Default <see cref="ClassTransformationBalance.Weights"/>.</summary>
    public ClassTransformationBalance Balance { get; init; } = ClassTransformationBalance.Weights;

    /// <inheritdoc/>
    public string Algorithm => Name;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">
    /// The data fail <see cref="UpliftData.Check(int, ReadOnlySpan{bool}, ReadOnlySpan{bool}, bool)"/>, or the
    /// transformed label has one class only (every treated row responded and no control row did, or the reverse).
    /// </exception>
    public IUpliftModel Fit(Table data, ReadOnlySpan<bool> treatment, ReadOnlySpan<bool> labels)
    {
        var counts = UpliftData.Check(data, treatment, labels, eachArmNeedsBothOutcomes: false);
        var transformedPositives = counts.TreatedResponders + (counts.Control - counts.ControlResponders);
        if (transformedPositives == 0 || transformedPositives == counts.Rows)
        {
            throw new ArgumentException(
                $"{Name}: the transformed label has one class only: {(transformedPositives == 0 ? "no treated row responded and every control row did" : "every treated row responded and no control row did")}; there is nothing to learn.",
                nameof(labels));
        }
        if (Balance == ClassTransformationBalance.Weights && _learner is IWeightedLearner weighted && counts.Treated != counts.Control)
        {
            // Each arm weighs N / 2 in all: a row of an arm of N_arm rows weighs N / (2·N_arm).
            var treatedWeight = counts.Rows / (2.0 * counts.Treated);
            var controlWeight = counts.Rows / (2.0 * counts.Control);
            var weights = new double[counts.Rows];
            var transformed = new bool[counts.Rows];
            for (var r = 0; r < counts.Rows; r++)
            {
                weights[r] = treatment[r] ? treatedWeight : controlWeight;
                transformed[r] = labels[r] == treatment[r];
            }
            return new ClassTransformationModel(weighted.Fit(data, transformed, weights));
        }
        var rows = BalancedRows(treatment, counts);
        var z = new bool[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            var r = rows[i];
            z[i] = labels[r] == treatment[r];
        }
        var model = rows.Length == data.Rows ? _learner.Fit(data, z) : _learner.Fit(data.Take(rows), z);
        return new ClassTransformationModel(model);
    }

    /// <summary>Every row once, in order, then the smaller arm's rows drawn with replacement until the arms are equal.</summary>
    private int[] BalancedRows(ReadOnlySpan<bool> treatment, UpliftCounts counts)
    {
        var smallerIsTreated = counts.Treated < counts.Control;
        var extra = Math.Abs(counts.Treated - counts.Control);
        var rows = new int[counts.Rows + extra];
        var smaller = new int[Math.Min(counts.Treated, counts.Control)];
        var s = 0;
        for (var r = 0; r < counts.Rows; r++)
        {
            rows[r] = r;
            if (treatment[r] == smallerIsTreated)
            {
                smaller[s++] = r;
            }
        }
        var random = new Random(Seed);
        for (var i = 0; i < extra; i++)
        {
            rows[counts.Rows + i] = smaller[random.Next(smaller.Length)];
        }
        return rows;
    }
}

/// <summary>How <see cref="ClassTransformation"/> makes arms of unequal size weigh equally.</summary>
public enum ClassTransformationBalance
{
    /// <summary>Rows weighted N / (2·N_arm) when the classifier takes row weights; otherwise as <see cref="Resample"/>.</summary>
    Weights,

    /// <summary>The smaller arm topped up with its own rows drawn at random with replacement.</summary>
    Resample,
}

/// <summary>A class-transformation uplift model: 2·P(z = 1 | x) − 1 from the classifier of the transformed label z.</summary>
/// <param name="transformed">The classifier of z, trained on arms of equal weight.</param>
public sealed class ClassTransformationModel(IClassifier transformed) : IUpliftModel
{
    /// <summary>The classifier of the transformed label z.</summary>
    public IClassifier Transformed { get; } = transformed ?? throw new ArgumentNullException(nameof(transformed));

    /// <inheritdoc/>
    public string Algorithm => ClassTransformation.Name;

    /// <inheritdoc/>
    public IReadOnlyList<Feature> Features => Transformed.Features;

    /// <inheritdoc/>
    public double Predict(ReadOnlySpan<double> row) => (2 * Transformed.Predict(row)) - 1;

    /// <inheritdoc/>
    public double[] PredictAll(Table data)
    {
        var uplift = Transformed.PredictAll(data);
        for (var r = 0; r < uplift.Length; r++)
        {
            uplift[r] = (2 * uplift[r]) - 1;
        }
        return uplift;
    }

    /// <summary>
    /// The transformed model's explanation moved onto the probability scale (as <see cref="TwoModelUpliftModel.Explain"/>
    /// does) and scaled to the uplift: base 2·b − 1 and each contribution doubled.
    /// </summary>
    public UpliftExplanation Explain(ReadOnlySpan<double> row)
    {
        var amounts = new double[Features.Count];
        var @base = Ensembles.MapOnto(Transformed.Explain(row), ExplanationScale.Probability, Transformed.Predict(row), 2, amounts) - 1;
        return UpliftExplanation.Create(@base, Features, row, amounts);
    }
}
