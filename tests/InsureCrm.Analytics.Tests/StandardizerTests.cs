namespace InsureCrm.Analytics.Tests;

public sealed class StandardizerTests
{
    private static readonly DataMatrix Customers = DataMatrix.FromRows(
    [
        [34, 42_000_000, 1],
        [51, 88_000_000, 3],
        [29, 31_000_000, 0],
        [63, 120_000_000, 5],
        [45, 56_000_000, 2],
    ]);

    [Fact]
    public void Transform_EveryColumn_HasMeanZeroAndStandardDeviationOne()
    {
        var scaled = Standardizer.Fit(Customers).Transform(Customers);

        for (var c = 0; c < scaled.Columns; c++)
        {
            var column = scaled.Column(c);
            var mean = column.Average();
            mean.ShouldBe(0.0, 1e-12);
            Math.Sqrt(column.Sum(v => (v - mean) * (v - mean)) / column.Length).ShouldBe(1.0, 1e-12);
        }
    }

    [Fact]
    public void InverseTransform_AfterTransform_GivesBackTheOriginalValues()
    {
        var standardizer = Standardizer.Fit(Customers);

        var roundTrip = standardizer.InverseTransform(standardizer.Transform(Customers));

        for (var i = 0; i < Customers.Values.Length; i++)
        {
            roundTrip.Values[i].ShouldBe(Customers.Values[i], Math.Max(1e-12, Math.Abs(Customers.Values[i]) * 1e-12));
        }
    }

    [Fact]
    public void Transform_ConstantColumn_GivesZerosNotNaN()
    {
        var data = DataMatrix.FromRows([[1, 7.3], [2, 7.3], [4, 7.3]]);
        var standardizer = Standardizer.Fit(data);

        var scaled = standardizer.Transform(data);

        standardizer.StandardDeviations[1].ShouldBe(0.0);
        scaled.Column(1).ShouldAllBe(v => v == 0.0);
        standardizer.InverseTransform(scaled).Column(1).ShouldAllBe(v => v == 7.3);
        var row = new double[2];
        standardizer.Transform([3.0, 9.0], row);
        double.IsFinite(row[1]).ShouldBeTrue();
    }

    [Fact]
    public void Transform_WrongColumnCount_ThrowsArgumentException()
    {
        var standardizer = Standardizer.Fit(Customers);

        Should.Throw<ArgumentException>(() => standardizer.Transform(DataMatrix.FromRows([[1.0, 2.0]])));
    }
}
