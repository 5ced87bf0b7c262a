using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Models;

/// <summary>An agent's score in an agent model's newest completed run, with its top reasons (feature keys and values).</summary>
public sealed record AgentScoreRow(long AgentId, string Code, string Name, AgentKind Kind, string BranchName, DateOnly HireDate, double Score,
    IReadOnlyList<ScoreReason> Reasons);

/// <summary>
/// The top-scored agents of one agent model's champion, as far as the viewer may see; <see cref="Version"/> 0 when the
/// champion has not scored yet. <see cref="OutsidePopulation"/>: when <see cref="Agents"/> is empty, how many agents in the
/// viewer's scope the run scored outside the model's population (hired more than 13 months before), so that an empty list
/// says why.
/// </summary>
public sealed record AgentScoreList(string Model, int Version, DateOnly? AsOf, IReadOnlyList<AgentScoreRow> Agents, int OutsidePopulation = 0);

/// <summary>
/// Agent model scores for people (docs/insurer-models.md, Web): the eligible agents of the champion's newest completed
/// run, highest score first, limited to the viewer's scope — a branch manager sees the agents of their branch; admins and
/// analysts every agent; anyone else (and a manager without a branch) none.
/// </summary>
public sealed class AgentScoreQueries(CrmDatabase database)
{
    public const int DefaultTake = 20;

    /// <summary>The list for <paramref name="modelName"/>; null when it is not an agent model.</summary>
    public async Task<AgentScoreList?> TopAsync(CrmUser user, string modelName, int take = DefaultTake, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (InsurerModels.Find(modelName) is not { Subject: ModelSubject.Agent } model)
        {
            return null;
        }
        await using var ctx = database.CreateContext();
        var run = await ChampionScores.NewestRunAsync(ctx, model.Name, ct);
        if (run is null)
        {
            return new AgentScoreList(model.Name, 0, null, []);
        }
        var agents = Scope(ctx.Agents.AsNoTracking(), user);
        var rows = await (from s in ctx.Set<AgentModelScore>().AsNoTracking().Where(s => s.RunId == run.RunId && s.Eligible)
                          join a in agents on s.AgentId equals a.Id
                          join b in ctx.Branches.AsNoTracking() on a.BranchId equals b.Id
                          orderby s.Score descending, a.Id
                          select new { a.Id, a.Code, a.Name, a.Kind, Branch = b.Name, a.HireDate, s.Score, s.Reasons })
            .Take(take).ToListAsync(ct);
        var outside = rows.Count > 0 ? 0
            : await ctx.Set<AgentModelScore>().AsNoTracking().CountAsync(s => s.RunId == run.RunId && !s.Eligible && agents.Any(a => a.Id == s.AgentId), ct);
        return new AgentScoreList(model.Name, run.Version, run.RunDate,
            [.. rows.Select(r => new AgentScoreRow(r.Id, r.Code, r.Name, r.Kind, r.Branch, r.HireDate, r.Score, InsurerModelScorer.ReadReasons(r.Reasons)))], outside);
    }

    private static IQueryable<Agent> Scope(IQueryable<Agent> agents, CrmUser user) => user.Role switch
    {
        Role.Admin or Role.Analyst => agents,
        Role.BranchManager when user.BranchId is { } branch => agents.Where(a => a.BranchId == branch),
        _ => agents.Where(a => false),
    };
}
