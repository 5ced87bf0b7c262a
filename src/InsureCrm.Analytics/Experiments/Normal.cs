namespace InsureCrm.Analytics.Experiments;

/// <summary>The standard normal distribution: its cumulative distribution function and quantile, to about 1e-15.</summary>
public static class Normal
{
    private const double Sqrt2 = 1.4142135623730951;
    private const double SqrtPi = 1.7724538509055160;
    private const double Sqrt2Pi = 2.5066282746310002;

    /// <summary>Φ(<paramref name="z"/>): the probability that a standard normal variable is at most <paramref name="z"/>.</summary>
    /// <param name="z">Any real number; ±∞ give 0 and 1.</param>
    /// <returns>A probability in [0, 1], accurate to about 1e-15 relative in either tail.</returns>
    public static double Cdf(double z)
    {
        if (double.IsNaN(z))
        {
            return double.NaN;
        }
        return 0.5 * Erfc(-z / Sqrt2);
    }

    /// <summary>
    /// Φ⁻¹(<paramref name="p"/>): the value a standard normal variable falls below with probability <paramref name="p"/>.
    /// Acklam's rational approximation (relative error below 1.2e-9) refined by one Halley step on <see cref="Cdf"/>.
    /// </summary>
    /// <param name="p">A probability in [0, 1]; 0 and 1 give −∞ and +∞.</param>
    /// <returns>The quantile.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1] or NaN.</exception>
    public static double Quantile(double p)
    {
        if (double.IsNaN(p) || p < 0 || p > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "A probability lies in [0, 1].");
        }
        if (p == 0)
        {
            return double.NegativeInfinity;
        }
        if (p == 1)
        {
            return double.PositiveInfinity;
        }

        const double pLow = 0.02425;
        double x;
        if (p < pLow)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            x = (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
        }
        else if (p <= 1 - pLow)
        {
            var q = p - 0.5;
            var r = q * q;
            x = (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
                / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
        }
        else
        {
            var q = Math.Sqrt(-2 * Math.Log(1 - p));
            x = -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
        }

        // Halley's step on Φ(x) − p; in the upper tail on the complement, so that p near 1 keeps its precision.
        var e = p > 0.5 ? -(0.5 * Erfc(x / Sqrt2) - (1 - p)) : 0.5 * Erfc(-x / Sqrt2) - p;
        var u = e * Sqrt2Pi * Math.Exp(x * x / 2);
        return x - u / (1 + x * u / 2);
    }

    /// <summary>The two-sided critical value z₁₋α/₂ of a test at level <paramref name="alpha"/> (1.959964 for 0.05).</summary>
    /// <param name="alpha">The significance level, in (0, 1).</param>
    /// <returns>The critical value.</returns>
    public static double TwoSidedCritical(double alpha)
    {
        if (!(alpha > 0 && alpha < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The level lies strictly between 0 and 1.");
        }
        return Quantile(1 - alpha / 2);
    }

    /// <summary>The complementary error function: a series for erf below 2, Lentz's continued fraction above.</summary>
    internal static double Erfc(double x)
    {
        if (x < 0)
        {
            return 2 - Erfc(-x);
        }
        if (x > 27)
        {
            return 0; // below the smallest double
        }
        if (x < 2)
        {
            // erf(x) = 2/√π · e^(−x²) · Σ (2x²)ⁿ x / (1·3·…·(2n+1)): positive terms, no cancellation.
            var term = x;
            var sum = x;
            var twoX2 = 2 * x * x;
            for (var n = 1; n < 200 && term > 1e-17 * sum; n++)
            {
                term *= twoX2 / (2 * n + 1);
                sum += term;
            }
            return 1 - 2 / SqrtPi * Math.Exp(-x * x) * sum;
        }

        // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), by the modified Lentz method.
        const double tiny = 1e-300;
        var f = x;
        var c = x;
        var d = 0.0;
        for (var k = 1; k < 500; k++)
        {
            var a = k / 2.0;
            d = x + a * d;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = x + a / c;
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            var delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }
        return Math.Exp(-x * x) / SqrtPi / f;
    }

    private static readonly double[] A =
        [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];

    private static readonly double[] B =
        [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];

    private static readonly double[] C =
        [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];

    private static readonly double[] D =
        [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
}
