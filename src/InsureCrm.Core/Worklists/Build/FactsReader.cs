using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Common;
using InsureCrm.Core.Models;
using InsureCrm.Core.Policies;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Worklists.Build;

/// <summary>
/// The facts of the items that made a list, read in batches only for them: the model's top reasons, the contract, the
/// claim, the campaign, and what the mart row says (grade, segment, strategy, age, families held, details missing).
/// </summary>
internal static class FactsReader
{
    private const int Batch = 2000;
    private const int TopReasons = 3;

    public static async Task<IReadOnlyDictionary<Listed, WorkFacts>> ReadAsync(CrmDbContext db, Book book, IReadOnlyList<Listed> listed, DateOnly asOf,
        int unpaidWindow, CancellationToken ct)
    {
        var reasons = new Dictionary<(long Run, long Customer), string>();
        foreach (var group in listed.Where(l => l.Candidate.RunId is not null && l.Candidate.ContractId is null).GroupBy(l => l.Candidate.RunId!.Value))
        {
            foreach (var chunk in group.Select(l => l.Candidate.CustomerId).Distinct().Chunk(Batch))
            {
                var run = group.Key;
                foreach (var r in await db.Set<CustomerModelScore>().AsNoTracking().Where(s => s.RunId == run && chunk.Contains(s.CustomerId))
                    .Select(s => new { s.CustomerId, s.Reasons }).ToListAsync(ct))
                {
                    reasons[(run, r.CustomerId)] = r.Reasons;
                }
            }
        }
        var contractReasons = new Dictionary<(long Run, long Contract), string>();
        foreach (var group in listed.Where(l => l.Candidate.RunId is not null && l.Candidate.ContractId is not null).GroupBy(l => l.Candidate.RunId!.Value))
        {
            foreach (var chunk in group.Select(l => l.Candidate.ContractId!.Value).Distinct().Chunk(Batch))
            {
                var run = group.Key;
                foreach (var r in await db.Set<ContractModelScore>().AsNoTracking().Where(s => s.RunId == run && chunk.Contains(s.ContractId))
                    .Select(s => new { s.ContractId, s.Reasons }).ToListAsync(ct))
                {
                    contractReasons[(run, r.ContractId)] = r.Reasons;
                }
            }
        }
        var contracts = new Dictionary<long, (string Number, string Product, decimal Premium, PaymentMode Mode, DateOnly? Maturity, decimal SumAssured, DateOnly Issue, DateOnly? PaidTo)>();
        foreach (var chunk in listed.Select(l => l.Candidate.ContractId).OfType<long>().Distinct().Chunk(Batch))
        {
            var rows = await (from k in db.Contracts.AsNoTracking()
                              join p in db.Products.AsNoTracking() on k.ProductId equals p.Id
                              where chunk.Contains(k.Id)
                              select new { k.Id, k.ContractNumber, p.Name, k.Premium, k.PaymentMode, k.MaturityDate, k.SumAssured, k.IssueDate, k.PaidToDate }).ToListAsync(ct);
            foreach (var r in rows)
            {
                contracts[r.Id] = (r.ContractNumber, r.Name, r.Premium, r.PaymentMode, r.MaturityDate, r.SumAssured, r.IssueDate, r.PaidToDate);
            }
        }
        var claims = new Dictionary<long, (DateOnly? Paid, decimal Amount)>();
        foreach (var chunk in listed.Where(l => l.Candidate.Action == WorkAction.ClaimFollowUp && l.Candidate.Ref is not null)
            .Select(l => l.Candidate.Ref!.Value).Distinct().Chunk(Batch))
        {
            foreach (var r in await db.Claims.AsNoTracking().Where(c => chunk.Contains(c.Id)).Select(c => new { c.Id, c.PaidDate, c.AmountPaid }).ToListAsync(ct))
            {
                claims[r.Id] = (r.PaidDate, r.AmountPaid);
            }
        }
        var campaignIds = listed.Where(l => l.Candidate.Action == WorkAction.Campaign && l.Candidate.Ref is not null).Select(l => l.Candidate.Ref!.Value).Distinct().ToList();
        var campaigns = await db.Campaigns.AsNoTracking().Where(c => campaignIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => (c.Code, c.Name), ct);

        var facts = new Dictionary<Listed, WorkFacts>(listed.Count);
        foreach (var l in listed)
        {
            var c = l.Candidate;
            if (c.Stale && l.Carried is not null)
            {
                facts[l] = WorkFacts.Read(l.Carried.Facts);
                continue;
            }
            var i = book.IndexOf(c.CustomerId);
            var row = i >= 0 ? book.Rows[i] : null;
            var json = c.RunId is { } run
                ? c.ContractId is { } kid ? contractReasons.GetValueOrDefault((run, kid)) : reasons.GetValueOrDefault((run, c.CustomerId))
                : null;
            var contract = c.ContractId is { } id && contracts.TryGetValue(id, out var k) ? k : default;
            var f = new WorkFacts
            {
                Model = c.Model,
                Reasons = json is null ? [] : [.. InsurerModelScorer.ReadReasons(json).Where(r => r.Effect > 0).OrderByDescending(r => r.Effect).Take(TopReasons)],
                ContractNumber = contract.Number,
                ProductName = contract.Product,
                Premium = contract.Number is null ? null : contract.Premium,
                PaymentMode = contract.Number is null ? null : contract.Mode,
                Grade = row?.Grade,
                Segment = row?.GridCell?.ToString(),
                Strategy = row?.Strategy?.ToString(),
                Age = row is null ? null : Book.AgeOn(row, asOf),
            };
            f = c.Action switch
            {
                WorkAction.CrossSell or WorkAction.UpSell or WorkAction.LoanCrossSell when row is not null => f with { Held = Book.HeldFamilies(row) },
                WorkAction.Maturing => f with { Date = contract.Maturity, Amount = contract.Number is null ? null : contract.SumAssured },
                WorkAction.ClaimFollowUp when c.Ref is { } claim && claims.TryGetValue(claim, out var cl) => f with { Date = cl.Paid, Amount = cl.Amount },
                WorkAction.Birthday => f with { Date = c.DueOn },
                WorkAction.UnpaidPremium when contract.Number is not null
                    && PremiumSchedule.UnpaidOn(contract.Issue, contract.Mode, contract.PaidTo, asOf, unpaidWindow) is { } unpaid =>
                    f with { Unpaid = unpaid.Count, UnpaidOutOf = unpaid.OutOf, PaidTo = contract.PaidTo, Date = unpaid.GraceEnd },
                WorkAction.ContactDetails when row is not null => f with { Missing = Missing(row), Bounced = book.Bounced[i] ?? [] },
                WorkAction.CoverageCheck when i >= 0 => f with { MonthsSince = book.LastCoverageCheck[i] is { } on ? MonthsBetween(on, asOf) : null },
                WorkAction.Campaign when c.Ref is { } cid && campaigns.TryGetValue(cid, out var cm) => f with { CampaignCode = cm.Code, CampaignName = cm.Name },
                _ => f,
            };
            facts[l] = f;
        }
        return facts;
    }

    private static IReadOnlyList<string> Missing(Campaigns.Targeting.CustomerTarget row) =>
        [.. new[] { (row.HasMobile, "mobile"), (row.HasAddress, "address"), (row.HasEmail, "email") }.Where(p => !p.Item1).Select(p => p.Item2)];

    private static int MonthsBetween(DateOnly from, DateOnly to) => (to.Year - from.Year) * 12 + to.Month - from.Month - (to.Day < from.Day ? 1 : 0);
}
