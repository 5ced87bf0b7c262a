using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Uplift;
using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Web.Campaigns;

/// <summary>A version of a pilot's uplift model in the page's list of versions.</summary>
internal sealed record UpliftVersionLine(int Version, string Algorithm, double? Qini, string TrainedBy, DateTime TrainedAt);

/// <summary>
/// The uplift page's reads beyond <see cref="IPilotUplift.LatestAsync"/>: every version learnt from a pilot (without
/// their artifacts) and an earlier version in full. Aggregates like <see cref="CampaignReads"/>: no customer is named.
/// </summary>
internal sealed class UpliftReads(CrmDatabase database)
{
    public async Task<IReadOnlyList<UpliftVersionLine>> VersionsAsync(long campaignId, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.CampaignUpliftModels.AsNoTracking().Where(m => m.CampaignId == campaignId).OrderByDescending(m => m.Version)
            .Select(m => new UpliftVersionLine(m.Version, m.Algorithm, m.Qini, m.TrainedBy, m.TrainedAt)).ToListAsync(ct);
    }

    /// <summary>One version as <see cref="IPilotUplift"/> shows the newest, or null when the pilot has no such version.</summary>
    public async Task<PilotUpliftModel?> VersionAsync(long campaignId, string campaignCode, int version, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var row = await db.CampaignUpliftModels.AsNoTracking().SingleOrDefaultAsync(m => m.CampaignId == campaignId && m.Version == version, ct);
        return row is null ? null : PilotUplift.View(row, campaignCode);
    }
}
