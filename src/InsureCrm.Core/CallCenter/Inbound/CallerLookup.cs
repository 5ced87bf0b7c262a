using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.CallCenter.Inbound;

/// <summary>What a caller-number lookup found: the number as stored (digits), whether it is a whole number, and the customers (masked).</summary>
public sealed record CallerMatches(string Digits, bool Valid, IReadOnlyList<CustomerSearchHit> Customers, bool More);

/// <summary>
/// Finds the customer on the line from the caller's number, typed or passed by the phone system in any format
/// (010-1234-5678, 01012345678, +82 10 1234 5678, 02-555-0101): the number is read by the one phone rule
/// (<see cref="PhoneNumber"/>) and looked up in one statement by equality on <c>customer_phone.number</c>, which the
/// number index (<c>ix_customer_phone_number</c>) serves; the customers are then fetched by primary key (on PostgreSQL as
/// <c>id = ANY(ARRAY(…))</c>, so the plan does not depend on statistics, as customer search does). Merged and erased
/// customers are never found; everyone sharing the number is listed (a family line, a shop). Only masked identifiers leave
/// the service, and every customer listed is logged as a search (the log never holds the number).
/// </summary>
public sealed class CallerLookup(CrmDbContext db, CustomerScope scope, IAccessLog log)
{
    /// <summary>At most this many customers are listed; more sharing one number is a switchboard, not a caller.</summary>
    public const int MaxMatches = 20;

    public async Task<CallerMatches> FindByCallerNumberAsync(CrmUser user, string? number, CancellationToken ct = default)
    {
        var digits = PhoneNumber.Digits(number ?? "");
        if (!PhoneNumber.IsWhole(digits) || !user.Role.Allows(Capability.CustomersSearch))
        {
            return new CallerMatches(digits, PhoneNumber.IsWhole(digits), [], false);
        }
        var rows = await Query(user, digits).Take(MaxMatches + 1).ToListAsync(ct);
        var hits = rows.Take(MaxMatches).Select(r => new CustomerSearchHit(r.Id, r.Name, r.Kind, r.RrnMasked, r.BirthDate, r.Gender,
            r.Phone is null ? null : SearchText.MaskPhone(r.Phone), r.Region)).ToList();
        await log.RecordManyAsync(user, [.. hits.Select(h => new AccessEvent(AccessAction.Search, h.Id, Detail: "search:CallerNumber"))], ct);
        return new CallerMatches(digits, true, hits, rows.Count > MaxMatches);
    }

    /// <summary>The lookup's one statement (for the plan tests and the benchmark's EXPLAIN).</summary>
    internal IQueryable<CallerRow> Query(CrmUser user, string digits)
    {
        var owners = db.Customers.FromSql(db.IsPostgres
            ? (FormattableString)$"SELECT * FROM customer WHERE id = ANY(ARRAY(SELECT customer_id FROM customer_phone WHERE number = {digits})) AND merged_into_id IS NULL"
            : $"SELECT * FROM customer WHERE id IN (SELECT customer_id FROM customer_phone WHERE number = {digits}) AND merged_into_id IS NULL").AsNoTracking();
        return scope.Filter(owners, user)
            .Where(c => !db.Set<CustomerErasure>().Any(e => e.CustomerId == c.Id))
            .OrderBy(c => c.Name).ThenBy(c => c.Id)
            .Select(c => new CallerRow(c.Id, c.Name, c.Kind, c.RrnMasked, c.BirthDate, c.Gender,
                c.Phones.Where(p => p.Number == digits).Select(p => p.Number).FirstOrDefault(),
                c.Addresses.OrderByDescending(p => p.IsPrimary).ThenBy(p => p.Id).Select(p => p.Sido + " " + p.Sigungu).FirstOrDefault()));
    }

    internal sealed record CallerRow(long Id, string Name, CustomerKind Kind, string? RrnMasked, DateOnly? BirthDate, Gender Gender, string? Phone, string? Region);
}
