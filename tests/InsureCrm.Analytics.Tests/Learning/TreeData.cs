using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Tests.Learning;

/// <summary>Synthetic tables with known structure for the tree learners, and a small AUC for checking them.</summary>
internal static class TreeData
{
    public static readonly string[] Channels = ["agent", "bank", "call", "direct", "web"];

    /// <summary>
    /// age (18–80), contracts (0–5), channel (5 levels), months (0–36, 20% missing), noise. The label is the
    /// known rule: age ≥ 45 and contracts ≥ 2.
    /// </summary>
    public static (Table Data, bool[] Labels) KnownRule(int rows, int seed)
    {
        var random = new Random(seed);
        var age = new double[rows];
        var contracts = new double[rows];
        var channel = new double[rows];
        var noise = new double[rows];
        var labels = new bool[rows];
        for (var r = 0; r < rows; r++)
        {
            age[r] = random.Next(18, 81);
            contracts[r] = random.Next(0, 6);
            channel[r] = random.Next(0, Channels.Length);
            noise[r] = random.NextDouble();
            labels[r] = age[r] >= 45 && contracts[r] >= 2;
        }
        var table = new Table(
            [Feature.Numeric("age"), Feature.Numeric("contracts"), Feature.Categorical("channel", Channels), Feature.Numeric("noise")],
            [age, contracts, channel, noise]);
        return (table, labels);
    }

    /// <summary>
    /// Mixed data with a nonlinear rule: positive when x² + y² &lt; 1 (a disc), or channel in {bank, web}, or
    /// income is missing; 5% of labels flipped when <paramref name="noise"/> is set.
    /// </summary>
    public static (Table Data, bool[] Labels) Nonlinear(int rows, int seed, bool noise = false)
    {
        var random = new Random(seed);
        var x = new double[rows];
        var y = new double[rows];
        var channel = new double[rows];
        var income = new double[rows];
        var labels = new bool[rows];
        for (var r = 0; r < rows; r++)
        {
            x[r] = (random.NextDouble() * 4) - 2;
            y[r] = (random.NextDouble() * 4) - 2;
            channel[r] = random.Next(0, Channels.Length);
            income[r] = random.NextDouble() < 0.1 ? double.NaN : random.NextDouble() * 100;
            labels[r] = (x[r] * x[r]) + (y[r] * y[r]) < 1 || channel[r] is 1 or 4 || double.IsNaN(income[r]);
            if (noise && random.NextDouble() < 0.05)
            {
                labels[r] = !labels[r];
            }
        }
        var table = new Table(
            [Feature.Numeric("x"), Feature.Numeric("y"), Feature.Categorical("channel", Channels), Feature.Numeric("income")],
            [x, y, channel, income]);
        return (table, labels);
    }

    /// <summary>Area under the ROC curve (the library's <see cref="Metrics.RocAuc"/>).</summary>
    /// <summary>
    /// One categorical feature, channel, uniform over <see cref="Channels"/>; positive for bank and web, which are
    /// not adjacent in level order, so a threshold on level indices cannot separate them.
    /// </summary>
    public static (Table Data, bool[] Labels) LevelSet(int rows, int seed)
    {
        var random = new Random(seed);
        var channel = new double[rows];
        var labels = new bool[rows];
        for (var r = 0; r < rows; r++)
        {
            channel[r] = random.Next(0, Channels.Length);
            labels[r] = channel[r] is 1 or 4;
        }
        return (new Table([Feature.Categorical("channel", Channels)], [channel]), labels);
    }

    public static double Auc(double[] scores, bool[] labels) => Metrics.RocAuc(scores, labels);

    public static double[] Row(Table data, int r)
    {
        var row = new double[data.Columns];
        data.CopyRow(r, row);
        return row;
    }

    public static IClassifier RoundTrip(IClassifier model)
    {
        using var stream = new MemoryStream();
        ModelFile.Save(model, stream);
        stream.Position = 0;
        return ModelFile.Load(stream);
    }
}
