using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Orphans;

/// <summary>
/// The backlog figures of a scope: open cases (assigned, first contact not made), those due today, due within
/// <see cref="OrphanBoard.SoonBusinessDays"/> business days (today included), past due, and first contacts made this week (from Monday).
/// </summary>
public sealed record OrphanSummary(int Open, int DueToday, int DueSoon, int PastDue, int ContactedThisWeek);

/// <summary>One case as the page lists it: the customer (name as the customer list shows it), who left, who has them, the deadline and the reasons.</summary>
public sealed record OrphanBoardRow(long Id, long CustomerId, string CustomerName, string FormerAgentCode, string FormerAgentName,
    string? ConsultantCode, string? ConsultantName, DateOnly? AssignedOn, DateOnly? FirstContactDue, OrphanState State,
    IReadOnlyList<OrphanReason> Reasons, DateTime? FirstContactAt, string? FirstContactNote, DateTime? CoverageCheckAt,
    string? CoverageCheckNotes, bool PastDue);

/// <summary>An active CS consultant a case can be handed to, with their open cases against the cap.</summary>
public sealed record OrphanConsultant(string Code, string Name, string BranchName, int Open);

public sealed record OrphanBoardView(DateOnly Today, OrphanSummary Summary, IReadOnlyList<OrphanBoardRow> Rows, int LoadCap);

/// <summary>
/// The orphan cases a user may see and act on (the /orphans page and the home cards): a CS consultant their own, a branch
/// manager those of their branch (the consultant's branch, or the former agent's while unassigned), an admin every one.
/// Other roles see none. Returned cases (back with their agent) and superseded ones (the consultant left; the customer has a
/// newer case) are not listed.
/// </summary>
public sealed class OrphanBoard(CrmDbContext db, OrphanOptions options, KoreanBusinessCalendar calendar, TimeProvider clock)
{
    public const int SoonBusinessDays = 2;

    /// <summary>The most cases listed at once (the summary counts every one).</summary>
    public const int MaxRows = 500;

    public static bool MaySee(CrmUser user) =>
        user.Role switch
        {
            Role.CsConsultant => user.AgentId is not null,
            Role.BranchManager => user.BranchId is not null,
            Role.Admin => true,
            _ => false,
        };

    public static bool MayReassign(CrmUser user) => user.Role is Role.BranchManager or Role.Admin && MaySee(user);

    /// <summary>Today in Korea, the day deadlines are counted against.</summary>
    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime.AddHours(9));

    private IQueryable<OrphanCase> Scope(CrmUser user)
    {
        var cases = db.OrphanCases.AsNoTracking().Where(c => c.State != OrphanState.Returned && c.State != OrphanState.Superseded);
        var agents = db.Agents;
        return user.Role switch
        {
            Role.CsConsultant when user.AgentId is { } me => cases.Where(c => c.ConsultantId == me),
            Role.BranchManager when user.BranchId is { } branch => cases.Where(c =>
                agents.Any(a => a.Id == c.ConsultantId && a.BranchId == branch)
                || (c.ConsultantId == null && agents.Any(a => a.Id == c.FormerAgentId && a.BranchId == branch))),
            Role.Admin => cases,
            _ => cases.Where(_ => false),
        };
    }

    /// <summary>Whether the case is in the user's scope (an action on one outside it is answered like an unknown case).</summary>
    public Task<bool> InScopeAsync(CrmUser user, long caseId, CancellationToken ct = default) =>
        Scope(user).AnyAsync(c => c.Id == caseId, ct);

    public async Task<OrphanSummary> SummaryAsync(CrmUser user, CancellationToken ct = default)
    {
        var today = Today;
        var soon = calendar.AddBusinessDays(today, SoonBusinessDays);
        // Monday of this week (Korean time), in UTC as first contacts are stored.
        var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        var since = monday.ToDateTime(TimeOnly.MinValue).AddHours(-9);
        var rows = await Scope(user)
            .Select(c => new { c.State, c.FirstContactDue, c.FirstContactAt }).ToListAsync(ct);
        var open = rows.Where(r => r.State == OrphanState.Assigned).ToList();
        return new(open.Count,
            open.Count(r => r.FirstContactDue == today),
            open.Count(r => r.FirstContactDue >= today && r.FirstContactDue <= soon),
            open.Count(r => r.FirstContactDue < today),
            rows.Count(r => r.FirstContactAt >= since));
    }

    public async Task<OrphanBoardView> ListAsync(CrmUser user, CancellationToken ct = default)
    {
        var today = Today;
        var rows = await (from c in Scope(user)
                          join cu in db.Customers.AsNoTracking() on c.CustomerId equals cu.Id
                          join f in db.Agents.AsNoTracking() on c.FormerAgentId equals f.Id
                          join k in db.Agents.AsNoTracking() on c.ConsultantId equals (long?)k.Id into ks
                          from k in ks.DefaultIfEmpty()
                          // Open first (past due, then the nearest deadline), then the contacted ones.
                          orderby c.State == OrphanState.Assigned ? 0 : c.State == OrphanState.Unassigned ? 1 : 2, c.FirstContactDue, c.Id
                          select new
                          {
                              c.Id, c.CustomerId, CustomerName = cu.Name, FormerCode = f.Code, FormerName = f.Name,
                              ConsultantCode = k == null ? null : k.Code, ConsultantName = k == null ? null : k.Name,
                              c.AssignedOn, c.FirstContactDue, c.State, c.Reasons, c.FirstContactAt, c.FirstContactNote,
                              c.CoverageCheckAt, c.CoverageCheckNotes,
                          }).Take(MaxRows).ToListAsync(ct);
        var list = rows.Select(r => new OrphanBoardRow(r.Id, r.CustomerId, r.CustomerName, r.FormerCode, r.FormerName, r.ConsultantCode,
            r.ConsultantName, r.AssignedOn, r.FirstContactDue, r.State, OrphanReasons.Read(r.Reasons), r.FirstContactAt, r.FirstContactNote,
            r.CoverageCheckAt, r.CoverageCheckNotes, r.State == OrphanState.Assigned && r.FirstContactDue < today)).ToList();
        return new(today, await SummaryAsync(user, ct), list, options.LoadCap);
    }

    /// <summary>One case of the user's scope, or null.</summary>
    public async Task<OrphanBoardRow?> CaseAsync(CrmUser user, long caseId, CancellationToken ct = default)
    {
        if (!await InScopeAsync(user, caseId, ct))
        {
            return null;
        }
        var admin = user with { Role = Role.Admin };
        var view = await (from c in Scope(admin).Where(c => c.Id == caseId)
                          join cu in db.Customers.AsNoTracking() on c.CustomerId equals cu.Id
                          join f in db.Agents.AsNoTracking() on c.FormerAgentId equals f.Id
                          join k in db.Agents.AsNoTracking() on c.ConsultantId equals (long?)k.Id into ks
                          from k in ks.DefaultIfEmpty()
                          select new
                          {
                              c.Id, c.CustomerId, CustomerName = cu.Name, FormerCode = f.Code, FormerName = f.Name,
                              ConsultantCode = k == null ? null : k.Code, ConsultantName = k == null ? null : k.Name,
                              c.AssignedOn, c.FirstContactDue, c.State, c.Reasons, c.FirstContactAt, c.FirstContactNote,
                              c.CoverageCheckAt, c.CoverageCheckNotes,
                          }).FirstOrDefaultAsync(ct);
        return view is null ? null : new OrphanBoardRow(view.Id, view.CustomerId, view.CustomerName, view.FormerCode, view.FormerName,
            view.ConsultantCode, view.ConsultantName, view.AssignedOn, view.FirstContactDue, view.State, OrphanReasons.Read(view.Reasons),
            view.FirstContactAt, view.FirstContactNote, view.CoverageCheckAt, view.CoverageCheckNotes,
            view.State == OrphanState.Assigned && view.FirstContactDue < Today);
    }

    /// <summary>The active CS consultants a manager may hand a case to (a branch manager's branch first), with their open cases.</summary>
    public async Task<IReadOnlyList<OrphanConsultant>> ConsultantsAsync(CrmUser user, CancellationToken ct = default)
    {
        var cases = db.OrphanCases;
        var rows = await (from a in db.Agents.AsNoTracking()
                          join b in db.Branches.AsNoTracking() on a.BranchId equals b.Id
                          where a.Kind == AgentKind.Cs && a.Status == AgentStatus.Active
                          select new
                          {
                              a.Code, a.Name, a.BranchId, BranchName = b.Name,
                              Open = cases.Count(c => c.ConsultantId == a.Id && c.State == OrphanState.Assigned),
                          }).ToListAsync(ct);
        return [.. rows.OrderBy(r => r.BranchId == user.BranchId ? 0 : 1).ThenBy(r => r.BranchName, StringComparer.Ordinal)
            .ThenBy(r => r.Code, StringComparer.Ordinal).Select(r => new OrphanConsultant(r.Code, r.Name, r.BranchName, r.Open))];
    }
}
