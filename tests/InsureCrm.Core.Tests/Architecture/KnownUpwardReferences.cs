namespace InsureCrm.Tests.Architecture;

/// <summary>
/// Today's references that point up Core's feature order (issue 10's knots), each "from-type → to-type"
/// without the "InsureCrm.Core." prefix. This list may only shrink: <see cref="FeatureOrderTests"/> fails
/// on a reference that is not listed and on a listed one that no longer exists.
/// </summary>
internal static class KnownUpwardReferences
{
    internal static readonly string[] All =
    [
        "Customers.ContractModelScoreView → Models.ScoreReason",
        "Customers.CustomerModelScoreView → Models.ScoreReason",
        "Customers.CustomerSegmentView → Value.SegmentCell",
        "Customers.CustomerSegmentView → Value.SegmentFeature",
        "Customers.CustomerSegmentView → Value.ServiceLevel",
        "Customers.CustomerSegmentView → Value.Strategy",
        "Customers.CustomerSegmentView → Value.StrategyChannel",
        "Customers.CustomerValueView → Value.CustomerValueExplanation",
        "Customers.CustomerViewService → Models.ContractModelScore",
        "Customers.CustomerViewService → Models.CustomerModelScore",
        "Customers.CustomerViewService → Models.InsurerModel",
        "Customers.CustomerViewService → Models.InsurerModelScorer",
        "Customers.CustomerViewService → Models.InsurerModels",
        "Customers.CustomerViewService → Models.ModelScoreRun",
        "Customers.CustomerViewService → Models.ModelScoreRunStatus",
        "Customers.CustomerViewService → Models.ModelStatus",
        "Customers.CustomerViewService → Models.ModelVersion",
        "Customers.CustomerViewService → Models.ScoreReason",
        "Customers.CustomerViewService → Value.CustomerLifecycle",
        "Customers.CustomerViewService → Value.CustomerSegment",
        "Customers.CustomerViewService → Value.CustomerValue",
        "Customers.CustomerViewService → Value.CustomerValueExplanation",
        "Customers.CustomerViewService → Value.CustomerValueResult",
        "Customers.CustomerViewService → Value.LifecycleDimension",
        "Customers.CustomerViewService → Value.LifecycleState",
        "Customers.CustomerViewService → Value.SegmentCell",
        "Customers.CustomerViewService → Value.SegmentFeature",
        "Customers.CustomerViewService → Value.SegmentProfile",
        "Customers.CustomerViewService → Value.SegmentRunner",
        "Customers.CustomerViewService → Value.ServiceLevel",
        "Customers.CustomerViewService → Value.Strategy",
        "Customers.CustomerViewService → Value.StrategyChannel",
        "Customers.CustomerViewService → Value.ValueRun",
        "Customers.CustomerViewService → Value.ValueRunReports",
        "Customers.LifecycleView → Value.LifecycleDimension",
        "Customers.LifecycleView → Value.LifecycleState",
    ];

    /// <summary>The features that still use each other in a loop, one line per loop, names in ordinal order.</summary>
    internal static readonly List<string> Cycles =
    [
        "Customers, Models, Value",
    ];
}
