using InsureCrm.Core.Common;
using InsureCrm.Core.Policies;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Imports;

/// <summary>Claims, upserted by claim_number; the customer is the contract's policyholder.</summary>
internal sealed class ClaimLoader(ImportContext context) : IBatchLoader
{
    private static readonly string[] Causes = ["death", "diagnosis", "surgery", "hospital", "accident", "auto", "property"];
    private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);

    public async Task<BatchOutcome> LoadAsync(IReadOnlyList<ImportRow> rows, CancellationToken ct)
    {
        var inputs = new List<(ImportRow Row, string Contract, Claim Value)>();
        var horizon = ImportLookups.Horizon(context);
        foreach (var row in rows.Where(r => !r.HasErrors))
        {
            var number = row.Text("claim_number", 20, required: true);
            var contract = row.Text("contract_number", 20, required: true);
            var cause = row.Text("cause", 20, required: true)?.ToLowerInvariant();
            if (cause is not null && !Causes.Contains(cause))
            {
                row.Error("cause", $"unknown value; expected one of: {string.Join(", ", Causes)}");
            }
            var claimDate = row.Date("claim_date", required: true, latest: horizon);
            var paidDate = row.Date("paid_date", latest: horizon);
            var amount = row.Money("amount_paid", required: true);
            if (claimDate is { } c && paidDate is { } p && p < c)
            {
                row.Error("paid_date", "must not be before claim_date");
            }
            if (row.HasErrors || !ImportLookups.FirstInFile(_seen, row, "claim_number", number!))
            {
                continue;
            }
            inputs.Add((row, contract!, new Claim { ClaimNumber = number!, Cause = cause!, ClaimDate = claimDate!.Value, PaidDate = paidDate, AmountPaid = amount!.Value }));
        }
        await using var db = context.Database.CreateContext();
        await using var tx = await ImportLookups.BeginAsync(db, ct);
        var contractNumbers = inputs.Select(i => i.Contract).Distinct().ToList();
        var contracts = await db.Contracts.AsNoTracking().Where(c => contractNumbers.Contains(c.ContractNumber))
            .ToDictionaryAsync(c => c.ContractNumber, c => (c.Id, c.CustomerId, c.Currency), StringComparer.Ordinal, ct);
        var numbers = inputs.Select(i => i.Value.ClaimNumber).ToList();
        var existing = await db.Claims.Where(c => numbers.Contains(c.ClaimNumber)).ToDictionaryAsync(c => c.ClaimNumber, StringComparer.Ordinal, ct);
        var tally = new BatchTally(db);
        foreach (var (row, contractNumber, value) in inputs)
        {
            if (!contracts.TryGetValue(contractNumber, out var contract))
            {
                row.Error("contract_number", "unknown contract number (import contracts first)");
            }
            var currency = ImportLookups.Currency(row, contract.Currency);
            if (row.HasErrors)
            {
                continue;
            }
            var isNew = !existing.TryGetValue(value.ClaimNumber, out var claim);
            claim ??= db.Claims.Add(new Claim { ClaimNumber = value.ClaimNumber }).Entity;
            claim.ContractId = contract.Id;
            claim.CustomerId = contract.CustomerId;
            claim.Cause = value.Cause;
            claim.ClaimDate = value.ClaimDate;
            claim.PaidDate = value.PaidDate;
            claim.AmountPaid = value.AmountPaid;
            claim.Currency = currency;
            tally.Count(claim, isNew);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return tally.Outcome;
    }
}
