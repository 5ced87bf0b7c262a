using InsureCrm.Core.Common;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Customers;

/// <summary>
/// What the search box was given; <see cref="Auto"/> detects it from the text. <see cref="PhoneOrContract"/> is
/// what 4 to 8 digits alone detect as: phone numbers ending (or, from a leading 0 and six digits, beginning)
/// with them, and the contract of that number, merged into one list.
/// </summary>
public enum SearchKind { Auto, Name, Phone, ContractNumber, Rrn, PhoneOrContract }

/// <summary>One row of the search results: only masked identifiers leave the service.</summary>
public sealed record CustomerSearchHit(
    long Id, string Name, CustomerKind Kind, string? RrnMasked, DateOnly? BirthDate, Gender Gender,
    string? PhoneMasked, string? Region);

/// <summary>A page of hits in (name, id) order; <see cref="Next"/> is the opaque cursor of the following page.</summary>
public sealed record CustomerSearchPage(SearchKind Kind, string Query, IReadOnlyList<CustomerSearchHit> Items, string? Next);

/// <summary>
/// Customer search by name prefix, phone, contract number or RRN. Every kind pages by keyset over
/// (name, id), which the customer(name, id) index serves, so no page ever counts or skips over the
/// whole table. Merged customers are left out: they are reached through their survivor. Only
/// customers in the user's data scope are found, and every customer listed is logged as a
/// <see cref="AccessAction.Search"/> (the log records the kind of search, never the text searched).
/// </summary>
public sealed class CustomerSearch(CrmDbContext db, FieldProtector protector, CustomerScope scope, IAccessLog log)
{
    public const int PageSize = 20;

    /// <summary>Searches; returns null when <paramref name="after"/> is not a cursor this service issued.</summary>
    public async Task<CustomerSearchPage?> SearchAsync(CrmUser user, string? query, SearchKind kind = SearchKind.Auto, string? after = null,
        int pageSize = PageSize, CancellationToken ct = default)
    {
        var text = (query ?? "").Trim();
        var cursor = default(SearchCursor?);
        if (!string.IsNullOrEmpty(after) && (cursor = SearchCursor.Decode(after)) is null)
        {
            return null;
        }
        pageSize = Math.Clamp(pageSize, 1, 100);
        if (kind == SearchKind.Auto)
        {
            kind = SearchText.Detect(text);
        }
        if (text.Length == 0)
        {
            return new CustomerSearchPage(kind, text, [], null);
        }

        // string.Compare here is not .NET's comparison: EF translates it to SQL's >, <, which compare bytes
        // (SQLite BINARY, PostgreSQL COLLATE "C" on customer.name), the order of the (name, id) index.
#pragma warning disable CA1309
        var customers = scope.Filter(db.Customers.AsNoTracking().Where(c => c.MergedIntoId == null), user);
        customers = customers.Where(c => !db.Set<CustomerErasure>().Any(e => e.CustomerId == c.Id)); // erased (anonymised) customers are never found
        switch (kind)
        {
            case SearchKind.Name:
                var upper = SearchText.PrefixUpperBound(text);
                customers = customers.Where(c => string.Compare(c.Name, text) >= 0 && string.Compare(c.Name, upper) < 0);
                break;
            case SearchKind.Phone:
                // The owners of the matching numbers are a handful of ids (about a hundred for the last four digits
                // of a million customers): fetched first from the number indexes, or the planner walks the
                // (name, id) index and probes phones for every customer.
                var owners = SearchText.PhonePart(text) is { } pattern ? await PhoneOwners(db, pattern).ToListAsync(ct) : [];
                customers = customers.Where(c => owners.Contains(c.Id));
                break;
            case SearchKind.ContractNumber:
                var parties = await ContractParties(db, text, ct);
                customers = customers.Where(c => parties.Contains(c.Id));
                break;
            case SearchKind.PhoneOrContract:
                var either = await ContractParties(db, text, ct);
                if (SearchText.PhonePart(text) is { } part)
                {
                    either.AddRange(await PhoneOwners(db, part).ToListAsync(ct));
                }
                customers = customers.Where(c => either.Contains(c.Id));
                break;
            case SearchKind.Rrn:
                var rrnDigits = SearchText.Digits(text);
                var hash = protector.Hash(rrnDigits);
                customers = customers.Where(c => c.RrnHash == hash);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
        if (cursor is { } a)
        {
            customers = customers.Where(c => string.Compare(c.Name, a.Name) > 0 || (c.Name == a.Name && c.Id > a.Id));
        }

#pragma warning restore CA1309

        var rows = await customers
            .OrderBy(c => c.Name).ThenBy(c => c.Id)
            .Take(pageSize + 1)
            .Select(c => new
            {
                c.Id, c.Name, c.Kind, c.RrnMasked, c.BirthDate, c.Gender,
                Phone = c.Phones.OrderByDescending(p => p.IsPrimary).ThenBy(p => p.Id).Select(p => p.Number).FirstOrDefault(),
                Region = c.Addresses.OrderByDescending(p => p.IsPrimary).ThenBy(p => p.Id).Select(p => p.Sido + " " + p.Sigungu).FirstOrDefault(),
            })
            .ToListAsync(ct);

        var items = rows.Take(pageSize)
            .Select(r => new CustomerSearchHit(r.Id, r.Name, r.Kind, r.RrnMasked, r.BirthDate, r.Gender,
                r.Phone is null ? null : SearchText.MaskPhone(r.Phone), r.Region))
            .ToList();
        var next = rows.Count > pageSize ? new SearchCursor(items[^1].Name, items[^1].Id).Encode() : null;
        await log.RecordManyAsync(user, [.. items.Select(i => new AccessEvent(AccessAction.Search, i.Id, Detail: "search:" + kind))], ct);
        return new CustomerSearchPage(kind, text, items, next);
    }

    /// <summary>
    /// The customers with a number matching <paramref name="pattern"/>: a suffix by the indexed last four digits
    /// (then the rest of the suffix on those few rows), a prefix by a range of the number index.
    /// </summary>
    internal static IQueryable<long> PhoneOwners(CrmDbContext db, PhonePattern pattern)
    {
        var suffix = pattern.Suffix ?? "";
        var last4 = suffix.Length >= SearchText.MinPhoneDigits ? suffix[^SearchText.MinPhoneDigits..] : null;
        var prefix = pattern.Prefix;
        var upper = prefix is null ? null : SearchText.PrefixUpperBound(prefix);
        var phones = db.CustomerPhones.AsNoTracking();
#pragma warning disable CA1309 // EF translates string.Compare to SQL's byte-order >= and <, which the number index serves.
        phones = (last4, prefix) switch
        {
            ({ } l, null) => phones.Where(p => p.NumberLast4 == l && p.Number.EndsWith(suffix)),
            (null, { } f) => phones.Where(p => string.Compare(p.Number, f) >= 0 && string.Compare(p.Number, upper) < 0),
            ({ } l, { } f) => phones.Where(p => (p.NumberLast4 == l && p.Number.EndsWith(suffix))
                || (string.Compare(p.Number, f) >= 0 && string.Compare(p.Number, upper) < 0)),
            _ => phones.Where(p => false),
        };
#pragma warning restore CA1309
        return phones.Select(p => p.CustomerId).Distinct();
    }

    /// <summary>The parties of one contract (a handful of ids), fetched first so that the customer query stays a walk of the (name, id) index.</summary>
    private static async Task<List<long>> ContractParties(CrmDbContext db, string contractNumber, CancellationToken ct)
    {
        var contracts = await db.Contracts.AsNoTracking().Where(k => k.ContractNumber == contractNumber)
            .Select(k => new { k.Id, k.CustomerId }).ToListAsync(ct);
        var contractIds = contracts.Select(k => k.Id).ToList();
        var parties = await db.ContractRoles.AsNoTracking().Where(r => contractIds.Contains(r.ContractId))
            .Select(r => r.CustomerId).ToListAsync(ct);
        parties.AddRange(contracts.Select(k => k.CustomerId));
        return parties;
    }
}
