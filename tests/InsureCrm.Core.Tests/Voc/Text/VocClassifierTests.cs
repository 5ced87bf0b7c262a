using System.Globalization;
using System.Text;
using InsureCrm.Core.Voc.Text;
using Xunit.Abstractions;

namespace InsureCrm.Tests.Voc.Text;

public sealed class VocClassifierTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.FromHours(9));

    private static readonly Lazy<List<VocLabelledText>> Cases = new(() => VocTextGenerator.Generate(new VocTextGeneration(6000, 11, Start))
        .Select(r => new VocLabelledText(VocClassifier.Compose(r.Subject, r.Text), r.Type, r.Category)).ToList());

    private static readonly Lazy<VocClassifier> Trained = new(() => VocClassifier.Train(Cases.Value));

    [Fact]
    public void Evaluate_HeldOutGeneratedCases_BeatsMajorityClassAndKeywordRules()
    {
        var report = VocClassifierEvaluation.Evaluate(Cases.Value, seed: 42);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"train {report.TrainCases} test {report.TestCases}: type {report.TypeAccuracy:P1} (majority {report.MajorityTypeAccuracy:P1}, keywords {report.KeywordTypeAccuracy:P1}); category {report.CategoryAccuracy:P1} (majority {report.MajorityCategoryAccuracy:P1}, keywords {report.KeywordCategoryAccuracy:P1})"));
        foreach (var c in report.TypeConfusions.Concat(report.CategoryConfusions))
        {
            output.WriteLine($"  {c.Actual} -> {c.Predicted}: {c.Count}");
        }
        report.TestCases.ShouldBeInRange(1450, 1550);
        report.CategoryAccuracy.ShouldBeGreaterThan(0.95);
        report.TypeAccuracy.ShouldBeGreaterThan(0.85);
        report.CategoryAccuracy.ShouldBeGreaterThan(report.KeywordCategoryAccuracy + 0.1);
        report.CategoryAccuracy.ShouldBeGreaterThan(report.MajorityCategoryAccuracy + 0.5);
        report.TypeAccuracy.ShouldBeGreaterThan(report.KeywordTypeAccuracy + 0.05);
        report.TypeAccuracy.ShouldBeGreaterThan(report.MajorityTypeAccuracy + 0.2);
    }

    [Fact]
    public void Evaluate_HeldOutGeneratedCases_MeanConfidenceIsAboutHowOftenTheSuggestionIsRight()
    {
        // Naive Bayes alone says 100 % for nearly every text; calibrated, its mean confidence on cases it never saw is within
        // a few points of its accuracy on them, for the type (several types share the words of a text) and the category.
        var report = VocClassifierEvaluation.Evaluate(Cases.Value, seed: 42);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"type accuracy {report.TypeAccuracy:P1}, mean confidence {report.TypeMeanConfidence:P1}; category {report.CategoryAccuracy:P1}, {report.CategoryMeanConfidence:P1}"));
        report.TypeMeanConfidence.ShouldBe(report.TypeAccuracy, 0.04);
        report.CategoryMeanConfidence.ShouldBe(report.CategoryAccuracy, 0.04);
        Trained.Value.TypeTemperature.ShouldBeGreaterThan(1.5);
    }

    [Fact]
    public void Suggest_ComplaintAboutClaimDenial_ComplaintInClaimsDenied()
    {
        var suggestion = Trained.Value.Suggest("수술비를 청구했는데 보장 대상이 아니라고 보험금 지급을 거절당했습니다. 정말 화가 납니다. 민원 제기합니다.");

        suggestion.Type.ShouldBe(VocLabels.Complaint);
        suggestion.Category.ShouldBe("claims.denied");
        suggestion.CategoryConfidence.ShouldBeGreaterThan(0.5);
        suggestion.Categories.Sum(c => c.Probability).ShouldBe(1.0, 1e-9);
        suggestion.HasText.ShouldBeTrue();
    }

    [Fact]
    public void Suggest_ComplimentForACallCenterConsultant_ComplimentInCallCenterCompliments()
    {
        var suggestion = Trained.Value.Suggest("어제 통화한 상담원분이 정말 친절하게 청구 절차를 알려주셨어요. 감사합니다!");

        suggestion.Type.ShouldBe(VocLabels.Compliment);
        suggestion.Category.ShouldBe("compliment.callcenter");
    }

    [Fact]
    public void Suggest_EmptyOrBlankText_MostCommonLabelsMarkedAsWithoutText()
    {
        foreach (var text in new[] { null, "", "   \n\t", "<p> </p>" })
        {
            var suggestion = Trained.Value.Suggest(text);

            suggestion.HasText.ShouldBeFalse();
            suggestion.Type.ShouldBe(VocKeywordBaseline.MostCommon(Cases.Value.Select(c => c.Type)));
            suggestion.Category.ShouldNotBeNullOrEmpty();
        }
    }

    [Fact]
    public void Suggest_HtmlAndScript_ReadsTheTextNotTheMarkup()
    {
        const string plain = "마케팅 수신을 거부했는데도 광고 문자가 계속 옵니다.";
        const string html = "<div class=\"form\"><p>마케팅 수신을 <b>거부</b>했는데도</p><script>document.location='http://evil'</script>"
            + "<style>p{color:red}</style><p>광고&nbsp;문자가 계속 옵니다.</p></div>";

        var fromHtml = Trained.Value.Suggest(html);

        fromHtml.Category.ShouldBe("privacy.marketing");
        fromHtml.CategoryConfidence.ShouldBe(Trained.Value.Suggest(plain).CategoryConfidence, 1e-9);
    }

    [Fact]
    public void Suggest_OneMegabyteText_ReadsTheBeginning()
    {
        const string head = "자동이체 해지를 요청했는데 또 보험료가 빠져나갔습니다. 이번 달 보험료가 두 번 출금되었습니다. ";
        // The head alone fills the features; the megabyte of app complaints after it would win if it were read.
        var builder = new StringBuilder();
        while (builder.Length < VocTextFeatures.MaxChars * 2)
        {
            builder.Append(head);
        }
        while (builder.Length < 1_048_576)
        {
            builder.Append("앱 로그인 오류 홈페이지 ");
        }

        var suggestion = Trained.Value.Suggest(builder.ToString());

        suggestion.Category.ShouldBe("payment.autodebit");
        suggestion.ShouldBeEquivalentTo(Trained.Value.Suggest(builder.ToString(0, VocTextFeatures.MaxChars * 2)));
        Trained.Value.Suggest(builder.ToString(VocTextFeatures.MaxChars * 2, 10_000)).Category.ShouldBe("service.web");
    }

    [Fact]
    public void ToJson_FromJson_IdenticalSuggestions()
    {
        var json = Trained.Value.ToJson();
        var loaded = VocClassifier.FromJson(json);

        foreach (var c in Cases.Value.Take(300))
        {
            var before = Trained.Value.Suggest(c.Text);
            var after = loaded.Suggest(c.Text);
            after.Type.ShouldBe(before.Type);
            after.Category.ShouldBe(before.Category);
            after.TypeConfidence.ShouldBe(before.TypeConfidence);
            after.CategoryConfidence.ShouldBe(before.CategoryConfidence);
        }
        loaded.ToJson().ShouldBe(json);
    }

    [Fact]
    public void FromJson_AModelStoredBeforeCalibration_ReadWithItsOwnProbabilities()
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(Trained.Value.ToJson())!.AsObject();
        node["version"] = 1;
        node.Remove("typeTemperature");
        node.Remove("categoryTemperature");

        var old = VocClassifier.FromJson(node.ToJsonString());

        (old.TypeTemperature, old.CategoryTemperature).ShouldBe((1.0, 1.0));
        var text = Cases.Value[0].Text;
        old.Suggest(text).Type.ShouldBe(Trained.Value.Suggest(text).Type);
        old.Suggest(text).TypeConfidence.ShouldBeGreaterThan(Trained.Value.Suggest(text).TypeConfidence);
    }

    [Fact]
    public void FromJson_NotAModel_ClearError()
    {
        Should.Throw<InvalidDataException>(() => VocClassifier.FromJson("{\"hello\":1}")).Message.ShouldContain("model");
        Should.Throw<InvalidDataException>(() => VocClassifier.FromJson("not json")).Message.ShouldContain("JSON");
        var other = Trained.Value.ToJson().Replace(VocClassifier.FeatureScheme, "word-unigrams", StringComparison.Ordinal);
        Should.Throw<InvalidDataException>(() => VocClassifier.FromJson(other)).Message.ShouldContain("word-unigrams");
    }

    [Fact]
    public void Train_CorrectionsOfANewCategory_SuggestedAfterRetraining()
    {
        const string text = "보험사기 조직이 허위 입원으로 보험금을 타 간다는 제보입니다.";
        Trained.Value.Suggest(text).Category.ShouldNotBe("claims.fraud");
        var corrected = Cases.Value.Take(3000).ToList();
        var phrasings = new[] { "허위 입원으로 보험금을 청구하는 보험사기가 의심됩니다.", "병원과 짜고 보험사기를 치는 사람이 있습니다.", "가짜 진단서로 보험금을 타는 보험사기 제보합니다." };
        for (var i = 0; i < 30; i++)
        {
            corrected.Add(new VocLabelledText(phrasings[i % 3] + new string(' ', i % 4), VocLabels.Report, "claims.fraud"));
        }

        var retrained = VocClassifier.Train(corrected);

        retrained.Suggest(text).Category.ShouldBe("claims.fraud");
        retrained.Suggest(text).Type.ShouldBe(VocLabels.Report);
    }

    [Fact]
    public void Train_NoCasesOrAnUnlabelledCase_ClearError()
    {
        Should.Throw<ArgumentException>(() => VocClassifier.Train([])).Message.ShouldContain("No classified cases");
        Should.Throw<ArgumentException>(() => VocClassifier.Train([new VocLabelledText("문의", VocLabels.Inquiry, ""), new VocLabelledText("민원", "", "x")]))
            .Message.ShouldContain("Case 0");
    }
}
