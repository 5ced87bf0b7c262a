namespace InsureCrm.Tests.Architecture;

/// <summary>
/// Core's feature order (docs/decisions/0002-feature-order.md), in one place: Core's architecture test checks Core
/// against it, and the web host's test (which links this file) checks the Web feature folders against the same ranks.
/// </summary>
internal static class FeatureOrder
{
    /// <summary>Lowest first; features on one rank may not use each other. Change only with decision 0002.</summary>
    public static readonly string[][] Order =
    [
        ["Common"],
        ["Agents"],
        ["Policies", "Interactions"],
        ["Security"],
        ["Customers"],
        ["Identity", "Contact"],
        ["Imports", "Privacy"],
        ["Value"],
        ["Models"],
        ["Campaigns", "Surveys"],
        ["Worklists"],
        ["CallCenter"],
        ["Voc"],
        ["Orphans"],
        ["CustomerView", "Nightly", "Reporting"],
        ["Synthetic"],
    ];

    /// <summary>Each feature's rank: its index in <see cref="Order"/>.</summary>
    public static readonly IReadOnlyDictionary<string, int> Rank = Order
        .SelectMany((features, rank) => features.Select(f => (f, rank)))
        .ToDictionary(p => p.f, p => p.rank, StringComparer.Ordinal);
}
