using InsureCrm.Analytics.Learning;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Value;

namespace InsureCrm.Core.Models;

/// <summary>
/// Rows of a model whose subject is not a customer (a contract or an agent): ids, the key that decides the
/// hold-out split (the holder for a contract, so one customer's contracts stay on one side; the agent
/// itself), feature columns, and per model of the subject its population and label.
/// </summary>
public sealed class SubjectChunk
{
    public required long[] Ids { get; init; }
    public required long[] SplitKeys { get; init; }
    public required double[][] Columns { get; init; }
    public required bool[][] Eligible { get; init; }
    public required bool[][] Labels { get; init; }

    public int Rows => Ids.Length;

    public void CopyRow(int row, Span<double> destination)
    {
        for (var j = 0; j < Columns.Length; j++)
        {
            destination[j] = Columns[j][row];
        }
    }
}

/// <summary>
/// Point-in-time contract features for <c>lapse-contract</c>: one row per contract active at the cutoff
/// (by its status history), the contract's own features followed by its holder's customer features
/// (<see cref="InsurerFeatures"/>). Built from a customer <see cref="FeatureChunk"/>, so it reads nothing
/// the customer features do not.
/// </summary>
public static class ContractFeatures
{
    public const int Family = 0, Mode = 1, Method = 2, MonthsSinceIssue = 3, ContractPremiumBurden = 4, Orphaned = 5, ReinstatedBefore = 6;

    /// <summary>Columns of the contract itself, before the holder's.</summary>
    public static IReadOnlyList<Feature> Own { get; } =
    [
        Feature.Categorical("productFamily", Enum.GetNames<ProductFamily>()),
        Feature.Categorical("paymentMode", Enum.GetNames<PaymentMode>()),
        Feature.Categorical("paymentMethod", Enum.GetNames<PaymentMethod>()),
        Feature.Numeric("monthsSinceIssue"),
        Feature.Numeric("contractPremiumBurden"),
        Feature.Numeric("orphaned"),
        Feature.Numeric("reinstatedBefore"),
    ];

    /// <summary>The contract's columns, then the holder's customer features.</summary>
    public static IReadOnlyList<Feature> Features { get; } = [.. Own, .. InsurerFeatures.Features];

    /// <summary>Contract models, in the order of <see cref="SubjectChunk.Eligible"/>.</summary>
    public static IReadOnlyList<InsurerModel> Models { get; } = [InsurerModels.LapseContract];

    /// <summary>
    /// One row per contract of <paramref name="chunk"/> active at its cutoff; eligible for <c>lapse-contract</c> when
    /// premium-paying (in force or reinstated, not a single premium), labelled when it lapses or is surrendered in the window.
    /// </summary>
    public static SubjectChunk From(FeatureChunk chunk, DateOnly cutoff)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var contracts = chunk.Contracts;
        var n = contracts.Count;
        var columns = new double[Features.Count][];
        for (var j = 0; j < columns.Length; j++)
        {
            columns[j] = new double[n];
        }
        var eligible = new bool[n];
        var labels = new bool[n];
        for (var i = 0; i < n; i++)
        {
            var c = contracts[i];
            columns[Family][i] = (int)c.Family;
            columns[Mode][i] = (int)c.Mode;
            columns[Method][i] = (int)c.Method;
            columns[MonthsSinceIssue][i] = Months.Between(c.IssueDate, cutoff);
            columns[ContractPremiumBurden][i] = !c.PremiumPaying ? 0 : double.IsNaN(c.HouseholdIncome) ? double.NaN : Math.Min(c.AnnualPremium / c.HouseholdIncome, InsurerFeatures.BurdenCap);
            columns[Orphaned][i] = c.Orphaned ? 1 : 0;
            columns[ReinstatedBefore][i] = c.ReinstatedBefore ? 1 : 0;
            for (var j = 0; j < chunk.Columns.Length; j++)
            {
                columns[Own.Count + j][i] = chunk.Columns[j][c.Row];
            }
            eligible[i] = c.PremiumPaying;
            labels[i] = c.PremiumPaying && c.ExitInWindow;
        }
        return new SubjectChunk
        {
            Ids = [.. contracts.Select(c => c.ContractId)],
            SplitKeys = [.. contracts.Select(c => chunk.CustomerIds[c.Row])],
            Columns = columns,
            Eligible = [eligible],
            Labels = [labels],
        };
    }
}
