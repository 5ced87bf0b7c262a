using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Value;

/// <summary>How many customers moved from one grid cell (or needs group) in a run to another in a later run.</summary>
public sealed record SegmentMigration(
    IReadOnlyDictionary<(SegmentCell From, SegmentCell To), int> Cells,
    IReadOnlyDictionary<(int From, int To), int> NeedsGroups)
{
    /// <summary>Customers segmented in both runs.</summary>
    public int Customers => Cells.Values.Sum();
}

public static class SegmentReports
{
    /// <summary>Migration matrices between two runs, over the customers segmented in both (set-based, grouped in the database).</summary>
    public static async Task<SegmentMigration> MigrationAsync(CrmDbContext ctx, long fromRunId, long toRunId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var pairs = ctx.Set<CustomerSegment>().AsNoTracking().Where(a => a.RunId == fromRunId)
            .Join(ctx.Set<CustomerSegment>().Where(b => b.RunId == toRunId), a => a.CustomerId, b => b.CustomerId,
                (a, b) => new { FromCell = a.GridCell, ToCell = b.GridCell, FromGroup = a.NeedsGroup, ToGroup = b.NeedsGroup });
        var cells = await pairs.GroupBy(p => new { p.FromCell, p.ToCell }).Select(g => new { g.Key.FromCell, g.Key.ToCell, Count = g.Count() }).ToListAsync(ct);
        var groups = await pairs.GroupBy(p => new { p.FromGroup, p.ToGroup }).Select(g => new { g.Key.FromGroup, g.Key.ToGroup, Count = g.Count() }).ToListAsync(ct);
        return new SegmentMigration(
            cells.ToDictionary(c => (c.FromCell, c.ToCell), c => c.Count),
            groups.ToDictionary(g => (g.FromGroup, g.ToGroup), g => g.Count));
    }
}
