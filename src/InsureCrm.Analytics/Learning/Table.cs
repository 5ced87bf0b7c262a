namespace InsureCrm.Analytics.Learning;

/// <summary>
/// A column-major table of features for learning and scoring: one <c>double[]</c> per feature, all of
/// <see cref="Rows"/> values. Categorical values are level indices; NaN is missing. Immutable once built,
/// so models and threads can read it at once.
/// </summary>
/// <remarks>
/// Column-major because learners scan one feature at a time (binning, split finding, gradient sums); a
/// row is gathered with <see cref="CopyRow"/> when one observation is scored.
/// </remarks>
public sealed class Table
{
    private readonly double[][] _columns;

    /// <summary>Builds a table over the given columns (not copied: the caller hands them over).</summary>
    /// <exception cref="ArgumentException">
    /// Feature and column counts differ, columns differ in length, a numeric value is infinite, or a
    /// categorical value is not a level index.
    /// </exception>
    public Table(IReadOnlyList<Feature> features, IReadOnlyList<double[]> columns)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(columns);
        if (features.Count != columns.Count)
        {
            throw new ArgumentException($"{features.Count} features but {columns.Count} columns.", nameof(columns));
        }
        if (features.Count == 0)
        {
            throw new ArgumentException("A table needs at least one feature.", nameof(features));
        }
        Rows = columns[0]?.Length ?? 0;
        for (var j = 0; j < columns.Count; j++)
        {
            var column = columns[j] ?? throw new ArgumentException($"Column {j} is null.", nameof(columns));
            var feature = features[j];
            if (column.Length != Rows)
            {
                throw new ArgumentException($"Column '{feature.Name}' has {column.Length} values; '{features[0].Name}' has {Rows}.", nameof(columns));
            }
            for (var r = 0; r < column.Length; r++)
            {
                var x = column[r];
                if (double.IsNaN(x))
                {
                    continue;
                }
                if (feature.Kind == FeatureKind.Numeric ? double.IsInfinity(x) : x < 0 || x >= feature.Categories.Count || x != Math.Floor(x))
                {
                    throw new ArgumentException($"Row {r} of '{feature.Name}': {x} is not a valid {feature.Kind.ToString().ToLowerInvariant()} value.", nameof(columns));
                }
            }
        }
        Features = [.. features];
        _columns = [.. columns];
    }

    /// <summary>The columns' descriptions, in column order.</summary>
    public IReadOnlyList<Feature> Features { get; }

    /// <summary>Number of rows (observations).</summary>
    public int Rows { get; }

    /// <summary>Number of columns (features).</summary>
    public int Columns => _columns.Length;

    /// <summary>The values of column <paramref name="column"/>.</summary>
    public ReadOnlySpan<double> Column(int column) => _columns[column];

    /// <summary>The value in row <paramref name="row"/> of column <paramref name="column"/>.</summary>
    public double this[int row, int column] => _columns[column][row];

    /// <summary>Copies row <paramref name="row"/> into <paramref name="destination"/> (length <see cref="Columns"/>), in column order.</summary>
    public void CopyRow(int row, Span<double> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, _columns.Length, nameof(destination));
        for (var j = 0; j < _columns.Length; j++)
        {
            destination[j] = _columns[j][row];
        }
    }

    /// <summary>A new table of the given rows, in the given order (a row may repeat, as in a bootstrap sample).</summary>
    public Table Take(ReadOnlySpan<int> rows)
    {
        var columns = new double[_columns.Length][];
        for (var j = 0; j < _columns.Length; j++)
        {
            var source = _columns[j];
            var column = new double[rows.Length];
            for (var i = 0; i < rows.Length; i++)
            {
                column[i] = source[rows[i]];
            }
            columns[j] = column;
        }
        return new Table(Features, columns, trusted: true);
    }

    private Table(IReadOnlyList<Feature> features, double[][] columns, bool trusted)
    {
        _ = trusted;
        Features = features;
        _columns = columns;
        Rows = columns[0].Length;
    }
}
