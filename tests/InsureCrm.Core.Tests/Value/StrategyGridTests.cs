using InsureCrm.Core.Value;

namespace InsureCrm.Core.Tests.Value;

public sealed class StrategyGridTests
{
    private static readonly GridThresholds Cut = new(CurrentHigh: 1_000_000m, PotentialHigh: 500_000m, ActivateFloor: 100_000m);

    [Theory]
    [InlineData(1_000_000, 500_000, SegmentCell.Retain)]
    [InlineData(999_999, 500_000, SegmentCell.CrossSell)]
    [InlineData(1_000_000, 499_999, SegmentCell.UpSell)]
    [InlineData(100_000, 499_999, SegmentCell.Activate)]
    [InlineData(99_999, 499_999, SegmentCell.Monitor)]
    [InlineData(-50_000, 0, SegmentCell.Monitor)]
    [InlineData(-50_000, 800_000, SegmentCell.CrossSell)]
    public void Place_ValuesAroundTheCuts_LandInTheDocumentedCell(long current, long potential, SegmentCell expected) =>
        StrategicGrid.Place(current, potential, Cut).ShouldBe(expected);

    [Fact]
    public void FromValues_TenCustomers_CutsAtNearestRankPercentiles()
    {
        decimal[] values = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
        var t = GridThresholds.FromValues(values, values.Select(v => v * 100).ToArray(), new GridOptions());

        t.ShouldBe(new GridThresholds(CurrentHigh: 7m, PotentialHigh: 700m, ActivateFloor: 4m));
        values.Count(v => StrategicGrid.Place(v, v * 100, t) == SegmentCell.Retain).ShouldBe(4);
        values.Count(v => StrategicGrid.Place(v, v * 100, t) == SegmentCell.Activate).ShouldBe(3);
        values.Count(v => StrategicGrid.Place(v, v * 100, t) == SegmentCell.Monitor).ShouldBe(3);
    }

    [Fact]
    public void FromValues_NoCustomers_GivesZeroCuts() =>
        GridThresholds.FromValues([], [], new GridOptions()).ShouldBe(new GridThresholds(0m, 0m, 0m));
}
