using System.Globalization;
using InsureCrm.Core.Voc.Text;
using Xunit.Abstractions;

namespace InsureCrm.Tests.Voc.Text;

public sealed class VocRepeatMatcherTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(9));

    private static VocRepeatCase Case(string id, string customer, string? contract, string category, string text, int day) =>
        new(id, customer, contract, category, text, Start.AddDays(day));

    [Fact]
    public void Evaluate_GeneratedPlantedRepeats_PrecisionAndRecallAboveBars()
    {
        var records = VocTextGenerator.Generate(new VocTextGeneration(6000, 21, Start, RepeatWithinDays: 30));

        var report = VocRepeatEvaluation.Evaluate(records, seed: 4);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"threshold {report.Tuning.Threshold:0.00} (tuning half: P {report.Tuning.Precision:P1} R {report.Tuning.Recall:P1}); test half: {report.Test.Repeats} repeats, {report.Test.Linked} linked, {report.Test.Correct} correct: P {report.Test.Precision:P1} R {report.Test.Recall:P1}; {report.Candidates} cases with an earlier case of the customer"));
        report.Test.Repeats.ShouldBeGreaterThan(300);
        report.Test.Precision.ShouldBeGreaterThan(0.9);
        report.Test.Recall.ShouldBeGreaterThan(0.9);
    }

    [Fact]
    public void Match_RepeatInOtherWordsThroughAnotherChannel_Linked()
    {
        var matcher = new VocRepeatMatcher(new VocRepeatOptions());
        var first = Case("1", "C1", "P1", "claims.delay", "[통화요약] 고객 문의. 3월 2일에 입원비를 청구했는데 12일째 보험금이 지급되지 않았음. 안내 요청함.", 0);
        var other = Case("2", "C1", "P2", "service.web", "모바일 앱에서 보험금 청구 화면이 계속 오류가 납니다.", 3);
        var again = Case("3", "C1", "P1", "claims.delay", "지난번에 전화로도 말씀드렸는데 수술비 청구 후 20일이 지났는데 아직도 심사 중이라는 말만 반복합니다. 빠른 처리 바랍니다.", 8);

        var match = matcher.Match(again, [first, other]);

        match.ShouldNotBeNull();
        match.EarlierId.ShouldBe("1");
        match.Linked.ShouldBeTrue();
        match.SameContract.ShouldBeTrue();
    }

    [Fact]
    public void Match_SameCustomerOnAnotherMatter_NotLinked()
    {
        var matcher = new VocRepeatMatcher(new VocRepeatOptions());
        var first = Case("1", "C1", "P1", "claims.delay", "입원비를 청구했는데 12일째 보험금이 지급되지 않았습니다.", 0);
        var another = Case("2", "C1", "P2", "privacy.marketing", "또 연락드리게 되었네요. 마케팅 수신을 거부했는데도 광고 문자가 계속 옵니다.", 5);

        var match = matcher.Match(another, [first]);

        match.ShouldNotBeNull();
        match.Linked.ShouldBeFalse();
    }

    [Fact]
    public void Match_OtherCustomerOrOutsideTheWindowOrLater_NeverConsidered()
    {
        var matcher = new VocRepeatMatcher(new VocRepeatOptions(WithinDays: 30));
        const string text = "입원비를 청구했는데 12일째 보험금이 지급되지 않았습니다.";
        var now = Case("9", "C1", "P1", "claims.delay", text, 40);

        matcher.Match(now, [Case("1", "C2", "P1", "claims.delay", text, 39)]).ShouldBeNull();
        matcher.Match(now, [Case("2", "C1", "P1", "claims.delay", text, 9)]).ShouldBeNull();
        matcher.Match(now, [Case("3", "C1", "P1", "claims.delay", text, 41)]).ShouldBeNull();
        matcher.Match(now, [Case("4", "C1", "P1", "claims.delay", text, 11)]).ShouldNotBeNull().Linked.ShouldBeTrue();
    }

    [Fact]
    public void Match_EmptyTexts_ScoredOnContractAndCategoryWithoutError()
    {
        var matcher = new VocRepeatMatcher(new VocRepeatOptions());

        var match = matcher.Match(Case("2", "C1", "P1", "claims.delay", "", 2), [Case("1", "C1", "P1", "claims.delay", "<p></p>", 0)]);

        match.ShouldNotBeNull().TextSimilarity.ShouldBe(0);
    }
}
