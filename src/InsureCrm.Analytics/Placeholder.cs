namespace InsureCrm.Analytics;

/// <summary>Version information of the InsureCRM learning library.</summary>
public static class AnalyticsInfo
{
    /// <summary>The library's name as shown in model metadata.</summary>
    public const string Name = "InsureCrm.Analytics";
}
