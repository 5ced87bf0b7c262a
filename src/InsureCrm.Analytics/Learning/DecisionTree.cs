using System.Globalization;
using System.Text.Json;

namespace InsureCrm.Analytics.Learning;

/// <summary>
/// Settings for <see cref="DecisionTree"/>. The defaults keep a tree small enough for people to read as rules
/// (scikit-learn grows without limit, which suits a forest but not a rule list).
/// </summary>
public sealed record DecisionTreeOptions
{
    /// <summary>Largest depth (the root is depth 0). Default 5; null for no limit.</summary>
    public int? MaxDepth { get; init; } = 5;

    /// <summary>Largest number of leaves; null for no limit (then the tree grows depth-first). Default null.</summary>
    public int? MaxLeafNodes { get; init; }

    /// <summary>Fewest training rows in a leaf. Default 20.</summary>
    public int MinSamplesLeaf { get; init; } = 20;

    /// <summary>Most bins per numeric feature, 2 … 255. Default 255.</summary>
    public int MaxBins { get; init; } = BinnedTable.MaxBins;

    /// <summary>A categorical level seen in fewer training rows is pooled with the other rare levels. Default 10.</summary>
    public int MinCategoryRows { get; init; } = 10;

    /// <summary>Seed of the binning sample (used only above 200,000 rows). Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Largest number of threads; null lets the runtime decide. Results do not depend on it.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    internal void Validate()
    {
        if (MaxDepth is { } depth)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(depth, nameof(MaxDepth));
        }
        if (MaxLeafNodes is { } leaves)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(leaves, 2, nameof(MaxLeafNodes));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(MinSamplesLeaf, 1, nameof(MinSamplesLeaf));
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
/// CART classification tree (algorithm <c>tree</c>) on binned features: Gini splits, numeric thresholds,
/// categorical splits into two sets of levels (levels ordered by positive rate, best prefix, which is the
/// optimal Gini split for a binary target), and missing values sent to the side learned in training.
/// Leaves hold the positive rate of their training rows.
/// </summary>
/// <param name="options">The tree's settings.</param>
public sealed class DecisionTree(DecisionTreeOptions options) : ILearner
{
    /// <summary>A tree with the default settings.</summary>
    public DecisionTree()
        : this(new DecisionTreeOptions())
    {
    }

    /// <summary>The settings this instance trains with.</summary>
    public DecisionTreeOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <inheritdoc />
    public string Algorithm => DecisionTreeModel.Name;

    /// <inheritdoc cref="ILearner.Fit" />
    public DecisionTreeModel Fit(Table data, ReadOnlySpan<bool> labels)
    {
        TreeTraining.CheckLabels(data, labels);
        Options.Validate();
        var parallel = TreeTraining.Parallel(Options.MaxDegreeOfParallelism);
        var binned = BinnedTable.Create(data, Options.MaxBins, Options.MinCategoryRows, Options.Seed, parallel);
        var g = new double[data.Rows];
        for (var r = 0; r < g.Length; r++)
        {
            g[r] = labels[r] ? 1 : 0;
        }
        var settings = new GrowerSettings(
            Options.MaxLeafNodes ?? int.MaxValue, Options.MaxDepth ?? int.MaxValue, Options.MinSamplesLeaf, 0, 0, 1, 0, 1, 0, parallel);
        var grower = new TreeGrower(binned, g, null, data.Rows, settings, null);
        var grown = grower.Grow(TreeTraining.Range(data.Rows), data.Rows, TreeTraining.Range(data.Columns));
        return new DecisionTreeModel(data.Features, grown.Tree.PreOrder(), binned.HasMissing);
    }

    IClassifier ILearner.Fit(Table data, ReadOnlySpan<bool> labels) => Fit(data, labels);
}

/// <summary>
/// A trained classification tree: the positive rate of the leaf a row reaches, readable as one rule per leaf.
/// Immutable and safe to share across threads.
/// </summary>
public sealed class DecisionTreeModel : IClassifier
{
    internal const string Name = "tree";

    private readonly Tree _tree;
    private readonly bool[] _missingSeen;

    internal DecisionTreeModel(IReadOnlyList<Feature> features, Tree tree, bool[] missingSeen)
    {
        Features = features;
        _tree = tree;
        _missingSeen = missingSeen;
    }

    /// <inheritdoc />
    public string Algorithm => Name;

    /// <inheritdoc />
    public IReadOnlyList<Feature> Features { get; }

    /// <summary>Number of leaves (rules).</summary>
    public int LeafCount => (_tree.Nodes.Length + 1) / 2;

    internal Tree Tree => _tree;

    /// <inheritdoc />
    public double Predict(ReadOnlySpan<double> row)
    {
        TreeTraining.CheckFeatures(Features, row);
        return _tree.Predict(row);
    }

    /// <summary>
    /// Path contributions on the probability scale (Saabas): the base is the root's positive rate and every
    /// split on the row's path adds the child's rate minus the parent's to the split feature.
    /// </summary>
    public Explanation Explain(ReadOnlySpan<double> row)
    {
        TreeTraining.CheckFeatures(Features, row);
        var amounts = new double[Features.Count];
        _tree.AddContributions(row, amounts, 1);
        return Explanation.Create(ExplanationScale.Probability, _tree.RootValue, Features, row, amounts);
    }

    /// <summary>
    /// One line per leaf, left to right, for people: the conditions on the path (ranges merged per feature)
    /// and the leaf's positive rate and training rows, e.g.
    /// <c>age ≥ 45 and channel in {agent, bank} → 31% positive (1,204 rows)</c>. Numbers are invariant.
    /// </summary>
    public IReadOnlyList<string> Rules()
    {
        var lines = new List<string>();
        foreach (var (leaf, path) in _tree.Paths())
        {
            var conditions = new RuleConditions(Features);
            foreach (var (node, left) in path)
            {
                conditions.Add(_tree, _tree.Nodes[node], left);
            }
            var text = conditions.Describe(_missingSeen);
            var value = _tree.Nodes[leaf].Value;
            var percent = (value * 100).ToString(value >= 0.1 ? "0" : "0.#", CultureInfo.InvariantCulture);
            var rows = _tree.Nodes[leaf].Count.ToString("N0", CultureInfo.InvariantCulture);
            lines.Add($"{(text.Length == 0 ? "all rows" : text)} → {percent}% positive ({rows} rows)");
        }
        return lines;
    }

    /// <summary>The rules of <see cref="Rules"/>, one per line.</summary>
    public override string ToString() => string.Join('\n', Rules());

    /// <inheritdoc />
    public void Write(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteStartArray("missingSeen");
        foreach (var seen in _missingSeen)
        {
            writer.WriteBooleanValue(seen);
        }
        writer.WriteEndArray();
        writer.WritePropertyName("tree");
        _tree.Write(writer);
        writer.WriteEndObject();
    }

    internal static DecisionTreeModel Read(JsonElement element, IReadOnlyList<Feature> features)
    {
        var seen = element.GetProperty("missingSeen").EnumerateArray().Select(e => e.GetBoolean()).ToArray();
        if (seen.Length != features.Count)
        {
            throw new InvalidDataException($"The tree describes {seen.Length} features; the file lists {features.Count}.");
        }
        return new DecisionTreeModel(features, Tree.Read(element.GetProperty("tree"), features), seen);
    }

    // The conditions of one path, merged per feature in order of first use.
    private sealed class RuleConditions(IReadOnlyList<Feature> features)
    {
        private readonly List<int> _order = [];
        private readonly Dictionary<int, Condition> _byFeature = [];

        private sealed class Condition
        {
            public double? Lower;
            public double? Upper;
            public bool MissingAllowed = true;
            public bool ValuesAllowed = true;
            public bool[]? Levels;
        }

        public void Add(Tree tree, TreeNode node, bool left)
        {
            if (!_byFeature.TryGetValue(node.Feature, out var c))
            {
                c = new Condition();
                _byFeature[node.Feature] = c;
                _order.Add(node.Feature);
            }
            c.MissingAllowed &= node.MissingLeft == left;
            if (node.Levels >= 0)
            {
                var set = tree.LevelSets[node.Levels];
                c.Levels ??= Enumerable.Repeat(true, set.Length).ToArray();
                for (var l = 0; l < set.Length; l++)
                {
                    c.Levels[l] &= set[l] == left;
                }
            }
            else if (node.Threshold == double.MaxValue)
            {
                c.ValuesAllowed &= left;
            }
            else if (left)
            {
                c.Upper = c.Upper is { } u ? Math.Min(u, node.Threshold) : node.Threshold;
            }
            else
            {
                c.Lower = c.Lower is { } l ? Math.Max(l, node.Threshold) : node.Threshold;
            }
        }

        public string Describe(bool[] missingSeen)
        {
            var parts = new List<string>();
            foreach (var f in _order)
            {
                var c = _byFeature[f];
                var name = features[f].Name;
                var orMissing = c.MissingAllowed && missingSeen[f] ? " or missing" : "";
                string? values = null;
                if (c.Levels is { } levels)
                {
                    var inSet = new List<string>();
                    var outSet = new List<string>();
                    for (var l = 0; l < levels.Length; l++)
                    {
                        (levels[l] ? inSet : outSet).Add(features[f].Categories[l]);
                    }
                    if (inSet.Count == 0)
                    {
                        c.ValuesAllowed = false;
                    }
                    else if (outSet.Count > 0)
                    {
                        values = inSet.Count <= outSet.Count
                            ? $"{name} in {{{string.Join(", ", inSet)}}}"
                            : $"{name} not in {{{string.Join(", ", outSet)}}}";
                    }
                }
                else if (c.Lower is { } lo && c.Upper is { } hi)
                {
                    values = $"{Number(lo)} ≤ {name} < {Number(hi)}";
                }
                else if (c.Lower is { } lower)
                {
                    values = $"{name} ≥ {Number(lower)}";
                }
                else if (c.Upper is { } upper)
                {
                    values = $"{name} < {Number(upper)}";
                }

                if (!c.ValuesAllowed)
                {
                    parts.Add($"{name} is missing");
                }
                else if (values is not null)
                {
                    parts.Add(values + orMissing);
                }
                else if (!c.MissingAllowed)
                {
                    parts.Add($"{name} is not missing");
                }
            }
            return string.Join(" and ", parts);
        }

        private static string Number(double x) => x.ToString("0.######", CultureInfo.InvariantCulture);
    }
}
