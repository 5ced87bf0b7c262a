using System.Text.Json;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Orphans;

/// <summary>Retention of one group (a branch, a consultant) at each horizon of <see cref="OrphanRetention.Horizons"/>.</summary>
public sealed record RetentionRow(string Code, string Name, IReadOnlyList<Proportion> ByHorizon);

/// <summary>
/// At one horizon: the immediate wave, the control wave and their difference with its 95 % interval; and, when no control
/// was measured, the customers orphaned before the service began (<see cref="Baseline"/>), an observational comparison only.
/// </summary>
public sealed record WaveComparison(int Months, Proportion Immediate, Proportion Control, RateComparison? Difference,
    Proportion Baseline, RateComparison? VsBaseline);

/// <summary>The /orphans/retention dashboard and <c>orphans report</c>: backlog, first-contact SLA, retention by wave, branch and consultant.</summary>
public sealed record RetentionDashboard(DateOnly AsOf, int Open, int Unassigned, int Deferred, int Breaches, int DeadlinesPassed,
    IReadOnlyList<WaveComparison> Waves, IReadOnlyList<RetentionRow> Branches, IReadOnlyList<RetentionRow> Consultants, double ControlShare)
{
    /// <summary>Breaches ÷ cases whose first-contact deadline has passed; NaN when none has.</summary>
    public double BreachRate => DeadlinesPassed == 0 ? double.NaN : (double)Breaches / DeadlinesPassed;

    /// <summary>Whether any control-wave contract was measured at some horizon (else the comparison is observational).</summary>
    public bool HasControl => Waves.Any(w => w.Control.Total > 0);
}

/// <summary>
/// Whether the orphan service keeps customers (issue 15, point 4; docs/orphans.md, "Retention"). Persistency (유지율) of a case at
/// +3, +6 and +13 months after the orphaning day (the former agent's termination) = its contracts that were active then
/// (the case's moved contracts) and are not lost by that day ÷ those contracts. Lost: lapsed (실효), surrendered (해지) or
/// cancelled with a status date on or before the horizon; kept: in force, reinstated, paid up, matured, ended by a claim.
/// A case counts at a horizon once the horizon is on or before the as-of day. Only first orphanings count (a case whose
/// former agent was a CS consultant who left is the same customer again), and returned cases do not.
/// </summary>
public sealed class OrphanRetention(CrmDbContext db)
{
    public static readonly int[] Horizons = [3, 6, 13];

    /// <summary>Cells measured on fewer contracts are shown greyed as too small a sample.</summary>
    public const int MinSample = 30;

    private const int Chunk = 1000;

    private static readonly ContractStatus[] Lost = [ContractStatus.Lapsed, ContractStatus.Surrendered, ContractStatus.Cancelled];

    /// <summary>
    /// Who sees the dashboard: admins and analysts every branch, a branch manager their own. A CS consultant does not: their
    /// own row is one consultant's small sample, and comparing it is the manager's work (docs/orphans.md).
    /// </summary>
    public static bool MaySee(CrmUser user) => user.Role switch
    {
        Role.Admin or Role.Analyst => true,
        Role.BranchManager => user.BranchId is not null,
        _ => false,
    };

    /// <summary>The dashboard as of a day for <paramref name="user"/>'s scope (null: the whole company, as the CLI's batch role sees it).</summary>
    public async Task<RetentionDashboard> BuildAsync(CrmUser? user, DateOnly asOf, double controlShare = 0, CancellationToken ct = default)
    {
        if (user is not null && !MaySee(user))
        {
            throw new UnauthorizedAccessException("The orphan retention dashboard is for admins, analysts and branch managers.");
        }
        var branchScope = user?.Role == Role.BranchManager ? user.BranchId : null;
        var agents = await db.Agents.AsNoTracking().Select(a => new { a.Id, a.Code, a.Name, a.Kind, a.BranchId }).ToDictionaryAsync(a => a.Id, ct);
        var branches = await db.Branches.AsNoTracking().ToDictionaryAsync(b => b.Id, ct);
        var cases = (await db.OrphanCases.AsNoTracking()
            .Where(c => c.State != OrphanState.Returned)
            .Select(c => new { c.Id, c.FormerAgentId, c.ConsultantId, c.TerminatedOn, c.Wave, c.State, c.ContractIds, c.FirstContactDue, c.FirstContactAt })
            .ToListAsync(ct))
            .Select(c => new
            {
                Case = c,
                BranchId = c.ConsultantId is { } k && agents.TryGetValue(k, out var ka) ? ka.BranchId : agents.TryGetValue(c.FormerAgentId, out var fa) ? fa.BranchId : 0,
            })
            .Where(c => branchScope is null || c.BranchId == branchScope)
            .ToList();

        // Backlog and the first-contact SLA (superseded cases are closed: the customer's newer case counts).
        var live = cases.Where(c => c.Case.State != OrphanState.Superseded).Select(c => c.Case).ToList();
        var passed = live.Where(c => c.FirstContactDue is { } due && due < asOf).ToList();
        var breaches = passed.Count(c => c.FirstContactAt is null
            || DateOnly.FromDateTime(c.FirstContactAt.Value.AddHours(9)) > c.FirstContactDue);

        // Retention: first orphanings only, each contract's status as of the horizon.
        var measured = cases.Where(c => !(agents.TryGetValue(c.Case.FormerAgentId, out var f) && f.Kind == AgentKind.Cs)).ToList();
        var ids = measured.SelectMany(c => JsonSerializer.Deserialize<long[]>(c.Case.ContractIds) ?? []).Distinct().ToList();
        var status = new Dictionary<long, (ContractStatus Status, DateOnly Date)>();
        foreach (var chunk in ids.Chunk(Chunk))
        {
            foreach (var k in await db.Contracts.AsNoTracking().Where(k => chunk.Contains(k.Id)).Select(k => new { k.Id, k.Status, k.StatusDate }).ToListAsync(ct))
            {
                status[k.Id] = (k.Status, k.StatusDate);
            }
        }
        Proportion Measure(string json, DateOnly orphaned, int months)
        {
            var horizon = orphaned.AddMonths(months);
            var kept = 0;
            var total = 0;
            foreach (var id in JsonSerializer.Deserialize<long[]>(json) ?? [])
            {
                if (!status.TryGetValue(id, out var s))
                {
                    continue;
                }
                total++;
                kept += Lost.Contains(s.Status) && s.Date <= horizon ? 0 : 1;
            }
            return new(kept, total);
        }
        var perCase = measured.Select(c => new
        {
            c.Case.Wave, c.Case.ConsultantId, c.BranchId,
            At = Horizons.Select(m => c.Case.TerminatedOn.AddMonths(m) <= asOf ? Measure(c.Case.ContractIds, c.Case.TerminatedOn, m) : default).ToArray(),
        }).ToList();

        var baseline = await BaselineAsync(branchScope, asOf, ct);
        var waves = Horizons.Select((m, i) =>
        {
            var immediate = perCase.Where(c => c.Wave == OrphanWave.Immediate).Aggregate(default(Proportion), (a, c) => a.Add(c.At[i]));
            var control = perCase.Where(c => c.Wave == OrphanWave.Control).Aggregate(default(Proportion), (a, c) => a.Add(c.At[i]));
            return new WaveComparison(m, immediate, control, RetentionMath.Compare(immediate, control), baseline[i],
                control.Total == 0 ? RetentionMath.Compare(immediate, baseline[i]) : null);
        }).ToList();

        RetentionRow Row(string code, string name, IEnumerable<Proportion[]> at) =>
            new(code, name, [.. Horizons.Select((_, i) => at.Aggregate(default(Proportion), (a, x) => a.Add(x[i])))]);
        var byBranch = perCase.GroupBy(c => c.BranchId)
            .Select(g => branches.TryGetValue(g.Key, out var b) ? Row(b.Code, b.Name, g.Select(c => c.At)) : Row("-", "-", g.Select(c => c.At)))
            .OrderBy(r => r.Code, StringComparer.Ordinal).ToList();
        var byConsultant = perCase.Where(c => c.ConsultantId is not null).GroupBy(c => c.ConsultantId!.Value)
            .Select(g => agents.TryGetValue(g.Key, out var a) ? Row(a.Code, a.Name, g.Select(c => c.At)) : Row("-", "-", g.Select(c => c.At)))
            .OrderBy(r => r.Code, StringComparer.Ordinal).ToList();
        return new(asOf, live.Count(c => c.State == OrphanState.Assigned), live.Count(c => c.State == OrphanState.Unassigned),
            live.Count(c => c.State == OrphanState.Deferred), breaches, passed.Count, waves, byBranch, byConsultant, controlShare);
    }

    /// <summary>
    /// Customers orphaned before the service began: contracts left with no servicing agent whose selling agent left (the
    /// synthetic insurer's past departures, or an import's), active on the day the agent left; the same horizons and rule.
    /// </summary>
    private async Task<Proportion[]> BaselineAsync(long? branch, DateOnly asOf, CancellationToken ct)
    {
        var rows = await (from k in db.Contracts.AsNoTracking()
                          join a in db.Agents.AsNoTracking() on k.SellingAgentId equals a.Id
                          where k.ServicingAgentId == null && a.Status == AgentStatus.Terminated && a.TerminationDate != null
                              && k.IssueDate <= a.TerminationDate && (branch == null || a.BranchId == branch)
                              && k.Status != ContractStatus.Applied
                          select new { Left = a.TerminationDate!.Value, k.Status, k.StatusDate }).ToListAsync(ct);
        var result = new Proportion[Horizons.Length];
        foreach (var r in rows)
        {
            // Active on the day the agent left: active now, or ended after that day.
            if (!(OrphanService.ActiveStatuses.Contains(r.Status) || r.StatusDate > r.Left))
            {
                continue;
            }
            for (var i = 0; i < Horizons.Length; i++)
            {
                var horizon = r.Left.AddMonths(Horizons[i]);
                if (horizon <= asOf)
                {
                    result[i] = result[i].Add(new(Lost.Contains(r.Status) && r.StatusDate <= horizon ? 0 : 1, 1));
                }
            }
        }
        return result;
    }
}
