using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Targeting;
using InsureCrm.Core.Common;
using InsureCrm.Tests;

namespace InsureCrm.Core.Tests.Campaigns;

/// <summary>Each bad input of a plan is refused with the field and value named, and nothing of the plan is saved.</summary>
public sealed class CampaignValidationTests
{
    public static TheoryData<string, string, string> BadPlans => new()
    {
        { "unknown field", "rules[1].field", "segment.cel" },
        { "unknown value", "rules[0].values", "Platinum" },
        { "period", "endsOn", "2026-02-01" },
        { "control 0", "controlShare", "no control" },
        { "control 100", "controlShare", "no test" },
        { "placeholder", "scripts[0].body", "{{agnet_name}}" },
        { "sms bytes", "scripts[1].body", "2,000" },
        { "sms mark", "scripts[1].body", "(광고)" },
        { "email mark", "scripts[0].subject", "(광고)" },
        { "unsubscribe", "scripts[0].body", "{{unsubscribe_url}}" },
        { "offer", "channels[0].offerId", "no offer 999" },
        { "bad json", "rules", "not valid JSON" },
    };

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Create_EachBadInput_IsNamedAndNothingSaved(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var planning = CampaignPlanKit.Planning(db);
        foreach (var (label, key, named) in BadPlans.Select(r => ((string)r[0], (string)r[1], (string)r[2])))
        {
            var result = await planning.CreateAsync(CampaignPlanKit.Author, Bad(label));

            result.Outcome.ShouldBe(CampaignOutcome.Invalid, label);
            result.Errors.Keys.ShouldContain(key, label);
            string.Join(" ", result.Errors[key]).ShouldContain(named, Case.Sensitive, label);
            // The same problems coded for the pages, the English made from the codes' own table.
            result.ErrorCodes.Keys.ShouldBe(result.Errors.Keys, ignoreOrder: true, label);
            result.ErrorCodes[key].Select(e => e.English).ShouldBe(result.Errors[key], label);
        }
        (await CampaignPlanKit.CountsAsync(db)).ShouldAllBe(n => n == 0);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SaveOffer_WithoutCost_IsRefusedButFreeOfferIsSaved(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var planning = CampaignPlanKit.Planning(db);

        var missing = await planning.SaveOfferAsync(CampaignPlanKit.Author, null, null, new OfferDraft("GIFT", "우산", null, null, CostBasis.PerResponse));
        var free = await planning.SaveOfferAsync(CampaignPlanKit.Author, null, null, new OfferDraft("FREE-CHECK", "무료 보장점검", null, 0m, CostBasis.PerContact));
        var duplicate = await planning.SaveOfferAsync(CampaignPlanKit.Author, null, null, new OfferDraft("FREE-CHECK", "again", null, 1m, CostBasis.PerContact));

        missing.Outcome.ShouldBe(CampaignOutcome.Invalid);
        missing.Errors["cost"].Single().ShouldContain("no cost");
        free.IsOk.ShouldBeTrue();
        free.Value!.Cost.ShouldBe(0m);
        duplicate.Errors["code"].Single().ShouldContain("FREE-CHECK");
        (await CampaignPlanKit.Library(db).OffersAsync(CampaignPlanKit.Author)).Select(o => o.Code).ShouldBe(["FREE-CHECK"]);
    }

    [Fact]
    public void RuleParse_UnknownField_IsCodedWithTheFieldAndSaysTheSameEnglishEitherWay()
    {
        const string rule = """{"all":[{"field":"age","op":"gte","values":["30"]},{"field":"segment.cel","op":"in","values":["Retain"]}]}""";
        var coded = new CampaignErrors();
        var english = new Dictionary<string, List<string>>();

        RuleDefinition.Parse(rule, coded).ShouldBeNull();
        RuleDefinition.Parse(rule, english).ShouldBeNull();

        var error = coded.ToCodes()["rules[1].field"].ShouldHaveSingleItem();
        error.Code.ShouldBe("condition.unknownField");
        error.Args.ShouldBe(["segment.cel"]);
        english["rules[1].field"].ShouldBe(["unknown field 'segment.cel'."]);
    }

    [Fact]
    public void ErrorCodes_UnknownCode_IsRefused()
    {
        Should.Throw<ArgumentException>(() => new CampaignErrors().Add("name", "no.such.code"));
    }

    [Fact]
    public async Task Create_ByAgent_IsForbidden()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var result = await CampaignPlanKit.Planning(db).CreateAsync(CampaignPlanKit.Agent, CampaignPlanKit.Draft());

        result.Outcome.ShouldBe(CampaignOutcome.Forbidden);
        (await CampaignPlanKit.CountsAsync(db)).ShouldAllBe(n => n == 0);
    }

    private static CampaignDraft Bad(string label)
    {
        var d = CampaignPlanKit.Draft();
        var email = d.Scripts[0];
        var sms = d.Scripts[1];
        return label switch
        {
            "unknown field" => d with { RuleDefinition = """{"all":[{"field":"age","op":"gte","values":["30"]},{"field":"segment.cel","op":"in","values":["Retain"]}]}""" },
            "unknown value" => d with { RuleDefinition = """{"all":[{"field":"segment.cell","op":"in","values":["Platinum"]}]}""" },
            "period" => d with { EndsOn = new(2026, 2, 1) },
            "control 0" => d with { ControlShare = 0m },
            "control 100" => d with { ControlShare = 1m },
            "placeholder" => d with { Scripts = [email with { Body = "{{agnet_name}} {{unsubscribe_url}}" }, sms] },
            "sms bytes" => d with { Scripts = [email, sms with { Body = "(광고) " + new string('가', 1000) }] },
            "sms mark" => d with { Scripts = [email, sms with { Body = "건강보험 안내" }] },
            "email mark" => d with { Scripts = [email with { Subject = "건강보험 안내" }, sms] },
            "unsubscribe" => d with { Scripts = [email with { Body = "{{name}}님 안녕하세요" }, sms] },
            "offer" => d with { Channels = [d.Channels[0] with { OfferId = 999 }, d.Channels[1]] },
            "bad json" => d with { RuleDefinition = "{\"all\": [" },
            _ => throw new ArgumentOutOfRangeException(nameof(label)),
        };
    }
}
