using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Web.Campaigns;

/// <summary>A campaign in the library table: the plan's words a marketer searches, and its list size when split.</summary>
internal sealed record LibraryRow(
    long Id, string Code, string Name, string Theme, string Hypothesis, string? Lessons, CampaignObjective Objective, CampaignState State,
    DateOnly StartsOn, DateOnly EndsOn, bool IsPilot, int? Test, int? Control);

/// <summary>The library page: how many campaigns are in each state, and the rows of the filter.</summary>
internal sealed record LibraryView(IReadOnlyDictionary<CampaignState, int> ByState, IReadOnlyList<LibraryRow> Rows, bool More);

/// <summary>A running campaign on the marketer's home: contacts made today and the latest attribution's responders per arm.</summary>
internal sealed record CampaignTodayRow(long Id, string Code, string Name, DateOnly EndsOn, int ContactsToday, int? RespondersTest, int? RespondersControl);

/// <summary>A campaign waiting for someone: since when (when known).</summary>
internal sealed record CampaignLine(long Id, string Code, string Name, DateTime? Since);

/// <summary>Results that came in: an attribution run of a campaign.</summary>
internal sealed record CampaignResultLine(long Id, string Code, string Name, DateOnly AsOf, DateTime RanAt, int RespondersTest, int RespondersControl);

/// <summary>The campaign block of a home page.</summary>
internal sealed record CampaignHomeView(
    IReadOnlyDictionary<CampaignState, int> ByState, IReadOnlyList<CampaignTodayRow> Live, IReadOnlyList<CampaignLine> AwaitingApproval,
    IReadOnlyList<CampaignResultLine> NewResults);

/// <summary>A campaign's record page, read straight from its tables (plan, channels, current scripts, split, latest attribution, history).</summary>
internal sealed record CampaignRecord(
    Campaign Campaign,
    string? RuleDefinition,
    IReadOnlyList<CampaignChannel> Channels,
    IReadOnlyDictionary<long, Offer> Offers,
    IReadOnlyList<CampaignScript> Scripts,
    CampaignSplit? Split,
    CampaignAttribution? Attribution,
    IReadOnlyList<CampaignEvent> History,
    string? AuthorName,
    string? ApproverName);

/// <summary>
/// The campaign pages' reads. Campaign plans and figures are aggregates (no customer is named), guarded by
/// <c>campaign:view</c> on the pages, so the pages read the tables directly; the use cases that change a campaign are
/// Core's (<see cref="ICampaignPlanning"/>).
/// </summary>
internal sealed class CampaignReads(CrmDatabase database)
{
    public const int PageSize = 50;

    public async Task<LibraryView> LibraryAsync(CampaignState? state, string? search, int skip, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var byState = await db.Campaigns.AsNoTracking().GroupBy(c => c.State).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var query = db.Campaigns.AsNoTracking();
        if (state is { } s)
        {
            query = query.Where(c => c.State == s);
        }
        if (!string.IsNullOrWhiteSpace(search))
        {
            // Case-insensitive on both providers: lower() of column and term (Korean and Chinese have no case).
            var term = search.Trim().ToLowerInvariant();
            // ToLower() here is SQL's lower() (EF translates it on both providers); the culture overloads the analyzers
            // ask for do not translate.
#pragma warning disable CA1304, CA1311, CA1862
            query = query.Where(c => c.Name.ToLower().Contains(term) || c.Theme.ToLower().Contains(term)
                || c.Hypothesis.ToLower().Contains(term) || (c.Lessons != null && c.Lessons.ToLower().Contains(term))
                || c.Code.ToLower().Contains(term));
#pragma warning restore CA1304, CA1311, CA1862
        }
        var rows = await query
            .OrderByDescending(c => c.StartsOn).ThenByDescending(c => c.Id)
            .Skip(Math.Max(0, skip)).Take(PageSize + 1)
            .Select(c => new LibraryRow(c.Id, c.Code, c.Name, c.Theme, c.Hypothesis, c.Lessons, c.Objective, c.State, c.StartsOn, c.EndsOn, c.IsPilot,
                db.Set<CampaignSplit>().Where(x => x.CampaignId == c.Id).Select(x => (int?)x.Test).FirstOrDefault(),
                db.Set<CampaignSplit>().Where(x => x.CampaignId == c.Id).Select(x => (int?)x.Control).FirstOrDefault()))
            .ToListAsync(ct);
        return new LibraryView(byState.ToDictionary(x => x.Key, x => x.Count), rows.Take(PageSize).ToList(), rows.Count > PageSize);
    }

    public async Task<CampaignRecord?> RecordAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var campaign = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        if (campaign is null)
        {
            return null;
        }
        var rule = campaign.RuleVersionId is { } rv
            ? await db.TargetRuleVersions.AsNoTracking().Where(v => v.Id == rv).Select(v => v.Definition).SingleOrDefaultAsync(ct)
            : null;
        var channels = await db.CampaignChannels.AsNoTracking().Where(c => c.CampaignId == id).OrderBy(c => c.Rank).ToListAsync(ct);
        var offerIds = channels.Where(c => c.OfferId != null).Select(c => c.OfferId!.Value).Distinct().ToList();
        var offers = await db.Offers.AsNoTracking().Where(o => offerIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        var scripts = (await db.CampaignScripts.AsNoTracking().Where(s => s.CampaignId == id).ToListAsync(ct))
            .GroupBy(s => (s.Channel, s.Language)).Select(g => g.MaxBy(s => s.Version)!)
            .OrderBy(s => s.Channel).ThenBy(s => ScriptOrder(s.Language)).ToList();
        var split = await db.CampaignSplits.AsNoTracking().SingleOrDefaultAsync(s => s.CampaignId == id, ct);
        var attribution = await db.CampaignAttributions.AsNoTracking().Where(a => a.CampaignId == id)
            .OrderByDescending(a => a.RanAt).ThenByDescending(a => a.Id).FirstOrDefaultAsync(ct);
        var history = await db.CampaignEvents.AsNoTracking().Where(e => e.CampaignId == id).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(ct);
        var userIds = new[] { campaign.AuthorUserId, campaign.ApprovedByUserId ?? campaign.AuthorUserId };
        var names = await db.Set<InsureCrm.Core.Security.AppUser>().AsNoTracking().Where(u => userIds.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => u.UserName, ct);
        return new CampaignRecord(campaign, rule, channels, offers, scripts, split, attribution, history,
            names.GetValueOrDefault(campaign.AuthorUserId),
            campaign.ApprovedByUserId is { } a ? names.GetValueOrDefault(a) : null);
    }

    /// <summary>The offers a channel may carry, active ones first.</summary>
    public async Task<IReadOnlyList<Offer>> OffersAsync(CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Offers.AsNoTracking().Where(o => o.Active).OrderBy(o => o.Code).ToListAsync(ct);
    }

    /// <summary>
    /// The marketer's home: campaigns by state, the running ones with today's contacts and the latest responders,
    /// the drafts the user may approve (not their own; oldest first), and attributions that came in since <paramref name="since"/>.
    /// </summary>
    public async Task<CampaignHomeView> HomeAsync(long userId, bool mayApprove, DateTime since, DateTime dayStart, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var byState = await db.Campaigns.AsNoTracking().GroupBy(c => c.State).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var live = await db.Campaigns.AsNoTracking().Where(c => c.State == CampaignState.Running)
            .OrderBy(c => c.EndsOn).ThenBy(c => c.Id).Take(HomeRows)
            .Select(c => new CampaignTodayRow(c.Id, c.Code, c.Name, c.EndsOn,
                db.Set<CampaignContact>().Count(k => k.CampaignId == c.Id && k.SentAt >= dayStart),
                db.Set<CampaignAttribution>().Where(a => a.CampaignId == c.Id).OrderByDescending(a => a.RanAt).Select(a => (int?)a.RespondersTest).FirstOrDefault(),
                db.Set<CampaignAttribution>().Where(a => a.CampaignId == c.Id).OrderByDescending(a => a.RanAt).Select(a => (int?)a.RespondersControl).FirstOrDefault()))
            .ToListAsync(ct);
        var awaiting = mayApprove
            ? await db.Campaigns.AsNoTracking().Where(c => c.State == CampaignState.Draft && c.AuthorUserId != userId)
                .OrderBy(c => c.UpdatedAt).ThenBy(c => c.Id).Take(HomeRows)
                .Select(c => new CampaignLine(c.Id, c.Code, c.Name, c.UpdatedAt)).ToListAsync(ct)
            : [];
        var results = await db.CampaignAttributions.AsNoTracking().Where(a => a.RanAt >= since)
            .OrderByDescending(a => a.RanAt).Take(HomeRows)
            .Join(db.Campaigns, a => a.CampaignId, c => c.Id, (a, c) => new CampaignResultLine(c.Id, c.Code, c.Name, a.AsOf, a.RanAt, a.RespondersTest, a.RespondersControl))
            .ToListAsync(ct);
        return new CampaignHomeView(byState.ToDictionary(x => x.Key, x => x.Count), live, awaiting, results);
    }

    public const int HomeRows = 10;

    /// <summary>The code and name of each campaign of <paramref name="ids"/> that exists.</summary>
    public async Task<IReadOnlyDictionary<long, (string Code, string Name)>> NamesAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return new Dictionary<long, (string, string)>();
        }
        await using var db = database.CreateContext();
        var rows = await db.Campaigns.AsNoTracking().Where(c => ids.Contains(c.Id)).Select(c => new { c.Id, c.Code, c.Name }).ToListAsync(ct);
        return rows.ToDictionary(r => r.Id, r => (r.Code, r.Name));
    }

    private static int ScriptOrder(string language) => ScriptLanguage.All.ToList().IndexOf(language) is var i and >= 0 ? i : 99;
}
