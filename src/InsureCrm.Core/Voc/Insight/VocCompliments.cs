using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Voc.Insight;

/// <summary>One compliment on the board: who was praised (the case's agent and their branch) and the words, masked.</summary>
public sealed record VocPraise(long Id, string Number, DateTime ReceivedAt, VocChannel Channel, long? AgentId, string? AgentCode, string? AgentName,
    AgentKind? AgentKind, string? BranchName, string Text);

/// <summary>A line of the board's counts: an agent or a branch and their compliments.</summary>
public sealed record VocPraiseCount(long Id, string Label, AgentKind? Kind, int Count);

public sealed record VocPraiseBoard(IReadOnlyList<VocPraise> Items, IReadOnlyList<VocPraiseCount> ByAgent, IReadOnlyList<VocPraiseCount> ByBranch, int Total);

/// <summary>
/// The compliment board (issue 16, item 7; Hyundai Marine's 칭찬마당): compliments of the last 90 days by agent, CS consultant
/// and branch, with the customers' words masked; and the count the praised agent's home shows.
/// </summary>
public sealed class VocCompliments(CrmDbContext db, TimeProvider time)
{
    public const int Days = 90;
    public const int Cap = 200;

    private DateTime Since => time.GetUtcNow().UtcDateTime.AddDays(-Days);

    private IQueryable<VocCase> Recent()
    {
        var since = Since;
        return db.VocCases.AsNoTracking().Where(c => c.Type == VocType.Compliment && c.ReceivedAt >= since);
    }

    /// <summary>Compliments naming the agent in the last 90 days.</summary>
    public Task<int> CountForAgentAsync(long agentId, CancellationToken ct = default) => Recent().CountAsync(c => c.AgentId == agentId, ct);

    public async Task<VocPraiseBoard> BoardAsync(long? agentId = null, CancellationToken ct = default)
    {
        var q = Recent();
        if (agentId is { } only)
        {
            q = q.Where(c => c.AgentId == only);
        }
        var rows = await (from c in q
                          join a in db.Set<Agent>().AsNoTracking() on c.AgentId equals a.Id into agents
                          from a in agents.DefaultIfEmpty()
                          join b in db.Set<Branch>().AsNoTracking() on a.BranchId equals b.Id into branches
                          from b in branches.DefaultIfEmpty()
                          join p in db.Customers.AsNoTracking() on c.CustomerId equals p.Id into people
                          from p in people.DefaultIfEmpty()
                          orderby c.ReceivedAt descending, c.Id descending
                          select new
                          {
                              c.Id, c.Number, c.ReceivedAt, c.Channel, c.AgentId, AgentCode = a == null ? null : a.Code, AgentName = a == null ? null : a.Name,
                              Kind = a == null ? (AgentKind?)null : a.Kind, BranchId = b == null ? (long?)null : b.Id, BranchName = b == null ? null : b.Name,
                              c.Text, Customer = p == null ? null : p.Name,
                          }).Take(Cap).ToListAsync(ct);
        var byAgent = await (from c in q
                             join a in db.Set<Agent>().AsNoTracking() on c.AgentId equals a.Id
                             group c by new { a.Id, a.Code, a.Name, a.Kind } into g
                             orderby g.Count() descending, g.Key.Code
                             select new { g.Key.Id, g.Key.Code, g.Key.Name, g.Key.Kind, Count = g.Count() }).Take(20).ToListAsync(ct);
        var byBranch = await (from c in q
                              join a in db.Set<Agent>().AsNoTracking() on c.AgentId equals a.Id
                              join b in db.Set<Branch>().AsNoTracking() on a.BranchId equals b.Id
                              group c by new { b.Id, b.Name } into g
                              orderby g.Count() descending, g.Key.Name
                              select new { g.Key.Id, g.Key.Name, Count = g.Count() }).Take(20).ToListAsync(ct);
        var total = await q.CountAsync(ct);
        return new VocPraiseBoard(
            [.. rows.Select(r => new VocPraise(r.Id, r.Number, r.ReceivedAt, r.Channel, r.AgentId, r.AgentCode, r.AgentName, r.Kind, r.BranchName,
                VocTextMask.Mask(r.Text, r.Customer is null ? null : [r.Customer])))],
            [.. byAgent.Select(a => new VocPraiseCount(a.Id, a.Code + " " + a.Name, a.Kind, a.Count))],
            [.. byBranch.Select(b => new VocPraiseCount(b.Id, b.Name, null, b.Count))], total);
    }
}
