using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Tests.Learning;

public sealed class MetricsTests
{
    // Ten rows, five positives. Sorted by score (ties in row order):
    //   row    0    1    2    3    4    5    6    7    8    9
    //   score .9   .8   .8   .7   .6   .6   .6   .3   .2   .1
    //   label  1    1    0    1    0    1    0    0    1    0
    private static readonly double[] Scores = [0.9, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.3, 0.2, 0.1];
    private static readonly bool[] Labels = [true, true, false, true, false, true, false, false, true, false];

    [Fact]
    public void RocAuc_TiedScores_CountTiesAsHalf()
    {
        // Positive-vs-negative pairs won (ties ½): .9 → 5; .8 → 4 + ½ (tie with row 2); .7 → 4;
        // .6 → 2 + 2·½ (ties with rows 4 and 6); .2 → 1. Total 17.5 of 25 pairs = 0.7 (scikit-learn agrees).
        Metrics.RocAuc(Scores, Labels).ShouldBe(0.7, 1e-15);
    }

    [Fact]
    public void RocAuc_PerfectAndReversedRanking_GiveOneAndZero()
    {
        bool[] labels = [false, false, true, true];

        Metrics.RocAuc([0.1, 0.2, 0.3, 0.4], labels).ShouldBe(1.0);
        Metrics.RocAuc([0.4, 0.3, 0.2, 0.1], labels).ShouldBe(0.0);
        Metrics.RocAuc([0.5, 0.5, 0.5, 0.5], labels).ShouldBe(0.5);
    }

    [Fact]
    public void RocAuc_OneClassOnly_ThrowsNamingTheProblem()
    {
        var ex = Should.Throw<ArgumentException>(() => Metrics.RocAuc([0.1, 0.2], [true, true]));

        ex.Message.ShouldContain("both classes");
    }

    [Fact]
    public void RocAuc_LengthMismatch_Throws()
    {
        var ex = Should.Throw<ArgumentException>(() => Metrics.RocAuc([0.1, 0.2, 0.3], [true, false]));

        ex.Message.ShouldContain("3 scores but 2 labels");
    }

    [Fact]
    public void LogLoss_SmallSample_MatchesHandComputedMean()
    {
        // −(ln .9 + ln(1 − .2) + ln(1 − .6) + ln .4) / 4 = 0.5402713826800865.
        Metrics.LogLoss([0.9, 0.2, 0.6, 0.4], [true, false, false, true]).ShouldBe(0.5402713826800865, 1e-15);
    }

    [Fact]
    public void LogLoss_CertainMistake_IsClippedAt1EMinus15()
    {
        // Row 1: p = 0 for a positive, clipped to 1e-15 → −ln 1e-15 = 34.538776394910684; row 2 costs −ln(1 − 1e-15) ≈ 1e-15.
        Metrics.LogLoss([0.0, 0.0], [true, false]).ShouldBe(34.538776394910684 / 2, 1e-12);
    }

    [Fact]
    public void LogLoss_ProbabilityOutsideUnitInterval_Throws()
    {
        var ex = Should.Throw<ArgumentException>(() => Metrics.LogLoss([0.5, 1.5], [true, false]));

        ex.Message.ShouldContain("row 1");
    }

    [Fact]
    public void LiftTable_FiveGroups_MatchesHandComputedTable()
    {
        // Pairs of sorted rows: labels (1,1) (0,1) (0,1) (0,0) (1,0); base rate 5/10 = 0.5.
        var table = Metrics.LiftTable(Scores, Labels, groups: 5);

        table.Count.ShouldBe(5);
        table[0].ShouldBe(new LiftRow(1, 2, 2, 1.0, 2.0, 0.4, 2.0));
        table[1].ShouldBe(new LiftRow(2, 2, 1, 0.5, 1.0, 0.6, 1.5));
        table[2].Positives.ShouldBe(1);
        table[2].Gain.ShouldBe(0.8, 1e-15);
        table[2].CumulativeLift.ShouldBe(4.0 / 6 / 0.5, 1e-15);
        table[3].ShouldBe(new LiftRow(4, 2, 0, 0.0, 0.0, 0.8, 1.0));
        table[4].ShouldBe(new LiftRow(5, 2, 1, 0.5, 1.0, 1.0, 1.0));
    }

    [Fact]
    public void LiftTable_RowsNotDivisible_GroupSizesDifferByAtMostOne()
    {
        var scores = Enumerable.Range(0, 23).Select(i => (double)i).ToArray();
        var labels = scores.Select(s => s > 20).ToArray();

        var table = Metrics.LiftTable(scores, labels);

        table.Sum(r => r.Rows).ShouldBe(23);
        table.Select(r => r.Rows).ShouldAllBe(rows => rows == 2 || rows == 3);
        table[0].Positives.ShouldBe(2);
        table[^1].Gain.ShouldBe(1.0);
    }

    [Fact]
    public void LiftTable_NoPositives_Throws()
    {
        var ex = Should.Throw<ArgumentException>(() => Metrics.LiftTable(Scores, new bool[10], groups: 2));

        ex.Message.ShouldContain("positive");
    }

    [Fact]
    public void HitsInTop_TiedScores_KeepRowOrder()
    {
        // Top 5 sorted rows: 0,1,2,3,4 → labels 1,1,0,1,0 = 3; the 6th is row 5 (positive).
        Metrics.HitsInTop(Scores, Labels, 5).ShouldBe(3);
        Metrics.HitsInTop(Scores, Labels, 6).ShouldBe(4);
        Metrics.HitsInTop(Scores, Labels, 0).ShouldBe(0);
        Metrics.HitsInTop(Scores, Labels, 10).ShouldBe(5);
    }

    [Fact]
    public void HitsInTopFraction_QuarterOfTenRows_TakesThreeRows()
    {
        // round(0.25 × 10) = round(2.5) = 3 rows: labels 1, 1, 0.
        Metrics.HitsInTopFraction(Scores, Labels, 0.25).ShouldBe(2);
        Metrics.HitsInTopFraction(Scores, Labels, 0.1).ShouldBe(1);
    }

    [Fact]
    public void Calibration_EqualWidth_MatchesHandComputedBins()
    {
        // Edges 0, .25, .5, .75, 1: (.75, 1] holds .9 .8 .8 (labels 1 1 0); (.5, .75] holds .7 .6 .6 .6 (1 0 1 0);
        // (.25, .5] holds .3 (0); [0, .25] holds .2 .1 (1 0).
        var bins = Metrics.Calibration(Scores, Labels, bins: 4);

        bins.Count.ShouldBe(4);
        bins[0].ShouldBe(new CalibrationBin(0.0, 0.25, 2, (0.2 + 0.1) / 2, 0.5));
        bins[1].ShouldBe(new CalibrationBin(0.25, 0.5, 1, 0.3, 0.0));
        bins[2].Count.ShouldBe(4);
        bins[2].MeanPredicted.ShouldBe(0.625, 1e-15);
        bins[2].ObservedRate.ShouldBe(0.5);
        bins[3].Count.ShouldBe(3);
        bins[3].MeanPredicted.ShouldBe(2.5 / 3, 1e-15);
        bins[3].ObservedRate.ShouldBe(2.0 / 3);
    }

    [Fact]
    public void Calibration_Quantile_UsesInterpolatedQuantileEdges()
    {
        // Sorted: .1 .2 .3 .6 .6 .6 .7 .8 .8 .9; quantile positions 0, 2.25, 4.5, 6.75, 9 →
        // edges .1, .375, .6, .775, .9. Bins: {.1 .2 .3}, {.6 .6 .6}, {.7}, {.8 .8 .9} (scikit-learn agrees).
        var bins = Metrics.Calibration(Scores, Labels, bins: 4, CalibrationBinning.Quantile);

        bins.Select(b => b.Count).ShouldBe([3, 3, 1, 3]);
        bins[0].Upper.ShouldBe(0.375, 1e-15);
        bins[3].Lower.ShouldBe(0.775, 1e-15);
        bins.Select(b => b.ObservedRate).ToArray().ShouldBe([1.0 / 3, 1.0 / 3, 1.0, 2.0 / 3], 1e-15);
        bins.Select(b => b.MeanPredicted).ToArray().ShouldBe([0.2, 0.6, 0.7, 2.5 / 3], 1e-12);
    }

    [Fact]
    public void Calibration_EmptyBins_AreLeftOut()
    {
        var bins = Metrics.Calibration([0.05, 0.95], [false, true], bins: 10);

        bins.Count.ShouldBe(2);
        bins[1].Lower.ShouldBe(0.9);
    }
}
