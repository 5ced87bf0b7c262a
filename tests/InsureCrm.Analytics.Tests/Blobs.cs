namespace InsureCrm.Analytics.Tests;

/// <summary>Gaussian blobs with known membership, and the adjusted Rand index to compare partitions.</summary>
internal static class Blobs
{
    public static (DataMatrix Data, int[] Truth) Generate(double[][] centers, int perBlob, double spread, int seed)
    {
        var random = new Random(seed);
        var d = centers[0].Length;
        var values = new double[centers.Length * perBlob * d];
        var truth = new int[centers.Length * perBlob];
        var i = 0;
        // Interleave blobs so chunks of rows are not sorted by cluster.
        for (var p = 0; p < perBlob; p++)
        {
            for (var b = 0; b < centers.Length; b++)
            {
                for (var f = 0; f < d; f++)
                {
                    values[(i * d) + f] = centers[b][f] + (spread * Gaussian(random));
                }
                truth[i++] = b;
            }
        }
        return (DataMatrix.Wrap(truth.Length, d, values), truth);
    }

    public static double AdjustedRandIndex(int[] a, int[] b)
    {
        var table = new Dictionary<(int, int), long>();
        var rows = new Dictionary<int, long>();
        var cols = new Dictionary<int, long>();
        for (var i = 0; i < a.Length; i++)
        {
            table[(a[i], b[i])] = table.GetValueOrDefault((a[i], b[i])) + 1;
            rows[a[i]] = rows.GetValueOrDefault(a[i]) + 1;
            cols[b[i]] = cols.GetValueOrDefault(b[i]) + 1;
        }
        static double Pairs(long n) => n * (n - 1) / 2.0;
        var index = table.Values.Sum(Pairs);
        var rowPairs = rows.Values.Sum(Pairs);
        var colPairs = cols.Values.Sum(Pairs);
        var expected = rowPairs * colPairs / Pairs(a.Length);
        var max = (rowPairs + colPairs) / 2;
        return (index - expected) / (max - expected);
    }

    private static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
