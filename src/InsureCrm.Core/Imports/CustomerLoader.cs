using System.Buffers.Binary;
using System.Data.Common;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Identity;
using Npgsql;

namespace InsureCrm.Core.Imports;

/// <summary>
/// Customers, the high-volume kind: raw fields validated in parallel, existing source keys looked up once per
/// batch, new customers and their contact rows written in bulk under ids reserved from the identity (PostgreSQL:
/// binary COPY of rows encoded while they were validated, <see cref="PgCopyBuffer"/>; SQLite: <see cref="BulkWriter"/>),
/// and only changed customers updated. Upsert key: (source_system, source_id).
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
    /// <summary>The child tables with their ids given, for a batch that lists the rows its merges gave a survivor.</summary>
    private static readonly BulkTable[] ChildTablesWithIds = [.. new[] { SourceKeyTable, PhoneTable, EmailTable, AddressTable }
        .Select(t => new BulkTable(t.Name, [("id", typeof(long)), .. t.Columns]))];

    /// <summary>
    /// The line of each source key's first row in the file, by <see cref="SourceKeyHash"/>; only <see cref="Prepare"/>
    /// uses it. Keyed by a number rather than the key's strings: it holds a million entries at the end of a big
    /// file, and every full garbage collection would otherwise visit two strings per entry while the import waits.
    /// </summary>
    private readonly Dictionary<UInt128, int> _seen = [];
    /// <summary>
    /// Customers an earlier row of this run updated: a later row that resolves to one (after a merge) only adds contacts.
    /// Those it created are in <see cref="_created"/> (here only when a sequence set back gave one below its ranges).
    /// </summary>
    private readonly HashSet<long> _touched = [];
    /// <summary>
    /// The ids of the customers this run created, as ranges in ascending order: the ids a batch reserves run one by one,
    /// and while the run is the only writer one range holds them all (a set of a million ids cost the write path its
    /// look-ups and regrowth).
    /// </summary>
    private readonly List<(long First, long Last)> _created = [];
    /// <summary>The write path's lists of a batch, reused batch after batch (each of 20,000 would be a large object, collected only with gen 2).</summary>
    private readonly List<Input> _valid = [], _fresh = [], _phones = [], _emails = [], _addresses = [];
    private readonly List<long> _scope = [];
    /// <summary>The rows of the four tables that stay with their own new customer when a batch's planned merges move some (<see cref="SplitMovingRows"/>).</summary>
    private readonly List<Input>[] _own = [[], [], [], []];
    /// <summary>Whether every customer in the database was written by this run (PostgreSQL; see <see cref="CheckExclusiveAsync"/>).</summary>
    private bool? _exclusive;
    private long _firstId;
    private SequenceValues _expected;
    private bool _analyzed;
    private bool? _skipForeignKeyChecks;
    /// <summary>While exclusive: identity resolution's keys of this run's customers, used under <see cref="_keysLock"/>.</summary>
    private readonly RunIdentityKeys _runKeys = new();
    /// <summary>Guards <see cref="_runKeys"/>: batches are planned ahead (<see cref="Prepare"/>) while the one before is written.</summary>
    private readonly Lock _keysLock = new();
    /// <summary>Bumped when the write path ends planning or forgets the keys: a batch planned ahead before that is not written as planned.</summary>
    private int _keysVersion;
    /// <summary>While planning ahead: the id the next batch's first new customer will get (ids run on from batch to batch while exclusive).</summary>
    private long? _nextId;
    /// <summary>The plans <see cref="Prepare"/> made, by batch, for <see cref="LoadAsync"/>.</summary>
    private readonly ConditionalWeakTable<IReadOnlyList<ImportRow>, PlannedAhead> _prepared = [];
    /// <summary>One COPY buffer per table (customer, source key, phone, e-mail, address), reused batch after batch.</summary>
    private readonly PgCopyBuffer[] _copy = [new(1 << 20), new(1 << 20), new(1 << 20), new(1 << 20), new(1 << 20)];
    /// <summary>The COPY buffers of the rows planned merges give a survivor (source key, phone, e-mail, address), made when first needed.</summary>
    private readonly PgCopyBuffer?[] _moving = new PgCopyBuffer?[4];
    /// <summary>
    /// While merges are planned in memory: the batch before's new customers' own phones, e-mails and addresses, written on a
    /// second connection after that batch committed (<see cref="WriteContactsAsync"/>) while this batch is written.
    /// </summary>
    private Task? _contacts;
    /// <summary>Whether contacts may go apart: PostgreSQL with a pool that gives the run a second connection beside the batch's.</summary>
    private readonly bool _twoConnections = context.Database.Provider == DatabaseProvider.Postgres
        && new NpgsqlConnectionStringBuilder(context.Database.ConnectionString) is var pool && (!pool.Pooling || pool.MaxPoolSize >= 2);
    /// <summary>The COPY buffers of those rows (phone, e-mail, address), two sets by turns: one is written while the next batch fills the other.</summary>
    private readonly PgCopyBuffer[][] _contactCopy = [[new(1 << 20), new(1 << 20), new(1 << 20)], [new(1 << 20), new(1 << 20), new(1 << 20)]];
    private int _contactTurn;

    private sealed class Input
    {
        public required ImportRow Row { get; init; }
        /// <summary>The id reserved for a new customer.</summary>
        public long Id { get; set; }
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
        /// <summary>PostgreSQL: the row's columns encoded for COPY while it is validated (<see cref="Encode"/>).</summary>
        public Encoded? Copy { get; set; }
        /// <summary>PostgreSQL: its keys for the run's identity keys, computed while it is validated.</summary>
        public IdentityKeys? Keys { get; set; }
        /// <summary>Planned in memory: the customer this new one is written merged into (<see cref="RunIdentityKeys"/>).</summary>
        public long? Survivor { get; set; }
        /// <summary>Whether its phone and e-mail go to <see cref="Survivor"/> (they stay when the survivor holds the same).</summary>
        public bool PhoneMoves { get; set; }
        public bool EmailMoves { get; set; }
    }

    /// <summary>
    /// A row's columns in PostgreSQL's binary COPY format, all but the ids and times the batch sets: the customer's
    /// from kind to preferred_contact_time, then the source key's, the phone's, the e-mail's and the address's
    /// fields after customer_id (the last three empty when the row has none). Segments end at the offsets given.
    /// </summary>
    private sealed record Encoded(byte[] Bytes, int CustomerEnd, int SourceKeyEnd, int PhoneEnd, int EmailEnd)
    {
        public ReadOnlySpan<byte> Customer => Bytes.AsSpan(0, CustomerEnd);
        public ReadOnlySpan<byte> SourceKey => Bytes.AsSpan(CustomerEnd, SourceKeyEnd - CustomerEnd);
        public ReadOnlySpan<byte> Phone => Bytes.AsSpan(SourceKeyEnd, PhoneEnd - SourceKeyEnd);
        public ReadOnlySpan<byte> Email => Bytes.AsSpan(PhoneEnd, EmailEnd - PhoneEnd);
        public ReadOnlySpan<byte> Address => Bytes.AsSpan(EmailEnd);
    }

    /// <summary>
    /// A batch's merges planned while it was prepared (<see cref="RunIdentityKeys.Plan"/>): for its <paramref name="Count"/>
    /// new customers with ids from <paramref name="FirstId"/>, on the keys of <paramref name="Version"/>. Merges is null
    /// when planning ended in this batch; the candidates then are for the statements.
    /// </summary>
    private sealed record PlannedAhead(long FirstId, int Count, int Version, List<MemoryMerge>? Merges, IdentityCandidates Candidates);

    [ThreadStatic]
    private static PgCopyBuffer? _scratch;

    private static readonly ParallelOptions PrepareParallelism = new() { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount - 1) };

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

    /// <summary>
    /// Validation, hashing, encryption and (PostgreSQL) the COPY encoding: CPU work per row, spread over all cores
    /// but one. It runs while the previous batch is written, and the database's backend, the import's
    /// bottleneck, needs a core meanwhile: on two cores a second worker here would compete with it.
    /// </summary>
    public void Prepare(IReadOnlyList<ImportRow> rows)
    {
        var today = DateOnly.FromDateTime(context.Clock.GetUtcNow().UtcDateTime);
        var encode = context.Database.Provider == DatabaseProvider.Postgres;
        Parallel.For(0, rows.Count, PrepareParallelism, i =>
        {
            if (!rows[i].HasErrors && Parse(rows[i], today) is { } input)
            {
                if (encode)
                {
                    input.Copy = Encode(input);
                    input.Keys = IdentityKeys.Of(input.RrnHash, input.Phone, input.Name, input.BirthDate, input.Email);
                }
                rows[i].Prepared = input;
            }
        });
        // In file order, after the rows before it (batches are prepared one after another). A million keys cost
        // 150 ms per batch of 20,000 here, off the path that writes.
        foreach (var row in rows)
        {
            if (row.Prepared is not Input input)
            {
                continue;
            }
            var key = SourceKeyHash(input.System, input.SourceId);
            if (_seen.TryGetValue(key, out var first))
            {
                row.Error("source_id", $"duplicate source_id in this file (first at line {first})");
                row.Prepared = null;
                continue;
            }
            _seen[key] = row.Line;
        }
        if (encode && _nextId is { } next)
        {
            using var _ = context.Timings.Measure("merge plan (background)");
            PlanAhead(rows, next);
        }
    }

    /// <summary>
    /// Sizes the run's source keys and, when merges are planned in memory (an empty database), its identity keys for
    /// the rows expected, with a twentieth to spare: at a million rows their growth alone allocated about 200 MB of
    /// large objects, each of which brought the next full collection nearer.
    /// </summary>
    public void Expect(long rows)
    {
        var capacity = (int)Math.Min(rows + rows / 20, MaxExpectedRows);
        _seen.EnsureCapacity(capacity);
        if (_nextId is not null)
        {
            lock (_keysLock)
            {
                _runKeys.Expect(capacity);
            }
        }
    }

    /// <summary>The most rows <see cref="Expect"/> sizes for: beyond, the collections grow as they fill.</summary>
    private const long MaxExpectedRows = 50_000_000;

    /// <summary>
    /// Looks up, before anything else, whether this run can plan its merges in memory (<see cref="RunIdentityKeys"/>): a
    /// PostgreSQL database without customers and without an undone merge, whose customer ids are given one by one. Then
    /// each batch's merges are planned while it is prepared (<see cref="PlanAhead"/>), with the ids it will get.
    /// </summary>
    public async Task StartAsync(CancellationToken ct)
    {
        if (context.Database.Provider != DatabaseProvider.Postgres)
        {
            return;
        }
        if (!context.Options.PlanMergesInMemory)
        {
            _runKeys.EndPlanning("switched off (Imports:PlanMergesInMemory)");
            return;
        }
        await using var connection = await context.Database.OpenConnectionAsync(ct);
        await using var cmd = ImportSql.Command(connection, null, """
            SELECT COALESCE(pg_sequence_last_value(s.seqrelid) + s.seqincrement, s.seqstart)
            FROM pg_sequence s
            WHERE s.seqrelid = pg_get_serial_sequence('customer', 'id')::regclass AND s.seqincrement = 1
              AND NOT EXISTS (SELECT 1 FROM customer) AND NOT EXISTS (SELECT 1 FROM identity_merge WHERE undone_at IS NOT NULL)
            """);
        _nextId = await cmd.ExecuteScalarAsync(ct) is long next ? next : null;
        if (_nextId is null)
        {
            // Planning needs the ids batches will get; the keys still find candidates while the run is the only writer.
            _runKeys.EndPlanning("the database holds customers or an undone merge, or its customer ids do not run one by one");
        }
    }

    /// <summary>
    /// Plans the batch's merges (<see cref="RunIdentityKeys.Plan"/>) with the ids its new customers will get, off the path
    /// that writes: <see cref="LoadAsync"/> writes it as planned if the ids reserved are these and the run is still the
    /// only writer. While exclusive every valid row is a new customer (the run wrote every source key, and Prepare
    /// refuses a key twice).
    /// </summary>
    private void PlanAhead(IReadOnlyList<ImportRow> rows, long next)
    {
        var written = new List<WrittenCustomer>(rows.Count);
        foreach (var row in rows)
        {
            if (row.Prepared is Input c)
            {
                c.Id = next + written.Count;
                written.Add(new WrittenCustomer(c.Id, c.RrnHash, c.Name, c.BirthDate, c.Phone, c.Email, c.Keys));
            }
        }
        lock (_keysLock)
        {
            if (!_runKeys.Planning)
            {
                _nextId = null;
                return;
            }
            var (merges, candidates) = _runKeys.Plan(written);
            _prepared.Add(rows, new PlannedAhead(next, written.Count, _keysVersion, merges, candidates));
        }
        _nextId = next + written.Count;
    }

    /// <summary>
    /// A 128-bit hash of a source key (system, then id, UTF-16, with the system's length so that no two keys run
    /// together). Two different keys of one file share it with a chance of about n²/2¹²⁹: 10⁻²⁷ for a million.
    /// </summary>
    private static UInt128 SourceKeyHash(string system, string sourceId)
    {
        var size = 4 + 2 * (system.Length + sourceId.Length);
        Span<byte> bytes = size <= 256 ? stackalloc byte[size] : new byte[size];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, system.Length);
        MemoryMarshal.AsBytes(system.AsSpan()).CopyTo(bytes[4..]);
        MemoryMarshal.AsBytes(sourceId.AsSpan()).CopyTo(bytes[(4 + 2 * system.Length)..]);
        return XxHash128.HashToUInt128(bytes);
    }

    /// <summary>The columns of the rows <see cref="EncodedCopy"/> writes for this input, in the order of the tables' columns.</summary>
    private static Encoded Encode(Input c)
    {
        var b = _scratch ??= new PgCopyBuffer(1024);
        b.Clear();
        b.Enum(c.Kind ?? CustomerKind.Individual).Text(c.Name).Enum(CustomerName.ScriptOf(c.Name)).Date(c.BirthDate)
            .Enum(c.Gender ?? Gender.Unknown).Text(c.RrnCipher).Text(c.RrnHash).Text(c.Rrn?.Masked).Text(c.BusinessNumber)
            .Text(c.Occupation).Enum(c.IncomeBand ?? IncomeBand.Unknown).Enum(c.MaritalStatus ?? MaritalStatus.Unknown)
            .Number(c.Children).Enum(c.PreferredChannel).Enum(c.PreferredContactTime ?? ContactTime.Any);
        var customerEnd = b.Length;
        b.Text(c.System).Text(c.SourceId);
        var sourceKeyEnd = b.Length;
        if (c.Phone is not null)
        {
            b.Enum(PhoneKindOf(c.Phone)).Text(c.Phone).Flag(true);
        }
        var phoneEnd = b.Length;
        if (c.Email is not null)
        {
            b.Text(c.Email).Flag(true);
        }
        var emailEnd = b.Length;
        if (c.HasAddress)
        {
            b.Enum(AddressKind.Home).Text(c.Sido ?? "").Text(c.Sigungu ?? "").Text(c.Address ?? "").Text(c.PostalCode).Flag(true);
        }
        return new Encoded(b.ToArray(), customerEnd, sourceKeyEnd, phoneEnd, emailEnd);
    }

    public async Task<BatchOutcome> LoadAsync(IReadOnlyList<ImportRow> rows, CancellationToken ct)
    {
        var timings = context.Timings;
        // Prepare left out rejected rows and repeated source keys.
        var valid = _valid;
        valid.Clear();
        foreach (var row in rows)
        {
            if (row.Prepared is Input input)
            {
                valid.Add(input);
            }
        }

        // While the batch's merges were planned in memory nothing it does reads contacts: the new customers' own phones,
        // e-mails and addresses go on a second connection once it has committed (WriteContactsAsync). Not in the first
        // batch: its ANALYZE should see them. Otherwise the batch before's must be in before anything looks, and the batch
        // takes the contacts' lock as every other writer does.
        _prepared.TryGetValue(rows, out var prepared);
        var contactsApart = prepared?.Merges is not null && _analyzed && _twoConnections;
        if (!contactsApart)
        {
            await WaitForContactsAsync(timings);
        }
        await using var writer = await BulkWriter.BeginAsync(context.Database, ct);
        var connection = writer.Connection;
        var tx = writer.Transaction;
        // A batch that was to write its contacts apart and cannot: the batch before's go in first, then it locks as others do.
        async Task KeepContactsTogetherAsync()
        {
            if (contactsApart)
            {
                contactsApart = false;
                await WaitForContactsAsync(timings);
                await ImportSql.ExecuteAsync(connection, tx, ImportSql.ContactsLockSql, ct);
            }
        }
        bool exclusive;
        if (connection is NpgsqlConnection backend)
        {
            timings.WatchBackend(backend);
        }
        using (timings.Measure("begin+lock"))
        {
            await BeginBatchAsync(connection, tx, contactsApart, ct);
            exclusive = await CheckExclusiveAsync(connection, tx, ct);
        }
        if (prepared is not null && (!exclusive || prepared.Version != Volatile.Read(ref _keysVersion)))
        {
            // Planned on keys that no longer hold (another writer, an undone merge): they carry its plan, so they go too.
            if (exclusive)
            {
                GiveUpExclusive();
                exclusive = false;
            }
            prepared = null;
            await KeepContactsTogetherAsync();
        }
        // Exclusive: every stored source key was written by this run, and _seen refuses a key twice.
        Dictionary<(string, string), long> existing = [];
        if (!exclusive)
        {
            using var _ = timings.Measure("source key lookup");
            existing = await LookupAsync(connection, tx, valid, ct);
        }

        var fresh = _fresh;
        fresh.Clear();
        var known = new List<(Input Input, long Id, bool First)>();
        foreach (var input in valid)
        {
            if (existing.Count > 0 && existing.TryGetValue((input.System, input.SourceId), out var id))
            {
                known.Add((input, id, !CreatedByThisRun(id) && _touched.Add(id)));
            }
            else
            {
                fresh.Add(input);
            }
        }

        var now = context.Clock.GetUtcNow().UtcDateTime;
        var (phones, emails, addresses) = (_phones, _emails, _addresses);
        phones.Clear();
        emails.Clear();
        addresses.Clear();
        // Contact rows of customers that existed before this batch, written apart (their parent is not ours).
        var knownPhones = new List<object?[]>();
        var knownEmails = new List<object?[]>();
        var knownAddresses = new List<object?[]>();
        var scope = _scope;
        scope.Clear();
        foreach (var c in fresh)
        {
            if (c.Phone is not null)
            {
                phones.Add(c);
            }
            if (c.Email is not null)
            {
                emails.Add(c);
            }
            if (c.HasAddress)
            {
                addresses.Add(c);
            }
        }
        // A batch planned ahead (PlanAhead) is written as planned when the run is still the only writer and the ids reserved
        // are those it was planned with; its rows' ids are reserved in the same round trip as the customers'.
        List<Input>[] ownRows = [fresh, phones, emails, addresses];
        List<Input>[] movingRows = [[], [], [], []];
        if (prepared?.Merges is { Count: > 0 } ahead)
        {
            (ownRows, movingRows) = SplitMovingRows(ahead, fresh, phones, emails, addresses);
        }
        long[] ids;
        long[][] movingIds = [[], [], [], []];
        // Phones written apart take their ids here, so that the phone sequence is where CheckExclusiveAsync expects it
        // when the next batch begins, whether or not the second connection has written them yet.
        long[] ownPhoneIds = [];
        using (timings.Measure("reserve ids"))
        {
            var anyMoving = movingRows.Any(m => m.Count > 0);
            List<(string, int)> wanted = [("customer", fresh.Count)];
            if (anyMoving)
            {
                wanted.AddRange(ChildTablesWithIds.Select((t, i) => (t.Name, movingRows[i].Count)));
            }
            if (contactsApart)
            {
                wanted.Add((PhoneTable.Name, ownRows[1].Count));
            }
            var reserved = await ImportSql.ReserveIdsAsync(connection, tx, [.. wanted], ct);
            ids = reserved[0];
            movingIds = anyMoving ? reserved[1..5] : movingIds;
            ownPhoneIds = contactsApart ? reserved[^1] : ownPhoneIds;
        }
        if (prepared is not null && !(ids.Length == prepared.Count && (ids.Length == 0 || ids[0] == prepared.FirstId && ids[^1] == prepared.FirstId + ids.Length - 1)))
        {
            // Someone else took customer ids since the check: resolve against the database from now on.
            timings.Note("merges planned in memory until this batch: another writer took customer ids");
            GiveUpExclusive();
            exclusive = false;
            prepared = null;
            await KeepContactsTogetherAsync();
            foreach (var c in fresh)
            {
                (c.Survivor, c.PhoneMoves, c.EmailMoves) = (null, false, false);
            }
            (ownRows, movingRows, movingIds) = ([fresh, phones, emails, addresses], [[], [], [], []], [[], [], [], []]);
        }
        for (var i = 0; i < fresh.Count; i++)
        {
            fresh[i].Id = ids[i];
            scope.Add(ids[i]);
        }
        RememberCreated(ids);

        var updated = 0;
        var unchanged = 0;
        var changedKnown = new List<long>();
        if (known.Count > 0)
        {
            using var _ = timings.Measure("compare+update known");
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
                changed |= await SyncContactsAsync(connection, tx, id, input, stored, knownPhones, knownEmails, knownAddresses, ct);
                if (changed)
                {
                    updated++;
                    scope.Add(id);
                    changedKnown.Add(id);
                }
                else
                {
                    unchanged++;
                }
            }
        }

        // Before the batch is written, so that the probe sees only customers this batch could merge with. While
        // exclusive the candidates come from memory alone: found while the batch was prepared when it was planned ahead,
        // otherwise while the database copies the batch.
        List<WrittenCustomer> Written() => [.. fresh.Select(c => new WrittenCustomer(c.Id, c.RrnHash, c.Name, c.BirthDate, c.Phone, c.Email, c.Keys))];
        Task<IdentityCandidates> findCandidates;
        var planned = prepared?.Merges;
        Dictionary<long, SortedDictionary<string, List<long>>>? moved = null;
        if (prepared is not null)
        {
            findCandidates = Task.FromResult(prepared.Candidates);
            if (planned is null)
            {
                timings.Note("merges planned in memory until this batch: " + _runKeys.PlanningEndedBecause);
            }
            else if (planned.Count > 0)
            {
                moved = ListMoves(movingRows, movingIds);
            }
        }
        else if (exclusive)
        {
            findCandidates = Task.Run(() =>
            {
                lock (_keysLock)
                {
                    return _runKeys.Find(Written());
                }
            }, ct);
        }
        else
        {
            using var _ = timings.Measure("identity candidates");
            findCandidates = Task.FromResult(await IdentityCandidates.FindAsync(connection, tx, Written(), ct));
        }

        // PostgreSQL: the rows of the source keys and contacts are laid out while the customers are copied, so that
        // the database does not wait for those bytes between the COPYs.
        BulkTable[] childTables = [SourceKeyTable, PhoneTable, EmailTable, AddressTable];
        EncodedFields[] childFields = [c => c.SourceKey, c => c.Phone, c => c.Email, c => c.Address];
        var contactSet = contactsApart ? _contactCopy[_contactTurn++ % 2] : null;
        var childRows = connection is NpgsqlConnection
            ? Task.Run(() =>
            {
                var copies = new List<(PgCopyBuffer, BulkTable)>(8);
                var apart = new List<(PgCopyBuffer, BulkTable)>(3);
                for (var t = 0; t < childTables.Length; t++)
                {
                    if (contactSet is not null && t > 0)
                    {
                        // The phones with the ids reserved for them.
                        var table = t == 1 ? ChildTablesWithIds[t] : childTables[t];
                        apart.Add((EncodedCopy(contactSet[t - 1], ownRows[t], table.Columns.Length, childFields[t], rowIds: t == 1 ? ownPhoneIds : null),
                            table));
                    }
                    else
                    {
                        copies.Add((EncodedCopy(_copy[1 + t], ownRows[t], childTables[t].Columns.Length, childFields[t]), childTables[t]));
                    }
                }
                for (var t = 0; t < childTables.Length; t++)
                {
                    if (movingRows[t].Count > 0)
                    {
                        _moving[t] ??= new PgCopyBuffer(1 << 16);
                        copies.Add((EncodedCopy(_moving[t]!, movingRows[t], ChildTablesWithIds[t].Columns.Length, childFields[t], rowIds: movingIds[t],
                            toSurvivor: true), ChildTablesWithIds[t]));
                    }
                }
                return (Copies: copies, Apart: apart);
            }, ct)
            : null;
        List<(PgCopyBuffer, BulkTable)> apart = [];
        using (timings.Measure("copy customer"))
        {
            if (connection is NpgsqlConnection pg)
            {
                await EncodedCopy(_copy[0], fresh, CustomerTable.Columns.Length, c => c.Customer, now).CopyAsync(pg, CustomerTable, ct);
            }
            else
            {
                await writer.WriteAsync(CustomerTable, fresh, (r, c) => r
                    .Id(c.Id).Enum(c.Kind ?? CustomerKind.Individual).Text(c.Name).Enum(CustomerName.ScriptOf(c.Name)).Date(c.BirthDate)
                    .Enum(c.Gender ?? Gender.Unknown).Text(c.RrnCipher).Text(c.RrnHash).Text(c.Rrn?.Masked).Text(c.BusinessNumber)
                    .Text(c.Occupation).Enum(c.IncomeBand ?? IncomeBand.Unknown).Enum(c.MaritalStatus ?? MaritalStatus.Unknown)
                    .Number(c.Children).Enum(c.PreferredChannel).Enum(c.PreferredContactTime ?? ContactTime.Any).Time(now).Time(now)
                    .Null().Number(0), ct);
            }
        }
        using (timings.Measure("copy source key+contacts"))
        {
            var skipChecks = fresh.Count > 0 && await CanSkipForeignKeyChecksAsync(connection, tx, ct);
            if (skipChecks)
            {
                await ImportSql.ExecuteAsync(connection, tx, "SET LOCAL session_replication_role = replica", ct);
            }
            if (connection is NpgsqlConnection pg)
            {
                var (copies, laidOut) = await childRows!;
                foreach (var (copy, table) in copies)
                {
                    await copy.CopyAsync(pg, table, ct);
                }
                apart = laidOut;
            }
            else
            {
                await writer.WriteAsync(SourceKeyTable, fresh, (r, c) => r.Id(c.Id).Text(c.System).Text(c.SourceId), ct);
                await writer.WriteAsync(PhoneTable, phones, (r, c) => r.Id(c.Id).Enum(PhoneKindOf(c.Phone!)).Text(c.Phone).Flag(true), ct);
                await writer.WriteAsync(EmailTable, emails, (r, c) => r.Id(c.Id).Text(c.Email).Flag(true), ct);
                await writer.WriteAsync(AddressTable, addresses, (r, c) => r
                    .Id(c.Id).Enum(AddressKind.Home).Text(c.Sido ?? "").Text(c.Sigungu ?? "").Text(c.Address ?? "").Text(c.PostalCode).Flag(true), ct);
            }
            if (skipChecks)
            {
                await ImportSql.ExecuteAsync(connection, tx, "SET LOCAL session_replication_role = origin", ct);
            }
        }
        await writer.WriteAsync(PhoneTable, knownPhones, ct);
        await writer.WriteAsync(EmailTable, knownEmails, ct);
        await writer.WriteAsync(AddressTable, knownAddresses, ct);
        if (!_analyzed && fresh.Count > 0)
        {
            using var _ = timings.Measure("analyze (once)");
            await AnalyzeIfNeverAsync(connection, tx, ct);
        }
        IdentityCandidates candidates;
        using (timings.Measure("identity candidates (wait)"))
        {
            candidates = await findCandidates;
        }
        candidates.SameRrn.AddRange(changedKnown);
        candidates.SameNameBirthDatePhone.AddRange(changedKnown);
        IReadOnlyList<PlannedMerge> merges;
        if (planned is not null)
        {
            using var _ = timings.Measure("merge: record (planned in memory)");
            List<PlannedMerge> plan = [.. planned.Select(m => new PlannedMerge(m.SurvivorId, m.MergedId, MergeRule.SameRrn))];
            if (plan.Count > 0)
            {
                await IdentityResolution.RecordPlannedAsync(connection, tx, plan, moved!, now, context.User, ct);
            }
            merges = plan;
        }
        else
        {
            using var _ = timings.Measure("identity resolution");
            merges = await context.Identity.ResolveBatchAsync(connection, tx, scope, candidates.SameRrn, candidates.SameNameBirthDatePhone, context.User, ct,
                timings, insertedHere: new HashSet<long>(ids));
        }
        if (exclusive)
        {
            if (planned is null)
            {
                // Planned merges are in the keys already.
                using var _ = timings.Measure("remember survivors");
                var keys = await RunIdentityKeys.SurvivorKeysAsync(connection, tx, merges, ct);
                lock (_keysLock)
                {
                    _runKeys.Remember(keys);
                }
            }
            _firstId = _firstId == 0 && ids.Length > 0 ? ids[0] : _firstId;
            _expected = new SequenceValues(
                ids.Length > 0 ? ids[^1] : _expected.Customer,
                Advance(_expected.Phone, phones.Count + knownPhones.Count),
                Advance(_expected.SourceKey, fresh.Count),
                Advance(_expected.Merge, merges.Count));
        }
        // The contacts' transaction takes its lock before the batch commits (once the batch before's contacts have
        // committed), so that no other writer comes between the batch and its contacts.
        BulkWriter? contacts = null;
        try
        {
            if (apart.Count > 0)
            {
                using var _ = timings.Measure("contacts apart: begin+lock");
                contacts = await BeginContactsAsync(ct);
                await WaitForContactsAsync(timings);
            }
            using (timings.Measure("commit"))
            {
                await writer.CommitAsync(ct);
            }
        }
        catch
        {
            if (contacts is not null)
            {
                await contacts.DisposeAsync();
            }
            throw;
        }
        if (contacts is not null)
        {
            // The buffers of the batch before's contacts are free for the next batch: those contacts have committed.
            // Started whatever the token says: the task owns the transaction begun for it and must end it.
            var started = contacts;
            _contacts = Task.Run(() => WriteContactsAsync(started, apart, ct), CancellationToken.None);
        }
        return new BatchOutcome(fresh.Count, updated, unchanged, merges.Count, planned?.Count ?? 0);
    }

    /// <summary>Waits for the contacts written apart (<see cref="WriteContactsAsync"/>), once every batch is written.</summary>
    public Task FinishAsync(CancellationToken ct) => WaitForContactsAsync(context.Timings);

    private async Task WaitForContactsAsync(ImportTimings timings)
    {
        if (_contacts is { } contacts)
        {
            _contacts = null;
            using var _ = timings.Measure("contacts apart (wait)");
            await contacts;
        }
    }

    /// <summary>
    /// The transaction of a batch's contacts written apart, holding the contacts' lock (<see cref="ImportSql.ContactsKey"/>):
    /// taken before the batch commits, it waits for the batch before's contacts to commit, and every other writer waits for
    /// it after taking the import lock.
    /// </summary>
    private async Task<BulkWriter> BeginContactsAsync(CancellationToken ct)
    {
        var writer = await BulkWriter.BeginAsync(context.Database, ct);
        try
        {
            await ImportSql.ExecuteAsync(writer.Connection, writer.Transaction,
                "SET LOCAL synchronous_commit = off; " + (_skipForeignKeyChecks == true ? "SET LOCAL session_replication_role = replica; " : "") + ImportSql.ContactsLockSql, ct);
            return writer;
        }
        catch
        {
            await writer.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Writes a committed batch's new customers' own phones, e-mails and addresses in the transaction begun for them
    /// (<see cref="BeginContactsAsync"/>), on a second connection, while the next batch is written: the database then has a
    /// core for each. Their customers are committed and never deleted, so the foreign-key checks are skipped as in the
    /// batch (<see cref="CanSkipForeignKeyChecksAsync"/>). A run stopped in between leaves those customers without their
    /// contacts; running the file again adds them, as it adds any contact a stored customer lacks.
    /// </summary>
    private static async Task WriteContactsAsync(BulkWriter writer, List<(PgCopyBuffer Rows, BulkTable Table)> copies, CancellationToken ct)
    {
        await using var _ = writer;
        var pg = (NpgsqlConnection)writer.Connection;
        foreach (var (rows, table) in copies)
        {
            await rows.CopyAsync(pg, table, ct);
        }
        await writer.CommitAsync(ct);
    }

    /// <summary>Adds a batch's new customers (ids ascending) to <see cref="_created"/>, extending the last range where they run on from it.</summary>
    private void RememberCreated(long[] ids)
    {
        foreach (var id in ids)
        {
            if (_created.Count == 0 || id > _created[^1].Last + 1)
            {
                _created.Add((id, id));
            }
            else if (id == _created[^1].Last + 1)
            {
                _created[^1] = (_created[^1].First, id);
            }
            else if (id < _created[^1].First)
            {
                // Below the ranges (a sequence set back): the set keeps it, which answers the same.
                _touched.Add(id);
            }
        }
    }

    private bool CreatedByThisRun(long id)
    {
        // Ranges ascend: the last one starting at or before the id is the only one that can hold it.
        int lo = 0, hi = _created.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_created[mid].First <= id)
            {
                if (id <= _created[mid].Last)
                {
                    return true;
                }
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return false;
    }

    /// <summary>
    /// The COPY rows of one table for new customers, from their pre-encoded columns: the customer id first, then
    /// the fragment <paramref name="fields"/> picks, and for customer rows (<paramref name="now"/> given) the
    /// times, merged_into_id and version (none and 0, or a planned merge's survivor and 1). Child rows given
    /// <paramref name="rowIds"/> start with their id; <paramref name="toSurvivor"/> for those planned merges give a survivor:
    /// the survivor's id then follows instead of their own customer's.
    /// Only bytes are copied here: the encoding ran with validation.
    /// </summary>
    private static PgCopyBuffer EncodedCopy(PgCopyBuffer rows, List<Input> inputs, int columns, EncodedFields fields, DateTime? now = null,
        long[]? rowIds = null, bool toSurvivor = false)
    {
        // Each table's buffer is reused batch after batch: the batch's COPY has ended before the next batch fills it.
        rows.Clear();
        for (var i = 0; i < inputs.Count; i++)
        {
            var c = inputs[i];
            rows.Row(columns);
            if (rowIds is not null)
            {
                rows.Id(rowIds[i]);
            }
            rows.Id(toSurvivor ? c.Survivor!.Value : c.Id).Append(fields(c.Copy!));
            if (now is { } time)
            {
                // Merged as IdentityResolution marks a merged customer: merged_into_id set, version 1.
                rows.Time(time).Time(time);
                if (c.Survivor is { } survivor)
                {
                    rows.Id(survivor).Number(1);
                }
                else
                {
                    rows.Null().Number(0);
                }
            }
        }
        return rows;
    }

    /// <summary>
    /// Marks the merged customers of <paramref name="planned"/> on their rows, and splits each child table's rows (source
    /// keys, phones, e-mails, addresses) into those that stay with their customer and those a merge gives its survivor.
    /// </summary>
    private (List<Input>[] Own, List<Input>[] Moving) SplitMovingRows(List<MemoryMerge> planned, List<Input> fresh,
        List<Input> phones, List<Input> emails, List<Input> addresses)
    {
        var byMerged = planned.ToDictionary(m => m.MergedId);
        foreach (var c in fresh)
        {
            if (byMerged.TryGetValue(c.Id, out var m))
            {
                c.Survivor = m.SurvivorId;
                c.PhoneMoves = m.PhoneMoves;
                c.EmailMoves = m.EmailMoves;
            }
        }
        Func<Input, bool>[] moves = [c => c.Survivor is not null, c => c.PhoneMoves, c => c.EmailMoves, c => c.Survivor is not null];
        List<Input>[] tables = [fresh, phones, emails, addresses];
        var own = _own;
        var moving = new List<Input>[tables.Length];
        for (var t = 0; t < tables.Length; t++)
        {
            own[t].Clear();
            moving[t] = [];
            foreach (var c in tables[t])
            {
                (moves[t](c) ? moving[t] : own[t]).Add(c);
            }
        }
        return (own, moving);
    }

    /// <summary>Per merged customer, the rows it gives its survivor ("table.customer_id" → row ids, as identity_merge.moved_json lists a merge's moves).</summary>
    private static Dictionary<long, SortedDictionary<string, List<long>>> ListMoves(List<Input>[] moving, long[][] ids)
    {
        var moved = new Dictionary<long, SortedDictionary<string, List<long>>>();
        for (var t = 0; t < moving.Length; t++)
        {
            var key = ChildTablesWithIds[t].Name + ".customer_id";
            for (var i = 0; i < moving[t].Count; i++)
            {
                var merged = moving[t][i].Id;
                if (!moved.TryGetValue(merged, out var rows))
                {
                    moved[merged] = rows = new SortedDictionary<string, List<long>>(StringComparer.Ordinal);
                }
                rows[key] = [ids[t][i]];
            }
        }
        return moved;
    }

    private delegate ReadOnlySpan<byte> EncodedFields(Encoded encoded);

    /// <summary>
    /// Whether the child rows of the customers this batch inserts may skip their foreign-key checks, which are
    /// half the cost of writing them (each is a row lock and a look-up on customer). The check cannot fail for
    /// them: their customer row is inserted earlier in the same transaction, under the import lock (or, for the contacts
    /// written apart, committed before), and customers are never deleted. Skipping is done with <c>session_replication_role = replica</c> for those
    /// COPYs only, so it needs the privilege to set it (superuser, or PostgreSQL 15's <c>GRANT SET ON
    /// PARAMETER</c>) and is refused when the four tables carry triggers of their own (those would be skipped
    /// too). Otherwise the checks simply run. Contact rows of customers that existed before are always checked.
    /// </summary>
    private async Task<bool> CanSkipForeignKeyChecksAsync(DbConnection connection, DbTransaction tx, CancellationToken ct)
    {
        if (_skipForeignKeyChecks is null)
        {
            if (!ImportSql.IsPostgres(connection))
            {
                _skipForeignKeyChecks = false;
                return false;
            }
            // has_parameter_privilege is new in PostgreSQL 15; before, only a superuser may set the parameter.
            var allowed = connection is NpgsqlConnection { PostgreSqlVersion.Major: >= 15 }
                ? "has_parameter_privilege('session_replication_role', 'SET')"
                : "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user)";
            await using var cmd = ImportSql.Command(connection, tx, $"""
                SELECT {allowed}
                   AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN (
                       'customer_source_key'::regclass, 'customer_phone'::regclass, 'customer_email'::regclass, 'customer_address'::regclass))
                """);
            _skipForeignKeyChecks = await cmd.ExecuteScalarAsync(ct) is true;
        }
        return _skipForeignKeyChecks.Value;
    }

    /// <summary>Last values of the identity sequences of customer, customer_phone, customer_source_key and identity_merge (null: never used).</summary>
    private readonly record struct SequenceValues(long? Customer, long? Phone, long? SourceKey, long? Merge);

    private static long? Advance(long? value, int count) => count == 0 ? value : (value ?? 0) + count;

    /// <summary>
    /// True when the database holds no customer but those this run wrote and nobody else has taken an id for
    /// a customer, phone, source key or merge since this run's last batch (the identity sequences are where
    /// this run left them: an insert by anyone else, even one not yet committed, moves them). Then the batch
    /// needs no source key look-up and no identity probe: both are answered from what the run remembers.
    /// This holds for a first import into an empty database, which is the big one. Once false it stays false
    /// for the run. PostgreSQL only; SQLite always looks up.
    /// </summary>
    private async Task<bool> CheckExclusiveAsync(DbConnection connection, DbTransaction tx, CancellationToken ct)
    {
        if (_exclusive == false || !ImportSql.IsPostgres(connection))
        {
            _exclusive = false;
            return false;
        }
        await using var cmd = ImportSql.Command(connection, tx, """
            SELECT (SELECT min(id) FROM customer),
                   pg_sequence_last_value(pg_get_serial_sequence('customer', 'id')::regclass),
                   pg_sequence_last_value(pg_get_serial_sequence('customer_phone', 'id')::regclass),
                   pg_sequence_last_value(pg_get_serial_sequence('customer_source_key', 'id')::regclass),
                   pg_sequence_last_value(pg_get_serial_sequence('identity_merge', 'id')::regclass),
                   EXISTS (SELECT 1 FROM identity_merge WHERE undone_at IS NOT NULL)
            """);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        long? Read(int i) => r.IsDBNull(i) ? null : r.GetInt64(i);
        var minId = Read(0);
        var now = new SequenceValues(Read(1), Read(2), Read(3), Read(4));
        if (r.GetBoolean(5))
        {
            // An undone pair is never merged again: that is the statements' to know (UndonePairsAsync), not the planner's.
            EndPlanningAhead("a merge was undone");
        }
        if (_exclusive is null)
        {
            _exclusive = minId is null;
            _expected = now;
        }
        else
        {
            _exclusive = now == _expected && (minId is null || _firstId != 0 && minId >= _firstId);
        }
        if (_exclusive == false)
        {
            GiveUpExclusive();
        }
        return _exclusive.Value;
    }

    /// <summary>Ends planning from the write path: a batch planned ahead on the keys as they were is then not written as planned.</summary>
    private void EndPlanningAhead(string reason)
    {
        lock (_keysLock)
        {
            if (_runKeys.Planning)
            {
                _runKeys.EndPlanning(reason);
                _keysVersion++;
            }
        }
    }

    /// <summary>The run no longer wrote every customer: it forgets its keys and resolves against the database from now on.</summary>
    private void GiveUpExclusive()
    {
        _exclusive = false;
        lock (_keysLock)
        {
            _runKeys.Clear();
            _keysVersion++;
        }
    }

    /// <summary>
    /// A table that was never analysed (a new database) has no statistics, and the planner then prefers the
    /// merged_into_id index for identity resolution's look-ups, a scan of every customer per candidate, and
    /// scans of the contact tables to move a merged customer's rows. One ANALYZE after the first batch fixes
    /// the plans for the whole run; autovacuum keeps them right afterwards.
    /// </summary>
    private async Task AnalyzeIfNeverAsync(DbConnection connection, DbTransaction tx, CancellationToken ct)
    {
        _analyzed = true;
        if (!ImportSql.IsPostgres(connection))
        {
            return;
        }
        await using var cmd = ImportSql.Command(connection, tx, "SELECT reltuples < 0 FROM pg_class WHERE oid = 'customer'::regclass");
        if (await cmd.ExecuteScalarAsync(ct) is true)
        {
            await ImportSql.ExecuteAsync(connection, tx, "ANALYZE customer, customer_phone, customer_email, customer_address, customer_source_key", ct);
        }
    }

    /// <summary>
    /// Opens the batch's transaction for bulk work: takes the import lock (and the contacts' lock, see
    /// <see cref="BeginContactsAsync"/>), and on PostgreSQL does not wait for
    /// the commit's WAL flush. That is safe here: a crash can lose only the last committed batches, and
    /// running the file again loads them (it is idempotent); nothing else depends on them being durable.
    /// JIT is off for the batch: its statements touch a batch's worth of rows through indexes, and when the
    /// estimates of a table still being loaded run high, JIT compiled one of them for up to 2 s per batch.
    /// </summary>
    private static async Task BeginBatchAsync(DbConnection connection, DbTransaction tx, bool contactsApart, CancellationToken ct)
    {
        if (ImportSql.IsPostgres(connection))
        {
            // One round trip; the same locks as ImportSql.LockAsync, but the contacts' for a batch that writes them apart
            // (its own contacts of the batch before may hold it).
            await ImportSql.ExecuteAsync(connection, tx, "SET LOCAL synchronous_commit = off; SET LOCAL jit = off; "
                + (contactsApart ? ImportSql.ImportLockSql : ImportSql.LockSql), ct);
            return;
        }
        await ImportSql.LockAsync(connection, tx, ct);
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
                var conflict = parsed.Value.ConflictWith(birth, gender);
                if ((conflict & RrnConflict.BirthDate) != 0)
                {
                    row.Error("birth_date", "does not match the birth date in the RRN");
                }
                if ((conflict & RrnConflict.Gender) != 0)
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
            business = AsciiDigits.Of(business);
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
            Address = row.Text("address", 200, multiline: true),
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
        ImportSql.Add(cmd, "script", CustomerName.ScriptOf(s.Name));
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
}
