using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Models;

/// <summary>One version as the registry page lists it: everything but the model file itself.</summary>
public sealed record ModelVersionRow(string Name, int Version, string Algorithm, DateOnly Cutoff, int WindowMonths, int TrainRows, int TestRows,
    double Auc, double LogLoss, double TopDecileLift, ModelStatus Status, string TrainedBy, DateTime TrainedAt, string? ApprovedBy, DateTime? ApprovedAt);

/// <summary>The newest scoring run of a champion version.</summary>
public sealed record LatestScoreRun(string Name, int Version, DateOnly RunDate, ModelScoreRunStatus Status, int Scored, DateTime StartedAt, DateTime? FinishedAt);

/// <summary>The registry at a glance: every version of every model, and each champion's newest scoring run.</summary>
public sealed record ModelRegistryOverview(IReadOnlyList<ModelVersionRow> Versions, IReadOnlyList<LatestScoreRun> LatestRuns);

/// <summary>
/// Read-only views of the registry for pages: without the model files (up to megabytes each), which a listing never
/// needs. Who may read it is the caller's policy (<c>models:manage</c>).
/// </summary>
public sealed class ModelRegistryQueries(CrmDatabase database)
{
    public async Task<ModelRegistryOverview> OverviewAsync(CancellationToken ct)
    {
        await using var ctx = database.CreateContext();
        var versions = await ctx.Set<ModelVersion>().AsNoTracking()
            .OrderBy(m => m.Name).ThenByDescending(m => m.Version)
            .Select(m => new ModelVersionRow(m.Name, m.Version, m.Algorithm, m.Cutoff, m.WindowMonths, m.TrainRows, m.TestRows, m.Auc, m.LogLoss,
                m.TopDecileLift, m.Status, m.TrainedBy, m.TrainedAt, m.ApprovedBy, m.ApprovedAt))
            .ToListAsync(ct);
        var champions = await ctx.Set<ModelVersion>().AsNoTracking().Where(m => m.Status == ModelStatus.Champion)
            .Select(m => new { m.Id, m.Name, m.Version }).ToListAsync(ct);
        var runs = new List<LatestScoreRun>(champions.Count);
        foreach (var c in champions.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            // A handful of champions: one small indexed query each (model_version_id, run_date) beats a window query both providers must agree on.
            var run = await ctx.Set<ModelScoreRun>().AsNoTracking().Where(r => r.ModelVersionId == c.Id)
                .OrderByDescending(r => r.RunDate).ThenByDescending(r => r.Id).FirstOrDefaultAsync(ct);
            if (run is not null)
            {
                runs.Add(new LatestScoreRun(c.Name, c.Version, run.RunDate, run.Status, run.Scored, run.StartedAt, run.FinishedAt));
            }
        }
        return new ModelRegistryOverview(versions, runs);
    }
}
