using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Uplift;

/// <summary>How <see cref="UpliftTraining.Train"/> trains: the approach (or <see cref="Auto"/>), the classifier under
/// two-model and class-transform, the held-out share, the seed and whether to refit on every row.</summary>
public sealed record UpliftTrainingOptions
{
    /// <summary>The approach name that tries every approach and keeps the best held-out Qini coefficient.</summary>
    public const string Auto = "auto";

    /// <summary><see cref="Auto"/> or a name of <see cref="UpliftLearners.Names"/>.</summary>
    public string Algorithm { get; init; } = Auto;

    /// <summary>The classifier under two-model and class-transform (a name of <see cref="Learners.Names"/>).</summary>
    public string Classifier { get; init; } = "logistic";

    /// <summary>Share of rows held out, stratified by arm and outcome (<see cref="UpliftSplit"/>); 0 measures nothing.</summary>
    public double Validation { get; init; } = 0.3;

    /// <summary>Seed of the split and of the learners.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Refit the chosen approach on every row after measuring it.</summary>
    public bool Refit { get; init; } = true;

    /// <summary>How class transformation makes unequal arms weigh equally.</summary>
    public ClassTransformationBalance Balance { get; init; } = ClassTransformationBalance.Weights;

    /// <summary>
    /// A numeric feature that is 0 where the treatment could not reach the row (<see cref="ReachGatedUplift"/>): those
    /// rows are left out of learning and get uplift 0. Null: no such feature.
    /// </summary>
    public string? Reach { get; init; }
}

/// <summary>What <see cref="UpliftTraining.Train"/> made.</summary>
/// <param name="Model">The model to keep (refitted on every row when asked).</param>
/// <param name="HeldOut">The measures of the chosen approach trained without the held-out rows, on them; null when nothing was held out.</param>
/// <param name="Candidates">Held-out Qini coefficient of each approach tried, in the order tried.</param>
/// <param name="TrainingRows">Rows of the training part.</param>
/// <param name="HeldOutRows">Rows held out (indexes into the input, in row order).</param>
/// <param name="HeldOutPredictions">The measured model's uplift for each held-out row, in the order of <paramref name="HeldOutRows"/>.</param>
/// <param name="Refitted">Whether <paramref name="Model"/> was fitted on every row.</param>
public sealed record UpliftTrainingResult(
    IUpliftModel Model, UpliftEvaluation? HeldOut, IReadOnlyList<KeyValuePair<string, double>> Candidates,
    int TrainingRows, int[] HeldOutRows, double[] HeldOutPredictions, bool Refitted);

/// <summary>
/// Trains an uplift model on randomised data the way the workbench does (docs/models.md, "Uplift"): holds out a share
/// of the rows stratified by arm and outcome, fits each approach asked for on the rest, measures each on the held-out
/// rows by the Qini coefficient, keeps the best (the first on a tie), and refits it on every row. The CLI workbench and
/// the CRM's "learn uplift from a pilot" both train through this one function.
/// </summary>
public static class UpliftTraining
{
    /// <exception cref="ArgumentException">Bad options, or data an uplift model cannot learn from (named by <see cref="UpliftData.Check(int, ReadOnlySpan{bool}, ReadOnlySpan{bool}, bool)"/>).</exception>
    public static UpliftTrainingResult Train(Table data, bool[] treatment, bool[] labels, UpliftTrainingOptions options, Action<string, double>? candidateMeasured = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        var auto = options.Algorithm == UpliftTrainingOptions.Auto;
        if (!auto && !UpliftLearners.Names.Contains(options.Algorithm))
        {
            throw new ArgumentException($"Unknown uplift algorithm '{options.Algorithm}'; it is auto or one of: {string.Join(", ", UpliftLearners.Names)}.");
        }
        if (!(options.Validation >= 0 && options.Validation < 1))
        {
            throw new ArgumentException("The held-out share must be at least 0 and below 1 (e.g. 0.2).");
        }
        if (auto && options.Validation == 0)
        {
            throw new ArgumentException("auto picks the approach by its Qini coefficient on the held-out rows; the held-out share must be above 0.");
        }
        if (!Learners.Names.Contains(options.Classifier))
        {
            throw new ArgumentException($"Unknown classifier '{options.Classifier}'; available: {string.Join(", ", Learners.Names)}.");
        }
        UpliftData.Check(labels.Length, treatment, labels, eachArmNeedsBothOutcomes: true);
        if (options.Reach is { Length: > 0 } reach)
        {
            ReachGatedUpliftModel.IndexOf(data.Features, reach);
        }
        var approaches = auto ? UpliftLearners.Names : [options.Algorithm];
        var (trainRows, heldRows) = UpliftSplit.Split(treatment, labels, options.Validation, options.Seed);
        if (heldRows.Length == 0)
        {
            var whole = Learner(options.Algorithm, options).Fit(data, treatment, labels);
            return new UpliftTrainingResult(whole, null, [], trainRows.Length, [], [], true);
        }
        var trainTable = data.Take(trainRows);
        var (tTrain, yTrain) = (UpliftSplit.Pick(treatment, trainRows), UpliftSplit.Pick(labels, trainRows));
        var heldTable = data.Take(heldRows);
        var (tHeld, yHeld) = (UpliftSplit.Pick(treatment, heldRows), UpliftSplit.Pick(labels, heldRows));
        UpliftData.Check(trainRows.Length, tTrain, yTrain, eachArmNeedsBothOutcomes: true);
        UpliftData.Check(heldRows.Length, tHeld, yHeld);
        IUpliftModel? best = null;
        UpliftEvaluation? bestEvaluation = null;
        double[] bestPredictions = [];
        var candidates = new List<KeyValuePair<string, double>>();
        foreach (var approach in approaches)
        {
            var model = Learner(approach, options).Fit(trainTable, tTrain, yTrain);
            var predictions = model.PredictAll(heldTable);
            var evaluation = UpliftEvaluation.Measure(predictions, tHeld, yHeld);
            candidates.Add(new(approach, evaluation.QiniCoefficient));
            candidateMeasured?.Invoke(approach, evaluation.QiniCoefficient);
            if (best is null || evaluation.QiniCoefficient > bestEvaluation!.QiniCoefficient || double.IsNaN(bestEvaluation.QiniCoefficient))
            {
                (best, bestEvaluation, bestPredictions) = (model, evaluation, predictions);
            }
        }
        var kept = options.Refit ? Learner(best!.Algorithm, options).Fit(data, treatment, labels) : best!;
        return new UpliftTrainingResult(kept, bestEvaluation, auto ? candidates : [], trainRows.Length, heldRows, bestPredictions, options.Refit);
    }

    private static IUpliftLearner Learner(string approach, UpliftTrainingOptions options) =>
        UpliftLearners.Create(approach, options.Classifier, options.Seed, options.Balance, options.Reach);
}
