using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Tests.Learning;

public sealed class RandomForestTests
{
    [Fact]
    public void Fit_NonlinearMixedData_RanksHeldOutRowsAlmostPerfectly()
    {
        var (train, trainLabels) = TreeData.Nonlinear(5000, 1);
        var (test, testLabels) = TreeData.Nonlinear(2000, 2);

        var model = new RandomForest(new RandomForestOptions { Trees = 50, Seed = 1 }).Fit(train, trainLabels);

        TreeData.Auc(model.PredictAll(test), testLabels).ShouldBeGreaterThan(0.99);
    }

    [Fact]
    public void Fit_SameSeed_IdenticalForestWhateverTheThreadCount()
    {
        var (data, labels) = TreeData.Nonlinear(3000, 3, noise: true);
        var options = new RandomForestOptions { Trees = 16, Seed = 5 };

        var scores = new RandomForest(options).Fit(data, labels).PredictAll(data);

        new RandomForest(options).Fit(data, labels).PredictAll(data).ShouldBe(scores);
        new RandomForest(options with { MaxDegreeOfParallelism = 1 }).Fit(data, labels).PredictAll(data).ShouldBe(scores);
        new RandomForest(options with { Seed = 6 }).Fit(data, labels).PredictAll(data).ShouldNotBe(scores);
    }

    [Fact]
    public void Explain_AnyRow_AverageOfTreeExplanationsSumsToTheProbability()
    {
        var (data, labels) = TreeData.Nonlinear(2000, 4, noise: true);
        var model = new RandomForest(new RandomForestOptions { Trees = 20, MaxDepth = 8 }).Fit(data, labels);

        for (var r = 0; r < 200; r++)
        {
            var row = TreeData.Row(data, r);
            var explanation = model.Explain(row);
            explanation.Scale.ShouldBe(ExplanationScale.Probability);
            explanation.Score.ShouldBe(model.Predict(row), 1e-9);
        }
    }

    [Fact]
    public void SaveLoad_TrainedForest_ScoresIdentically()
    {
        var (data, labels) = TreeData.Nonlinear(2000, 5, noise: true);
        var model = new RandomForest(new RandomForestOptions { Trees = 10 }).Fit(data, labels);

        var loaded = TreeData.RoundTrip(model).ShouldBeOfType<RandomForestModel>();

        loaded.TreeCount.ShouldBe(10);
        loaded.PredictAll(data).ShouldBe(model.PredictAll(data));
    }

    [Fact]
    public void Fit_MissingValuesCarrySignal_MissingRowsScoreHigh()
    {
        var random = new Random(9);
        var rows = 3000;
        var income = new double[rows];
        var labels = new bool[rows];
        for (var r = 0; r < rows; r++)
        {
            var missing = random.NextDouble() < 0.3;
            income[r] = missing ? double.NaN : random.NextDouble() * 100;
            labels[r] = missing;
        }
        var data = new Table([Feature.Numeric("income")], [income]);

        var model = new RandomForest(new RandomForestOptions { Trees = 10 }).Fit(data, labels);

        model.Predict([double.NaN]).ShouldBe(1);
        model.Predict([42]).ShouldBe(0);
    }

    [Fact]
    public void PredictAll_ManyRows_SameScoresAsRowByRow()
    {
        var (data, labels) = TreeData.Nonlinear(3000, 11, noise: true);
        var model = new RandomForest(new RandomForestOptions { Trees = 12 }).Fit(data, labels);

        var all = model.PredictAll(data);

        for (var r = 0; r < data.Rows; r++)
        {
            all[r].ShouldBe(model.Predict(TreeData.Row(data, r)));
        }
    }

    [Fact]
    public void Fit_OneClassOnly_ThrowsNamingTheProblem()
    {
        var (data, _) = TreeData.KnownRule(50, 1);

        Should.Throw<ArgumentException>(() => new RandomForest().Fit(data, new bool[50])).Message.ShouldContain("Only one class");
    }
}
