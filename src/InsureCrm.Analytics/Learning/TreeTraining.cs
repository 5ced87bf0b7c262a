namespace InsureCrm.Analytics.Learning;

/// <summary>Checks and helpers shared by the tree learners.</summary>
internal static class TreeTraining
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the problem when the labels cannot train a binary classifier.</summary>
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
}
