using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Uplift;

/// <summary>How an <see cref="UpliftTree"/> measures the difference between the treated and control outcome distributions of a node.</summary>
public enum UpliftDivergence
{
    /// <summary>Squared Euclidean distance: Σ_y (P_T(y) − P_C(y))² = 2(p_T − p_C)² for a binary outcome.</summary>
    Euclidean,

    /// <summary>
    /// Kullback–Leibler divergence of treated from control: p_T·ln(p_T / p_C) + (1 − p_T)·ln((1 − p_T) / (1 − p_C)), the rates
    /// clipped to [1e-6, 1 − 1e-6].
    /// </summary>
    KullbackLeibler,
}

/// <summary>Settings of an <see cref="UpliftTree"/>.</summary>
public sealed record UpliftTreeOptions
{
    /// <summary>Deepest level of splits (the root is depth 0). Default 5.</summary>
    public int MaxDepth { get; init; } = 5;

    /// <summary>Fewest treated rows and fewest control rows each child of a split must keep. Default 100.</summary>
    public int MinArmRowsLeaf { get; init; } = 100;

    /// <summary>Most thresholds tried per numeric feature and node (at quantiles of the node's values). Default 32.</summary>
    public int Thresholds { get; init; } = 32;

    /// <summary>The divergence whose gain a split must increase. Default Euclidean.</summary>
    public UpliftDivergence Divergence { get; init; } = UpliftDivergence.Euclidean;
}

/// <summary>
/// An uplift tree (Rzepakowski &amp; Jaroszewicz 2012): a split is chosen to maximise the gain in divergence between the
/// treated and control outcome distributions, Σ_children (n_child / n)·D(child) − D(node); a leaf predicts its treated
/// rate minus its control rate.
/// </summary>
/// <remarks>
/// Simplifications of the paper, for now: the gain is not divided by its normalisation term I (which penalises splits
/// that leave the arms unbalanced; in randomised data they rarely are), and growth stops by depth and by the
/// <see cref="UpliftTreeOptions.MinArmRowsLeaf"/> rows each arm must keep per child instead of pruning on a validation
/// set. A numeric split sends values ≤ the threshold left; a categorical split sends one level left and the others right;
/// a missing value always goes right. Arm rates, not row counts, enter the divergence, so a treatment share other than ½
/// needs no correction.
/// </remarks>
/// <param name="options">Settings; the defaults when null.</param>
public sealed class UpliftTree(UpliftTreeOptions? options = null) : IUpliftLearner
{
    /// <summary>Algorithm name as the <c>--algorithm</c> option spells it.</summary>
    public const string Name = "uplift-tree";

    private readonly UpliftTreeOptions _options = options ?? new UpliftTreeOptions();

    /// <inheritdoc/>
    public string Algorithm => Name;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The data fail <see cref="UpliftData.Check(int, ReadOnlySpan{bool}, ReadOnlySpan{bool}, bool)"/>.</exception>
    public IUpliftModel Fit(Table data, ReadOnlySpan<bool> treatment, ReadOnlySpan<bool> labels)
    {
        UpliftData.Check(data, treatment, labels, eachArmNeedsBothOutcomes: false);
        var rows = new int[data.Rows];
        for (var r = 0; r < rows.Length; r++)
        {
            rows[r] = r;
        }
        return Grow(data, treatment.ToArray(), labels.ToArray(), rows, _options, random: null, featuresPerSplit: data.Columns);
    }

    /// <summary>
    /// Grows a tree on <paramref name="rows"/> (a row may repeat, as in a bootstrap sample), trying at each node
    /// <paramref name="featuresPerSplit"/> features drawn with <paramref name="random"/> (all of them when it is null).
    /// </summary>
    internal static UpliftTreeModel Grow(Table data, bool[] treatment, bool[] labels, int[] rows, UpliftTreeOptions options, Random? random,
        int featuresPerSplit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxDepth);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MinArmRowsLeaf, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Thresholds, 1);
        var grower = new Grower(data, treatment, labels, options, random, featuresPerSplit);
        grower.Grow(rows, 0);
        return new UpliftTreeModel(data.Features, grower.Nodes);
    }

    private sealed class Grower(Table data, bool[] treatment, bool[] labels, UpliftTreeOptions options, Random? random, int featuresPerSplit)
    {
        public List<UpliftTreeNode> Nodes { get; } = [];

        /// <summary>Adds the node of <paramref name="rows"/> and, when a split gains, its subtrees; returns its index.</summary>
        public int Grow(int[] rows, int depth)
        {
            var counts = Counts(rows);
            var index = Nodes.Count;
            Nodes.Add(new UpliftTreeNode(-1, double.NaN, -1, -1, counts.Uplift));
            if (depth >= options.MaxDepth || counts.Treated < 2 * options.MinArmRowsLeaf || counts.Control < 2 * options.MinArmRowsLeaf)
            {
                return index;
            }
            var parent = Divergence(counts);
            var (bestGain, bestFeature, bestThreshold) = (0.0, -1, double.NaN);
            foreach (var j in FeaturesToTry())
            {
                foreach (var (threshold, left) in Splits(rows, j))
                {
                    var right = new UpliftCounts(counts.Treated - left.Treated, counts.TreatedResponders - left.TreatedResponders,
                        counts.Control - left.Control, counts.ControlResponders - left.ControlResponders);
                    if (!Enough(left) || !Enough(right))
                    {
                        continue;
                    }
                    var gain = (((left.Rows * Divergence(left)) + (right.Rows * Divergence(right))) / rows.Length) - parent;
                    if (gain > bestGain)
                    {
                        (bestGain, bestFeature, bestThreshold) = (gain, j, threshold);
                    }
                }
            }
            if (bestFeature < 0)
            {
                return index;
            }
            var leftRows = rows.Where(r => GoesLeft(data.Features[bestFeature], data[r, bestFeature], bestThreshold)).ToArray();
            var rightRows = rows.Where(r => !GoesLeft(data.Features[bestFeature], data[r, bestFeature], bestThreshold)).ToArray();
            var leftChild = Grow(leftRows, depth + 1);
            var rightChild = Grow(rightRows, depth + 1);
            Nodes[index] = Nodes[index] with { Feature = bestFeature, Threshold = bestThreshold, Left = leftChild, Right = rightChild };
            return index;
        }

        /// <summary>Every feature, or (for a forest) a random subset of them.</summary>
        private int[] FeaturesToTry()
        {
            var all = Enumerable.Range(0, data.Columns).ToArray();
            if (random is null || featuresPerSplit >= all.Length)
            {
                return all;
            }
            random.Shuffle(all);
            return all[..featuresPerSplit];
        }

        /// <summary>
        /// The splits to try on one feature, each with the counts of its left child (the right child has the rest): each
        /// level of a categorical feature; for a numeric one, the distinct values at <see cref="UpliftTreeOptions.Thresholds"/>
        /// quantiles of the node's values, the counts found in one sweep over the sorted values.
        /// </summary>
        private List<(double Threshold, UpliftCounts Left)> Splits(int[] rows, int feature)
        {
            var splits = new List<(double, UpliftCounts)>();
            var column = data.Column(feature);
            if (data.Features[feature].Kind == FeatureKind.Categorical)
            {
                var perLevel = new int[data.Features[feature].Categories.Count * 4];
                foreach (var r in rows)
                {
                    if (!double.IsNaN(column[r]))
                    {
                        perLevel[((int)column[r] * 4) + Code(r)]++;
                    }
                }
                for (var level = 0; level < perLevel.Length / 4; level++)
                {
                    splits.Add((level, ToCounts(perLevel.AsSpan(level * 4, 4))));
                }
                return splits;
            }
            var keys = new double[rows.Length];
            var codes = new int[rows.Length];
            var n = 0;
            foreach (var r in rows)
            {
                if (!double.IsNaN(column[r]))
                {
                    keys[n] = column[r];
                    codes[n++] = Code(r);
                }
            }
            if (n == 0)
            {
                return splits;
            }
            Array.Sort(keys, codes, 0, n);
            var k = options.Thresholds;
            var running = new int[4];
            var (next, last) = (0, double.NaN);
            for (var i = 1; i <= k; i++)
            {
                var threshold = keys[(int)((long)i * (n - 1) / (k + 1))];
                // The largest value would send every row left: never a split.
                if (threshold >= keys[n - 1] || threshold == last)
                {
                    continue;
                }
                last = threshold;
                while (next < n && keys[next] <= threshold)
                {
                    running[codes[next++]]++;
                }
                splits.Add((threshold, ToCounts(running)));
            }
            return splits;
        }

        /// <summary>A row's arm and outcome as one index: 0 control negative, 1 control positive, 2 treated negative, 3 treated positive.</summary>
        private int Code(int row) => (treatment[row] ? 2 : 0) + (labels[row] ? 1 : 0);

        private static UpliftCounts ToCounts(ReadOnlySpan<int> byCode) => new(byCode[2] + byCode[3], byCode[3], byCode[0] + byCode[1], byCode[1]);

        private UpliftCounts Counts(int[] rows)
        {
            int t = 0, ty = 0, c = 0, cy = 0;
            foreach (var r in rows)
            {
                var y = labels[r] ? 1 : 0;
                if (treatment[r]) { t++; ty += y; } else { c++; cy += y; }
            }
            return new UpliftCounts(t, ty, c, cy);
        }

        private bool Enough(UpliftCounts child) => child.Treated >= options.MinArmRowsLeaf && child.Control >= options.MinArmRowsLeaf;

        private double Divergence(UpliftCounts node)
        {
            var (pt, pc) = (node.TreatedRate, node.ControlRate);
            if (options.Divergence == UpliftDivergence.Euclidean)
            {
                return 2 * (pt - pc) * (pt - pc);
            }
            const double Epsilon = 1e-6;
            pt = Math.Clamp(pt, Epsilon, 1 - Epsilon);
            pc = Math.Clamp(pc, Epsilon, 1 - Epsilon);
            return (pt * Math.Log(pt / pc)) + ((1 - pt) * Math.Log((1 - pt) / (1 - pc)));
        }
    }

    /// <summary>Whether a value goes to the left child: at or below a numeric threshold, or the categorical level; missing never.</summary>
    internal static bool GoesLeft(Feature feature, double value, double threshold) =>
        !double.IsNaN(value) && (feature.Kind == FeatureKind.Categorical ? value == threshold : value <= threshold);
}

/// <summary>One node of an uplift tree.</summary>
/// <param name="Feature">Feature the node splits on; −1 for a leaf.</param>
/// <param name="Threshold">Numeric threshold (values ≤ it go left) or categorical level (that level goes left).</param>
/// <param name="Left">Index of the left child; −1 for a leaf.</param>
/// <param name="Right">Index of the right child; −1 for a leaf.</param>
/// <param name="Uplift">Treated rate minus control rate of the node's training rows.</param>
internal sealed record UpliftTreeNode(int Feature, double Threshold, int Left, int Right, double Uplift);

/// <summary>A trained uplift tree: a row's uplift is that of the leaf it falls in.</summary>
internal sealed class UpliftTreeModel(IReadOnlyList<Feature> features, IReadOnlyList<UpliftTreeNode> nodes) : IUpliftModel
{
    private readonly UpliftTreeNode[] _nodes = [.. nodes];

    /// <summary>The tree's nodes, root first (for the model file).</summary>
    internal IReadOnlyList<UpliftTreeNode> Nodes => _nodes;

    public string Algorithm => UpliftTree.Name;

    public IReadOnlyList<Feature> Features { get; } = [.. features];

    public double Predict(ReadOnlySpan<double> row)
    {
        LabelCheck.Row(row, Features.Count);
        var node = _nodes[0];
        while (node.Feature >= 0)
        {
            node = _nodes[UpliftTree.GoesLeft(Features[node.Feature], row[node.Feature], node.Threshold) ? node.Left : node.Right];
        }
        return node.Uplift;
    }

    public double[] PredictAll(Table data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Columns != Features.Count)
        {
            throw new ArgumentException($"The model expects {Features.Count} features; the table has {data.Columns}.", nameof(data));
        }
        var uplift = new double[data.Rows];
        var row = new double[data.Columns];
        for (var r = 0; r < uplift.Length; r++)
        {
            data.CopyRow(r, row);
            uplift[r] = Predict(row);
        }
        return uplift;
    }

    /// <summary>
    /// The root's uplift as the base, and along the row's path each split's change of uplift (child's minus node's)
    /// credited to the feature split on, so they add up to the leaf's uplift.
    /// </summary>
    public UpliftExplanation Explain(ReadOnlySpan<double> row)
    {
        var amounts = new double[Features.Count];
        var @base = AddContributions(row, 1, amounts);
        return UpliftExplanation.Create(@base, Features, row, amounts);
    }

    /// <summary>Adds <paramref name="weight"/> × each feature's contribution to <paramref name="amounts"/>; returns <paramref name="weight"/> × the base.</summary>
    public double AddContributions(ReadOnlySpan<double> row, double weight, Span<double> amounts)
    {
        LabelCheck.Row(row, Features.Count);
        var node = _nodes[0];
        while (node.Feature >= 0)
        {
            var child = _nodes[UpliftTree.GoesLeft(Features[node.Feature], row[node.Feature], node.Threshold) ? node.Left : node.Right];
            amounts[node.Feature] += weight * (child.Uplift - node.Uplift);
            node = child;
        }
        return weight * _nodes[0].Uplift;
    }
}
