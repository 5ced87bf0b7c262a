using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Tests.Learning;

public sealed class DecisionTreeTests
{
    [Fact]
    public void Fit_KnownRule_FindsTheSplitsAndPrintsTheRule()
    {
        var (data, labels) = TreeData.KnownRule(4000, 1);

        var model = new DecisionTree(new DecisionTreeOptions { MaxDepth = 2, MinSamplesLeaf = 5 }).Fit(data, labels);
        var rules = model.Rules();

        rules.Count.ShouldBe(3);
        var positive = labels.Count(l => l);
        rules.ShouldContain($"age ≥ 45 and contracts ≥ 2 → 100% positive ({positive.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} rows)");
        rules.ShouldContain(r => r.StartsWith("age < 45 → 0% positive", StringComparison.Ordinal));
        rules.ShouldContain(r => r.StartsWith("age ≥ 45 and contracts < 2 → 0% positive", StringComparison.Ordinal));
        model.PredictAll(data).Select(p => p > 0.5).ShouldBe(labels);
    }

    [Fact]
    public void Fit_PositiveClassIsASetOfLevels_SplitsOnTheLevelSet()
    {
        var (data, labels) = TreeData.LevelSet(3000, seed: 5);

        var model = new DecisionTree(new DecisionTreeOptions { MaxDepth = 1 }).Fit(data, labels);

        model.LeafCount.ShouldBe(2);
        model.Rules().ShouldContain(r => r.StartsWith("channel in {bank, web} → 100% positive", StringComparison.Ordinal));
        model.Predict([4]).ShouldBe(1);
        model.Predict([2]).ShouldBe(0);
    }

    [Fact]
    public void Fit_MissingValuesCarrySignal_SendsMissingToTheirOwnSide()
    {
        var random = new Random(9);
        var rows = 2000;
        var income = new double[rows];
        var labels = new bool[rows];
        for (var r = 0; r < rows; r++)
        {
            var missing = random.NextDouble() < 0.3;
            income[r] = missing ? double.NaN : random.NextDouble() * 100;
            labels[r] = missing;
        }
        var data = new Table([Feature.Numeric("income")], [income]);

        var model = new DecisionTree(new DecisionTreeOptions { MaxDepth = 1 }).Fit(data, labels);

        model.Predict([double.NaN]).ShouldBe(1);
        model.Predict([50]).ShouldBe(0);
        model.Rules().ShouldContain(r => r.StartsWith("income is missing → 100% positive", StringComparison.Ordinal));
        model.Rules().ShouldContain(r => r.StartsWith("income is not missing → 0% positive", StringComparison.Ordinal));
    }

    [Fact]
    public void Fit_MissingValuesJoinARange_RulesSayOrMissing()
    {
        var random = new Random(3);
        var rows = 3000;
        var age = new double[rows];
        var labels = new bool[rows];
        for (var r = 0; r < rows; r++)
        {
            var missing = random.NextDouble() < 0.2;
            age[r] = missing ? double.NaN : random.Next(18, 81);
            labels[r] = missing || age[r] >= 60;
        }
        var data = new Table([Feature.Numeric("age")], [age]);

        var model = new DecisionTree(new DecisionTreeOptions { MaxDepth = 1 }).Fit(data, labels);

        model.Rules().ShouldContain(r => r.StartsWith("age ≥ 60 or missing → 100% positive", StringComparison.Ordinal));
        model.Rules().ShouldContain(r => r.StartsWith("age < 60 → 0% positive", StringComparison.Ordinal));
    }

    [Fact]
    public void Explain_AnyRow_BasePlusContributionsEqualsProbability()
    {
        var (data, labels) = TreeData.Nonlinear(3000, 2, noise: true);
        var model = new DecisionTree(new DecisionTreeOptions { MaxDepth = 6 }).Fit(data, labels);

        for (var r = 0; r < 200; r++)
        {
            var row = TreeData.Row(data, r);
            var explanation = model.Explain(row);
            explanation.Scale.ShouldBe(ExplanationScale.Probability);
            explanation.Base.ShouldBe((double)labels.Count(l => l) / labels.Length, 1e-12);
            explanation.Score.ShouldBe(model.Predict(row), 1e-9);
        }
    }

    [Fact]
    public void SaveLoad_TrainedTree_ScoresAndRulesIdentical()
    {
        var (data, labels) = TreeData.Nonlinear(3000, 4, noise: true);
        var model = new DecisionTree(new DecisionTreeOptions { MaxDepth = 6 }).Fit(data, labels);

        var loaded = TreeData.RoundTrip(model).ShouldBeOfType<DecisionTreeModel>();

        loaded.PredictAll(data).ShouldBe(model.PredictAll(data));
        loaded.Rules().ShouldBe(model.Rules());
    }

    [Fact]
    public void Fit_OneClassOnly_ThrowsNamingTheProblem()
    {
        var (data, _) = TreeData.KnownRule(100, 1);

        var error = Should.Throw<ArgumentException>(() => new DecisionTree().Fit(data, new bool[100]));

        error.Message.ShouldContain("one class");
        error.ParamName.ShouldBe("labels");
    }

    [Fact]
    public void Fit_LabelCountMismatch_ThrowsNamingTheProblem()
    {
        var (data, labels) = TreeData.KnownRule(100, 1);

        var error = Should.Throw<ArgumentException>(() => new DecisionTree().Fit(data, labels.AsSpan(0, 99)));

        error.Message.ShouldContain("Label count 99");
        error.Message.ShouldContain("row count 100");
    }

    [Fact]
    public void Predict_MissingValueNeverSeenInTraining_FollowsTheLargerSide()
    {
        var (data, labels) = TreeData.KnownRule(4000, 1);
        var model = new DecisionTree(new DecisionTreeOptions { MaxDepth = 2, MinSamplesLeaf = 5 }).Fit(data, labels);

        // 36 of the 63 ages are 45 or more: the larger side of the age split is "age ≥ 45".
        model.Predict([double.NaN, 3, 0, 0.5]).ShouldBe(1);
        model.Predict([double.NaN, 0, 0, 0.5]).ShouldBe(0);
        model.Predict([50, double.NaN, 0, 0.5]).ShouldBe(model.Predict([50, 3, 0, 0.5]));
        model.Rules().ShouldNotContain(r => r.Contains("missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Rules_TwoSplitsOnOneFeature_MergedIntoARange()
    {
        var age = Enumerable.Range(0, 3000).Select(r => 18.0 + (r % 63)).ToArray();
        var labels = age.Select(a => a >= 30 && a < 50).ToArray();
        var data = new Table([Feature.Numeric("age")], [age]);

        var model = new DecisionTree(new DecisionTreeOptions { MaxDepth = 2, MinSamplesLeaf = 1 }).Fit(data, labels);

        model.Rules().ShouldContain(r => r.StartsWith("30 ≤ age < 50 → 100% positive", StringComparison.Ordinal));
        model.Rules().ShouldContain(r => r.StartsWith("age < 30 → 0% positive", StringComparison.Ordinal));
        model.Rules().ShouldContain(r => r.StartsWith("age ≥ 50 → 0% positive", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_TreeWhoseChildPointsBackwards_RejectedAsNotWellFormed()
    {
        var (data, labels) = TreeData.KnownRule(500, 1);
        var model = new DecisionTree(new DecisionTreeOptions { MaxDepth = 1, MinSamplesLeaf = 5 }).Fit(data, labels);
        using var saved = new MemoryStream();
        ModelFile.Save(model, saved);
        var json = System.Text.Encoding.UTF8.GetString(saved.ToArray()).Replace("\"left\":[1,", "\"left\":[0,", StringComparison.Ordinal);

        var error = Should.Throw<InvalidDataException>(() => ModelFile.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))));

        error.Message.ShouldContain("node 0 is not well formed");
    }
}
