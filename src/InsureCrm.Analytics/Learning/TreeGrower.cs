using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace InsureCrm.Analytics.Learning;

/// <summary>Sums of one histogram bin: gradients, hessians and rows (G and H adjacent, added as one 128-bit vector).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct HistSlot
{
    public double G;
    public double H;
    public int N;
}

/// <summary>How a <see cref="TreeGrower"/> grows one tree.</summary>
/// <param name="MaxLeaves">Largest number of leaves; <see cref="int.MaxValue"/> grows depth-first until nothing splits.</param>
/// <param name="MaxDepth">Largest depth (the root is depth 0); <see cref="int.MaxValue"/> for none.</param>
/// <param name="MinSamplesLeaf">Fewest rows in a leaf.</param>
/// <param name="MinHessianLeaf">Smallest hessian sum in a leaf.</param>
/// <param name="L2">L2 penalty λ on leaf values: a leaf's value is <c>LeafScale × G / (H + λ)</c>.</param>
/// <param name="LeafScale">1 for CART (G/H is the positive rate), −learning rate for boosting (a Newton step).</param>
/// <param name="CategorySmoothing">Added to a level's hessian when levels are ordered by G / H (LightGBM's <c>cat_smooth</c>).</param>
/// <param name="CategorySupport">Support (hessian-weighted rows) a level needs in a node to be ordered for a categorical split; 1 orders every level (CART).</param>
/// <param name="SplitFeatures">Features drawn at random per split (random forest); 0 considers every feature of the tree.</param>
/// <param name="Parallel">Threads for the per-feature work; null keeps a tree on one thread (the forest parallelises trees).</param>
internal sealed record GrowerSettings(
    int MaxLeaves, int MaxDepth, int MinSamplesLeaf, double MinHessianLeaf, double L2, double LeafScale,
    double CategorySmoothing, int CategorySupport, int SplitFeatures, ParallelOptions? Parallel);

/// <summary>A split as the grower sees it, on bins (to route training rows without their raw values).</summary>
internal struct BinSplit
{
    public int Feature;
    public int BinThreshold;
    public bool MissingLeft;
    public bool[]? BinLeft;
}

/// <summary>A grown tree with what the training loop needs besides the tree: bin splits and each leaf's rows.</summary>
internal sealed record GrownTree(Tree Tree, BinSplit[] Splits, (int Node, int Start, int End)[] Leaves)
{
    /// <summary>The node index of the leaf that binned row <paramref name="row"/> reaches.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Leaf(BinnedTable data, int row)
    {
        var splits = Splits;
        var nodes = Tree.Nodes;
        var n = 0;
        while (true)
        {
            var split = splits[n];
            if (split.Feature < 0)
            {
                return n;
            }
            var b = data.Bins[split.Feature][row];
            bool left;
            if (split.BinLeft is { } set)
            {
                left = set[b];
            }
            else
            {
                left = b == data.BinCount[split.Feature] ? split.MissingLeft : b <= split.BinThreshold;
            }
            n = left ? nodes[n].Left : nodes[n].Right;
        }
    }
}

/// <summary>
/// Grows one regression tree on binned data from per-row gradients and hessians by the histogram method:
/// a node's per-bin sums are built once, the best split of each feature is found by scanning its bins,
/// and (when every feature is considered) the larger child's histogram is the parent's minus the smaller
/// child's. With <c>g = label, h = 1, λ = 0</c> the split gain is the Gini gain and the leaf value the
/// positive rate (CART); with logistic gradients it is Newton boosting as in LightGBM.
/// </summary>
/// <remarks>
/// Deterministic: every feature's histogram is summed by one thread in row order, per-feature results are
/// reduced in feature order, ties go to the lower feature and bin, and the only randomness (features per
/// split) comes from the caller's <see cref="Random"/> in node order.
/// </remarks>
internal sealed class TreeGrower
{
    // Below this many row×feature visits a node's histograms are built on one thread.
    private const long ParallelWork = 1L << 16;

    private readonly BinnedTable _data;
    private readonly double[] _g;
    private readonly double[]? _h;
    private readonly GrowerSettings _settings;
    private readonly Random? _random;
    // Gradients of a node's rows in the node's row order: (g, h) pairs when hessians are given, else g alone.
    private readonly double[] _ordered;
    private readonly int[] _scratch;
    private readonly Stack<HistSlot[]> _pool = new();
    private readonly Candidate[] _foundBuilt;
    private readonly Candidate[] _foundOther;
    private readonly int _threads;

    /// <param name="data">Binned training data.</param>
    /// <param name="g">Gradient of every row.</param>
    /// <param name="h">Hessian of every row; null when every hessian is 1.</param>
    /// <param name="rowCapacity">Largest number of rows a tree will be grown on.</param>
    /// <param name="settings">Tree shape and regularisation.</param>
    /// <param name="random">Draws features per split; required when <see cref="GrowerSettings.SplitFeatures"/> is positive.</param>
    public TreeGrower(BinnedTable data, double[] g, double[]? h, int rowCapacity, GrowerSettings settings, Random? random)
    {
        _data = data;
        _g = g;
        _h = h;
        _settings = settings;
        _random = random;
        _ordered = new double[h is null ? rowCapacity : 2 * rowCapacity];
        _scratch = new int[rowCapacity];
        _foundBuilt = new Candidate[data.Columns];
        _foundOther = new Candidate[data.Columns];
        _threads = settings.Parallel is { MaxDegreeOfParallelism: > 0 } p ? p.MaxDegreeOfParallelism : Environment.ProcessorCount;
    }

    private sealed class Leaf
    {
        public int Node;
        public int Start;
        public int End;
        public int Depth;
        public double G;
        public double H;
        public HistSlot[]? Hist;
        public Candidate Best;

        public int N => End - Start;
    }

    private struct Candidate
    {
        public int Feature;
        public double Gain;
        public int BinThreshold;
        public bool MissingLeft;
        public bool[]? BinLeft;
        public double GL;
        public double HL;
        public int NL;
    }

    /// <summary>Grows a tree on <paramref name="rows"/> (reordered in place; a row may repeat) using <paramref name="features"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public GrownTree Grow(int[] rows, int count, int[] features)
    {
        var nodes = new List<TreeNode>();
        var splits = new List<BinSplit>();
        var levelSets = new List<bool[]>();
        var leaves = new List<(int, int, int)>();

        double g = 0, h = 0;
        for (var i = 0; i < count; i++)
        {
            g += _g[rows[i]];
            h += _h is null ? 1 : _h[rows[i]];
        }
        var root = new Leaf { Node = 0, Start = 0, End = count, Depth = 0, G = g, H = h };
        nodes.Add(NewNode(root));
        splits.Add(new BinSplit { Feature = -1 });

        var open = new List<Leaf>();
        var sampled = _settings.SplitFeatures > 0 && _settings.SplitFeatures < features.Length;
        if (Splittable(root))
        {
            if (sampled)
            {
                FindSampled(root, rows, features);
            }
            else
            {
                root.Hist = Rent();
                Histograms(root, true, null, null, rows, features);
            }
        }
        Keep(root, open, leaves);

        var depthFirst = _settings.MaxLeaves == int.MaxValue;
        var leafCount = 1;
        while (open.Count > 0 && leafCount < _settings.MaxLeaves)
        {
            var pick = open.Count - 1;
            if (!depthFirst)
            {
                for (var i = 0; i < open.Count; i++)
                {
                    if (open[i].Best.Gain > open[pick].Best.Gain || (open[i].Best.Gain == open[pick].Best.Gain && open[i].Node < open[pick].Node))
                    {
                        pick = i;
                    }
                }
            }
            var parent = open[pick];
            open.RemoveAt(pick);
            var best = parent.Best;
            var mid = Partition(rows, parent.Start, parent.End, best);
            var left = new Leaf { Start = parent.Start, End = mid, Depth = parent.Depth + 1, G = best.GL, H = best.HL, Node = nodes.Count };
            var right = new Leaf { Start = mid, End = parent.End, Depth = parent.Depth + 1, G = parent.G - best.GL, H = parent.H - best.HL, Node = nodes.Count + 1 };
            if (_h is null)
            {
                // Exact sums for CART: the counts are integers.
                left.H = left.N;
                right.H = right.N;
            }
            nodes.Add(NewNode(left));
            nodes.Add(NewNode(right));
            splits.Add(new BinSplit { Feature = -1 });
            splits.Add(new BinSplit { Feature = -1 });
            var parentNode = nodes[parent.Node];
            parentNode.Feature = best.Feature;
            parentNode.Left = left.Node;
            parentNode.Right = right.Node;
            parentNode.MissingLeft = best.MissingLeft;
            parentNode.Levels = -1;
            if (best.BinLeft is { } binLeft)
            {
                var levelBin = _data.LevelBin[best.Feature];
                var set = new bool[levelBin.Length];
                for (var level = 0; level < set.Length; level++)
                {
                    set[level] = binLeft[levelBin[level]];
                }
                parentNode.Levels = levelSets.Count;
                levelSets.Add(set);
            }
            else
            {
                var edges = _data.Edges[best.Feature];
                parentNode.Threshold = best.BinThreshold < edges.Length ? edges[best.BinThreshold] : double.MaxValue;
            }
            nodes[parent.Node] = parentNode;
            splits[parent.Node] = new BinSplit { Feature = best.Feature, BinThreshold = best.BinThreshold, MissingLeft = best.MissingLeft, BinLeft = best.BinLeft };
            leafCount++;

            var splitLeft = Splittable(left);
            var splitRight = Splittable(right);
            if (sampled)
            {
                if (splitLeft)
                {
                    FindSampled(left, rows, features);
                }
                if (splitRight)
                {
                    FindSampled(right, rows, features);
                }
            }
            else if (splitLeft || splitRight)
            {
                // The smaller child's histograms are built from its rows; the larger's (if it may split) are the
                // parent's minus the smaller's.
                var (small, large) = left.N <= right.N ? (left, right) : (right, left);
                small.Hist = Rent();
                Leaf? other = null;
                if (small == left ? splitRight : splitLeft)
                {
                    large.Hist = Rent();
                    other = large;
                }
                Histograms(small, small == left ? splitLeft : splitRight, other, parent.Hist, rows, features);
            }
            if (parent.Hist is not null)
            {
                _pool.Push(parent.Hist);
                parent.Hist = null;
            }
            // Right first, so that depth-first growth (which takes the last open leaf) goes down the left side first.
            Keep(right, open, leaves);
            Keep(left, open, leaves);
        }
        foreach (var leaf in open)
        {
            leaves.Add((leaf.Node, leaf.Start, leaf.End));
            if (leaf.Hist is not null)
            {
                _pool.Push(leaf.Hist);
            }
        }
        return new GrownTree(new Tree([.. nodes], [.. levelSets]), [.. splits], [.. leaves]);
    }

    private void Keep(Leaf leaf, List<Leaf> open, List<(int, int, int)> leaves)
    {
        if (leaf.Best.Feature >= 0 && leaf.Best.Gain > 0)
        {
            open.Add(leaf);
        }
        else
        {
            leaves.Add((leaf.Node, leaf.Start, leaf.End));
            if (leaf.Hist is not null)
            {
                _pool.Push(leaf.Hist);
                leaf.Hist = null;
            }
        }
    }

    private TreeNode NewNode(Leaf leaf) => new()
    {
        Feature = -1,
        Left = -1,
        Right = -1,
        Levels = -1,
        Value = _settings.LeafScale * leaf.G / (leaf.H + _settings.L2),
        Count = leaf.N,
    };

    private bool Splittable(Leaf leaf)
    {
        leaf.Best.Feature = -1;
        return leaf.Depth < _settings.MaxDepth && leaf.N >= 2 * _settings.MinSamplesLeaf && leaf.H >= 2 * _settings.MinHessianLeaf;
    }

    private HistSlot[] Rent() => _pool.Count > 0 ? _pool.Pop() : new HistSlot[_data.TotalSlots];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Partition(int[] rows, int start, int end, in Candidate split)
    {
        // Which side each bin goes to, so the loop below has no data-dependent branch: every row is written to
        // both the left part (in place: write ≤ i) and the scratch, and only the matching position advances.
        Span<byte> goesLeft = stackalloc byte[256];
        var missing = _data.BinCount[split.Feature];
        for (var b = 0; b <= missing; b++)
        {
            var left = split.BinLeft is { } binLeft ? binLeft[b] : b == missing ? split.MissingLeft : b <= split.BinThreshold;
            goesLeft[b] = left ? (byte)1 : (byte)0;
        }
        ref var bins = ref MemoryMarshal.GetArrayDataReference(_data.Bins[split.Feature]);
        ref var row = ref MemoryMarshal.GetArrayDataReference(rows);
        ref var spillRef = ref MemoryMarshal.GetArrayDataReference(_scratch);
        ref var table = ref MemoryMarshal.GetReference(goesLeft);
        var write = start;
        var spill = 0;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(end, rows.Length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(end - start, _scratch.Length);
        for (var i = start; i < end; i++)
        {
            var r = Unsafe.Add(ref row, i);
            int left = Unsafe.Add(ref table, Unsafe.Add(ref bins, r));
            Unsafe.Add(ref row, write) = r;
            Unsafe.Add(ref spillRef, spill) = r;
            write += left;
            spill += 1 - left;
        }
        Array.Copy(_scratch, 0, rows, write, spill);
        return write;
    }

    // Copies the leaf's gradients (and hessians) into row order, so the histogram loops read them sequentially.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Gather(Leaf leaf, int[] rows)
    {
        var (start, end) = (leaf.Start, leaf.End);
        var ordered = _ordered;
        var g = _g;
        if (_h is { } h)
        {
            for (var i = start; i < end; i++)
            {
                var r = rows[i];
                ordered[2 * i] = g[r];
                ordered[(2 * i) + 1] = h[r];
            }
        }
        else
        {
            for (var i = start; i < end; i++)
            {
                ordered[i] = g[rows[i]];
            }
        }
    }

    /// <summary>
    /// Builds the histograms of <paramref name="built"/> from its rows and, when <paramref name="other"/> is given,
    /// the sibling's as <paramref name="parentHist"/> minus them; then finds the best split of <paramref name="built"/>
    /// (when <paramref name="findBuilt"/>) and of <paramref name="other"/>. Features are processed in groups (a
    /// group's histograms are summed in one pass over the rows: independent chains of additions for the CPU to
    /// overlap), one task per group; every bin is still summed in row order and the per-feature results are
    /// reduced in feature order, so neither the grouping nor the thread count changes the result.
    /// </summary>
    private void Histograms(Leaf built, bool findBuilt, Leaf? other, HistSlot[]? parentHist, int[] rows, int[] features)
    {
        Gather(built, rows);
        var count = features.Length;
        var parallel = _settings.Parallel is { } options && count > 1 && (long)built.N * count >= ParallelWork ? options : null;
        if (parallel is null)
        {
            HistogramTask(built, findBuilt, other, parentHist, rows, features, 0, count);
        }
        else
        {
            // Groups of at most five features, as many per thread (a pass over the rows sums four at once, and
            // fewer, larger tasks measured faster than more, smaller ones); group bounds spread the features evenly.
            var perThread = (count + (5 * _threads) - 1) / (5 * _threads);
            var tasks = Math.Min(count, _threads * perThread);
            System.Threading.Tasks.Parallel.For(0, tasks, parallel, t =>
                HistogramTask(built, findBuilt, other, parentHist, rows, features, t * count / tasks, (t + 1) * count / tasks));
        }
        if (findBuilt)
        {
            built.Best = Reduce(_foundBuilt, count);
        }
        if (other is not null)
        {
            other.Best = Reduce(_foundOther, count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Candidate Reduce(Candidate[] found, int count)
    {
        var best = new Candidate { Feature = -1 };
        for (var k = 0; k < count; k++)
        {
            ref readonly var c = ref found[k];
            if (c.Feature >= 0 && (best.Feature < 0 || c.Gain > best.Gain))
            {
                best = c;
            }
        }
        return best;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void HistogramTask(Leaf built, bool findBuilt, Leaf? other, HistSlot[]? parentHist, int[] rows, int[] features, int from, int to)
    {
        var hist = built.Hist!;
        BuildGroup(hist, features.AsSpan(from, to - from), rows, built.Start, built.End);
        for (var k = from; k < to; k++)
        {
            var f = features[k];
            if (other is not null)
            {
                var start = _data.Offset[f];
                var end = _data.Offset[f + 1];
                var large = other.Hist!;
                for (var s = start; s < end; s++)
                {
                    large[s].G = parentHist![s].G - hist[s].G;
                    large[s].H = parentHist[s].H - hist[s].H;
                    large[s].N = parentHist[s].N - hist[s].N;
                }
                _foundOther[k] = Evaluate(other, large, f);
            }
            if (findBuilt)
            {
                _foundBuilt[k] = Evaluate(built, hist, f);
            }
        }
    }

    // Histograms of some features over rows start … end, up to four features per pass over the rows.
    private void Build(Leaf leaf, int[] rows, int[] features)
    {
        Gather(leaf, rows);
        BuildGroup(leaf.Hist!, features, rows, leaf.Start, leaf.End);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BuildGroup(HistSlot[] hist, ReadOnlySpan<int> features, int[] rows, int start, int end)
    {
        foreach (var f in features)
        {
            hist.AsSpan(_data.Offset[f], _data.BinCount[f] + 1).Clear();
        }
        var k = 0;
        for (; k + 4 <= features.Length; k += 4)
        {
            Build4(hist, features[k], features[k + 1], features[k + 2], features[k + 3], rows, start, end);
        }
        for (; k + 2 <= features.Length; k += 2)
        {
            Build2(hist, features[k], features[k + 1], rows, start, end);
        }
        if (k < features.Length)
        {
            Build1(hist, features[k], rows, start, end);
        }
        if (_h is null)
        {
            foreach (var f in features)
            {
                foreach (ref var slot in hist.AsSpan(_data.Offset[f], _data.BinCount[f] + 1))
                {
                    slot.H = slot.N;
                }
            }
        }
    }

    // The loops below index without bounds checks: a bin is at most BinCount (the missing bin), within the
    // feature's BinCount + 1 slots, a row is below the table's row count, and i < end ≤ the rows' capacity.

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(ref HistSlot slot, Vector128<double> gh)
    {
        ref var sums = ref Unsafe.As<HistSlot, Vector128<double>>(ref slot);
        sums += gh;
        slot.N++;
    }

    private ref HistSlot Slots(HistSlot[] hist, int f) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(hist), _data.Offset[f]);

    private ref byte BinsOf(int f) => ref MemoryMarshal.GetArrayDataReference(_data.Bins[f]);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Build1(HistSlot[] hist, int f, int[] rows, int start, int end)
    {
        ref var s0 = ref Slots(hist, f);
        ref var b0 = ref BinsOf(f);
        ref var row = ref MemoryMarshal.GetArrayDataReference(rows);
        ref var o = ref MemoryMarshal.GetArrayDataReference(_ordered);
        if (_h is not null)
        {
            for (var i = start; i < end; i++)
            {
                var r = Unsafe.Add(ref row, i);
                Add(ref Unsafe.Add(ref s0, Unsafe.Add(ref b0, r)), Vector128.LoadUnsafe(ref o, (nuint)(2 * i)));
            }
        }
        else
        {
            for (var i = start; i < end; i++)
            {
                ref var slot = ref Unsafe.Add(ref s0, Unsafe.Add(ref b0, Unsafe.Add(ref row, i)));
                slot.G += Unsafe.Add(ref o, i);
                slot.N++;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Build2(HistSlot[] hist, int f0, int f1, int[] rows, int start, int end)
    {
        ref var s0 = ref Slots(hist, f0);
        ref var s1 = ref Slots(hist, f1);
        ref var b0 = ref BinsOf(f0);
        ref var b1 = ref BinsOf(f1);
        ref var row = ref MemoryMarshal.GetArrayDataReference(rows);
        ref var o = ref MemoryMarshal.GetArrayDataReference(_ordered);
        if (_h is not null)
        {
            for (var i = start; i < end; i++)
            {
                var r = Unsafe.Add(ref row, i);
                var gh = Vector128.LoadUnsafe(ref o, (nuint)(2 * i));
                Add(ref Unsafe.Add(ref s0, Unsafe.Add(ref b0, r)), gh);
                Add(ref Unsafe.Add(ref s1, Unsafe.Add(ref b1, r)), gh);
            }
        }
        else
        {
            for (var i = start; i < end; i++)
            {
                var r = Unsafe.Add(ref row, i);
                var g = Unsafe.Add(ref o, i);
                ref var slot0 = ref Unsafe.Add(ref s0, Unsafe.Add(ref b0, r));
                slot0.G += g;
                slot0.N++;
                ref var slot1 = ref Unsafe.Add(ref s1, Unsafe.Add(ref b1, r));
                slot1.G += g;
                slot1.N++;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Build4(HistSlot[] hist, int f0, int f1, int f2, int f3, int[] rows, int start, int end)
    {
        ref var s0 = ref Slots(hist, f0);
        ref var s1 = ref Slots(hist, f1);
        ref var s2 = ref Slots(hist, f2);
        ref var s3 = ref Slots(hist, f3);
        ref var b0 = ref BinsOf(f0);
        ref var b1 = ref BinsOf(f1);
        ref var b2 = ref BinsOf(f2);
        ref var b3 = ref BinsOf(f3);
        ref var row = ref MemoryMarshal.GetArrayDataReference(rows);
        ref var o = ref MemoryMarshal.GetArrayDataReference(_ordered);
        if (_h is not null)
        {
            for (var i = start; i < end; i++)
            {
                var r = Unsafe.Add(ref row, i);
                var gh = Vector128.LoadUnsafe(ref o, (nuint)(2 * i));
                Add(ref Unsafe.Add(ref s0, Unsafe.Add(ref b0, r)), gh);
                Add(ref Unsafe.Add(ref s1, Unsafe.Add(ref b1, r)), gh);
                Add(ref Unsafe.Add(ref s2, Unsafe.Add(ref b2, r)), gh);
                Add(ref Unsafe.Add(ref s3, Unsafe.Add(ref b3, r)), gh);
            }
        }
        else
        {
            for (var i = start; i < end; i++)
            {
                var r = Unsafe.Add(ref row, i);
                var g = Unsafe.Add(ref o, i);
                ref var slot0 = ref Unsafe.Add(ref s0, Unsafe.Add(ref b0, r));
                slot0.G += g;
                slot0.N++;
                ref var slot1 = ref Unsafe.Add(ref s1, Unsafe.Add(ref b1, r));
                slot1.G += g;
                slot1.N++;
                ref var slot2 = ref Unsafe.Add(ref s2, Unsafe.Add(ref b2, r));
                slot2.G += g;
                slot2.N++;
                ref var slot3 = ref Unsafe.Add(ref s3, Unsafe.Add(ref b3, r));
                slot3.G += g;
                slot3.N++;
            }
        }
    }

    // Random forest: features in a random order, a batch of SplitFeatures at a time, until a batch yields a split
    // (as scikit-learn, which looks beyond max_features when none of the drawn features can split).
    private void FindSampled(Leaf leaf, int[] rows, int[] features)
    {
        var order = (int[])features.Clone();
        var k = _settings.SplitFeatures;
        var hist = Rent();
        leaf.Hist = hist;
        var best = new Candidate { Feature = -1 };
        for (var from = 0; from < order.Length && best.Feature < 0; from += k)
        {
            var to = Math.Min(order.Length, from + k);
            for (var i = from; i < to; i++)
            {
                var pick = _random!.Next(i, order.Length);
                (order[i], order[pick]) = (order[pick], order[i]);
            }
            var batch = order[from..to];
            Array.Sort(batch);
            Build(leaf, rows, batch);
            foreach (var f in batch)
            {
                var c = Evaluate(leaf, hist, f);
                if (c.Feature >= 0 && (best.Feature < 0 || c.Gain > best.Gain))
                {
                    best = c;
                }
            }
        }
        leaf.Best = best;
        _pool.Push(hist);
        leaf.Hist = null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double Score(double g, double h) => g * g / (h + _settings.L2);

    private Candidate Evaluate(Leaf leaf, HistSlot[] hist, int f)
    {
        var slots = hist.AsSpan(_data.Offset[f], _data.BinCount[f] + 1);
        return _data.Kinds[f] == FeatureKind.Categorical ? EvaluateCategorical(leaf, slots, f) : EvaluateNumeric(leaf, slots, f);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Candidate EvaluateNumeric(Leaf leaf, ReadOnlySpan<HistSlot> slots, int f)
    {
        var nb = slots.Length - 1;
        var missing = slots[nb];
        var parentScore = Score(leaf.G, leaf.H);
        var minGain = 1e-12 * (Math.Abs(parentScore) + 1);
        var best = new Candidate { Feature = -1, Gain = minGain };
        var minLeaf = _settings.MinSamplesLeaf;
        var minHess = _settings.MinHessianLeaf;
        double gl = 0, hl = 0;
        var nl = 0;
        var n = leaf.N;
        // A split between two non-empty bins p < c sends bins ≤ c − 1 left, i.e. x < lower edge of c.
        var seen = false;
        for (var c = 0; c <= nb; c++)
        {
            var atMissing = c == nb;
            if (!atMissing && slots[c].N == 0)
            {
                continue;
            }
            if (seen && (!atMissing || missing.N > 0))
            {
                // Missing right.
                Consider(ref best, gl, hl, nl, c - 1, missingLeft: false);
                if (missing.N > 0 && !atMissing)
                {
                    Consider(ref best, gl + missing.G, hl + missing.H, nl + missing.N, c - 1, missingLeft: true);
                }
            }
            if (atMissing)
            {
                break;
            }
            seen = true;
            gl += slots[c].G;
            hl += slots[c].H;
            nl += slots[c].N;
        }
        if (best.Feature >= 0 && missing.N == 0)
        {
            // No training row was missing here: a missing value at scoring time follows the majority.
            best.MissingLeft = best.NL >= n - best.NL;
        }
        return best;

        // Inlined: called for every boundary between bins (as a separate method it would start as tier-0 code).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void Consider(ref Candidate best, double gLeft, double hLeft, int nLeft, int threshold, bool missingLeft)
        {
            var nRight = n - nLeft;
            var hRight = leaf.H - hLeft;
            if (nLeft < minLeaf || nRight < minLeaf || hLeft < minHess || hRight < minHess)
            {
                return;
            }
            var gain = Score(gLeft, hLeft) + Score(leaf.G - gLeft, hRight) - parentScore;
            if (gain > best.Gain)
            {
                best = new Candidate { Feature = f, Gain = gain, BinThreshold = threshold, MissingLeft = missingLeft, GL = gLeft, HL = hLeft, NL = nLeft };
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Candidate EvaluateCategorical(Leaf leaf, ReadOnlySpan<HistSlot> slots, int f)
    {
        // Levels (missing counts as one more level) with enough support in the node, ordered by
        // G / (H + smoothing): the best split is a prefix of that order (Fisher 1958 for squared error; LightGBM
        // and scikit-learn use it for Newton gains). Support is a level's hessian sum in row units
        // (H_level × N / H; the row count when hessians are 1). As scikit-learn, the order is scanned from both
        // ends up to its middle, and levels without enough support always join the side holding at least half
        // of the ordered levels, so a handful of rows cannot choose a side of their own.
        Span<int> order = stackalloc int[slots.Length];
        Span<double> ratio = stackalloc double[slots.Length];
        var k = 0;
        var support = _settings.CategorySupport;
        var rowsPerHessian = leaf.N / leaf.H;
        for (var b = 0; b < slots.Length; b++)
        {
            if (slots[b].N > 0 && slots[b].H * rowsPerHessian >= support)
            {
                order[k] = b;
                ratio[b] = slots[b].G / (slots[b].H + _settings.CategorySmoothing);
                k++;
            }
        }
        var best = new Candidate { Feature = -1 };
        if (k < 2)
        {
            return best;
        }
        var used = order[..k];
        // Insertion sort: stable by bin, and k is at most 256.
        for (var i = 1; i < k; i++)
        {
            var b = used[i];
            var j = i - 1;
            while (j >= 0 && ratio[used[j]] > ratio[b])
            {
                used[j + 1] = used[j];
                j--;
            }
            used[j + 1] = b;
        }
        var parentScore = Score(leaf.G, leaf.H);
        best.Gain = 1e-12 * (Math.Abs(parentScore) + 1);
        var bestPrefix = -1;
        var bestReversed = false;
        var n = leaf.N;
        for (var direction = 0; direction < 2; direction++)
        {
            var reversed = direction == 1;
            var middle = ((k + 1) / 2) - (reversed ? 1 : 0);
            double gl = 0, hl = 0;
            var nl = 0;
            for (var i = 0; i < middle; i++)
            {
                var b = used[reversed ? k - 1 - i : i];
                gl += slots[b].G;
                hl += slots[b].H;
                nl += slots[b].N;
                var hr = leaf.H - hl;
                if (nl < _settings.MinSamplesLeaf || hl < _settings.MinHessianLeaf)
                {
                    continue;
                }
                if (n - nl < _settings.MinSamplesLeaf || hr < _settings.MinHessianLeaf)
                {
                    break;
                }
                var gain = Score(gl, hl) + Score(leaf.G - gl, hr) - parentScore;
                if (gain > best.Gain)
                {
                    best = new Candidate { Feature = f, Gain = gain, GL = gl, HL = hl, NL = nl };
                    bestPrefix = i;
                    bestReversed = reversed;
                }
            }
        }
        if (bestPrefix < 0)
        {
            return best;
        }
        var binLeft = new bool[slots.Length];
        for (var i = 0; i <= bestPrefix; i++)
        {
            binLeft[used[bestReversed ? k - 1 - i : i]] = true;
        }
        // Bins no training row reached here (unseen levels, missing) follow the side with more rows.
        if (best.NL > n - best.NL)
        {
            for (var b = 0; b < slots.Length; b++)
            {
                if (slots[b].N == 0)
                {
                    binLeft[b] = true;
                }
            }
        }
        best.BinLeft = binLeft;
        best.MissingLeft = binLeft[slots.Length - 1];
        return best;
    }
}
