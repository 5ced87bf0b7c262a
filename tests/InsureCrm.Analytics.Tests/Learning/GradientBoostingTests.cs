using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Tests.Learning;

public sealed class GradientBoostingTests
{
    [Fact]
    public void Fit_PositivesWeighedThreeTimes_ScoresHigherThanUnweighted()
    {
        var (data, labels) = LearningData.Linear(4_000, seed: 7);
        var weights = labels.Select(y => y ? 3.0 : 1.0).ToArray();

        var plain = new GradientBoosting(new GradientBoostingOptions { Seed = 1 }).Fit(data, labels).PredictAll(data).Average();
        var weighted = new GradientBoosting(new GradientBoostingOptions { Seed = 1 }).Fit(data, labels, weights).PredictAll(data).Average();
        var ones = new GradientBoosting(new GradientBoostingOptions { Seed = 1 }).Fit(data, labels, labels.Select(_ => 1.0).ToArray()).PredictAll(data).Average();

        ones.ShouldBe(plain, 1e-12);
        weighted.ShouldBeGreaterThan(plain + 0.05);
    }

    [Fact]
    public void Fit_NonlinearMixedData_RanksHeldOutRowsAlmostPerfectly()
    {
        var (train, trainLabels) = TreeData.Nonlinear(6000, 1);
        var (test, testLabels) = TreeData.Nonlinear(3000, 2);

        var model = new GradientBoosting(new GradientBoostingOptions { MaxIterations = 200 }).Fit(train, trainLabels);

        TreeData.Auc(model.PredictAll(test), testLabels).ShouldBeGreaterThan(0.99);
    }

    [Fact]
    public void Fit_PositiveClassIsASetOfLevels_OneTreeSeparatesThem()
    {
        var (data, labels) = TreeData.LevelSet(3000, seed: 5);

        // Two leaves and one iteration: only a split into the level sets {bank, web} / the rest can separate.
        var model = new GradientBoosting(new GradientBoostingOptions { MaxIterations = 1, MaxLeafNodes = 2, LearningRate = 1 }).Fit(data, labels);

        model.Predict([1]).ShouldBeGreaterThan(0.85);
        model.Predict([4]).ShouldBe(model.Predict([1]));
        model.Predict([0]).ShouldBeLessThan(0.15);
        model.Predict([2]).ShouldBe(model.Predict([0]));
        model.Predict([3]).ShouldBe(model.Predict([0]));
    }

    [Theory]
    [InlineData(10, false)]
    [InlineData(1, true)]
    public void Fit_LevelWithFewRows_IsolatedOnlyWhenCategorySupportAllows(int support, bool isolated)
    {
        // Three common levels without signal and one level of 5 rows, all positive.
        var random = new Random(12);
        var rows = 905;
        var level = new double[rows];
        var labels = new bool[rows];
        for (var r = 0; r < rows; r++)
        {
            level[r] = r < 5 ? 3 : r % 3;
            labels[r] = r < 5 || random.NextDouble() < 0.3;
        }
        var data = new Table([Feature.Categorical("plan", ["a", "b", "c", "rare"])], [level]);
        var options = new GradientBoostingOptions
        {
            MaxIterations = 1, MaxLeafNodes = 2, MinSamplesLeaf = 1, LearningRate = 1, MinCategoryRows = 1, CategorySupport = support,
        };

        var model = new GradientBoosting(options).Fit(data, labels);

        var rare = model.Predict([3]);
        var common = new[] { model.Predict([0]), model.Predict([1]), model.Predict([2]) };
        common.Any(p => p == rare).ShouldBe(!isolated);
    }

    [Fact]
    public void Fit_MissingValuesCarrySignal_MissingRowsScoreHigh()
    {
        var random = new Random(9);
        var rows = 4000;
        var income = new double[rows];
        var age = new double[rows];
        var labels = new bool[rows];
        for (var r = 0; r < rows; r++)
        {
            var missing = random.NextDouble() < 0.3;
            income[r] = missing ? double.NaN : random.NextDouble() * 100;
            age[r] = random.Next(18, 81);
            labels[r] = missing ^ (random.NextDouble() < 0.05);
        }
        var data = new Table([Feature.Numeric("income"), Feature.Numeric("age")], [income, age]);

        var model = new GradientBoosting(new GradientBoostingOptions { MaxIterations = 30 }).Fit(data, labels);

        model.Predict([double.NaN, 40]).ShouldBeGreaterThan(0.85);
        model.Predict([50, 40]).ShouldBeLessThan(0.15);
        model.Explain([double.NaN, 40]).Contributions[0].Amount.ShouldBeGreaterThan(1);
    }

    [Fact]
    public void Fit_EarlyStoppingOnNoise_StopsLongBeforeMaxIterations()
    {
        var random = new Random(4);
        var rows = 5000;
        var x = new double[rows];
        var labels = new bool[rows];
        for (var r = 0; r < rows; r++)
        {
            x[r] = random.NextDouble();
            labels[r] = random.NextDouble() < 0.3;
        }
        var data = new Table([Feature.Numeric("x")], [x]);
        var options = new GradientBoostingOptions { MaxIterations = 500, Seed = 3 };

        var stopped = new GradientBoosting(options with { EarlyStopping = EarlyStopping.On }).Fit(data, labels);
        var full = new GradientBoosting(options with { EarlyStopping = EarlyStopping.Off }).Fit(data, labels);

        stopped.Iterations.ShouldBeLessThan(50);
        full.Iterations.ShouldBe(500);
    }

    [Fact]
    public void Fit_EarlyStoppingAuto_OnlyAboveTenThousandRows()
    {
        var (small, smallLabels) = TreeData.Nonlinear(2000, 6, noise: true);
        var (large, largeLabels) = TreeData.Nonlinear(12000, 6, noise: true);
        var options = new GradientBoostingOptions { MaxIterations = 400, LearningRate = 0.3 };

        new GradientBoosting(options).Fit(small, smallLabels).Iterations.ShouldBe(400);
        new GradientBoosting(options).Fit(large, largeLabels).Iterations.ShouldBeLessThan(400);
    }

    [Fact]
    public void Fit_SameSeedWithSubsampling_IdenticalModelsWhateverTheThreadCount()
    {
        var (data, labels) = TreeData.Nonlinear(12000, 8, noise: true);
        var options = new GradientBoostingOptions { MaxIterations = 40, RowSubsample = 0.7, FeatureSubsample = 0.5, EarlyStopping = EarlyStopping.On, Seed = 21 };

        var first = new GradientBoosting(options).Fit(data, labels);
        var second = new GradientBoosting(options).Fit(data, labels);
        var oneThread = new GradientBoosting(options with { MaxDegreeOfParallelism = 1 }).Fit(data, labels);
        var otherSeed = new GradientBoosting(options with { Seed = 22 }).Fit(data, labels);

        var scores = first.PredictAll(data);
        second.PredictAll(data).ShouldBe(scores);
        oneThread.PredictAll(data).ShouldBe(scores);
        otherSeed.PredictAll(data).ShouldNotBe(scores);
        Save(second).ShouldBe(Save(first));
    }

    [Fact]
    public void Explain_AnyRow_SumsExactlyToTheRawScore()
    {
        var (data, labels) = TreeData.Nonlinear(4000, 3, noise: true);
        var model = new GradientBoosting(new GradientBoostingOptions { MaxIterations = 50 }).Fit(data, labels);

        for (var r = 0; r < 300; r++)
        {
            var row = TreeData.Row(data, r);
            var explanation = model.Explain(row);
            explanation.Scale.ShouldBe(ExplanationScale.LogOdds);
            explanation.Score.ShouldBe(model.RawScore(row), 1e-9);
            explanation.Probability.ShouldBe(model.Predict(row), 1e-9);
        }
    }

    [Fact]
    public void Explain_FeatureTheModelNeverSplitsOn_ContributesNothing()
    {
        var (data, labels) = TreeData.KnownRule(3000, 2);
        var model = new GradientBoosting(new GradientBoostingOptions { MaxIterations = 20, MaxLeafNodes = 4, MinSamplesLeaf = 200 }).Fit(data, labels);

        var explanation = model.Explain(TreeData.Row(data, 0));

        explanation.Contributions[3].Name.ShouldBe("noise");
        explanation.Contributions[3].Amount.ShouldBe(0);
    }

    [Fact]
    public void SaveLoad_TrainedModel_ScoresIdentically()
    {
        var (data, labels) = TreeData.Nonlinear(4000, 5, noise: true);
        var model = new GradientBoosting(new GradientBoostingOptions { MaxIterations = 30 }).Fit(data, labels);

        var loaded = TreeData.RoundTrip(model).ShouldBeOfType<GradientBoostingModel>();

        loaded.Iterations.ShouldBe(model.Iterations);
        loaded.PredictAll(data).ShouldBe(model.PredictAll(data));
        loaded.Explain(TreeData.Row(data, 7)).ShouldBeEquivalentTo(model.Explain(TreeData.Row(data, 7)));
    }

    [Fact]
    public void PredictAll_ManyRows_SameScoresAsRowByRow()
    {
        var (data, labels) = TreeData.Nonlinear(3000, 11, noise: true);
        var model = new GradientBoosting(new GradientBoostingOptions { MaxIterations = 30 }).Fit(data, labels);

        var all = model.PredictAll(data);

        for (var r = 0; r < data.Rows; r++)
        {
            all[r].ShouldBe(model.Predict(TreeData.Row(data, r)));
        }
    }

    [Theory]
    [InlineData(null, 3, 3)]
    [InlineData(2, null, 4)]
    [InlineData(3, 5, 5)]
    public void Fit_ShapeLimits_EveryTreeWithinThem(int? maxDepth, int? maxLeaves, int expectedMostLeaves)
    {
        var (data, labels) = TreeData.Nonlinear(3000, 13, noise: true);
        var options = new GradientBoostingOptions { MaxIterations = 10, MaxDepth = maxDepth, MaxLeafNodes = maxLeaves, MinSamplesLeaf = 5 };

        var model = new GradientBoosting(options).Fit(data, labels);

        model.Trees.Count.ShouldBe(10);
        model.Trees.Max(t => t.Nodes.Count(n => n.Feature < 0)).ShouldBe(expectedMostLeaves);
        model.Trees.ShouldAllBe(t => Depth(t, 0) <= (maxDepth ?? int.MaxValue));
    }

    [Fact]
    public void Fit_OneClassOnly_ThrowsNamingTheProblem()
    {
        var (data, _) = TreeData.KnownRule(100, 1);
        var labels = Enumerable.Repeat(true, 100).ToArray();

        var error = Should.Throw<ArgumentException>(() => new GradientBoosting().Fit(data, labels));

        error.Message.ShouldContain("Only one class");
        error.Message.ShouldContain("positive");
    }

    [Fact]
    public void Fit_LabelCountMismatch_ThrowsNamingTheProblem()
    {
        var (data, labels) = TreeData.KnownRule(100, 1);

        var error = Should.Throw<ArgumentException>(() => new GradientBoosting().Fit(data, [.. labels, true]));

        error.Message.ShouldContain("Label count 101");
    }

    private static byte[] Save(IClassifier model)
    {
        using var stream = new MemoryStream();
        ModelFile.Save(model, stream);
        return stream.ToArray();
    }

    private static int Depth(Tree tree, int node) =>
        tree.Nodes[node].Feature < 0 ? 0 : 1 + Math.Max(Depth(tree, tree.Nodes[node].Left), Depth(tree, tree.Nodes[node].Right));
}
