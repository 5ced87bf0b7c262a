using InsureCrm.Analytics.Text;

namespace InsureCrm.Analytics.Tests.Text;

public sealed class MultinomialNaiveBayesTests
{
    private static SparseCounts Doc(params (int Id, float Count)[] features) =>
        new(features.Select(f => f.Id).ToArray(), features.Select(f => f.Count).ToArray());

    private static readonly SparseCounts[] Examples =
    [
        Doc((1, 3), (2, 1)), Doc((1, 2), (3, 1)), Doc((1, 4)),
        Doc((7, 2), (8, 1)), Doc((7, 3)), Doc((8, 2), (7, 1)),
        Doc((20, 1), (21, 1)), Doc((20, 2)), Doc((21, 3), (20, 1)),
    ];

    private static readonly string[] Labels = ["a", "a", "a", "b", "b", "b", "c", "c", "c"];

    [Fact]
    public void Predict_ThreeClasses_MostProbableClassFirstAndProbabilitiesSumToOne()
    {
        var model = new MultinomialNaiveBayes { MinCount = 1 }.Fit(Examples, Labels);

        var scores = model.Predict(Doc((7, 1), (1, 1), (7, 1)));

        scores[0].Label.ShouldBe("b");
        scores.Select(s => s.Label).Order().ShouldBe(["a", "b", "c"]);
        scores.Sum(s => s.Probability).ShouldBe(1.0, 1e-12);
        model.Predict(Doc((20, 5))).First().Label.ShouldBe("c");
    }

    [Fact]
    public void Predict_OnlyUnknownFeatures_ClassPriors()
    {
        var model = new MultinomialNaiveBayes().Fit(Examples.Append(Doc((1, 1))).ToArray(), Labels.Append("a").ToArray());

        var scores = model.Predict(Doc((999, 4)));

        scores[0].Label.ShouldBe("a");
        scores[0].Probability.ShouldBe(5.0 / 13, 1e-12);
        model.Predict(SparseCounts.Empty).ShouldBe(scores);
    }

    [Fact]
    public void Fit_RareFeatures_LeftOutOfTheModel()
    {
        var model = new MultinomialNaiveBayes { MinCount = 2 }.Fit(Examples, Labels);

        model.Features.ShouldNotContain(2);
        model.Features.ShouldNotContain(3);
        model.Features.ShouldContain(1);
    }

    [Fact]
    public void ToJson_FromJson_IdenticalProbabilities()
    {
        var model = new MultinomialNaiveBayes { Alpha = 0.3, MinCount = 1 }.Fit(Examples, Labels);

        var loaded = MultinomialNaiveBayesModel.FromJson(model.ToJson());

        foreach (var example in Examples.Append(Doc((1, 1), (20, 1), (8, 2))))
        {
            loaded.Predict(example).ShouldBe(model.Predict(example));
        }
        Should.Throw<InvalidDataException>(() => MultinomialNaiveBayesModel.FromJson("{\"classes\":[\"a\"],\"documents\":[1,2],\"features\":[],\"counts\":[[]],\"alpha\":1}"));
    }

    [Fact]
    public void Fit_MismatchedOrNoExamples_ClearError()
    {
        Should.Throw<ArgumentException>(() => new MultinomialNaiveBayes().Fit(Examples, ["a"])).Message.ShouldContain("1 labels for 9 examples");
        Should.Throw<ArgumentException>(() => new MultinomialNaiveBayes().Fit([], [])).Message.ShouldContain("No examples");
    }
}
