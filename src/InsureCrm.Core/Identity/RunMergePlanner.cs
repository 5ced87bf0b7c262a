using System.Data.Common;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using InsureCrm.Core.Common;

namespace InsureCrm.Core.Identity;

/// <summary>
/// A merge <see cref="RunMergePlanner"/> planned for a customer of the batch (by <see cref="MergeRule.SameRrn"/>), and
/// whether its phone and e-mail move to the survivor: each stays with the merged customer when the survivor already
/// holds the same value, as <see cref="IdentityResolution"/> leaves it. Its address and source key always move.
/// </summary>
internal readonly record struct MemoryMerge(long MergedId, long SurvivorId, bool PhoneMoves, bool EmailMoves);

/// <summary>
/// Identity resolution for an import run that wrote every customer in the database (the big first import), planned
/// before a batch is written instead of by statements after it: the batch then writes its merged customers as merged
/// and their contact rows and source keys straight to the survivor, which costs the database what a plain COPY of
/// those rows costs. It knows, exactly, the one live customer holding each RRN hash and each (phone, name, birth date)
/// of the run. It plans only what it can plan exactly as <see cref="IdentityResolution.ResolveBatchAsync"/> would
/// merge: a new customer whose RRN a live customer holds merges into that one. Anything the name rule could act on (a
/// new customer whose name, birth date and phone a live customer holds, or a survivor gaining a phone that gives it
/// such a twin) makes <see cref="TryPlan"/> refuse; the caller then stops the planner for the rest of the run and
/// resolves by statements, as it does whenever the run is not the only writer. Keys are 128-bit hashes: two different
/// values share one with a chance of about n²/2¹²⁹.
/// </summary>
internal sealed class RunMergePlanner
{
    private readonly Dictionary<UInt128, long> _rrns = [];
    private readonly Dictionary<UInt128, long> _people = [];

    /// <summary>False once the planner refused or was stopped: the run resolves by statements from then on.</summary>
    public bool Active { get; private set; } = true;

    /// <summary>Why the planner stopped, for the import's timings; null while active.</summary>
    public string? StoppedBecause { get; private set; }

    /// <summary>A live customer that customers of the batch may merge into: its name, birth date and contact points (normalised).</summary>
    internal sealed class Holder(string name, DateOnly? birthDate)
    {
        public string Name { get; } = name;
        public DateOnly? BirthDate { get; } = birthDate;
        public HashSet<string> Phones { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Emails { get; } = new(StringComparer.Ordinal);
    }

    public void Stop(string reason)
    {
        if (!Active)
        {
            return;
        }
        Active = false;
        StoppedBecause = reason;
        _rrns.Clear();
        _people.Clear();
        _rrns.TrimExcess();
        _people.TrimExcess();
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
            if (f.RrnHash is { } h && _rrns.TryGetValue(RrnKey(h), out var holder))
            {
                ids.Add(holder);
            }
        }
        var holders = new Dictionary<long, Holder>(ids.Count);
        if (ids.Count == 0)
        {
            return holders;
        }
        await using (var cmd = ImportSql.Command(connection, tx,
            $"SELECT id, name, birth_date FROM customer WHERE {ImportSql.In(connection, "id", "ids")} AND merged_into_id IS NULL"))
        {
            ImportSql.AddList(cmd, "ids", ids);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                holders[r.GetInt64(0)] = new Holder(r.GetString(1), ImportSql.ReadDate(r, 2));
            }
        }
        if (holders.Count != ids.Count)
        {
            return null;
        }
        var plannable = true;
        async Task ReadAsync(string select, Action<Holder, string> add)
        {
            await using var cmd = ImportSql.Command(connection, tx, $"{select} WHERE {ImportSql.In(connection, "customer_id", "ids")}");
            ImportSql.AddList(cmd, "ids", ids);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                add(holders[r.GetInt64(0)], r.GetString(1));
            }
        }
        await ReadAsync("SELECT customer_id, number FROM customer_phone", (h, number) => h.Phones.Add(PhonePoint(number)));
        await ReadAsync("SELECT customer_id, address FROM customer_email", (h, address) =>
        {
            if (EmailPoint(address) is { } point)
            {
                h.Emails.Add(point);
            }
            else
            {
                plannable = false;
            }
        });
        return plannable ? holders : null;
    }

    /// <summary>
    /// The merges of <paramref name="fresh"/> (new customers in id order) against every live customer of the run and
    /// each other, given the <paramref name="holders"/> of <see cref="LoadHoldersAsync"/>; the keys of the batch's live
    /// customers are remembered. Null when the batch needs the name rule (see the class): the caller must then
    /// <see cref="Stop"/> the planner, whose keys are part-updated, and resolve the batch by statements.
    /// </summary>
    public List<MemoryMerge>? TryPlan(IReadOnlyList<WrittenCustomer> fresh, Dictionary<long, Holder> holders)
    {
        var merges = new List<MemoryMerge>();
        foreach (var x in fresh)
        {
            string? email = null;
            if (x.Email is not null && (email = EmailPoint(x.Email)) is null)
            {
                return null;
            }
            if (x.RrnHash is { } rrn)
            {
                var key = RrnKey(rrn);
                if (_rrns.TryGetValue(key, out var survivor))
                {
                    if (!holders.TryGetValue(survivor, out var h))
                    {
                        return null;
                    }
                    var phoneMoves = x.Phone is { } phone && h.Phones.Add(PhonePoint(phone));
                    if (phoneMoves && h.BirthDate is { } birth)
                    {
                        // The survivor now holds this phone: a live twin of it by name, birth date and that phone is the name rule's.
                        var person = PersonKey(x.Phone!, h.Name, birth);
                        if (_people.TryGetValue(person, out var other) && other != survivor)
                        {
                            return null;
                        }
                        _people[person] = survivor;
                    }
                    var emailMoves = email is not null && h.Emails.Add(email);
                    merges.Add(new MemoryMerge(x.Id, survivor, phoneMoves, emailMoves));
                    continue;
                }
                _rrns[key] = x.Id;
                var holder = new Holder(x.Name, x.BirthDate);
                if (x.Phone is { } p)
                {
                    holder.Phones.Add(PhonePoint(p));
                }
                if (email is not null)
                {
                    holder.Emails.Add(email);
                }
                holders[x.Id] = holder;
            }
            if (x.Person is { } own && !_people.TryAdd(PersonKey(own.Phone, own.Name, own.BirthDate), x.Id))
            {
                return null;
            }
        }
        return merges;
    }

    /// <summary>A phone as a survivor holds it once: its digits (IdentityResolution's <c>REPLACE(REPLACE(number, '-', ''), ' ', '')</c>).</summary>
    private static string PhonePoint(string number) => number.Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);

    /// <summary>An e-mail address as a survivor holds it once (<c>LOWER(TRIM(address))</c>); null when not ASCII, whose lower case is the database's.</summary>
    private static string? EmailPoint(string address) => Ascii.IsValid(address) ? address.Trim(' ').ToLowerInvariant() : null;

    private static UInt128 RrnKey(string rrnHash) => XxHash128.HashToUInt128(MemoryMarshal.AsBytes(rrnHash.AsSpan()));

    private static UInt128 PersonKey(string phone, string name, DateOnly birthDate)
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
