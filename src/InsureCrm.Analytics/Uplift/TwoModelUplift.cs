using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Uplift;

/// <summary>
/// The two-model approach: one classifier learns P(y | x) from the treated rows, another from the control rows, and
/// the uplift is the difference of their probabilities. Simple and works with any learner; its weakness is that each
/// model fits its own arm's outcome, not the difference, so noise in either shows in the uplift.
/// </summary>
/// <param name="learner">Trains both models (each arm separately, the same settings).</param>
public sealed class TwoModelUplift(ILearner learner) : IUpliftLearner
{
    /// <summary>Algorithm name as the <c>--algorithm</c> option spells it.</summary>
    public const string Name = "two-model";

    private readonly ILearner _learner = learner ?? throw new ArgumentNullException(nameof(learner));

    /// <inheritdoc/>
    public string Algorithm => Name;

    /// <summary>
    /// Whether, under a reach gate, the no-treatment model may learn from every row the treatment did not reach
    /// (<see cref="ReachGatedUplift"/>): only when the learner is a logistic regression, which gives the reach feature a
    /// term of its own and so keeps the reachable rows' rate apart from the unreachable rows'.
    /// </summary>
    public bool PoolsUntreated => _learner is LogisticRegression;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">
    /// The data fail <see cref="UpliftData.Check(int, ReadOnlySpan{bool}, ReadOnlySpan{bool}, bool)"/>, each arm needing both outcome classes.
    /// </exception>
    public IUpliftModel Fit(Table data, ReadOnlySpan<bool> treatment, ReadOnlySpan<bool> labels)
    {
        var counts = UpliftData.Check(data, treatment, labels, eachArmNeedsBothOutcomes: true);
        var treatedRows = new int[counts.Treated];
        var controlRows = new int[counts.Control];
        int t = 0, c = 0;
        for (var r = 0; r < data.Rows; r++)
        {
            if (treatment[r])
            {
                treatedRows[t++] = r;
            }
            else
            {
                controlRows[c++] = r;
            }
        }
        return Fit(data, labels, treatedRows, controlRows);
    }

    /// <summary>
    /// Fits the treated model on <paramref name="treatedRows"/> of <paramref name="data"/> and the control (no-treatment)
    /// model on <paramref name="controlRows"/>; the caller has checked that each set holds both outcome classes.
    /// </summary>
    internal TwoModelUpliftModel Fit(Table data, ReadOnlySpan<bool> labels, int[] treatedRows, int[] controlRows)
    {
        var treatedLabels = new bool[treatedRows.Length];
        var controlLabels = new bool[controlRows.Length];
        for (var i = 0; i < treatedRows.Length; i++)
        {
            treatedLabels[i] = labels[treatedRows[i]];
        }
        for (var i = 0; i < controlRows.Length; i++)
        {
            controlLabels[i] = labels[controlRows[i]];
        }
        var treated = _learner.Fit(data.Take(treatedRows), treatedLabels);
        var control = _learner.Fit(data.Take(controlRows), controlLabels);
        return new TwoModelUpliftModel(treated, control);
    }
}

/// <summary>A two-model uplift model: P(y | x, treated) − P(y | x, control), each from its own classifier.</summary>
public sealed class TwoModelUpliftModel : IUpliftModel
{
    /// <summary>Combines two classifiers trained on the same features.</summary>
    /// <param name="treated">The model of the treated arm's outcome.</param>
    /// <param name="control">The model of the control arm's outcome.</param>
    /// <exception cref="ArgumentException">The two models have different features.</exception>
    public TwoModelUpliftModel(IClassifier treated, IClassifier control)
    {
        ArgumentNullException.ThrowIfNull(treated);
        ArgumentNullException.ThrowIfNull(control);
        Ensembles.CheckSameFeatures([treated, control], nameof(control));
        Treated = treated;
        Control = control;
    }

    /// <summary>The model of the treated arm's outcome.</summary>
    public IClassifier Treated { get; }

    /// <summary>The model of the control arm's outcome.</summary>
    public IClassifier Control { get; }

    /// <inheritdoc/>
    public string Algorithm => TwoModelUplift.Name;

    /// <inheritdoc/>
    public IReadOnlyList<Feature> Features => Treated.Features;

    /// <inheritdoc/>
    public double Predict(ReadOnlySpan<double> row) => Treated.Predict(row) - Control.Predict(row);

    /// <inheritdoc/>
    public double[] PredictAll(Table data)
    {
        var uplift = Treated.PredictAll(data);
        var control = Control.PredictAll(data);
        for (var r = 0; r < uplift.Length; r++)
        {
            uplift[r] -= control[r];
        }
        return uplift;
    }

    /// <summary>
    /// The treated model's explanation minus the control model's, both first moved onto the probability scale (a
    /// log-odds explanation's contributions are scaled by the secant of the logistic function from its base to its
    /// score, so they keep their proportions and still add up to the probability).
    /// </summary>
    public UpliftExplanation Explain(ReadOnlySpan<double> row)
    {
        var amounts = new double[Features.Count];
        var @base = Ensembles.MapOnto(Treated.Explain(row), ExplanationScale.Probability, Treated.Predict(row), 1, amounts)
            + Ensembles.MapOnto(Control.Explain(row), ExplanationScale.Probability, Control.Predict(row), -1, amounts);
        return UpliftExplanation.Create(@base, Features, row, amounts);
    }
}
