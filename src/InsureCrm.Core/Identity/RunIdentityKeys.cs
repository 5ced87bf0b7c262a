using System.Data.Common;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using InsureCrm.Core.Common;

namespace InsureCrm.Core.Identity;

/// <summary>
/// A merge <see cref="RunIdentityKeys.Plan"/> planned for a customer of the batch (by <see cref="MergeRule.SameRrn"/>),
/// and whether its phone and e-mail move to the survivor: each stays with the merged customer when the survivor already
/// holds the same value, as <see cref="IdentityResolution"/> leaves it. Its address and source key always move.
/// </summary>
internal readonly record struct MemoryMerge(long MergedId, long SurvivorId, bool PhoneMoves, bool EmailMoves);

/// <summary>
/// A customer's keys for <see cref="RunIdentityKeys"/>: of its RRN hash, and of its phone, name and birth date (the name
/// rule's); null where it has none. The import computes them with validation, in parallel and off the path that writes.
/// </summary>
internal readonly record struct IdentityKeys(UInt128? Rrn, UInt128? Person)
{
    public static IdentityKeys Of(string? rrnHash, string? phone, string name, DateOnly? birthDate) => new(
        rrnHash is null ? null : RunIdentityKeys.RrnKey(rrnHash),
        phone is not null && birthDate is { } birth ? RunIdentityKeys.PersonKey(phone, name, birth) : null);
}

/// <summary>
/// The rules' keys of the customers one import run wrote, kept in memory while the run knows it wrote every customer in
/// the database (the big first import). Keys are 128-bit hashes of an RRN hash and of a phone, name and birth date: two
/// different values share one with a chance of about n²/2¹²⁹.
/// <para>
/// <b>Planning</b> (<see cref="Plan"/>), as long as <see cref="Planning"/>: each key maps to the one live customer holding
/// it, exactly, so a batch's merges are planned before it is written instead of by statements after it. The batch then
/// writes its merged customers as merged and their contact rows and source keys straight to the survivor, which costs
/// the database what a plain COPY of those rows costs. Only what the statements would do is planned: a new customer
/// whose RRN a live customer holds merges into that one. Anything the name rule could act on (a new customer whose name,
/// birth date and phone a live customer holds, or a survivor gaining a phone that gives it such a twin) ends planning
/// for the rest of the run, and the batch is resolved by <see cref="IdentityResolution.ResolveBatchAsync"/>.
/// </para>
/// <para>
/// <b>Candidates</b> (<see cref="Find"/>, and <see cref="Plan"/> too): the customers that key a customer of the run
/// already held, which is what <see cref="IdentityCandidates.FindAsync"/> would answer, without a query.
/// </para>
/// </summary>
internal sealed class RunIdentityKeys
{
    /// <summary>A key's holder once planning has ended, or after merges made by statements: not known, only that the key is held.</summary>
    private const long Unknown = -1;

    private readonly Dictionary<UInt128, long> _rrns = [];
    private readonly Dictionary<UInt128, long> _people = [];

    /// <summary>Whether the keys still say exactly which live customer holds each (and merges can be planned).</summary>
    public bool Planning { get; private set; } = true;

    /// <summary>Why planning ended, for the import's timings; null while planning.</summary>
    public string? PlanningEndedBecause { get; private set; }

    /// <summary>A live customer that customers of the batch may merge into: its name, birth date and contact points (normalised).</summary>
    internal sealed class Holder(string name, DateOnly? birthDate)
    {
        public string Name { get; } = name;
        public DateOnly? BirthDate { get; } = birthDate;
        public HashSet<string> Phones { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Emails { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>Merges are no longer planned for this run; the keys still find candidates.</summary>
    public void EndPlanning(string reason)
    {
        if (Planning)
        {
            Planning = false;
            PlanningEndedBecause = reason;
        }
    }

    /// <summary>Forgets every key (the run no longer wrote every customer).</summary>
    public void Clear()
    {
        EndPlanning("another writer");
        _rrns.Clear();
        _people.Clear();
        _rrns.TrimExcess();
        _people.TrimExcess();
    }

    /// <summary>The candidates among <paramref name="fresh"/>: a customer whose key an earlier customer of the run already had.</summary>
    public IdentityCandidates Find(IReadOnlyList<WrittenCustomer> fresh)
    {
        var result = new IdentityCandidates([], []);
        foreach (var f in fresh)
        {
            FindOne(f, result);
        }
        return result;
    }

    private void FindOne(WrittenCustomer f, IdentityCandidates result)
    {
        var keys = KeysOf(f);
        if (keys.Rrn is { } rrn && !_rrns.TryAdd(rrn, Unknown))
        {
            result.SameRrn.Add(f.Id);
        }
        if (keys.Person is { } person && !_people.TryAdd(person, Unknown))
        {
            result.SameNameBirthDatePhone.Add(f.Id);
        }
    }

    /// <summary>
    /// The customers of earlier batches that customers of <paramref name="fresh"/> share an RRN with, with their stored
    /// phones and e-mail addresses: three look-ups by id. Null when one of them cannot be planned for (no longer live,
    /// or an e-mail address whose lower case only the database can say).
    /// </summary>
    public async Task<Dictionary<long, Holder>?> LoadHoldersAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<WrittenCustomer> fresh, CancellationToken ct)
    {
        var ids = new HashSet<long>();
        foreach (var f in fresh)
        {
            if (KeysOf(f).Rrn is { } rrn && _rrns.TryGetValue(rrn, out var holder))
            {
                ids.Add(holder);
            }
        }
        var holders = new Dictionary<long, Holder>(ids.Count);
        if (ids.Count == 0)
        {
            return holders;
        }
        // One round trip: the holders, their phones, their e-mail addresses.
        var inIds = ImportSql.In(connection, "id", "ids");
        var inCustomers = ImportSql.In(connection, "customer_id", "ids");
        await using var cmd = ImportSql.Command(connection, tx, $"""
            SELECT id, name, birth_date FROM customer WHERE {inIds} AND merged_into_id IS NULL;
            SELECT customer_id, number FROM customer_phone WHERE {inCustomers};
            SELECT customer_id, address FROM customer_email WHERE {inCustomers}
            """);
        ImportSql.AddList(cmd, "ids", ids);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            holders[r.GetInt64(0)] = new Holder(r.GetString(1), ImportSql.ReadDate(r, 2));
        }
        if (holders.Count != ids.Count)
        {
            return null;
        }
        await r.NextResultAsync(ct);
        while (await r.ReadAsync(ct))
        {
            holders[r.GetInt64(0)].Phones.Add(PhonePoint(r.GetString(1)));
        }
        await r.NextResultAsync(ct);
        var plannable = true;
        while (await r.ReadAsync(ct))
        {
            if (EmailPoint(r.GetString(1)) is { } point)
            {
                holders[r.GetInt64(0)].Emails.Add(point);
            }
            else
            {
                plannable = false;
            }
        }
        return plannable ? holders : null;
    }

    /// <summary>
    /// The merges of <paramref name="fresh"/> (new customers in id order) against every live customer of the run and each
    /// other, given the <paramref name="holders"/> of <see cref="LoadHoldersAsync"/>, and the batch's candidates as
    /// <see cref="Find"/> gives them. The plan is null when the batch needs the name rule (see the class): planning then
    /// ends for the run, and the candidates are for <see cref="IdentityResolution.ResolveBatchAsync"/>.
    /// </summary>
    public (List<MemoryMerge>? Plan, IdentityCandidates Candidates) Plan(IReadOnlyList<WrittenCustomer> fresh, Dictionary<long, Holder> holders)
    {
        var candidates = new IdentityCandidates([], []);
        var merges = new List<MemoryMerge>();
        // A customer of this batch becomes a holder only when another merges into it (most never do): made then,
        // from its row, found by id (the batch's ids ascend).
        Holder? BatchHolder(long id)
        {
            var at = BinarySearch(fresh, id);
            if (at < 0)
            {
                return null;
            }
            var s = fresh[at];
            var holder = new Holder(s.Name, s.BirthDate);
            if (s.Phone is { } p)
            {
                holder.Phones.Add(PhonePoint(p));
            }
            if (s.Email is { } e)
            {
                holder.Emails.Add(EmailPoint(e)!);
            }
            holders[id] = holder;
            return holder;
        }
        foreach (var x in fresh)
        {
            if (!Planning || !PlanOne(x, holders, BatchHolder, merges, candidates))
            {
                EndPlanning("a batch needed the name rule, or a survivor could not be planned for");
                FindOne(x, candidates);
            }
        }
        return (Planning ? merges : null, candidates);
    }

    /// <summary>
    /// Plans <paramref name="x"/>; false when it cannot (its RRN key may stay remembered then, as <see cref="FindOne"/>
    /// would remember it). One look-up per key: these maps hold a million entries each, and each look-up is a cache miss.
    /// </summary>
    private bool PlanOne(WrittenCustomer x, Dictionary<long, Holder> holders, Func<long, Holder?> batchHolder, List<MemoryMerge> merges, IdentityCandidates candidates)
    {
        if (x.Email is { } address && !Ascii.IsValid(address))
        {
            return false;
        }
        var keys = KeysOf(x);
        if (keys.Rrn is { } rrn)
        {
            ref var holderId = ref CollectionsMarshal.GetValueRefOrAddDefault(_rrns, rrn, out var held);
            if (held)
            {
                var survivor = holderId;
                if (survivor == Unknown || !holders.TryGetValue(survivor, out var h) && (h = batchHolder(survivor)) is null)
                {
                    return false;
                }
                var gained = x.Phone is { } phone && !h.Phones.Contains(PhonePoint(phone));
                if (gained && h.BirthDate is { } birth)
                {
                    // The survivor will hold this phone: a live twin of it by name and birth date holding it too is the name rule's.
                    ref var twin = ref CollectionsMarshal.GetValueRefOrAddDefault(_people, PersonKey(x.Phone!, h.Name, birth), out var twinHeld);
                    if (twinHeld && twin != survivor)
                    {
                        return false;
                    }
                    twin = survivor;
                }
                if (gained)
                {
                    h.Phones.Add(PhonePoint(x.Phone!));
                }
                // Its own name key is not remembered: a merged customer is in no pair.
                candidates.SameRrn.Add(x.Id);
                var emailMoves = x.Email is { } e && h.Emails.Add(EmailPoint(e)!);
                merges.Add(new MemoryMerge(x.Id, survivor, gained, emailMoves));
                return true;
            }
            holderId = x.Id;
        }
        if (keys.Person is { } own)
        {
            ref var holder = ref CollectionsMarshal.GetValueRefOrAddDefault(_people, own, out var personHeld);
            if (personHeld)
            {
                return false;
            }
            holder = x.Id;
        }
        return true;
    }

    /// <summary>A survivor now also holds the phones of the customers merged into it: remember those combinations too.</summary>
    public async Task RememberSurvivorsAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<PlannedMerge> merges, CancellationToken ct)
    {
        if (merges.Count == 0)
        {
            return;
        }
        // PostgreSQL: the phones per survivor through their index (LATERAL ... OFFSET 0 is not flattened), not a
        // hash of the whole growing customer_phone table per batch.
        var phones = ImportSql.IsPostgres(connection)
            ? "customer c CROSS JOIN LATERAL (SELECT number FROM customer_phone p WHERE p.customer_id = c.id OFFSET 0) p"
            : "customer c JOIN customer_phone p ON p.customer_id = c.id";
        await using var cmd = ImportSql.Command(connection, tx, $"""
            SELECT p.number, c.name, c.birth_date FROM {phones}
            WHERE {ImportSql.In(connection, "c.id", "s")} AND c.birth_date IS NOT NULL
            """);
        ImportSql.AddList(cmd, "s", merges.Select(m => m.SurvivorId).Distinct());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            _people.TryAdd(PersonKey(r.GetString(0), r.GetString(1), ImportSql.ReadDate(r, 2)!.Value), Unknown);
        }
    }

    private static int BinarySearch(IReadOnlyList<WrittenCustomer> fresh, long id)
    {
        var (lo, hi) = (0, fresh.Count - 1);
        while (lo <= hi)
        {
            var mid = lo + (hi - lo) / 2;
            var at = fresh[mid].Id;
            if (at == id)
            {
                return mid;
            }
            (lo, hi) = at < id ? (mid + 1, hi) : (lo, mid - 1);
        }
        return -1;
    }

    /// <summary>A phone as a survivor holds it once: its digits (IdentityResolution's <c>REPLACE(REPLACE(number, '-', ''), ' ', '')</c>).</summary>
    private static string PhonePoint(string number) => number.Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);

    /// <summary>An e-mail address as a survivor holds it once (<c>LOWER(TRIM(address))</c>); null when not ASCII, whose lower case is the database's.</summary>
    private static string? EmailPoint(string address) => Ascii.IsValid(address) ? address.Trim(' ').ToLowerInvariant() : null;

    private static IdentityKeys KeysOf(in WrittenCustomer c) => c.Keys ?? IdentityKeys.Of(c.RrnHash, c.Phone, c.Name, c.BirthDate);

    internal static UInt128 RrnKey(string rrnHash) => XxHash128.HashToUInt128(MemoryMarshal.AsBytes(rrnHash.AsSpan()));

    internal static UInt128 PersonKey(string phone, string name, DateOnly birthDate)
    {
        var size = phone.Length + name.Length + 4;
        Span<char> text = size <= 256 ? stackalloc char[size] : new char[size];
        phone.CopyTo(text);
        text[phone.Length] = '\0';
        name.CopyTo(text[(phone.Length + 1)..]);
        text[^3] = '\0';
        text[^2] = (char)(birthDate.DayNumber >> 16);
        text[^1] = (char)birthDate.DayNumber;
        return XxHash128.HashToUInt128(MemoryMarshal.AsBytes(text));
    }
}
