using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Tests.Learning;

public sealed class BinnedTableTests
{
    private static readonly ParallelOptions Parallel = new();

    [Fact]
    public void Create_FewDistinctValues_OneBinPerValueAndMissingLast()
    {
        double[] x = [3, 1, double.NaN, 2, 1, 3];
        var data = new Table([Feature.Numeric("x")], [x]);

        var binned = BinnedTable.Create(data, 255, 10, 0, Parallel);

        binned.BinCount[0].ShouldBe(3);
        binned.Edges[0].ShouldBe([2.0, 3.0]);
        binned.Bins[0].ShouldBe(new byte[] { 2, 0, 3, 1, 0, 2 });
        binned.HasMissing[0].ShouldBeTrue();
    }

    [Fact]
    public void Create_ManyDistinctValues_AtMostMaxBinsOfSimilarSize()
    {
        var random = new Random(1);
        var x = new double[100_000];
        for (var r = 0; r < x.Length; r++)
        {
            x[r] = random.NextDouble();
        }
        var data = new Table([Feature.Numeric("x")], [x]);

        var binned = BinnedTable.Create(data, 64, 10, 0, Parallel);

        binned.BinCount[0].ShouldBe(64);
        var counts = new int[65];
        foreach (var b in binned.Bins[0])
        {
            counts[b]++;
        }
        counts[..64].ShouldAllBe(c => c > 1300 && c < 1850);
        for (var r = 0; r < 1000; r++)
        {
            // Bin b holds edge[b − 1] ≤ x < edge[b]: the raw test a tree uses at scoring time.
            var b = binned.Bins[0][r];
            if (b > 0)
            {
                x[r].ShouldBeGreaterThanOrEqualTo(binned.Edges[0][b - 1]);
            }
            if (b < 63)
            {
                x[r].ShouldBeLessThan(binned.Edges[0][b]);
            }
        }
    }

    [Fact]
    public void Create_RareLevels_PooledIntoOneBin()
    {
        // Level 0: 50 rows, level 1: 3 rows, level 2: 40 rows, level 3: never seen.
        var levels = Enumerable.Repeat(0.0, 50).Concat(Enumerable.Repeat(1.0, 3)).Concat(Enumerable.Repeat(2.0, 40)).ToArray();
        var data = new Table([Feature.Categorical("c", ["a", "b", "c", "d"])], [levels]);

        var binned = BinnedTable.Create(data, 255, 10, 0, Parallel);

        binned.BinCount[0].ShouldBe(3);
        binned.LevelBin[0].ShouldBe([0, 2, 1, 2]);
        binned.HasMissing[0].ShouldBeFalse();
    }
}
