namespace InsureCrm.Analytics.Learning;

/// <summary>Solves A x = b for a symmetric positive definite A given by its lower triangle (row-major, n × n).</summary>
internal static class Cholesky
{
    /// <summary>
    /// Factors A = L Lᵀ in place of its lower triangle and solves for <paramref name="x"/>. If rounding makes A
    /// look indefinite, a small ridge (relative to the diagonal) is added and the factorisation retried.
    /// </summary>
    /// <exception cref="InvalidOperationException">A is not positive definite even with a ridge.</exception>
    public static void Solve(double[] a, int n, ReadOnlySpan<double> b, Span<double> x)
    {
        var original = (double[])a.Clone();
        var ridge = 0.0;
        var largestDiagonal = 0.0;
        for (var i = 0; i < n; i++)
        {
            largestDiagonal = Math.Max(largestDiagonal, a[(i * n) + i]);
        }
        for (var attempt = 0; !Factor(a, n); attempt++)
        {
            if (attempt == 10)
            {
                throw new InvalidOperationException("The Hessian is not positive definite; the data may hold NaN or infinite values.");
            }
            ridge = ridge == 0 ? 1e-12 * Math.Max(largestDiagonal, 1e-300) : ridge * 100;
            Array.Copy(original, a, a.Length);
            for (var i = 0; i < n; i++)
            {
                a[(i * n) + i] += ridge;
            }
        }
        // Forward substitution L y = b, then back substitution Lᵀ x = y.
        for (var i = 0; i < n; i++)
        {
            var sum = b[i];
            var row = i * n;
            for (var k = 0; k < i; k++)
            {
                sum -= a[row + k] * x[k];
            }
            x[i] = sum / a[row + i];
        }
        for (var i = n - 1; i >= 0; i--)
        {
            var sum = x[i];
            for (var k = i + 1; k < n; k++)
            {
                sum -= a[(k * n) + i] * x[k];
            }
            x[i] = sum / a[(i * n) + i];
        }
    }

    private static bool Factor(double[] a, int n)
    {
        for (var j = 0; j < n; j++)
        {
            var rowJ = j * n;
            var diagonal = a[rowJ + j];
            for (var k = 0; k < j; k++)
            {
                diagonal -= a[rowJ + k] * a[rowJ + k];
            }
            if (!(diagonal > 0))
            {
                return false;
            }
            var pivot = Math.Sqrt(diagonal);
            a[rowJ + j] = pivot;
            for (var i = j + 1; i < n; i++)
            {
                var rowI = i * n;
                var sum = a[rowI + j];
                for (var k = 0; k < j; k++)
                {
                    sum -= a[rowI + k] * a[rowJ + k];
                }
                a[rowI + j] = sum / pivot;
            }
        }
        return true;
    }
}
