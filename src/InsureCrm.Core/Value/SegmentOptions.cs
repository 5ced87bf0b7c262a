using Microsoft.Extensions.Configuration;

namespace InsureCrm.Core.Value;

/// <summary>The <c>Value:Segments</c> section: needs-based grouping by k-means++.</summary>
public sealed class SegmentOptions
{
    public const string Section = "Value:Segments";

    /// <summary>Number of needs groups (K).</summary>
    public int Groups { get; set; } = 6;
    /// <summary>Seed of k-means++, fixed so reruns on the same data give the same groups.</summary>
    public int Seed { get; set; } = 20250630;
    /// <summary>At most this many customers (every n-th by id) are used to fit the groups; all are then assigned.</summary>
    public int SampleSize { get; set; } = 50_000;
    public int ChunkSize { get; set; } = 2_000;

    public static SegmentOptions FromConfiguration(IConfiguration configuration)
    {
        var options = new SegmentOptions();
        configuration.GetSection(Section).Bind(options);
        if (options.Groups is < 1 or > 50 || options.SampleSize < options.Groups || options.ChunkSize < 1)
        {
            throw new InvalidOperationException($"{Section}: Groups must lie between 1 and 50, SampleSize at least Groups, ChunkSize positive.");
        }
        return options;
    }
}
