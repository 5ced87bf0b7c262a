using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Tests.Learning;

/// <summary>Generated tables with a known answer, and helpers shared by the learner tests.</summary>
internal static class LearningData
{
    public static readonly string[] Regions = ["north", "south", "east"];

    /// <summary>
    /// Rows drawn from a known logistic model: logit = 0.5 + 2·age − 1·premium + 0·noise + region effect
    /// (north −1, south 0, east +1.5), where age ~ N(40, 10) and premium ~ N(100, 30) enter per standard deviation.
    /// About 3% of age values and 3% of regions are missing. <paramref name="strength"/> multiplies every effect.
    /// </summary>
    public static (Table Data, bool[] Labels) Linear(int rows, int seed, double strength = 1)
    {
        var random = new Random(seed);
        var age = new double[rows];
        var premium = new double[rows];
        var noise = new double[rows];
        var region = new double[rows];
        var labels = new bool[rows];
        double[] regionEffect = [-1, 0, 1.5];
        for (var r = 0; r < rows; r++)
        {
            var za = Gaussian(random);
            var zp = Gaussian(random);
            var level = random.Next(3);
            var logit = strength * (0.5 + (2 * za) - zp + regionEffect[level]);
            labels[r] = random.NextDouble() < 1 / (1 + Math.Exp(-logit));
            age[r] = random.NextDouble() < 0.03 ? double.NaN : 40 + (10 * za);
            premium[r] = 100 + (30 * zp);
            noise[r] = Gaussian(random);
            region[r] = random.NextDouble() < 0.03 ? double.NaN : level;
        }
        return (new Table(Features, [age, premium, noise, region]), labels);
    }

    public static readonly Feature[] Features =
        [Feature.Numeric("age"), Feature.Numeric("premium"), Feature.Numeric("noise"), Feature.Categorical("region", Regions)];

    public static double Gaussian(Random random)
    {
        var u = 1 - random.NextDouble();
        var v = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }

    public static double[] Row(Table data, int r)
    {
        var row = new double[data.Columns];
        data.CopyRow(r, row);
        return row;
    }

    public static double Logit(double p) => Math.Log(p / (1 - p));

    public static IClassifier RoundTrip(IClassifier model)
    {
        using var stream = new MemoryStream();
        ModelFile.Save(model, stream);
        stream.Position = 0;
        return ModelFile.Load(stream);
    }
}
