namespace InsureCrm.Analytics.Learning;

/// <summary>The size of a training set as the work estimates read it.</summary>
/// <param name="Rows">Rows fitted on.</param>
/// <param name="Numeric">Numeric features.</param>
/// <param name="Categorical">Categorical features.</param>
/// <param name="Levels">Levels of all categorical features together.</param>
public sealed record DataShape(int Rows, int Numeric, int Categorical, int Levels)
{
    /// <summary>Every feature, numeric or categorical.</summary>
    public int Features => Numeric + Categorical;

    /// <summary>The shape of <paramref name="data"/>.</summary>
    public static DataShape Of(Table data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var categorical = data.Features.Where(f => f.Kind == FeatureKind.Categorical).ToList();
        return new(data.Rows, data.Columns - categorical.Count, categorical.Count, categorical.Sum(f => f.Categories.Count));
    }

    /// <summary>The same features on another number of rows.</summary>
    public DataShape WithRows(int rows) => this with { Rows = rows };
}

/// <summary>
/// How much work fitting a learner is, in work units, from the data's shape and the learner's settings alone: decided
/// before the fit starts, the same on every machine and under any load, so automatic selection can keep a budget of work
/// and choose the same model every time (docs/models.md, "The work budget").
/// </summary>
/// <remarks>
/// One work unit is about one second of processor time on the machine the factors were measured on (a shared 2-core x86
/// server, .NET 10, Release; processor time, so the figures hold under load): each family's cost grows as its algorithm
/// does (rows × features × trees or iterations × depth), with one factor per family fitted to measured fits of 10,000 and
/// 28,800 rows of a cross-sell file (docs/models.md gives the figures). The estimate is a planning figure, not a
/// promise: a fit that stops early (gradient boosting's early stopping, Newton converging) does less, and a slower or
/// busier machine takes longer for the same work.
/// </remarks>
public static class WorkEstimate
{
    // Seconds per elementary step on one reference core, per family (see the remarks); the steps are the loops below.
    private const double LogisticStep = 2.0e-9;
    private const double BayesStep = 1.5e-9;
    private const double GradientBoostingStep = 1.5e-9;
    private const double ForestStep = 1.1e-8;
    private const double TreeStep = 5.0e-9;
    private const double OtherStep = 1.0e-7;

    /// <summary>Newton iterations a logistic regression usually takes (it converges in under 15).</summary>
    private const int LogisticIterations = 10;

    /// <summary>Share of its iterations gradient boosting usually runs when it stops early (measured: 0.3 to 0.8).</summary>
    private const double EarlyStoppedShare = 0.4;

    /// <summary>The work of one fit of <paramref name="learner"/> on data of <paramref name="shape"/>.</summary>
    public static double Fit(ILearner learner, DataShape shape)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(shape);
        double n = Math.Max(1, shape.Rows);
        double p = Math.Max(1, shape.Features);
        return learner switch
        {
            // Per iteration the Hessian over the active columns (one per feature) row by row, and a solve over all columns.
            LogisticRegression => LogisticStep * LogisticIterations * ((n * p * p / 2) + (Math.Pow(shape.Numeric + shape.Levels + 1, 3) / 3) + (n * p)),
            // One pass to count, one to score the training rows.
            NaiveBayes => BayesStep * n * (p + shape.Levels / Math.Max(1.0, shape.Categorical)),
            // Each iteration: histograms of every feature over the rows, along the tree's depth, plus gradients.
            GradientBoosting g => GradientBoostingStep * Iterations(g.Options, shape.Rows) * n
                * ((p * Depth(n, g.Options.MinSamplesLeaf, g.Options.MaxDepth, g.Options.MaxLeafNodes)) + 4),
            // Each tree: a bootstrap sample, √p features tried at each split, down to its depth.
            RandomForest f => ForestStep * f.Options.Trees * n
                * (f.Options.MaxFeatures ?? Math.Max(1, Math.Sqrt(p))) * Depth(n, f.Options.MinSamplesLeaf, f.Options.MaxDepth, null),
            DecisionTree t => TreeStep * n * p * Depth(n, t.Options.MinSamplesLeaf, t.Options.MaxDepth, t.Options.MaxLeafNodes),
            // The base learners on each fold (rows of the other folds), then on every row; the meta-model is small.
            StackingLearner s => s.BaseLearners.Sum(b => (s.Folds * Fit(b, shape.WithRows(shape.Rows - (shape.Rows / s.Folds)))) + Fit(b, shape)),
            AveragingLearner a => a.Members.Sum(b => Fit(b, shape)),
            _ => OtherStep * n * p,
        };
    }

    /// <summary>
    /// The work of cross-validating <paramref name="learner"/> with <paramref name="folds"/> folds on <paramref name="shape"/>:
    /// one fit a fold on the rows of the other folds.
    /// </summary>
    public static double CrossValidation(ILearner learner, DataShape shape, int folds)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        return folds * Fit(learner, shape.WithRows(shape.Rows - (shape.Rows / folds)));
    }

    /// <summary>Iterations gradient boosting is expected to run: all of them, or a share when it stops early (as it decides from the rows).</summary>
    private static double Iterations(GradientBoostingOptions o, int rows) =>
        o.EarlyStopping == EarlyStopping.On || (o.EarlyStopping == EarlyStopping.Auto && rows > 10_000) ? EarlyStoppedShare * o.MaxIterations : o.MaxIterations;

    /// <summary>Levels a tree grows: as deep as its leaves' minimum size lets it, within its depth and leaf limits.</summary>
    private static double Depth(double rows, int minSamplesLeaf, int? maxDepth, int? maxLeafNodes)
    {
        var depth = Math.Max(1, Math.Log2(Math.Max(2, rows / Math.Max(1, minSamplesLeaf))));
        if (maxDepth is { } d)
        {
            depth = Math.Min(depth, d);
        }
        if (maxLeafNodes is { } leaves)
        {
            depth = Math.Min(depth, Math.Max(1, Math.Log2(leaves)) + 2);
        }
        return depth;
    }
}
