namespace InsureCrm.Analytics.Learning;

/// <summary>The scale on which an <see cref="Explanation"/> adds up.</summary>
public enum ExplanationScale
{
    /// <summary>Log-odds: base + Σ contributions = ln(p / (1 − p)).</summary>
    LogOdds,

    /// <summary>Probability: base + Σ contributions = p.</summary>
    Probability,
}

/// <summary>One feature's part in a score.</summary>
/// <param name="Feature">Index of the feature in the model's <see cref="IClassifier.Features"/>.</param>
/// <param name="Name">The feature's name.</param>
/// <param name="Value">The row's value of the feature, as people read it (level name, number or "missing").</param>
/// <param name="Amount">How much the feature moved the score, on the explanation's scale (positive raises it).</param>
public sealed record Contribution(int Feature, string Name, string Value, double Amount);

/// <summary>
/// Why a row got its score: the model's base score (what every row starts from) plus one contribution
/// per feature; <see cref="Base"/> + Σ <see cref="Contributions"/> equals <see cref="Score"/> on <see cref="Scale"/>.
/// </summary>
/// <param name="Scale">Log-odds or probability.</param>
/// <param name="Base">The starting score on <paramref name="Scale"/>.</param>
/// <param name="Contributions">One per feature, in feature order (zero for a feature the row's path never used).</param>
public sealed record Explanation(ExplanationScale Scale, double Base, IReadOnlyList<Contribution> Contributions)
{
    /// <summary>The row's score on <see cref="Scale"/>: the base plus every contribution.</summary>
    public double Score => Base + (Contributions is ContributionList list ? list.SumOfAmounts() : Contributions.Sum(c => c.Amount));

    /// <summary>The row's probability of the positive class.</summary>
    public double Probability => Scale == ExplanationScale.Probability ? Score : 1 / (1 + Math.Exp(-Score));

    /// <summary>The <paramref name="count"/> largest contributions by magnitude, largest first (ties by feature order).</summary>
    public IReadOnlyList<Contribution> Top(int count) => Contributions is ContributionList list ? list.Top(count) :
        [.. Contributions.Where(c => c.Amount != 0).OrderByDescending(c => Math.Abs(c.Amount)).ThenBy(c => c.Feature).Take(count)];

    /// <summary>Builds an explanation from contribution amounts in feature order, reading values from <paramref name="row"/>.</summary>
    public static Explanation Create(ExplanationScale scale, double @base, IReadOnlyList<Feature> features, ReadOnlySpan<double> row, ReadOnlySpan<double> amounts)
    {
        ArgumentNullException.ThrowIfNull(features);
        return new Explanation(scale, @base, new ContributionList(features, row[..features.Count].ToArray(), amounts[..features.Count].ToArray()));
    }
}

/// <summary>
/// The contributions of <see cref="Explanation.Create"/>, each made when first read: scoring a book keeps only the top
/// few per row (<see cref="Explanation.Top"/>), so describing every feature's value of every row (a number formatted
/// per feature) would be most of the work. Reads give exactly what a list built up front gives.
/// </summary>
internal sealed class ContributionList(IReadOnlyList<Feature> features, double[] values, double[] amounts) : IReadOnlyList<Contribution>
{
    private readonly Contribution?[] _made = new Contribution?[amounts.Length];

    public Contribution this[int index] =>
        _made[index] ??= new Contribution(index, features[index].Name, features[index].Describe(values[index]), amounts[index]);

    public int Count => amounts.Length;

    public IEnumerator<Contribution> GetEnumerator()
    {
        for (var j = 0; j < amounts.Length; j++)
        {
            yield return this[j];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The amounts added in feature order from zero, as <c>Sum</c> over the contributions adds them.</summary>
    public double SumOfAmounts()
    {
        var sum = 0.0;
        foreach (var amount in amounts)
        {
            sum += amount;
        }
        return sum;
    }

    /// <summary>
    /// What the general <see cref="Explanation.Top"/> picks (non-zero amounts, the largest magnitude first by the default
    /// double order, ties by feature), found without sorting or describing the rest.
    /// </summary>
    public IReadOnlyList<Contribution> Top(int count)
    {
        if (count <= 0)
        {
            return [];
        }
        var top = new int[Math.Min(count, amounts.Length)];
        var n = 0;
        for (var j = 0; j < amounts.Length; j++)
        {
            if (amounts[j] == 0)
            {
                continue;
            }
            var magnitude = Math.Abs(amounts[j]);
            // Features come in order, so a tie stays behind the ones already kept.
            var at = n;
            while (at > 0 && magnitude.CompareTo(Math.Abs(amounts[top[at - 1]])) > 0)
            {
                at--;
            }
            if (at >= top.Length)
            {
                continue;
            }
            for (var k = Math.Min(n, top.Length - 1); k > at; k--)
            {
                top[k] = top[k - 1];
            }
            top[at] = j;
            n = Math.Min(n + 1, top.Length);
        }
        var result = new Contribution[n];
        for (var k = 0; k < n; k++)
        {
            result[k] = this[top[k]];
        }
        return result;
    }
}
