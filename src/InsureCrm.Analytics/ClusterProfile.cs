namespace InsureCrm.Analytics;

/// <summary>How one feature of a cluster compares with all rows.</summary>
/// <param name="Name">Feature name (or <c>f0</c>, <c>f1</c>, … when none were given).</param>
/// <param name="Mean">Mean of the feature within the cluster, in the units of the data given.</param>
/// <param name="OverallMean">Mean of the feature over all rows.</param>
/// <param name="ZScore">
/// (cluster mean − overall mean) / overall standard deviation: +1 means the cluster sits one standard
/// deviation above everyone; 0 for a feature with no variance.
/// </param>
public sealed record FeatureProfile(string Name, double Mean, double OverallMean, double ZScore);

/// <summary>
/// A readable description of one cluster: its size and, per feature, how far its mean lies from the overall
/// mean. Build profiles from the data in its original units (not standardized) so that the means read as
/// ages, won and counts.
/// </summary>
/// <param name="Cluster">Cluster index.</param>
/// <param name="Size">Rows in the cluster.</param>
/// <param name="Share">Size as a fraction of all rows (0 to 1).</param>
/// <param name="Features">One entry per feature, in column order.</param>
public sealed record ClusterProfile(int Cluster, int Size, double Share, IReadOnlyList<FeatureProfile> Features)
{
    /// <summary>
    /// The features that set this cluster apart: those with |z| at least <paramref name="minimumAbsoluteZScore"/>,
    /// strongest first, at most <paramref name="count"/> — the words of a profile such as "older, higher income".
    /// </summary>
    public IReadOnlyList<FeatureProfile> Distinctive(int count = 3, double minimumAbsoluteZScore = 0.5) =>
        Features
            .Where(f => Math.Abs(f.ZScore) >= minimumAbsoluteZScore)
            .OrderByDescending(f => Math.Abs(f.ZScore))
            .ThenBy(f => f.Name, StringComparer.Ordinal)
            .Take(count)
            .ToList();

    /// <summary>Profiles every cluster from 0 to <paramref name="clusterCount"/> − 1; an empty cluster has size 0 and NaN means.</summary>
    /// <param name="data">The rows, in original units.</param>
    /// <param name="labels">The cluster of each row (e.g. from <see cref="KMeansModel.PredictMany"/>).</param>
    /// <param name="clusterCount">Number of clusters.</param>
    /// <param name="featureNames">Optional names, one per column.</param>
    /// <exception cref="ArgumentException">Lengths disagree or a label is out of range.</exception>
    public static IReadOnlyList<ClusterProfile> Build(
        DataMatrix data, IReadOnlyList<int> labels, int clusterCount, IReadOnlyList<string>? featureNames = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(clusterCount, 1);
        if (labels.Count != data.Rows)
        {
            throw new ArgumentException($"Expected {data.Rows} labels, got {labels.Count}.", nameof(labels));
        }
        if (featureNames is not null && featureNames.Count != data.Columns)
        {
            throw new ArgumentException($"Expected {data.Columns} feature names, got {featureNames.Count}.", nameof(featureNames));
        }

        var d = data.Columns;
        var sums = new double[clusterCount * d];
        var sizes = new int[clusterCount];
        for (var i = 0; i < data.Rows; i++)
        {
            var label = labels[i];
            if (label < 0 || label >= clusterCount)
            {
                throw new ArgumentException($"Label {label} of row {i} is outside 0..{clusterCount - 1}.", nameof(labels));
            }
            sizes[label]++;
            var row = data.Row(i);
            for (var f = 0; f < d; f++)
            {
                sums[(label * d) + f] += row[f];
            }
        }

        var overall = Standardizer.Fit(data);
        var profiles = new List<ClusterProfile>(clusterCount);
        for (var j = 0; j < clusterCount; j++)
        {
            var features = new FeatureProfile[d];
            for (var f = 0; f < d; f++)
            {
                var mean = sizes[j] > 0 ? sums[(j * d) + f] / sizes[j] : double.NaN;
                var std = overall.StandardDeviations[f];
                var z = sizes[j] > 0 && std > 0 ? (mean - overall.Means[f]) / std : 0.0;
                var name = featureNames?[f] ?? FormattableString.Invariant($"f{f}");
                features[f] = new FeatureProfile(name, mean, overall.Means[f], z);
            }
            profiles.Add(new ClusterProfile(j, sizes[j], (double)sizes[j] / data.Rows, features));
        }
        return profiles;
    }
}
