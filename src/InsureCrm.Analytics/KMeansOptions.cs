namespace InsureCrm.Analytics;

/// <summary>Settings for <see cref="KMeans"/>. Defaults follow scikit-learn's <c>KMeans</c> where it has one.</summary>
public sealed record KMeansOptions
{
    /// <summary>Number of clusters. Default 6 (the needs-based segmentation's default).</summary>
    public int K { get; init; } = 6;

    /// <summary>Upper bound on Lloyd iterations per restart. Default 300.</summary>
    public int MaxIterations { get; init; } = 300;

    /// <summary>
    /// Convergence threshold, relative to the data: a restart stops when the summed squared movement of the
    /// centroids in one iteration is at most <c>Tolerance</c> × the mean column variance (as scikit-learn).
    /// A restart also stops as soon as no row changes cluster. Default 1e-4.
    /// </summary>
    public double Tolerance { get; init; } = 1e-4;

    /// <summary>Number of restarts from different k-means++ seedings; the one with the lowest inertia wins. Default 1.</summary>
    public int NInit { get; init; } = 1;

    /// <summary>Seed of the random generator; the same seed and data give the same model, whatever the number of threads. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Largest number of threads to use; null lets the runtime decide. Results do not depend on it.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(K, 1, nameof(K));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxIterations, 1, nameof(MaxIterations));
        ArgumentOutOfRangeException.ThrowIfNegative(Tolerance, nameof(Tolerance));
        ArgumentOutOfRangeException.ThrowIfLessThan(NInit, 1, nameof(NInit));
        if (MaxDegreeOfParallelism is { } degree)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(degree, 1, nameof(MaxDegreeOfParallelism));
        }
    }
}
