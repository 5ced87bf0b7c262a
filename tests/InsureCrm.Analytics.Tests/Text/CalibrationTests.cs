using InsureCrm.Analytics.Text;

namespace InsureCrm.Analytics.Tests.Text;

public sealed class CalibrationTests
{
    /// <summary>
    /// Examples whose true classes are drawn from softmax(logits), shown to the fit with their logits multiplied by
    /// <paramref name="inflation"/> (an overconfident model): the fitted temperature undoes the inflation.
    /// </summary>
    [Theory]
    [InlineData(8.0)]
    [InlineData(1.0)]
    [InlineData(0.5)]
    public void FitTemperature_OverOrUnderconfidentScores_RecoversTheFactor(double inflation)
    {
        var random = new Random(7);
        var scores = new List<double[]>();
        var truth = new List<int>();
        for (var i = 0; i < 4000; i++)
        {
            var logits = Enumerable.Range(0, 4).Select(_ => random.NextDouble() * 4 - 2).ToArray();
            var p = Calibration.Softmax(logits, 1.0);
            var u = random.NextDouble();
            var c = 0;
            for (var acc = p[0]; acc < u && c < p.Length - 1; acc += p[++c])
            {
            }
            truth.Add(c);
            scores.Add([.. logits.Select(l => l * inflation)]);
        }

        Calibration.FitTemperature(scores, truth).ShouldBe(inflation, inflation * 0.1);
    }

    [Fact]
    public void Predict_WithATemperature_SameOrderLessExtremeProbabilities()
    {
        var model = new MultinomialNaiveBayes { MinCount = 1 }.Fit(
            [new([1, 2], [5f, 1f]), new([1], [4f]), new([7, 8], [5f, 1f]), new([8], [4f])], ["a", "a", "b", "b"]);
        var text = new SparseCounts([1, 2, 8], [6f, 1f, 1f]);

        var sharp = model.Predict(text);
        var soft = model.Predict(text, 4.0);

        soft.Select(s => s.Label).ShouldBe(sharp.Select(s => s.Label));
        sharp[0].Probability.ShouldBeGreaterThan(0.999);
        soft[0].Probability.ShouldBeLessThan(sharp[0].Probability);
        soft[0].Probability.ShouldBeGreaterThan(0.5);
        soft.Sum(s => s.Probability).ShouldBe(1.0, 1e-12);
        model.Predict(text, 1.0).Select(s => s.Probability).ShouldBe(sharp.Select(s => s.Probability));
    }

    [Fact]
    public void FitTemperature_ClassOutsideItsScores_SaysWhichExample()
    {
        var e = Should.Throw<ArgumentException>(() => Calibration.FitTemperature([[0.0, 1.0], [1.0, 0.0]], [1, 2]));
        e.Message.ShouldContain("Example 1: class 2");
    }
}
