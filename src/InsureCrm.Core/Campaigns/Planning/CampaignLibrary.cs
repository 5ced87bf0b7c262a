using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Campaigns.Planning;

/// <summary>The campaign library: campaigns by state and text (hypotheses and lessons stay searchable), a record, the offer catalogue.</summary>
internal sealed class CampaignLibrary(CrmDatabase database) : ICampaignLibrary
{
    public async Task<IReadOnlyList<CampaignSummary>> ListAsync(CrmUser user, CampaignQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(query);
        if (!user.Role.Allows(Capability.CampaignView))
        {
            return [];
        }
        await using var ctx = database.CreateContext();
        var q = ctx.Campaigns.AsNoTracking();
        if (query.State is { } state)
        {
            q = q.Where(c => c.State == state);
        }
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            // Lower-cased on both sides: EF translates ToLower() to SQL lower(), the same case-insensitive match on
            // SQLite and PostgreSQL (the culture overloads the analyzers ask for have no SQL translation).
            var text = query.Search.Trim().ToLowerInvariant();
#pragma warning disable CA1304, CA1311, CA1862
            q = q.Where(c => c.Name.ToLower().Contains(text) || c.Theme.ToLower().Contains(text) || c.Hypothesis.ToLower().Contains(text)
                || c.Code.ToLower().Contains(text) || (c.Lessons != null && c.Lessons.ToLower().Contains(text)));
#pragma warning restore CA1304, CA1311, CA1862
        }
        var rows = await q.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id)
            .Skip(Math.Max(0, query.Skip)).Take(Math.Clamp(query.Take, 1, 500)).ToListAsync(ct);
        return [.. rows.Select(CampaignPlanning.Summary)];
    }

    public async Task<CampaignResult<CampaignDetail>> GetAsync(CrmUser user, long campaignId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.Role.Allows(Capability.CampaignView))
        {
            return CampaignResult.Forbidden<CampaignDetail>();
        }
        await using var ctx = database.CreateContext();
        var c = await ctx.Campaigns.AsNoTracking().SingleOrDefaultAsync(x => x.Id == campaignId, ct);
        if (c is null)
        {
            return CampaignResult.NotFound<CampaignDetail>();
        }
        var rule = c.RuleVersionId is { } rv ? await ctx.TargetRuleVersions.AsNoTracking().Where(v => v.Id == rv).Select(v => v.Definition).SingleOrDefaultAsync(ct) : null;
        var channels = await ctx.CampaignChannels.AsNoTracking().Where(x => x.CampaignId == campaignId).OrderBy(x => x.Rank).ToListAsync(ct);
        var offerIds = channels.Select(x => x.OfferId).OfType<long>().ToList();
        var offers = await ctx.Offers.AsNoTracking().Where(o => offerIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        var scripts = await CampaignPlanning.LatestScriptsAsync(ctx, campaignId, ct);
        var split = await ctx.CampaignSplits.AsNoTracking().SingleOrDefaultAsync(s => s.CampaignId == campaignId, ct);
        SplitSummary? splitView = null;
        if (split is not null)
        {
            var strata = await ctx.CampaignMembers.AsNoTracking().Where(m => m.CampaignId == campaignId && m.Arm != CampaignArm.Excluded)
                .GroupBy(m => m.Stratum)
                .Select(g => new { Stratum = g.Key, Test = g.Count(m => m.Arm == CampaignArm.Test), Control = g.Count(m => m.Arm == CampaignArm.Control) })
                .ToListAsync(ct);
            splitView = new SplitSummary(campaignId, split.AsOf, split.ValueRunId, split.Seed, split.ControlShare, split.Candidates, split.Test, split.Control,
                split.ExcludedHoldout, split.ExcludedOverlap, split.ExcludedCap, split.ExcludedNoChannel,
                [.. strata.OrderBy(s => s.Stratum, StringComparer.Ordinal).Select(s => new StratumSplit(s.Stratum, s.Test, s.Control))]);
        }
        var history = await ctx.CampaignEvents.AsNoTracking().Where(e => e.CampaignId == campaignId).OrderBy(e => e.At).ThenBy(e => e.Id)
            .Select(e => new CampaignEventView(e.At, e.UserName, e.Kind, e.Detail)).ToListAsync(ct);
        return CampaignResult.Ok(new CampaignDetail(
            CampaignPlanning.Summary(c), c.Hypothesis, CampaignPlanning.Families(c.ObjectiveFamilies), c.WindowDays, c.Budget, c.Currency, c.RuleVersionId, rule,
            c.ControlShare, c.Alpha, c.Power, c.BaselineRate, c.ExpectedLift, c.OverlapRule, c.Priority, c.FrequencyCap, c.ApprovedByUserId, c.ApprovedAt,
            c.ParentCampaignId, c.Lessons,
            [.. channels.Select(x => new ChannelView(x.Channel, x.Rank, x.OfferId is { } o && offers.TryGetValue(o, out var offer) ? ViewOf(offer) : null, x.UnitCost, x.DailyLimit))],
            [.. scripts.Select(s => new ScriptView(s.Id, s.Channel, s.Language, s.Version, s.Subject, s.Body, s.CreatedBy, s.CreatedAt, s.Reason))],
            splitView, history));
    }

    public async Task<IReadOnlyList<OfferView>> OffersAsync(CrmUser user, bool activeOnly = true, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.Role.Allows(Capability.CampaignView))
        {
            return [];
        }
        await using var ctx = database.CreateContext();
        var q = ctx.Offers.AsNoTracking();
        if (activeOnly)
        {
            q = q.Where(o => o.Active);
        }
        return [.. (await q.OrderBy(o => o.Code).ToListAsync(ct)).Select(ViewOf)];
    }

    internal static OfferView ViewOf(Offer o) => new(o.Id, o.Code, o.Name, o.ProductFamily, o.Cost, o.CostBasis, o.Currency, o.Active, o.Version);
}
