using System.Globalization;
using System.Text.Json;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Value;
using InsureCrm.Core.Voc;
using InsureCrm.Core.Worklists;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Orphans;

/// <summary>A refused orphan-service request (unknown agent or consultant, over the cap, wrong state); the message says what to do.</summary>
public sealed class OrphanRequestException(string message) : Exception(message);

/// <summary>A customer who is (or would be) orphaned: the former agent, and the active contracts that agent services.</summary>
public sealed record OrphanCandidate(long CustomerId, long FormerAgentId, string FormerAgentCode, string BranchCode, string Sido,
    DateOnly TerminatedOn, IReadOnlyList<long> ContractIds);

public sealed record TerminationResult(string AgentCode, DateOnly Date, bool WasTerminated, int Customers, int Contracts);

public sealed record ReturnResult(string AgentCode, DateOnly Date, int CustomersBack, int ContractsBack, int StayedWithConsultant);

/// <summary>
/// What an assignment run did: candidates found, cases assigned by rule, left unassigned (every consultant full), and where
/// the tiers ran out (branch and region codes with the count that fell past them; no personal data).
/// </summary>
public sealed record AssignSummary(int Candidates, int Assigned, IReadOnlyDictionary<AssignmentRule, int> ByRule, int OverCap,
    int Unassigned, IReadOnlyDictionary<string, int> BranchFull, IReadOnlyDictionary<string, int> RegionFull)
{
    /// <summary>New cases drawn into the control wave (assignment deferred on purpose).</summary>
    public int Deferred { get; init; }

    /// <summary>Open cases of CS consultants who left, closed because their customers got new cases.</summary>
    public int Superseded { get; init; }
}

public sealed record ConsultantBacklog(long ConsultantId, string Code, string BranchCode, int Open, int Breached, int Contacted,
    int CoverageChecks, int LoadCap);

public sealed record BranchBacklog(string BranchCode, int Open, int Breached, int Contacted);

public sealed record OrphanReport(DateOnly AsOf, int Unassigned, int Open, int Breached, int Contacted, int Returned,
    IReadOnlyList<BranchBacklog> Branches, IReadOnlyList<ConsultantBacklog> Consultants)
{
    /// <summary>Control-wave cases waiting for their assignment day.</summary>
    public int Deferred { get; init; }

    /// <summary>Cases of CS consultants who left before first contact (their customers have new cases).</summary>
    public int Superseded { get; init; }
}

/// <summary>
/// The orphan-contract service (issue 15, docs/orphans.md): terminating and returning agents, finding their customers, assigning
/// them to CS consultants by branch, region and load with value and rating, overrides, first contact and coverage checks, and
/// the backlog report.
/// </summary>
public sealed class OrphanService(CrmDbContext db, OrphanOptions options, KoreanBusinessCalendar calendar, TimeProvider clock,
    ILogger<OrphanService> logger, Handovers handovers)
{
    /// <summary>Who closes a consultant's handover item when the case ends without their first contact.</summary>
    private const string ClosedBy = "orphans";

    private const int Chunk = 1000;

    /// <summary>Contract statuses that still need servicing: an orphan is a customer with one of these on a terminated agent.</summary>
    public static readonly ContractStatus[] ActiveStatuses = [ContractStatus.InForce, ContractStatus.Reinstated, ContractStatus.PaidUp];

    /// <summary>Marks the agent terminated on <paramref name="date"/> (a versioned update); the next assignment run picks up their customers.</summary>
    public async Task<TerminationResult> TerminateAgentAsync(string code, DateOnly date, CancellationToken ct = default)
    {
        var agent = await FindAgentAsync(code, ct);
        var was = agent.Status == AgentStatus.Terminated;
        agent.Status = AgentStatus.Terminated;
        agent.TerminationDate = date;
        await db.SaveChangesAsync(ct);
        var contracts = await db.Contracts.AsNoTracking()
            .Where(k => k.ServicingAgentId == agent.Id && ActiveStatuses.Contains(k.Status))
            .Select(k => k.CustomerId).ToListAsync(ct);
        logger.LogInformation("Agent {Agent} terminated as of {Date}: {Customers} customers with {Contracts} active contracts to be orphaned",
            agent.Code, KoreanBusinessCalendar.Format(date), contracts.Distinct().Count(), contracts.Count);
        return new(agent.Code, date, was, contracts.Distinct().Count(), contracts.Count);
    }

    /// <summary>
    /// The agent is active again: every customer of theirs still unassigned or assigned without first contact goes back to
    /// them (their contracts' servicing agent too), recorded on the case; those already contacted stay with the consultant.
    /// </summary>
    public async Task<ReturnResult> ReturnAgentAsync(string code, DateOnly date, CancellationToken ct = default)
    {
        var agent = await FindAgentAsync(code, ct);
        if (agent.Status != AgentStatus.Terminated)
        {
            throw new OrphanRequestException($"Agent '{agent.Code}' is not terminated ({agent.Status}); only a terminated agent can return.");
        }
        await using var tx = await OwnTransactionAsync(ct);
        agent.Status = AgentStatus.Active;
        agent.TerminationDate = null;
        var cases = await db.OrphanCases.Where(c => c.FormerAgentId == agent.Id
            && (c.State == OrphanState.Unassigned || c.State == OrphanState.Deferred || c.State == OrphanState.Assigned || c.State == OrphanState.Contacted)).ToListAsync(ct);
        var back = cases.Where(c => c.State != OrphanState.Contacted).ToList();
        var ids = back.SelectMany(c => ContractIdsOf(c)).ToList();
        var contracts = new Dictionary<long, Contract>();
        foreach (var chunk in ids.Chunk(Chunk))
        {
            foreach (var k in await db.Contracts.Where(k => chunk.Contains(k.Id)).ToListAsync(ct))
            {
                contracts[k.Id] = k;
            }
        }
        var moved = 0;
        foreach (var c in back)
        {
            foreach (var id in ContractIdsOf(c))
            {
                // Only contracts still on the consultant (or, unassigned, still on the agent) go back; one moved since stays.
                if (contracts.TryGetValue(id, out var k) && (k.ServicingAgentId == c.ConsultantId || k.ServicingAgentId == agent.Id))
                {
                    if (k.ServicingAgentId != agent.Id)
                    {
                        k.ServicingAgentId = agent.Id;
                        moved++;
                    }
                }
            }
            c.State = OrphanState.Returned;
            c.ReturnedOn = date;
            c.Reasons = OrphanReasons.Write([.. OrphanReasons.Read(c.Reasons),
                OrphanReason.Of(OrphanReasons.Returned, ("agent", agent.Code), ("date", KoreanBusinessCalendar.Format(date)))]);
        }
        await db.SaveChangesAsync(ct);
        await handovers.EndAsync([.. back.Select(c => c.Id)], ClosedBy, clock.GetUtcNow().UtcDateTime, ct);
        await CommitAsync(tx, ct);
        logger.LogInformation("Agent {Agent} returned on {Date}: {Back} customers back, {Stayed} stay with their consultant",
            agent.Code, KoreanBusinessCalendar.Format(date), back.Count, cases.Count - back.Count);
        return new(agent.Code, date, back.Count, moved, cases.Count - back.Count);
    }

    /// <summary>Customers who would be orphaned as of <paramref name="asOf"/> and have no open case yet; writes nothing.</summary>
    public async Task<IReadOnlyList<OrphanCandidate>> DetectAsync(DateOnly asOf, CancellationToken ct = default)
    {
        var gone = await (from a in db.Agents.AsNoTracking()
                          join b in db.Branches.AsNoTracking() on a.BranchId equals b.Id
                          where a.Status == AgentStatus.Terminated && a.TerminationDate != null && a.TerminationDate <= asOf
                          select new { a.Id, a.Code, BranchCode = b.Code, b.Sido, a.TerminationDate }).ToListAsync(ct);
        if (gone.Count == 0)
        {
            return [];
        }
        var byId = gone.ToDictionary(a => a.Id);
        var contracts = new List<(long Id, long CustomerId, long AgentId)>();
        foreach (var chunk in byId.Keys.Chunk(Chunk))
        {
            var rows = await db.Contracts.AsNoTracking()
                .Where(k => k.ServicingAgentId != null && chunk.Contains(k.ServicingAgentId.Value) && ActiveStatuses.Contains(k.Status))
                .Select(k => new { k.Id, k.CustomerId, AgentId = k.ServicingAgentId!.Value }).ToListAsync(ct);
            contracts.AddRange(rows.Select(r => (r.Id, r.CustomerId, r.AgentId)));
        }
        // A customer with an unassigned or deferred (control-wave) case keeps it: the assignment takes it up rather than opening another.
        var open = new HashSet<(long, long)>();
        foreach (var chunk in byId.Keys.Chunk(Chunk))
        {
            var rows = await db.OrphanCases.AsNoTracking()
                .Where(c => chunk.Contains(c.FormerAgentId) && (c.State == OrphanState.Unassigned || c.State == OrphanState.Deferred))
                .Select(c => new { c.CustomerId, c.FormerAgentId }).ToListAsync(ct);
            open.UnionWith(rows.Select(r => (r.CustomerId, r.FormerAgentId)));
        }
        return [.. contracts.GroupBy(k => (k.CustomerId, k.AgentId))
            .Where(g => !open.Contains(g.Key))
            .Select(g =>
            {
                var a = byId[g.Key.AgentId];
                return new OrphanCandidate(g.Key.CustomerId, a.Id, a.Code, a.BranchCode, a.Sido, a.TerminationDate!.Value, [.. g.Select(k => k.Id).Order()]);
            })
            .OrderBy(c => c.FormerAgentCode, StringComparer.Ordinal).ThenBy(c => c.CustomerId)];
    }

    private sealed class Consultant(long id, string code, long branchId, string branchCode, string sido, double rating, int load, int complaints = 0)
    {
        public int Complaints { get; } = complaints;
        public long Id { get; } = id;
        public string Code { get; } = code;
        public long BranchId { get; } = branchId;
        public string BranchCode { get; } = branchCode;
        public string Sido { get; } = sido;
        public double Rating { get; } = rating;
        public int Load { get; set; } = load;
    }

    /// <summary>
    /// Opens a case for every customer <see cref="DetectAsync"/> finds and assigns it, with the cases a full run left unassigned:
    /// most valuable first; same branch, then same region, then anywhere, under the load cap; top grades to the best-rated
    /// consultant of the tier, the rest to the least loaded. The customer's active contracts get the consultant as servicing agent.
    /// </summary>
    public async Task<AssignSummary> AssignAsync(DateOnly asOf, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var superseded = await SupersedeLeftConsultantsAsync(asOf, ct);
        var candidates = await DetectAsync(asOf, ct);
        var leftConsultants = (await db.Agents.AsNoTracking().Where(a => a.Kind == AgentKind.Cs && a.Status == AgentStatus.Terminated)
            .Select(a => a.Id).ToListAsync(ct)).ToHashSet();
        // The new cases are decided in memory and written in bulk at the end (COPY on PostgreSQL): at 50,000 customers the
        // change tracker's cost was most of the run (bench/callcenter.sh). Their ids are reserved first, since the wave draw
        // hashes the id and the handover items name it.
        var ids = await ImportSql.ReserveIdsAsync(db.Database.GetDbConnection(), tx.GetDbTransaction(), "orphan_case", candidates.Count, ct);
        var fresh = new List<(OrphanCase Case, string BranchCode, string Sido)>(candidates.Count);
        for (var i = 0; i < candidates.Count; i++)
        {
            var c = candidates[i];
            var oc = new OrphanCase
            {
                Id = ids[i], CustomerId = c.CustomerId, FormerAgentId = c.FormerAgentId, TerminatedOn = c.TerminatedOn, DetectedOn = asOf,
                State = OrphanState.Unassigned, ContractIds = JsonSerializer.Serialize(c.ContractIds),
                Reasons = leftConsultants.Contains(c.FormerAgentId)
                    ? OrphanReasons.Write([OrphanReason.Of(OrphanReasons.ConsultantLeft, ("agent", c.FormerAgentCode), ("date", KoreanBusinessCalendar.Format(c.TerminatedOn)))])
                    : "[]",
            };
            fresh.Add((oc, c.BranchCode, c.Sido));
        }
        var deferred = 0;
        if (options.ControlShare > 0 && fresh.Count > 0)
        {
            var salt = await SaltAsync(ct);
            var until = calendar.AddBusinessDays(asOf, options.ControlDelayBusinessDays);
            foreach (var (oc, _, _) in fresh)
            {
                if (WaveDraw.IsControl(salt, oc.Id, options.ControlShare))
                {
                    oc.Wave = OrphanWave.Control;
                    oc.State = OrphanState.Deferred;
                    oc.AssignAfter = until;
                    oc.Reasons = OrphanReasons.Write([.. OrphanReasons.Read(oc.Reasons), OrphanReason.Of(OrphanReasons.ControlWave, ("until", KoreanBusinessCalendar.Format(until)))]);
                    deferred++;
                }
            }
        }
        var cases = fresh.Where(f => f.Case.State == OrphanState.Unassigned).ToList();
        // Cases an earlier run left unassigned, and control-wave cases whose delay has passed.
        var retry = await (from oc in db.OrphanCases
                           join a in db.Agents on oc.FormerAgentId equals a.Id
                           join b in db.Branches on a.BranchId equals b.Id
                           where (oc.State == OrphanState.Unassigned || (oc.State == OrphanState.Deferred && oc.AssignAfter <= asOf))
                           select new { oc, b.Code, b.Sido }).ToListAsync(ct);
        var known = fresh.Select(c => c.Case).ToHashSet();
        foreach (var r in retry.Where(r => !known.Contains(r.oc)))
        {
            r.oc.State = OrphanState.Unassigned;
            cases.Add((r.oc, r.Code, r.Sido));
        }

        var consultants = await ConsultantsAsync(asOf, ct);
        // Each case looks at its branch's and region's consultants only (1,800 consultants x 50,000 cases otherwise).
        var byBranch = consultants.GroupBy(k => k.BranchCode, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var bySido = consultants.GroupBy(k => k.Sido, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var grades = await GradesAsync([.. cases.Select(c => c.Case.CustomerId).Distinct()], ct);
        var ordered = cases.OrderBy(c => GradeRank(grades.GetValueOrDefault(c.Case.CustomerId).Grade))
            .ThenByDescending(c => grades.GetValueOrDefault(c.Case.CustomerId).Total)
            .ThenBy(c => c.Case.CustomerId).ToList();

        var byRule = new Dictionary<AssignmentRule, int>();
        var branchFull = new Dictionary<string, int>(StringComparer.Ordinal);
        var regionFull = new Dictionary<string, int>(StringComparer.Ordinal);
        var unassigned = 0;
        var overCap = 0;
        var due = calendar.AddBusinessDays(asOf, options.FirstContactBusinessDays);
        var assigned = new List<OrphanCase>();
        foreach (var (oc, branchCode, sido) in ordered)
        {
            // Kept from the opening: the consultant who left, the control wave's delay; a retry's earlier tier reasons are redone.
            var reasons = OrphanReasons.Read(oc.Reasons).Where(r => r.Code is OrphanReasons.ConsultantLeft or OrphanReasons.ControlWave).ToList();
            var grade = grades.GetValueOrDefault(oc.CustomerId).Grade;
            var top = grade is { } g && options.TopGrades.Contains(g, StringComparison.Ordinal);
            Consultant? chosen = null;
            AssignmentRule rule = AssignmentRule.SameBranch;
            var tiers = new (AssignmentRule Rule, List<Consultant> Tier)[]
            {
                (AssignmentRule.SameBranch, byBranch.GetValueOrDefault(branchCode) ?? []),
                (AssignmentRule.SameRegion, bySido.GetValueOrDefault(sido) ?? []),
                (AssignmentRule.Anywhere, consultants),
            };
            foreach (var (tierRule, tier) in tiers)
            {
                chosen = Pick(tier.Where(k => k.Load < options.LoadCap), top);
                if (chosen is not null)
                {
                    rule = tierRule;
                    break;
                }
                if (tierRule == AssignmentRule.SameBranch)
                {
                    reasons.Add(OrphanReason.Of(OrphanReasons.BranchFull, ("branch", branchCode), ("cap", options.LoadCap)));
                    branchFull[branchCode] = branchFull.GetValueOrDefault(branchCode) + 1;
                }
                else if (tierRule == AssignmentRule.SameRegion)
                {
                    reasons.Add(OrphanReason.Of(OrphanReasons.RegionFull, ("sido", sido), ("cap", options.LoadCap)));
                    regionFull[sido] = regionFull.GetValueOrDefault(sido) + 1;
                }
            }
            if (chosen is null)
            {
                if (options.WhenAllFull == FullFallback.LeastLoadedOverCap && consultants.Count > 0)
                {
                    chosen = consultants.OrderBy(k => k.Load).ThenByDescending(k => k.Rating).ThenBy(k => k.Id).First();
                    rule = AssignmentRule.Anywhere;
                    reasons.Add(OrphanReason.Of(OrphanReasons.OverCap, ("load", chosen.Load), ("cap", options.LoadCap)));
                    overCap++;
                }
                else
                {
                    reasons.Add(OrphanReason.Of(OrphanReasons.AllFull, ("cap", options.LoadCap)));
                    oc.Reasons = OrphanReasons.Write(reasons);
                    unassigned++;
                    continue;
                }
            }
            reasons.Insert(0, rule switch
            {
                AssignmentRule.SameBranch => OrphanReason.Of(OrphanReasons.SameBranch, ("branch", branchCode)),
                AssignmentRule.SameRegion => OrphanReason.Of(OrphanReasons.SameRegion, ("sido", sido)),
                _ => OrphanReason.Of(OrphanReasons.Anywhere),
            });
            reasons.Add(top
                ? OrphanReason.Of(OrphanReasons.TopValue, ("grade", grade!), ("rating", Rating(chosen.Rating)))
                : OrphanReason.Of(OrphanReasons.LeastLoaded, ("load", chosen.Load), ("cap", options.LoadCap), ("rating", Rating(chosen.Rating))));
            if (options.ComplaintWeight > 0 && chosen.Complaints > 0)
            {
                reasons.Add(OrphanReason.Of(OrphanReasons.ComplaintRecord, ("complaints", chosen.Complaints), ("months", options.ComplaintMonths)));
            }
            chosen.Load++;
            oc.State = OrphanState.Assigned;
            oc.ConsultantId = chosen.Id;
            oc.AssignedOn = asOf;
            oc.Rule = rule;
            oc.Reasons = OrphanReasons.Write(reasons);
            oc.FirstContactDue = due;
            byRule[rule] = byRule.GetValueOrDefault(rule) + 1;
            assigned.Add(oc);
        }
        await MoveContractsAsync(assigned.Select(c => (c, c.ConsultantId!.Value)), ct);
        await db.SaveChangesAsync(ct);   // the retried cases (tracked)
        await using (var writer = BulkWriter.Enlist(db.Database.GetDbConnection(), tx.GetDbTransaction()))
        {
            await writer.WriteAsync(NewCases, fresh, (row, f) => WriteCase(row, f.Case), ct);
        }
        // The consultant's list gets each assigned customer's first contact at once (written in bulk, in this transaction).
        var codes = await AgentCodesAsync(assigned.Select(c => c.FormerAgentId), ct);
        await handovers.OpenAsync([.. assigned.Select(c => HandoverOf(c, codes))], asOf, ct);
        await tx.CommitAsync(ct);
        foreach (var (sido, n) in regionFull)
        {
            logger.LogWarning("Orphan assignment as of {AsOf}: no CS consultant of region {Sido} under the cap of {Cap} for {Count} orphans; fallback: {Fallback}",
                KoreanBusinessCalendar.Format(asOf), sido, options.LoadCap, n, "CS consultants of other regions, then Orphans:WhenAllFull = " + options.WhenAllFull);
        }
        if (unassigned > 0)
        {
            logger.LogWarning("Orphan assignment as of {AsOf}: {Count} orphans left unassigned, every CS consultant at the cap of {Cap}",
                KoreanBusinessCalendar.Format(asOf), unassigned, options.LoadCap);
        }
        if (superseded > 0)
        {
            logger.LogInformation("Orphan assignment as of {AsOf}: {Count} open cases of CS consultants who left were superseded by new cases",
                KoreanBusinessCalendar.Format(asOf), superseded);
        }
        return new(cases.Count + deferred, assigned.Count, byRule, overCap, unassigned, branchFull, regionFull)
        {
            Deferred = deferred, Superseded = superseded,
        };
    }

    /// <summary>
    /// The open cases (assigned, first contact not made) of CS consultants terminated on or before the day become
    /// <see cref="OrphanState.Superseded"/>: the consultant's servicing customers are detected again as orphans of the
    /// consultant and get new cases (reason <c>ConsultantLeft</c>). Returns how many.
    /// </summary>
    private async Task<int> SupersedeLeftConsultantsAsync(DateOnly asOf, CancellationToken ct)
    {
        var left = await db.Agents.AsNoTracking()
            .Where(a => a.Kind == AgentKind.Cs && a.Status == AgentStatus.Terminated && a.TerminationDate != null && a.TerminationDate <= asOf)
            .Select(a => a.Id).ToListAsync(ct);
        if (left.Count == 0)
        {
            return 0;
        }
        var count = 0;
        var ids = new List<long>();
        foreach (var chunk in left.Chunk(Chunk))
        {
            foreach (var oc in await db.OrphanCases.Where(c => c.ConsultantId != null && chunk.Contains(c.ConsultantId.Value) && c.State == OrphanState.Assigned).ToListAsync(ct))
            {
                oc.State = OrphanState.Superseded;
                ids.Add(oc.Id);
                count++;
            }
        }
        await db.SaveChangesAsync(ct);
        await handovers.EndAsync(ids, ClosedBy, clock.GetUtcNow().UtcDateTime, ct);
        return count;
    }

    /// <summary>The stored salt of the wave draw, made (random) the first time it is needed.</summary>
    private async Task<string> SaltAsync(CancellationToken ct)
    {
        var row = await db.OrphanRollouts.OrderBy(r => r.Id).FirstOrDefaultAsync(ct);
        if (row is null)
        {
            row = new OrphanRollout { Salt = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)), CreatedAt = clock.GetUtcNow().UtcDateTime };
            db.OrphanRollouts.Add(row);
            await db.SaveChangesAsync(ct);
        }
        return row.Salt;
    }

    /// <summary>
    /// Reassigns a case to the named CS consultant (who, when and why recorded); a consultant at the cap is refused unless
    /// <paramref name="force"/>. The customer's moved contracts follow.
    /// </summary>
    public async Task<OrphanCase> ReassignAsync(long caseId, string consultantCode, string by, string why, bool force, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(why))
        {
            throw new OrphanRequestException("A reassignment needs a reason (why).");
        }
        var oc = await db.OrphanCases.FirstOrDefaultAsync(c => c.Id == caseId, ct)
            ?? throw new OrphanRequestException(string.Create(CultureInfo.InvariantCulture, $"There is no orphan case {caseId}."));
        if (oc.State is OrphanState.Returned)
        {
            throw new OrphanRequestException(string.Create(CultureInfo.InvariantCulture, $"Orphan case {caseId} went back to its returning agent; it cannot be reassigned."));
        }
        var code = consultantCode.Trim();
        var to = await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Code == code, ct)
            ?? throw new OrphanRequestException($"There is no agent with the code '{code}'.");
        if (to.Kind != AgentKind.Cs || to.Status != AgentStatus.Active)
        {
            throw new OrphanRequestException($"Agent '{to.Code}' is not an active CS consultant ({to.Kind}, {to.Status}).");
        }
        if (to.Id == oc.ConsultantId)
        {
            throw new OrphanRequestException($"Orphan case {caseId.ToString(CultureInfo.InvariantCulture)} is already with '{to.Code}'.");
        }
        var load = await db.OrphanCases.CountAsync(c => c.ConsultantId == to.Id && c.State == OrphanState.Assigned, ct);
        if (load >= options.LoadCap && !force)
        {
            throw new OrphanRequestException(string.Create(CultureInfo.InvariantCulture,
                $"CS consultant '{to.Code}' holds {load} open orphans, at the cap of {options.LoadCap}; choose another or force it."));
        }
        var from = oc.ConsultantId;
        var forced = load >= options.LoadCap;
        await using var tx = await OwnTransactionAsync(ct);
        db.OrphanOverrides.Add(new OrphanOverride
        {
            CaseId = oc.Id, CustomerId = oc.CustomerId, FromConsultantId = from, ToConsultantId = to.Id, OverriddenBy = by,
            OverriddenAt = clock.GetUtcNow().UtcDateTime, Why = why.Trim(), Forced = forced,
        });
        await MoveContractsAsync([(oc, to.Id)], ct);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime.AddHours(9));
        if (oc.State == OrphanState.Unassigned)
        {
            oc.State = OrphanState.Assigned;
            oc.AssignedOn = today;
            oc.FirstContactDue = calendar.AddBusinessDays(today, options.FirstContactBusinessDays);
        }
        oc.ConsultantId = to.Id;
        oc.Rule = AssignmentRule.Override;
        oc.Reasons = OrphanReasons.Write([.. OrphanReasons.Read(oc.Reasons),
            OrphanReason.Of(OrphanReasons.Override, ("by", by), ("why", why.Trim()), ("forced", forced))]);
        if (oc.State == OrphanState.Assigned)
        {
            // The open first contact moves with the case to the new consultant's list (a contacted case has none open).
            await handovers.MoveAsync(HandoverOf(oc, await AgentCodesAsync([oc.FormerAgentId], ct)), today, ct);
        }
        await db.SaveChangesAsync(ct);
        await CommitAsync(tx, ct);
        return oc;
    }

    /// <summary>Records the first contact with the customer (the case leaves the backlog).</summary>
    public Task<OrphanCase> RecordFirstContactAsync(long caseId, string by, CancellationToken ct = default) =>
        RecordFirstContactAsync(caseId, by, null, null, ct);

    /// <summary>
    /// Records the first contact made on <paramref name="on"/> (today when null; neither in the future nor before the
    /// assignment) with what came of it; the case leaves the backlog. A case already contacted keeps its first contact.
    /// </summary>
    public async Task<OrphanCase> RecordFirstContactAsync(long caseId, string by, DateOnly? on, string? note, CancellationToken ct = default)
    {
        var oc = await AssignedCaseAsync(caseId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now.AddHours(9));
        if (on is { } day && day > today)
        {
            throw new OrphanRequestException($"The first contact cannot be on a future day ({KoreanBusinessCalendar.Format(day)}).");
        }
        if (on is { } early && oc.AssignedOn is { } assigned && early < assigned)
        {
            throw new OrphanRequestException($"The first contact cannot be before the assignment on {KoreanBusinessCalendar.Format(assigned)}.");
        }
        if (note is { Length: > MaxNote })
        {
            throw new OrphanRequestException(string.Create(CultureInfo.InvariantCulture, $"The note is longer than {MaxNote} characters."));
        }
        if (oc.FirstContactAt is null)
        {
            // Another day than today: that day at the time of day it is now (Korean time), as the service stores UTC.
            oc.FirstContactAt = on is { } d && d != today ? d.ToDateTime(TimeOnly.FromDateTime(now.AddHours(9))).AddHours(-9) : now;
            oc.FirstContactBy = by;
            oc.FirstContactNote = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
            oc.State = OrphanState.Contacted;
            await using var tx = await OwnTransactionAsync(ct);
            await db.SaveChangesAsync(ct);
            await handovers.DoneAsync([oc.Id], by, now, ct);
            await CommitAsync(tx, ct);
            return oc;
        }
        await db.SaveChangesAsync(ct);
        return oc;
    }

    /// <summary>The longest first-contact note or coverage-check note kept.</summary>
    public const int MaxNote = 2000;

    /// <summary>Records the coverage check (보장점검), done at/by with notes; it is a first contact too when none was recorded.</summary>
    public async Task<OrphanCase> RecordCoverageCheckAsync(long caseId, string by, string? notes, CancellationToken ct = default)
    {
        var oc = await AssignedCaseAsync(caseId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        oc.CoverageCheckAt = now;
        oc.CoverageCheckBy = by;
        oc.CoverageCheckNotes = string.IsNullOrWhiteSpace(notes) ? null : notes.Trim();
        var first = oc.FirstContactAt is null;
        if (first)
        {
            oc.FirstContactAt = now;
            oc.FirstContactBy = by;
            oc.State = OrphanState.Contacted;
        }
        await using var tx = await OwnTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        if (first)
        {
            await handovers.DoneAsync([oc.Id], by, now, ct);
        }
        await CommitAsync(tx, ct);
        return oc;
    }

    /// <summary>The backlog as of a day: open cases, SLA breaches (first contact past due), by branch and consultant.</summary>
    public async Task<OrphanReport> ReportAsync(DateOnly asOf, CancellationToken ct = default)
    {
        var rows = await db.OrphanCases.AsNoTracking()
            .GroupBy(c => new { c.ConsultantId, c.State, Breached = c.State == OrphanState.Assigned && c.FirstContactDue < asOf, Checked = c.CoverageCheckAt != null })
            .Select(g => new { g.Key.ConsultantId, g.Key.State, g.Key.Breached, g.Key.Checked, Count = g.Count() }).ToListAsync(ct);
        var ids = rows.Where(r => r.ConsultantId != null).Select(r => r.ConsultantId!.Value).Distinct().ToList();
        var who = await (from a in db.Agents.AsNoTracking()
                         join b in db.Branches.AsNoTracking() on a.BranchId equals b.Id
                         where ids.Contains(a.Id)
                         select new { a.Id, a.Code, Branch = b.Code }).ToDictionaryAsync(a => a.Id, ct);
        var consultants = rows.Where(r => r.ConsultantId != null && r.State is not (OrphanState.Returned or OrphanState.Superseded)).GroupBy(r => r.ConsultantId!.Value)
            .Select(g => new ConsultantBacklog(g.Key, who[g.Key].Code, who[g.Key].Branch,
                g.Where(r => r.State == OrphanState.Assigned).Sum(r => r.Count), g.Where(r => r.Breached).Sum(r => r.Count),
                g.Where(r => r.State == OrphanState.Contacted).Sum(r => r.Count), g.Where(r => r.Checked).Sum(r => r.Count), options.LoadCap))
            .OrderByDescending(c => c.Breached).ThenByDescending(c => c.Open).ThenBy(c => c.Code, StringComparer.Ordinal).ToList();
        var branches = consultants.GroupBy(c => c.BranchCode)
            .Select(g => new BranchBacklog(g.Key, g.Sum(c => c.Open), g.Sum(c => c.Breached), g.Sum(c => c.Contacted)))
            .OrderByDescending(b => b.Breached).ThenBy(b => b.BranchCode, StringComparer.Ordinal).ToList();
        int Sum(OrphanState s) => rows.Where(r => r.State == s).Sum(r => r.Count);
        return new(asOf, Sum(OrphanState.Unassigned), Sum(OrphanState.Assigned), rows.Where(r => r.Breached).Sum(r => r.Count),
            Sum(OrphanState.Contacted), Sum(OrphanState.Returned), branches, consultants)
        {
            Deferred = Sum(OrphanState.Deferred), Superseded = Sum(OrphanState.Superseded),
        };
    }

    private async Task<OrphanCase> AssignedCaseAsync(long caseId, CancellationToken ct)
    {
        var oc = await db.OrphanCases.FirstOrDefaultAsync(c => c.Id == caseId, ct)
            ?? throw new OrphanRequestException(string.Create(CultureInfo.InvariantCulture, $"There is no orphan case {caseId}."));
        if (oc.State is not (OrphanState.Assigned or OrphanState.Contacted))
        {
            throw new OrphanRequestException(string.Create(CultureInfo.InvariantCulture, $"Orphan case {caseId} is {oc.State}: assign it first."));
        }
        return oc;
    }

    private async Task<Agent> FindAgentAsync(string code, CancellationToken ct)
    {
        var trimmed = (code ?? "").Trim();
        if (trimmed.Length == 0)
        {
            throw new OrphanRequestException("An agent code is required.");
        }
        return await db.Agents.FirstOrDefaultAsync(a => a.Code == trimmed, ct)
            ?? throw new OrphanRequestException($"There is no agent with the code '{trimmed}'.");
    }

    /// <summary>The active contracts of each case get the consultant as servicing agent, through the versioned contract update.</summary>
    /// <summary>
    /// The cases' contracts get their new servicing agent where they still have the former agent or the case's consultant
    /// (one moved since by someone else stays), set-based: one UPDATE per chunk on PostgreSQL, one prepared UPDATE a contract
    /// on SQLite, with the version bumped as the change tracker would. Contracts this context already tracks are brought in
    /// line, so a later save neither undoes the move nor fails on the version.
    /// </summary>
    private async Task MoveContractsAsync(IEnumerable<(OrphanCase Case, long To)> moves, CancellationToken ct)
    {
        var rows = new List<(long Id, long Former, long Current, long To)>();
        foreach (var (oc, to) in moves)
        {
            foreach (var id in ContractIdsOf(oc))
            {
                rows.Add((id, oc.FormerAgentId, oc.ConsultantId ?? oc.FormerAgentId, to));
            }
        }
        if (rows.Count == 0)
        {
            return;
        }
        var tx = (db.Database.CurrentTransaction ?? throw new InvalidOperationException("Contracts are moved inside the case's transaction.")).GetDbTransaction();
        var connection = db.Database.GetDbConnection();
        var moved = new Dictionary<long, (long Agent, int Version)>(rows.Count);
        if (db.IsPostgres)
        {
            foreach (var chunk in rows.Chunk(10_000))
            {
                await using var cmd = ImportSql.Command(connection, tx, """
                    UPDATE contract k SET servicing_agent_id = m.agent, version = k.version + 1
                    FROM unnest(@ids, @former, @current, @to) AS m(id, former, current, agent)
                    WHERE k.id = m.id AND (k.servicing_agent_id = m.former OR k.servicing_agent_id = m.current)
                    RETURNING k.id, k.servicing_agent_id, k.version
                    """);
                ImportSql.AddList(cmd, "ids", chunk.Select(r => r.Id));
                ImportSql.AddList(cmd, "former", chunk.Select(r => r.Former));
                ImportSql.AddList(cmd, "current", chunk.Select(r => r.Current));
                ImportSql.AddList(cmd, "to", chunk.Select(r => r.To));
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    moved[reader.GetInt64(0)] = (reader.GetInt64(1), reader.GetInt32(2));
                }
            }
        }
        else
        {
            await using var cmd = ImportSql.Command(connection, tx, """
                UPDATE contract SET servicing_agent_id = $to, version = version + 1
                WHERE id = $id AND (servicing_agent_id = $former OR servicing_agent_id = $current)
                RETURNING version
                """);
            var (pId, pFormer, pCurrent, pTo) = (Parameter(cmd, "$id"), Parameter(cmd, "$former"), Parameter(cmd, "$current"), Parameter(cmd, "$to"));
            await cmd.PrepareAsync(ct);
            foreach (var r in rows)
            {
                (pId.Value, pFormer.Value, pCurrent.Value, pTo.Value) = (r.Id, r.Former, r.Current, r.To);
                if (await cmd.ExecuteScalarAsync(ct) is { } version)
                {
                    moved[r.Id] = (r.To, Convert.ToInt32(version, CultureInfo.InvariantCulture));
                }
            }
        }
        foreach (var entry in db.ChangeTracker.Entries<Contract>())
        {
            if (moved.TryGetValue(entry.Entity.Id, out var m))
            {
                entry.Entity.ServicingAgentId = m.Agent;
                entry.Entity.Version = m.Version;
                entry.Property(k => k.ServicingAgentId).OriginalValue = m.Agent;
                entry.Property(k => k.Version).OriginalValue = m.Version;
            }
        }
    }

    private static System.Data.Common.DbParameter Parameter(System.Data.Common.DbCommand cmd, string name)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        cmd.Parameters.Add(p);
        return p;
    }

    /// <summary>The columns of a new case, in <see cref="WriteCase"/>'s order.</summary>
    private static readonly BulkTable NewCases = new("orphan_case",
        ("id", typeof(long)), ("customer_id", typeof(long)), ("former_agent_id", typeof(long)), ("terminated_on", typeof(DateOnly)),
        ("detected_on", typeof(DateOnly)), ("state", typeof(string)), ("consultant_id", typeof(long)), ("assigned_on", typeof(DateOnly)),
        ("rule", typeof(string)), ("reasons", typeof(string)), ("contract_ids", typeof(string)), ("first_contact_due", typeof(DateOnly)),
        ("wave", typeof(string)), ("assign_after", typeof(DateOnly)), ("version", typeof(int)));

    private static void WriteCase(BulkRow row, OrphanCase c) => row.Id(c.Id).Id(c.CustomerId).Id(c.FormerAgentId).Date(c.TerminatedOn)
        .Date(c.DetectedOn).Enum(c.State).Id(c.ConsultantId).Date(c.AssignedOn).Enum(c.Rule).Text(c.Reasons).Text(c.ContractIds)
        .Date(c.FirstContactDue).Enum(c.Wave).Date(c.AssignAfter).Number(c.Version);

    /// <summary>A transaction for the case's change and its worklist item, unless the caller already has one open.</summary>
    private async Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction?> OwnTransactionAsync(CancellationToken ct) =>
        db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;

    private static async Task CommitAsync(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? tx, CancellationToken ct)
    {
        if (tx is not null)
        {
            await tx.CommitAsync(ct);
        }
    }

    private async Task<Dictionary<long, string>> AgentCodesAsync(IEnumerable<long> agentIds, CancellationToken ct)
    {
        var codes = new Dictionary<long, string>();
        foreach (var chunk in agentIds.Distinct().Chunk(Chunk))
        {
            foreach (var a in await db.Agents.AsNoTracking().Where(a => chunk.Contains(a.Id)).Select(a => new { a.Id, a.Code }).ToListAsync(ct))
            {
                codes[a.Id] = a.Code;
            }
        }
        return codes;
    }

    /// <summary>An assigned case as the consultant's worklist needs it (its handover item).</summary>
    private static HandoverCase HandoverOf(OrphanCase c, IReadOnlyDictionary<long, string> codes) =>
        new(c.Id, c.CustomerId, c.ConsultantId!.Value, c.FirstContactDue!.Value, codes.GetValueOrDefault(c.FormerAgentId, ""), c.TerminatedOn);

    private static long[] ContractIdsOf(OrphanCase c) => JsonSerializer.Deserialize<long[]>(c.ContractIds) ?? [];

    /// <summary>
    /// Top grades: the best-rated consultant of the tier (then the least loaded, then the lowest id); the rest: the least loaded
    /// (then the best-rated, then the lowest id). One pass, no sort: it runs once a case and tier.
    /// </summary>
    private static Consultant? Pick(IEnumerable<Consultant> tier, bool top)
    {
        Consultant? best = null;
        foreach (var k in tier)
        {
            if (best is null || Better(k, best, top))
            {
                best = k;
            }
        }
        return best;
    }

    private static bool Better(Consultant a, Consultant b, bool top)
    {
        if (top && a.Rating != b.Rating)
        {
            return a.Rating > b.Rating;
        }
        if (a.Load != b.Load)
        {
            return a.Load < b.Load;
        }
        if (a.Rating != b.Rating)
        {
            return a.Rating > b.Rating;
        }
        return a.Id < b.Id;
    }

    private static int GradeRank(string? grade) => grade is { Length: 1 } g && g[0] is >= 'A' and <= 'G' ? g[0] - 'A' : 7;

    private static string Rating(double r) => r.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>
    /// Active CS consultants with their rating and open load. Rating = tenure (years since hire, full at the configured years)
    /// and the 13-month persistency of the contracts they service that were issued 13 to 24 months ago, weighted; a consultant
    /// without such contracts gets the mean persistency of those with them (0.5 when none has); and, when weighted, the complaint
    /// record: 1 / (1 + the agent-conduct and mis-selling complaints naming the consultant received in the last months).
    /// </summary>
    private async Task<List<Consultant>> ConsultantsAsync(DateOnly asOf, CancellationToken ct)
    {
        var rows = await (from a in db.Agents.AsNoTracking()
                          join b in db.Branches.AsNoTracking() on a.BranchId equals b.Id
                          where a.Kind == AgentKind.Cs && a.Status == AgentStatus.Active
                          select new { a.Id, a.Code, a.BranchId, BranchCode = b.Code, b.Sido, a.HireDate }).ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var loads = (await db.OrphanCases.AsNoTracking().Where(c => c.ConsultantId != null && ids.Contains(c.ConsultantId.Value) && c.State == OrphanState.Assigned)
            .GroupBy(c => c.ConsultantId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct)).ToDictionary(g => g.Key, g => g.Count);
        var from = asOf.AddMonths(-24);
        var to = asOf.AddMonths(-13);
        var cohort = await db.Contracts.AsNoTracking()
            .Where(k => k.ServicingAgentId != null && ids.Contains(k.ServicingAgentId.Value) && k.IssueDate > from && k.IssueDate <= to)
            .GroupBy(k => k.ServicingAgentId!.Value)
            .Select(g => new { g.Key, All = g.Count(), Kept = g.Count(k => ActiveStatuses.Contains(k.Status) || k.Status == ContractStatus.Matured) })
            .ToListAsync(ct);
        var persistency = cohort.Where(c => c.All > 0).ToDictionary(c => c.Key, c => (double)c.Kept / c.All);
        var mean = persistency.Count == 0 ? 0.5 : persistency.Values.Average();
        var complaints = options.ComplaintWeight > 0 ? await ComplaintsAsync(ids, asOf, ct) : [];
        var total = options.TenureWeight + options.PersistencyWeight + options.ComplaintWeight;
        return [.. rows.Select(r =>
        {
            var years = Math.Max(0, asOf.DayNumber - r.HireDate.DayNumber) / 365.25;
            var tenure = Math.Min(1, years / options.TenureFullYears);
            var count = complaints.GetValueOrDefault(r.Id);
            var rating = (options.TenureWeight * tenure + options.PersistencyWeight * persistency.GetValueOrDefault(r.Id, mean)
                + options.ComplaintWeight * ComplaintScore(count)) / total;
            return new Consultant(r.Id, r.Code, r.BranchId, r.BranchCode, r.Sido, rating, loads.GetValueOrDefault(r.Id), count);
        })];
    }

    /// <summary>The complaint record's part of the rating: 1 with no complaint, 0.5 with one, 0.25 with three.</summary>
    internal static double ComplaintScore(int complaints) => 1.0 / (1 + Math.Max(0, complaints));

    /// <summary>
    /// The consultants' complaint records: complaints (VOC type Complaint) in the agent-conduct or mis-selling categories naming
    /// them as the agent, received in the <see cref="OrphanOptions.ComplaintMonths"/> months before the day.
    /// </summary>
    private async Task<Dictionary<long, int>> ComplaintsAsync(List<long> ids, DateOnly asOf, CancellationToken ct)
    {
        var from = DateTime.SpecifyKind(asOf.AddMonths(-options.ComplaintMonths).ToDateTime(TimeOnly.MinValue), DateTimeKind.Utc);
        var to = DateTime.SpecifyKind(asOf.AddDays(1).ToDateTime(TimeOnly.MinValue), DateTimeKind.Utc);
        var result = new Dictionary<long, int>();
        foreach (var chunk in ids.Chunk(Chunk))
        {
            var rows = await db.Set<VocCase>().AsNoTracking()
                .Where(c => c.AgentId != null && chunk.Contains(c.AgentId.Value) && c.Type == VocType.Complaint && c.ReceivedAt >= from && c.ReceivedAt < to
                    && c.CategoryCode != null && (c.CategoryCode == "agent" || c.CategoryCode.StartsWith("agent.")
                        || c.CategoryCode == "misselling" || c.CategoryCode.StartsWith("misselling.")))
                .GroupBy(c => c.AgentId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
            foreach (var r in rows)
            {
                result[r.Key] = r.Count;
            }
        }
        return result;
    }

    /// <summary>Each customer's grade and total value in the latest completed value run (none when no run exists).</summary>
    private async Task<Dictionary<long, (string? Grade, decimal Total)>> GradesAsync(List<long> customers, CancellationToken ct)
    {
        var result = new Dictionary<long, (string? Grade, decimal Total)>();
        var run = await db.Set<ValueRun>().AsNoTracking().Where(r => r.Status == ValueRunStatus.Completed)
            .OrderByDescending(r => r.RunDate).ThenByDescending(r => r.Id).Select(r => (long?)r.Id).FirstOrDefaultAsync(ct);
        if (run is null)
        {
            return result;
        }
        foreach (var chunk in customers.Chunk(Chunk))
        {
            var rows = await db.Set<CustomerValue>().AsNoTracking().Where(v => v.RunId == run && chunk.Contains(v.CustomerId))
                .Select(v => new { v.CustomerId, v.Grade, v.TotalValue }).ToListAsync(ct);
            foreach (var r in rows)
            {
                result[r.CustomerId] = (r.Grade, r.TotalValue);
            }
        }
        return result;
    }
}
