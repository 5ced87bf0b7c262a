using System.Data.Common;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;

namespace InsureCrm.Core.Imports;

/// <summary>
/// Customers, the high-volume kind: raw fields validated in parallel, existing source keys looked up once per
/// batch, new customers and their contact rows written with <see cref="BulkWriter"/> under ids reserved
/// from the identity, and only changed customers updated. Upsert key: (source_system, source_id).
/// </summary>
internal sealed class CustomerLoader(ImportContext context) : IBatchLoader
{
    private static readonly BulkTable CustomerTable = new("customer",
        ("id", typeof(long)), ("kind", typeof(CustomerKind)), ("name", typeof(string)), ("name_script", typeof(NameScript)),
        ("birth_date", typeof(DateOnly)), ("gender", typeof(Gender)), ("rrn_cipher", typeof(string)), ("rrn_hash", typeof(string)),
        ("rrn_masked", typeof(string)), ("business_number", typeof(string)), ("occupation", typeof(string)),
        ("income_band", typeof(IncomeBand)), ("marital_status", typeof(MaritalStatus)), ("children", typeof(int)),
        ("preferred_channel", typeof(ContactChannel)), ("preferred_contact_time", typeof(ContactTime)),
        ("created_at", typeof(DateTime)), ("updated_at", typeof(DateTime)), ("merged_into_id", typeof(long)), ("version", typeof(int)));
    private static readonly BulkTable SourceKeyTable = new("customer_source_key",
        ("customer_id", typeof(long)), ("source_system", typeof(string)), ("source_id", typeof(string)));
    private static readonly BulkTable PhoneTable = new("customer_phone",
        ("customer_id", typeof(long)), ("kind", typeof(PhoneKind)), ("number", typeof(string)), ("is_primary", typeof(bool)));
    private static readonly BulkTable EmailTable = new("customer_email",
        ("customer_id", typeof(long)), ("address", typeof(string)), ("is_primary", typeof(bool)));
    private static readonly BulkTable AddressTable = new("customer_address",
        ("customer_id", typeof(long)), ("kind", typeof(AddressKind)), ("sido", typeof(string)), ("sigungu", typeof(string)),
        ("line", typeof(string)), ("postal_code", typeof(string)), ("is_primary", typeof(bool)));

    private readonly Dictionary<(string, string), int> _seen = [];
    /// <summary>Customers written by an earlier row of this run: a later row that resolves to one (after a merge) only adds contacts.</summary>
    private readonly HashSet<long> _touched = [];

    private sealed class Input
    {
        public required ImportRow Row { get; init; }
        public required string System { get; init; }
        public required string SourceId { get; init; }
        public CustomerKind? Kind { get; init; }
        public required string Name { get; init; }
        public DateOnly? BirthDate { get; set; }
        public Gender? Gender { get; set; }
        public Rrn? Rrn { get; init; }
        public string? RrnHash { get; set; }
        public string? RrnCipher { get; set; }
        public string? BusinessNumber { get; init; }
        public string? Phone { get; init; }
        public string? Email { get; init; }
        public string? Sido { get; init; }
        public string? Sigungu { get; init; }
        public string? Address { get; init; }
        public string? PostalCode { get; init; }
        public string? Occupation { get; init; }
        public IncomeBand? IncomeBand { get; init; }
        public MaritalStatus? MaritalStatus { get; init; }
        public int? Children { get; init; }
        public ContactChannel? PreferredChannel { get; init; }
        public ContactTime? PreferredContactTime { get; init; }
        public bool HasAddress => Sido is not null || Sigungu is not null || Address is not null;
    }

    private sealed class Current
    {
        public CustomerKind Kind { get; set; }
        public string Name { get; set; } = "";
        public DateOnly? BirthDate { get; set; }
        public Gender Gender { get; set; }
        public string? RrnHash { get; set; }
        public string? RrnCipher { get; set; }
        public string? BusinessNumber { get; set; }
        public string? Occupation { get; set; }
        public IncomeBand IncomeBand { get; set; }
        public MaritalStatus MaritalStatus { get; set; }
        public int? Children { get; set; }
        public ContactChannel? PreferredChannel { get; set; }
        public ContactTime PreferredContactTime { get; set; }
        public List<string> Phones { get; } = [];
        public List<string> Emails { get; } = [];
        public List<(string Sido, string Sigungu, string Line)> Addresses { get; } = [];
    }

    /// <summary>Validation, hashing and encryption: CPU work per row, spread over the cores.</summary>
    public void Prepare(IReadOnlyList<ImportRow> rows)
    {
        var today = DateOnly.FromDateTime(context.Clock.GetUtcNow().UtcDateTime);
        Parallel.For(0, rows.Count, i =>
        {
            if (!rows[i].HasErrors)
            {
                rows[i].Prepared = Parse(rows[i], today);
            }
        });
    }

    public async Task<BatchOutcome> LoadAsync(IReadOnlyList<ImportRow> rows, CancellationToken ct)
    {
        var valid = new List<Input>(rows.Count);
        foreach (var row in rows)
        {
            if (row.Prepared is not Input input)
            {
                continue;
            }
            if (_seen.TryGetValue((input.System, input.SourceId), out var first))
            {
                input.Row.Error("source_id", $"duplicate source_id in this file (first at line {first})");
                continue;
            }
            _seen[(input.System, input.SourceId)] = input.Row.Line;
            valid.Add(input);
        }

        await using var writer = await BulkWriter.BeginAsync(context.Database, ct);
        var connection = writer.Connection;
        var tx = writer.Transaction;
        await ImportSql.LockAsync(connection, tx, ct);
        var existing = await LookupAsync(connection, tx, valid, ct);

        var fresh = new List<Input>();
        var known = new List<(Input Input, long Id, bool First)>();
        foreach (var input in valid)
        {
            if (existing.TryGetValue((input.System, input.SourceId), out var id))
            {
                known.Add((input, id, _touched.Add(id)));
            }
            else
            {
                fresh.Add(input);
            }
        }

        var now = context.Clock.GetUtcNow().UtcDateTime;
        var ids = await ImportSql.ReserveIdsAsync(connection, tx, "customer", fresh.Count, ct);
        var customers = new List<object?[]>(fresh.Count);
        var keys = new List<object?[]>(fresh.Count);
        var phones = new List<object?[]>();
        var emails = new List<object?[]>();
        var addresses = new List<object?[]>();
        var scope = new List<long>(fresh.Count);
        for (var i = 0; i < fresh.Count; i++)
        {
            var c = fresh[i];
            var id = ids[i];
            _touched.Add(id);
            scope.Add(id);
            customers.Add([
                id, c.Kind ?? CustomerKind.Individual, c.Name, ScriptOf(c.Name), c.BirthDate, c.Gender ?? Gender.Unknown,
                c.RrnCipher, c.RrnHash, c.Rrn?.Masked, c.BusinessNumber, c.Occupation,
                c.IncomeBand ?? IncomeBand.Unknown, c.MaritalStatus ?? MaritalStatus.Unknown, c.Children, c.PreferredChannel,
                c.PreferredContactTime ?? ContactTime.Any, now, now, null, 0,
            ]);
            keys.Add([id, c.System, c.SourceId]);
            if (c.Phone is not null)
            {
                phones.Add([id, PhoneKindOf(c.Phone), c.Phone, true]);
            }
            if (c.Email is not null)
            {
                emails.Add([id, c.Email, true]);
            }
            if (c.HasAddress)
            {
                addresses.Add([id, AddressKind.Home, c.Sido ?? "", c.Sigungu ?? "", c.Address ?? "", c.PostalCode, true]);
            }
        }

        var updated = 0;
        var unchanged = 0;
        if (known.Count > 0)
        {
            var current = await LoadCurrentAsync(connection, tx, known.Select(k => k.Id).Distinct().ToList(), ct);
            await using var update = PrepareUpdate(connection, tx);
            foreach (var (input, id, first) in known)
            {
                var stored = current[id];
                var changed = false;
                var rrnChanged = input.RrnHash is not null && input.RrnHash != stored.RrnHash;
                if (first && ApplyScalars(input, stored))
                {
                    await RunUpdateAsync(update, id, input, stored, rrnChanged, now, ct);
                    changed = true;
                }
                changed |= await SyncContactsAsync(connection, tx, id, input, stored, phones, emails, addresses, ct);
                if (changed)
                {
                    updated++;
                    scope.Add(id);
                }
                else
                {
                    unchanged++;
                }
            }
        }

        await writer.WriteAsync(CustomerTable, customers, ct);
        await writer.WriteAsync(SourceKeyTable, keys, ct);
        await writer.WriteAsync(PhoneTable, phones, ct);
        await writer.WriteAsync(EmailTable, emails, ct);
        await writer.WriteAsync(AddressTable, addresses, ct);
        var merged = await context.Identity.ResolveAsync(connection, tx, scope, context.User, ct);
        await writer.CommitAsync(ct);
        return new BatchOutcome(fresh.Count, updated, unchanged, merged);
    }

    private Input? Parse(ImportRow row, DateOnly today)
    {
        var system = row.Text("source_system", 20) ?? context.SourceSystem;
        if (system is null)
        {
            row.Error("source_system", "required value is missing (fill the column or pass --source)");
        }
        var sourceId = row.Text("source_id", 40, required: true);
        var kind = row.Enum<CustomerKind>("kind");
        var name = row.Text("name", 100, required: true);
        var birth = row.Date("birth_date");
        if (birth is { } b && (b > today || b.Year < 1900))
        {
            row.Error("birth_date", "not a plausible birth date (in the future or before 1900)");
        }
        var gender = row.Enum<Gender>("gender");
        Rrn? rrn = null;
        if (row.Text("rrn", 20) is { } rrnText)
        {
            if (Rrn.TryParse(rrnText, out var parsed, out var error))
            {
                rrn = parsed;
                if (birth is { } given && given != parsed.Value.BirthDate)
                {
                    row.Error("birth_date", "does not match the birth date in the RRN");
                }
                if (gender is { } g && g != Gender.Unknown && g != parsed.Value.Gender)
                {
                    row.Error("gender", "does not match the gender digit of the RRN");
                }
            }
            else
            {
                row.Error("rrn", error);
            }
        }
        var business = row.Text("business_number", 20);
        if (business is not null)
        {
            business = new string([.. business.Where(char.IsAsciiDigit)]);
            if (business.Length != 10)
            {
                row.Error("business_number", "a business registration number has 10 digits");
            }
        }
        var input = new Input
        {
            Row = row,
            System = system ?? "",
            SourceId = sourceId ?? "",
            Kind = kind,
            Name = name ?? "",
            BirthDate = birth ?? rrn?.BirthDate,
            Gender = gender is null or Gender.Unknown && rrn is not null ? rrn.Value.Gender : gender,
            Rrn = rrn,
            BusinessNumber = business,
            Phone = row.Phone("phone"),
            Email = row.Email("email"),
            Sido = row.Text("sido", 20),
            Sigungu = row.Text("sigungu", 20),
            Address = row.Text("address", 200),
            PostalCode = row.Text("postal_code", 10),
            Occupation = row.Text("occupation", 40),
            IncomeBand = row.Enum<IncomeBand>("income_band"),
            MaritalStatus = row.Enum<MaritalStatus>("marital_status"),
            Children = row.Int("children", 0, 20),
            PreferredChannel = row.Enum<ContactChannel>("preferred_channel"),
            PreferredContactTime = row.Enum<ContactTime>("preferred_contact_time"),
        };
        if (row.HasErrors)
        {
            return null;
        }
        if (rrn is { } r)
        {
            input.RrnHash = context.Protector.Hash(r.Digits);
            input.RrnCipher = context.Protector.Encrypt(r.Digits);
        }
        return input;
    }

    private static async Task<Dictionary<(string, string), long>> LookupAsync(DbConnection connection, DbTransaction tx, List<Input> inputs, CancellationToken ct)
    {
        var found = new Dictionary<(string, string), long>();
        foreach (var group in inputs.GroupBy(i => i.System))
        {
            await using var cmd = ImportSql.Command(connection, tx,
                $"SELECT source_id, customer_id FROM customer_source_key WHERE source_system = @s AND {ImportSql.In(connection, "source_id", "ids")}");
            ImportSql.Add(cmd, "s", group.Key);
            ImportSql.AddList(cmd, "ids", group.Select(i => i.SourceId));
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                found[(group.Key, reader.GetString(0))] = reader.GetInt64(1);
            }
        }
        return found;
    }

    private static async Task<Dictionary<long, Current>> LoadCurrentAsync(DbConnection connection, DbTransaction tx, List<long> ids, CancellationToken ct)
    {
        var current = new Dictionary<long, Current>(ids.Count);
        await using (var cmd = ImportSql.Command(connection, tx,
            $"""
             SELECT id, kind, name, birth_date, gender, rrn_hash, business_number, occupation, income_band, marital_status,
                    children, preferred_channel, preferred_contact_time
             FROM customer WHERE {ImportSql.In(connection, "id", "ids")}
             """))
        {
            ImportSql.AddList(cmd, "ids", ids);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                current[r.GetInt64(0)] = new Current
                {
                    Kind = ImportSql.ReadEnum<CustomerKind>(r, 1)!.Value,
                    Name = r.GetString(2),
                    BirthDate = ImportSql.ReadDate(r, 3),
                    Gender = ImportSql.ReadEnum<Gender>(r, 4)!.Value,
                    RrnHash = ImportSql.ReadString(r, 5),
                    BusinessNumber = ImportSql.ReadString(r, 6),
                    Occupation = ImportSql.ReadString(r, 7),
                    IncomeBand = ImportSql.ReadEnum<IncomeBand>(r, 8)!.Value,
                    MaritalStatus = ImportSql.ReadEnum<MaritalStatus>(r, 9)!.Value,
                    Children = ImportSql.ReadInt(r, 10),
                    PreferredChannel = ImportSql.ReadEnum<ContactChannel>(r, 11),
                    PreferredContactTime = ImportSql.ReadEnum<ContactTime>(r, 12)!.Value,
                };
            }
        }
        await ReadChildrenAsync(connection, tx, "SELECT customer_id, number FROM customer_phone", ids, r => current[r.GetInt64(0)].Phones.Add(r.GetString(1)), ct);
        await ReadChildrenAsync(connection, tx, "SELECT customer_id, address FROM customer_email", ids, r => current[r.GetInt64(0)].Emails.Add(r.GetString(1)), ct);
        await ReadChildrenAsync(connection, tx, "SELECT customer_id, sido, sigungu, line FROM customer_address", ids,
            r => current[r.GetInt64(0)].Addresses.Add((r.GetString(1), r.GetString(2), r.GetString(3))), ct);
        return current;
    }

    private static async Task ReadChildrenAsync(DbConnection connection, DbTransaction tx, string select, List<long> ids, Action<DbDataReader> add, CancellationToken ct)
    {
        await using var cmd = ImportSql.Command(connection, tx, $"{select} WHERE {ImportSql.In(connection, "customer_id", "ids")}");
        ImportSql.AddList(cmd, "ids", ids);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            add(r);
        }
    }

    /// <summary>Copies the file's non-empty values onto the stored ones; true when anything differs. Empty cells keep stored values.</summary>
    private static bool ApplyScalars(Input input, Current stored)
    {
        var changed = false;
        void Value<T>(T? value, T current, Action<T> assign) where T : struct
        {
            if (value is { } v && !EqualityComparer<T>.Default.Equals(v, current))
            {
                assign(v);
                changed = true;
            }
        }
        void Optional<T>(T? value, T? current, Action<T> assign) where T : struct
        {
            if (value is { } v && !Nullable.Equals(value, current))
            {
                assign(v);
                changed = true;
            }
        }
        void Text(string? value, string? current, Action<string> assign)
        {
            if (value is not null && !string.Equals(value, current, StringComparison.Ordinal))
            {
                assign(value);
                changed = true;
            }
        }
        Value(input.Kind, stored.Kind, v => stored.Kind = v);
        Text(input.Name, stored.Name, v => stored.Name = v);
        Optional(input.BirthDate, stored.BirthDate, v => stored.BirthDate = v);
        Value(input.Gender, stored.Gender, v => stored.Gender = v);
        Text(input.RrnHash, stored.RrnHash, v => stored.RrnHash = v);
        Text(input.BusinessNumber, stored.BusinessNumber, v => stored.BusinessNumber = v);
        Text(input.Occupation, stored.Occupation, v => stored.Occupation = v);
        Value(input.IncomeBand, stored.IncomeBand, v => stored.IncomeBand = v);
        Value(input.MaritalStatus, stored.MaritalStatus, v => stored.MaritalStatus = v);
        Optional(input.Children, stored.Children, v => stored.Children = v);
        Optional(input.PreferredChannel, stored.PreferredChannel, v => stored.PreferredChannel = v);
        Value(input.PreferredContactTime, stored.PreferredContactTime, v => stored.PreferredContactTime = v);
        return changed;
    }

    private static DbCommand PrepareUpdate(DbConnection connection, DbTransaction tx)
    {
        var cmd = ImportSql.Command(connection, tx, """
            UPDATE customer SET kind = @kind, name = @name, name_script = @script, birth_date = @birth, gender = @gender,
                rrn_cipher = COALESCE(@cipher, rrn_cipher), rrn_hash = COALESCE(@hash, rrn_hash), rrn_masked = COALESCE(@masked, rrn_masked),
                business_number = @business, occupation = @occupation, income_band = @income, marital_status = @marital,
                children = @children, preferred_channel = @channel, preferred_contact_time = @time, updated_at = @now,
                version = version + 1
            WHERE id = @id
            """);
        return cmd;
    }

    private static async Task RunUpdateAsync(DbCommand cmd, long id, Input input, Current s, bool rrnChanged, DateTime now, CancellationToken ct)
    {
        cmd.Parameters.Clear();
        var newRrn = rrnChanged ? input.Rrn : null;
        ImportSql.Add(cmd, "kind", s.Kind);
        ImportSql.Add(cmd, "name", s.Name);
        ImportSql.Add(cmd, "script", ScriptOf(s.Name));
        ImportSql.Add(cmd, "birth", s.BirthDate);
        ImportSql.Add(cmd, "gender", s.Gender);
        ImportSql.Add(cmd, "cipher", newRrn is not null ? input.RrnCipher : null);
        ImportSql.Add(cmd, "hash", newRrn is not null ? s.RrnHash : null);
        ImportSql.Add(cmd, "masked", newRrn?.Masked);
        ImportSql.Add(cmd, "business", s.BusinessNumber);
        ImportSql.Add(cmd, "occupation", s.Occupation);
        ImportSql.Add(cmd, "income", s.IncomeBand);
        ImportSql.Add(cmd, "marital", s.MaritalStatus);
        ImportSql.Add(cmd, "children", s.Children);
        ImportSql.Add(cmd, "channel", s.PreferredChannel);
        ImportSql.Add(cmd, "time", s.PreferredContactTime);
        ImportSql.Add(cmd, "now", now);
        ImportSql.Add(cmd, "id", id);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Contact details are history: a phone, e-mail or address not yet on file is added as the new primary one;
    /// known ones are left alone, so re-imports change nothing and merged customers keep all of theirs.
    /// </summary>
    private static async Task<bool> SyncContactsAsync(DbConnection connection, DbTransaction tx, long id, Input input, Current stored,
        List<object?[]> phones, List<object?[]> emails, List<object?[]> addresses, CancellationToken ct)
    {
        var changed = false;
        if (input.Phone is { } phone && !stored.Phones.Contains(phone))
        {
            await ImportSql.ExecuteAsync(connection, tx, "UPDATE customer_phone SET is_primary = @f WHERE customer_id = @id", ct, ("f", false), ("id", id));
            phones.Add([id, PhoneKindOf(phone), phone, true]);
            stored.Phones.Add(phone);
            changed = true;
        }
        if (input.Email is { } email && !stored.Emails.Contains(email, StringComparer.OrdinalIgnoreCase))
        {
            await ImportSql.ExecuteAsync(connection, tx, "UPDATE customer_email SET is_primary = @f WHERE customer_id = @id", ct, ("f", false), ("id", id));
            emails.Add([id, email, true]);
            stored.Emails.Add(email);
            changed = true;
        }
        if (input.HasAddress)
        {
            var address = (input.Sido ?? "", input.Sigungu ?? "", input.Address ?? "");
            if (!stored.Addresses.Contains(address))
            {
                await ImportSql.ExecuteAsync(connection, tx, "UPDATE customer_address SET is_primary = @f WHERE customer_id = @id", ct, ("f", false), ("id", id));
                addresses.Add([id, AddressKind.Home, address.Item1, address.Item2, address.Item3, input.PostalCode, true]);
                stored.Addresses.Add(address);
                changed = true;
            }
        }
        return changed;
    }

    private static PhoneKind PhoneKindOf(string digits) =>
        digits.StartsWith("01", StringComparison.Ordinal) ? PhoneKind.Mobile : PhoneKind.Home;

    internal static NameScript ScriptOf(string name)
    {
        bool hangul = false, hanzi = false, latin = false;
        foreach (var ch in name)
        {
            if (ch is >= '\uAC00' and <= '\uD7A3' || ch is >= '\u1100' and <= '\u11FF' || ch is >= '\u3130' and <= '\u318F')
            {
                hangul = true;
            }
            else if (ch is >= '\u4E00' and <= '\u9FFF' || ch is >= '\u3400' and <= '\u4DBF')
            {
                hanzi = true;
            }
            else if (char.IsAsciiLetter(ch))
            {
                latin = true;
            }
        }
        return (hangul, hanzi, latin) switch
        {
            (true, false, false) => NameScript.Hangul,
            (false, true, false) => NameScript.Hanzi,
            (false, false, true) => NameScript.Latin,
            (false, false, false) => NameScript.Latin,
            _ => NameScript.Mixed,
        };
    }
}
