using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Voc;

/// <summary>Where a case goes: the receiving, managing and originating departments, the owner, and why (the rule that chose).</summary>
public sealed record VocRoute(long? Receiving, long Managing, long? Originating, long? Owner, string Note);

/// <summary>
/// The routing rules (<see cref="VocOptions.Rules"/>): the managing department by category (and type, severity), regulator
/// referrals to compliance; the receiving department by channel (branch and agent intake: the agent's branch); the originating
/// department the agent's branch, else the managing one; the owner the managing department's member with the fewest open
/// cases, else its head.
/// </summary>
internal sealed class VocRouting(CrmDbContext db, VocOptions options)
{
    public async Task<VocRoute> RouteAsync(VocChannel channel, VocType? type, string? category, VocSeverity severity, long? agentBranchId,
        CrmUser? by, CancellationToken ct)
    {
        var (managingCode, note) = Managing(options, channel, type, category, severity);
        var managing = await DepartmentAsync(managingCode, ct);
        long? receiving;
        if (channel is VocChannel.Branch or VocChannel.Agent && (agentBranchId ?? by?.BranchId) is { } branch)
        {
            receiving = (await BranchDepartmentAsync(branch, ct))?.Id;
        }
        else
        {
            receiving = (await DepartmentAsync(options.ReceivingByChannel.GetValueOrDefault(channel, options.DefaultDepartment), ct)).Id;
        }
        var originating = agentBranchId is { } ab ? (await BranchDepartmentAsync(ab, ct))?.Id ?? managing.Id : managing.Id;
        var owner = await OwnerAsync(managing, ct);
        note = VocRoutingNote.Join(note, owner.Reason);
        return new VocRoute(receiving, managing.Id, originating, owner.UserId, note);
    }

    /// <summary>The managing department's code and why (the regulator's department for a referral, else the first matching rule, else the default); no database.</summary>
    public static (string Code, string Note) Managing(VocOptions options, VocChannel channel, VocType? type, string? category, VocSeverity severity)
    {
        if (channel == VocChannel.Regulator)
        {
            return (options.RegulatorDepartment, VocRoutingNote.Regulator(options.RegulatorDepartment));
        }
        var index = options.Rules.FindIndex(r => Matches(r, type, category, severity));
        var code = index >= 0 ? options.Rules[index].Department : options.DefaultDepartment;
        return (code, index >= 0
            ? VocRoutingNote.Rule(index + 1, options.Rules[index].Category, options.Rules[index].Type, options.Rules[index].MinSeverity, code)
            : VocRoutingNote.Default(code));
    }

    /// <summary>The member of <paramref name="department"/> with the fewest open cases (ties: the lowest user id), else its head.</summary>
    public async Task<(long? UserId, string Reason)> OwnerAsync(VocDepartment department, CancellationToken ct)
    {
        var members = await db.VocDepartmentMembers.AsNoTracking().Where(m => m.DepartmentId == department.Id).Select(m => m.UserId).ToListAsync(ct);
        if (members.Count == 0)
        {
            return department.HeadUserId is { } head ? (head, VocRoutingNote.OwnerHead) : (null, VocRoutingNote.OwnerNone);
        }
        var load = await db.VocCases.AsNoTracking()
            .Where(c => c.OwnerUserId != null && members.Contains(c.OwnerUserId.Value) && c.State != VocState.Resolved && c.State != VocState.Closed)
            .GroupBy(c => c.OwnerUserId!.Value).Select(g => new { UserId = g.Key, Open = g.Count() }).ToDictionaryAsync(g => g.UserId, g => g.Open, ct);
        var chosen = members.OrderBy(m => load.GetValueOrDefault(m)).ThenBy(m => m).First();
        return (chosen, VocRoutingNote.OwnerFewest(load.GetValueOrDefault(chosen)));
    }

    public async Task<VocDepartment> DepartmentAsync(string code, CancellationToken ct) =>
        await db.VocDepartments.FirstOrDefaultAsync(d => d.Code == code, ct)
        ?? throw new InvalidOperationException($"VOC department '{code}' does not exist (Voc options name a department that is not in voc_department).");

    /// <summary>The department of an agent branch, added the first time a case names the branch; null for an unknown branch.</summary>
    public async Task<VocDepartment?> BranchDepartmentAsync(long branchId, CancellationToken ct)
    {
        var existing = await db.VocDepartments.FirstOrDefaultAsync(d => d.BranchId == branchId, ct);
        if (existing is not null)
        {
            return existing;
        }
        var branch = await db.Set<Branch>().AsNoTracking().FirstOrDefaultAsync(b => b.Id == branchId, ct);
        if (branch is null)
        {
            return null;
        }
        var department = new VocDepartment
        {
            Code = "BR-" + branch.Code, NameKo = branch.Name, NameEn = branch.Name + " branch", NameZh = branch.Name, BranchId = branch.Id,
            HeadUserId = await db.Users.AsNoTracking().Where(u => u.BranchId == branchId && u.Role == Role.BranchManager && u.IsActive)
                .OrderBy(u => u.Id).Select(u => (long?)u.Id).FirstOrDefaultAsync(ct),
        };
        db.VocDepartments.Add(department);
        await db.SaveChangesAsync(ct);
        return department;
    }

    private static bool Matches(VocRoutingRule r, VocType? type, string? category, VocSeverity severity) =>
        (r.Category is null || (category is not null && (category == r.Category || category.StartsWith(r.Category + ".", StringComparison.Ordinal))))
        && (r.Type is null || r.Type == type)
        && (r.MinSeverity is null || severity >= r.MinSeverity);
}
