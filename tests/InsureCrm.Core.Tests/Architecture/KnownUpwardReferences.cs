namespace InsureCrm.Tests.Architecture;

/// <summary>
/// Today's references that point up Core's feature order (issue 10's knots), each "from-type → to-type"
/// without the "InsureCrm.Core." prefix. This list may only shrink: <see cref="FeatureOrderTests"/> fails
/// on a reference that is not listed and on a listed one that no longer exists.
/// </summary>
internal static class KnownUpwardReferences
{
    internal static readonly string[] All = [];

    /// <summary>The features that still use each other in a loop, one line per loop, names in ordinal order.</summary>
    internal static readonly List<string> Cycles = [];
}
