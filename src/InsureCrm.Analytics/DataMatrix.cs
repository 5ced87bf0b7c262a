namespace InsureCrm.Analytics;

/// <summary>
/// A dense matrix of doubles stored row-major: row <c>r</c> occupies
/// <c>values[r * Columns .. (r + 1) * Columns]</c>. Rows are observations (customers), columns are features.
/// </summary>
/// <remarks>
/// Row-major because distance-based learners (k-means) read one whole observation at a time; a learner that
/// scans one feature at a time (binned trees) transposes once into its own layout. The matrix is immutable
/// once built: constructors copy, except <see cref="Wrap"/>, which is for callers that filled a buffer
/// themselves and hand it over.
/// </remarks>
public sealed class DataMatrix
{
    private readonly double[] _values;

    private DataMatrix(int rows, int columns, double[] values)
    {
        Rows = rows;
        Columns = columns;
        _values = values;
    }

    /// <summary>Number of rows (observations).</summary>
    public int Rows { get; }

    /// <summary>Number of columns (features).</summary>
    public int Columns { get; }

    /// <summary>All values, row-major.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>The value in row <paramref name="row"/> and column <paramref name="column"/>.</summary>
    public double this[int row, int column]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(row);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
            ArgumentOutOfRangeException.ThrowIfNegative(column);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, Columns);
            return _values[(row * (long)Columns) + column];
        }
    }

    /// <summary>The values of one row.</summary>
    public ReadOnlySpan<double> Row(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        return _values.AsSpan((int)((long)row * Columns), Columns);
    }

    /// <summary>Copies the values of column <paramref name="column"/> into a new array.</summary>
    public double[] Column(int column)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, Columns);
        var result = new double[Rows];
        for (var r = 0; r < Rows; r++)
        {
            result[r] = _values[(r * (long)Columns) + column];
        }
        return result;
    }

    /// <summary>Builds a matrix from rows of equal length (copies them).</summary>
    /// <exception cref="ArgumentException">No rows, no columns, or rows of different lengths.</exception>
    public static DataMatrix FromRows(IReadOnlyList<double[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            throw new ArgumentException("At least one row is required.", nameof(rows));
        }
        var columns = rows[0]?.Length ?? 0;
        var values = new double[checked(rows.Count * columns)];
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r] ?? throw new ArgumentException($"Row {r} is null.", nameof(rows));
            if (row.Length != columns)
            {
                throw new ArgumentException($"Row {r} has {row.Length} values; row 0 has {columns}.", nameof(rows));
            }
            row.CopyTo(values, r * columns);
        }
        return Create(rows.Count, columns, values);
    }

    /// <summary>Builds a matrix from row-major values (copies them).</summary>
    /// <exception cref="ArgumentException">The value count is not <paramref name="rows"/> × <paramref name="columns"/>.</exception>
    public static DataMatrix FromRowMajor(int rows, int columns, ReadOnlySpan<double> values) =>
        Create(rows, columns, values.ToArray());

    /// <summary>
    /// Wraps a row-major buffer without copying. The caller hands the buffer over and must not change it
    /// afterwards (models and other threads may be reading it).
    /// </summary>
    /// <exception cref="ArgumentException">The value count is not <paramref name="rows"/> × <paramref name="columns"/>.</exception>
    public static DataMatrix Wrap(int rows, int columns, double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Create(rows, columns, values);
    }

    internal double[] Buffer => _values;

    private static DataMatrix Create(int rows, int columns, double[] values)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (values.LongLength != (long)rows * columns)
        {
            throw new ArgumentException(
                $"Expected {(long)rows * columns} values for {rows} x {columns}, got {values.LongLength}.", nameof(values));
        }
        return new DataMatrix(rows, columns, values);
    }
}
