using System.Text.Json;

namespace InsureCrm.Analytics.Learning;

/// <summary>Settings for <see cref="RandomForest"/>. Defaults follow scikit-learn's <c>RandomForestClassifier</c>.</summary>
public sealed record RandomForestOptions
{
    /// <summary>Number of trees. Default 100.</summary>
    public int Trees { get; init; } = 100;

    /// <summary>Largest depth of a tree; null grows until leaves are pure or at <see cref="MinSamplesLeaf"/>. Default null.</summary>
    public int? MaxDepth { get; init; }

    /// <summary>Fewest (bootstrap) rows in a leaf. Default 1.</summary>
    public int MinSamplesLeaf { get; init; } = 1;

    /// <summary>Features drawn at random for each split; null for √(feature count), rounded down, at least 1. Default null.</summary>
    public int? MaxFeatures { get; init; }

    /// <summary>Whether each tree trains on a bootstrap sample (n rows drawn with replacement) rather than every row. Default true.</summary>
    public bool Bootstrap { get; init; } = true;

    /// <summary>Most bins per numeric feature, 2 … 255. Default 255.</summary>
    public int MaxBins { get; init; } = BinnedTable.MaxBins;

    /// <summary>A categorical level seen in fewer training rows is pooled with the other rare levels. Default 10.</summary>
    public int MinCategoryRows { get; init; } = 10;

    /// <summary>Seed of the bootstrap samples and feature draws; the same seed gives the same forest whatever the thread count. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Largest number of threads (trees train in parallel); null lets the runtime decide. Results do not depend on it.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Trees, 1, nameof(Trees));
        if (MaxDepth is { } depth)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1, nameof(MaxDepth));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(MinSamplesLeaf, 1, nameof(MinSamplesLeaf));
        if (MaxFeatures is { } features)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(features, 1, nameof(MaxFeatures));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBins, 2, nameof(MaxBins));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxBins, BinnedTable.MaxBins, nameof(MaxBins));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinCategoryRows, 1, nameof(MinCategoryRows));
        if (MaxDegreeOfParallelism is { } degree)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(degree, 1, nameof(MaxDegreeOfParallelism));
        }
    }
}

/// <summary>
/// Random forest (algorithm <c>forest</c>): CART trees, each on its own bootstrap sample and choosing each
/// split among a random √(features) of the features, on data binned once for all trees. The probability
/// is the average of the trees' leaf rates.
/// </summary>
/// <remarks>
/// Trees train in parallel; each draws its sample and features from its own seed, taken in tree order from
/// <see cref="RandomForestOptions.Seed"/>, so the forest does not depend on which thread trains which tree.
/// </remarks>
/// <param name="options">The forest's settings.</param>
public sealed class RandomForest(RandomForestOptions options) : ILearner
{
    /// <summary>A forest with the default settings.</summary>
    public RandomForest()
        : this(new RandomForestOptions())
    {
    }

    /// <summary>The settings this instance trains with.</summary>
    public RandomForestOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <inheritdoc />
    public string Algorithm => RandomForestModel.Name;

    /// <inheritdoc cref="ILearner.Fit" />
    public RandomForestModel Fit(Table data, ReadOnlySpan<bool> labels)
    {
        TreeTraining.CheckLabels(data, labels);
        Options.Validate();
        var o = Options;
        var parallel = TreeTraining.Parallel(o.MaxDegreeOfParallelism);
        var master = new Random(o.Seed);
        var binned = BinnedTable.Create(data, o.MaxBins, o.MinCategoryRows, master.Next(), parallel);
        var n = data.Rows;
        var g = new double[n];
        for (var r = 0; r < n; r++)
        {
            g[r] = labels[r] ? 1 : 0;
        }
        var seeds = new int[o.Trees];
        for (var t = 0; t < seeds.Length; t++)
        {
            seeds[t] = master.Next();
        }
        var maxFeatures = Math.Min(data.Columns, o.MaxFeatures ?? Math.Max(1, (int)Math.Sqrt(data.Columns)));
        var settings = new GrowerSettings(
            int.MaxValue, o.MaxDepth ?? int.MaxValue, o.MinSamplesLeaf, 0, 0, 1, 0, 1, maxFeatures, null);
        var features = TreeTraining.Range(data.Columns);
        var trees = new Tree[o.Trees];
        Parallel.For(0, o.Trees, parallel, t =>
        {
            var random = new Random(seeds[t]);
            var rows = new int[n];
            if (o.Bootstrap)
            {
                // Sorted so that histogram passes read the bins in memory order.
                for (var i = 0; i < n; i++)
                {
                    rows[i] = random.Next(n);
                }
                Array.Sort(rows);
            }
            else
            {
                for (var i = 0; i < n; i++)
                {
                    rows[i] = i;
                }
            }
            var grower = new TreeGrower(binned, g, null, n, settings, random);
            trees[t] = grower.Grow(rows, n, features).Tree.PreOrder();
        });
        return new RandomForestModel(data.Features, trees);
    }

    IClassifier ILearner.Fit(Table data, ReadOnlySpan<bool> labels) => Fit(data, labels);
}

/// <summary>A trained random forest: the mean of its trees' leaf rates. Immutable and safe to share across threads.</summary>
public sealed class RandomForestModel : IClassifier, IBlockScorer
{
    internal const string Name = "forest";

    private readonly Tree[] _trees;

    internal RandomForestModel(IReadOnlyList<Feature> features, Tree[] trees)
    {
        Features = features;
        _trees = trees;
    }

    /// <inheritdoc />
    public string Algorithm => Name;

    /// <inheritdoc />
    public IReadOnlyList<Feature> Features { get; }

    /// <summary>Number of trees.</summary>
    public int TreeCount => _trees.Length;

    /// <inheritdoc />
    public double Predict(ReadOnlySpan<double> row)
    {
        TreeTraining.CheckFeatures(Features, row);
        double sum = 0;
        foreach (var tree in _trees)
        {
            sum += tree.Predict(row);
        }
        return sum / _trees.Length;
    }

    double[] IBlockScorer.PredictAll(Table data)
    {
        var count = (double)_trees.Length;
        return TreeTraining.SumTrees(_trees, data, 0, sum => sum / count);
    }

    /// <summary>
    /// The average of the trees' path contributions on the probability scale: the base is the mean root rate
    /// (of the bootstrap samples), and base + contributions = <see cref="Predict"/>.
    /// </summary>
    public Explanation Explain(ReadOnlySpan<double> row)
    {
        TreeTraining.CheckFeatures(Features, row);
        var amounts = new double[Features.Count];
        double root = 0;
        var weight = 1.0 / _trees.Length;
        foreach (var tree in _trees)
        {
            tree.AddContributions(row, amounts, weight);
            root += tree.RootValue;
        }
        return Explanation.Create(ExplanationScale.Probability, root / _trees.Length, Features, row, amounts);
    }

    /// <inheritdoc />
    public void Write(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteStartArray("trees");
        foreach (var tree in _trees)
        {
            tree.Write(writer);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    internal static RandomForestModel Read(JsonElement element, IReadOnlyList<Feature> features)
    {
        Tree[] trees = [.. element.GetProperty("trees").EnumerateArray().Select(t => Tree.Read(t, features))];
        return trees.Length > 0 ? new RandomForestModel(features, trees) : throw new InvalidDataException("A forest needs at least one tree.");
    }
}
