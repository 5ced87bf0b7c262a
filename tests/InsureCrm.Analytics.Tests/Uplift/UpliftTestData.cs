using InsureCrm.Analytics.Learning;
using InsureCrm.Analytics.Tests.Learning;

namespace InsureCrm.Analytics.Tests.Uplift;

/// <summary>Randomised tests generated with a known, planted uplift.</summary>
internal static class UpliftTestData
{
    public static readonly Feature[] Features = [Feature.Numeric("x0"), Feature.Numeric("x1"), Feature.Numeric("noise")];

    /// <summary>
    /// Rows with x0, x1, noise ~ N(0, 1); the control response rate is 0.25 + 0.15·clamp(x1, −1, 1) (0.10–0.40) and
    /// treating adds <see cref="TrueUplift"/>: +0.2 when x0 &gt; 0, −0.1 otherwise. Each row is treated with probability
    /// <paramref name="treatmentShare"/>, independently of x.
    /// </summary>
    public static (Table Data, bool[] Treatment, bool[] Labels) Planted(int rows, int seed, double treatmentShare = 0.5)
    {
        var random = new Random(seed);
        var x0 = new double[rows];
        var x1 = new double[rows];
        var noise = new double[rows];
        var treatment = new bool[rows];
        var labels = new bool[rows];
        for (var r = 0; r < rows; r++)
        {
            x0[r] = LearningData.Gaussian(random);
            x1[r] = LearningData.Gaussian(random);
            noise[r] = LearningData.Gaussian(random);
            treatment[r] = random.NextDouble() < treatmentShare;
            var rate = 0.25 + (0.15 * Math.Clamp(x1[r], -1, 1)) + (treatment[r] ? TrueUplift(x0[r]) : 0);
            labels[r] = random.NextDouble() < rate;
        }
        return (new Table(Features, [x0, x1, noise]), treatment, labels);
    }

    public static double TrueUplift(double x0) => x0 > 0 ? 0.2 : -0.1;
}
