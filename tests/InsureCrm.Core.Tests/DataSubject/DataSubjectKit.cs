using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Privacy;
using InsureCrm.Core.Security;
using InsureCrm.Tests;
using InsureCrm.Tests.Customers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace InsureCrm.Core.Tests.DataSubject;

/// <summary>A clock the test moves.</summary>
internal sealed class MovableClock(DateTime utc) : TimeProvider
{
    public DateTime Now { get; set; } = utc;
    public override DateTimeOffset GetUtcNow() => new(Now, TimeSpan.Zero);
}

internal sealed class TestUser(CrmUser? user) : ICurrentUser
{
    public CrmUser? User { get; set; } = user;
}

/// <summary>The data-subject services over one test database, acting as <see cref="Current"/>, with the real access log.</summary>
internal sealed class DataSubjectKit : IAsyncDisposable
{
    public static readonly CrmUser Compliance = new(9001, "compliance", Role.Compliance, null, null, null, "10.0.0.9");

    private readonly List<CrmDbContext> _contexts = [];

    public DataSubjectKit(TestDatabase database, CrmUser? user = null)
    {
        Database = database;
        Current = new TestUser(user ?? Compliance);
        Log = InsureCrm.Tests.Security.CoreServices.Log(database, Clock);
    }

    public TestDatabase Database { get; }
    public MovableClock Clock { get; } = new(CustomerSeed.Now);
    public FieldProtector Protector { get; } = CustomerSeed.Protector();
    public TestUser Current { get; }
    public AccessLog Log { get; }
    public int RetentionYears { get; set; } = 5;

    public CrmDbContext Context()
    {
        var db = Database.CreateContext();
        _contexts.Add(db);
        return db;
    }

    public DataSubjectRights Rights()
    {
        var db = Context();
        var consents = new ConsentService(db, new ContactPolicy(TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul")), Protector, Clock, new CustomerScope(db), Log);
        return new(db, Protector, Current, Log, Clock, Options.Create(new PrivacyOptions { RetentionYears = RetentionYears }), consents);
    }

    public DataSubjectPurge Purge() => new(Context(), Log, Clock, NullLogger<DataSubjectPurge>.Instance);

    public CustomerIdentifiers Identifiers() => new(Context(), Protector, Clock);

    public async Task<IReadOnlyList<long>> SearchIdsAsync(string query, SearchKind kind)
    {
        var db = Context();
        var page = await new CustomerSearch(db, Protector, new CustomerScope(db), Log).SearchAsync(Compliance, query, kind);
        return [.. page!.Items.Select(i => i.Id)];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var db in _contexts)
        {
            await db.DisposeAsync();
        }
    }
}
