using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Models;

/// <summary>A customer whose champion <c>lapse</c> score is high, with the reason that raised it most.</summary>
public sealed record LapseRiskCustomer(long CustomerId, string Name, double Score, ScoreReason? TopReason);

/// <summary>
/// The customers in a user's scope at high risk of lapsing: how many, the highest first (up to the requested number),
/// and how many of their active contracts the <c>lapse-contract</c> champion scores as high. <see cref="AsOf"/> is null
/// when the <c>lapse</c> champion has not scored yet (then the counts are zero).
/// </summary>
public sealed record LapseWatchList(DateOnly? AsOf, int Customers, IReadOnlyList<LapseRiskCustomer> Top, int Contracts);

/// <summary>
/// The home page's lapse watch for the people who look after customers (agents, CS consultants, branch managers):
/// the newest completed run of each champion, limited to the user's <see cref="CustomerScope"/>. The customers
/// listed are written to the access log like a search result.
/// </summary>
public sealed class LapseWatch(CrmDbContext db, CustomerScope scope, IAccessLog log)
{
    /// <summary>
    /// A 3-month lapse probability shown as a warning: the book's base rate is about 3–4 % (docs/insurer-models.md),
    /// so this is over twice to three times it. The customer page's contract badge uses the same line.
    /// </summary>
    public const double HighRisk = 0.10;

    public async Task<LapseWatchList> ListAsync(CrmUser user, int take, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var customers = scope.Filter(db.Customers.AsNoTracking().Where(c => c.MergedIntoId == null), user);
        var run = await ChampionScores.NewestRunAsync(db, InsurerModels.Lapse.Name, ct);
        var contractRun = await ChampionScores.NewestRunAsync(db, InsurerModels.LapseContract.Name, ct);

        var contracts = 0;
        if (contractRun is not null)
        {
            var ids = customers.Select(c => c.Id);
            // A contract that lapsed or ended since the run is no longer at risk of lapsing (as on the customer page).
            contracts = await (from s in db.Set<ContractModelScore>().AsNoTracking()
                               join k in db.Contracts.AsNoTracking() on s.ContractId equals k.Id
                               where s.RunId == contractRun.RunId && s.Eligible && s.Score >= HighRisk && ids.Contains(s.CustomerId)
                                   && (k.Status == ContractStatus.InForce || k.Status == ContractStatus.Reinstated || k.Status == ContractStatus.PaidUp)
                               select s.ContractId).CountAsync(ct);
        }
        if (run is null)
        {
            return new LapseWatchList(null, 0, [], contracts);
        }
        var risky = from s in db.Set<CustomerModelScore>().AsNoTracking()
                    join c in customers on s.CustomerId equals c.Id
                    where s.RunId == run.RunId && s.Eligible && s.Score >= HighRisk
                    select new { c.Id, c.Name, s.Score, s.Reasons };
        var count = await risky.CountAsync(ct);
        var top = take <= 0 || count == 0 ? [] : await risky.OrderByDescending(r => r.Score).ThenBy(r => r.Id).Take(take).ToListAsync(ct);
        var rows = top.Select(r => new LapseRiskCustomer(r.Id, r.Name, r.Score,
            InsurerModelScorer.ReadReasons(r.Reasons).Where(x => x.Effect > 0).MaxBy(x => x.Effect))).ToList();
        if (rows.Count > 0)
        {
            await log.RecordManyAsync(user, [.. rows.Select(r => new AccessEvent(AccessAction.Search, r.CustomerId, Detail: "home lapse watch"))], ct);
        }
        return new LapseWatchList(run.RunDate, count, rows, contracts);
    }
}
