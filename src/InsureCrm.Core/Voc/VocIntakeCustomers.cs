using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Voc;

/// <summary>A contract the intake form offers for a customer: the policyholder's own contracts, newest first.</summary>
public sealed record VocIntakeContract(long Id, string Number, string Product, ContractStatus Status, DateOnly IssueDate);

/// <summary>A customer the intake form offers, with their contracts; only masked identifiers.</summary>
public sealed record VocIntakeCustomer(long Id, string Name, DateOnly? BirthDate, string? PhoneMasked, IReadOnlyList<VocIntakeContract> Contracts);

/// <summary>
/// The staff intake form's customer finder: the product's customer search (name, phone, contract number; the user's data scope,
/// each hit logged as a search) with each hit's contracts, so the person typing a letter or a call picks the customer and the
/// contract instead of typing internal ids; and the customer a link names (<c>?customer=</c>), when the user may reach them
/// (logged as a view for complaint handling).
/// </summary>
public sealed class VocIntakeCustomers(CrmDbContext db, CustomerSearch search, CustomerScope scope, IAccessLog log)
{
    public const int MaxHits = 10;
    public const int MaxContracts = 20;

    /// <summary>The customers the query finds (at most <see cref="MaxHits"/>), each with their contracts; empty for an empty query.</summary>
    public async Task<IReadOnlyList<VocIntakeCustomer>> FindAsync(CrmUser user, string? query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (string.IsNullOrWhiteSpace(query))
        {
            return [];
        }
        var page = await search.SearchAsync(user, query, pageSize: MaxHits, ct: ct);
        if (page is null || page.Items.Count == 0)
        {
            return [];
        }
        var contracts = await ContractsAsync([.. page.Items.Select(h => h.Id)], ct);
        return [.. page.Items.Select(h => new VocIntakeCustomer(h.Id, h.Name, h.BirthDate, h.PhoneMasked, contracts.GetValueOrDefault(h.Id, [])))];
    }

    /// <summary>The customer with their contracts when <paramref name="user"/> may reach them; null otherwise (unknown, merged, outside the scope).</summary>
    public async Task<VocIntakeCustomer?> GetAsync(CrmUser user, long customerId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var customer = await scope.Filter(db.Customers.AsNoTracking().Where(c => c.Id == customerId && c.MergedIntoId == null), user)
            .Select(c => new
            {
                c.Id, c.Name, c.BirthDate,
                Phone = c.Phones.OrderByDescending(p => p.IsPrimary).ThenBy(p => p.Id).Select(p => p.Number).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(ct);
        if (customer is null)
        {
            return null;
        }
        var contracts = await ContractsAsync([customer.Id], ct);
        await log.RecordAsync(user, new AccessEvent(AccessAction.View, customer.Id, AccessReason.Complaint, "voc intake"), ct);
        return new VocIntakeCustomer(customer.Id, customer.Name, customer.BirthDate, customer.Phone is null ? null : SearchText.MaskPhone(customer.Phone),
            contracts.GetValueOrDefault(customer.Id, []));
    }

    private async Task<Dictionary<long, IReadOnlyList<VocIntakeContract>>> ContractsAsync(long[] customerIds, CancellationToken ct)
    {
        var rows = await (from k in db.Contracts.AsNoTracking()
                          join p in db.Products.AsNoTracking() on k.ProductId equals p.Id
                          where customerIds.Contains(k.CustomerId)
                          orderby k.CustomerId, k.IssueDate descending, k.Id descending
                          select new { k.CustomerId, k.Id, k.ContractNumber, p.Name, k.Status, k.IssueDate }).ToListAsync(ct);
        return rows.GroupBy(r => r.CustomerId).ToDictionary(g => g.Key,
            g => (IReadOnlyList<VocIntakeContract>)[.. g.Take(MaxContracts).Select(r => new VocIntakeContract(r.Id, r.ContractNumber, r.Name, r.Status, r.IssueDate))]);
    }
}
