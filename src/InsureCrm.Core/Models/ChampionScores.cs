using System.Data.Common;
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

    /// <summary>
    /// Each champion version (alias <c>v</c>) joined to its newest completed run (alias <c>r</c>): <see cref="NewestRuns"/>
    /// in SQL, for the statements a page sends in its own batch.
    /// </summary>
    private static readonly string NewestRunsSql = $"""
        model_version v JOIN model_score_run r ON r.id = (
            SELECT r2.id FROM model_score_run r2
            WHERE r2.model_version_id = v.id AND r2.status = '{nameof(ModelScoreRunStatus.Completed)}'
            ORDER BY r2.run_date DESC, r2.id DESC LIMIT 1)
        """;

    /// <summary>
    /// The models feature's section of the customer page as one statement for the page's batch: each champion's score
    /// of the customer whose id is the batch's <c>@id</c> parameter, by model name (<see cref="ReadOfCustomerAsync"/>).
    /// </summary>
    public static string OfCustomerSql => $"""
        SELECT v.name, v.version, v.positive_rate, r.run_date, s.eligible, s.score, s.reasons
        FROM {NewestRunsSql}
        JOIN customer_model_score s ON s.run_id = r.id
        WHERE v.status = '{nameof(ModelStatus.Champion)}' AND s.customer_id = @id
        ORDER BY v.name;
        """;

    public static async Task<IReadOnlyList<CustomerModelScoreView>> ReadOfCustomerAsync(DbDataReader reader, CancellationToken ct) =>
        await reader.ReadRowsAsync(r => new CustomerModelScoreView(r.GetString(0), r.GetInt32(1), r.GetFieldValue<DateOnly>(3), r.GetBoolean(4),
            r.GetDouble(5), InsurerModelScorer.ReadReasons(r.GetString(6)), r.GetDouble(2)), ct);

    /// <summary>
    /// The champion <c>lapse-contract</c> score of the contracts whose id satisfies <paramref name="contractIdIn"/> (a
    /// condition on <c>s.contract_id</c>), eligible rows only, as one statement for a page's batch
    /// (<see cref="ReadOfContractsAsync"/>); the model's name is the batch's <c>@lapse_model</c> parameter.
    /// </summary>
    public static string OfContractsSql(string contractIdIn) => $"""
        SELECT s.contract_id, v.name, v.version, r.run_date, s.score, s.reasons
        FROM {NewestRunsSql}
        JOIN contract_model_score s ON s.run_id = r.id
        WHERE v.status = '{nameof(ModelStatus.Champion)}' AND v.name = @lapse_model AND s.eligible AND {contractIdIn};
        """;

    /// <summary>The name <see cref="OfContractsSql"/> expects in <c>@lapse_model</c>.</summary>
    public static string LapseModel => InsurerModels.LapseContract.Name;

    public static async Task<Dictionary<long, ContractModelScoreView>> ReadOfContractsAsync(DbDataReader reader, CancellationToken ct)
    {
        var rows = await reader.ReadRowsAsync(r => (ContractId: r.GetInt64(0), View: new ContractModelScoreView(r.GetString(1), r.GetInt32(2),
            r.GetFieldValue<DateOnly>(3), r.GetDouble(4), InsurerModelScorer.ReadReasons(r.GetString(5)))), ct);
        return rows.ToDictionary(r => r.ContractId, r => r.View);
    }
}
