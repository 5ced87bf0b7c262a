using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Voc;

/// <summary>The customer (and contract) a voice from outside names, when the details point at exactly one live customer.</summary>
public sealed record VocCustomerMatchResult(long? CustomerId, long? ContractId)
{
    public static readonly VocCustomerMatchResult None = new(null, null);
}

/// <summary>
/// Finds the customer a voice from outside (an e-mail, an imported row) belongs to, with Customers' own stored keys: the
/// RRN's keyed hash, the phone's digits, the contract number, the e-mail address. Only a detail that points at exactly one
/// live (not merged, not erased) customer matches; none or several: the case is kept unmatched, to be matched later by a
/// person. Details that disagree (a contract of one customer, a phone of another) match nobody.
/// </summary>
internal sealed class VocCustomerMatch(CrmDbContext db, FieldProtector protector)
{
    public async Task<VocCustomerMatchResult> MatchAsync(string? rrnDigits, string? phone, string? contractNumber, string? email, CancellationToken ct = default)
    {
        long? contractId = null;
        var candidates = new List<long?>();
        if (!string.IsNullOrWhiteSpace(contractNumber))
        {
            var number = contractNumber.Trim();
            var contract = await db.Contracts.AsNoTracking().Where(k => k.ContractNumber == number)
                .Select(k => new { k.Id, k.CustomerId }).FirstOrDefaultAsync(ct);
            if (contract is not null && await IsLiveAsync(contract.CustomerId, ct))
            {
                contractId = contract.Id;
                candidates.Add(contract.CustomerId);
            }
        }
        if (!string.IsNullOrWhiteSpace(rrnDigits))
        {
            var hash = protector.Hash(PhoneNumber.Digits(rrnDigits));
            candidates.Add(await OnlyAsync(db.Customers.Where(c => c.RrnHash == hash).Select(c => c.Id), ct));
        }
        if (!string.IsNullOrWhiteSpace(phone) && PhoneNumber.Digits(phone) is { Length: >= PhoneNumber.MinDigits } digits)
        {
            candidates.Add(await OnlyAsync(db.Set<CustomerPhone>().Where(p => p.Number == digits).Select(p => p.CustomerId), ct));
        }
        if (!string.IsNullOrWhiteSpace(email) && email.Trim().ToLowerInvariant() is { } address)
        {
            // Addresses are stored as typed: compared without case, as mail systems do for the domain and most for the local part.
#pragma warning disable CA1304, CA1311, CA1862 // ToLower is translated to SQL lower(); the culture argument is not.
            candidates.Add(await OnlyAsync(db.Set<CustomerEmail>().Where(e => e.Address.ToLower() == address).Select(e => e.CustomerId), ct));
#pragma warning restore CA1304, CA1311, CA1862
        }
        var found = candidates.OfType<long>().Distinct().ToList();
        return found.Count == 1 ? new(found[0], contractId) : VocCustomerMatchResult.None;
    }

    private async Task<long?> OnlyAsync(IQueryable<long> customerIds, CancellationToken ct)
    {
        var live = await customerIds.Distinct()
            .Where(id => db.Set<Customer>().Any(c => c.Id == id && c.MergedIntoId == null) && !db.Set<CustomerErasure>().Any(e => e.CustomerId == id))
            .OrderBy(id => id).Take(2).ToListAsync(ct);
        return live.Count == 1 ? live[0] : null;
    }

    private Task<bool> IsLiveAsync(long customerId, CancellationToken ct) =>
        db.Customers.AnyAsync(c => c.Id == customerId && c.MergedIntoId == null && !db.Set<CustomerErasure>().Any(e => e.CustomerId == customerId), ct);
}
