using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Models;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Core.Value;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Worklists.Branch;

/// <summary>
/// The branch manager's view of the branch's worklists and the weekly agent pattern report (issue 14 point 6; the
/// definitions are <see cref="BranchRules"/>'). Scope: a branch manager sees their own branch and no other (a branch code
/// asked for is ignored); admins and analysts, who see every agent's scores, pick a branch by code and see no customer
/// names; any other role is refused. The branch's agents are those not terminated (CS consultants included).
/// </summary>
public sealed class BranchView(CrmDatabase database, TimeProvider clock, WorklistOptions options)
{
    private static readonly TimeZoneInfo Seoul = FindSeoul();

    /// <summary>Today in Asia/Seoul, the day results count for.</summary>
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(clock.GetUtcNow().UtcDateTime, Seoul));

    public async Task<BranchAnswer<BranchSummary>> SummaryAsync(CrmUser user, string? branchCode = null, CancellationToken ct = default)
    {
        await using var db = database.CreateContext();
        var (access, branch, choices) = await ResolveAsync(db, user, branchCode, ct);
        if (branch is null)
        {
            return new(access, null, choices);
        }
        var today = Today;
        var from = today.AddDays(-(BranchRules.Days - 1));
        var days = Enumerable.Range(0, BranchRules.Days).Select(i => from.AddDays(i)).ToList();
        var agents = await AgentsOfAsync(db, branch.Id, ct);
        var ids = agents.Select(a => a.Id).ToList();
        var fromUtc = TimeZoneInfo.ConvertTimeToUtc(from.ToDateTime(TimeOnly.MinValue), Seoul);

        var items = await db.WorkItems.AsNoTracking()
            .Where(i => ids.Contains(i.AgentId) && i.FirstListedOn <= today
                && (i.State == WorkItemState.Open || i.State == WorkItemState.Snoozed || i.ListedOn >= from || i.ClosedAt >= fromUtc))
            .Select(i => new ItemRow(i.Id, i.AgentId, i.CustomerId, i.Action, i.Channel, i.FirstListedOn, i.ListedOn, i.DueOn, i.State, i.ClosedAt))
            .ToListAsync(ct);
        var results = await db.WorkResults.AsNoTracking()
            .Where(r => ids.Contains(r.AgentId) && r.Day >= from && r.Day <= today)
            .Select(r => new { r.ItemId, r.AgentId, r.Day, r.Outcome })
            .ToListAsync(ct);
        var dropout = await DropoutAsync(db, ids, ct);

        var itemsByAgent = items.ToLookup(i => i.AgentId);
        var resultsByAgent = results.ToLookup(r => r.AgentId);
        var rows = new List<BranchAgentFigures>(agents.Count);
        foreach (var a in agents)
        {
            var mine = itemsByAgent[a.Id].ToList();
            var done = resultsByAgent[a.Id].ToList();
            var figures = days.Select(d =>
            {
                var worked = done.Where(r => r.Day == d).Select(r => r.ItemId).ToHashSet();
                var listed = mine.Where(i => i.FirstListedOn <= d && LastDay(i, today) >= d).Select(i => i.Id).ToHashSet();
                listed.UnionWith(worked);
                return new AgentDayFigure(d, listed.Count, worked.Count, done.Count(r => r.Day == d));
            }).ToList();
            var open = mine.Where(i => i.State == WorkItemState.Open).ToList();
            rows.Add(new BranchAgentFigures(a.Id, a.Code, a.Name, a.Kind, a.HireDate, figures, open.Count,
                open.Count(i => Age(i, today) > options.OverdueDays), Mix(done.Select(r => r.Outcome)), dropout.GetValueOrDefault(a.Id)));
        }

        var overdue = items.Where(i => i.State == WorkItemState.Open && Age(i, today) > options.OverdueDays)
            .OrderByDescending(i => Age(i, today)).ThenBy(i => i.Id).ToList();
        var shows = user.Role.SeesContactData();
        var shown = overdue.Take(BranchRules.OverdueShown).ToList();
        var names = new Dictionary<long, string>();
        if (shows && shown.Count > 0)
        {
            var customerIds = shown.Select(i => i.CustomerId).Distinct().ToList();
            names = await db.Customers.AsNoTracking().Where(c => customerIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        }
        var byId = agents.ToDictionary(a => a.Id);
        var overdueRows = shown.Select(i => new OverdueItem(i.Id, i.AgentId, byId[i.AgentId].Code, byId[i.AgentId].Name, i.CustomerId,
            shows ? names.GetValueOrDefault(i.CustomerId) : null, i.Action, i.Channel, i.FirstListedOn, Age(i, today), i.DueOn)).ToList();
        var run = dropout.Values.FirstOrDefault();
        return new(BranchAccess.Ok, new BranchSummary(branch, today, days, rows, Mix(results.Select(r => r.Outcome)), overdueRows, overdue.Count,
            options.OverdueDays, shows, run?.Version, run?.AsOf), choices);
    }

    public async Task<BranchAnswer<PatternReport>> PatternsAsync(CrmUser user, string? branchCode = null, CancellationToken ct = default)
    {
        await using var db = database.CreateContext();
        var (access, branch, choices) = await ResolveAsync(db, user, branchCode, ct);
        if (branch is null)
        {
            return new(access, null, choices);
        }
        var today = Today;
        var from = today.AddDays(-(BranchRules.PatternDays - 1));
        var agents = await AgentsOfAsync(db, branch.Id, ct);
        var ids = agents.Select(a => a.Id).ToList();
        var results = await db.WorkResults.AsNoTracking()
            .Where(r => ids.Contains(r.AgentId) && r.Day >= from && r.Day <= today)
            .GroupBy(r => new { r.AgentId, r.Channel, Sold = r.Outcome == WorkOutcome.Sold })
            .Select(g => new { g.Key.AgentId, g.Key.Channel, g.Key.Sold, Count = g.Count() })
            .ToListAsync(ct);
        var sold = await db.Contracts.AsNoTracking()
            .Where(k => k.SellingAgentId != null && ids.Contains(k.SellingAgentId.Value) && k.IssueDate >= from && k.IssueDate <= today
                && k.Status != ContractStatus.Cancelled)
            .GroupBy(k => k.SellingAgentId!.Value).Select(g => new { AgentId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.AgentId, g => g.Count, ct);
        var cohortFrom = today.AddMonths(-25);
        var cohortUntil = today.AddMonths(-13);
        var cohort = await db.Contracts.AsNoTracking()
            .Where(k => k.SellingAgentId != null && ids.Contains(k.SellingAgentId.Value) && k.IssueDate > cohortFrom && k.IssueDate <= cohortUntil)
            .Select(k => new { AgentId = k.SellingAgentId!.Value, k.IssueDate, k.Status, k.StatusDate })
            .ToListAsync(ct);
        var dropout = await DropoutAsync(db, ids, ct);

        var facts = agents.Select(a =>
        {
            var mine = results.Where(r => r.AgentId == a.Id).ToList();
            var book = cohort.Where(k => k.AgentId == a.Id)
                .Select(k => Persistency13(k.IssueDate, k.Status, k.StatusDate)).Where(k => k is not null).ToList();
            return new AgentPatternFacts(a.Id, a.Code, a.Name, a.Kind, a.HireDate, mine.Sum(r => r.Count),
                mine.Where(r => r.Channel == WorkChannel.Visit).Sum(r => r.Count), mine.Where(r => r.Channel == WorkChannel.Phone).Sum(r => r.Count),
                mine.Where(r => r.Sold).Sum(r => r.Count), sold.GetValueOrDefault(a.Id), book.Count, book.Count(k => k == true),
                dropout.GetValueOrDefault(a.Id)?.Score);
        }).ToList();
        var workingDays = BranchRules.WorkingDays(from, today);
        var classified = BranchRules.Classify(facts, workingDays, out var top, out var median);
        return new(BranchAccess.Ok, new PatternReport(branch, from, today, workingDays, top, median,
            [.. classified.OrderBy(p => p.Group).ThenByDescending(p => p.Facts.NewContracts).ThenBy(p => p.Facts.Code, StringComparer.Ordinal)],
            BranchRules.Profiles(classified, today)), choices);
    }

    /// <summary>Whether a contract of the 13-month cohort was in force at month 13; null when it left the cohort (matured or ended by claim before).</summary>
    internal static bool? Persistency13(DateOnly issued, ContractStatus status, DateOnly statusDate)
    {
        var month13 = issued.AddMonths(13);
        if (statusDate >= month13 || ContractLifecycle.IsActive(status) || status == ContractStatus.Applied)
        {
            return true;
        }
        if (PersistencyEstimator.IsExit(status))
        {
            return false;
        }
        // Matured or ended by a claim before month 13: withdrawn, not an exit.
        return status is ContractStatus.Matured or ContractStatus.TerminatedByClaim ? null : true;
    }

    private static async Task<(BranchAccess, BranchRef?, IReadOnlyList<BranchRef>)> ResolveAsync(CrmDbContext db, CrmUser user, string? code, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        switch (user.Role)
        {
            case Role.BranchManager:
                if (user.BranchId is not { } own)
                {
                    return (BranchAccess.NoBranch, null, []);
                }
                var mine = await db.Branches.AsNoTracking().Where(b => b.Id == own).Select(b => new BranchRef(b.Id, b.Code, b.Name)).FirstOrDefaultAsync(ct);
                return (mine is null ? BranchAccess.NoBranch : BranchAccess.Ok, mine, []);
            case Role.Admin or Role.Analyst:
                var all = await db.Branches.AsNoTracking().OrderBy(b => b.Code).Select(b => new BranchRef(b.Id, b.Code, b.Name)).ToListAsync(ct);
                if (string.IsNullOrWhiteSpace(code))
                {
                    return (BranchAccess.NoBranch, null, all);
                }
                var picked = all.Find(b => string.Equals(b.Code, code.Trim(), StringComparison.OrdinalIgnoreCase));
                return (picked is null ? BranchAccess.NotFound : BranchAccess.Ok, picked, all);
            default:
                return (BranchAccess.Forbidden, null, []);
        }
    }

    private static Task<List<Agent>> AgentsOfAsync(CrmDbContext db, long branchId, CancellationToken ct) =>
        db.Agents.AsNoTracking().Where(a => a.BranchId == branchId && a.Status != AgentStatus.Terminated)
            .OrderBy(a => a.Code).ToListAsync(ct);

    private static async Task<Dictionary<long, AgentDropout>> DropoutAsync(CrmDbContext db, List<long> agentIds, CancellationToken ct)
    {
        var run = await ChampionScores.NewestRunAsync(db, InsurerModels.AgentDropout.Name, ct);
        if (run is null || agentIds.Count == 0)
        {
            return [];
        }
        var scores = await db.Set<AgentModelScore>().AsNoTracking()
            .Where(s => s.RunId == run.RunId && s.Eligible && agentIds.Contains(s.AgentId))
            .Select(s => new { s.AgentId, s.Score, s.Reasons }).ToListAsync(ct);
        return scores.ToDictionary(s => s.AgentId, s => new AgentDropout(s.Score, run.Version, run.RunDate, InsurerModelScorer.ReadReasons(s.Reasons)));
    }

    private static int Age(ItemRow i, DateOnly today) => today.DayNumber - i.FirstListedOn.DayNumber;

    /// <summary>The last day the item was on the list (see <see cref="BranchRules"/>).</summary>
    private static DateOnly LastDay(ItemRow i, DateOnly today) => i.State switch
    {
        WorkItemState.Open => today,
        WorkItemState.Done or WorkItemState.Expired when i.ClosedAt is { } closed =>
            DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(closed, DateTimeKind.Utc), Seoul)),
        _ => i.ListedOn,
    };

    private static Dictionary<WorkOutcome, int> Mix(IEnumerable<WorkOutcome> outcomes) =>
        outcomes.GroupBy(o => o).ToDictionary(g => g.Key, g => g.Count());

    private sealed record ItemRow(long Id, long AgentId, long CustomerId, WorkAction Action, WorkChannel Channel, DateOnly FirstListedOn,
        DateOnly ListedOn, DateOnly? DueOn, WorkItemState State, DateTime? ClosedAt);

    private static TimeZoneInfo FindSeoul()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.CreateCustomTimeZone("Asia/Seoul", TimeSpan.FromHours(9), "Asia/Seoul", "KST");
        }
    }
}
