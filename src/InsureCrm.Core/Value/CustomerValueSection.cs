using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Value;

/// <summary>The customer's value from the newest completed value run, with how it was computed.</summary>
public sealed record CustomerValueView(
    long RunId, DateOnly AsOf, string? Grade, decimal Experience, decimal Current, decimal Potential, decimal Total,
    CustomerValueExplanation? Explanation);

/// <summary>One period of a lifecycle state (insurance or loan dimension); <see cref="Until"/> is null while current.</summary>
public sealed record LifecycleView(LifecycleDimension Dimension, LifecycleState State, DateOnly Since, DateOnly? Until);

/// <summary>
/// The customer's segment in the newest value run: grid cell, needs group with the features that set it
/// apart, and the strategy, channels and service level resolved for them.
/// </summary>
public sealed record CustomerSegmentView(
    SegmentCell GridCell, int NeedsGroup, double GroupShare, IReadOnlyList<SegmentFeature> GroupProfile,
    Strategy Strategy, IReadOnlyList<StrategyChannel> Channels, ServiceLevel ServiceLevel);

/// <summary>What the value feature shows on a customer's page: value, lifecycle periods and segment.</summary>
internal sealed record CustomerValueFacts(CustomerValueView? Value, IReadOnlyList<LifecycleView> Lifecycle, CustomerSegmentView? Segment);

/// <summary>
/// The value feature's section of the customer page: the customer's value and segment in the newest completed value run
/// and every lifecycle period (per dimension, newest first). No scope check: the composing caller has checked it.
/// </summary>
internal static class CustomerValueSection
{
    public static async Task<CustomerValueFacts> ReadAsync(CrmDbContext db, long customerId, CancellationToken ct)
    {
        var valueRun = await ValueRunReports.LatestRunAsync(db, ct);
        var value = valueRun is null ? null : await db.Set<CustomerValue>().AsNoTracking()
            .Where(v => v.RunId == valueRun.Id && v.CustomerId == customerId).FirstOrDefaultAsync(ct);
        var lifecycle = await db.Set<CustomerLifecycle>().AsNoTracking().Where(l => l.CustomerId == customerId)
            .OrderBy(l => l.Dimension).ThenByDescending(l => l.Since).ThenByDescending(l => l.Id).ToListAsync(ct);
        var segment = valueRun is null ? null : await db.Set<CustomerSegment>().AsNoTracking()
            .Where(g => g.RunId == valueRun.Id && g.CustomerId == customerId).FirstOrDefaultAsync(ct);
        var segmentProfile = segment is null ? null : await db.Set<SegmentProfile>().AsNoTracking()
            .Where(p => p.RunId == segment.RunId && p.NeedsGroup == segment.NeedsGroup).FirstOrDefaultAsync(ct);

        return new CustomerValueFacts(
            value is null ? null : new CustomerValueView(valueRun!.Id, valueRun.RunDate, value.Grade, value.ExperienceValue, value.CurrentValue,
                value.PotentialValue, value.TotalValue, CustomerValueResult.ReadExplanation(value.Explanation)),
            [.. lifecycle.Select(l => new LifecycleView(l.Dimension, l.State, l.Since, l.Until))],
            segment is null ? null : new CustomerSegmentView(segment.GridCell, segment.NeedsGroup, segmentProfile?.Share ?? 0,
                segmentProfile is null ? [] : SegmentRunner.ReadProfile(segmentProfile.Profile), segment.Strategy,
                [.. segment.Channels.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Enum.Parse<StrategyChannel>)], segment.ServiceLevel));
    }
}
