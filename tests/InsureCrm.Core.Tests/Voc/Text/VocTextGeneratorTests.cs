using InsureCrm.Core.Voc.Text;

namespace InsureCrm.Tests.Voc.Text;

public sealed class VocTextGeneratorTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.FromHours(9));

    [Fact]
    public void Generate_SameSeed_SameCases()
    {
        var a = VocTextGenerator.Generate(new VocTextGeneration(500, 7, Start));
        var b = VocTextGenerator.Generate(new VocTextGeneration(500, 7, Start));
        var c = VocTextGenerator.Generate(new VocTextGeneration(500, 8, Start));

        b.ShouldBe(a);
        c.Select(r => r.Text).SequenceEqual(a.Select(r => r.Text)).ShouldBeFalse();
    }

    [Fact]
    public void Generate_ManyCases_VariedTextsOverEveryTypeCategoryAndChannel()
    {
        var cases = VocTextGenerator.Generate(new VocTextGeneration(3000, 1, Start));

        cases.Count.ShouldBe(3000);
        // Few exact duplicates: templates vary by opener, amounts, dates, style, typos and spacing.
        cases.Select(r => r.Text).Distinct(StringComparer.Ordinal).Count().ShouldBeGreaterThan(2940);
        cases.Select(r => r.Type).Distinct().Order().ShouldBe(VocLabels.Types.Order());
        cases.Select(r => r.Category).Distinct().Order().ShouldBe(VocTextCatalog.Categories.Select(c => c.Code).Order());
        cases.Select(r => r.Channel).Distinct().Count().ShouldBe(8);
        var foreign = cases.Count(r => r.Language != "ko") / 3000.0;
        foreign.ShouldBeInRange(0.005, 0.1);
        cases.Where(r => r.Language == "en").ShouldAllBe(r => r.Text.Any(char.IsAsciiLetter));
        cases.Where(r => r.Language == "zh-TW").ShouldAllBe(r => r.Text.Any(ch => ch >= '\u4E00' && ch <= '\u9FFF'));
        cases.Where(r => r.Language == "ko").ShouldAllBe(r => r.Text.Any(ch => ch >= '\uAC00' && ch <= '\uD7A3'));
        cases.ShouldAllBe(r => !r.Text.Contains('{') && r.Text.Length > 10);
    }

    [Fact]
    public void Generate_Channels_WriteInTheirOwnStyle()
    {
        var cases = VocTextGenerator.Generate(new VocTextGeneration(2000, 3, Start)).Where(r => r.Language == "ko").ToList();

        // A consultant's call summary is written in 개조식 (…함, …음), an e-mail greets and signs off, a referral names the regulator.
        cases.Where(r => r.Channel == VocTextGenerator.Phone).ShouldAllBe(r => r.Text.StartsWith("[통화요약]", StringComparison.Ordinal));
        cases.Where(r => r.Channel == VocTextGenerator.Phone).Count(r => r.Text.Contains("습니다", StringComparison.Ordinal))
            .ShouldBeLessThan(cases.Count(r => r.Channel == VocTextGenerator.Phone) / 10);
        cases.Where(r => r.Channel == VocTextGenerator.Email).ShouldAllBe(r => r.Text.StartsWith("안녕하세요", StringComparison.Ordinal));
        cases.Where(r => r.Channel == VocTextGenerator.Regulator).ShouldAllBe(r => r.Text.Contains("금융감독원", StringComparison.Ordinal));
        cases.Where(r => r.Channel == VocTextGenerator.Regulator).ShouldAllBe(r => r.Type == VocLabels.Complaint || r.Type == VocLabels.Report);
        cases.Where(r => r.Category == "internal.process").ShouldAllBe(r => r.Channel == VocTextGenerator.Internal && r.ContractNo == null);
    }

    [Fact]
    public void Generate_PlantedRepeats_SameCustomerAndMatterInOtherWordsThroughAnotherChannel()
    {
        var cases = VocTextGenerator.Generate(new VocTextGeneration(3000, 5, Start, RepeatWithinDays: 30));
        var repeats = cases.Where(r => r.RepeatOf is not null).ToList();
        var nearMisses = cases.Where(r => r.NearMiss).ToList();

        repeats.Count.ShouldBeInRange(300, 600);
        nearMisses.Count.ShouldBeInRange(150, 450);
        foreach (var repeat in repeats)
        {
            var original = cases[repeat.RepeatOf!.Value];
            original.Id.ShouldBeLessThan(repeat.Id);
            repeat.CustomerKey.ShouldBe(original.CustomerKey);
            repeat.ContractNo.ShouldBe(original.ContractNo);
            repeat.MatterKey.ShouldBe(original.MatterKey);
            (repeat.ReceivedAt - original.ReceivedAt).TotalDays.ShouldBeInRange(0, 30);
            repeat.Text.ShouldNotBe(original.Text);
        }
        repeats.Count(r => r.Channel != cases[r.RepeatOf!.Value].Channel).ShouldBeGreaterThan(repeats.Count * 9 / 10);
        repeats.Count(r => r.Text.Contains("지난번에", StringComparison.Ordinal) || r.Text.Contains("재인입", StringComparison.Ordinal)
            || r.Text.Contains("세 번째", StringComparison.Ordinal)).ShouldBeGreaterThan(repeats.Count / 10);
        // A near miss is the same customer on another matter: never the same matter key as any earlier case.
        foreach (var miss in nearMisses)
        {
            cases.Take(miss.Id).Where(r => r.CustomerKey == miss.CustomerKey).ShouldNotContain(r => r.MatterKey == miss.MatterKey);
        }
        nearMisses.Count(m => cases.Take(m.Id).Any(r => r.CustomerKey == m.CustomerKey && r.Category == m.Category
            && r.ReceivedAt >= m.ReceivedAt.AddDays(-30))).ShouldBeGreaterThan(nearMisses.Count / 5);
    }
}
