using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using System.Runtime.CompilerServices;
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
        IQueryable<Customer> customers;
        switch (kind)
        {
            case SearchKind.Name:
                var upper = SearchText.PrefixUpperBound(text);
                customers = Live(db).Where(c => string.Compare(c.Name, text) >= 0 && string.Compare(c.Name, upper) < 0);
                break;
            case SearchKind.Phone:
                customers = SearchText.PhonePart(text) is { } pattern
                    ? LiveAmong(db, new CustomerIds(db.IsPostgres).PhoneOwners(pattern))
                    : Live(db).Where(c => false);
                break;
            case SearchKind.ContractNumber:
                customers = LiveAmong(db, new CustomerIds(db.IsPostgres).ContractParties(text));
                break;
            case SearchKind.PhoneOrContract:
                var either = new CustomerIds(db.IsPostgres).ContractParties(text);
                if (SearchText.PhonePart(text) is { } part)
                {
                    either.PhoneOwners(part);
                }
                customers = LiveAmong(db, either);
                break;
            case SearchKind.Rrn:
                customers = LiveAmong(db, new CustomerIds(db.IsPostgres).RrnHolders(protector.Hash(AsciiDigits.Of(text))));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
        customers = scope.Filter(customers, user);
        customers = customers.Where(c => !db.Set<CustomerErasure>().Any(e => e.CustomerId == c.Id)); // erased (anonymised) customers are never found
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
    /// Live (not merged) customers. On PostgreSQL the test is wrapped in a CASE, which the planner estimates at
    /// one half whether or not the table has statistics: a bare "merged_into_id IS NULL" is estimated at 0.5 %
    /// of the rows without statistics (a fresh load before ANALYZE), when it is in fact nearly all of them, and
    /// the planner then expects a name prefix to match a handful of rows and sorts all of its matches instead of
    /// reading the first page off the (name, id) index.
    /// </summary>
    private static IQueryable<Customer> Live(CrmDbContext db) => db.IsPostgres
        ? db.Customers.FromSqlRaw("SELECT * FROM customer WHERE CASE WHEN merged_into_id IS NULL THEN TRUE ELSE FALSE END").AsNoTracking()
        : db.Customers.AsNoTracking().Where(c => c.MergedIntoId == null);

    /// <summary>
    /// Live customers among <paramref name="ids"/>, in the same statement. On PostgreSQL the ids are collected
    /// into an array first (<c>id = ANY(ARRAY(…))</c>, run once before the outer query), so that the customers
    /// are fetched by primary key whatever the statistics say; as a plain <c>IN (…)</c> the planner may instead
    /// walk the (name, id) index and probe every customer against the ids.
    /// </summary>
    private static IQueryable<Customer> LiveAmong(CrmDbContext db, CustomerIds ids) =>
        db.Customers.FromSql(ids.Within(db.IsPostgres
            ? "SELECT * FROM customer WHERE id = ANY(ARRAY({ids})) AND CASE WHEN merged_into_id IS NULL THEN TRUE ELSE FALSE END"
            : "SELECT * FROM customer WHERE id IN ({ids}) AND merged_into_id IS NULL")).AsNoTracking();

    /// <summary>
    /// The customers with a number matching <paramref name="pattern"/> (an id may repeat): the SQL that a phone
    /// search embeds.
    /// </summary>
    internal static IQueryable<long> PhoneOwners(CrmDbContext db, PhonePattern pattern) =>
        db.Database.SqlQuery<long>(new CustomerIds(db.IsPostgres).PhoneOwners(pattern).Within("SELECT customer_id AS \"Value\" FROM ({ids}) AS owners"));

    /// <summary>
    /// A set of customer ids as SQL with numbered arguments ({0}, {1}, …, sent as parameters): the
    /// owners of matching phone numbers, the parties of a contract, or both; the holders of an RRN. Each part is a handful of rows read
    /// from one index, so that the customer query around it fetches a handful of customers by primary key.
    /// </summary>
    private sealed class CustomerIds(bool postgres)
    {
        private readonly List<string> _parts = [];
        private readonly List<object> _arguments = [];

        /// <summary>
        /// <paramref name="statement"/> with the id set in place of <c>{ids}</c>, as a statement whose arguments EF
        /// sends as parameters (only the SQL of this class and of its callers becomes text).
        /// </summary>
        public FormattableString Within(string statement) =>
            FormattableStringFactory.Create(statement.Replace("{ids}", string.Join(" UNION ALL ", _parts), StringComparison.Ordinal), [.. _arguments]);

        /// <summary>
        /// A suffix by the indexed last four digits (then the rest of the suffix on those few rows), a prefix by
        /// a range of the number index; both when the pattern has both.
        /// </summary>
        public CustomerIds PhoneOwners(PhonePattern pattern)
        {
            var suffix = pattern.Suffix ?? "";
            if (suffix.Length >= SearchText.MinPhoneDigits)
            {
                // Digits only (PhoneNumber.Digits), so nothing in the LIKE pattern needs escaping.
                _parts.Add($"SELECT customer_id FROM customer_phone WHERE number_last4 = {Argument(suffix[^SearchText.MinPhoneDigits..])} AND number LIKE {Argument("%" + suffix)}");
            }
            if (pattern.Prefix is { } prefix)
            {
                _parts.Add($"SELECT customer_id FROM customer_phone WHERE number >= {Argument(prefix)} AND number < {Argument(SearchText.PrefixUpperBound(prefix))}");
            }
            return this;
        }

        /// <summary>
        /// The customers with this RRN hash (one, or a few before identity resolution merges them). As an id set,
        /// not a filter of the outer query: without statistics the planner guesses 0.5 % of the customers per
        /// hash and would walk the (name, id) index looking for them, through the whole table (11 s at 1M).
        /// </summary>
        public CustomerIds RrnHolders(string rrnHash)
        {
            _parts.Add($"SELECT id FROM customer WHERE rrn_hash = {Argument(rrnHash)}");
            return this;
        }

        /// <summary>The policyholder and the role holders (insured, beneficiaries) of the contract of that number.</summary>
        public CustomerIds ContractParties(string contractNumber)
        {
            var number = Argument(contractNumber);
            var contract = $"SELECT id FROM contract WHERE contract_number = {number}";
            _parts.Add($"SELECT customer_id FROM contract WHERE contract_number = {number}");
            _parts.Add(postgres
                ? $"SELECT customer_id FROM contract_role WHERE contract_id = ANY(ARRAY({contract}))"
                : $"SELECT customer_id FROM contract_role WHERE contract_id IN ({contract})");
            return this;
        }

        private string Argument(object value)
        {
            _arguments.Add(value);
            return "{" + (_arguments.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + "}";
        }
    }
}
