using System.Globalization;

namespace InsureCrm.Analytics.Learning;

/// <summary>What a <see cref="SelectionMeasure"/> measures.</summary>
public enum SelectionKind
{
    /// <summary>ROC AUC: how well the scores order every row. Higher is better.</summary>
    Auc,

    /// <summary>Mean log loss of the probabilities: how right they are as probabilities. Lower is better.</summary>
    LogLoss,

    /// <summary>Positives among the N highest-scoring rows: what a campaign that can contact N people reaches. Higher is better.</summary>
    Hits,
}

/// <summary>
/// The measure automatic selection ranks candidates by (<c>--select-by auc | logloss | hits@N</c>): each fold's
/// model is measured on the rows it did not see, and the leaderboard is ordered by the mean over the folds.
/// </summary>
/// <remarks>
/// hits@N is counted for a campaign that contacts N of a population as large as the file: each fold contacts the same
/// share, round(N × fold rows / population rows) of its rows (at least one), and its hits are scaled back to N
/// contacts, hits × N / contacted, so the figure reads as "positives among the N customers contacted".
/// </remarks>
/// <param name="Kind">What is measured.</param>
/// <param name="Contacts">N for <see cref="SelectionKind.Hits"/>; 0 otherwise.</param>
public sealed record SelectionMeasure(SelectionKind Kind, int Contacts)
{
    /// <summary>ROC AUC, the default.</summary>
    public static SelectionMeasure Auc { get; } = new(SelectionKind.Auc, 0);

    /// <summary>Log loss.</summary>
    public static SelectionMeasure LogLoss { get; } = new(SelectionKind.LogLoss, 0);

    /// <summary>Hits among the top <paramref name="contacts"/> rows.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="contacts"/> is below 1.</exception>
    public static SelectionMeasure HitsAt(int contacts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(contacts, 1);
        return new(SelectionKind.Hits, contacts);
    }

    /// <summary>The measure as the option writes it: <c>auc</c>, <c>logloss</c> or <c>hits@N</c>.</summary>
    public string Name => Kind switch
    {
        SelectionKind.Auc => "auc",
        SelectionKind.LogLoss => "logloss",
        _ => string.Create(CultureInfo.InvariantCulture, $"hits@{Contacts}"),
    };

    /// <summary>True when a higher value is better (AUC, hits); false for log loss.</summary>
    public bool HigherIsBetter => Kind != SelectionKind.LogLoss;

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>
    /// Reads <c>auc</c>, <c>logloss</c> or <c>hits@N</c> (N a whole number of contacts, at least 1; letters in any case,
    /// thousands written without separators).
    /// </summary>
    /// <param name="text">The value given.</param>
    /// <param name="optionName">How the person gave it, for the message (e.g. <c>--select-by</c>).</param>
    /// <exception cref="ArgumentException">Anything else; the message says what is accepted.</exception>
    public static SelectionMeasure Parse(string? text, string optionName = "--select-by")
    {
        var value = text?.Trim() ?? "";
        if (value.Equals("auc", StringComparison.OrdinalIgnoreCase))
        {
            return Auc;
        }
        if (value.Equals("logloss", StringComparison.OrdinalIgnoreCase))
        {
            return LogLoss;
        }
        if (value.StartsWith("hits@", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(value.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var contacts) && contacts >= 1)
        {
            return HitsAt(contacts);
        }
        // The value is an option the person typed, not a field of the data: safe to repeat, and it shows what was wrong.
        throw new ArgumentException(
            $"{optionName} must be auc, logloss or hits@N with N the number of customers a campaign can contact, a whole number of at least 1 (e.g. hits@5000); got '{Shorten(value)}'.");
    }

    /// <summary>
    /// The measure on one set of rows: <paramref name="scores"/> against <paramref name="labels"/>; for hits@N, the top
    /// <paramref name="share"/> of the rows are contacted and the hits scaled to N contacts.
    /// </summary>
    internal double Measure(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, double share) => Kind switch
    {
        SelectionKind.Auc => Metrics.RocAuc(scores, labels),
        SelectionKind.LogLoss => Metrics.LogLoss(scores, labels),
        _ => HitsScaled(scores, labels, share),
    };

    private double HitsScaled(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, double share)
    {
        var contacted = Math.Clamp((int)Math.Round(share * scores.Length, MidpointRounding.AwayFromZero), 1, scores.Length);
        return (double)Metrics.HitsInTop(scores, labels, contacted) * Contacts / contacted;
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
