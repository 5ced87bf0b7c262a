using System.Runtime.CompilerServices;

namespace InsureCrm.Analytics.Learning;

/// <summary>Checks and helpers shared by the tree learners.</summary>
internal static class TreeTraining
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the problem when the labels cannot train a binary classifier.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CheckLabels(Table data, ReadOnlySpan<bool> labels)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (labels.Length != data.Rows)
        {
            throw new ArgumentException($"Label count {labels.Length} differs from the table's row count {data.Rows}.", nameof(labels));
        }
        var positives = 0;
        foreach (var label in labels)
        {
            if (label)
            {
                positives++;
            }
        }
        if (positives == 0 || positives == labels.Length)
        {
            throw new ArgumentException(
                $"Only one class is present: all {labels.Length} labels are {(positives == 0 ? "negative" : "positive")}; a classifier needs both.",
                nameof(labels));
        }
    }

    public static ParallelOptions Parallel(int? maxDegree) => new() { MaxDegreeOfParallelism = maxDegree ?? -1 };

    public static int[] Range(int count)
    {
        var result = new int[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = i;
        }
        return result;
    }

    public static void CheckFeatures(IReadOnlyList<Feature> features, ReadOnlySpan<double> row)
    {
        if (row.Length != features.Count)
        {
            throw new ArgumentException($"The model expects {features.Count} values per row; got {row.Length}.", nameof(row));
        }
    }

    /// <summary>
    /// Sums the trees' outputs for every row of <paramref name="data"/>, tree by tree over blocks of rows (a
    /// tree's nodes stay in cache across the block), starting each row at <paramref name="start"/> and adding
    /// the trees in order, so each sum is bit-for-bit the one a row-by-row walk gives; then maps each sum
    /// through <paramref name="finish"/>. Blocks run in parallel.
    /// </summary>
    public static double[] SumTrees(Tree[] trees, Table data, double start, Func<double, double> finish)
    {
        // Large blocks keep a tree in cache for many rows; one block per core at least. Blocking does not change
        // any sum (each row still adds the trees in order).
        var block = Math.Clamp(data.Rows / Environment.ProcessorCount, 512, 16_384);
        var columns = data.Columns;
        var scores = new double[data.Rows];
        var blocks = (data.Rows + block - 1) / block;
        System.Threading.Tasks.Parallel.For(0, blocks, () => new double[block * columns], (b, _, buffer) =>
        {
            var first = b * block;
            var count = Math.Min(block, data.Rows - first);
            for (var i = 0; i < count; i++)
            {
                data.CopyRow(first + i, buffer.AsSpan(i * columns, columns));
            }
            var sums = scores.AsSpan(first, count);
            sums.Fill(start);
            foreach (var tree in trees)
            {
                for (var i = 0; i < count; i++)
                {
                    sums[i] += tree.Predict(buffer.AsSpan(i * columns, columns));
                }
            }
            for (var i = 0; i < count; i++)
            {
                sums[i] = finish(sums[i]);
            }
            return buffer;
        }, _ => { });
        return scores;
    }
}
