using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Models;

/// <summary>
/// A champion model's score of the customer in its newest completed run, with the top reasons (feature keys and values)
/// and the model's base rate (the share with the event among the customers it was trained and tested on), against
/// which a score reads as high or low.
/// </summary>
public sealed record CustomerModelScoreView(string Model, int Version, DateOnly AsOf, bool Eligible, double Score, IReadOnlyList<ScoreReason> Reasons,
    double BaseRate = 0);

/// <summary>
/// The champion <c>lapse-contract</c> score of an active, premium-paying contract in its newest completed run, with the
/// top reasons (feature keys and values, translated by the page); absent when the contract was not scored or is not in
/// the model's population.
/// </summary>
public sealed record ContractModelScoreView(string Model, int Version, DateOnly AsOf, double Score, IReadOnlyList<ScoreReason> Reasons);

/// <summary>A champion version and its newest completed scoring run.</summary>
internal sealed record ChampionRun
{
    public required string Name { get; init; }
    public required int Version { get; init; }
    /// <summary>The version's base rate (<see cref="ModelVersion.PositiveRate"/>).</summary>
    public required double PositiveRate { get; init; }
    public required long RunId { get; init; }
    public required DateOnly RunDate { get; init; }
}

/// <summary>
/// The scores people see are those of each champion's newest completed run: the customer page, the home page's lapse
/// watch and the agent score lists all read them through <see cref="NewestRuns"/>. No scope check here: callers check it.
/// </summary>
internal static class ChampionScores
{
    /// <summary>
    /// Each champion version with its newest completed run (the latest run date, then the latest run of that day); a
    /// champion without a completed run is left out. A query to compose with, not yet run.
    /// </summary>
    public static IQueryable<ChampionRun> NewestRuns(CrmDbContext db) =>
        from v in db.Set<ModelVersion>().AsNoTracking().Where(v => v.Status == ModelStatus.Champion)
        let run = db.Set<ModelScoreRun>().Where(r => r.ModelVersionId == v.Id && r.Status == ModelScoreRunStatus.Completed)
            .OrderByDescending(r => r.RunDate).ThenByDescending(r => r.Id).FirstOrDefault()
        where run != null
        select new ChampionRun { Name = v.Name, Version = v.Version, PositiveRate = v.PositiveRate, RunId = run.Id, RunDate = run.RunDate };

    /// <summary>The newest completed run of <paramref name="model"/>'s champion; null when it has none (or there is no champion).</summary>
    public static Task<ChampionRun?> NewestRunAsync(CrmDbContext db, string model, CancellationToken ct) =>
        NewestRuns(db).Where(c => c.Name == model).OrderByDescending(c => c.RunDate).ThenByDescending(c => c.RunId).FirstOrDefaultAsync(ct);

    /// <summary>The models feature's section of the customer page: each champion's score of the customer, by model name.</summary>
    public static async Task<IReadOnlyList<CustomerModelScoreView>> OfCustomerAsync(CrmDbContext db, long customerId, CancellationToken ct)
    {
        var rows = await (from c in NewestRuns(db)
                          join s in db.Set<CustomerModelScore>().AsNoTracking() on c.RunId equals s.RunId
                          where s.CustomerId == customerId
                          orderby c.Name
                          select new { c.Name, c.Version, c.PositiveRate, c.RunDate, s.Eligible, s.Score, s.Reasons }).ToListAsync(ct);
        return [.. rows.Select(r => new CustomerModelScoreView(r.Name, r.Version, r.RunDate, r.Eligible, r.Score, InsurerModelScorer.ReadReasons(r.Reasons), r.PositiveRate))];
    }

    /// <summary>The champion <c>lapse-contract</c> score of each of <paramref name="contractIds"/>; eligible rows only.</summary>
    public static async Task<Dictionary<long, ContractModelScoreView>> OfContractsAsync(CrmDbContext db, IReadOnlyCollection<long> contractIds, CancellationToken ct)
    {
        var model = InsurerModels.LapseContract.Name;
        var rows = await (from c in NewestRuns(db).Where(c => c.Name == model)
                          join s in db.Set<ContractModelScore>().AsNoTracking() on c.RunId equals s.RunId
                          where contractIds.Contains(s.ContractId) && s.Eligible
                          select new { s.ContractId, c.Name, c.Version, c.RunDate, s.Score, s.Reasons }).ToListAsync(ct);
        return rows.ToDictionary(r => r.ContractId,
            r => new ContractModelScoreView(r.Name, r.Version, r.RunDate, r.Score, InsurerModelScorer.ReadReasons(r.Reasons)));
    }
}
