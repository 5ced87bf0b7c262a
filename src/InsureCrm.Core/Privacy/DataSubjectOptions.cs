using System.ComponentModel.DataAnnotations;

namespace InsureCrm.Core.Privacy;

/// <summary>Options of the <c>Privacy</c> section: how long erased customers' legally required data is kept.</summary>
public sealed class PrivacyOptions
{
    public const string Section = "Privacy";

    /// <summary>Years after the end of the relationship that contracts, claims and the RRN ciphertext are kept (the law allows at most 5).</summary>
    [Range(0, 5)]
    public int RetentionYears { get; set; } = 5;
    /// <summary>Run the retention purge daily in the web host.</summary>
    public bool PurgeJobEnabled { get; set; } = true;
    /// <summary>How often the web host runs the purge.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromDays(1);
}
