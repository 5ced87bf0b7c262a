using InsureCrm.Analytics.Uplift;

namespace InsureCrm.Analytics.Tests.Uplift;

public sealed class UpliftMetricsTests
{
    // Eight rows of a test, ranked by predicted uplift (D and E tie at 0.5):
    //   row  A    B    C    D    E    F    G    H
    //   pred 0.9  0.8  0.7  0.5  0.5  0.3  0.2  0.1
    //   arm  T    C    T    C    T    C    T    C
    //   y    1    0    1    0    0    1    0    0
    private static readonly double[] Predicted = [0.9, 0.8, 0.7, 0.5, 0.5, 0.3, 0.2, 0.1];
    private static readonly bool[] Treated = [true, false, true, false, true, false, true, false];
    private static readonly bool[] Responded = [true, false, true, false, false, true, false, false];

    // Q(k) = Y_T(k) − Y_C(k)·N_T(k)/N_C(k), the control term 0 while N_C(k) = 0; points at 0 and after each tie block:
    //   k=1 (A)    N_T=1 Y_T=1 N_C=0        → 1
    //   k=2 (B)    N_T=1 Y_T=1 N_C=1 Y_C=0  → 1
    //   k=3 (C)    N_T=2 Y_T=2 N_C=1 Y_C=0  → 2
    //   k=5 (D, E) N_T=3 Y_T=2 N_C=2 Y_C=0  → 2    (no point at k=4: D and E are one block)
    //   k=6 (F)    N_T=3 Y_T=2 N_C=3 Y_C=1  → 2 − 3/3 = 1
    //   k=7 (G)    N_T=4 Y_T=2 N_C=3 Y_C=1  → 2 − 4/3 = 2/3
    //   k=8 (H)    N_T=4 Y_T=2 N_C=4 Y_C=1  → 2 − 4/4 = 1
    private static readonly (int Targeted, double Gain)[] HandCurve = [(0, 0), (1, 1), (2, 1), (3, 2), (5, 2), (6, 1), (7, 2.0 / 3), (8, 1)];

    [Fact]
    public void QiniCurve_HandComputedExample_PointsAfterEachTieBlock()
    {
        var curve = UpliftMetrics.QiniCurve(Predicted, Treated, Responded);

        curve.Select(p => p.Targeted).ShouldBe(HandCurve.Select(p => p.Targeted));
        for (var i = 0; i < curve.Count; i++)
        {
            curve[i].IncrementalResponses.ShouldBe(HandCurve[i].Gain, 1e-12, $"point {i}");
            curve[i].Share.ShouldBe(HandCurve[i].Targeted / 8.0, 1e-12);
        }
    }

    [Fact]
    public void QiniCoefficient_HandComputedExample_IsTheAreaOverRandomOverThePerfectsAreaOverRandom()
    {
        // Model area, trapezoids over the share (widths 1/8, the tie block 2/8):
        //   (0+1)/2 + (1+1)/2 + (1+2)/2 + 2·(2+2)/2 + (2+1)/2 + (1+2/3)/2 + (2/3+1)/2 = 8.5 + 5/3, over 8 → 61/48.
        // Random line from (0, 0) to (1, Q(8) = 1): area 1/2 = 24/48.
        // Perfect ranking: A, C (treated responders, score 1) first; B D E G H (score 0) one block; F (control responder) last:
        //   k=2: N_T=2 Y_T=2 N_C=0 → 2;  k=7: N_T=4 Y_T=2 N_C=3 Y_C=0 → 2;  k=8: N_T=4 Y_T=2 N_C=4 Y_C=1 → 1
        //   area = [2·(0+2)/2 + 5·(2+2)/2 + 1·(2+1)/2] / 8 = 13.5/8 = 81/48.
        // Coefficient = (61 − 24) / (81 − 24) = 37/57.
        UpliftMetrics.Area(UpliftMetrics.QiniCurve(Predicted, Treated, Responded)).ShouldBe(61.0 / 48, 1e-12);
        UpliftMetrics.Area(UpliftMetrics.RandomLine(Treated, Responded)).ShouldBe(0.5, 1e-12);
        UpliftMetrics.Area(UpliftMetrics.PerfectQiniCurve(Treated, Responded)).ShouldBe(81.0 / 48, 1e-12);
        UpliftMetrics.QiniCoefficient(Predicted, Treated, Responded).ShouldBe(37.0 / 57, 1e-12);
    }

    [Fact]
    public void RandomOrderP_HandExample_MatchesTheShareOfAllOrdersThatDoAtLeastAsWell()
    {
        // Every one of the 8! ways to deal the eight predictions out to the rows, its Qini area against the model's.
        var model = UpliftMetrics.Area(UpliftMetrics.QiniCurve(Predicted, Treated, Responded));
        int atLeast = 0, all = 0;
        foreach (var order in Permutations([0, 1, 2, 3, 4, 5, 6, 7]))
        {
            var dealt = order.Select(i => Predicted[i]).ToArray();
            all++;
            atLeast += UpliftMetrics.Area(UpliftMetrics.QiniCurve(dealt, Treated, Responded)) >= model - 1e-9 ? 1 : 0;
        }
        var exact = (double)atLeast / all;
        exact.ShouldBeInRange(0.02, 0.5, "the example's order is good but not rare");

        UpliftMetrics.RandomOrderP(Predicted, Treated, Responded, orders: 20_000, seed: 3).ShouldBe(exact, 0.01);
    }

    [Fact]
    public void RandomOrderP_OneValueForEveryRow_EveryOrderDoesAsWell()
    {
        UpliftMetrics.RandomOrderP(new double[8], Treated, Responded).ShouldBe(1);
    }

    [Fact]
    public void RandomOrderP_AmongTheReachableRows_TheGatesZerosStayPut()
    {
        // 400 rows: the first half unreachable (predicted 0, nobody responds), the reachable half predicted at random, with
        // responders in both arms alike. The gate alone beats a random order of all rows; among the reachable rows the
        // model's order is noise.
        var random = new Random(8);
        var n = 400;
        var predicted = new double[n];
        var treated = new bool[n];
        var responded = new bool[n];
        var reachable = new bool[n];
        for (var r = 0; r < n; r++)
        {
            treated[r] = r % 2 == 0;
            reachable[r] = r >= n / 2;
            predicted[r] = reachable[r] ? 0.01 + random.NextDouble() : 0;
            responded[r] = reachable[r] && random.NextDouble() < (treated[r] ? 0.4 : 0.2);
        }

        UpliftMetrics.RandomOrderP(predicted, treated, responded, seed: 1).ShouldBeLessThan(0.01);
        UpliftMetrics.RandomOrderP(predicted, treated, responded, reachable, seed: 1).ShouldBeGreaterThan(0.05);
    }

    private static IEnumerable<int[]> Permutations(int[] items)
    {
        if (items.Length <= 1)
        {
            yield return items;
            yield break;
        }
        for (var i = 0; i < items.Length; i++)
        {
            foreach (var rest in Permutations([.. items[..i], .. items[(i + 1)..]]))
            {
                yield return [items[i], .. rest];
            }
        }
    }

    [Fact]
    public void Measure_HandComputedExample_ReportsEachMeasure()
    {
        var evaluation = UpliftEvaluation.Measure(Predicted, Treated, Responded);

        evaluation.Rows.ShouldBe(new UpliftCounts(4, 2, 4, 1));
        evaluation.Rows.Uplift.ShouldBe(0.25);
        evaluation.QiniCoefficient.ShouldBe(37.0 / 57, 1e-12);
        evaluation.QiniCurve.Count.ShouldBe(HandCurve.Length);
        evaluation.RandomLine[^1].IncrementalResponses.ShouldBe(1);
        // Fewer than 10 rows: no deciles. Top 10 % = round(0.8) = 1 row (A); 20 % and 30 % = 2 rows (A, B).
        evaluation.Deciles.ShouldBeEmpty();
        evaluation.Top10.ShouldBe(new UpliftCounts(1, 1, 0, 0));
        evaluation.Top20.ShouldBe(new UpliftCounts(1, 1, 1, 0));
        evaluation.Top30.ShouldBe(new UpliftCounts(1, 1, 1, 0));
    }

    [Fact]
    public void QiniCurve_TiedRowsInTheOtherOrder_SameCurve()
    {
        // D and E swapped: the tie block is the same, so the curve must be too.
        double[] predicted = [0.9, 0.8, 0.7, 0.5, 0.5, 0.3, 0.2, 0.1];
        bool[] treated = [true, false, true, true, false, false, true, false];
        bool[] responded = [true, false, true, false, false, true, false, false];

        UpliftMetrics.QiniCurve(predicted, treated, responded).ShouldBe(UpliftMetrics.QiniCurve(Predicted, Treated, Responded));
    }

    [Fact]
    public void RandomLine_EndsAtTheWholeTestsIncrementalResponses()
    {
        var line = UpliftMetrics.RandomLine(Treated, Responded);

        // Y_T − Y_C·N_T/N_C = 2 − 1·4/4.
        line.ShouldBe([new QiniPoint(0, 0, 0), new QiniPoint(8, 1, 1)]);
    }

    [Fact]
    public void ByGroup_FourGroupsOfTwo_CountsEachArmInRankOrder()
    {
        var groups = UpliftMetrics.ByGroup(Predicted, Treated, Responded, groups: 4);

        // Groups in rank order: {A, B}, {C, D}, {E, F}, {G, H}.
        groups.Select(g => g.Rows).ShouldBe(
        [
            new UpliftCounts(1, 1, 1, 0),
            new UpliftCounts(1, 1, 1, 0),
            new UpliftCounts(1, 0, 1, 1),
            new UpliftCounts(1, 0, 1, 0),
        ]);
        groups.Select(g => g.Rows.Uplift).ShouldBe([1.0, 1.0, -1.0, 0.0]);
        groups[0].MeanPredicted.ShouldBe(0.85, 1e-12);
        groups.Select(g => g.Group).ShouldBe([1, 2, 3, 4]);
    }

    [Fact]
    public void AtTop_ThreeEighths_TheEffectAmongTheTopThreeRows()
    {
        // Top round(0.375 × 8) = 3 rows: A, B, C → treated 2 of 2 responded, control 0 of 1: uplift 1.
        var top = UpliftMetrics.AtTop(Predicted, Treated, Responded, 0.375);

        top.ShouldBe(new UpliftCounts(2, 2, 1, 0));
        top.Uplift.ShouldBe(1);
    }

    [Fact]
    public void AtTop_OnlyTreatedRowsAmongTheTop_UpliftIsNaN()
    {
        UpliftMetrics.AtTop(Predicted, Treated, Responded, 0.125).Uplift.ShouldBe(double.NaN);
    }

    [Fact]
    public void QiniCoefficient_NoControlRows_ThrowsNamingIt()
    {
        var ex = Should.Throw<ArgumentException>(() => UpliftMetrics.QiniCoefficient(Predicted, [.. Treated.Select(_ => true)], Responded));

        ex.Message.ShouldContain("no control rows");
    }

    [Fact]
    public void QiniCurve_NaNPrediction_ThrowsNamingTheRow()
    {
        double[] predicted = [.. Predicted];
        predicted[5] = double.NaN;

        Should.Throw<ArgumentException>(() => UpliftMetrics.QiniCurve(predicted, Treated, Responded)).Message.ShouldContain("row 5 is NaN");
    }
}
