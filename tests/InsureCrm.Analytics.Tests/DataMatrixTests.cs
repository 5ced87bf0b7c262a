namespace InsureCrm.Analytics.Tests;

public sealed class DataMatrixTests
{
    [Fact]
    public void FromRows_Rows_AreStoredRowMajorAndCopied()
    {
        double[] first = [1, 2, 3];
        var matrix = DataMatrix.FromRows([first, [4, 5, 6]]);
        first[0] = 99;

        matrix.Values.ToArray().ShouldBe([1.0, 2, 3, 4, 5, 6]);
        matrix[1, 2].ShouldBe(6.0);
        matrix.Column(1).ShouldBe([2.0, 5.0]);
    }

    [Fact]
    public void FromRows_RowsOfDifferentLengths_ThrowsArgumentException()
    {
        Should.Throw<ArgumentException>(() => DataMatrix.FromRows([[1.0, 2.0], [3.0]]))
            .Message.ShouldContain("Row 1 has 1 values");
    }
}
