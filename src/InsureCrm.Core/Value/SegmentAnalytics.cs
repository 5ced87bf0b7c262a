using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Value;

/// <summary>A completed value run that has been segmented (its needs-group profiles are written last, so they mark a finished segment run).</summary>
public sealed record SegmentRunInfo(long RunId, DateOnly RunDate, int Customers);

/// <summary>Customers and value of one grid cell or needs group, and how many of them each strategy covers.</summary>
public sealed record SegmentSlice(
    int Customers, decimal CustomerShare, decimal Current, decimal Potential, decimal Total, decimal ValueShare,
    IReadOnlyDictionary<Strategy, int> StrategyMix)
{
    public decimal AverageTotal => Customers == 0 ? 0m : Math.Round(Total / Customers, 0);
    public decimal AverageCurrent => Customers == 0 ? 0m : Math.Round(Current / Customers, 0);
    public decimal AveragePotential => Customers == 0 ? 0m : Math.Round(Potential / Customers, 0);
}

/// <summary>One needs group: its stored size, share and distinctive features, and the values and strategies of its members.</summary>
public sealed record NeedsGroupSummary(int Group, int Size, double Share, IReadOnlyList<SegmentFeature> Profile, SegmentSlice Slice, IReadOnlyDictionary<SegmentCell, int> CellMix);

/// <summary>The aggregates of one segmented run, company-wide: no customer is named or identifiable.</summary>
public sealed record SegmentOverview(
    SegmentRunInfo Run, int Customers, decimal Total, IReadOnlyDictionary<SegmentCell, SegmentSlice> Cells, IReadOnlyList<NeedsGroupSummary> Groups);

/// <summary>The cell → cell matrix between two segmented runs (company-wide), or why there is none.</summary>
public sealed record SegmentMigrationView(SegmentRunInfo? From, SegmentRunInfo? To, SegmentMigration? Matrix)
{
    /// <summary>Customers who stayed in their cell.</summary>
    public int Stayed => Matrix is null ? 0 : Matrix.Cells.Where(c => c.Key.From == c.Key.To).Sum(c => c.Value);
}

/// <summary>
/// Which customers a segment drill-down lists: the customers of one grid <see cref="Cell"/> or one needs
/// <see cref="Group"/> of run <see cref="RunId"/>; or, with <see cref="FromRunId"/> and <see cref="FromCell"/>,
/// those who were in <see cref="FromCell"/> in the earlier run and are in <see cref="Cell"/> in <see cref="RunId"/>.
/// </summary>
public sealed record SegmentSelection(long RunId, SegmentCell? Cell = null, int? Group = null, long? FromRunId = null, SegmentCell? FromCell = null)
{
    public bool IsMigration => FromRunId is not null;

    /// <summary>Exactly one kind of selection: a cell, a group, or a migration (from run, from cell and to cell).</summary>
    public bool IsValid =>
        (Cell is not null && Group is null && FromRunId is null && FromCell is null)
        || (Group is >= 0 && Cell is null && FromRunId is null && FromCell is null)
        || (FromRunId is not null && FromCell is not null && Cell is not null && Group is null && FromRunId != RunId);

    /// <summary>The access log's detail for a listing of this selection (no personal data).</summary>
    public string Detail => IsMigration
        ? $"analytics migration {FromCell}->{Cell} runs {FromRunId}->{RunId}"
        : Cell is { } cell ? $"analytics segment cell {cell} run {RunId}" : $"analytics segment group {Group} run {RunId}";
}

/// <summary>A pseudonymised customer of a segment: id, age band, 시/도, cell, needs group, strategy and values (of the selection's run).</summary>
public sealed record SegmentMember(
    long CustomerId, int? AgeBand, string? Region, SegmentCell Cell, int Group, Strategy Strategy, decimal Current, decimal Potential, decimal Total);

/// <summary>One page of a selection's customers by ascending id; <see cref="NextAfter"/> is the keyset cursor of the next page.</summary>
public sealed record SegmentMemberPage(SegmentSelection Selection, DateOnly RunDate, IReadOnlyList<SegmentMember> Rows, long? NextAfter);

/// <summary>
/// Segment aggregates for marketers, analysts and branch managers (<see cref="Capability.AnalyticsView"/>):
/// the strategic grid, the needs groups with their profiles, the migration between two runs, and the
/// pseudonymised drill-down into a cell, a group or a migration. Like <see cref="ValueAnalytics"/>, the
/// aggregates are company-wide and grouped in the database; the drill-downs are limited to a branch
/// manager's scope and every listed customer is written to the access log.
/// </summary>
public sealed class SegmentAnalytics(CrmDbContext db, CustomerScope scope, IAccessLog log)
{
    public const int PageSize = 50;
    /// <summary>How many segmented runs are offered for choosing.</summary>
    public const int RunChoices = 36;

    /// <summary>Segmented completed runs, newest first.</summary>
    public async Task<IReadOnlyList<SegmentRunInfo>> RunsAsync(CancellationToken ct = default)
    {
        var profiled = db.Set<SegmentProfile>().AsNoTracking();
        return await db.Set<ValueRun>().AsNoTracking()
            .Where(r => r.Status == ValueRunStatus.Completed && profiled.Any(p => p.RunId == r.Id))
            .OrderByDescending(r => r.RunDate).ThenByDescending(r => r.Id)
            .Take(RunChoices)
            .Select(r => new SegmentRunInfo(r.Id, r.RunDate, r.Customers))
            .ToListAsync(ct);
    }

    /// <summary>The grid and the needs groups of <paramref name="runId"/> (default: the newest segmented run), or null when there is none.</summary>
    public async Task<SegmentOverview?> OverviewAsync(long? runId = null, CancellationToken ct = default)
    {
        var run = await RunAsync(runId, ct);
        if (run is null)
        {
            return null;
        }
        // One pass over the run: customers and value per (cell, group, strategy); at most 5 × K × 5 rows come back.
        var rows = await (
                from s in db.Set<CustomerSegment>().AsNoTracking()
                join v in db.Set<CustomerValue>().AsNoTracking() on new { s.RunId, s.CustomerId } equals new { v.RunId, v.CustomerId }
                where s.RunId == run.RunId
                group v by new { s.GridCell, s.NeedsGroup, s.Strategy } into g
                select new Part(g.Key.GridCell, g.Key.NeedsGroup, g.Key.Strategy, g.Count(), g.Sum(v => v.CurrentValue), g.Sum(v => v.PotentialValue), g.Sum(v => v.TotalValue)))
            .ToListAsync(ct);
        var profiles = await db.Set<SegmentProfile>().AsNoTracking().Where(p => p.RunId == run.RunId).OrderBy(p => p.NeedsGroup).ToListAsync(ct);

        var customers = rows.Sum(r => r.Customers);
        var total = rows.Sum(r => r.Total);
        var cells = Enum.GetValues<SegmentCell>().ToDictionary(c => c, c => Slice(rows.Where(r => r.Cell == c).ToList(), customers, total));
        var groups = profiles.Select(p =>
        {
            var mine = rows.Where(r => r.Group == p.NeedsGroup).ToList();
            var cellMix = Enum.GetValues<SegmentCell>().ToDictionary(c => c, c => mine.Where(r => r.Cell == c).Sum(r => r.Customers));
            return new NeedsGroupSummary(p.NeedsGroup, p.Size, p.Share, SegmentRunner.ReadProfile(p.Profile), Slice(mine, customers, total), cellMix);
        }).ToList();
        return new SegmentOverview(run, customers, total, cells, groups);
    }

    /// <summary>
    /// The migration from <paramref name="fromRunId"/> to <paramref name="toRunId"/>; by default from the run
    /// before the newest segmented one to the newest. <see cref="SegmentMigrationView.Matrix"/> is null when
    /// there are fewer than two segmented runs or the two chosen are the same.
    /// </summary>
    public async Task<SegmentMigrationView> MigrationAsync(long? fromRunId = null, long? toRunId = null, CancellationToken ct = default)
    {
        var runs = await RunsAsync(ct);
        var to = toRunId is { } t ? await RunAsync(t, ct) : runs.Count > 0 ? runs[0] : null;
        SegmentRunInfo? from;
        if (fromRunId is { } f)
        {
            from = await RunAsync(f, ct);
        }
        else
        {
            // The segmented run before the "to" run: older date, or the same date and a smaller id.
            from = to is null ? null : runs.FirstOrDefault(r => r.RunDate < to.RunDate || (r.RunDate == to.RunDate && r.RunId < to.RunId));
        }
        if (from is null || to is null || from.RunId == to.RunId)
        {
            return new SegmentMigrationView(from, to, null);
        }
        return new SegmentMigrationView(from, to, await SegmentReports.MigrationAsync(db, from.RunId, to.RunId, ct));
    }

    /// <summary>
    /// The customers of <paramref name="selection"/> with ids above <paramref name="after"/>, pseudonymised; a
    /// branch manager sees only the customers in their scope. Every page is written to the access log (one
    /// Search entry per customer listed, or one without a customer when the page is empty). Null when the user
    /// may not see analytics, the selection is malformed or a run is not a segmented run.
    /// </summary>
    public async Task<SegmentMemberPage?> MembersAsync(CrmUser user, SegmentSelection selection, long? after, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(selection);
        if (!user.Role.Allows(Capability.AnalyticsView) || !selection.IsValid)
        {
            return null;
        }
        var run = await RunAsync(selection.RunId, ct);
        if (run is null || (selection.FromRunId is { } fromRun && await RunAsync(fromRun, ct) is null))
        {
            return null;
        }
        var customers = db.Customers.AsNoTracking().Where(c => c.MergedIntoId == null);
        if (user.Role == Role.BranchManager)
        {
            // The same rule as the grade drill-down: a branch manager's list is their branch; marketers and analysts list everyone, pseudonymised.
            customers = scope.Filter(customers, user);
        }
        var start = after ?? 0L;
        var segments = db.Set<CustomerSegment>().AsNoTracking().Where(s => s.RunId == run.RunId && s.CustomerId > start);
        if (selection.Cell is { } cell)
        {
            segments = segments.Where(s => s.GridCell == cell);
        }
        if (selection.Group is { } group)
        {
            segments = segments.Where(s => s.NeedsGroup == group);
        }
        if (selection is { FromRunId: { } from, FromCell: { } fromCell })
        {
            var earlier = db.Set<CustomerSegment>().AsNoTracking().Where(e => e.RunId == from && e.GridCell == fromCell);
            segments = segments.Where(s => earlier.Any(e => e.CustomerId == s.CustomerId));
        }
        var rows = await (
                from s in segments
                join v in db.Set<CustomerValue>().AsNoTracking() on new { s.RunId, s.CustomerId } equals new { v.RunId, v.CustomerId }
                join c in customers on s.CustomerId equals c.Id
                orderby s.CustomerId
                select new
                {
                    s.CustomerId, c.BirthDate, s.GridCell, s.NeedsGroup, s.Strategy, v.CurrentValue, v.PotentialValue, v.TotalValue,
                    Region = c.Addresses.OrderByDescending(a => a.IsPrimary).ThenBy(a => a.Id).Select(a => a.Sido).FirstOrDefault(),
                })
            .Take(PageSize + 1)
            .ToListAsync(ct);
        var items = rows.Take(PageSize)
            .Select(r => new SegmentMember(r.CustomerId, ValueAnalytics.AgeBand(r.BirthDate, run.RunDate), string.IsNullOrEmpty(r.Region) ? null : r.Region,
                r.GridCell, r.NeedsGroup, r.Strategy, r.CurrentValue, r.PotentialValue, r.TotalValue))
            .ToList();
        var detail = selection.Detail;
        await log.RecordManyAsync(user, items.Count == 0
            ? [new AccessEvent(AccessAction.Search, null, Detail: detail)]
            : [.. items.Select(i => new AccessEvent(AccessAction.Search, i.CustomerId, Detail: detail))], ct);
        return new SegmentMemberPage(selection, run.RunDate, items, rows.Count > PageSize ? items[^1].CustomerId : null);
    }

    private async Task<SegmentRunInfo?> RunAsync(long? runId, CancellationToken ct)
    {
        if (runId is not { } id)
        {
            var runs = await RunsAsync(ct);
            return runs.Count == 0 ? null : runs[0];
        }
        var profiled = db.Set<SegmentProfile>().AsNoTracking();
        return await db.Set<ValueRun>().AsNoTracking()
            .Where(r => r.Id == id && r.Status == ValueRunStatus.Completed && profiled.Any(p => p.RunId == r.Id))
            .Select(r => new SegmentRunInfo(r.Id, r.RunDate, r.Customers))
            .FirstOrDefaultAsync(ct);
    }

    private static SegmentSlice Slice(List<Part> parts, int customers, decimal total)
    {
        var count = parts.Sum(p => p.Customers);
        var sum = parts.Sum(p => p.Total);
        var mix = Enum.GetValues<Strategy>().ToDictionary(s => s, s => parts.Where(p => p.Strategy == s).Sum(p => p.Customers));
        return new SegmentSlice(count, customers == 0 ? 0m : (decimal)count / customers, parts.Sum(p => p.Current), parts.Sum(p => p.Potential), sum,
            total == 0m ? 0m : sum / total, mix);
    }

    private sealed record Part(SegmentCell Cell, int Group, Strategy Strategy, int Customers, decimal Current, decimal Potential, decimal Total);
}
