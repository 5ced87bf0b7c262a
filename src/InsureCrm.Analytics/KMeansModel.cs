namespace InsureCrm.Analytics;

/// <summary>
/// A fitted k-means model: its centroids and how well they fit the training data. Immutable, so one
/// instance can score from many threads at once.
/// </summary>
public sealed class KMeansModel
{
    private readonly double[] _centroids;

    /// <summary>
    /// Rebuilds a model from stored centroids (one row per cluster, in the units of the data it will score).
    /// </summary>
    /// <param name="centroids">One row per cluster.</param>
    /// <param name="inertia">Training inertia, kept as metadata; NaN when unknown.</param>
    /// <param name="iterations">Lloyd iterations the fit took, kept as metadata.</param>
    public KMeansModel(DataMatrix centroids, double inertia, int iterations)
    {
        ArgumentNullException.ThrowIfNull(centroids);
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        _centroids = centroids.Values.ToArray();
        Centroids = DataMatrix.Wrap(centroids.Rows, centroids.Columns, _centroids);
        Inertia = inertia;
        Iterations = iterations;
    }

    /// <summary>The cluster centres, one row per cluster; row <c>j</c> is cluster <c>j</c>.</summary>
    public DataMatrix Centroids { get; }

    /// <summary>Number of clusters.</summary>
    public int K => Centroids.Rows;

    /// <summary>Number of features a row must have.</summary>
    public int Columns => Centroids.Columns;

    /// <summary>Sum of squared distances of the training rows to their nearest centroid (lower is tighter).</summary>
    public double Inertia { get; }

    /// <summary>Lloyd iterations of the winning restart.</summary>
    public int Iterations { get; }

    /// <summary>The cluster whose centroid is nearest to <paramref name="row"/> (the lowest index on a tie).</summary>
    /// <exception cref="ArgumentException">The row length differs from <see cref="Columns"/>.</exception>
    public int Predict(ReadOnlySpan<double> row)
    {
        if (row.Length != Columns)
        {
            throw new ArgumentException($"Expected {Columns} values, got {row.Length}.", nameof(row));
        }
        return VectorMath.Nearest(row, _centroids, K, out _);
    }

    /// <summary>The nearest cluster of every row of <paramref name="data"/>, in row order.</summary>
    /// <exception cref="ArgumentException">The column count differs from <see cref="Columns"/>.</exception>
    public int[] PredictMany(DataMatrix data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Columns != Columns)
        {
            throw new ArgumentException($"Expected {Columns} columns, got {data.Columns}.", nameof(data));
        }
        var labels = new int[data.Rows];
        var values = data.Buffer;
        var d = Columns;
        const int chunk = 4096;
        var chunks = (data.Rows + chunk - 1) / chunk;
        Parallel.For(0, chunks, c =>
        {
            var to = Math.Min(data.Rows, (c + 1) * chunk);
            for (var i = c * chunk; i < to; i++)
            {
                labels[i] = VectorMath.Nearest(values.AsSpan(i * d, d), _centroids, K, out _);
            }
        });
        return labels;
    }
}
