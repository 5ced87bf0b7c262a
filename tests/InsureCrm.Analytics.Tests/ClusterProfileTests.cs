namespace InsureCrm.Analytics.Tests;

public sealed class ClusterProfileTests
{
    [Fact]
    public void Build_TwoGroups_ReportsSizeShareMeansAndDistinctiveFeatures()
    {
        // Columns: age, income (million KRW), health contracts, region code (same for all).
        var data = DataMatrix.FromRows(
        [
            [62, 90, 4, 1], [58, 80, 5, 1], [66, 100, 3, 1],
            [28, 30, 0, 1], [31, 35, 1, 1], [25, 25, 0, 1], [30, 40, 1, 1],
        ]);
        int[] labels = [0, 0, 0, 1, 1, 1, 1];

        var profiles = ClusterProfile.Build(data, labels, 2, ["age", "income", "health", "region"]);

        var older = profiles[0];
        older.Size.ShouldBe(3);
        older.Share.ShouldBe(3.0 / 7, 1e-12);
        older.Features[0].Mean.ShouldBe(62.0, 1e-12);
        older.Features[0].OverallMean.ShouldBe(300.0 / 7, 1e-12);
        older.Features[0].ZScore.ShouldBeGreaterThan(0.5);
        older.Features[3].ZScore.ShouldBe(0.0);
        older.Distinctive(3).Select(f => f.Name).ShouldBe(["age", "income", "health"], ignoreOrder: true);
        older.Distinctive(3).ShouldAllBe(f => f.ZScore > 0);
        profiles[1].Distinctive(3).ShouldAllBe(f => f.ZScore < 0);
    }

    [Fact]
    public void Build_ClusterWithNoRows_HasSizeZeroAndNoDistinctiveFeatures()
    {
        var data = DataMatrix.FromRows([[1.0], [2.0]]);

        var profiles = ClusterProfile.Build(data, [0, 0], 2);

        profiles[1].Size.ShouldBe(0);
        profiles[1].Share.ShouldBe(0.0);
        profiles[1].Distinctive().ShouldBeEmpty();
        profiles[0].Features[0].Name.ShouldBe("f0");
    }

    [Fact]
    public void Build_LabelOutOfRange_ThrowsArgumentException()
    {
        var data = DataMatrix.FromRows([[1.0], [2.0]]);

        Should.Throw<ArgumentException>(() => ClusterProfile.Build(data, [0, 2], 2));
    }
}
