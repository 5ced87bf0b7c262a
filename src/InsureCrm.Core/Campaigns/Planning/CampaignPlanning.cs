using System.Globalization;
using System.Text.Json;
using InsureCrm.Core.Campaigns.Targeting;
using InsureCrm.Core.Campaigns.Uplift;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Campaigns.Planning;

/// <summary>
/// The plan's use cases (docs/plans/issue12-campaigns.md section 3): each one transaction that writes the campaign, its
/// rule version, channels and scripts and a history entry, or nothing. Refused moves are Conflict results.
/// </summary>
internal sealed class CampaignPlanning(CrmDatabase database, TimeProvider time) : ICampaignPlanning
{
    private static readonly TimeZoneInfo Seoul = TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");

    public Task<CampaignResult<CampaignSummary>> CreateAsync(CrmUser user, CampaignDraft draft, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(draft);
        return user.Role.Allows(Capability.CampaignEdit)
            ? CreateCoreAsync(user, draft, null, ct)
            : Task.FromResult(CampaignResult.Forbidden<CampaignSummary>());
    }

    /// <summary>Creates a Draft; with <paramref name="rollOutOf"/> (pilot id, measured rate and lift) it is that pilot's roll-out, in the same transaction.</summary>
    private async Task<CampaignResult<CampaignSummary>> CreateCoreAsync(CrmUser user, CampaignDraft draft, (long PilotId, double Rate, double Lift)? rollOutOf, CancellationToken ct,
        CampaignUpliftTargeting? uplift = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var ctx = database.CreateContext();
            var offers = await OffersOf(ctx, draft.Channels.Select(c => c.OfferId), ct);
            var errors = CampaignValidation.Check(draft, offers, out var rule);
            if (errors.Count > 0)
            {
                return CampaignResult.Invalid<CampaignSummary>(errors);
            }
            var now = time.GetUtcNow().UtcDateTime;
            await using var tx = await ctx.Database.BeginTransactionAsync(ct);
            var campaign = new Campaign
            {
                Code = await NextCodeAsync(ctx, Today(), ct),
                AuthorUserId = user.UserId,
                OwnerUserId = draft.OwnerUserId ?? user.UserId,
                State = CampaignState.Draft,
                SplitSeed = draft.SplitSeed ?? UniversalHoldout.NewSalt(),
                IsPilot = draft.IsPilot,
                ParentCampaignId = rollOutOf?.PilotId,
                CreatedAt = now,
            };
            Apply(campaign, draft, now);
            if (rule is not null)
            {
                campaign.RuleVersionId = await NewRuleVersionAsync(ctx, campaign.Code, null, rule, user, now, ct);
            }
            ctx.Add(campaign);
            try
            {
                await ctx.SaveChangesAsync(ct);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                continue; // another plan took the code: number again
            }
            ctx.AddRange(draft.Channels.Select(c => ChannelOf(campaign.Id, c)));
            ctx.AddRange(draft.Scripts.Select(s => ScriptOf(campaign.Id, s.Channel, s.Language, 1, s.Subject, s.Body, null, user, now)));
            AddEvent(ctx, campaign.Id, user, now, CampaignEventKind.Created, new { code = campaign.Code, ruleVersionId = campaign.RuleVersionId, parentCampaignId = campaign.ParentCampaignId });
            if (rollOutOf is { } pilot)
            {
                AddEvent(ctx, pilot.PilotId, user, now, CampaignEventKind.RolledOut, new
                {
                    rollOutId = campaign.Id, rollOutCode = campaign.Code, baselineRate = pilot.Rate, expectedLift = pilot.Lift,
                    upliftTopN = uplift?.TopN, upliftModelId = uplift?.ModelId, keepNegative = uplift?.KeepNegative,
                });
            }
            if (uplift is not null)
            {
                uplift.CampaignId = campaign.Id;
                ctx.Add(uplift);
            }
            await ctx.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return CampaignResult.Ok(Summary(campaign));
        }
    }

    public async Task<CampaignResult<CampaignSummary>> EditAsync(CrmUser user, long campaignId, int version, CampaignDraft draft, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(draft);
        if (!user.Role.Allows(Capability.CampaignEdit))
        {
            return CampaignResult.Forbidden<CampaignSummary>();
        }
        await using var ctx = database.CreateContext();
        var campaign = await ctx.Campaigns.SingleOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null)
        {
            return CampaignResult.NotFound<CampaignSummary>();
        }
        if (campaign.State is not (CampaignState.Draft or CampaignState.Approved))
        {
            return CampaignResult.Conflict<CampaignSummary>($"A {campaign.State} campaign's plan cannot be edited; revise its scripts or offers instead.", campaign.Version);
        }
        if (campaign.Version != version)
        {
            return Stale<CampaignSummary>(campaign);
        }
        var offers = await OffersOf(ctx, draft.Channels.Select(c => c.OfferId), ct);
        var errors = CampaignValidation.Check(draft, offers, out var rule);
        if (errors.Count > 0)
        {
            return CampaignResult.Invalid<CampaignSummary>(errors);
        }
        var now = time.GetUtcNow().UtcDateTime;
        await using var tx = await ctx.Database.BeginTransactionAsync(ct);
        var wasApproved = campaign.State == CampaignState.Approved;
        Apply(campaign, draft, now);
        if (draft.OwnerUserId is { } owner)
        {
            campaign.OwnerUserId = owner;
        }
        if (draft.SplitSeed is { } seed)
        {
            campaign.SplitSeed = seed;
        }
        if (wasApproved)
        {
            campaign.State = CampaignState.Draft;
            campaign.ApprovedByUserId = null;
            campaign.ApprovedAt = null;
        }
        if (rule is not null)
        {
            var current = campaign.RuleVersionId is { } rv
                ? await ctx.TargetRuleVersions.AsNoTracking().SingleAsync(v => v.Id == rv, ct)
                : null;
            var json = rule.ToJson();
            if (current is null || current.Definition != json)
            {
                campaign.RuleVersionId = await NewRuleVersionAsync(ctx, campaign.Code, current, rule, user, now, ct);
                AddEvent(ctx, campaign.Id, user, now, CampaignEventKind.RuleChanged, new { ruleVersionId = campaign.RuleVersionId });
            }
        }

        var channels = await ctx.CampaignChannels.Where(c => c.CampaignId == campaignId).ToListAsync(ct);
        foreach (var old in channels.Where(o => draft.Channels.All(d => d.Channel != o.Channel)))
        {
            ctx.Remove(old);
        }
        foreach (var d in draft.Channels)
        {
            if (channels.FirstOrDefault(o => o.Channel == d.Channel) is { } existing)
            {
                existing.Rank = d.Rank;
                existing.OfferId = d.OfferId;
                existing.UnitCost = d.UnitCost;
                existing.DailyLimit = d.DailyLimit;
            }
            else
            {
                ctx.Add(ChannelOf(campaignId, d));
            }
        }
        var latest = await LatestScriptsAsync(ctx, campaignId, ct);
        foreach (var s in draft.Scripts)
        {
            var previous = latest.FirstOrDefault(l => l.Channel == s.Channel && l.Language == s.Language);
            if (previous is null || previous.Subject != s.Subject || previous.Body != s.Body)
            {
                ctx.Add(ScriptOf(campaignId, s.Channel, s.Language, (previous?.Version ?? 0) + 1, s.Subject, s.Body, null, user, now));
            }
        }
        AddEvent(ctx, campaignId, user, now, CampaignEventKind.Edited, new { returnedToDraft = wasApproved });
        try
        {
            await ctx.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return await StaleAsync<CampaignSummary>(campaignId, ct);
        }
        await tx.CommitAsync(ct);
        return CampaignResult.Ok(Summary(campaign));
    }

    public async Task<CampaignResult<CampaignSummary>> ApproveAsync(CrmUser user, long campaignId, int version, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.Role.Allows(Capability.CampaignApprove))
        {
            return CampaignResult.Forbidden<CampaignSummary>();
        }
        await using var ctx = database.CreateContext();
        var campaign = await ctx.Campaigns.SingleOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null)
        {
            return CampaignResult.NotFound<CampaignSummary>();
        }
        if (campaign.State != CampaignState.Draft)
        {
            return CampaignResult.Conflict<CampaignSummary>($"Only a Draft can be approved; this campaign is {campaign.State}.", campaign.Version);
        }
        if (campaign.Version != version)
        {
            return Stale<CampaignSummary>(campaign);
        }
        // Four eyes: neither the author nor anyone who changed the plan approves it.
        var wrote = campaign.AuthorUserId == user.UserId || await ctx.CampaignEvents.AnyAsync(
            e => e.CampaignId == campaignId && e.UserName == user.UserName
                && (e.Kind == CampaignEventKind.Created || e.Kind == CampaignEventKind.Edited || e.Kind == CampaignEventKind.RuleChanged
                    || e.Kind == CampaignEventKind.ScriptRevised || e.Kind == CampaignEventKind.OfferChanged), ct);
        if (wrote)
        {
            return CampaignResult.Conflict<CampaignSummary>("You wrote or changed this plan; someone else must approve it (four eyes).", campaign.Version);
        }
        if (campaign.RuleVersionId is null)
        {
            return CampaignResult.Conflict<CampaignSummary>("The plan has no target rule yet.", campaign.Version);
        }
        var now = time.GetUtcNow().UtcDateTime;
        campaign.State = CampaignState.Approved;
        campaign.ApprovedByUserId = user.UserId;
        campaign.ApprovedAt = now;
        campaign.UpdatedAt = now;
        AddEvent(ctx, campaignId, user, now, CampaignEventKind.Approved, new { version });
        return await SaveAsync(ctx, campaign, ct);
    }

    public async Task<CampaignResult<CampaignSummary>> StartAsync(CrmUser user, long campaignId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.Role.Allows(Capability.CampaignEdit))
        {
            return CampaignResult.Forbidden<CampaignSummary>();
        }
        await using var ctx = database.CreateContext();
        var campaign = await ctx.Campaigns.SingleOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null)
        {
            return CampaignResult.NotFound<CampaignSummary>();
        }
        if (campaign.State != CampaignState.Approved)
        {
            return CampaignResult.Conflict<CampaignSummary>($"Only an Approved campaign can start; this one is {campaign.State}.", campaign.Version);
        }
        if (!await ctx.CampaignSplits.AnyAsync(s => s.CampaignId == campaignId, ct))
        {
            return CampaignResult.Conflict<CampaignSummary>("Split the list into test and control before starting.", campaign.Version);
        }
        var today = Today();
        if (campaign.StartsOn > today)
        {
            return CampaignResult.Conflict<CampaignSummary>($"The campaign starts on {campaign.StartsOn:yyyy-MM-dd}; it cannot run before.", campaign.Version);
        }
        var now = time.GetUtcNow().UtcDateTime;
        campaign.State = CampaignState.Running;
        campaign.UpdatedAt = now;
        AddEvent(ctx, campaignId, user, now, CampaignEventKind.Started, new { on = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        return await SaveAsync(ctx, campaign, ct);
    }

    public async Task<CampaignResult<CampaignSummary>> CloseAsync(CrmUser user, long campaignId, int version, string lessons, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.Role.Allows(Capability.CampaignEdit))
        {
            return CampaignResult.Forbidden<CampaignSummary>();
        }
        if (string.IsNullOrWhiteSpace(lessons) || lessons.Length > Campaign.MaxLessonsLength)
        {
            return string.IsNullOrWhiteSpace(lessons)
                ? CampaignResult.Invalid<CampaignSummary>("lessons", "lessons.missing")
                : CampaignResult.Invalid<CampaignSummary>("lessons", "lessons.tooLong", CampaignErrors.Arg(lessons.Length, "N0"), CampaignErrors.Arg(Campaign.MaxLessonsLength, "N0"));
        }
        await using var ctx = database.CreateContext();
        var campaign = await ctx.Campaigns.SingleOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null)
        {
            return CampaignResult.NotFound<CampaignSummary>();
        }
        if (campaign.State != CampaignState.Measuring)
        {
            return CampaignResult.Conflict<CampaignSummary>($"Only a campaign being measured can close; this one is {campaign.State}.", campaign.Version);
        }
        if (campaign.Version != version)
        {
            return Stale<CampaignSummary>(campaign);
        }
        var now = time.GetUtcNow().UtcDateTime;
        campaign.State = CampaignState.Closed;
        campaign.Lessons = lessons.Trim();
        campaign.UpdatedAt = now;
        AddEvent(ctx, campaignId, user, now, CampaignEventKind.Closed, new { version });
        return await SaveAsync(ctx, campaign, ct);
    }

    public async Task<CampaignResult<CampaignSummary>> CancelAsync(CrmUser user, long campaignId, int version, string reason, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.Role.Allows(Capability.CampaignEdit))
        {
            return CampaignResult.Forbidden<CampaignSummary>();
        }
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 1000)
        {
            return CampaignResult.Invalid<CampaignSummary>("reason", "cancel.reason");
        }
        await using var ctx = database.CreateContext();
        var campaign = await ctx.Campaigns.SingleOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null)
        {
            return CampaignResult.NotFound<CampaignSummary>();
        }
        if (campaign.State is not (CampaignState.Draft or CampaignState.Approved or CampaignState.Running))
        {
            return CampaignResult.Conflict<CampaignSummary>($"A {campaign.State} campaign cannot be cancelled.", campaign.Version);
        }
        if (campaign.Version != version)
        {
            return Stale<CampaignSummary>(campaign);
        }
        var now = time.GetUtcNow().UtcDateTime;
        await using var tx = await ctx.Database.BeginTransactionAsync(ct);
        var blocked = await ctx.CampaignContacts
            .Where(c => c.CampaignId == campaignId && (c.State == CampaignContactState.Pending || c.State == CampaignContactState.Deferred))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.State, CampaignContactState.Blocked)
                .SetProperty(c => c.Reasons, nameof(CampaignBlockReason.Cancelled))
                .SetProperty(c => c.LeaseUntil, (DateTime?)null), ct);
        campaign.State = CampaignState.Cancelled;
        campaign.UpdatedAt = now;
        AddEvent(ctx, campaignId, user, now, CampaignEventKind.Cancelled, new { reason = reason.Trim(), blockedContacts = blocked });
        var result = await SaveAsync(ctx, campaign, ct);
        if (result.IsOk)
        {
            await tx.CommitAsync(ct);
        }
        return result;
    }

    public async Task<CampaignResult<CampaignSummary>> RollOutAsync(CrmUser user, long pilotId, RollOutDraft draft, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(draft);
        if (!user.Role.Allows(Capability.CampaignEdit))
        {
            return CampaignResult.Forbidden<CampaignSummary>();
        }
        await using var ctx = database.CreateContext();
        var pilot = await ctx.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == pilotId, ct);
        if (pilot is null)
        {
            return CampaignResult.NotFound<CampaignSummary>();
        }
        if (!pilot.IsPilot || pilot.State is not (CampaignState.Measuring or CampaignState.Closed))
        {
            return CampaignResult.Conflict<CampaignSummary>("Only a pilot that is being measured or closed can be rolled out.", pilot.Version);
        }
        var split = await ctx.CampaignSplits.AsNoTracking().SingleOrDefaultAsync(s => s.CampaignId == pilotId, ct);
        var attribution = await ctx.CampaignAttributions.AsNoTracking().Where(a => a.CampaignId == pilotId)
            .OrderByDescending(a => a.AsOf).ThenByDescending(a => a.Id).FirstOrDefaultAsync(ct);
        if (split is null || attribution is null || split.Test == 0 || split.Control == 0)
        {
            return CampaignResult.Conflict<CampaignSummary>("The pilot has no measured result yet; attribute its responses first.", pilot.Version);
        }
        var controlRate = (double)attribution.RespondersControl / split.Control;
        var testRate = (double)attribution.RespondersTest / split.Test;
        var lift = testRate - controlRate;
        if (lift <= 0)
        {
            return CampaignResult.Conflict<CampaignSummary>(
                string.Create(CultureInfo.InvariantCulture, $"The pilot measured no lift (test {testRate:P2}, control {controlRate:P2}); there is nothing to roll out."), pilot.Version);
        }
        CampaignUpliftTargeting? uplift = null;
        if (draft.UpliftTopN is { } topN)
        {
            if (topN <= 0)
            {
                var errors = new CampaignErrors();
                errors.Add("upliftTopN", "rollout.upliftTopN", topN.ToString(CultureInfo.InvariantCulture));
                return CampaignResult.Invalid<CampaignSummary>(errors);
            }
            var model = await ctx.CampaignUpliftModels.AsNoTracking().Where(m => m.CampaignId == pilotId).OrderByDescending(m => m.Version).FirstOrDefaultAsync(ct);
            if (model is null)
            {
                var errors = new CampaignErrors();
                errors.Add("upliftTopN", "rollout.noUpliftModel", pilot.Code);
                return CampaignResult.Invalid<CampaignSummary>(errors);
            }
            uplift = new CampaignUpliftTargeting { ModelId = model.Id, TopN = topN, KeepNegative = draft.KeepNegative };
        }
        var channels = await ctx.CampaignChannels.AsNoTracking().Where(c => c.CampaignId == pilotId).OrderBy(c => c.Rank).ToListAsync(ct);
        var scripts = await LatestScriptsAsync(ctx, pilotId, ct);
        var clone = new CampaignDraft(
            draft.Name, pilot.Theme, pilot.Hypothesis, pilot.Objective, Families(pilot.ObjectiveFamilies), pilot.WindowDays, draft.StartsOn, draft.EndsOn,
            draft.Budget ?? pilot.Budget, pilot.Currency, draft.RuleDefinition, pilot.ControlShare, pilot.Alpha, pilot.Power,
            controlRate > 0 ? controlRate : null, lift, pilot.OverlapRule, pilot.Priority, pilot.FrequencyCap, IsPilot: false,
            [.. channels.Select(c => new ChannelDraft(c.Channel, c.Rank, c.OfferId, c.UnitCost, c.DailyLimit))],
            [.. scripts.Select(s => new ScriptDraft(s.Channel, s.Language, s.Subject, s.Body))]);
        return await CreateCoreAsync(user, clone, (pilotId, controlRate, lift), ct, uplift);
    }

    public async Task<CampaignResult<ScriptView>> ReviseScriptAsync(CrmUser user, long campaignId, ScriptRevision revision, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(revision);
        if (!user.Role.Allows(Capability.CampaignEdit))
        {
            return CampaignResult.Forbidden<ScriptView>();
        }
        var errors = new CampaignErrors();
        CampaignValidation.CheckScript("script", revision.Channel, revision.Language, revision.Subject, revision.Body, errors);
        if (string.IsNullOrWhiteSpace(revision.Reason) || revision.Reason.Length > 500)
        {
            errors.Add("reason", "script.reason");
        }
        if (errors.Count > 0)
        {
            return CampaignResult.Invalid<ScriptView>(errors);
        }
        await using var ctx = database.CreateContext();
        var campaign = await ctx.Campaigns.SingleOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null)
        {
            return CampaignResult.NotFound<ScriptView>();
        }
        if (campaign.State is not (CampaignState.Draft or CampaignState.Approved or CampaignState.Running))
        {
            return CampaignResult.Conflict<ScriptView>($"A {campaign.State} campaign's scripts cannot change.", campaign.Version);
        }
        if (!await ctx.CampaignChannels.AnyAsync(c => c.CampaignId == campaignId && c.Channel == revision.Channel, ct))
        {
            return CampaignResult.Invalid<ScriptView>("script.channel", "channel.notInCampaign", revision.Channel.ToString());
        }
        var previous = await ctx.CampaignScripts.Where(s => s.CampaignId == campaignId && s.Channel == revision.Channel && s.Language == revision.Language)
            .MaxAsync(s => (int?)s.Version, ct) ?? 0;
        var now = time.GetUtcNow().UtcDateTime;
        var script = ScriptOf(campaignId, revision.Channel, revision.Language, previous + 1, revision.Subject, revision.Body, revision.Reason.Trim(), user, now);
        ctx.Add(script);
        BackToDraft(campaign, now);
        campaign.UpdatedAt = now;
        await using var tx = await ctx.Database.BeginTransactionAsync(ct);
        await ctx.SaveChangesAsync(ct);
        AddEvent(ctx, campaignId, user, now, CampaignEventKind.ScriptRevised, new { scriptId = script.Id, channel = revision.Channel.ToString(), language = revision.Language, version = script.Version });
        await ctx.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return CampaignResult.Ok(new ScriptView(script.Id, script.Channel, script.Language, script.Version, script.Subject, script.Body, script.CreatedBy, script.CreatedAt, script.Reason));
    }

    public async Task<CampaignResult<ChannelView>> ChangeOfferAsync(CrmUser user, long campaignId, OfferChange change, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(change);
        if (!user.Role.Allows(Capability.CampaignEdit))
        {
            return CampaignResult.Forbidden<ChannelView>();
        }
        if (string.IsNullOrWhiteSpace(change.Reason) || change.Reason.Length > 500)
        {
            return CampaignResult.Invalid<ChannelView>("reason", "offer.changeReason");
        }
        await using var ctx = database.CreateContext();
        var campaign = await ctx.Campaigns.SingleOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null)
        {
            return CampaignResult.NotFound<ChannelView>();
        }
        if (campaign.State is not (CampaignState.Draft or CampaignState.Approved or CampaignState.Running))
        {
            return CampaignResult.Conflict<ChannelView>($"A {campaign.State} campaign's offers cannot change.", campaign.Version);
        }
        var channel = await ctx.CampaignChannels.SingleOrDefaultAsync(c => c.CampaignId == campaignId && c.Channel == change.Channel, ct);
        if (channel is null)
        {
            return CampaignResult.Invalid<ChannelView>("channel", "channel.notInCampaign", change.Channel.ToString());
        }
        Offer? offer = null;
        if (change.OfferId is { } offerId)
        {
            offer = await ctx.Offers.AsNoTracking().SingleOrDefaultAsync(o => o.Id == offerId, ct);
            if (CampaignValidation.OfferProblem(offerId, offer, campaign.Currency) is { } problem)
            {
                var errors = new CampaignErrors();
                errors.Add("offerId", problem);
                return CampaignResult.Invalid<ChannelView>(errors);
            }
        }
        var now = time.GetUtcNow().UtcDateTime;
        var before = channel.OfferId;
        channel.OfferId = change.OfferId;
        BackToDraft(campaign, now);
        campaign.UpdatedAt = now;
        AddEvent(ctx, campaignId, user, now, CampaignEventKind.OfferChanged, new { channel = change.Channel.ToString(), from = before, to = change.OfferId, reason = change.Reason.Trim() });
        await ctx.SaveChangesAsync(ct);
        return CampaignResult.Ok(new ChannelView(channel.Channel, channel.Rank, offer is null ? null : CampaignLibrary.ViewOf(offer), channel.UnitCost, channel.DailyLimit));
    }

    public async Task<CampaignResult<OfferView>> SaveOfferAsync(CrmUser user, long? offerId, int? version, OfferDraft draft, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(draft);
        if (!user.Role.Allows(Capability.CampaignEdit))
        {
            return CampaignResult.Forbidden<OfferView>();
        }
        var errors = CampaignValidation.CheckOffer(draft);
        if (errors.Count > 0)
        {
            return CampaignResult.Invalid<OfferView>(errors);
        }
        await using var ctx = database.CreateContext();
        var code = draft.Code.Trim();
        if (await ctx.Offers.AnyAsync(o => o.Code == code && o.Id != (offerId ?? 0), ct))
        {
            return CampaignResult.Invalid<OfferView>("code", "offer.codeUsed", code);
        }
        Offer offer;
        if (offerId is { } id)
        {
            var stored = await ctx.Offers.SingleOrDefaultAsync(o => o.Id == id, ct);
            if (stored is null)
            {
                return CampaignResult.NotFound<OfferView>();
            }
            offer = stored;
            if (version != offer.Version)
            {
                return CampaignResult.Conflict<OfferView>("Someone else changed this offer; reload it.", offer.Version);
            }
            ctx.Entry(offer).Property(o => o.Version).OriginalValue = version.Value;
        }
        else
        {
            offer = new Offer();
            ctx.Add(offer);
        }
        offer.Code = code;
        offer.Name = draft.Name.Trim();
        offer.ProductFamily = draft.ProductFamily;
        offer.Cost = draft.Cost!.Value;
        offer.CostBasis = draft.CostBasis;
        offer.Currency = draft.Currency;
        offer.Active = draft.Active;
        try
        {
            await ctx.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            await using var fresh = database.CreateContext();
            var current = await fresh.Offers.AsNoTracking().Where(o => o.Id == offer.Id).Select(o => o.Version).SingleOrDefaultAsync(ct);
            return CampaignResult.Conflict<OfferView>("Someone else changed this offer; reload it.", current);
        }
        return CampaignResult.Ok(CampaignLibrary.ViewOf(offer));
    }

    internal DateOnly Today() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(time.GetUtcNow().UtcDateTime, Seoul));

    internal static CampaignSummary Summary(Campaign c) =>
        new(c.Id, c.Code, c.Name, c.Theme, c.Objective, c.State, c.StartsOn, c.EndsOn, c.IsPilot, c.OwnerUserId, c.AuthorUserId, c.Version);

    internal static IReadOnlyList<Policies.ProductFamily> Families(string csv) =>
        [.. csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Enum.Parse<Policies.ProductFamily>)];

    private static void BackToDraft(Campaign campaign, DateTime now)
    {
        // An approved plan that changes must be approved again; a running one keeps running with its revision history.
        if (campaign.State == CampaignState.Approved)
        {
            campaign.State = CampaignState.Draft;
            campaign.ApprovedByUserId = null;
            campaign.ApprovedAt = null;
            campaign.UpdatedAt = now;
        }
    }

    private static void Apply(Campaign c, CampaignDraft d, DateTime now)
    {
        c.Name = d.Name.Trim();
        c.Theme = d.Theme.Trim();
        c.Hypothesis = d.Hypothesis.Trim();
        c.Objective = d.Objective;
        c.ObjectiveFamilies = string.Join(',', d.ObjectiveFamilies.Distinct().Select(f => f.ToString()));
        c.WindowDays = d.WindowDays;
        c.StartsOn = d.StartsOn;
        c.EndsOn = d.EndsOn;
        c.Budget = d.Budget;
        c.Currency = d.Currency;
        c.ControlShare = d.ControlShare;
        c.Alpha = d.Alpha;
        c.Power = d.Power;
        c.BaselineRate = d.BaselineRate;
        c.ExpectedLift = d.ExpectedLift;
        c.OverlapRule = d.OverlapRule;
        c.Priority = d.Priority;
        c.FrequencyCap = d.FrequencyCap;
        c.IsPilot = d.IsPilot;
        c.UpdatedAt = now;
    }

    private static CampaignChannel ChannelOf(long campaignId, ChannelDraft d) =>
        new() { CampaignId = campaignId, Channel = d.Channel, Rank = d.Rank, OfferId = d.OfferId, UnitCost = d.UnitCost, DailyLimit = d.DailyLimit };

    private static CampaignScript ScriptOf(long campaignId, CampaignChannelKind channel, string language, int version, string? subject, string body, string? reason, CrmUser user, DateTime now) =>
        new() { CampaignId = campaignId, Channel = channel, Language = language, Version = version, Subject = subject, Body = body, Reason = reason, CreatedBy = user.UserName, CreatedAt = now };

    internal static async Task<List<CampaignScript>> LatestScriptsAsync(CrmDbContext ctx, long campaignId, CancellationToken ct)
    {
        var all = await ctx.CampaignScripts.AsNoTracking().Where(s => s.CampaignId == campaignId).ToListAsync(ct);
        return [.. all.GroupBy(s => (s.Channel, s.Language)).Select(g => g.MaxBy(s => s.Version)!).OrderBy(s => s.Channel).ThenBy(s => s.Language, StringComparer.Ordinal)];
    }

    private static async Task<Dictionary<long, Offer>> OffersOf(CrmDbContext ctx, IEnumerable<long?> ids, CancellationToken ct)
    {
        var wanted = ids.OfType<long>().Distinct().ToList();
        return wanted.Count == 0 ? [] : await ctx.Offers.AsNoTracking().Where(o => wanted.Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
    }

    private static async Task<string> NextCodeAsync(CrmDbContext ctx, DateOnly today, CancellationToken ct)
    {
        var prefix = string.Create(CultureInfo.InvariantCulture, $"C-{today.Year}-");
        var codes = await ctx.Campaigns.AsNoTracking().Where(c => c.Code.StartsWith(prefix)).Select(c => c.Code).ToListAsync(ct);
        var next = codes.Select(c => int.TryParse(c.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0).DefaultIfEmpty(0).Max() + 1;
        return prefix + next.ToString("000", CultureInfo.InvariantCulture);
    }

    private static async Task<long> NewRuleVersionAsync(CrmDbContext ctx, string code, TargetRuleVersion? current, RuleDefinition rule, CrmUser user, DateTime now, CancellationToken ct)
    {
        long ruleId;
        int version;
        if (current is null)
        {
            var name = "campaign " + code;
            var existing = await ctx.TargetRules.SingleOrDefaultAsync(r => r.Name == name, ct);
            if (existing is null)
            {
                existing = new TargetRule { Name = name, OwnerUserId = user.UserId, CreatedAt = now };
                ctx.Add(existing);
                await ctx.SaveChangesAsync(ct);
            }
            ruleId = existing.Id;
            version = (await ctx.TargetRuleVersions.Where(v => v.RuleId == ruleId).MaxAsync(v => (int?)v.Version, ct) ?? 0) + 1;
        }
        else
        {
            ruleId = current.RuleId;
            version = (await ctx.TargetRuleVersions.Where(v => v.RuleId == ruleId).MaxAsync(v => (int?)v.Version, ct) ?? 0) + 1;
        }
        var row = new TargetRuleVersion { RuleId = ruleId, Version = version, Definition = rule.ToJson(), CreatedBy = user.UserName, CreatedAt = now };
        ctx.Add(row);
        await ctx.SaveChangesAsync(ct);
        return row.Id;
    }

    private static void AddEvent(CrmDbContext ctx, long campaignId, CrmUser user, DateTime now, CampaignEventKind kind, object detail) =>
        ctx.Add(new CampaignEvent { CampaignId = campaignId, At = now, UserName = user.UserName, Kind = kind, Detail = JsonSerializer.Serialize(detail) });

    private static CampaignResult<T> Stale<T>(Campaign campaign) =>
        CampaignResult.Conflict<T>($"Someone else changed this campaign (now version {campaign.Version}); reload it.", campaign.Version);

    private async Task<CampaignResult<T>> StaleAsync<T>(long campaignId, CancellationToken ct)
    {
        await using var fresh = database.CreateContext();
        var current = await fresh.Campaigns.AsNoTracking().SingleAsync(c => c.Id == campaignId, ct);
        return Stale<T>(current);
    }

    private async Task<CampaignResult<CampaignSummary>> SaveAsync(CrmDbContext ctx, Campaign campaign, CancellationToken ct)
    {
        try
        {
            await ctx.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return await StaleAsync<CampaignSummary>(campaign.Id, ct);
        }
        return CampaignResult.Ok(Summary(campaign));
    }
}
