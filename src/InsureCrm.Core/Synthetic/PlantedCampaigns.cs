using System.Globalization;
using System.Text.Json;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Planning;
using InsureCrm.Core.Common;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Synthetic;

/// <summary>
/// A planted campaign as the chunks see it: the plan, its stored ids (campaign, offers and Korean scripts per channel),
/// the year's holdout, the effect scale and the user named on its contacts.
/// </summary>
internal sealed record PlantedRun(
    PlannedCampaign Plan, long CampaignId, long HoldoutSalt, decimal HoldoutShare, double EffectScale,
    IReadOnlyDictionary<CampaignChannelKind, long> Offers, IReadOnlyDictionary<CampaignChannelKind, long> Scripts, string Author)
{
    /// <summary>Contacts are made on the start day at 10:00 in Seoul (day time for every channel).</summary>
    public DateTime ContactAt { get; } = DateTime.SpecifyKind(Plan.StartsOn.ToDateTime(new TimeOnly(10, 0)).AddHours(-9), DateTimeKind.Utc);

    /// <summary>The last day responses count: <c>ends_on + window_days</c>.</summary>
    public DateOnly WindowEnd { get; } = Plan.EndsOn.AddDays(Plan.WindowDays);
}

/// <summary>What chunks planted for one campaign: members per arm, Test contacts reached or blocked, and the true uplift per stratum.</summary>
internal sealed class PlantedTally
{
    public int Holdout;
    public int Test;
    public int Control;
    public int Reached;
    public int Blocked;
    /// <summary>Per planted stratum: Test members and the sum of their true uplift.</summary>
    public SortedDictionary<string, (int TestMembers, double UpliftSum)> Strata { get; } = new(StringComparer.Ordinal);

    public void Add(PlantedArm arm, string stratum, bool reached, double uplift)
    {
        switch (arm)
        {
            case PlantedArm.Holdout:
                Holdout++;
                return;
            case PlantedArm.Control:
                Control++;
                return;
            default:
                Test++;
                if (reached)
                {
                    Reached++;
                }
                else
                {
                    Blocked++;
                }
                var (n, sum) = Strata.GetValueOrDefault(stratum);
                Strata[stratum] = (n + 1, sum + uplift);
                return;
        }
    }

    public void Merge(PlantedTally other)
    {
        Holdout += other.Holdout;
        Test += other.Test;
        Control += other.Control;
        Reached += other.Reached;
        Blocked += other.Blocked;
        foreach (var (stratum, (n, sum)) in other.Strata)
        {
            var (n0, sum0) = Strata.GetValueOrDefault(stratum);
            Strata[stratum] = (n0 + n, sum0 + sum);
        }
    }
}

/// <summary>
/// Writes the planted campaigns' small rows around the bulk load: before it the offers, the rule and its version, the
/// three campaigns with their channels and validated ko/en/zh-TW scripts (as a marketer's plan would be, approved by
/// someone other than its author); after it each split's counts and the history. Members and contacts come from the
/// chunks. The plan is <see cref="CampaignPlan"/>; the texts restate the demo's (<c>DemoCampaigns</c>), which writes the
/// same campaigns into the start-up demo.
/// </summary>
internal static class PlantedCampaigns
{
    public const string Theme = "health-gap";
    public const string RuleName = "합성 보험사: 건강 공백 30–59세 개인, 유지계약 1건 이상, 건강·CI·암 미보유";
    private const string SystemUser = "synthetic";
    private static readonly TimeZoneInfo Seoul = TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");

    /// <summary>Writes offers, rule, campaigns, channels and scripts; returns what the chunks need and the highest contact id so far.</summary>
    public static async Task<(IReadOnlyList<PlantedRun> Runs, long ContactIdBase)> CreateAsync(
        CrmDatabase database, int seed, DateOnly asOf, double effectScale, DateTime now, CancellationToken ct)
    {
        var plan = CampaignPlan.For(asOf);
        foreach (var p in plan)
        {
            var errors = CampaignValidation.Check(Draft(p), new Dictionary<long, Offer>(), out _);
            if (errors.Count > 0)
            {
                throw new InvalidOperationException($"Planted campaign {p.Code} is invalid: "
                    + string.Join("; ", errors.ToEnglish().Select(e => e.Key + ": " + string.Join(" ", e.Value))));
            }
        }
        await using var ctx = database.CreateContext();
        var (author, approver) = await UsersAsync(ctx, ct);
        await using var tx = await ctx.Database.BeginTransactionAsync(ct);
        var offers = new Dictionary<CampaignChannelKind, Offer>();
        foreach (var (channel, offer) in NewOffers())
        {
            offers[channel] = await ctx.Offers.SingleOrDefaultAsync(o => o.Code == offer.Code, ct) ?? ctx.Offers.Add(offer).Entity;
        }
        var rule = new TargetRule { Name = RuleName, OwnerUserId = author.Id, CreatedAt = At(plan[0].StartsOn.AddDays(-21), 9) };
        ctx.TargetRules.Add(rule);
        await ctx.SaveChangesAsync(ct);
        var ruleVersion = new TargetRuleVersion { RuleId = rule.Id, Version = 1, Definition = DemoCampaigns.RuleDefinition, CreatedBy = author.Name, CreatedAt = rule.CreatedAt };
        ctx.TargetRuleVersions.Add(ruleVersion);
        await ctx.SaveChangesAsync(ct);

        var runs = new List<PlantedRun>();
        var ids = new Dictionary<int, long>();
        var share = new CampaignsOptions().Holdout.Share;
        foreach (var p in plan)
        {
            var year = p.StartsOn.Year;
            var holdout = await UniversalHoldout.EnsureYearAsync(ctx, year, share, unchecked((long)SplitHash.Of(seed, year)), SystemUser, now, ct);
            var draft = Draft(p);
            var created = At(p.StartsOn.AddDays(-14), 9);
            var campaign = new Campaign
            {
                Code = p.Code, Name = p.Name, Theme = draft.Theme, Hypothesis = draft.Hypothesis, Objective = draft.Objective,
                ObjectiveFamilies = string.Join(',', draft.ObjectiveFamilies), WindowDays = p.WindowDays, OwnerUserId = author.Id,
                AuthorUserId = author.Id, ApprovedByUserId = approver?.Id, ApprovedAt = approver is null ? null : At(p.StartsOn.AddDays(-7), 15),
                State = p.State, StartsOn = p.StartsOn, EndsOn = p.EndsOn, Budget = draft.Budget, Currency = draft.Currency,
                RuleVersionId = ruleVersion.Id, ControlShare = p.ControlShare, SplitSeed = p.SplitSeed(seed), Alpha = draft.Alpha, Power = draft.Power,
                BaselineRate = draft.BaselineRate, ExpectedLift = draft.ExpectedLift, OverlapRule = draft.OverlapRule, Priority = draft.Priority,
                FrequencyCap = draft.FrequencyCap, IsPilot = p.IsPilot, ParentCampaignId = p.ParentKey is { } parent ? ids[parent] : null,
                Lessons = p.State == CampaignState.Closed ? Lessons(p) : null, CreatedAt = created, UpdatedAt = created,
            };
            ctx.Campaigns.Add(campaign);
            await ctx.SaveChangesAsync(ct);
            ids[p.Key] = campaign.Id;
            ctx.CampaignChannels.AddRange(draft.Channels.Select(c => new CampaignChannel
            {
                CampaignId = campaign.Id, Channel = c.Channel, Rank = c.Rank, UnitCost = c.UnitCost,
                OfferId = offers.TryGetValue(c.Channel, out var offer) ? offer.Id : null,
            }));
            var scripts = draft.Scripts.Select(s => new CampaignScript
            {
                CampaignId = campaign.Id, Channel = s.Channel, Language = s.Language, Version = 1, Subject = s.Subject, Body = s.Body,
                CreatedBy = author.Name, CreatedAt = created,
            }).ToList();
            ctx.CampaignScripts.AddRange(scripts);
            await ctx.SaveChangesAsync(ct);
            runs.Add(new PlantedRun(p, campaign.Id, holdout.Salt, holdout.Share, effectScale,
                p.Channels.Where(offers.ContainsKey).ToDictionary(c => c, c => offers[c].Id),
                scripts.Where(s => s.Language == ScriptLanguage.Korean).ToDictionary(s => s.Channel, s => s.Id),
                author.Name));
        }
        await tx.CommitAsync(ct);
        var contactIdBase = await ctx.CampaignContacts.MaxAsync(c => (long?)c.Id, ct) ?? 0;
        return (runs, contactIdBase);
    }

    /// <summary>After the members are loaded: each campaign's split with its counts, and its history up to the as-of date.</summary>
    public static async Task FinishAsync(
        CrmDatabase database, IReadOnlyList<PlantedRun> runs, IReadOnlyDictionary<int, PlantedTally> tallies, int seed, DateOnly asOf, CancellationToken ct)
    {
        await using var ctx = database.CreateContext();
        var approverName = await ctx.Campaigns.Where(c => c.Id == runs[0].CampaignId && c.ApprovedByUserId != null)
            .Join(ctx.Users, c => c.ApprovedByUserId, u => u.Id, (c, u) => u.UserName).SingleOrDefaultAsync(ct) ?? SystemUser;
        foreach (var run in runs)
        {
            var p = run.Plan;
            var t = tallies.GetValueOrDefault(p.Key) ?? new PlantedTally();
            var split = new CampaignSplit
            {
                CampaignId = run.CampaignId, AsOf = p.StartsOn.AddDays(-1), Seed = p.SplitSeed(seed), ControlShare = p.ControlShare,
                Candidates = t.Test + t.Control + t.Holdout, Test = t.Test, Control = t.Control, ExcludedHoldout = t.Holdout,
                CreatedAt = At(p.StartsOn.AddDays(-1), 10), CreatedBy = run.Author,
            };
            ctx.CampaignSplits.Add(split);
            CampaignEvent E(DateTime at, string user, CampaignEventKind kind, object detail) =>
                new() { CampaignId = run.CampaignId, At = at, UserName = user, Kind = kind, Detail = JsonSerializer.Serialize(detail) };
            ctx.CampaignEvents.AddRange(
                E(At(p.StartsOn.AddDays(-14), 9), run.Author, CampaignEventKind.Created, new { code = p.Code }),
                E(At(p.StartsOn.AddDays(-7), 15), approverName, CampaignEventKind.Approved, new { version = 1 }),
                E(split.CreatedAt, run.Author, CampaignEventKind.Split,
                    new { candidates = split.Candidates, test = split.Test, control = split.Control, excludedHoldout = split.ExcludedHoldout }),
                E(At(p.StartsOn, 9), run.Author, CampaignEventKind.Started, new { startsOn = p.StartsOn }),
                E(run.ContactAt, run.Author, CampaignEventKind.Sent, new { sent = t.Reached, blocked = t.Blocked }));
            if (p.ParentKey is { } parent)
            {
                ctx.CampaignEvents.Add(new CampaignEvent
                {
                    CampaignId = runs.Single(r => r.Plan.Key == parent).CampaignId, At = At(p.StartsOn.AddDays(-14), 9), UserName = run.Author,
                    Kind = CampaignEventKind.RolledOut, Detail = JsonSerializer.Serialize(new { rollOut = run.CampaignId, code = p.Code }),
                });
            }
            if (p.State == CampaignState.Closed)
            {
                ctx.CampaignEvents.Add(E(At(p.EndsOn.AddDays(1), 0), run.Author, CampaignEventKind.Measuring, new { endsOn = p.EndsOn }));
                var closed = run.WindowEnd.AddDays(1);
                ctx.CampaignEvents.Add(E(At(closed < asOf ? closed : asOf, 17), run.Author, CampaignEventKind.Closed, new { lessons = true }));
            }
        }
        await ctx.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Author: the demo marketer, else a marketer, else the first account; approver: the demo admin, else another admin
    /// or marketer (four eyes); a database without accounts gets id 0 and no approver.
    /// </summary>
    private static async Task<((long Id, string Name) Author, (long Id, string Name)? Approver)> UsersAsync(CrmDbContext ctx, CancellationToken ct)
    {
        var users = await ctx.Users.AsNoTracking().OrderBy(u => u.Id).Select(u => new { u.Id, u.UserName, u.Role }).ToListAsync(ct);
        var author = users.Find(u => u.UserName == DemoCampaigns.Author) ?? users.Find(u => u.Role == Role.Marketer) ?? users.FirstOrDefault();
        if (author is null)
        {
            return ((0, SystemUser), null);
        }
        var approver = users.Find(u => u.UserName == DemoCampaigns.Approver && u.Id != author.Id)
            ?? users.Find(u => u.Id != author.Id && u.Role is Role.Admin or Role.Marketer);
        return ((author.Id, author.UserName), approver is null ? null : (approver.Id, approver.UserName));
    }

    /// <summary>The offers of the e-mail and the agent channel (found by code when they exist already).</summary>
    private static (CampaignChannelKind Channel, Offer Offer)[] NewOffers() =>
    [
        (CampaignChannelKind.Email, new Offer { Code = "SYN-HEALTH-CHECK", Name = "무료 보장분석 리포트", ProductFamily = ProductFamily.Health, Cost = 0m, CostBasis = CostBasis.PerContact }),
        (CampaignChannelKind.Agent, new Offer { Code = "SYN-FIRST-MONTH", Name = "첫 달 보험료 지원", ProductFamily = ProductFamily.Health, Cost = 30_000m, CostBasis = CostBasis.PerResponse }),
    ];

    /// <summary>The plan of a planted campaign as a marketer would write it (validated before anything is written).</summary>
    internal static CampaignDraft Draft(PlannedCampaign p) => new(
        Name: p.Name,
        Theme: Theme,
        Hypothesis: p.Key switch
        {
            1 => "건강·CI·암 보장이 없는 30–59세 유지고객은 보장 공백 안내(이메일, 문자)를 받으면 60일 안에 건강보험 가입이 늘어난다.",
            2 => "파일럿의 보장 공백 안내를 설계사 방문과 텔레마케팅으로 전사에 확산하면 같은 고객층의 건강보험 가입이 늘어난다.",
            _ => "보장 공백 안내를 이메일로 먼저, 이메일로 닿지 않는 고객은 담당 설계사가 안내하면 건강보험 가입이 늘어난다.",
        },
        Objective: CampaignObjective.NewContract,
        ObjectiveFamilies: p.ObjectiveFamilies,
        WindowDays: p.WindowDays,
        StartsOn: p.StartsOn,
        EndsOn: p.EndsOn,
        Budget: p.Key == 2 ? 50_000_000m : 5_000_000m,
        Currency: "KRW",
        RuleDefinition: DemoCampaigns.RuleDefinition,
        ControlShare: p.ControlShare,
        Alpha: 0.05,
        Power: 0.8,
        BaselineRate: 0.02,
        ExpectedLift: 0.01,
        OverlapRule: OverlapRule.Exclude,
        Priority: 1,
        FrequencyCap: 4,
        IsPilot: p.IsPilot,
        Channels: [.. p.Channels.Select((c, i) => new ChannelDraft(c, i + 1, null, c switch
        {
            CampaignChannelKind.Email => 2m,
            CampaignChannelKind.Sms => 30m,
            CampaignChannelKind.CallList => 1_500m,
            _ => 5_000m,
        }))],
        Scripts: [.. p.Channels.SelectMany(HealthGapScripts.For)]);

    /// <summary>A closed campaign's lessons: where its planted truth is and how to measure it (no figure is invented here).</summary>
    private static string Lessons(PlannedCampaign p) => string.Create(CultureInfo.InvariantCulture,
        $"합성 보험사의 과거 캠페인({p.Code}): 효과는 생성기가 보유계약 수별로 심었다(truth.campaign-effects.csv). 결과는 `insurecrm campaign attribute`와 `campaign results`로 측정해 비교한다.");

    /// <summary>A date's hour in Seoul as a UTC instant.</summary>
    private static DateTime At(DateOnly day, int hour) => TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(new TimeOnly(hour, 0)), Seoul);
}
