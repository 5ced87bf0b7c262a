using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Tests.Learning;

public sealed class NaiveBayesTests
{
    private static readonly bool[] FourAndFour = [false, false, false, false, true, true, true, true];

    [Fact]
    public void Fit_TwoNumericFeatures_MatchesScikitLearnGaussianNB()
    {
        // scikit-learn 1.2.1: GaussianNB().fit([[1,10],[2,12],[1.5,11],[3,15],[4,14],[3.5,20],[5,18],[4.5,13]], y)
        //   theta = [[1.875, 12], [4.25, 16.25]], var = [[0.546875, 3.5], [0.3125, 8.1875]] + epsilon 1.0359375e-08,
        //   predict_proba([[3, 14]])[1] = 0.22693425519255586.
        var data = new Table([Feature.Numeric("x1"), Feature.Numeric("x2")],
            [[1.0, 2.0, 1.5, 3.0, 4.0, 3.5, 5.0, 4.5], [10.0, 12, 11, 15, 14, 20, 18, 13]]);

        var model = new NaiveBayes().Fit(data, FourAndFour);

        var (mean0, variance0, mean1, variance1) = model.ClassMoments(0);
        mean0.ShouldBe(1.875, 1e-15);
        mean1.ShouldBe(4.25, 1e-15);
        variance0.ShouldBe(0.546875 + 1.0359375e-08, 1e-15);
        variance1.ShouldBe(0.3125 + 1.0359375e-08, 1e-15);
        model.LogPriorOdds.ShouldBe(0);
        model.Predict([3.0, 14.0]).ShouldBe(0.22693425519255586, 1e-12);
    }

    [Fact]
    public void Fit_Categorical_MatchesHandComputedLaplaceRatios()
    {
        // Negatives have levels a,b,b,c → counts (1,2,1); positives c,c,a,c → (1,0,3). With alpha 1 and 3 levels:
        // P(c|+) = 4/7, P(c|−) = 2/7 → ln 2; P(b|+) = 1/7, P(b|−) = 3/7 → ln(1/3) (scikit-learn's CategoricalNB agrees).
        var data = new Table([Feature.Categorical("level", ["a", "b", "c"])], [[0.0, 1, 1, 2, 2, 2, 0, 2]]);

        var model = new NaiveBayes().Fit(data, FourAndFour);

        model.LogOdds([2]).ShouldBe(Math.Log(2), 1e-15);
        model.LogOdds([1]).ShouldBe(Math.Log(1.0 / 3), 1e-15);
        model.LogOdds([0]).ShouldBe(0, 1e-15);
    }

    [Fact]
    public void Fit_TwoKnownGaussians_RecoversTheBayesPosterior()
    {
        // Positives ~ N(2, 1), negatives ~ N(0, 1), one in four positive: the true log-odds is
        // ln(1/3) + [x² − (x − 2)²] / 2 = ln(1/3) + 2x − 2.
        var random = new Random(11);
        const int Rows = 40_000;
        var x = new double[Rows];
        var labels = new bool[Rows];
        for (var r = 0; r < Rows; r++)
        {
            labels[r] = r % 4 == 0;
            x[r] = (labels[r] ? 2 : 0) + LearningData.Gaussian(random);
        }

        var model = new NaiveBayes().Fit(new Table([Feature.Numeric("x")], [x]), labels);

        model.LogPriorOdds.ShouldBe(Math.Log(1.0 / 3), 1e-12);
        foreach (var at in new[] { -1.0, 0.0, 1.0, 2.0, 3.0 })
        {
            model.LogOdds([at]).ShouldBe(Math.Log(1.0 / 3) + (2 * at) - 2, 0.1);
        }
    }

    [Fact]
    public void Predict_MissingValues_AreSkipped()
    {
        var (data, labels) = LearningData.Linear(2_000, seed: 21);
        var model = new NaiveBayes().Fit(data, labels);

        model.LogOdds([double.NaN, double.NaN, double.NaN, double.NaN]).ShouldBe(model.LogPriorOdds);
        model.LogOdds([double.NaN, 100, double.NaN, double.NaN]).ShouldBe(model.LogPriorOdds + model.LogLikelihoodRatio(1, 100), 1e-12);
    }

    [Fact]
    public void Explain_EveryRow_AddsUpToLogOddsWithPriorAsBase()
    {
        var (data, labels) = LearningData.Linear(2_000, seed: 22);
        var model = new NaiveBayes().Fit(data, labels);

        for (var r = 0; r < 200; r++)
        {
            var row = LearningData.Row(data, r);
            var explanation = model.Explain(row);
            explanation.Base.ShouldBe(model.LogPriorOdds);
            explanation.Score.ShouldBe(LearningData.Logit(model.Predict(row)), 1e-9);
            explanation.Contributions[3].Amount.ShouldBe(model.LogLikelihoodRatio(3, row[3]));
        }
    }

    [Fact]
    public void Fit_GeneratedData_RanksWell()
    {
        var (train, trainLabels) = LearningData.Linear(5_000, seed: 23);
        var (test, testLabels) = LearningData.Linear(5_000, seed: 24);

        var model = new NaiveBayes().Fit(train, trainLabels);

        // The generating model's own AUC on such data is about 0.86; independent features suit naive Bayes.
        Metrics.RocAuc(model.PredictAll(test), testLabels).ShouldBeGreaterThan(0.8);
    }

    [Fact]
    public void SaveLoad_RoundTrip_ScoresBitForBit()
    {
        var (data, labels) = LearningData.Linear(3_000, seed: 25);
        var model = new NaiveBayes().Fit(data, labels);

        var loaded = LearningData.RoundTrip(model);

        loaded.ShouldBeOfType<NaiveBayesModel>();
        loaded.PredictAll(data).ShouldBe(model.PredictAll(data));
    }

    [Fact]
    public void Fit_OneClassOnly_ThrowsNamingTheProblem()
    {
        var data = new Table([Feature.Numeric("x")], [[1.0, 2, 3]]);

        var ex = Should.Throw<ArgumentException>(() => new NaiveBayes().Fit(data, [true, true, true]));

        ex.Message.ShouldContain("both classes");
    }

    [Fact]
    public void Fit_LabelCountMismatch_ThrowsNamingTheCounts()
    {
        var data = new Table([Feature.Numeric("x")], [[1.0, 2, 3]]);

        Should.Throw<ArgumentException>(() => new NaiveBayes().Fit(data, [true, false])).Message.ShouldContain("2 labels for 3 rows");
    }
}
