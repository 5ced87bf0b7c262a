namespace InsureCrm.Analytics.Uplift;

/// <summary>One point of a Qini curve: after targeting the <see cref="Targeted"/> rows with the highest predicted uplift.</summary>
/// <param name="Targeted">Rows targeted.</param>
/// <param name="Share">Targeted ÷ all rows, 0–1.</param>
/// <param name="IncrementalResponses">
/// Responses the targeting gained: treated responders among the targeted minus the control responders among them scaled
/// to the treated count, Y_T(k) − Y_C(k)·N_T(k)/N_C(k) (the control term is 0 while no control row is targeted).
/// </param>
public sealed record QiniPoint(int Targeted, double Share, double IncrementalResponses);

/// <summary>One group (decile by default) of rows ranked by predicted uplift; group 1 holds the highest.</summary>
/// <param name="Group">1-based group number, 1 = the rows with the highest predicted uplift.</param>
/// <param name="Rows">The group's rows counted by arm and outcome; its <see cref="UpliftCounts.Uplift"/> is the observed uplift.</param>
/// <param name="MeanPredicted">Mean predicted uplift of the group's rows.</param>
public sealed record UpliftGroup(int Group, UpliftCounts Rows, double MeanPredicted);

/// <summary>
/// Measures of how well predicted uplift ranks the rows of a randomised test: the Qini curve and coefficient, the uplift
/// by group and among the top rows. Every method takes predicted uplift, treatment flags and outcome labels of the same
/// length, in row order, and checks them as <see cref="UpliftData.Check(int, ReadOnlySpan{bool}, ReadOnlySpan{bool}, bool)"/> does.
/// </summary>
/// <remarks>
/// Rows are ranked by predicted uplift, highest first. The Qini curves treat rows of equal prediction as one block: the
/// curve has a point only after a whole block and is a straight line across it (as if the block were targeted in
/// proportion), so a curve and its coefficient never depend on row order (scikit-uplift's <c>qini_curve</c> does the
/// same). Groups and the top rows must cut at a row count; there rows of equal prediction keep their row order.
/// </remarks>
public static class UpliftMetrics
{
    /// <summary>
    /// The Qini curve: a point at 0 and after each block of equal predictions, ranking rows by <paramref name="uplift"/>,
    /// highest first.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, a prediction is NaN, or an arm has no rows.</exception>
    public static IReadOnlyList<QiniPoint> QiniCurve(ReadOnlySpan<double> uplift, ReadOnlySpan<bool> treatment, ReadOnlySpan<bool> labels)
    {
        Check(uplift, treatment, labels);
        return Curve(uplift, treatment, labels);
    }

    /// <summary>
    /// The Qini curve of the best possible ranking, with negative effects allowed: treated responders first, control
    /// responders last, every other row between them in one block (scikit-uplift's <c>perfect_qini_curve</c> with
    /// <c>negative_effect=True</c>).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ or an arm has no rows.</exception>
    public static IReadOnlyList<QiniPoint> PerfectQiniCurve(ReadOnlySpan<bool> treatment, ReadOnlySpan<bool> labels)
    {
        var ideal = new double[treatment.Length];
        for (var r = 0; r < ideal.Length && r < labels.Length; r++)
        {
            ideal[r] = !labels[r] ? 0 : treatment[r] ? 1 : -1;
        }
        return QiniCurve(ideal, treatment, labels);
    }

    /// <summary>
    /// The random line: targeting at random gains in proportion to the share targeted, from (0, 0) to (1, Q(n)) where
    /// Q(n) = Y_T − Y_C·N_T/N_C is the whole curve's end point.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ or an arm has no rows.</exception>
    public static IReadOnlyList<QiniPoint> RandomLine(ReadOnlySpan<bool> treatment, ReadOnlySpan<bool> labels)
    {
        var counts = UpliftData.Check(treatment.Length, treatment, labels);
        var end = counts.TreatedResponders - ((double)counts.ControlResponders * counts.Treated / counts.Control);
        return [new QiniPoint(0, 0, 0), new QiniPoint(counts.Rows, 1, end)];
    }

    /// <summary>Area under a curve over the share targeted (trapezoids between its points), in incremental responses × share.</summary>
    public static double Area(IReadOnlyList<QiniPoint> curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        var area = 0.0;
        for (var i = 1; i < curve.Count; i++)
        {
            area += (curve[i].Share - curve[i - 1].Share) * (curve[i].IncrementalResponses + curve[i - 1].IncrementalResponses) / 2;
        }
        return area;
    }

    /// <summary>
    /// The Qini coefficient, normalised by the best possible ranking: (A_model − A_random) / (A_perfect − A_random), where
    /// A is the <see cref="Area"/> under <see cref="QiniCurve"/>, <see cref="RandomLine"/> and <see cref="PerfectQiniCurve"/>
    /// (scikit-uplift's <c>qini_auc_score</c>). 0 is no better than random, 1 the best ranking, negative worse than random.
    /// NaN when the perfect curve does not beat the random line (no responder in the treated arm and none in control).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, a prediction is NaN, or an arm has no rows.</exception>
    public static double QiniCoefficient(ReadOnlySpan<double> uplift, ReadOnlySpan<bool> treatment, ReadOnlySpan<bool> labels)
    {
        var model = Area(QiniCurve(uplift, treatment, labels));
        var random = Area(RandomLine(treatment, labels));
        var perfect = Area(PerfectQiniCurve(treatment, labels));
        return perfect - random == 0 ? double.NaN : (model - random) / (perfect - random);
    }

    /// <summary>
    /// How often a random order does at least as well: the predictions of the rows in <paramref name="among"/> (every row
    /// when it is empty; with a reach gate, the rows the treatment could reach, so the gate's own zeros stay where they
    /// are) are dealt out again at random <paramref name="orders"/> times, and p = (1 + the orders whose Qini curve has at
    /// least the model's area) / (1 + orders). A small p says the model's order carries information about who responds
    /// to treatment; with few responders even a real effect gives a large p, and then targeting by the order is a draw.
    /// NaN when the perfect curve does not beat the random line (as <see cref="QiniCoefficient"/>).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, a prediction is NaN, an arm has no rows, or fewer than 1 order.</exception>
    public static double RandomOrderP(ReadOnlySpan<double> uplift, ReadOnlySpan<bool> treatment, ReadOnlySpan<bool> labels, ReadOnlySpan<bool> among = default,
        int orders = 999, int seed = 0)
    {
        Check(uplift, treatment, labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(orders, 1);
        if (!among.IsEmpty && among.Length != uplift.Length)
        {
            throw new ArgumentException($"{among.Length} row flags for {uplift.Length} predictions.", nameof(among));
        }
        if (Area(PerfectQiniCurve(treatment, labels)) - Area(RandomLine(treatment, labels)) == 0)
        {
            return double.NaN;
        }
        // Rank once; a random order keeps the ranked values where they are and deals the rows of `among` out again over
        // the places those rows held.
        var order = RankDescending(uplift);
        var values = new double[order.Length];
        var places = new List<int>();
        var dealt = new List<int>();
        for (var i = 0; i < order.Length; i++)
        {
            values[i] = uplift[order[i]];
            if (among.IsEmpty || among[order[i]])
            {
                places.Add(i);
                dealt.Add(order[i]);
            }
        }
        var model = Walk(order, values, treatment, labels, null);
        var random = new Random(seed);
        var shuffled = dealt.ToArray();
        var ranked = (int[])order.Clone();
        var atLeast = 0;
        for (var k = 0; k < orders; k++)
        {
            random.Shuffle(shuffled);
            for (var j = 0; j < shuffled.Length; j++)
            {
                ranked[places[j]] = shuffled[j];
            }
            // A tolerance for the sums' rounding, so that an order as good as the model's counts as at least as good.
            if (Walk(ranked, values, treatment, labels, null) >= model - 1e-9)
            {
                atLeast++;
            }
        }
        return (1.0 + atLeast) / (1.0 + orders);
    }

    /// <summary>
    /// Uplift by group: rows ranked by predicted uplift (highest first, ties in row order) and cut into
    /// <paramref name="groups"/> groups of equal size (group g holds ranked rows ⌊(g−1)·n/groups⌋ up to ⌊g·n/groups⌋,
    /// as <see cref="Learning.Metrics.LiftTable"/> cuts), each with its treated rate, control rate and observed uplift.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, a prediction is NaN, an arm has no rows, or fewer rows than groups.</exception>
    public static IReadOnlyList<UpliftGroup> ByGroup(ReadOnlySpan<double> uplift, ReadOnlySpan<bool> treatment, ReadOnlySpan<bool> labels, int groups = 10)
    {
        Check(uplift, treatment, labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(groups, 1);
        var n = uplift.Length;
        if (n < groups)
        {
            throw new ArgumentException($"Uplift by {groups} groups needs at least {groups} rows; there are {n}.", nameof(uplift));
        }
        var order = RankDescending(uplift);
        var table = new UpliftGroup[groups];
        for (var g = 0; g < groups; g++)
        {
            var start = (int)((long)g * n / groups);
            var end = (int)((long)(g + 1) * n / groups);
            var sum = 0.0;
            for (var i = start; i < end; i++)
            {
                sum += uplift[order[i]];
            }
            table[g] = new UpliftGroup(g + 1, Count(order.AsSpan(start, end - start), treatment, labels), sum / (end - start));
        }
        return table;
    }

    /// <summary>
    /// Uplift@k: the rows among the top <paramref name="share"/> by predicted uplift (the top round(share × rows) rows,
    /// halves rounded up, ties in row order), counted by arm and outcome; its <see cref="UpliftCounts.Uplift"/> is the
    /// observed effect of treating them (NaN when an arm has no row among them).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, a prediction is NaN, an arm has no rows, or the share is outside [0, 1].</exception>
    public static UpliftCounts AtTop(ReadOnlySpan<double> uplift, ReadOnlySpan<bool> treatment, ReadOnlySpan<bool> labels, double share)
    {
        if (!(share >= 0 && share <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(share), share, "The share of rows must be between 0 and 1.");
        }
        Check(uplift, treatment, labels);
        var count = (int)Math.Round(share * uplift.Length, MidpointRounding.AwayFromZero);
        return Count(RankDescending(uplift).AsSpan(0, count), treatment, labels);
    }

    private static List<QiniPoint> Curve(ReadOnlySpan<double> uplift, ReadOnlySpan<bool> treatment, ReadOnlySpan<bool> labels)
    {
        var order = RankDescending(uplift);
        var values = new double[order.Length];
        for (var i = 0; i < order.Length; i++)
        {
            values[i] = uplift[order[i]];
        }
        var curve = new List<QiniPoint> { new(0, 0, 0) };
        Walk(order, values, treatment, labels, curve);
        return curve;
    }

    /// <summary>
    /// Walks the rows in <paramref name="ranked"/> order, whose predictions in that order are <paramref name="values"/>,
    /// adding a point of the Qini curve after each block of equal values to <paramref name="points"/> when given; returns
    /// the area under the curve (as <see cref="Area"/> would).
    /// </summary>
    private static double Walk(int[] ranked, double[] values, ReadOnlySpan<bool> treatment, ReadOnlySpan<bool> labels, List<QiniPoint>? points)
    {
        var n = ranked.Length;
        int treated = 0, treatedResponders = 0, control = 0, controlResponders = 0;
        double area = 0, lastShare = 0, lastGained = 0;
        for (var i = 0; i < n; i++)
        {
            var r = ranked[i];
            if (treatment[r])
            {
                treated++;
                treatedResponders += labels[r] ? 1 : 0;
            }
            else
            {
                control++;
                controlResponders += labels[r] ? 1 : 0;
            }
            if (i + 1 < n && values[i + 1] == values[i])
            {
                continue;
            }
            var gained = treatedResponders - (control == 0 ? 0 : (double)controlResponders * treated / control);
            var share = (double)(i + 1) / n;
            points?.Add(new QiniPoint(i + 1, share, gained));
            area += (share - lastShare) * (gained + lastGained) / 2;
            (lastShare, lastGained) = (share, gained);
        }
        return area;
    }

    private static UpliftCounts Count(ReadOnlySpan<int> rows, ReadOnlySpan<bool> treatment, ReadOnlySpan<bool> labels)
    {
        int treated = 0, treatedResponders = 0, control = 0, controlResponders = 0;
        foreach (var r in rows)
        {
            if (treatment[r])
            {
                treated++;
                treatedResponders += labels[r] ? 1 : 0;
            }
            else
            {
                control++;
                controlResponders += labels[r] ? 1 : 0;
            }
        }
        return new UpliftCounts(treated, treatedResponders, control, controlResponders);
    }

    /// <summary>Row indices ordered by predicted uplift, highest first; equal predictions keep row order.</summary>
    private static int[] RankDescending(ReadOnlySpan<double> uplift)
    {
        var order = new int[uplift.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        var keys = uplift.ToArray();
        // Descending by value, then ascending by row: a total order, so the unstable sort gives one answer.
        Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[b].CompareTo(keys[a]) : a.CompareTo(b));
        return order;
    }

    private static void Check(ReadOnlySpan<double> uplift, ReadOnlySpan<bool> treatment, ReadOnlySpan<bool> labels)
    {
        UpliftData.Check(uplift.Length, treatment, labels);
        for (var r = 0; r < uplift.Length; r++)
        {
            if (double.IsNaN(uplift[r]))
            {
                throw new ArgumentException($"The predicted uplift of row {r} is NaN.", nameof(uplift));
            }
        }
    }
}

/// <summary>
/// How well an uplift model ranks a randomised test's rows, as the model workbench reports it: the rows by arm, the
/// Qini coefficient with the Qini curve and the random line, the uplift by decile and among the top 10, 20 and 30 %.
/// </summary>
/// <param name="Rows">All rows by arm and outcome; its uplift is the average effect of treating.</param>
/// <param name="QiniCoefficient">See <see cref="UpliftMetrics.QiniCoefficient"/>: 0 is random, 1 the best ranking.</param>
/// <param name="QiniCurve">See <see cref="UpliftMetrics.QiniCurve"/>.</param>
/// <param name="RandomLine">See <see cref="UpliftMetrics.RandomLine"/>.</param>
/// <param name="Deciles">Uplift by decile (<see cref="UpliftMetrics.ByGroup"/>); empty when there are fewer than 10 rows.</param>
/// <param name="Top10">The top 10 % by predicted uplift (<see cref="UpliftMetrics.AtTop"/>).</param>
/// <param name="Top20">The top 20 %.</param>
/// <param name="Top30">The top 30 %.</param>
public sealed record UpliftEvaluation(UpliftCounts Rows, double QiniCoefficient, IReadOnlyList<QiniPoint> QiniCurve, IReadOnlyList<QiniPoint> RandomLine,
    IReadOnlyList<UpliftGroup> Deciles, UpliftCounts Top10, UpliftCounts Top20, UpliftCounts Top30)
{
    /// <summary>
    /// <see cref="UpliftMetrics.RandomOrderP"/> of the same rows, when it was worked out (<see cref="WithRandomOrderP"/>):
    /// the chance that a random order ranks them at least as well. NaN when not worked out.
    /// </summary>
    public double RandomOrderP { get; init; } = double.NaN;

    /// <summary>These measures with <see cref="RandomOrderP"/> worked out from the same predictions and rows (999 random orders of the rows in <paramref name="among"/>, every row when empty).</summary>
    public UpliftEvaluation WithRandomOrderP(ReadOnlySpan<double> uplift, ReadOnlySpan<bool> treatment, ReadOnlySpan<bool> labels, ReadOnlySpan<bool> among = default, int seed = 0) =>
        this with { RandomOrderP = UpliftMetrics.RandomOrderP(uplift, treatment, labels, among, seed: seed) };

    /// <summary>Measures predicted <paramref name="uplift"/> against what the test's arms did.</summary>
    /// <exception cref="ArgumentException">Lengths differ, a prediction is NaN, or an arm has no rows.</exception>
    public static UpliftEvaluation Measure(ReadOnlySpan<double> uplift, ReadOnlySpan<bool> treatment, ReadOnlySpan<bool> labels)
    {
        var curve = UpliftMetrics.QiniCurve(uplift, treatment, labels);
        return new UpliftEvaluation(UpliftData.Check(uplift.Length, treatment, labels), UpliftMetrics.QiniCoefficient(uplift, treatment, labels), curve,
            UpliftMetrics.RandomLine(treatment, labels), uplift.Length >= 10 ? UpliftMetrics.ByGroup(uplift, treatment, labels) : [],
            UpliftMetrics.AtTop(uplift, treatment, labels, 0.1), UpliftMetrics.AtTop(uplift, treatment, labels, 0.2),
            UpliftMetrics.AtTop(uplift, treatment, labels, 0.3));
    }
}
