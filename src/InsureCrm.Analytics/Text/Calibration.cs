namespace InsureCrm.Analytics.Text;

/// <summary>
/// Temperature scaling (Guo et al., "On Calibration of Modern Neural Networks", 2017): one number that divides a
/// classifier's scores before the softmax, chosen on held-out examples to minimise their negative log-likelihood. Naive
/// Bayes treats every character n-gram of a text as independent evidence, so its probabilities sit at 0 or 1 (a text of
/// 200 characters is hundreds of "independent" votes); scaled, a stated 90 % is right about nine times in ten. The order
/// of the classes, hence the accuracy, does not change.
/// </summary>
public static class Calibration
{
    /// <summary>Softmax of <paramref name="scores"/> / <paramref name="temperature"/>, in the scores' order.</summary>
    public static double[] Softmax(IReadOnlyList<double> scores, double temperature)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(temperature);
        var result = new double[scores.Count];
        if (result.Length == 0)
        {
            return result;
        }
        var max = scores.Max();
        var sum = 0.0;
        for (var c = 0; c < result.Length; c++)
        {
            result[c] = Math.Exp((scores[c] - max) / temperature);
            sum += result[c];
        }
        for (var c = 0; c < result.Length; c++)
        {
            result[c] /= sum;
        }
        return result;
    }

    /// <summary>
    /// The temperature that minimises the mean negative log-likelihood of the true classes. The likelihood is convex in
    /// 1/T, so a golden-section search over log(1/T) between 10⁻⁶ and 10 finds it; 1 when there are no examples.
    /// </summary>
    /// <param name="scores">Each example's score per class (log-probabilities or logits).</param>
    /// <param name="truth">Each example's true class, an index into its scores.</param>
    /// <exception cref="ArgumentException">The counts differ, or a class index is outside its example's scores.</exception>
    public static double FitTemperature(IReadOnlyList<double[]> scores, IReadOnlyList<int> truth)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(truth);
        if (scores.Count != truth.Count)
        {
            throw new ArgumentException($"{truth.Count} true classes for {scores.Count} examples.", nameof(truth));
        }
        for (var i = 0; i < scores.Count; i++)
        {
            if (truth[i] < 0 || truth[i] >= scores[i].Length)
            {
                throw new ArgumentException($"Example {i}: class {truth[i]} is not one of its {scores[i].Length} scores.", nameof(truth));
            }
        }
        if (scores.Count == 0)
        {
            return 1.0;
        }
        double Loss(double logBeta)
        {
            var beta = Math.Exp(logBeta);
            var total = 0.0;
            for (var i = 0; i < scores.Count; i++)
            {
                var s = scores[i];
                var max = s.Max();
                var sum = 0.0;
                for (var c = 0; c < s.Length; c++)
                {
                    sum += Math.Exp(beta * (s[c] - max));
                }
                total += Math.Log(sum) - beta * (s[truth[i]] - max);
            }
            return total / scores.Count;
        }
        double lo = Math.Log(1e-6), hi = Math.Log(10.0);
        var ratio = (Math.Sqrt(5) - 1) / 2;
        double a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo);
        double fa = Loss(a), fb = Loss(b);
        for (var step = 0; step < 80 && hi - lo > 1e-6; step++)
        {
            if (fa <= fb)
            {
                hi = b;
                b = a;
                fb = fa;
                a = hi - ratio * (hi - lo);
                fa = Loss(a);
            }
            else
            {
                lo = a;
                a = b;
                fa = fb;
                b = lo + ratio * (hi - lo);
                fb = Loss(b);
            }
        }
        return 1.0 / Math.Exp((lo + hi) / 2);
    }
}
