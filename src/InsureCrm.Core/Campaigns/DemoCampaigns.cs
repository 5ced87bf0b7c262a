using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Campaigns.Execution;
using InsureCrm.Core.Campaigns.Planning;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Attribution = InsureCrm.Core.Campaigns.Measurement.CampaignAttribution;

namespace InsureCrm.Core.Campaigns;

/// <summary>
/// The demo's campaigns, so that a new user sees the whole cycle on <c>/campaigns</c> in the first minute: the closed
/// "health gap" pilot with its measured result and lessons, its closed roll-out, and a running campaign that has mailed
/// its list in daily batches up to today while agents visited and the call center called the rest, with today's visits
/// and calls reported and more open on today's lists (visits allowed by the demo's visit consents). The plan restates the synthetic insurer's <c>CampaignPlan</c> (Campaigns ranks below
/// Synthetic and may not call it; <c>DemoCampaignsTests</c> keeps the two equal). Members are chosen with the plan's
/// rule on the book as it stood at each start date, split by the universal holdout and <see cref="SplitHash"/>, every
/// contact judged by <see cref="ConsentService.CheckManyAsync"/>; the results are whatever attribution measures on the
/// generated data, never invented. Only when none of the three exists yet.
/// </summary>
internal sealed partial class DemoCampaigns(
    CrmDatabase database, ConsentService consents, Attribution attribution, ICampaignResults results,
    CampaignsOptions options, TimeProvider time, ILogger<DemoCampaigns> logger)
{
    public const string Author = "marketer";
    public const string Approver = "admin";
    /// <summary>The demo's call-center login, who made the running campaign's calls.</summary>
    public const string CallCenterUser = "callcenter";
    public const string RuleName = "건강 공백: 30–59세 개인, 유지계약 1건 이상, 건강·CI·암 미보유";

    /// <summary>The universal holdout's salt in the demo, plus the year (<see cref="UniversalHoldout.NewSalt"/> draws a random one for a real insurer).</summary>
    private const long DemoHoldoutSalt = 0x2026_0C0F_FEE0_0000;

    /// <summary>The split seeds are <c>Seed · 256 + key</c>, as the generator's <c>PlannedCampaign.SplitSeed</c>.</summary>
    public const int Seed = 12;

    public static readonly IReadOnlyList<ProductFamily> HealthGap = [ProductFamily.Health, ProductFamily.CriticalIllness, ProductFamily.Cancer];

    /// <summary>The rule of <see cref="Eligible"/>, as the targeting field catalogue stores it.</summary>
    public const string RuleDefinition =
        """{"all":[{"field":"kind","op":"in","values":["Individual"]},{"field":"age","op":"between","values":["30","59"]},{"field":"contracts.activeCount","op":"gte","values":["1"]},{"field":"gap.family","op":"in","values":["Health","CriticalIllness","Cancer"]}]}""";

    /// <summary>One of the demo's campaigns, its dates relative to the as-of date.</summary>
    internal sealed record Planned(
        int Key, string Code, string Name, DateOnly StartsOn, DateOnly EndsOn, int WindowDays, CampaignState State, bool IsPilot, int? ParentKey,
        IReadOnlyList<CampaignChannelKind> Channels, decimal ControlShare)
    {
        public long SplitSeed => ((long)Seed << 8) | (uint)Key;
    }

    /// <summary>The three campaigns for a demo dated <paramref name="asOf"/> (the generator's plan, same codes and dates).</summary>
    public static IReadOnlyList<Planned> PlanFor(DateOnly asOf) =>
    [
        new(1, "C-SYN-001", "건강 공백 파일럿", asOf.AddMonths(-9), asOf.AddMonths(-9).AddDays(29), 60, CampaignState.Closed, true, null,
            [CampaignChannelKind.Email, CampaignChannelKind.Sms], 0.2m),
        new(2, "C-SYN-002", "건강 공백 전사 확산", asOf.AddMonths(-5), asOf.AddMonths(-5).AddDays(29), 60, CampaignState.Closed, false, 1,
            [CampaignChannelKind.Agent, CampaignChannelKind.CallList], 0.1m),
        new(3, "C-SYN-003", "건강 공백 2차", asOf.AddDays(-20), asOf.AddDays(9), 60, CampaignState.Running, true, null,
            [CampaignChannelKind.Email, CampaignChannelKind.Agent], 0.2m),
    ];

    /// <summary>
    /// The channels a demo campaign contacts through: the plan's, and behind an agent channel the call list for members
    /// no agent serves (docs/plans/issue12-campaigns.md section 5: no servicing agent → the call list). The generator
    /// does not model who makes a contact, so its plan names the agent channel alone.
    /// </summary>
    internal static IReadOnlyList<CampaignChannelKind> Waterfall(Planned p) =>
        p.Channels.Contains(CampaignChannelKind.Agent) && !p.Channels.Contains(CampaignChannelKind.CallList)
            ? [.. p.Channels, CampaignChannelKind.CallList]
            : p.Channels;

    /// <summary>The plan's rule: an individual of 30–59 holding at least one active contract and none of the objective families.</summary>
    public static bool Eligible(bool person, int age, int activeHoldings, bool holdsObjectiveFamily) =>
        person && age is >= 30 and <= 59 && activeHoldings >= 1 && !holdsObjectiveFamily;

    private static readonly TimeZoneInfo Seoul = Attribution.Seoul;

    private sealed record Book(
        List<(long Id, bool Person, DateOnly? BirthDate)> Customers,
        ILookup<long, (DateOnly Issued, ContractStatus Status, DateOnly StatusDate, ProductFamily Family, long? Agent)> Contracts,
        Dictionary<long, long> BranchOfAgent, HashSet<long> WithEmail, HashSet<long> WithMobile, HashSet<long> WithPhone);

    private sealed record Member(CampaignMember Row, int Holdings);

    /// <summary>Writes, attributes and closes the demo campaigns as of <paramref name="asOf"/>; returns how many it created (0 when they exist).</summary>
    public async Task<int> EnsureAsync(DateOnly asOf, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var plan = PlanFor(asOf);
        var codes = plan.Select(p => p.Code).ToList();
        AppUser author, approver;
        await using (var ctx = database.CreateContext())
        {
            if (await ctx.Campaigns.AnyAsync(c => codes.Contains(c.Code), ct))
            {
                return 0;
            }
            var users = await ctx.Users.AsNoTracking().Where(u => u.UserName == Author || u.UserName == Approver).ToListAsync(ct);
            if (users.Find(u => u.UserName == Author) is not { } a || users.Find(u => u.UserName == Approver) is not { } b)
            {
                LogNoUsers(Author, Approver);
                return 0;
            }
            (author, approver) = (a, b);
        }
        var drafts = plan.ToDictionary(p => p.Key, Draft);
        foreach (var (key, draft) in drafts)
        {
            // The demo's plans pass the same validation as a marketer's, or the demo is wrong: say which field.
            var errors = CampaignValidation.Check(draft, new Dictionary<long, Offer>(), out _);
            if (errors.Count > 0)
            {
                throw new InvalidOperationException($"Demo campaign {key} is invalid: "
                    + string.Join("; ", errors.ToEnglish().Select(e => e.Key + ": " + string.Join(" ", e.Value))));
            }
        }

        var visits = await EnsureVisitConsentsAsync(plan[0].StartsOn.AddDays(-30), ct);
        var book = await LoadBookAsync(ct);
        var ids = new Dictionary<int, long>();
        var now = time.GetUtcNow().UtcDateTime;
        await using (var ctx = database.CreateContext())
        {
            ctx.ChangeTracker.AutoDetectChangesEnabled = false;
            await using var tx = await ctx.Database.BeginTransactionAsync(ct);
            var offers = new Dictionary<CampaignChannelKind, Offer>
            {
                [CampaignChannelKind.Email] = new() { Code = "DEMO-HEALTH-CHECK", Name = "무료 보장분석 리포트", ProductFamily = ProductFamily.Health, Cost = 0m, CostBasis = CostBasis.PerContact },
                [CampaignChannelKind.Agent] = new() { Code = "DEMO-FIRST-MONTH", Name = "첫 달 보험료 지원", ProductFamily = ProductFamily.Health, Cost = 30_000m, CostBasis = CostBasis.PerResponse },
            };
            var existingOffers = await ctx.Offers.AsNoTracking().Where(o => o.Code == "DEMO-HEALTH-CHECK" || o.Code == "DEMO-FIRST-MONTH").ToListAsync(ct);
            foreach (var (channel, offer) in offers.ToList())
            {
                if (existingOffers.Find(o => o.Code == offer.Code) is { } stored)
                {
                    offers[channel] = stored;
                }
                else
                {
                    ctx.Offers.Add(offer);
                }
            }
            var rule = new TargetRule { Name = RuleName, OwnerUserId = author.Id, CreatedAt = At(plan[0].StartsOn.AddDays(-21), 9) };
            ctx.TargetRules.Add(rule);
            ctx.ChangeTracker.DetectChanges();
            await ctx.SaveChangesAsync(ct);
            var ruleVersion = new TargetRuleVersion { RuleId = rule.Id, Version = 1, Definition = RuleDefinition, CreatedBy = Author, CreatedAt = rule.CreatedAt };
            ctx.TargetRuleVersions.Add(ruleVersion);
            ctx.ChangeTracker.DetectChanges();
            await ctx.SaveChangesAsync(ct);

            foreach (var p in plan)
            {
                var draft = drafts[p.Key];
                // A fixed salt per year (a real insurer's is random): the demo holds out the same customers on every start from an
                // empty folder, so its campaigns, their call lists and the tests reading them are the same each time.
                var holdout = await UniversalHoldout.EnsureYearAsync(ctx, p.StartsOn.Year, options.Holdout.Share, DemoHoldoutSalt + p.StartsOn.Year, Author, now, ct);
                var created = At(p.StartsOn.AddDays(-14), 9);
                var campaign = new Campaign
                {
                    Code = p.Code, Name = p.Name, Theme = draft.Theme, Hypothesis = draft.Hypothesis, Objective = draft.Objective,
                    ObjectiveFamilies = string.Join(',', draft.ObjectiveFamilies), WindowDays = p.WindowDays, OwnerUserId = author.Id,
                    AuthorUserId = author.Id, ApprovedByUserId = approver.Id, ApprovedAt = At(p.StartsOn.AddDays(-7), 15), State = p.State,
                    StartsOn = p.StartsOn, EndsOn = p.EndsOn, Budget = draft.Budget, Currency = draft.Currency, RuleVersionId = ruleVersion.Id,
                    ControlShare = p.ControlShare, SplitSeed = p.SplitSeed, Alpha = draft.Alpha, Power = draft.Power, BaselineRate = draft.BaselineRate,
                    ExpectedLift = draft.ExpectedLift, OverlapRule = draft.OverlapRule, Priority = draft.Priority, FrequencyCap = draft.FrequencyCap,
                    IsPilot = p.IsPilot, CreatedAt = created, UpdatedAt = created,
                };
                ctx.Campaigns.Add(campaign);
                ctx.ChangeTracker.DetectChanges();
                await ctx.SaveChangesAsync(ct);
                ids[p.Key] = campaign.Id;
                var members = Split(p, book, holdout);
                var channels = draft.Channels.Select(c => new CampaignChannel
                {
                    CampaignId = campaign.Id, Channel = c.Channel, Rank = c.Rank, UnitCost = c.UnitCost,
                    OfferId = offers.TryGetValue(c.Channel, out var offer) ? offer.Id : null,
                }).ToList();
                ctx.CampaignChannels.AddRange(channels);
                var scripts = draft.Scripts.Select(s => new CampaignScript
                {
                    CampaignId = campaign.Id, Channel = s.Channel, Language = s.Language, Version = 1, Subject = s.Subject, Body = s.Body,
                    CreatedBy = Author, CreatedAt = created,
                }).ToList();
                ctx.CampaignScripts.AddRange(scripts);
                ctx.ChangeTracker.DetectChanges();
                await ctx.SaveChangesAsync(ct);

                var split = new CampaignSplit
                {
                    CampaignId = campaign.Id, AsOf = p.StartsOn.AddDays(-1), Seed = p.SplitSeed, ControlShare = p.ControlShare, Candidates = members.Count,
                    Test = members.Count(m => m.Row.Arm == CampaignArm.Test), Control = members.Count(m => m.Row.Arm == CampaignArm.Control),
                    ExcludedHoldout = members.Count(m => m.Row.Arm == CampaignArm.Excluded), CreatedAt = At(p.StartsOn.AddDays(-1), 10), CreatedBy = Author,
                };
                ctx.CampaignSplits.Add(split);
                var (contacts, dailyLimit) = await ContactsAsync(p, campaign.Id, members, book, offers, scripts, asOf, ct);
                channels[0].DailyLimit = dailyLimit;
                ctx.CampaignMembers.AddRange(members.Select(m => m.Row));
                ctx.CampaignContacts.AddRange(contacts);
                ctx.ChangeTracker.DetectChanges();
                await ctx.SaveChangesAsync(ct);
                ctx.Interactions.AddRange(contacts.Where(c => c.State is CampaignContactState.Sent or CampaignContactState.Done).Select(c => new Interaction
                {
                    CustomerId = c.CustomerId, OccurredAt = c.SentAt ?? c.OutcomeAt ?? c.PlannedAt, Channel = InteractionChannelOf(c.Channel),
                    Direction = InteractionDirection.Outbound, Purpose = InteractionPurpose.Campaign,
                    Outcome = c.Outcome is { } outcome ? CampaignWorkLists.InteractionOutcomeOf(outcome) : InteractionOutcome.Completed,
                    AgentId = c.AgentId, StaffUser = c.Channel is CampaignChannelKind.Email or CampaignChannelKind.Sms ? Author : c.OutcomeBy,
                    SourceKey = string.Create(CultureInfo.InvariantCulture, $"CMP-{c.Id}"),
                }));
                ctx.CampaignEvents.AddRange(History(p, campaign.Id, split, contacts, approver.UserName, asOf));
                ctx.ChangeTracker.DetectChanges();
                await ctx.SaveChangesAsync(ct);
                ctx.ChangeTracker.Clear();
            }
            await tx.CommitAsync(ct);
        }

        var marketer = new CrmUser(author.Id, author.UserName, author.Role, author.AgentId, author.BranchId, null, "demo-setup");
        var lessons = new Dictionary<int, string>();
        foreach (var p in plan)
        {
            var run = await attribution.RunAsync(ids[p.Key], asOf, ct);
            if (!run.IsOk)
            {
                throw new InvalidOperationException($"Demo campaign {p.Code} could not be attributed: {run.Outcome} {run.Message}");
            }
            var total = await results.ResultsAsync(marketer, ids[p.Key], ResultBreakdown.Total, ct);
            if (p.State == CampaignState.Closed && total.Value is { } r)
            {
                lessons[p.Key] = Lessons(p, r);
            }
        }
        await using (var ctx = database.CreateContext())
        {
            foreach (var p in plan.Where(p => lessons.ContainsKey(p.Key) || p.ParentKey is not null))
            {
                var campaign = await ctx.Campaigns.SingleAsync(c => c.Id == ids[p.Key], ct);
                if (lessons.TryGetValue(p.Key, out var text))
                {
                    campaign.Lessons = text;
                }
                if (p.ParentKey is { } parent)
                {
                    campaign.ParentCampaignId = ids[parent];
                    ctx.CampaignEvents.Add(new CampaignEvent
                    {
                        CampaignId = ids[parent], At = campaign.CreatedAt, UserName = Author, Kind = CampaignEventKind.RolledOut,
                        Detail = JsonSerializer.Serialize(new { rollOut = campaign.Id, code = campaign.Code }),
                    });
                }
            }
            await ctx.SaveChangesAsync(ct);
            // The targeting mart as the night would leave it, with the visit consents just written: a marketer's first
            // count and split see the agents' channel.
            await Targeting.TargetingMart.RefreshAsync(ctx, time.GetUtcNow().UtcDateTime, asOf, ct);
        }
        LogCreated(plan.Count, visits, clock.ElapsedMilliseconds);
        return plan.Count;
    }

    /// <summary>The plan of a demo campaign as a marketer would write it (validated before anything is written).</summary>
    private static CampaignDraft Draft(Planned p)
    {
        var channels = Waterfall(p).Select((c, i) => new ChannelDraft(c, i + 1, null, c switch
        {
            CampaignChannelKind.Email => 2m,
            CampaignChannelKind.Sms => 30m,
            CampaignChannelKind.CallList => 1_500m,
            _ => 5_000m,
        })).ToList();
        return new CampaignDraft(
            Name: p.Name,
            Theme: "health-gap",
            Hypothesis: p.Key switch
            {
                1 => "건강·CI·암 보장이 없는 30–59세 유지고객은 보장 공백 안내(이메일, 문자)를 받으면 60일 안에 건강보험 가입이 늘어난다.",
                2 => "파일럿의 보장 공백 안내를 설계사 방문과 텔레마케팅으로 전사에 확산하면 같은 고객층의 건강보험 가입이 늘어난다.",
                _ => "보장 공백 안내를 이메일로 먼저, 이메일로 닿지 않는 고객은 담당 설계사가 안내하면 건강보험 가입이 늘어난다.",
            },
            Objective: CampaignObjective.NewContract,
            ObjectiveFamilies: HealthGap,
            WindowDays: p.WindowDays,
            StartsOn: p.StartsOn,
            EndsOn: p.EndsOn,
            Budget: p.Key == 2 ? 50_000_000m : 5_000_000m,
            Currency: "KRW",
            RuleDefinition: RuleDefinition,
            ControlShare: p.ControlShare,
            Alpha: 0.05,
            Power: 0.8,
            BaselineRate: 0.02,
            ExpectedLift: 0.01,
            OverlapRule: OverlapRule.Exclude,
            Priority: 1,
            FrequencyCap: 4,
            IsPilot: p.IsPilot,
            Channels: channels,
            Scripts: [.. Waterfall(p).SelectMany(HealthGapScripts.For)],
            SplitSeed: p.SplitSeed);
    }

    /// <summary>
    /// The generator plants marketing consent for phone, SMS, e-mail and DM but none for visits, so the contact policy
    /// would refuse every agent visit of a campaign and the agents' lists would stay empty. In the demo, agents collected
    /// a visit consent from each of their customers a month before the first campaign (source <c>visit</c>, lapsing two
    /// years later like every grant): one INSERT … SELECT, for customers with no visit statement of their own. Consent is
    /// per channel, so a refusal of calls or e-mail says nothing about visits. The campaigns' contacts are then judged by the contact policy
    /// as always. Returns the rows written.
    /// </summary>
    private async Task<int> EnsureVisitConsentsAsync(DateOnly capturedOn, CancellationToken ct)
    {
        await using var ctx = database.CreateContext();
        return await ctx.Database.ExecuteSqlRawAsync("""
            INSERT INTO marketing_consent (customer_id, channel, granted, night_time_allowed, source, recorded_at, effective_from, expires_on)
            SELECT c.id, 'Visit', TRUE, FALSE, 'visit', @recorded, @from, @expires
            FROM customer c
            WHERE c.merged_into_id IS NULL
              AND EXISTS (SELECT 1 FROM contract k WHERE k.customer_id = c.id AND k.servicing_agent_id IS NOT NULL)
              AND NOT EXISTS (SELECT 1 FROM marketing_consent v WHERE v.customer_id = c.id AND v.channel = 'Visit')
            ORDER BY c.id
            """,
            [ctx.Parameter("recorded", At(capturedOn, 10)), ctx.Parameter("from", capturedOn), ctx.Parameter("expires", capturedOn.AddYears(ContactPolicy.ConsentYears))],
            ct);
    }

    private async Task<Book> LoadBookAsync(CancellationToken ct)
    {
        await using var ctx = database.CreateContext();
        var customers = (await ctx.Customers.AsNoTracking().Where(c => c.MergedIntoId == null)
                .Select(c => new { c.Id, c.Kind, c.BirthDate }).ToListAsync(ct))
            .Select(c => (c.Id, c.Kind == CustomerKind.Individual, c.BirthDate)).ToList();
        var contracts = (await ctx.Contracts.AsNoTracking()
                .Join(ctx.Products, k => k.ProductId, p => p.Id, (k, p) => new { k.CustomerId, k.IssueDate, k.Status, k.StatusDate, p.Family, k.ServicingAgentId })
                .ToListAsync(ct))
            .ToLookup(k => k.CustomerId, k => (k.IssueDate, k.Status, k.StatusDate, k.Family, k.ServicingAgentId));
        var branches = await ctx.Agents.AsNoTracking().ToDictionaryAsync(a => a.Id, a => a.BranchId, ct);
        var emails = (await ctx.CustomerEmails.AsNoTracking().Select(e => e.CustomerId).Distinct().ToListAsync(ct)).ToHashSet();
        var phones = await ctx.CustomerPhones.AsNoTracking().Select(p => new { p.CustomerId, p.Kind }).ToListAsync(ct);
        return new Book(customers, contracts, branches, emails,
            phones.Where(p => p.Kind == PhoneKind.Mobile).Select(p => p.CustomerId).ToHashSet(), phones.Select(p => p.CustomerId).ToHashSet());
    }

    /// <summary>A contract counts as held on <paramref name="day"/> when issued by then and not yet ended (a cancellation voids it from the start).</summary>
    private static bool ActiveOn((DateOnly Issued, ContractStatus Status, DateOnly StatusDate, ProductFamily Family, long? Agent) k, DateOnly day) =>
        k.Issued <= day && k.Status switch
        {
            ContractStatus.InForce or ContractStatus.Reinstated or ContractStatus.PaidUp => true,
            ContractStatus.Applied or ContractStatus.Cancelled => false,
            _ => k.StatusDate > day,
        };

    /// <summary>The plan's rule on the book as it stood the day before the start; the year's holdout first, then Control by the split hash.</summary>
    private static List<Member> Split(Planned p, Book book, HoldoutYear holdout)
    {
        var day = p.StartsOn.AddDays(-1);
        var members = new List<Member>();
        foreach (var (id, person, birth) in book.Customers)
        {
            if (birth is not { } b)
            {
                continue;
            }
            var age = day.Year - b.Year - (day < b.AddYears(day.Year - b.Year) ? 1 : 0);
            var held = book.Contracts[id].Where(k => ActiveOn(k, day)).ToList();
            if (!Eligible(person, age, held.Count, held.Exists(k => HealthGap.Contains(k.Family))))
            {
                continue;
            }
            var arm = UniversalHoldout.Contains(holdout, id) ? CampaignArm.Excluded
                : SplitHash.IsBelow(p.SplitSeed, id, (double)p.ControlShare) ? CampaignArm.Control : CampaignArm.Test;
            var agent = held.Select(k => k.Agent).FirstOrDefault(a => a is not null);
            members.Add(new Member(new CampaignMember
            {
                CampaignId = 0, CustomerId = id, Arm = arm, Exclusion = arm == CampaignArm.Excluded ? MemberExclusion.UniversalHoldout : null,
                Stratum = held.Count switch { 1 => "holdings:1", <= 3 => "holdings:2-3", _ => "holdings:4+" },
                SplitHash = SplitHash.Key(p.SplitSeed, id), AgentId = agent,
                BranchId = agent is { } a && book.BranchOfAgent.TryGetValue(a, out var branch) ? branch : null,
            }, held.Count));
        }
        return members;
    }

    /// <summary>
    /// One contact per Test member on the first channel of the waterfall that reaches them and the contact policy allows
    /// at the start (10:00 in Seoul); none allowed: one Blocked contact on the first channel with the policy's reasons.
    /// Control members get the same planned channel (none when no channel would reach them) and no contact.
    /// Messages were sent at the start (a running campaign's in daily batches up to today); agent and call contacts of a
    /// closed campaign are done, a running campaign's agent list is released today.
    /// </summary>
    private async Task<(List<CampaignContact> Contacts, int? DailyLimit)> ContactsAsync(Planned p, long campaignId, List<Member> members, Book book,
        Dictionary<CampaignChannelKind, Offer> offers, List<CampaignScript> scripts, DateOnly asOf, CancellationToken ct)
    {
        foreach (var m in members)
        {
            m.Row.CampaignId = campaignId;
        }
        // Both arms get the channel the waterfall would use, as the split plans it for either arm; only Test is contacted.
        var test = members.Where(m => m.Row.Arm is CampaignArm.Test or CampaignArm.Control).OrderBy(m => m.Row.SplitHash).ToList();
        var start = At(p.StartsOn, 10);
        var waterfall = Waterfall(p);
        var decisions = new Dictionary<CampaignChannelKind, IReadOnlyList<ContactDecision?>>();
        foreach (var channel in waterfall)
        {
            decisions[channel] = await consents.CheckManyAsync(
                [.. test.Select(m => new ContactRequest(m.Row.CustomerId, ContactChannelOf(channel), ContactPurpose.Marketing, new DateTimeOffset(start)))], ct);
        }
        var contacts = new List<CampaignContact>();
        for (var i = 0; i < test.Count; i++)
        {
            var member = test[i].Row;
            CampaignChannelKind? chosen = null;
            foreach (var channel in waterfall)
            {
                if (Reaches(channel, member, book) && decisions[channel][i] is { Allowed: true })
                {
                    chosen = channel;
                    break;
                }
            }
            var planned = chosen ?? p.Channels[0];
            member.PlannedChannel = chosen;
            member.OfferId = offers.TryGetValue(planned, out var offer) ? offer.Id : null;
            if (member.Arm == CampaignArm.Control)
            {
                continue;
            }
            var contact = new CampaignContact
            {
                CampaignId = campaignId, CustomerId = member.CustomerId, Channel = planned, Attempt = 1,
                IdemKey = CampaignContact.KeyOf(campaignId, member.CustomerId, planned, 1), OfferId = member.OfferId, AgentId = member.AgentId,
                ScriptId = scripts.Find(s => s.Channel == planned && s.Language == ScriptLanguage.Korean)?.Id, PlannedAt = start,
            };
            if (chosen is null)
            {
                contact.State = CampaignContactState.Blocked;
                contact.Reasons = !Reaches(planned, member, book) ? nameof(CampaignBlockReason.NoAddress)
                    : string.Join(',', decisions[planned][i]?.Reasons ?? new[] { ContactReason.NoConsent });
            }
            else if (planned is CampaignChannelKind.Email or CampaignChannelKind.Sms)
            {
                contact.State = CampaignContactState.Sent;
                contact.SentAt = start;
                contact.MessageRef = string.Create(CultureInfo.InvariantCulture, $"<demo.{campaignId}.{member.CustomerId}@insurecrm.example>");
            }
            else if (p.State == CampaignState.Running)
            {
                // Handed at the start; WorkThrough below records what agents and the call center did since.
                contact.State = CampaignContactState.Released;
            }
            else
            {
                // The closed roll-out's visits and calls were made; the demo records them as reached, no more.
                contact.State = CampaignContactState.Done;
                contact.SentAt = start;
                contact.Outcome = CallOutcome.Reached;
                contact.OutcomeAt = start;
                contact.OutcomeBy = Author;
            }
            contacts.Add(contact);
        }
        if (p.State != CampaignState.Running)
        {
            return (contacts, null);
        }
        WorkThrough(p, contacts, CampaignChannelKind.Agent, asOf);
        WorkThrough(p, contacts, CampaignChannelKind.CallList, asOf);
        // As the call list does (CampaignWorkLists.RecordOutcomeAsync): an interested or appointed customer who has an
        // agent is handed to that agent's list, open today.
        var agentScript = scripts.Find(s => s.Channel == CampaignChannelKind.Agent && s.Language == ScriptLanguage.Korean)?.Id;
        contacts.AddRange(contacts
            .Where(c => c.Channel == CampaignChannelKind.CallList && c.Outcome is CallOutcome.Interested or CallOutcome.Appointment && c.AgentId is not null)
            .Select(c => new CampaignContact
            {
                CampaignId = campaignId, CustomerId = c.CustomerId, Channel = CampaignChannelKind.Agent, Attempt = 1,
                IdemKey = CampaignContact.KeyOf(campaignId, c.CustomerId, CampaignChannelKind.Agent, 1), State = CampaignContactState.Released,
                ScriptId = agentScript, OfferId = offers.TryGetValue(CampaignChannelKind.Agent, out var offer) ? offer.Id : c.OfferId,
                AgentId = c.AgentId, PlannedAt = c.OutcomeAt!.Value,
            }).ToList());
        // The running campaign mails in daily batches from the start up to today, so that its dashboard has today's figures.
        var messages = contacts.Where(c => c.State == CampaignContactState.Sent).ToList();
        var days = asOf.DayNumber - p.StartsOn.DayNumber + 1;
        var limit = Math.Max(1, (int)Math.Ceiling(messages.Count / (double)days));
        var now = time.GetUtcNow().UtcDateTime;
        for (var i = 0; i < messages.Count; i++)
        {
            // Spread evenly, counted back from today so that the last batch is today's.
            var at = At(p.StartsOn.AddDays(days - 1 - (int)((long)(messages.Count - 1 - i) * days / messages.Count)), 10);
            messages[i].PlannedAt = at < now ? at : now;
            messages[i].SentAt = messages[i].PlannedAt;
        }
        return (contacts, limit);
    }

    /// <summary>What agents and the call center reported, in the order they work through a list.</summary>
    private static readonly CallOutcome[] VisitOutcomes =
        [CallOutcome.Reached, CallOutcome.Interested, CallOutcome.Refused, CallOutcome.Appointment, CallOutcome.Reached, CallOutcome.NotReached];

    private static readonly CallOutcome[] CallOutcomes =
        [CallOutcome.Reached, CallOutcome.Refused, CallOutcome.Interested, CallOutcome.Reached, CallOutcome.Appointment];

    /// <summary>
    /// A running campaign's handed contacts of one channel since its start: three in five of each agent's (and of the
    /// call list) were worked through day by day up to today (visits reported at 14:00, calls at 11:00, never after
    /// now), each with an outcome code; two in five are still open on today's agent lists and call list. No sale is
    /// planted: sales are contracts, which attribution reads.
    /// </summary>
    private void WorkThrough(Planned p, List<CampaignContact> contacts, CampaignChannelKind channel, DateOnly asOf)
    {
        var handed = contacts.Where(c => c.Channel == channel && c.State == CampaignContactState.Released).ToList();
        // Per agent, so that every agent with a contact (the demo's agent login among them) still has one open today.
        var open = handed.GroupBy(c => c.AgentId).SelectMany(g => g.Where((_, i) => i % 5 < 2)).ToHashSet();
        var done = handed.Where(c => !open.Contains(c)).ToList();
        var now = time.GetUtcNow().UtcDateTime;
        var today = At(asOf, 9);
        foreach (var c in open)
        {
            c.PlannedAt = today < now ? today : now;
        }
        var days = asOf.DayNumber - p.StartsOn.DayNumber + 1;
        var outcomes = channel == CampaignChannelKind.Agent ? VisitOutcomes : CallOutcomes;
        for (var i = 0; i < done.Count; i++)
        {
            // Spread evenly, counted back from today so that the last ones are today's.
            var day = p.StartsOn.AddDays(days - 1 - (int)((long)(done.Count - 1 - i) * days / done.Count));
            var at = At(day, channel == CampaignChannelKind.Agent ? 14 : 11);
            var c = done[i];
            c.State = CampaignContactState.Done;
            c.Outcome = outcomes[i % outcomes.Length];
            c.OutcomeAt = at < now ? at : now;
            c.OutcomeBy = channel == CampaignChannelKind.CallList ? CallCenterUser : null;
        }
    }

    private static bool Reaches(CampaignChannelKind channel, CampaignMember member, Book book) => channel switch
    {
        CampaignChannelKind.Email => book.WithEmail.Contains(member.CustomerId),
        CampaignChannelKind.Sms => book.WithMobile.Contains(member.CustomerId),
        CampaignChannelKind.Agent => member.AgentId is not null,
        CampaignChannelKind.CallList => book.WithPhone.Contains(member.CustomerId),
        _ => false,
    };

    private static ContactChannel ContactChannelOf(CampaignChannelKind channel) => channel switch
    {
        CampaignChannelKind.Email => ContactChannel.Email,
        CampaignChannelKind.Sms => ContactChannel.Sms,
        CampaignChannelKind.Agent => ContactChannel.Visit,
        CampaignChannelKind.CallList => ContactChannel.Phone,
        _ => ContactChannel.Dm,
    };

    private static InteractionChannel InteractionChannelOf(CampaignChannelKind channel) => channel switch
    {
        CampaignChannelKind.Email => InteractionChannel.Email,
        CampaignChannelKind.Sms => InteractionChannel.Sms,
        CampaignChannelKind.Agent => InteractionChannel.Visit,
        CampaignChannelKind.CallList => InteractionChannel.PhoneOut,
        _ => InteractionChannel.Dm,
    };

    private static IEnumerable<CampaignEvent> History(Planned p, long id, CampaignSplit split, List<CampaignContact> contacts, string approver, DateOnly asOf)
    {
        CampaignEvent E(DateTime at, string user, CampaignEventKind kind, object detail) =>
            new() { CampaignId = id, At = at, UserName = user, Kind = kind, Detail = JsonSerializer.Serialize(detail) };
        yield return E(At(p.StartsOn.AddDays(-14), 9), Author, CampaignEventKind.Created, new { code = p.Code });
        yield return E(At(p.StartsOn.AddDays(-10), 11), Author, CampaignEventKind.Simulated, new { controlShare = p.ControlShare });
        yield return E(At(p.StartsOn.AddDays(-7), 15), approver, CampaignEventKind.Approved, new { version = 1 });
        yield return E(split.CreatedAt, Author, CampaignEventKind.Split,
            new { candidates = split.Candidates, test = split.Test, control = split.Control, excludedHoldout = split.ExcludedHoldout });
        yield return E(At(p.StartsOn, 9), Author, CampaignEventKind.Started, new { startsOn = p.StartsOn });
        var sent = contacts.Count(c => c.State is CampaignContactState.Sent or CampaignContactState.Done or CampaignContactState.Released);
        yield return E(At(p.StartsOn, 10), Author, CampaignEventKind.Sent,
            new { sent, blocked = contacts.Count(c => c.State == CampaignContactState.Blocked) });
        if (p.State == CampaignState.Closed)
        {
            yield return E(At(p.EndsOn.AddDays(1), 0), Author, CampaignEventKind.Measuring, new { endsOn = p.EndsOn });
            var closed = p.EndsOn.AddDays(p.WindowDays + 1);
            yield return E(At(closed < asOf ? closed : asOf, 17), Author, CampaignEventKind.Closed, new { lessons = true });
        }
    }

    /// <summary>What the pilot taught, from its measured result: the uplift with its interval and whether it is significant.</summary>
    private static string Lessons(Planned p, CampaignResults r)
    {
        var t = r.Total;
        var c = t.Comparison;
        var ci = CultureInfo.InvariantCulture;
        var figures = string.Format(ci,
            "테스트 반응률 {0:P2} ({1:N0}/{2:N0}명), 대조군 {3:P2} ({4:N0}/{5:N0}명), 차이 {6:+0.00;-0.00;0.00}%p (95% 신뢰구간 {7:+0.00;-0.00;0.00}–{8:+0.00;-0.00;0.00}%p, p = {9:0.000}).",
            t.Test.ResponseRate.Value, t.Test.Responders, t.Test.Members, t.Control.ResponseRate.Value, t.Control.Responders, t.Control.Members,
            c.Uplift.Value * 100, c.Uplift.Lower * 100, c.Uplift.Upper * 100, c.PValue);
        var verdict = c.Significant
            ? "차이는 유의하다(α = 0.05)."
            : "차이는 유의하지 않다(α = 0.05): 이 표본으로는 효과가 있다고도 없다고도 말할 수 없다.";
        var next = (p.IsPilot, c.Significant) switch
        {
            (true, true) => "교훈: 같은 고객층에 전사 확산하되, 설계사 채널로 넓혀 효과가 유지되는지 대조군으로 다시 잰다.",
            (true, false) => "교훈: 메시지만으로는 가입이 뚜렷이 늘지 않았다. 확산은 설계사 방문·전화로 채널을 바꿔 대조군과 함께 재검증한다.",
            (false, true) => "교훈: 설계사·콜 채널의 확산에서 효과가 확인되었다. 다음 차수는 이메일을 앞세워 비용을 줄인다.",
            _ => "교훈: 확산에서도 효과가 확인되지 않았다. 다음 차수는 보유계약 수별(층별) 반응을 보고 대상을 좁힌다.",
        };
        return figures + " " + verdict + " " + next;
    }

    /// <summary>A date's hour in Seoul as a UTC instant.</summary>
    private static DateTime At(DateOnly day, int hour) =>
        TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(new TimeOnly(hour, 0)), Seoul);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo campaigns: {Count} written, attributed and closed where due, {Visits} visit consents recorded, in {Milliseconds} ms")]
    private partial void LogCreated(int count, int visits, long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo campaigns skipped: the demo users {Author} and {Approver} are missing")]
    private partial void LogNoUsers(string author, string approver);
}
