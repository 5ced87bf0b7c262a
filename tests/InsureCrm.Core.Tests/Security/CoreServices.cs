using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Execution;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.CustomerView;
using InsureCrm.Core.Security;
using InsureCrm.Core.Worklists.AgentDay;
using InsureCrm.Tests.Customers;

namespace InsureCrm.Tests.Security;

/// <summary>The customer services wired as AddCrmCore wires them, over a test's own database.</summary>
public static class CoreServices
{
    /// <summary>A call center user reaches every customer (opening one takes a reason: <see cref="Reason"/>).</summary>
    public static readonly CrmUser CallCenter = TestUsers.Transient(Role.CallCenter, name: "callcenter");

    public const string Reason = AccessReason.Inquiry;

    /// <summary>The access log with the key of the database's key file, as the web host and the CLI of that database have it.</summary>
    public static AccessLog Log(TestDatabase db, TimeProvider? clock = null, AccessLogOptions? options = null) =>
        new(db.Database, clock ?? TimeProvider.System, options ?? new AccessLogOptions(), AccessLogKey.From(new ProtectionOptions { KeyFile = db.KeyFile }));

    public static CustomerSearch Search(CrmDbContext ctx, FieldProtector protector, TestDatabase db)
    {
        var log = Log(db);
        return new(ctx, protector, new CustomerScope(ctx, log), log);
    }

    public static CustomerViewService Views(CrmDbContext ctx, TestDatabase db)
    {
        var log = Log(db);
        return new(ctx, new CustomerScope(ctx, log), log);
    }

    public static CustomerEdit Edit(CrmDbContext ctx, TimeProvider clock, TestDatabase db)
    {
        var log = Log(db, clock);
        return new(ctx, clock, new CustomerScope(ctx, log), log);
    }

    /// <summary>The agent's day as the host wires it (the Seoul contact policy, consents, campaign lists, the access log), at a fixed instant.</summary>
    internal static AgentDayService AgentDay(CrmDbContext ctx, TestDatabase db, DateTimeOffset now, IEnumerable<IWorkResultListener>? listeners = null)
    {
        var clock = new FixedClock(now);
        var log = Log(db, clock);
        var policy = new ContactPolicy(TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul"));
        var consents = new ConsentService(ctx, policy, CustomerSeed.Protector(), clock, new CustomerScope(ctx), log);
        return new AgentDayService(ctx, consents, policy, new CampaignWorkLists(ctx, consents, log, new CampaignsOptions(), clock), log, clock, listeners ?? []);
    }

    /// <summary>The family's agent (selling and servicing agent of 홍길동's contract).</summary>
    public static CrmUser AgentOf(SeededFamily family) => TestUsers.Transient(Role.Agent, family.AgentId, family.BranchId, "agent");
}

/// <summary>A clock that always reads the same instant.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
