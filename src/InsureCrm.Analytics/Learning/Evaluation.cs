namespace InsureCrm.Analytics.Learning;

/// <summary>
/// How well scores rank and predict a labelled set of rows, as the model workbench reports it: ROC AUC, log loss,
/// the lift table by decile and the hits among the top 10% and 20% of rows.
/// </summary>
/// <param name="Rows">Rows measured.</param>
/// <param name="Positives">Positive rows among them.</param>
/// <param name="Auc">Area under the ROC curve (<see cref="Metrics.RocAuc"/>): 0.5 is chance, 1 a perfect ranking.</param>
/// <param name="LogLoss">Mean log loss of the probabilities (<see cref="Metrics.LogLoss"/>): lower is better.</param>
/// <param name="Top10Rows">Rows in the top 10% by score.</param>
/// <param name="HitsTop10">Positive rows among them.</param>
/// <param name="Top20Rows">Rows in the top 20% by score.</param>
/// <param name="HitsTop20">Positive rows among them.</param>
/// <param name="Lift">Lift table by decile (<see cref="Metrics.LiftTable"/>); empty when there are fewer than 10 rows.</param>
public sealed record Evaluation(int Rows, int Positives, double Auc, double LogLoss, int Top10Rows, int HitsTop10, int Top20Rows, int HitsTop20,
    IReadOnlyList<LiftRow> Lift)
{
    /// <summary>Share of all rows that are positive.</summary>
    public double BaseRate => (double)Positives / Rows;

    /// <summary>Measures <paramref name="scores"/> (probabilities of the positive class) against <paramref name="labels"/>.</summary>
    /// <exception cref="ArgumentException">Lengths differ, a score is NaN or outside [0, 1], or only one class is present.</exception>
    public static Evaluation Measure(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        var auc = Metrics.RocAuc(scores, labels);
        var logLoss = Metrics.LogLoss(scores, labels);
        var positives = 0;
        foreach (var y in labels)
        {
            positives += y ? 1 : 0;
        }
        var n = scores.Length;
        var top10 = (int)Math.Round(0.1 * n, MidpointRounding.AwayFromZero);
        var top20 = (int)Math.Round(0.2 * n, MidpointRounding.AwayFromZero);
        return new Evaluation(n, positives, auc, logLoss, top10, Metrics.HitsInTop(scores, labels, top10), top20, Metrics.HitsInTop(scores, labels, top20),
            n >= 10 ? Metrics.LiftTable(scores, labels) : []);
    }
}
