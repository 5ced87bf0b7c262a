using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Tests.Learning;

public sealed class EnsembleTests
{
    [Fact]
    public void Predict_WeightedAverage_IsWeightedMeanOfMembers()
    {
        var (data, labels) = LearningData.Linear(2_000, seed: 31);
        var logistic = new LogisticRegression().Fit(data, labels);
        var bayes = new NaiveBayes().Fit(data, labels);

        var ensemble = new AveragingEnsemble([logistic, bayes], [1, 3]);

        ensemble.Weights.ShouldBe([0.25, 0.75]);
        var row = LearningData.Row(data, 0);
        ensemble.Predict(row).ShouldBe((0.25 * logistic.Predict(row)) + (0.75 * bayes.Predict(row)), 1e-15);
    }

    [Fact]
    public void Predict_AverageOfOneModelTwice_IsThatModel()
    {
        var (data, labels) = LearningData.Linear(1_000, seed: 32);
        var logistic = new LogisticRegression().Fit(data, labels);

        var ensemble = new AveragingLearner([new LogisticRegression(), new LogisticRegression()]).Fit(data, labels);

        ensemble.PredictAll(data).ShouldBe(logistic.PredictAll(data), 1e-12);
    }

    [Fact]
    public void Explain_Average_AddsUpToProbability()
    {
        var (data, labels) = LearningData.Linear(2_000, seed: 33);
        var ensemble = new AveragingLearner([new LogisticRegression(), new NaiveBayes()], [2, 1]).Fit(data, labels);
        var members = ((AveragingEnsemble)ensemble).Members;

        for (var r = 0; r < 200; r++)
        {
            var row = LearningData.Row(data, r);
            var explanation = ensemble.Explain(row);
            explanation.Scale.ShouldBe(ExplanationScale.Probability);
            explanation.Score.ShouldBe(ensemble.Predict(row), 1e-9);
            // The base is where every member starts: the weighted mean of their base probabilities.
            explanation.Base.ShouldBe((2.0 / 3 * Sigmoid(members[0].Explain(row).Base)) + (1.0 / 3 * Sigmoid(members[1].Explain(row).Base)), 1e-12);
        }
    }

    [Fact]
    public void Explain_Average_KeepsTheSignOfEachMembersContribution()
    {
        var (data, labels) = LearningData.Linear(2_000, seed: 34);
        var logistic = new LogisticRegression().Fit(data, labels);
        var ensemble = new AveragingEnsemble([logistic]);
        var row = LearningData.Row(data, 5);

        var own = logistic.Explain(row).Contributions;
        var mapped = ensemble.Explain(row).Contributions;

        for (var j = 0; j < own.Count; j++)
        {
            Math.Sign(mapped[j].Amount).ShouldBe(Math.Sign(own[j].Amount));
        }
    }

    [Fact]
    public void Fit_StackOfOneLogistic_MetaModelIsAboutIdentity()
    {
        // A well-specified logistic model's out-of-fold log-odds are already calibrated, so the meta-model should
        // take them almost as they are: slope ≈ 1 per unit of log-odds.
        var (data, labels) = LearningData.Linear(10_000, seed: 35);

        var stack = (StackedEnsemble)new StackingLearner([new LogisticRegression()]).Fit(data, labels);

        stack.Meta.Coefficients[0].Feature.ShouldBe("0:logistic");
        stack.Meta.Coefficients[0].PerUnit.ShouldBe(1.0, 0.05);
    }

    [Fact]
    public void Fit_StackOfLogisticAndBayes_RanksAtLeastAsWellAsBayes()
    {
        var (train, trainLabels) = LearningData.Linear(6_000, seed: 36);
        var (test, testLabels) = LearningData.Linear(6_000, seed: 37);
        var bayes = new NaiveBayes().Fit(train, trainLabels);

        var stack = new StackingLearner([new LogisticRegression(), new NaiveBayes()]).Fit(train, trainLabels);

        var stackAuc = Metrics.RocAuc(stack.PredictAll(test), testLabels);
        stackAuc.ShouldBeGreaterThan(Metrics.RocAuc(bayes.PredictAll(test), testLabels) - 0.002);
        stackAuc.ShouldBeGreaterThan(0.8);
        // The logistic member is the true model; the meta-model leans on it more than on naive Bayes.
        var weights = ((StackedEnsemble)stack).Meta.Coefficients;
        weights[0].Weight.ShouldBeGreaterThan(weights[1].Weight);
    }

    [Fact]
    public void Explain_Stack_AddsUpToLogOdds()
    {
        // The first member is an average, which explains on probabilities: its explanation is mapped onto log-odds.
        var (data, labels) = LearningData.Linear(2_000, seed: 38);
        var stack = new StackingLearner([new AveragingLearner([new LogisticRegression()]), new NaiveBayes()]).Fit(data, labels);

        for (var r = 0; r < 200; r++)
        {
            var row = LearningData.Row(data, r);
            var explanation = stack.Explain(row);
            explanation.Scale.ShouldBe(ExplanationScale.LogOdds);
            explanation.Score.ShouldBe(LearningData.Logit(stack.Predict(row)), 1e-9);
        }
    }

    [Fact]
    public void Fit_StackSameSeed_GivesIdenticalModel()
    {
        var (data, labels) = LearningData.Linear(3_000, seed: 39);
        var learner = new StackingLearner([new LogisticRegression(), new NaiveBayes()]) { Seed = 4 };

        var first = (StackedEnsemble)learner.Fit(data, labels);
        var second = (StackedEnsemble)learner.Fit(data, labels);
        var otherSeed = (StackedEnsemble)new StackingLearner([new LogisticRegression(), new NaiveBayes()]) { Seed = 5 }.Fit(data, labels);

        second.Meta.Coefficients.ShouldBe(first.Meta.Coefficients);
        second.PredictAll(data).ShouldBe(first.PredictAll(data));
        otherSeed.Meta.Coefficients.ShouldNotBe(first.Meta.Coefficients);
    }

    [Fact]
    public void SaveLoad_Stack_ScoresAndExplainsBitForBit()
    {
        var (data, labels) = LearningData.Linear(2_000, seed: 40);
        var stack = new StackingLearner([new AveragingLearner([new LogisticRegression(), new NaiveBayes()]), new NaiveBayes()]).Fit(data, labels);

        var loaded = LearningData.RoundTrip(stack);

        loaded.ShouldBeOfType<StackedEnsemble>();
        loaded.PredictAll(data).ShouldBe(stack.PredictAll(data));
        loaded.Explain(LearningData.Row(data, 3)).ShouldBeEquivalentTo(stack.Explain(LearningData.Row(data, 3)));
    }

    [Fact]
    public void SaveLoad_Average_ScoresBitForBit()
    {
        var (data, labels) = LearningData.Linear(2_000, seed: 41);
        var average = new AveragingLearner([new LogisticRegression(), new NaiveBayes()], [0.3, 0.7]).Fit(data, labels);

        var loaded = LearningData.RoundTrip(average);

        loaded.ShouldBeOfType<AveragingEnsemble>();
        loaded.PredictAll(data).ShouldBe(average.PredictAll(data));
    }

    [Fact]
    public void Fit_StackOneClassOnly_ThrowsNamingTheProblem()
    {
        var (data, _) = LearningData.Linear(100, seed: 42);

        var ex = Should.Throw<ArgumentException>(() => new StackingLearner([new NaiveBayes()]).Fit(data, new bool[100]));

        ex.Message.ShouldContain("both classes");
    }

    [Fact]
    public void Fit_StackLabelCountMismatch_ThrowsNamingTheCounts()
    {
        var (data, _) = LearningData.Linear(100, seed: 43);

        Should.Throw<ArgumentException>(() => new StackingLearner([new NaiveBayes()]).Fit(data, new bool[99])).Message.ShouldContain("99 labels for 100 rows");
    }

    [Fact]
    public void Fit_StackFewerPositivesThanFolds_Throws()
    {
        var (data, _) = LearningData.Linear(100, seed: 44);
        var labels = new bool[100];
        labels[0] = labels[1] = true;

        var ex = Should.Throw<ArgumentException>(() => new StackingLearner([new NaiveBayes()]).Fit(data, labels));

        ex.Message.ShouldContain("at least 5 rows of each class");
    }

    [Fact]
    public void Constructor_MembersOverDifferentFeatures_Throws()
    {
        var (data, labels) = LearningData.Linear(500, seed: 45);
        var other = new Table([Feature.Numeric("x")], [data.Column(0).ToArray().Select(v => double.IsNaN(v) ? 0 : v).ToArray()]);

        var ex = Should.Throw<ArgumentException>(() => new AveragingEnsemble([new NaiveBayes().Fit(data, labels), new NaiveBayes().Fit(other, labels)]));

        ex.Message.ShouldContain("share their features");
    }

    [Fact]
    public void Constructor_NegativeWeight_Throws()
    {
        var (data, labels) = LearningData.Linear(500, seed: 46);
        var model = new NaiveBayes().Fit(data, labels);

        Should.Throw<ArgumentException>(() => new AveragingEnsemble([model, model], [1, -1])).Message.ShouldContain("-1");
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
}
