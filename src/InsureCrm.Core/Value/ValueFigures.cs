using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Value;

/// <summary>How many customers hold one grade.</summary>
public sealed record GradeCount(char Grade, int Customers);

/// <summary>
/// The customers a user may reach (<see cref="CustomerScope"/>) and, when a value run has completed, how they spread
/// over the grades of the newest one (<see cref="RunDate"/> null when none has).
/// </summary>
public sealed record ScopeFigures(int Customers, DateOnly? RunDate, IReadOnlyList<GradeCount> Grades);

/// <summary>The headline of the newest completed value run: customers valued, total value and the grade mix.</summary>
public sealed record ValueRunHeadline(DateOnly RunDate, int Customers, decimal Total, IReadOnlyList<GradeCount> Grades);

/// <summary>The headline of the newest segmented run: customers segmented, needs groups, and customers per strategy.</summary>
public sealed record SegmentRunHeadline(DateOnly RunDate, int Customers, int NeedsGroups, IReadOnlyDictionary<Strategy, int> Strategies);

/// <summary>The newest value run whatever its status (a job's last run, for operations).</summary>
public sealed record ValueRunStatusView(DateOnly RunDate, ValueRunStatus Status, ValueRunMode Mode, DateTime StartedAt, DateTime? FinishedAt, int Customers);

/// <summary>
/// Today's value and segment figures for the home pages, each a handful of grouped rows: a user's own book
/// (scoped like every customer query), the company headline for those who read aggregates, and the last run for
/// operations. Nothing here names a customer.
/// </summary>
public sealed class ValueFigures(CrmDbContext db, CustomerScope scope)
{
    /// <summary>The live customers in <paramref name="user"/>'s scope and their grade mix in the newest completed run.</summary>
    public async Task<ScopeFigures> ScopeAsync(CrmUser user, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var customers = scope.Filter(db.Customers.AsNoTracking().Where(c => c.MergedIntoId == null), user);
        var count = await customers.CountAsync(ct);
        var run = await ValueRunReports.LatestRunAsync(db, ct);
        if (run is null || count == 0)
        {
            return new ScopeFigures(count, run?.RunDate, []);
        }
        var ids = customers.Select(c => c.Id);
        var grades = await db.Set<CustomerValue>().AsNoTracking()
            .Where(v => v.RunId == run.Id && ids.Contains(v.CustomerId))
            .GroupBy(v => v.Grade)
            .Select(g => new { Grade = g.Key, Count = g.Count() })
            .ToListAsync(ct);
        return new ScopeFigures(count, run.RunDate, Mix(grades.Select(g => (g.Grade, g.Count))));
    }

    /// <summary>The newest completed run's headline, or null when none has completed.</summary>
    public async Task<ValueRunHeadline?> HeadlineAsync(CancellationToken ct = default)
    {
        var run = await ValueRunReports.LatestRunAsync(db, ct);
        if (run is null)
        {
            return null;
        }
        var grades = await db.Set<CustomerValue>().AsNoTracking().Where(v => v.RunId == run.Id)
            .GroupBy(v => v.Grade)
            .Select(g => new { Grade = g.Key, Count = g.Count(), Total = g.Sum(v => v.TotalValue) })
            .ToListAsync(ct);
        return new ValueRunHeadline(run.RunDate, grades.Sum(g => g.Count), grades.Sum(g => g.Total), Mix(grades.Select(g => (g.Grade, g.Count))));
    }

    /// <summary>The newest segmented completed run's headline, or null when no run has been segmented.</summary>
    public async Task<SegmentRunHeadline?> SegmentsAsync(CancellationToken ct = default)
    {
        var profiles = db.Set<SegmentProfile>().AsNoTracking();
        var run = await db.Set<ValueRun>().AsNoTracking()
            .Where(r => r.Status == ValueRunStatus.Completed && profiles.Any(p => p.RunId == r.Id))
            .OrderByDescending(r => r.RunDate).ThenByDescending(r => r.Id)
            .Select(r => new { r.Id, r.RunDate })
            .FirstOrDefaultAsync(ct);
        if (run is null)
        {
            return null;
        }
        var strategies = await db.Set<CustomerSegment>().AsNoTracking().Where(s => s.RunId == run.Id)
            .GroupBy(s => s.Strategy)
            .Select(g => new { Strategy = g.Key, Count = g.Count() })
            .ToListAsync(ct);
        var groups = await profiles.CountAsync(p => p.RunId == run.Id, ct);
        return new SegmentRunHeadline(run.RunDate, strategies.Sum(s => s.Count), groups,
            Enum.GetValues<Strategy>().ToDictionary(s => s, s => strategies.Where(x => x.Strategy == s).Sum(x => x.Count)));
    }

    /// <summary>The newest value run whatever its status, or null when none has started.</summary>
    public async Task<ValueRunStatusView?> LastRunAsync(CancellationToken ct = default) =>
        await db.Set<ValueRun>().AsNoTracking()
            .OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.Id)
            .Select(r => new ValueRunStatusView(r.RunDate, r.Status, r.Mode, r.StartedAt, r.FinishedAt, r.Customers))
            .FirstOrDefaultAsync(ct);

    /// <summary>Every grade A..G in order, zero where nobody holds it.</summary>
    private static List<GradeCount> Mix(IEnumerable<(string? Grade, int Count)> rows)
    {
        var counts = rows.Where(r => r.Grade is { Length: 1 }).ToDictionary(r => r.Grade![0], r => r.Count);
        return [.. ValueGrades.Letters.Select(l => new GradeCount(l, counts.GetValueOrDefault(l)))];
    }
}
