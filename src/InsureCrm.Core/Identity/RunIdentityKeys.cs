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
/// rule's), null where it has none; and for planning, what a survivor compares: its name and birth date (0: no birth
/// date), its phone's digits and its e-mail address in lower case (null: none, or an address that is not ASCII, whose lower
/// case is the database's). The import computes them with validation, in parallel and off the path that writes.
/// </summary>
internal readonly record struct IdentityKeys(UInt128? Rrn, UInt128? Person, ulong NameBirth, ulong? Phone, ulong? Email)
{
    public static IdentityKeys Of(string? rrnHash, string? phone, string name, DateOnly? birthDate, string? email)
    {
        var nameBirth = birthDate is { } birth ? RunIdentityKeys.NameBirthKey(name, birth) : 0;
        return new(
            rrnHash is null ? null : RunIdentityKeys.RrnKey(rrnHash),
            phone is not null && birthDate is not null ? RunIdentityKeys.PersonKey(phone, nameBirth) : null,
            nameBirth,
            phone is null ? null : RunIdentityKeys.PhonePoint(phone),
            email is null ? null : RunIdentityKeys.EmailPoint(email));
    }
}

/// <summary>
/// The rules' keys of the customers one import run wrote, kept in memory while the run knows it wrote every customer in
/// the database (the big first import). Keys are 128-bit hashes of an RRN hash and of a phone, name and birth date: two
/// different values share one with a chance of about n²/2¹²⁹.
/// <para>
/// <b>Planning</b> (<see cref="Plan"/>), as long as <see cref="Planning"/>: each key maps to the one live customer holding
/// it, exactly, and the run remembers what each of its customers holds (<see cref="IdentityKeys"/>: 64-bit hashes of its
/// name and birth date, phone digits and e-mail address; a survivor's gains are added as merges are planned), so a batch's
/// merges are planned before it is written, without reading the database, instead of by statements after it. The batch
/// then writes its merged customers as merged and their contact rows and source keys straight to the survivor, which
/// costs the database what a plain COPY of those rows costs. Only what the statements would do is planned: a new customer
/// whose RRN a live customer holds merges into that one. Anything the name rule could act on (a new customer whose name,
/// birth date and phone a live customer holds, or a survivor gaining a phone that gives it such a twin) ends planning
/// for the rest of the run, and the batch is resolved by <see cref="IdentityResolution.ResolveBatchAsync"/>.
/// </para>
/// <para>
/// <b>Candidates</b> (<see cref="Find"/>, and <see cref="Plan"/> too): the customers that key a customer of the run
/// already held, which is what <see cref="IdentityCandidates.FindAsync"/> would answer, without a query.
/// </para>
/// Not thread-safe: the import calls it under one lock.
/// </summary>
internal sealed class RunIdentityKeys
{
    /// <summary>A key's holder once planning has ended, or after merges made by statements: not known, only that the key is held.</summary>
    private const long Unknown = -1;

    private readonly Dictionary<UInt128, long> _rrns = [];
    private readonly Dictionary<UInt128, long> _people = [];
    /// <summary>While planning: what each customer the run planned holds, by id from <see cref="_firstPlanned"/> (the ids run on, one batch after another).</summary>
    private readonly List<Held> _held = [];
    private long _firstPlanned;
    /// <summary>While planning: the survivors of planned merges, with what they hold now.</summary>
    private readonly Dictionary<long, Holder> _holders = [];

    /// <summary>What a customer held when it was written (see <see cref="IdentityKeys"/>; 0 for none).</summary>
    private readonly record struct Held(ulong NameBirth, ulong Phone, ulong Email);

    /// <summary>Whether the keys still say exactly which live customer holds each (and merges can be planned).</summary>
    public bool Planning { get; private set; } = true;

    /// <summary>Why planning ended, for the import's timings; null while planning.</summary>
    public string? PlanningEndedBecause { get; private set; }

    /// <summary>A live customer that customers of the batch merge into: its name and birth date (0: no birth date), and its contact points.</summary>
    private sealed class Holder(ulong nameBirth)
    {
        public ulong NameBirth { get; } = nameBirth;
        public HashSet<ulong> Phones { get; } = [];
        public HashSet<ulong> Emails { get; } = [];
    }

    /// <summary>Merges are no longer planned for this run; the keys still find candidates.</summary>
    public void EndPlanning(string reason)
    {
        if (Planning)
        {
            Planning = false;
            PlanningEndedBecause = reason;
            _held.Clear();
            _held.TrimExcess();
            _holders.Clear();
            _holders.TrimExcess();
        }
    }

    /// <summary>Sizes the keys (and, while planning, what each planned customer holds) for about <paramref name="customers"/> new customers.</summary>
    public void Expect(int customers)
    {
        _rrns.EnsureCapacity(customers);
        _people.EnsureCapacity(customers);
        if (Planning)
        {
            _held.EnsureCapacity(customers);
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
    /// The merges of <paramref name="fresh"/> (new customers, their ids ascending by one from where the last planned batch
    /// ended) against every live customer of the run and each other, and the batch's candidates as <see cref="Find"/> gives
    /// them. The plan is null when the batch needs the name rule (see the class) or its ids do not follow the last batch's:
    /// planning then ends for the run, and the candidates are for <see cref="IdentityResolution.ResolveBatchAsync"/>.
    /// </summary>
    public (List<MemoryMerge>? Plan, IdentityCandidates Candidates) Plan(IReadOnlyList<WrittenCustomer> fresh)
    {
        var candidates = new IdentityCandidates([], []);
        var merges = new List<MemoryMerge>();
        if (fresh.Count > 0 && _held.Count == 0)
        {
            _firstPlanned = fresh[0].Id;
        }
        foreach (var x in fresh)
        {
            if (!Planning || !PlanOne(x, merges, candidates))
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
    private bool PlanOne(WrittenCustomer x, List<MemoryMerge> merges, IdentityCandidates candidates)
    {
        var keys = KeysOf(x);
        if (x.Email is not null && keys.Email is null || x.Id != _firstPlanned + _held.Count)
        {
            return false;
        }
        _held.Add(new Held(keys.NameBirth, keys.Phone ?? 0, keys.Email ?? 0));
        if (keys.Rrn is { } rrn)
        {
            ref var holderId = ref CollectionsMarshal.GetValueRefOrAddDefault(_rrns, rrn, out var held);
            if (held)
            {
                var survivor = holderId;
                if (HolderOf(survivor) is not { } h)
                {
                    return false;
                }
                var gained = keys.Phone is { } phone && !h.Phones.Contains(phone);
                if (gained && h.NameBirth != 0)
                {
                    // The survivor will hold this phone: a live twin of it by name and birth date holding it too is the name rule's.
                    ref var twin = ref CollectionsMarshal.GetValueRefOrAddDefault(_people, PersonKey(x.Phone!, h.NameBirth), out var twinHeld);
                    if (twinHeld && twin != survivor)
                    {
                        return false;
                    }
                    twin = survivor;
                }
                if (gained)
                {
                    h.Phones.Add(keys.Phone!.Value);
                }
                // Its own name key is not remembered: a merged customer is in no pair.
                candidates.SameRrn.Add(x.Id);
                var emailMoves = keys.Email is { } e && h.Emails.Add(e);
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

    /// <summary>
    /// The survivor <paramref name="id"/> with what it holds: made from what it held when written the first time another
    /// customer merges into it (most never become one). Null for a customer this run did not plan (not to be planned for).
    /// </summary>
    private Holder? HolderOf(long id)
    {
        if (_holders.TryGetValue(id, out var holder))
        {
            return holder;
        }
        var at = id - _firstPlanned;
        if (id == Unknown || at < 0 || at >= _held.Count)
        {
            return null;
        }
        var held = _held[(int)at];
        holder = new Holder(held.NameBirth);
        if (held.Phone != 0)
        {
            holder.Phones.Add(held.Phone);
        }
        if (held.Email != 0)
        {
            holder.Emails.Add(held.Email);
        }
        _holders[id] = holder;
        return holder;
    }

    /// <summary>
    /// The name rule's keys of the survivors of <paramref name="merges"/>, which now also hold the phones of the customers
    /// merged into them: read from the database, for <see cref="Remember"/>.
    /// </summary>
    public static async Task<List<UInt128>> SurvivorKeysAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<PlannedMerge> merges, CancellationToken ct)
    {
        var keys = new List<UInt128>();
        if (merges.Count == 0)
        {
            return keys;
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
            keys.Add(PersonKey(r.GetString(0), NameBirthKey(r.GetString(1), ImportSql.ReadDate(r, 2)!.Value)));
        }
        return keys;
    }

    /// <summary>Remembers name-rule keys as held (<see cref="SurvivorKeysAsync"/>).</summary>
    public void Remember(List<UInt128> personKeys)
    {
        foreach (var key in personKeys)
        {
            _people.TryAdd(key, Unknown);
        }
    }

    private static IdentityKeys KeysOf(in WrittenCustomer c) => c.Keys ?? IdentityKeys.Of(c.RrnHash, c.Phone, c.Name, c.BirthDate, c.Email);

    internal static UInt128 RrnKey(string rrnHash) => XxHash128.HashToUInt128(MemoryMarshal.AsBytes(rrnHash.AsSpan()));

    /// <summary>A name and birth date, as the name rule compares them (never 0, which stands for no birth date).</summary>
    internal static ulong NameBirthKey(string name, DateOnly birthDate)
    {
        var size = name.Length + 2;
        Span<char> text = size <= 256 ? stackalloc char[size] : new char[size];
        name.CopyTo(text);
        text[^2] = (char)(birthDate.DayNumber >> 16);
        text[^1] = (char)birthDate.DayNumber;
        return NonZero(XxHash3.HashToUInt64(MemoryMarshal.AsBytes(text)));
    }

    /// <summary>The name rule's key: a phone as written, and a <see cref="NameBirthKey"/>.</summary>
    internal static UInt128 PersonKey(string phone, ulong nameBirth)
    {
        var size = phone.Length + 4;
        Span<char> text = size <= 256 ? stackalloc char[size] : new char[size];
        phone.CopyTo(text);
        MemoryMarshal.Write(MemoryMarshal.AsBytes(text[phone.Length..]), nameBirth);
        return XxHash128.HashToUInt128(MemoryMarshal.AsBytes(text));
    }

    /// <summary>A phone as a survivor holds it once: its digits (IdentityResolution's <c>REPLACE(REPLACE(number, '-', ''), ' ', '')</c>).</summary>
    internal static ulong PhonePoint(string number)
    {
        Span<char> digits = number.Length <= 128 ? stackalloc char[number.Length] : new char[number.Length];
        var n = 0;
        foreach (var ch in number)
        {
            if (ch is not ('-' or ' '))
            {
                digits[n++] = ch;
            }
        }
        return NonZero(XxHash3.HashToUInt64(MemoryMarshal.AsBytes(digits[..n])));
    }

    /// <summary>An e-mail address as a survivor holds it once (<c>LOWER(TRIM(address))</c>); null when not ASCII, whose lower case is the database's.</summary>
    internal static ulong? EmailPoint(string address)
    {
        if (!Ascii.IsValid(address))
        {
            return null;
        }
        var trimmed = address.AsSpan().Trim(' ');
        Span<char> lower = trimmed.Length <= 256 ? stackalloc char[trimmed.Length] : new char[trimmed.Length];
        Ascii.ToLower(trimmed, lower, out _);
        return NonZero(XxHash3.HashToUInt64(MemoryMarshal.AsBytes(lower)));
    }

    /// <summary>0 stands for "none" where these hashes are kept; a hash of 0 (one in 2⁶⁴) is taken as 1.</summary>
    private static ulong NonZero(ulong hash) => hash == 0 ? 1 : hash;
}
