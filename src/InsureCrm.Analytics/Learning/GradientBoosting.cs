using System.Runtime.CompilerServices;
using System.Text.Json;

namespace InsureCrm.Analytics.Learning;

/// <summary>When <see cref="GradientBoosting"/> holds out a validation split to stop early.</summary>
public enum EarlyStopping
{
    /// <summary>Only when the training table has more than 10,000 rows (scikit-learn's <c>'auto'</c>).</summary>
    Auto,

    /// <summary>Always.</summary>
    On,

    /// <summary>Never: every row trains and every iteration is kept.</summary>
    Off,
}

/// <summary>
/// Settings for <see cref="GradientBoosting"/>. Defaults follow scikit-learn's
/// <c>HistGradientBoostingClassifier</c>; the subsampling settings are LightGBM's (off by default).
/// </summary>
public sealed record GradientBoostingOptions
{
    /// <summary>Shrinkage: each tree's leaf values are multiplied by it. Default 0.1.</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>Most boosting iterations (trees). Default 100.</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>Most leaves per tree; trees grow best-first (the leaf with the largest gain splits next). Default 31; null for no limit.</summary>
    public int? MaxLeafNodes { get; init; } = 31;

    /// <summary>Largest depth of a tree (the root is depth 0); null for no limit. Default null.</summary>
    public int? MaxDepth { get; init; }

    /// <summary>Fewest training rows in a leaf. Default 20.</summary>
    public int MinSamplesLeaf { get; init; } = 20;

    /// <summary>Smallest sum of hessians p(1 − p) in a leaf. Default 1e-3.</summary>
    public double MinHessianLeaf { get; init; } = 1e-3;

    /// <summary>L2 penalty on leaf values (λ in −G / (H + λ)). Default 0.</summary>
    public double L2Regularization { get; init; }

    /// <summary>Most bins per numeric feature, 2 … 255. Default 255.</summary>
    public int MaxBins { get; init; } = BinnedTable.MaxBins;

    /// <summary>A categorical level seen in fewer training rows is pooled with the other rare levels. Default 10.</summary>
    public int MinCategoryRows { get; init; } = 10;

    /// <summary>Added to a level's hessian sum when levels are ordered for a categorical split, so rare levels do not sort to the ends. Default 10 (LightGBM's <c>cat_smooth</c>).</summary>
    public double CategorySmoothing { get; init; } = 10;

    /// <summary>
    /// Support a level needs in a node to take part in ordering a categorical split, in hessian-weighted rows
    /// (its hessian sum × the node's rows / the node's hessian sum); levels with less always go to the side
    /// holding at least half of the ordered levels. Default 10 (scikit-learn's <c>MIN_CAT_SUPPORT</c>).
    /// </summary>
    public int CategorySupport { get; init; } = 10;

    /// <summary>Share of the training rows drawn (without replacement) for each tree, in (0, 1]. Default 1.</summary>
    public double RowSubsample { get; init; } = 1;

    /// <summary>Share of the features drawn for each tree, in (0, 1]. Default 1.</summary>
    public double FeatureSubsample { get; init; } = 1;

    /// <summary>Whether to stop when the validation loss stops improving. Default <see cref="EarlyStopping.Auto"/>.</summary>
    public EarlyStopping EarlyStopping { get; init; } = EarlyStopping.Auto;

    /// <summary>Share of the rows held out (stratified, drawn from the seed) for early stopping. Default 0.1.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Stop when none of the last this many iterations improved the validation loss by more than <see cref="Tolerance"/>. Default 10.</summary>
    public int NIterNoChange { get; init; } = 10;

    /// <summary>Smallest improvement of the validation log loss that counts. Default 1e-7.</summary>
    public double Tolerance { get; init; } = 1e-7;

    /// <summary>Seed of the validation split, the subsamples and the binning sample; the same seed gives the same model whatever the thread count. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Largest number of threads; null lets the runtime decide. Results do not depend on it.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(LearningRate, nameof(LearningRate));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxIterations, 1, nameof(MaxIterations));
        if (MaxLeafNodes is { } leaves)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(leaves, 2, nameof(MaxLeafNodes));
        }
        if (MaxDepth is { } depth)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1, nameof(MaxDepth));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(MinSamplesLeaf, 1, nameof(MinSamplesLeaf));
        ArgumentOutOfRangeException.ThrowIfNegative(MinHessianLeaf, nameof(MinHessianLeaf));
        ArgumentOutOfRangeException.ThrowIfNegative(L2Regularization, nameof(L2Regularization));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBins, 2, nameof(MaxBins));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxBins, BinnedTable.MaxBins, nameof(MaxBins));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinCategoryRows, 1, nameof(MinCategoryRows));
        ArgumentOutOfRangeException.ThrowIfNegative(CategorySmoothing, nameof(CategorySmoothing));
        ArgumentOutOfRangeException.ThrowIfLessThan(CategorySupport, 1, nameof(CategorySupport));
        if (!(RowSubsample > 0 && RowSubsample <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(RowSubsample), RowSubsample, "Must be in (0, 1].");
        }
        if (!(FeatureSubsample > 0 && FeatureSubsample <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(FeatureSubsample), FeatureSubsample, "Must be in (0, 1].");
        }
        if (!(ValidationFraction > 0 && ValidationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "Must be in (0, 1).");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(NIterNoChange, 1, nameof(NIterNoChange));
        ArgumentOutOfRangeException.ThrowIfNegative(Tolerance, nameof(Tolerance));
        if (MaxDegreeOfParallelism is { } degree)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(degree, 1, nameof(MaxDegreeOfParallelism));
        }
    }
}

/// <summary>
/// Histogram gradient boosting for a binary target (algorithm <c>gbdt</c>), as scikit-learn's
/// HistGradientBoostingClassifier and LightGBM: log loss, start at the log prior odds, one Newton tree per
/// iteration grown best-first on binned features with histogram subtraction, learned directions for
/// missing values, categorical splits over levels ordered by gradient / hessian, optional row and feature
/// subsampling per tree, and early stopping on a stratified validation split.
/// </summary>
/// <remarks>
/// Deterministic for a seed whatever the thread count: threads split work by feature (histograms, split
/// search) or by fixed row chunks (gradients, scores), and sums are always taken in the same order.
/// As scikit-learn, early stopping keeps every tree trained until it stopped (on the insurance data sets
/// this scored better than cutting back to the iteration with the lowest validation loss, which follows
/// the noise of a small validation split).
/// </remarks>
/// <param name="options">The boosting settings.</param>
public sealed class GradientBoosting(GradientBoostingOptions options) : IWeightedLearner
{
    // Rows per chunk of parallel per-row work.
    private const int Chunk = 8192;

    /// <summary>Boosting with the default settings.</summary>
    public GradientBoosting()
        : this(new GradientBoostingOptions())
    {
    }

    /// <summary>The settings this instance trains with.</summary>
    public GradientBoostingOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <inheritdoc />
    public string Algorithm => GradientBoostingModel.Name;

    /// <inheritdoc cref="ILearner.Fit" />
    public GradientBoostingModel Fit(Table data, ReadOnlySpan<bool> labels) => FitCore(data, labels, null);

    /// <summary>
    /// Trains with a weight per row, as scikit-learn's <c>sample_weight</c>: each row's gradient and hessian, the
    /// starting log odds and the early-stopping loss are weighted; <see cref="GradientBoostingOptions.MinSamplesLeaf"/>
    /// still counts rows.
    /// </summary>
    /// <exception cref="ArgumentException">As the unweighted fit, or a weight count differs from the row count, or a weight is negative or not finite.</exception>
    public GradientBoostingModel Fit(Table data, ReadOnlySpan<bool> labels, ReadOnlySpan<double> weights)
    {
        ArgumentNullException.ThrowIfNull(data);
        return FitCore(data, labels, RowWeights.Checked(weights, data.Rows));
    }

    IClassifier IWeightedLearner.Fit(Table data, ReadOnlySpan<bool> labels, ReadOnlySpan<double> weights) => Fit(data, labels, weights);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private GradientBoostingModel FitCore(Table data, ReadOnlySpan<bool> labels, double[]? w)
    {
        TreeTraining.CheckLabels(data, labels);
        Options.Validate();
        var o = Options;
        var parallel = TreeTraining.Parallel(o.MaxDegreeOfParallelism);
        var binned = BinnedTable.Create(data, o.MaxBins, o.MinCategoryRows, o.Seed, parallel);
        var n = data.Rows;
        var y = labels.ToArray();
        var master = new Random(o.Seed);

        var early = o.EarlyStopping == EarlyStopping.On || (o.EarlyStopping == EarlyStopping.Auto && n > 10_000);
        var (train, validation) = early ? Split(y, o.ValidationFraction, new Random(master.Next())) : (TreeTraining.Range(n), []);
        if (validation.Length == 0)
        {
            // Too few rows to hold any out: train on all of them for every iteration.
            early = false;
            train = TreeTraining.Range(n);
        }
        var positives = 0;
        double positiveWeight = 0, negativeWeight = 0;
        foreach (var r in train)
        {
            positives += y[r] ? 1 : 0;
            var weight = w is null ? 1 : w[r];
            positiveWeight += y[r] ? weight : 0;
            negativeWeight += y[r] ? 0 : weight;
        }
        if (positives == 0 || positives == train.Length)
        {
            throw new ArgumentException("Only one class is left in the training part after holding out the validation split; add rows or turn early stopping off.", nameof(labels));
        }
        var init = positiveWeight > 0 && negativeWeight > 0 ? Math.Log(positiveWeight / negativeWeight) : 0;

        var raw = new double[n];
        Array.Fill(raw, init);
        var g = new double[n];
        var h = new double[n];
        var settings = new GrowerSettings(
            o.MaxLeafNodes ?? int.MaxValue, o.MaxDepth ?? int.MaxValue, o.MinSamplesLeaf, o.MinHessianLeaf, o.L2Regularization,
            -o.LearningRate, o.CategorySmoothing, o.CategorySupport, 0, parallel);
        var rowCount = o.RowSubsample < 1 ? Math.Max(1, (int)Math.Round(o.RowSubsample * train.Length)) : train.Length;
        var featureCount = o.FeatureSubsample < 1 ? Math.Max(1, (int)Math.Round(o.FeatureSubsample * data.Columns)) : data.Columns;
        var grower = new TreeGrower(binned, g, h, rowCount, settings, null);
        var rows = new int[rowCount];
        var rowPool = (int[])train.Clone();
        var featurePool = TreeTraining.Range(data.Columns);
        var features = featurePool;

        var trees = new List<Tree>();
        var losses = new List<double>();
        if (early)
        {
            losses.Add(LogLoss(raw, y, w, validation, parallel));
        }
        for (var iteration = 0; iteration < o.MaxIterations; iteration++)
        {
            Gradients(raw, y, w, g, h, train, parallel);
            var random = new Random(master.Next());
            if (rowCount < train.Length)
            {
                Draw(rowPool, rowCount, random);
                Array.Copy(rowPool, rows, rowCount);
                Array.Sort(rows);
            }
            else
            {
                Array.Copy(train, rows, rowCount);
            }
            if (featureCount < data.Columns)
            {
                Draw(featurePool, featureCount, random);
                features = featurePool[..featureCount];
                Array.Sort(features);
            }
            var grown = grower.Grow(rows, rowCount, features);
            if (grown.Tree.Nodes.Length == 1)
            {
                // Nothing left to split on: further trees would all be this one leaf.
                break;
            }
            trees.Add(grown.Tree.PreOrder());
            if (rowCount == train.Length)
            {
                AddLeafValues(grown, rows, raw);
            }
            else
            {
                AddTree(grown, binned, raw, train, parallel);
            }
            if (!early)
            {
                continue;
            }
            AddTree(grown, binned, raw, validation, parallel);
            losses.Add(LogLoss(raw, y, w, validation, parallel));
            if (ShouldStop(losses, o.NIterNoChange, o.Tolerance))
            {
                break;
            }
        }
        return new GradientBoostingModel(data.Features, init, [.. trees]);
    }

    IClassifier ILearner.Fit(Table data, ReadOnlySpan<bool> labels) => Fit(data, labels);

    // scikit-learn's rule: stop when none of the last k losses beats the one before them by more than tol.
    private static bool ShouldStop(List<double> losses, int k, double tolerance)
    {
        if (losses.Count <= k)
        {
            return false;
        }
        var reference = losses[losses.Count - k - 1];
        for (var i = losses.Count - k; i < losses.Count; i++)
        {
            if (losses[i] < reference - tolerance)
            {
                return false;
            }
        }
        return true;
    }

    // Stratified hold-out: the same share of positives and negatives, drawn from the seed; both parts sorted.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (int[] Train, int[] Validation) Split(bool[] y, double fraction, Random random)
    {
        var positives = new List<int>();
        var negatives = new List<int>();
        for (var r = 0; r < y.Length; r++)
        {
            (y[r] ? positives : negatives).Add(r);
        }
        var validation = new List<int>();
        var train = new List<int>();
        foreach (var group in new[] { positives, negatives })
        {
            var array = group.ToArray();
            var take = (int)Math.Round(fraction * array.Length);
            Draw(array, take, random);
            validation.AddRange(array.AsSpan(0, take));
            train.AddRange(array.AsSpan(take));
        }
        var t = train.ToArray();
        var v = validation.ToArray();
        Array.Sort(t);
        Array.Sort(v);
        return (t, v);
    }

    // Partial Fisher–Yates: the first k entries become a uniform draw without replacement.
    private static void Draw(int[] pool, int k, Random random)
    {
        for (var i = 0; i < k; i++)
        {
            var j = random.Next(i, pool.Length);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
    }

    private static void Gradients(double[] raw, bool[] y, double[]? w, double[] g, double[] h, int[] rows, ParallelOptions parallel)
    {
        Parallel.For(0, (rows.Length + Chunk - 1) / Chunk, parallel, c => GradientChunk(raw, y, w, g, h, rows, c * Chunk, Math.Min(rows.Length, (c + 1) * Chunk)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GradientChunk(double[] raw, bool[] y, double[]? w, double[] g, double[] h, int[] rows, int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            var r = rows[i];
            var p = 1 / (1 + Math.Exp(-raw[r]));
            g[r] = p - (y[r] ? 1 : 0);
            h[r] = Math.Max(p * (1 - p), 1e-16);
            if (w is not null)
            {
                g[r] *= w[r];
                h[r] = Math.Max(h[r] * w[r], 1e-16);
            }
        }
    }

    // Every training row's leaf is known from the grower's partition: add each leaf's value to its rows.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddLeafValues(GrownTree grown, int[] rows, double[] raw)
    {
        var nodes = grown.Tree.Nodes;
        foreach (var (node, start, end) in grown.Leaves)
        {
            var value = nodes[node].Value;
            for (var i = start; i < end; i++)
            {
                raw[rows[i]] += value;
            }
        }
    }

    private static void AddTree(GrownTree tree, BinnedTable binned, double[] raw, int[] rows, ParallelOptions parallel)
    {
        Parallel.For(0, (rows.Length + Chunk - 1) / Chunk, parallel, c => AddTreeChunk(tree, binned, raw, rows, c * Chunk, Math.Min(rows.Length, (c + 1) * Chunk)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddTreeChunk(GrownTree tree, BinnedTable binned, double[] raw, int[] rows, int start, int end)
    {
        var nodes = tree.Tree.Nodes;
        for (var i = start; i < end; i++)
        {
            var r = rows[i];
            raw[r] += nodes[tree.Leaf(binned, r)].Value;
        }
    }

    // The mean log loss over the rows, weighted when the rows have weights.
    private static double LogLoss(double[] raw, bool[] y, double[]? w, int[] rows, ParallelOptions parallel)
    {
        var chunks = (rows.Length + Chunk - 1) / Chunk;
        var sums = new double[chunks];
        Parallel.For(0, chunks, parallel, c => sums[c] = LogLossChunk(raw, y, w, rows, c * Chunk, Math.Min(rows.Length, (c + 1) * Chunk)));
        double total = 0;
        foreach (var s in sums)
        {
            total += s;
        }
        var weight = 0.0;
        if (w is not null)
        {
            foreach (var r in rows)
            {
                weight += w[r];
            }
        }
        return total / (w is null ? rows.Length : Math.Max(weight, double.Epsilon));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double LogLossChunk(double[] raw, bool[] y, double[]? w, int[] rows, int start, int end)
    {
        double sum = 0;
        for (var i = start; i < end; i++)
        {
            var r = rows[i];
            // log(1 + e^(−z)) for a positive, log(1 + e^z) for a negative, computed without overflow.
            var z = y[r] ? raw[r] : -raw[r];
            var loss = z > 0 ? Math.Log(1 + Math.Exp(-z)) : -z + Math.Log(1 + Math.Exp(z));
            sum += w is null ? loss : w[r] * loss;
        }
        return sum;
    }
}

/// <summary>
/// A trained gradient-boosted model: probability = logistic(init + Σ tree outputs). Immutable and safe to
/// share across threads.
/// </summary>
public sealed class GradientBoostingModel : IClassifier, IBlockScorer
{
    internal const string Name = "gbdt";

    private readonly Tree[] _trees;
    private readonly double _base;

    internal GradientBoostingModel(IReadOnlyList<Feature> features, double init, Tree[] trees)
    {
        Features = features;
        InitialScore = init;
        _trees = trees;
        _base = init;
        foreach (var tree in trees)
        {
            _base += tree.RootValue;
        }
    }

    /// <inheritdoc />
    public string Algorithm => Name;

    /// <inheritdoc />
    public IReadOnlyList<Feature> Features { get; }

    /// <summary>The log-odds every row starts from: ln(positives / negatives) of the training rows.</summary>
    public double InitialScore { get; }

    /// <summary>Number of trees (boosting iterations kept).</summary>
    public int Iterations => _trees.Length;

    internal IReadOnlyList<Tree> Trees => _trees;

    /// <summary>The row's score in log-odds: the initial score plus every tree's output.</summary>
    public double RawScore(ReadOnlySpan<double> row)
    {
        TreeTraining.CheckFeatures(Features, row);
        var score = InitialScore;
        foreach (var tree in _trees)
        {
            score += tree.Predict(row);
        }
        return score;
    }

    /// <inheritdoc />
    public double Predict(ReadOnlySpan<double> row) => Sigmoid(RawScore(row));

    double[] IBlockScorer.PredictAll(Table data) => TreeTraining.SumTrees(_trees, data, InitialScore, Sigmoid);

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    /// <summary>
    /// Path contributions on the log-odds scale (Saabas) over all trees: the base is the initial score plus
    /// every tree's root value, and each split on a row's path adds the child's value minus the parent's to
    /// the split feature; base + contributions = <see cref="RawScore"/>.
    /// </summary>
    public Explanation Explain(ReadOnlySpan<double> row)
    {
        TreeTraining.CheckFeatures(Features, row);
        var amounts = new double[Features.Count];
        foreach (var tree in _trees)
        {
            tree.AddContributions(row, amounts, 1);
        }
        return Explanation.Create(ExplanationScale.LogOdds, _base, Features, row, amounts);
    }

    /// <inheritdoc />
    public void Write(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteNumber("init", InitialScore);
        writer.WriteStartArray("trees");
        foreach (var tree in _trees)
        {
            tree.Write(writer);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    internal static GradientBoostingModel Read(JsonElement element, IReadOnlyList<Feature> features) =>
        new(features, element.GetProperty("init").GetDouble(), [.. element.GetProperty("trees").EnumerateArray().Select(t => Tree.Read(t, features))]);
}
