using InsureCrm.Analytics.Learning;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.CustomerView;
using InsureCrm.Core.Identity;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Models;
using InsureCrm.Core.Orphans;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Core.Value;
using InsureCrm.Tests;
using InsureCrm.Web.Campaigns;
using InsureCrm.Web.Orphans;
using InsureCrm.Web.Shell;
using InsureCrm.Web.Localization;

namespace InsureCrm.Web.Tests;

public class LocalizationTests
{
    /// <summary>Every enum the pages translate.</summary>
    private static readonly Type[] TranslatedEnums =
    [
        typeof(CustomerKind), typeof(NameScript), typeof(Gender), typeof(MaritalStatus), typeof(IncomeBand), typeof(ContactChannel),
        typeof(ContactTime), typeof(PhoneKind), typeof(AddressKind), typeof(HouseholdRole), typeof(RelationshipKind), typeof(MergeRule),
        typeof(ProductLine), typeof(ProductFamily), typeof(PaymentMode), typeof(PaymentMethod), typeof(SalesChannel), typeof(ContractStatus),
        typeof(ContractRoleKind), typeof(LoanStatus), typeof(AgentKind), typeof(AgentStatus), typeof(InteractionChannel),
        typeof(InteractionDirection), typeof(InteractionPurpose), typeof(InteractionOutcome), typeof(Role), typeof(SearchKind),
        typeof(ReservedSection), typeof(AgentRelation), typeof(SegmentCell), typeof(Strategy), typeof(StrategyChannel), typeof(ServiceLevel),
        typeof(CampaignState), typeof(CampaignObjective), typeof(CampaignChannelKind), typeof(OverlapRule), typeof(CostBasis), typeof(CampaignEventKind),
        typeof(MemberExclusion), typeof(CallOutcome), typeof(ResultBreakdown), typeof(DashboardPeriod), typeof(CampaignBlockReason),
        typeof(OrphanState), typeof(AssignmentRule), typeof(OrphanWave),
    ];

    [Fact]
    public void Strings_AllLanguages_HaveTheSameKeysAndNoEmptyValues()
    {
        var text = new Text();
        var korean = text.For("ko-KR");

        foreach (var culture in Text.Cultures)
        {
            var strings = text.For(culture);
            strings.Keys.Order(StringComparer.Ordinal).ShouldBe(korean.Keys.Order(StringComparer.Ordinal), culture);
            strings.Where(s => string.IsNullOrWhiteSpace(s.Value)).Select(s => s.Key).ShouldBeEmpty(culture);
        }
    }

    [Fact]
    public void Strings_EveryValueOfTranslatedEnums_HasAKey()
    {
        var keys = new Text().For("ko-KR");

        var missing = TranslatedEnums.SelectMany(t => Enum.GetNames(t).Select(n => $"{t.Name}.{n}")).Where(k => !keys.ContainsKey(k)).ToList();

        missing.ShouldBeEmpty();
    }

    [Fact]
    public void Strings_EveryInsurerModelAndFeature_HasANameInEachLanguage()
    {
        var text = new Text();
        var keys = InsurerModels.All.Select(m => "scores.model." + m.Name)
            .Concat(InsurerModels.All.SelectMany(m => m.Features).Select(f => "model.feature." + f.Name))
            .Concat(InsureCrm.Core.Campaigns.Uplift.PilotUplift.Features.Select(f => "model.feature." + f.Name))
            .Append("scores.missing")
            .Distinct().ToList();
        keys.ShouldContain("model.feature.agentKind", "agent models' features are enumerated");
        keys.ShouldContain("model.feature.productFamily", "contract models' features are enumerated");
        keys.ShouldContain("model.feature.plannedEmail", "a pilot uplift model's member features are enumerated");

        foreach (var culture in Text.Cultures)
        {
            var strings = text.For(culture);
            keys.Where(k => !strings.ContainsKey(k)).ShouldBeEmpty(culture);
        }
    }

    [Fact]
    public void Strings_EveryCampaignErrorCode_HasATextInEachLanguageNamingEachArgument()
    {
        var text = new Text();
        var codes = CampaignErrorTexts.English;
        codes.Count.ShouldBeGreaterThan(50, "the rule, plan, script and offer checks are coded");

        foreach (var culture in Text.Cultures)
        {
            var strings = text.For(culture);
            codes.Keys.Where(c => !strings.ContainsKey(CampaignErrorText.KeyPrefix + c)).ShouldBeEmpty(culture + ": codes without a text");
            strings.Keys.Where(k => k.StartsWith(CampaignErrorText.KeyPrefix, StringComparison.Ordinal) && !codes.ContainsKey(k[CampaignErrorText.KeyPrefix.Length..]))
                .ShouldBeEmpty(culture + ": texts of no code");
            foreach (var (code, english) in codes)
            {
                // What the English names (the field, the value, the limit) the translation names too, and nothing more.
                Placeholders(strings[CampaignErrorText.KeyPrefix + code]).ShouldBe(Placeholders(english), $"{culture} {code}");
            }
        }
    }

    [Fact]
    public void Strings_EveryOrphanReasonCode_HasATextInEachLanguageNamingEachParameter()
    {
        var text = new Text();
        foreach (var culture in Text.Cultures)
        {
            var strings = text.For(culture);
            foreach (var (code, parameters) in OrphanReasons.Parameters)
            {
                strings.ContainsKey(OrphanText.KeyPrefix + code).ShouldBeTrue($"{culture}: no text for the orphan reason {code}");
                Placeholders(strings[OrphanText.KeyPrefix + code]).ShouldBe(
                    [.. Enumerable.Range(0, parameters.Length).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))], $"{culture} {code}");
            }
        }
        var previous = System.Globalization.CultureInfo.CurrentUICulture;
        try
        {
            System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo("ko-KR");
            OrphanText.Reason(text, OrphanReason.Of(OrphanReasons.RegionFull, ("sido", "서울특별시"), ("cap", 300)))
                .ShouldBe("서울특별시의 CS 상담원이 모두 한도(300건)에 도달했거나 없음");
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = previous;
        }
    }

    private static List<string> Placeholders(string format) =>
        [.. System.Text.RegularExpressions.Regex.Matches(format, @"\{(\d+)\}").Select(m => m.Groups[1].Value).Distinct().Order(StringComparer.Ordinal)];

    [Fact]
    public void Strings_EveryLearnerAndCurrency_HasANameInEachLanguage()
    {
        var text = new Text();
        var keys = Learners.Names.Select(n => "algorithm." + n)
            .Concat(["currency.KRW", "currency.TWD", "money.KRW", "money.TWD", "money.millionsRange"]).ToList();
        keys.Count.ShouldBeGreaterThan(5);

        foreach (var culture in Text.Cultures)
        {
            var strings = text.For(culture);
            keys.Where(k => !strings.ContainsKey(k)).ShouldBeEmpty(culture);
        }
    }

    [Fact]
    public void Strings_EveryCategoricalReasonValue_IsAnEnumValueWithAStringInEachLanguage()
    {
        var text = new Text();
        var categorical = InsurerModels.All.SelectMany(m => m.Features).Where(f => f.Kind == FeatureKind.Categorical).DistinctBy(f => f.Name).ToList();
        categorical.Select(f => f.Name).ShouldBe(["incomeBand", "maritalStatus", "productFamily", "paymentMode", "paymentMethod", "agentKind"], ignoreOrder: true);
        // The page reads a level through the enum's own strings (productFamily WholeLife → ProductFamily.WholeLife): the
        // enum must be one the pages translate, so a level added to it gets a string through the enum test above.
        var enumNames = TranslatedEnums.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        categorical.Select(f => ScoreText.CategoryKey(f.Name, "x").Split('.')[0]).Where(n => !enumNames.Contains(n)).ShouldBeEmpty();

        foreach (var culture in Text.Cultures)
        {
            var strings = text.For(culture);
            categorical.SelectMany(f => f.Categories.Select(c => ScoreText.CategoryKey(f.Name, c))).Where(k => !strings.ContainsKey(k)).ShouldBeEmpty(culture);
        }
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CustomerPage_DefaultAndSwitched_RendersKoreanEnglishAndChinese(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        using var client = await factory.SignedInClientAsync();
        var url = $"/customers/{family.HongId}";

        var korean = await client.GetStringAsync(url);
        using var toEnglish = await client.GetAsync("/culture?culture=en-US&returnUrl=" + Uri.EscapeDataString(url));
        var english = await client.GetStringAsync(url);
        using var toChinese = await client.GetAsync("/culture?culture=zh-TW&returnUrl=" + Uri.EscapeDataString(url));
        var chinese = await client.GetStringAsync(url);

        korean.ShouldContain("<html lang=\"ko-KR\"");
        korean.ShouldContain("보유 계약");
        korean.ShouldContain("계약자");
        korean.ShouldContain("고아계약");
        korean.ShouldContain("홍길동"); // literal Hangul, not &#xD64D;-style entities
        toEnglish.Headers.Location!.OriginalString.ShouldBe(url);
        english.ShouldContain("<html lang=\"en-US\"");
        english.ShouldContain("Policyholder");
        english.ShouldContain("Orphaned");
        english.ShouldNotContain("계약자");
        chinese.ShouldContain("<html lang=\"zh-TW\"");
        chinese.ShouldContain("要保人");
        chinese.ShouldContain("孤兒保單");
        chinese.ShouldNotContain("Policyholder");
    }
}
