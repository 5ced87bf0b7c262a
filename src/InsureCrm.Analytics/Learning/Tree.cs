using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace InsureCrm.Analytics.Learning;

/// <summary>One node of a trained <see cref="Tree"/> (40 bytes: the doubles first, so nothing is padded).</summary>
internal struct TreeNode
{
    /// <summary>Numeric split: a value below it goes left (<see cref="double.MaxValue"/>: every non-missing value goes left).</summary>
    public double Threshold;

    /// <summary>The node's prediction: at a leaf the tree's output, at an inner node what it would output as a leaf (path contributions).</summary>
    public double Value;

    /// <summary>Feature tested at this node; −1 for a leaf.</summary>
    public int Feature;

    public int Left;

    public int Right;

    /// <summary>Categorical split: index into <see cref="Tree.LevelSets"/> of the levels going left; −1 otherwise.</summary>
    public int Levels;

    /// <summary>Training rows that reached the node.</summary>
    public int Count;

    /// <summary>Where a missing value goes (learned in training, else the side with more rows).</summary>
    public bool MissingLeft;
}

/// <summary>
/// A binary decision tree over raw feature values, shared by the tree learners. Immutable after construction;
/// scoring allocates nothing.
/// </summary>
internal sealed class Tree
{
    public Tree(TreeNode[] nodes, bool[][] levelSets)
    {
        Nodes = nodes;
        LevelSets = levelSets;
    }

    public TreeNode[] Nodes { get; }

    /// <summary>For each categorical split, whether each level goes left (indexed by level).</summary>
    public bool[][] LevelSets { get; }

    public double RootValue => Nodes[0].Value;

    /// <summary>
    /// The same tree with its nodes renumbered in pre-order (a left child right after its parent), so that
    /// scoring walks mostly forward through memory.
    /// </summary>
    public Tree PreOrder()
    {
        var order = new int[Nodes.Length];
        var newIndex = new int[Nodes.Length];
        var stack = new Stack<int>();
        stack.Push(0);
        var next = 0;
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            newIndex[n] = next;
            order[next++] = n;
            if (Nodes[n].Feature >= 0)
            {
                stack.Push(Nodes[n].Right);
                stack.Push(Nodes[n].Left);
            }
        }
        var nodes = new TreeNode[next];
        for (var i = 0; i < next; i++)
        {
            var node = Nodes[order[i]];
            if (node.Feature >= 0)
            {
                node.Left = newIndex[node.Left];
                node.Right = newIndex[node.Right];
            }
            nodes[i] = node;
        }
        return new Tree(nodes, LevelSets);
    }

    /// <summary>Index of the leaf that <paramref name="row"/> reaches.</summary>
    /// <exception cref="IndexOutOfRangeException">The row is shorter than a feature index the tree tests.</exception>
    public int Leaf(ReadOnlySpan<double> row)
    {
        // The hot loop of scoring: node references without bounds checks (Read checked every child index, and
        // children always follow their parent), the row span still checked.
        ref var first = ref MemoryMarshal.GetArrayDataReference(Nodes);
        var n = 0;
        while (true)
        {
            ref readonly var node = ref Unsafe.Add(ref first, n);
            if (node.Feature < 0)
            {
                return n;
            }
            var x = row[node.Feature];
            bool left;
            if (node.Levels < 0)
            {
                // NaN fails every comparison, so one test settles all non-missing values.
                left = x < node.Threshold || (double.IsNaN(x) && node.MissingLeft);
            }
            else
            {
                left = GoesLeft(in node, x);
            }
            n = left ? node.Left : node.Right;
        }
    }

    public double Predict(ReadOnlySpan<double> row) => Nodes[Leaf(row)].Value;

    private bool GoesLeft(in TreeNode node, double x)
    {
        if (double.IsNaN(x))
        {
            return node.MissingLeft;
        }
        if (node.Levels < 0)
        {
            return x < node.Threshold;
        }
        var set = LevelSets[node.Levels];
        var level = (int)x;
        return (uint)level < (uint)set.Length && set[level];
    }

    /// <summary>Adds <paramref name="weight"/> × (child value − parent value) of every split on the row's path to the split feature.</summary>
    public void AddContributions(ReadOnlySpan<double> row, Span<double> amounts, double weight)
    {
        var nodes = Nodes;
        var n = 0;
        while (nodes[n].Feature >= 0)
        {
            ref readonly var node = ref nodes[n];
            var child = GoesLeft(in node, row[node.Feature]) ? node.Left : node.Right;
            amounts[node.Feature] += weight * (nodes[child].Value - node.Value);
            n = child;
        }
    }

    /// <summary>The path of conditions to every leaf, leaves left to right: (leaf index, [(node, went left)]).</summary>
    public IEnumerable<(int Leaf, IReadOnlyList<(int Node, bool Left)> Path)> Paths()
    {
        var path = new List<(int, bool)>();
        var results = new List<(int, IReadOnlyList<(int, bool)>)>();
        Walk(0);
        return results;

        void Walk(int n)
        {
            var node = Nodes[n];
            if (node.Feature < 0)
            {
                results.Add((n, path.ToArray()));
                return;
            }
            path.Add((n, true));
            Walk(node.Left);
            path[^1] = (n, false);
            Walk(node.Right);
            path.RemoveAt(path.Count - 1);
        }
    }

    /// <summary>Writes the nodes column-wise: one array per field.</summary>
    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        WriteInts(writer, "feature", n => n.Feature);
        WriteInts(writer, "left", n => n.Left);
        WriteInts(writer, "right", n => n.Right);
        writer.WriteStartArray("threshold");
        foreach (var node in Nodes)
        {
            writer.WriteNumberValue(node.Threshold);
        }
        writer.WriteEndArray();
        WriteInts(writer, "levels", n => n.Levels);
        WriteInts(writer, "missingLeft", n => n.MissingLeft ? 1 : 0);
        writer.WriteStartArray("value");
        foreach (var node in Nodes)
        {
            writer.WriteNumberValue(node.Value);
        }
        writer.WriteEndArray();
        WriteInts(writer, "count", n => n.Count);
        writer.WriteStartArray("levelSets");
        foreach (var set in LevelSets)
        {
            // The levels going left, by index.
            writer.WriteStartArray();
            for (var level = 0; level < set.Length; level++)
            {
                if (set[level])
                {
                    writer.WriteNumberValue(level);
                }
            }
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private void WriteInts(Utf8JsonWriter writer, string name, Func<TreeNode, int> field)
    {
        writer.WriteStartArray(name);
        foreach (var node in Nodes)
        {
            writer.WriteNumberValue(field(node));
        }
        writer.WriteEndArray();
    }

    /// <summary>Reads a tree written by <see cref="Write"/>, checking that it is well formed for <paramref name="features"/>.</summary>
    public static Tree Read(JsonElement element, IReadOnlyList<Feature> features)
    {
        var feature = Ints(element, "feature");
        var left = Ints(element, "left");
        var right = Ints(element, "right");
        var threshold = Doubles(element, "threshold");
        var levels = Ints(element, "levels");
        var missingLeft = Ints(element, "missingLeft");
        var value = Doubles(element, "value");
        var count = Ints(element, "count");
        var n = feature.Length;
        if (n == 0 || left.Length != n || right.Length != n || threshold.Length != n || levels.Length != n || missingLeft.Length != n || value.Length != n || count.Length != n)
        {
            throw new InvalidDataException("Tree node arrays are empty or differ in length.");
        }
        var setElements = element.GetProperty("levelSets");
        var sets = new List<bool[]>();
        var nodes = new TreeNode[n];
        for (var i = 0; i < n; i++)
        {
            nodes[i] = new TreeNode
            {
                Feature = feature[i], Left = left[i], Right = right[i], Threshold = threshold[i], Levels = levels[i],
                MissingLeft = missingLeft[i] != 0, Value = value[i], Count = count[i],
            };
        }
        foreach (var set in setElements.EnumerateArray())
        {
            sets.Add([]);
            _ = set;
        }
        for (var i = 0; i < n; i++)
        {
            var node = nodes[i];
            if (node.Feature < 0)
            {
                continue;
            }
            // Children come after their parent, so a file cannot make scoring loop forever.
            if (node.Feature >= features.Count || node.Left <= i || node.Right <= i || node.Left >= n || node.Right >= n)
            {
                throw new InvalidDataException($"Tree node {i} is not well formed.");
            }
            var categorical = features[node.Feature].Kind == FeatureKind.Categorical;
            if (categorical != (node.Levels >= 0) || node.Levels >= sets.Count)
            {
                throw new InvalidDataException($"Tree node {i} does not match the kind of feature '{features[node.Feature].Name}'.");
            }
            if (categorical)
            {
                var set = new bool[features[node.Feature].Categories.Count];
                foreach (var level in setElements[node.Levels].EnumerateArray())
                {
                    var l = level.GetInt32();
                    if ((uint)l >= (uint)set.Length)
                    {
                        throw new InvalidDataException($"Tree node {i} names level {l} of '{features[node.Feature].Name}', which has {set.Length}.");
                    }
                    set[l] = true;
                }
                sets[node.Levels] = set;
            }
        }
        return new Tree(nodes, [.. sets]);
    }

    private static int[] Ints(JsonElement element, string name)
    {
        var array = element.GetProperty(name);
        var result = new int[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            result[i++] = item.GetInt32();
        }
        return result;
    }

    private static double[] Doubles(JsonElement element, string name)
    {
        var array = element.GetProperty(name);
        var result = new double[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            result[i++] = item.GetDouble();
        }
        return result;
    }
}
