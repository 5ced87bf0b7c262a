using System.Numerics;
using System.Runtime.InteropServices;

namespace InsureCrm.Analytics;

internal static class VectorMath
{
    public static double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        var i = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<double>.Count)
        {
            var va = MemoryMarshal.Cast<double, Vector<double>>(a);
            var vb = MemoryMarshal.Cast<double, Vector<double>>(b[..a.Length]);
            var acc = Vector<double>.Zero;
            for (var v = 0; v < va.Length; v++)
            {
                var diff = va[v] - vb[v];
                acc += diff * diff;
            }
            sum = Vector.Sum(acc);
            i = va.Length * Vector<double>.Count;
        }
        for (; i < a.Length; i++)
        {
            var diff = a[i] - b[i];
            sum += diff * diff;
        }
        return sum;
    }

    /// <summary>Index of the nearest centroid (lowest index on ties) and its squared distance.</summary>
    public static int Nearest(ReadOnlySpan<double> row, ReadOnlySpan<double> centroids, int k, out double distance)
    {
        var d = row.Length;
        var best = 0;
        var bestDistance = SquaredDistance(row, centroids[..d]);
        for (var j = 1; j < k; j++)
        {
            var dist = SquaredDistance(row, centroids.Slice(j * d, d));
            if (dist < bestDistance)
            {
                bestDistance = dist;
                best = j;
            }
        }
        distance = bestDistance;
        return best;
    }
}
