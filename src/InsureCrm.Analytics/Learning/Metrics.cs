namespace InsureCrm.Analytics.Learning;

/// <summary>One group (decile by default) of a lift and gains table; group 1 holds the highest scores.</summary>
/// <param name="Group">1-based group number, 1 = the rows with the highest scores.</param>
/// <param name="Rows">Rows in the group.</param>
/// <param name="Positives">Positive rows in the group.</param>
/// <param name="ResponseRate">Positives ÷ rows of the group.</param>
/// <param name="Lift">The group's response rate ÷ the overall (base) rate.</param>
/// <param name="Gain">Share of all positives captured by this group and every group above it (cumulative gain, 0–1).</param>
/// <param name="CumulativeLift">Response rate of this group and every group above it ÷ the base rate.</param>
public sealed record LiftRow(int Group, int Rows, int Positives, double ResponseRate, double Lift, double Gain, double CumulativeLift);

/// <summary>One bin of a calibration table: rows whose predicted probability fell in (<see cref="Lower"/>, <see cref="Upper"/>].</summary>
/// <param name="Lower">Lower edge of the bin (the first bin includes it).</param>
/// <param name="Upper">Upper edge of the bin (included).</param>
/// <param name="Count">Rows in the bin.</param>
/// <param name="MeanPredicted">Mean predicted probability of those rows.</param>
/// <param name="ObservedRate">Share of those rows that are positive.</param>
public sealed record CalibrationBin(double Lower, double Upper, int Count, double MeanPredicted, double ObservedRate);

/// <summary>How <see cref="Metrics.Calibration"/> cuts the probability range into bins.</summary>
public enum CalibrationBinning
{
    /// <summary>Bins of equal width on [0, 1] (scikit-learn's <c>strategy="uniform"</c>).</summary>
    EqualWidth,

    /// <summary>Bins with edges at quantiles of the predicted probabilities, so bins hold about equally many rows (<c>strategy="quantile"</c>).</summary>
    Quantile,
}

/// <summary>
/// Measures of how well scores rank and how well probabilities are calibrated, for comparing models with one
/// another and with scikit-learn. Every method takes scores and labels of the same length, in row order.
/// </summary>
/// <remarks>
/// Rankings (lift table, hits in the top rows) order rows by score, highest first; rows with equal scores
/// keep their original order, so a result never depends on the sort algorithm.
/// </remarks>
public static class Metrics
{
    /// <summary>Probabilities are clipped to [<c>LogLossEpsilon</c>, 1 − <c>LogLossEpsilon</c>] in <see cref="LogLoss"/>.</summary>
    public const double LogLossEpsilon = 1e-15;

    /// <summary>
    /// Area under the ROC curve: the probability that a random positive row scores above a random negative
    /// row, a tie counting one half (the Mann–Whitney statistic with mid-ranks, as scikit-learn's <c>roc_auc_score</c>).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, a score is NaN, or only one class is present.</exception>
    public static double RocAuc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        CheckScores(scores, labels, nameof(scores));
        var n = scores.Length;
        var keys = scores.ToArray();
        var classes = labels.ToArray();
        var positives = 0L;
        foreach (var y in classes)
        {
            positives += y ? 1 : 0;
        }
        var negatives = n - positives;
        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException($"ROC AUC needs both classes; all {n} labels are {(positives == 0 ? "negative" : "positive")}.", nameof(labels));
        }
        Array.Sort(keys, classes);
        // Sum of the (mid-)ranks of the positives; ranks are 1-based and a tie group shares its mean rank.
        var rankSum = 0.0;
        for (var i = 0; i < n;)
        {
            var j = i + 1;
            while (j < n && keys[j] == keys[i])
            {
                j++;
            }
            var groupPositives = 0;
            for (var k = i; k < j; k++)
            {
                groupPositives += classes[k] ? 1 : 0;
            }
            rankSum += groupPositives * ((i + 1 + j) / 2.0);
            i = j;
        }
        return (rankSum - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }

    /// <summary>
    /// Mean negative log-likelihood of the labels under the probabilities (natural log), probabilities clipped to
    /// [1e-15, 1 − 1e-15] so a confident mistake costs about 34.5, not infinity.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, no rows, or a probability is NaN or outside [0, 1].</exception>
    public static double LogLoss(ReadOnlySpan<double> probabilities, ReadOnlySpan<bool> labels)
    {
        CheckProbabilities(probabilities, labels);
        var sum = 0.0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var p = Math.Clamp(probabilities[i], LogLossEpsilon, 1 - LogLossEpsilon);
            sum -= labels[i] ? Math.Log(p) : Math.Log(1 - p);
        }
        return sum / probabilities.Length;
    }

    /// <summary>
    /// Lift and gains table: rows sorted by score (highest first, ties in row order) and cut into
    /// <paramref name="groups"/> groups of equal size (group g holds sorted rows ⌊(g−1)·n/groups⌋ up to
    /// ⌊g·n/groups⌋, so sizes differ by at most one).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, a score is NaN, fewer rows than groups, or no positive row.</exception>
    public static IReadOnlyList<LiftRow> LiftTable(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, int groups = 10)
    {
        CheckScores(scores, labels, nameof(scores));
        ArgumentOutOfRangeException.ThrowIfLessThan(groups, 1);
        var n = scores.Length;
        if (n < groups)
        {
            throw new ArgumentException($"A lift table of {groups} groups needs at least {groups} rows; there are {n}.", nameof(scores));
        }
        var order = RankDescending(scores);
        var totalPositives = CountPositives(labels);
        if (totalPositives == 0)
        {
            throw new ArgumentException("A lift table needs at least one positive row; there is none.", nameof(labels));
        }
        var baseRate = (double)totalPositives / n;
        var rows = new LiftRow[groups];
        var cumulativePositives = 0;
        for (var g = 0; g < groups; g++)
        {
            var start = (int)((long)g * n / groups);
            var end = (int)((long)(g + 1) * n / groups);
            var positives = 0;
            for (var i = start; i < end; i++)
            {
                positives += labels[order[i]] ? 1 : 0;
            }
            cumulativePositives += positives;
            var rate = (double)positives / (end - start);
            rows[g] = new LiftRow(g + 1, end - start, positives, rate, rate / baseRate,
                (double)cumulativePositives / totalPositives, (double)cumulativePositives / end / baseRate);
        }
        return rows;
    }

    /// <summary>Positives among the <paramref name="count"/> rows with the highest scores (ties in row order).</summary>
    /// <exception cref="ArgumentException">Lengths differ, a score is NaN, or <paramref name="count"/> is negative or more than the rows.</exception>
    public static int HitsInTop(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, int count)
    {
        CheckScores(scores, labels, nameof(scores));
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, scores.Length);
        var order = RankDescending(scores);
        var hits = 0;
        for (var i = 0; i < count; i++)
        {
            hits += labels[order[i]] ? 1 : 0;
        }
        return hits;
    }

    /// <summary>
    /// Positives among the highest-scoring <paramref name="fraction"/> of rows: the top
    /// round(<paramref name="fraction"/> × rows) rows, halves rounded up.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, a score is NaN, or <paramref name="fraction"/> is outside [0, 1].</exception>
    public static int HitsInTopFraction(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, double fraction)
    {
        if (!(fraction >= 0 && fraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The fraction of rows must be between 0 and 1.");
        }
        return HitsInTop(scores, labels, (int)Math.Round(fraction * scores.Length, MidpointRounding.AwayFromZero));
    }

    /// <summary>
    /// Calibration (reliability) table, as scikit-learn's <c>calibration_curve</c>: bin edges e₀ &lt; … &lt; e_b,
    /// a row goes to the bin i with eᵢ &lt; p ≤ eᵢ₊₁ (the first bin also takes p = e₀). Empty bins are left out.
    /// Quantile edges are linear-interpolated quantiles of the probabilities (numpy's default); equal quantile
    /// edges merge, so a quantile table may have fewer bins.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, no rows, or a probability is NaN or outside [0, 1].</exception>
    public static IReadOnlyList<CalibrationBin> Calibration(ReadOnlySpan<double> probabilities, ReadOnlySpan<bool> labels, int bins = 10,
        CalibrationBinning binning = CalibrationBinning.EqualWidth)
    {
        CheckProbabilities(probabilities, labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var n = probabilities.Length;
        var edges = new double[bins + 1];
        if (binning == CalibrationBinning.EqualWidth)
        {
            for (var i = 0; i <= bins; i++)
            {
                edges[i] = (double)i / bins;
            }
        }
        else
        {
            var sorted = probabilities.ToArray();
            Array.Sort(sorted);
            for (var i = 0; i <= bins; i++)
            {
                var position = (double)i / bins * (n - 1);
                var low = (int)Math.Floor(position);
                var high = Math.Min(low + 1, n - 1);
                edges[i] = sorted[low] + ((position - low) * (sorted[high] - sorted[low]));
            }
        }
        var counts = new int[bins];
        var sums = new double[bins];
        var positives = new int[bins];
        for (var r = 0; r < n; r++)
        {
            var p = probabilities[r];
            // First interior edge ≥ p (numpy's searchsorted, side left, over edges[1..bins-1]).
            var bin = 0;
            while (bin < bins - 1 && edges[bin + 1] < p)
            {
                bin++;
            }
            counts[bin]++;
            sums[bin] += p;
            positives[bin] += labels[r] ? 1 : 0;
        }
        var table = new List<CalibrationBin>(bins);
        for (var b = 0; b < bins; b++)
        {
            if (counts[b] > 0)
            {
                table.Add(new CalibrationBin(edges[b], edges[b + 1], counts[b], sums[b] / counts[b], (double)positives[b] / counts[b]));
            }
        }
        return table;
    }

    /// <summary>Row indices ordered by score, highest first; equal scores keep row order.</summary>
    private static int[] RankDescending(ReadOnlySpan<double> scores)
    {
        var n = scores.Length;
        var keys = new double[n];
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            keys[i] = -scores[i];
            order[i] = i;
        }
        Array.Sort(keys, order);
        // Array.Sort is not stable: put each run of equal scores back in row order.
        for (var i = 0; i < n;)
        {
            var j = i + 1;
            while (j < n && keys[j] == keys[i])
            {
                j++;
            }
            if (j - i > 1)
            {
                Array.Sort(order, i, j - i);
            }
            i = j;
        }
        return order;
    }

    private static int CountPositives(ReadOnlySpan<bool> labels)
    {
        var count = 0;
        foreach (var y in labels)
        {
            count += y ? 1 : 0;
        }
        return count;
    }

    private static void CheckScores(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, string parameterName)
    {
        if (scores.Length != labels.Length)
        {
            throw new ArgumentException($"{scores.Length} scores but {labels.Length} labels.", nameof(labels));
        }
        for (var i = 0; i < scores.Length; i++)
        {
            if (double.IsNaN(scores[i]))
            {
                throw new ArgumentException($"The score of row {i} is NaN.", parameterName);
            }
        }
    }

    private static void CheckProbabilities(ReadOnlySpan<double> probabilities, ReadOnlySpan<bool> labels)
    {
        if (probabilities.Length != labels.Length)
        {
            throw new ArgumentException($"{probabilities.Length} probabilities but {labels.Length} labels.", nameof(labels));
        }
        if (probabilities.IsEmpty)
        {
            throw new ArgumentException("No rows to measure.", nameof(probabilities));
        }
        for (var i = 0; i < probabilities.Length; i++)
        {
            var p = probabilities[i];
            if (!(p >= 0 && p <= 1))
            {
                throw new ArgumentException($"The probability of row {i} is {p}, not between 0 and 1.", nameof(probabilities));
            }
        }
    }
}
