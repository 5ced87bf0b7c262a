namespace InsureCrm.Analytics.Learning;

/// <summary>The checks every learner makes on its training labels and every model on the rows it scores, with messages that name the problem.</summary>
internal static class LabelCheck
{
    /// <summary>Number of positive labels, after checking there is one label per row and both classes occur.</summary>
    /// <exception cref="ArgumentException">Label count differs from the row count, or only one class is present.</exception>
    public static int CountPositives(Table data, ReadOnlySpan<bool> labels, string algorithm)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (labels.Length != data.Rows)
        {
            throw new ArgumentException($"{algorithm}: {labels.Length} labels for {data.Rows} rows; there must be one label per row.", nameof(labels));
        }
        var positives = 0;
        foreach (var y in labels)
        {
            positives += y ? 1 : 0;
        }
        if (positives == 0 || positives == labels.Length)
        {
            throw new ArgumentException(
                $"{algorithm}: training needs both classes, but all {labels.Length} labels are {(positives == 0 ? "negative" : "positive")}.", nameof(labels));
        }
        return positives;
    }

    /// <summary>Checks that a row to score carries a value for every feature.</summary>
    public static void Row(ReadOnlySpan<double> row, int features)
    {
        if (row.Length < features)
        {
            throw new ArgumentException($"The model expects {features} feature values; the row has {row.Length}.", nameof(row));
        }
    }
}
