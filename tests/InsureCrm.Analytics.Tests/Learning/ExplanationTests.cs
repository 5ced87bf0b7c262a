using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Tests.Learning;

public sealed class ExplanationTests
{
    private static readonly Feature[] Features =
        [Feature.Numeric("age"), Feature.Categorical("band", ["low", "high"]), Feature.Numeric("premium"), Feature.Numeric("contacts"), Feature.Numeric("tenure")];

    /// <summary>Ties (by feature), a missing value, zeros, NaN and tiny amounts.</summary>
    public static TheoryData<double[]> Amounts => new()
    {
        { [0.5, -0.5, 0.25, 0.0, 0.5] },
        { [double.NaN, 1.0, -2.0, 0.0, 3.0] },
        { [0.0, 0.0, 0.0, 0.0, 0.0] },
        { [1e-9, -3.0, 2.0, -2.0, 0.1] },
        { [0.1, 0.2, 0.3, 0.4, -0.7] },
    };

    [Theory, MemberData(nameof(Amounts))]
    public void Create_TopAndScore_AreThoseOfTheWholeListOfContributions(double[] amounts)
    {
        double[] row = [43.5, 1, double.NaN, 0.125, 7];

        var explanation = Explanation.Create(ExplanationScale.LogOdds, 0.3, Features, row, amounts);
        var whole = new Explanation(ExplanationScale.LogOdds, 0.3, [.. explanation.Contributions]);

        explanation.Contributions.Select(c => (c.Feature, c.Name, c.Value)).ShouldBe(
            [(0, "age", "43.5"), (1, "band", "high"), (2, "premium", "missing"), (3, "contacts", "0.125"), (4, "tenure", "7")]);
        for (var count = 0; count <= Features.Length + 1; count++)
        {
            explanation.Top(count).ShouldBe(whole.Top(count), $"top {count}");
        }
        explanation.Score.ShouldBe(whole.Score);
        explanation.Probability.ShouldBe(whole.Probability);
    }

    [Fact]
    public void Create_CopiesTheRowAndAmounts_SoTheCallerMayReuseThem()
    {
        double[] row = [40, 0, 1, 2, 3];
        double[] amounts = [0.1, 0.2, 0.3, 0.4, 0.5];

        var explanation = Explanation.Create(ExplanationScale.Probability, 0, Features, row, amounts);
        Array.Fill(row, 99);
        Array.Fill(amounts, 0);

        explanation.Top(1).Single().ShouldBe(new Contribution(4, "tenure", "3", 0.5));
        explanation.Contributions[0].Value.ShouldBe("40");
    }
}
