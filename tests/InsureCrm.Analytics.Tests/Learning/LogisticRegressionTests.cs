using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Tests.Learning;

public sealed class LogisticRegressionTests
{
    // Twelve rows; the expected weights come from scikit-learn 1.2.1 on the same standardised, one-hot design:
    //   z1 = (age − mean) / std, z2 = (premium − mean) / std (population std), one-hot region, then
    //   LogisticRegression(C=C, tol=1e-12, solver="newton-cholesky").fit(X, y)
    private static readonly double[] Age = [23, 35, 47, 52, 29, 61, 44, 38, 55, 31, 42, 58];
    private static readonly double[] Premium = [1.2, 3.4, 2.2, 5.1, 0.8, 4.4, 2.9, 1.7, 3.8, 2.5, 4.0, 1.1];
    private static readonly double[] Region = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2];
    private static readonly bool[] Outcome = [false, false, true, true, false, true, false, true, true, false, false, true];

    private static Table Small() => new(
        [Feature.Numeric("age"), Feature.Numeric("premium"), Feature.Categorical("region", LearningData.Regions)],
        [Age, Premium, Region]);

    [Theory]
    [InlineData(1.0, 0.052648869538452304, 1.2129007551752091, -0.05844840480957159, -0.3528639323049683, -0.21446953499453494, 0.5673334672995033, 0.0902102824596634)]
    [InlineData(0.1, 0.000509023551910884, 0.33139691933124427, 0.06097808150057239, -0.07836568291821838, -0.0722468051228698, 0.15061248804108815, 0.32819838634648785)]
    public void Fit_SmallData_MatchesScikitLearn(double c, double intercept, double age, double premium, double north, double south, double east, double firstProbability)
    {
        var model = new LogisticRegression { C = c }.Fit(Small(), Outcome);

        model.Converged.ShouldBeTrue();
        model.Intercept.ShouldBe(intercept, 1e-7);
        model.Coefficients.Select(k => k.Weight).ToArray().ShouldBe([age, premium, north, south, east], 1e-7);
        model.Predict([23, 1.2, 0]).ShouldBe(firstProbability, 1e-8);
    }

    [Fact]
    public void Fit_RowWeights_MatchScikitLearnSampleWeight()
    {
        // scikit-learn 1.2.1, as above with C=1, fit(X, y, sample_weight=weights).
        double[] weights = [1, 2, 1, 3, 1, 1, 2, 1, 1, 1, 0.5, 1];

        var model = new LogisticRegression().Fit(Small(), Outcome, weights);

        model.Converged.ShouldBeTrue();
        model.Intercept.ShouldBe(0.01882360577536783, 1e-7);
        model.Coefficients.Select(k => k.Weight).ToArray()
            .ShouldBe([1.3620772809732122, 0.24085129676373673, -0.36608961025706155, -0.1805008677079109, 0.5465904779649723], 1e-7);
        model.Predict([23, 1.2, 0]).ShouldBe(0.04925633357101296, 1e-8);
    }

    [Fact]
    public void Fit_NegativeRowWeight_SaysWhich() =>
        Should.Throw<ArgumentException>(() => new LogisticRegression().Fit(Small(), Outcome, [1, 1, 1, -1, 1, 1, 1, 1, 1, 1, 1, 1]))
            .Message.ShouldContain("-1 is not a finite non-negative number");

    [Fact]
    public void Fit_GeneratedData_RecoversSignsAndOrderOfTrueWeights()
    {
        var (data, labels) = LearningData.Linear(20_000, seed: 1);

        var model = new LogisticRegression().Fit(data, labels);

        var weights = model.Coefficients.ToDictionary(k => k.Level ?? k.Feature, k => k.Weight);
        weights["age"].ShouldBe(2.0, 0.15);
        weights["premium"].ShouldBe(-1.0, 0.1);
        Math.Abs(weights["noise"]).ShouldBeLessThan(0.06);
        // Region effects are identified up to a shift (the intercept); their differences are not.
        (weights["east"] - weights["south"]).ShouldBe(1.5, 0.15);
        (weights["south"] - weights["north"]).ShouldBe(1.0, 0.15);
    }

    [Fact]
    public void Fit_NearlySeparableData_RanksAlmostPerfectly()
    {
        var (train, trainLabels) = LearningData.Linear(5_000, seed: 2, strength: 6);
        var (test, testLabels) = LearningData.Linear(5_000, seed: 3, strength: 6);

        var model = new LogisticRegression().Fit(train, trainLabels);

        Metrics.RocAuc(model.PredictAll(test), testLabels).ShouldBeGreaterThan(0.97);
    }

    [Fact]
    public void Fit_CategoricalBeforeNumeric_GivesTheSameWeights()
    {
        // Column order changes how the sparse Hessian is gathered (level columns before numeric ones).
        var reordered = new Table(
            [Feature.Categorical("region", LearningData.Regions), Feature.Numeric("age"), Feature.Numeric("premium")], [Region, Age, Premium]);

        var original = new LogisticRegression().Fit(Small(), Outcome);
        var model = new LogisticRegression().Fit(reordered, Outcome);

        var expected = original.Coefficients.ToDictionary(k => k.Level ?? k.Feature, k => k.Weight);
        foreach (var k in model.Coefficients)
        {
            k.Weight.ShouldBe(expected[k.Level ?? k.Feature], 1e-10);
        }
        model.Intercept.ShouldBe(original.Intercept, 1e-10);
    }

    [Fact]
    public void Fit_LevelAbsentFromTraining_HasWeightZeroLikeMissing()
    {
        var data = new Table(
            [Feature.Numeric("age"), Feature.Categorical("region", ["north", "south", "east", "west"])], [Age, Region]);

        var model = new LogisticRegression().Fit(data, Outcome);

        model.Coefficients.Single(k => k.Level == "west").Weight.ShouldBe(0);
        model.Predict([40, 3]).ShouldBe(model.Predict([40, double.NaN]));
    }

    [Fact]
    public void Coefficients_NumericFeature_PerUnitIsWeightOverStandardDeviation()
    {
        var model = new LogisticRegression().Fit(Small(), Outcome);
        var mean = Age.Average();
        var sd = Math.Sqrt(Age.Sum(a => (a - mean) * (a - mean)) / Age.Length);

        var age = model.Coefficients[0];

        age.Feature.ShouldBe("age");
        age.Level.ShouldBeNull();
        age.PerUnit.ShouldBe(age.Weight / sd, 1e-12);
        model.Coefficients[4].Level.ShouldBe("east");
        // One more year of age moves the log-odds by PerUnit.
        (LearningData.Logit(model.Predict([41, 2.5, 1])) - LearningData.Logit(model.Predict([40, 2.5, 1]))).ShouldBe(age.PerUnit, 1e-9);
    }

    [Fact]
    public void Predict_MissingNumeric_ScoresAsTrainingMean()
    {
        var model = new LogisticRegression().Fit(Small(), Outcome);

        model.Predict([double.NaN, 2.5, 1]).ShouldBe(model.Predict([Age.Average(), 2.5, 1]), 1e-12);
    }

    [Fact]
    public void Predict_MissingCategorical_UsesNoLevelWeight()
    {
        var model = new LogisticRegression().Fit(Small(), Outcome);
        var east = model.Coefficients[4].Weight;

        (LearningData.Logit(model.Predict([40, 2.5, 2])) - LearningData.Logit(model.Predict([40, 2.5, double.NaN]))).ShouldBe(east, 1e-9);
    }

    [Fact]
    public void Explain_EveryRow_AddsUpToLogOdds()
    {
        var (data, labels) = LearningData.Linear(2_000, seed: 4);
        var model = new LogisticRegression().Fit(data, labels);

        for (var r = 0; r < 200; r++)
        {
            var row = LearningData.Row(data, r);
            var explanation = model.Explain(row);
            explanation.Scale.ShouldBe(ExplanationScale.LogOdds);
            explanation.Score.ShouldBe(LearningData.Logit(model.Predict(row)), 1e-9);
        }
        // A missing age contributes nothing; a missing region contributes minus the region's mean weight.
        var missing = model.Explain([double.NaN, 100, 0, double.NaN]);
        missing.Contributions[0].Amount.ShouldBe(0);
        missing.Contributions[0].Value.ShouldBe("missing");
        missing.Score.ShouldBe(LearningData.Logit(model.Predict([double.NaN, 100, 0, double.NaN])), 1e-9);
    }

    [Fact]
    public void Explain_Base_IsMeanTrainingLogOdds()
    {
        var (data, labels) = LearningData.Linear(3_000, seed: 5);
        var model = new LogisticRegression().Fit(data, labels);

        var mean = Enumerable.Range(0, data.Rows).Average(r => model.LogOdds(LearningData.Row(data, r)));

        model.Explain(LearningData.Row(data, 0)).Base.ShouldBe(mean, 1e-9);
        model.BaseLogOdds.ShouldBe(mean, 1e-9);
    }

    [Fact]
    public void SaveLoad_RoundTrip_ScoresBitForBit()
    {
        var (data, labels) = LearningData.Linear(3_000, seed: 6);
        var model = new LogisticRegression { C = 0.3 }.Fit(data, labels);

        var loaded = LearningData.RoundTrip(model);

        loaded.ShouldBeOfType<LogisticRegressionModel>();
        loaded.Features.Select(f => f.Name).ShouldBe(model.Features.Select(f => f.Name));
        loaded.PredictAll(data).ShouldBe(model.PredictAll(data));
        loaded.Explain(LearningData.Row(data, 7)).ShouldBeEquivalentTo(model.Explain(LearningData.Row(data, 7)));
    }

    [Fact]
    public void Load_WeightsNotMatchingFeatures_ThrowsInvalidData()
    {
        var model = new LogisticRegression().Fit(Small(), Outcome);
        using var saved = new MemoryStream();
        ModelFile.Save(model, saved);
        var json = System.Text.Encoding.UTF8.GetString(saved.ToArray()).Replace("\"weights\":[", "\"weights\":[1,", StringComparison.Ordinal);

        var ex = Should.Throw<InvalidDataException>(() => ModelFile.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))));

        ex.Message.ShouldContain("weights has 6 values where 5 are needed");
    }

    [Fact]
    public void Fit_SameDataTwice_GivesIdenticalModels()
    {
        // More rows than one summation block, so the parallel blocks are exercised.
        var (data, labels) = LearningData.Linear(40_000, seed: 7);

        var first = new LogisticRegression().Fit(data, labels);
        var second = new LogisticRegression().Fit(data, labels);

        second.Coefficients.ShouldBe(first.Coefficients);
        second.Intercept.ShouldBe(first.Intercept);
    }

    [Fact]
    public void Fit_OneClassOnly_ThrowsNamingTheProblem()
    {
        var ex = Should.Throw<ArgumentException>(() => new LogisticRegression().Fit(Small(), new bool[12]));

        ex.Message.ShouldContain("both classes");
        ex.Message.ShouldContain("negative");
    }

    [Fact]
    public void Fit_LabelCountMismatch_ThrowsNamingTheCounts()
    {
        var ex = Should.Throw<ArgumentException>(() => new LogisticRegression().Fit(Small(), new bool[11]));

        ex.Message.ShouldContain("11 labels for 12 rows");
    }

    [Fact]
    public void Fit_NonPositiveC_Throws()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new LogisticRegression { C = 0 }.Fit(Small(), Outcome));
    }

    [Fact]
    public void Predict_ShortRow_Throws()
    {
        var model = new LogisticRegression().Fit(Small(), Outcome);

        Should.Throw<ArgumentException>(() => model.Predict([40, 2.5])).Message.ShouldContain("expects 3");
    }
}
