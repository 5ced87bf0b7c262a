using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Uplift;

/// <summary>Settings of an <see cref="UpliftForest"/>.</summary>
public sealed record UpliftForestOptions
{
    /// <summary>Trees grown. Default 50.</summary>
    public int Trees { get; init; } = 50;

    /// <summary>Features tried at each split; 0 for ⌈√features⌉. Default 0.</summary>
    public int FeaturesPerSplit { get; init; }

    /// <summary>Settings of each tree. Default: <see cref="UpliftTreeOptions"/> with depth 8 and 50 rows per arm per child.</summary>
    public UpliftTreeOptions Tree { get; init; } = new() { MaxDepth = 8, MinArmRowsLeaf = 50 };

    /// <summary>Seed of the bootstrap samples and the features drawn per split. Default 0.</summary>
    public int Seed { get; init; }
}

/// <summary>
/// A forest of <see cref="UpliftTree"/>s (the random forest recipe on the uplift criterion): each tree grows on a bootstrap
/// sample of the rows, drawn within each arm so every sample keeps the data's treatment share, trying a random subset of
/// features at each split; the forest's uplift and explanation are the trees' means.
/// </summary>
/// <param name="options">Settings; the defaults when null.</param>
public sealed class UpliftForest(UpliftForestOptions? options = null) : IUpliftLearner
{
    /// <summary>Algorithm name as the <c>--algorithm</c> option spells it.</summary>
    public const string Name = "uplift-forest";

    private readonly UpliftForestOptions _options = options ?? new UpliftForestOptions();

    /// <inheritdoc/>
    public string Algorithm => Name;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The data fail <see cref="UpliftData.Check(int, ReadOnlySpan{bool}, ReadOnlySpan{bool}, bool)"/>.</exception>
    public IUpliftModel Fit(Table data, ReadOnlySpan<bool> treatment, ReadOnlySpan<bool> labels)
    {
        UpliftData.Check(data, treatment, labels, eachArmNeedsBothOutcomes: false);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Trees, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(_options.FeaturesPerSplit);
        var featuresPerSplit = _options.FeaturesPerSplit == 0 ? (int)Math.Ceiling(Math.Sqrt(data.Columns)) : _options.FeaturesPerSplit;
        var (t, y) = (treatment.ToArray(), labels.ToArray());
        var treated = Enumerable.Range(0, data.Rows).Where(r => t[r]).ToArray();
        var control = Enumerable.Range(0, data.Rows).Where(r => !t[r]).ToArray();
        // One seed per tree, drawn up front, so the trees can grow in parallel and still come out the same.
        var master = new Random(_options.Seed);
        var seeds = Enumerable.Range(0, _options.Trees).Select(_ => master.Next()).ToArray();
        var trees = new UpliftTreeModel[_options.Trees];
        Parallel.For(0, trees.Length, k =>
        {
            var random = new Random(seeds[k]);
            var sample = new int[data.Rows];
            for (var i = 0; i < treated.Length; i++)
            {
                sample[i] = treated[random.Next(treated.Length)];
            }
            for (var i = 0; i < control.Length; i++)
            {
                sample[treated.Length + i] = control[random.Next(control.Length)];
            }
            trees[k] = UpliftTree.Grow(data, t, y, sample, _options.Tree, random, featuresPerSplit);
        });
        return new UpliftForestModel(data.Features, trees);
    }
}

/// <summary>A trained uplift forest: the mean of its trees' uplift.</summary>
internal sealed class UpliftForestModel(IReadOnlyList<Feature> features, UpliftTreeModel[] trees) : IUpliftModel
{
    public string Algorithm => UpliftForest.Name;

    /// <summary>The forest's trees (for the model file).</summary>
    internal IReadOnlyList<UpliftTreeModel> Trees => trees;

    public IReadOnlyList<Feature> Features { get; } = [.. features];

    public double Predict(ReadOnlySpan<double> row)
    {
        var sum = 0.0;
        foreach (var tree in trees)
        {
            sum += tree.Predict(row);
        }
        return sum / trees.Length;
    }

    public double[] PredictAll(Table data)
    {
        var uplift = new double[data.Rows];
        foreach (var tree in trees)
        {
            var part = tree.PredictAll(data);
            for (var r = 0; r < uplift.Length; r++)
            {
                uplift[r] += part[r];
            }
        }
        for (var r = 0; r < uplift.Length; r++)
        {
            uplift[r] /= trees.Length;
        }
        return uplift;
    }

    /// <summary>The mean of the trees' explanations: their bases averaged, and each feature's contributions averaged.</summary>
    public UpliftExplanation Explain(ReadOnlySpan<double> row)
    {
        var amounts = new double[Features.Count];
        var @base = 0.0;
        foreach (var tree in trees)
        {
            @base += tree.AddContributions(row, 1.0 / trees.Length, amounts);
        }
        return UpliftExplanation.Create(@base, Features, row, amounts);
    }
}
