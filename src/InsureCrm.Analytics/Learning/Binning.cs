using System.Runtime.CompilerServices;

namespace InsureCrm.Analytics.Learning;

/// <summary>
/// A training table reduced once to small integer bins, column-major as one <c>byte[]</c> per feature, so
/// that tree learners sum gradients per bin instead of sorting values at every node (the histogram method of
/// LightGBM and scikit-learn's HistGradientBoosting).
/// </summary>
/// <remarks>
/// <para>
/// Numeric feature: up to <see cref="MaxBins"/> bins. When the (sampled) column has at most that many
/// distinct values each value gets its own bin; otherwise the edges are quantiles of a deterministic sample
/// of <see cref="SampleRows"/> rows. An edge is always a value seen in the data and a bin holds
/// <c>edge[b − 1] ≤ x &lt; edge[b]</c>, so a split "bins ≤ b go left" is exactly the raw test
/// <c>x &lt; edge[b]</c> and trees score raw rows without binning them.
/// </para>
/// <para>
/// Categorical feature: one bin per level seen in at least <c>minCategoryRows</c> training rows, at most
/// <see cref="MaxBins"/> − 1 of them (the most frequent, ties by level order). Every other level (rare,
/// beyond the cap, or never seen in training) shares one pooled bin, so noise levels cannot be used one by
/// one to overfit and a level first met at scoring time goes where the rare levels went.
/// </para>
/// <para>Missing values (NaN) of either kind get one more bin, index <c>BinCount[j]</c>, after the others.</para>
/// </remarks>
internal sealed class BinnedTable
{
    /// <summary>Largest number of non-missing bins per feature (one byte holds these plus the missing bin).</summary>
    public const int MaxBins = 255;

    /// <summary>Rows sampled to place numeric quantile edges (as scikit-learn's <c>subsample</c>).</summary>
    public const int SampleRows = 200_000;

    private BinnedTable(int rows, int columns)
    {
        Rows = rows;
        Bins = new byte[columns][];
        BinCount = new int[columns];
        Edges = new double[columns][];
        LevelBin = new int[columns][];
        HasMissing = new bool[columns];
        Offset = new int[columns + 1];
        Kinds = new FeatureKind[columns];
    }

    public int Rows { get; }

    public int Columns => Bins.Length;

    /// <summary>Bin of every row, per feature.</summary>
    public byte[][] Bins { get; }

    /// <summary>Non-missing bins per feature; the missing bin's index equals this count.</summary>
    public int[] BinCount { get; }

    /// <summary>Numeric features: lower edge of bins 1 … BinCount − 1 (strictly increasing). Empty for categorical.</summary>
    public double[][] Edges { get; }

    /// <summary>Categorical features: the bin of each level. Empty for numeric.</summary>
    public int[][] LevelBin { get; }

    /// <summary>Whether any training row is missing the feature.</summary>
    public bool[] HasMissing { get; }

    /// <summary>Start of each feature's slots in a flat histogram; <c>Offset[Columns]</c> is the total slot count.</summary>
    public int[] Offset { get; }

    public FeatureKind[] Kinds { get; }

    public int TotalSlots => Offset[Columns];

    /// <summary>Bins every column of <paramref name="data"/>; columns are independent, so they run in parallel without affecting the result.</summary>
    public static BinnedTable Create(Table data, int maxBins, int minCategoryRows, int seed, ParallelOptions parallel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBins, 2, nameof(maxBins));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBins, MaxBins, nameof(maxBins));
        var table = new BinnedTable(data.Rows, data.Columns);
        var sample = SampleIndex(data.Rows, seed);
        Parallel.For(0, data.Columns, parallel, j =>
        {
            var column = data.Column(j);
            var feature = data.Features[j];
            table.Kinds[j] = feature.Kind;
            if (feature.Kind == FeatureKind.Numeric)
            {
                table.BinNumeric(j, column, sample, maxBins);
            }
            else
            {
                table.BinCategorical(j, column, feature.Categories.Count, maxBins, minCategoryRows);
            }
        });
        for (var j = 0; j < data.Columns; j++)
        {
            table.Offset[j + 1] = table.Offset[j] + table.BinCount[j] + 1;
        }
        return table;
    }

    // Sorted row indices of a deterministic sample, or null for every row.
    private static int[]? SampleIndex(int rows, int seed)
    {
        if (rows <= SampleRows)
        {
            return null;
        }
        var index = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            index[i] = i;
        }
        var random = new Random(seed);
        for (var i = 0; i < SampleRows; i++)
        {
            var k = random.Next(i, rows);
            (index[i], index[k]) = (index[k], index[i]);
        }
        var sample = index[..SampleRows];
        Array.Sort(sample);
        return sample;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BinNumeric(int j, ReadOnlySpan<double> column, int[]? sample, int maxBins)
    {
        // Most columns (flags, counts, codes) have at most maxBins distinct values: a small hash table finds
        // them in one pass, and each gets its own bin without sorting the column. The edges are the same as
        // sorting would give: every distinct value but the smallest.
        var distinct = new DistinctValues(maxBins);
        var few = true;
        if (sample is null)
        {
            foreach (var x in column)
            {
                if (!double.IsNaN(x) && !distinct.Add(x))
                {
                    few = false;
                    break;
                }
            }
        }
        else
        {
            foreach (var r in sample)
            {
                var x = column[r];
                if (!double.IsNaN(x) && !distinct.Add(x))
                {
                    few = false;
                    break;
                }
            }
        }
        var edgeArray = few ? distinct.SortAndNumber() : QuantileEdges(column, sample, maxBins);
        Edges[j] = edgeArray;
        LevelBin[j] = [];
        BinCount[j] = edgeArray.Length + 1;
        var missing = (byte)BinCount[j];
        var bins = new byte[column.Length];
        var hasMissing = false;
        for (var r = 0; r < column.Length; r++)
        {
            var x = column[r];
            if (double.IsNaN(x))
            {
                bins[r] = missing;
                hasMissing = true;
            }
            else
            {
                // A value outside the table (only possible when the distinct values came from a sample) is searched.
                var b = few ? distinct.Bin(x) : -1;
                bins[r] = (byte)(b >= 0 ? b : NumericBin(edgeArray, x));
            }
        }
        Bins[j] = bins;
        HasMissing[j] = hasMissing;
    }

    // Edges at quantiles of the (sampled) non-missing values, for a column with more than maxBins distinct values.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double[] QuantileEdges(ReadOnlySpan<double> column, int[]? sample, int maxBins)
    {
        var values = new double[sample?.Length ?? column.Length];
        var m = 0;
        if (sample is null)
        {
            foreach (var x in column)
            {
                if (!double.IsNaN(x))
                {
                    values[m++] = x;
                }
            }
        }
        else
        {
            foreach (var r in sample)
            {
                var x = column[r];
                if (!double.IsNaN(x))
                {
                    values[m++] = x;
                }
            }
        }
        var sorted = values.AsSpan(0, m);
        RadixSort(sorted);
        var edges = new List<double>(maxBins);
        for (var k = 1; k < maxBins; k++)
        {
            var q = sorted[(int)((long)k * m / maxBins)];
            if (q > sorted[0] && (edges.Count == 0 || q > edges[^1]))
            {
                edges.Add(q);
            }
        }
        return [.. edges];
    }

    /// <summary>
    /// Sorts non-missing values ascending by a least-significant-digit radix sort on their bits mapped to
    /// order-preserving unsigned keys (a byte per pass, passes where every key has the same byte skipped):
    /// several times faster than a comparison sort on a column of tens of thousands of values. The order
    /// is the same as <see cref="MemoryExtensions.Sort{T}(Span{T})"/> but that −0 precedes 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void RadixSort(Span<double> values)
    {
        var m = values.Length;
        var keys = new ulong[m];
        var other = new ulong[m];
        var counts = new int[8 * 256];
        for (var i = 0; i < m; i++)
        {
            var bits = BitConverter.DoubleToUInt64Bits(values[i]);
            var key = (long)bits < 0 ? ~bits : bits | 0x8000_0000_0000_0000UL;
            keys[i] = key;
            for (var d = 0; d < 8; d++)
            {
                counts[(d << 8) + (int)((key >> (d << 3)) & 0xFF)]++;
            }
        }
        for (var d = 0; d < 8; d++)
        {
            var count = counts.AsSpan(d << 8, 256);
            var same = false;
            foreach (var c in count)
            {
                same |= c == m;
            }
            if (same)
            {
                continue;
            }
            var sum = 0;
            for (var b = 0; b < 256; b++)
            {
                var c = count[b];
                count[b] = sum;
                sum += c;
            }
            var shift = d << 3;
            foreach (var key in keys)
            {
                other[count[(int)((key >> shift) & 0xFF)]++] = key;
            }
            (keys, other) = (other, keys);
        }
        for (var i = 0; i < m; i++)
        {
            var key = keys[i];
            values[i] = BitConverter.UInt64BitsToDouble((long)key < 0 ? key & 0x7FFF_FFFF_FFFF_FFFFUL : ~key);
        }
    }

    /// <summary>
    /// The distinct non-missing values of a column while there are at most a given number of them: an
    /// open-addressing hash table (values compared with <c>==</c>, so 0 and −0 are one value, as when sorted).
    /// </summary>
    private sealed class DistinctValues
    {
        private readonly int _limit;
        private readonly int _shift;
        private readonly double[] _keys;
        private readonly int[] _slot; // index into _values + 1; 0 when empty
        private readonly double[] _values;
        private int[] _bin = [];
        private int _count;

        public DistinctValues(int limit)
        {
            _limit = limit;
            var capacity = 2 * (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)limit + 1);
            _shift = 64 - System.Numerics.BitOperations.Log2((uint)capacity);
            _keys = new double[capacity];
            _slot = new int[capacity];
            _values = new double[limit];
        }

        private int Home(double x) => (int)((BitConverter.DoubleToUInt64Bits(x == 0 ? 0.0 : x) * 0x9E3779B97F4A7C15UL) >> _shift);

        /// <summary>Adds a non-missing value; false when it would be one more than the limit.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public bool Add(double x)
        {
            var mask = _keys.Length - 1;
            for (var i = Home(x); ; i = (i + 1) & mask)
            {
                if (_slot[i] == 0)
                {
                    if (_count == _limit)
                    {
                        return false;
                    }
                    _keys[i] = x;
                    _values[_count++] = x;
                    _slot[i] = _count;
                    return true;
                }
                if (_keys[i] == x)
                {
                    return true;
                }
            }
        }

        /// <summary>Sorts the values, numbers them (a value's bin is its rank) and returns the edges: all values but the smallest.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public double[] SortAndNumber()
        {
            // Insertion sort of at most maxBins distinct values, carrying each value's slot order along.
            var values = _values.AsSpan(0, _count).ToArray();
            var order = new int[_count];
            for (var i = 0; i < _count; i++)
            {
                var x = values[i];
                var j = i - 1;
                while (j >= 0 && values[j] > x)
                {
                    values[j + 1] = values[j];
                    order[j + 1] = order[j];
                    j--;
                }
                values[j + 1] = x;
                order[j + 1] = i;
            }
            _bin = new int[_count];
            for (var rank = 0; rank < _count; rank++)
            {
                _bin[order[rank]] = rank;
            }
            return _count == 0 ? [] : values[1..];
        }

        /// <summary>The bin of a non-missing value, or −1 when the table does not hold it.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public int Bin(double x)
        {
            var mask = _keys.Length - 1;
            for (var i = Home(x); ; i = (i + 1) & mask)
            {
                var slot = _slot[i];
                if (slot == 0)
                {
                    return -1;
                }
                if (_keys[i] == x)
                {
                    return _bin[slot - 1];
                }
            }
        }
    }

    /// <summary>Bin of a non-missing numeric value: the number of edges at or below it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int NumericBin(double[] edges, double x)
    {
        // Branch-free halving (the answer stays in [lo, lo + length]): a column of random values would
        // mispredict about half the branches of a classic binary search.
        var length = edges.Length;
        if (length == 0)
        {
            return 0;
        }
        var lo = 0;
        while (length > 1)
        {
            var half = length >> 1;
            lo += edges[lo + half - 1] <= x ? half : 0;
            length -= half;
        }
        return lo + (edges[lo] <= x ? 1 : 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BinCategorical(int j, ReadOnlySpan<double> column, int levels, int maxBins, int minCategoryRows)
    {
        var counts = new int[levels];
        var hasMissing = false;
        foreach (var x in column)
        {
            if (double.IsNaN(x))
            {
                hasMissing = true;
            }
            else
            {
                counts[(int)x]++;
            }
        }
        var kept = new List<int>();
        for (var level = 0; level < levels; level++)
        {
            if (counts[level] > 0 && counts[level] >= minCategoryRows)
            {
                kept.Add(level);
            }
        }
        if (kept.Count > maxBins - 1)
        {
            // Keep the most frequent, then restore level order so bin numbers follow the level list.
            kept.Sort((a, b) => counts[a] != counts[b] ? counts[b].CompareTo(counts[a]) : a.CompareTo(b));
            kept.RemoveRange(maxBins - 1, kept.Count - (maxBins - 1));
            kept.Sort();
        }
        var levelBin = new int[levels];
        var pooled = kept.Count;
        Array.Fill(levelBin, pooled);
        for (var b = 0; b < kept.Count; b++)
        {
            levelBin[kept[b]] = b;
        }
        // The pooled bin exists only if some level is not kept (it may then hold no training row).
        BinCount[j] = kept.Count < levels ? kept.Count + 1 : kept.Count;
        if (BinCount[j] == 0)
        {
            BinCount[j] = 1;
        }
        LevelBin[j] = levelBin;
        Edges[j] = [];
        var missing = (byte)BinCount[j];
        var bins = new byte[column.Length];
        for (var r = 0; r < column.Length; r++)
        {
            var x = column[r];
            bins[r] = double.IsNaN(x) ? missing : (byte)levelBin[(int)x];
        }
        Bins[j] = bins;
        HasMissing[j] = hasMissing;
    }
}
