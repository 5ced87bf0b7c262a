namespace InsureCrm.Analytics;

/// <summary>
/// Scales each column to mean 0 and standard deviation 1 (population standard deviation, as
/// scikit-learn's <c>StandardScaler</c>), so that features measured in won and in years weigh alike in a
/// distance. A column with no variance is centred only: it becomes all zeros, never NaN.
/// </summary>
/// <remarks>Immutable after <see cref="Fit"/>; safe to share across threads.</remarks>
public sealed class Standardizer
{
    private readonly double[] _means;
    private readonly double[] _standardDeviations;
    private readonly double[] _scales;

    private Standardizer(double[] means, double[] standardDeviations)
    {
        _means = means;
        _standardDeviations = standardDeviations;
        // A constant column keeps scale 1: (x - mean) / 1 is 0 for every training value, and the inverse
        // gives the constant back.
        _scales = Array.ConvertAll(standardDeviations, s => s > 0 ? s : 1.0);
    }

    /// <summary>Mean of each column in the data the standardizer was fitted on.</summary>
    public IReadOnlyList<double> Means => _means;

    /// <summary>Population standard deviation of each column; 0 for a constant column.</summary>
    public IReadOnlyList<double> StandardDeviations => _standardDeviations;

    /// <summary>Number of columns the standardizer expects.</summary>
    public int Columns => _means.Length;

    /// <summary>Learns the mean and standard deviation of every column of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">A value is NaN or infinite.</exception>
    public static Standardizer Fit(DataMatrix data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var d = data.Columns;
        var values = data.Buffer;
        var means = new double[d];
        var m2 = new double[d];
        // Welford's update: one pass, no catastrophic cancellation for large values such as premiums in won.
        for (var r = 0; r < data.Rows; r++)
        {
            var offset = (long)r * d;
            var n = r + 1;
            for (var c = 0; c < d; c++)
            {
                var x = values[offset + c];
                if (!double.IsFinite(x))
                {
                    throw new ArgumentException($"Row {r}, column {c} is not a finite number.", nameof(data));
                }
                var delta = x - means[c];
                means[c] += delta / n;
                m2[c] += delta * (x - means[c]);
            }
        }
        var stds = new double[d];
        for (var c = 0; c < d; c++)
        {
            var variance = m2[c] / data.Rows;
            // Rounding leaves a tiny variance on a constant column; treat relative noise as none.
            stds[c] = variance > 1e-24 * Math.Max(1.0, means[c] * means[c]) ? Math.Sqrt(variance) : 0.0;
        }
        return new Standardizer(means, stds);
    }

    /// <summary>Returns a new matrix with every column standardized.</summary>
    /// <exception cref="ArgumentException">The column count differs from the fitted data.</exception>
    public DataMatrix Transform(DataMatrix data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckColumns(data.Columns, nameof(data));
        var source = data.Buffer;
        var result = new double[source.Length];
        var d = Columns;
        for (long i = 0; i < source.LongLength; i++)
        {
            var c = (int)(i % d);
            result[i] = (source[i] - _means[c]) / _scales[c];
        }
        return DataMatrix.Wrap(data.Rows, d, result);
    }

    /// <summary>Standardizes one row into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">A length differs from the fitted column count.</exception>
    public void Transform(ReadOnlySpan<double> row, Span<double> destination)
    {
        CheckColumns(row.Length, nameof(row));
        CheckColumns(destination.Length, nameof(destination));
        for (var c = 0; c < row.Length; c++)
        {
            destination[c] = (row[c] - _means[c]) / _scales[c];
        }
    }

    /// <summary>Maps standardized values back to the original units (centroids, for example).</summary>
    /// <exception cref="ArgumentException">The column count differs from the fitted data.</exception>
    public DataMatrix InverseTransform(DataMatrix data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckColumns(data.Columns, nameof(data));
        var source = data.Buffer;
        var result = new double[source.Length];
        var d = Columns;
        for (long i = 0; i < source.LongLength; i++)
        {
            var c = (int)(i % d);
            result[i] = (source[i] * _scales[c]) + _means[c];
        }
        return DataMatrix.Wrap(data.Rows, d, result);
    }

    private void CheckColumns(int columns, string parameterName)
    {
        if (columns != Columns)
        {
            throw new ArgumentException($"Expected {Columns} columns, got {columns}.", parameterName);
        }
    }
}
