using InsureCrm.Core.Agents;
using InsureCrm.Core.CallCenter;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Execution;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Tests.Customers;
using InsureCrm.Tests.Security;
using Microsoft.Extensions.Logging.Abstractions;

namespace InsureCrm.Tests.CallCenter;

/// <summary>Hand-built call-center pieces: the services as the host wires them, consultants, contracts and items. Fictional people.</summary>
internal static class CallCenterKit
{
    /// <summary>2026-03-10 10:00 in Seoul (a Tuesday).</summary>
    public static readonly DateTimeOffset Now = new(2026, 3, 10, 1, 0, 0, TimeSpan.Zero);
    public static readonly DateOnly Today = new(2026, 3, 10);

    public static ContactPolicy Policy() => new(TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul"));

    public static ConsentService Consents(CrmDbContext ctx, TestDatabase db, TimeProvider clock) =>
        new(ctx, Policy(), CustomerSeed.Protector(), clock, new CustomerScope(ctx), CoreServices.Log(db, clock));

    public static CallCenterQueueBuild Build(CrmDbContext ctx, TestDatabase db, CallCenterOptions? options = null) =>
        new(db.Database, options ?? new CallCenterOptions(), Consents(ctx, db, new FixedClock(Now)), Policy(),
            new CampaignWorkLists(ctx, Consents(ctx, db, new FixedClock(Now)), CoreServices.Log(db), new CampaignsOptions(), new FixedClock(Now)),
            new KoreanBusinessCalendar(new BusinessCalendarOptions()), new FixedClock(Now), NullLogger<CallCenterQueueBuild>.Instance);

    public static CallQueues Queues(CrmDbContext ctx, TestDatabase db, DateTimeOffset? now = null, CallCenterOptions? options = null)
    {
        var clock = new FixedClock(now ?? Now);
        var log = CoreServices.Log(db, clock);
        var consents = Consents(ctx, db, clock);
        return new CallQueues(ctx, options ?? new CallCenterOptions(), Policy(), consents,
            new CallPlanner(consents, Policy(), new KoreanBusinessCalendar(new BusinessCalendarOptions())),
            new CampaignWorkLists(ctx, consents, log, new CampaignsOptions(), clock), log, clock, NullLogger<CallQueues>.Instance);
    }

    public static async Task<CrmUser> UserAsync(CrmDbContext ctx, string userName, Role role = Role.CallCenter, long? branchId = null)
    {
        var u = new AppUser
        {
            UserName = userName, NormalizedUserName = AppUser.Normalize(userName), DisplayName = userName, Role = role, BranchId = branchId,
            CreatedAt = Now.UtcDateTime, SecurityStamp = AppUser.NewStamp(), ConcurrencyStamp = AppUser.NewStamp(),
        };
        ctx.Users.Add(u);
        await ctx.SaveChangesAsync();
        return new CrmUser(u.Id, userName, role, null, branchId, null, "test");
    }

    public static async Task<Product> ProductAsync(CrmDbContext ctx, string name = "무배당 종신보험")
    {
        var p = new Product { Code = "P-" + Guid.NewGuid().ToString("N")[..6], Name = name, Line = ProductLine.Life, Family = ProductFamily.WholeLife };
        ctx.Products.Add(p);
        await ctx.SaveChangesAsync();
        return p;
    }

    public static async Task<Contract> ContractAsync(CrmDbContext ctx, Product p, long customerId, Agent agent, DateOnly issued,
        ContractStatus status = ContractStatus.InForce)
    {
        var k = new Contract
        {
            ContractNumber = "K" + Guid.NewGuid().ToString("N")[..8], ProductId = p.Id, CustomerId = customerId, SumAssured = 10_000_000, Premium = 50_000,
            PaymentMode = PaymentMode.Monthly, PaymentMethod = PaymentMethod.AutoDebit, IssueDate = issued, SellingAgentId = agent.Id,
            ServicingAgentId = agent.Id, Channel = SalesChannel.Fc, Status = status, StatusDate = issued,
        };
        ctx.Contracts.Add(k);
        await ctx.SaveChangesAsync();
        return k;
    }

    public static void GrantPhone(CrmDbContext ctx, long customerId) => ctx.MarketingConsents.Add(new MarketingConsent
    {
        CustomerId = customerId, Channel = ContactChannel.Phone, Granted = true, Source = "branch", RecordedAt = Now.UtcDateTime.AddDays(-60),
        EffectiveFrom = Today.AddDays(-60),
    });

    /// <summary>An open item assigned to <paramref name="user"/>, callable now.</summary>
    public static async Task<CallQueueItem> ItemAsync(CrmDbContext ctx, long customerId, CrmUser? user, QueueKind kind = QueueKind.Interest,
        long? contractId = null, DateOnly? dueOn = null)
    {
        var item = new CallQueueItem
        {
            CustomerId = customerId, Kind = kind, ContractId = contractId, EnteredOn = Today, DueOn = dueOn ?? Today.AddDays(7),
            AssignedUserId = user?.UserId, AssignedOn = user is null ? null : Today, State = QueueItemState.Open,
            NextAttemptAt = Now.UtcDateTime.AddHours(-1),
        };
        ctx.CallQueueItems.Add(item);
        await ctx.SaveChangesAsync();
        return item;
    }
}
