using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Planning;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Tests.Campaigns;

/// <summary>Users, a valid plan and the services of the planning tests, on a fixed clock (2026-03-02 10:00 in Seoul).</summary>
internal static class CampaignPlanKit
{
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    public static readonly CrmUser Author = new(11, "marketer.kim", Role.Marketer, null, null, null, "test");
    public static readonly CrmUser Colleague = new(12, "marketer.lee", Role.Marketer, null, null, null, "test");
    public static readonly CrmUser Admin = new(1, "admin", Role.Admin, null, null, null, "test");
    public static readonly CrmUser Agent = new(30, "agent.park", Role.Agent, 5, null, null, "test");

    public const string Rule = """{"all":[{"field":"gap.family","op":"in","values":["Health"]},{"field":"age","op":"between","values":["30","59"]}]}""";

    public static CampaignPlanning Planning(TestDatabase db) => new(db.Database, new FixedClock(Now));

    public static CampaignLibrary Library(TestDatabase db) => new(db.Database);

    public static CampaignDraft Draft(string? rule = Rule, long? offerId = null) => new(
        Name: "건강보험 공백 파일럿",
        Theme: "health-gap",
        Hypothesis: "건강보험이 없는 30-59세는 이메일 안내에 반응한다",
        Objective: CampaignObjective.NewContract,
        ObjectiveFamilies: [ProductFamily.Health, ProductFamily.Cancer],
        WindowDays: 60,
        StartsOn: new(2026, 3, 2),
        EndsOn: new(2026, 3, 31),
        Budget: 5_000_000m,
        Currency: "KRW",
        RuleDefinition: rule,
        ControlShare: 0.1m,
        Alpha: 0.05,
        Power: 0.8,
        BaselineRate: 0.02,
        ExpectedLift: 0.01,
        OverlapRule: OverlapRule.Exclude,
        Priority: 1,
        FrequencyCap: 4,
        IsPilot: true,
        Channels: [new ChannelDraft(CampaignChannelKind.Email, 1, offerId, 2m), new ChannelDraft(CampaignChannelKind.Sms, 2, null, 30m)],
        Scripts:
        [
            new ScriptDraft(CampaignChannelKind.Email, ScriptLanguage.Korean, "(광고) 건강보험 점검 안내", "{{name}}님, {{agent_name}} 설계사가 안내드립니다. 수신거부: {{unsubscribe_url}}"),
            new ScriptDraft(CampaignChannelKind.Sms, ScriptLanguage.Korean, null, "(광고) {{name}}님 건강보험 점검 안내. 무료수신거부 {{opt_out_number}}"),
        ],
        SplitSeed: 42);

    /// <summary>Rows in every table a plan writes (campaign, rule, rule version, channel, script, history).</summary>
    public static async Task<int[]> CountsAsync(TestDatabase db)
    {
        await using var ctx = db.CreateContext();
        return
        [
            await ctx.Campaigns.CountAsync(), await ctx.TargetRules.CountAsync(), await ctx.TargetRuleVersions.CountAsync(),
            await ctx.CampaignChannels.CountAsync(), await ctx.CampaignScripts.CountAsync(), await ctx.CampaignEvents.CountAsync(),
            await ctx.Offers.CountAsync(),
        ];
    }

    public static async Task<List<CampaignEventKind>> HistoryAsync(TestDatabase db, long campaignId)
    {
        await using var ctx = db.CreateContext();
        return await ctx.CampaignEvents.Where(e => e.CampaignId == campaignId).OrderBy(e => e.Id).Select(e => e.Kind).ToListAsync();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
