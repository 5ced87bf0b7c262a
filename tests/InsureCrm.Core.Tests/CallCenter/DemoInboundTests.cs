using InsureCrm.Core.CallCenter;
using InsureCrm.Core.CallCenter.Inbound;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Core.Worklists;
using InsureCrm.Tests.Customers;
using InsureCrm.Tests.Security;
using InsureCrm.Tests.Worklists;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace InsureCrm.Tests.CallCenter;

/// <summary>The demo's inbound calls at start-up: the demo call center login has logged calls and callbacks due today, once.</summary>
public sealed class DemoInboundTests
{
    /// <summary>Tuesday 2026-03-10, 10:00 in Seoul.</summary>
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 1, 0, 0, TimeSpan.Zero);

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task EnsureAsync_GivesTheCallCenterLoginLoggedCallsAndCallbacksDue_Once(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var user = await TestUsers.AddAsync(db, DemoInbound.User, Role.CallCenter);
        await using (var seed = db.CreateContext())
        {
            var branch = await WorklistKit.BranchAsync(seed, "B01", "강남지점");
            var agent = await WorklistKit.AgentAsync(seed, branch, "FC01", "가나다");
            var product = new Product { Code = "P-H", Name = "건강보험", Line = ProductLine.Life, Family = ProductFamily.Health };
            seed.Products.Add(product);
            await seed.SaveChangesAsync();
            for (var i = 0; i < 6; i++)
            {
                var c = await WorklistKit.CustomerAsync(seed, "고객" + i, "0105550000" + i);
                seed.Contracts.Add(new Contract
                {
                    ContractNumber = "K" + i, ProductId = product.Id, CustomerId = c.Id, SumAssured = 10_000_000, Premium = 30_000, PaymentMode = PaymentMode.Monthly,
                    PaymentMethod = PaymentMethod.AutoDebit, IssueDate = new(2025, 4, 1), ServicingAgentId = agent.Id, Channel = SalesChannel.Fc,
                    Status = ContractStatus.InForce, StatusDate = new(2025, 4, 1),
                });
            }
            await seed.SaveChangesAsync();
        }

        int made, again;
        IReadOnlyList<CallbackView>? due;
        await using (var ctx = db.CreateContext())
        {
            var clock = new FixedClock(Now);
            var log = CoreServices.Log(db, clock);
            var policy = new ContactPolicy(TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul"));
            var consents = new ConsentService(ctx, policy, CustomerSeed.Protector(), clock, new CustomerScope(ctx), log);
            var contacts = new InboundContacts(ctx, new CustomerScope(ctx, log), log, consents, new Referrals(ctx, new WorklistOptions(), policy, clock), clock);
            var callbacks = new Callbacks(ctx, new CustomerScope(ctx, log), log,
                new CallPlanner(consents, policy, new KoreanBusinessCalendar(new BusinessCalendarOptions())), policy, new KoreanBusinessCalendar(new BusinessCalendarOptions()), clock);
            var demo = new DemoInbound(ctx, contacts, callbacks, clock, NullLogger<DemoInbound>.Instance);
            made = await demo.EnsureAsync(CancellationToken.None);
            again = await demo.EnsureAsync(CancellationToken.None);
            due = await callbacks.ListAsync(user, dueOnly: true);
        }

        made.ShouldBe(3);
        again.ShouldBe(0, "a second start finds the calls and makes none");
        await using var read = db.CreateContext();
        (await read.InboundContacts.CountAsync()).ShouldBe(3);
        (await read.InboundContacts.CountAsync(c => c.VocRequested)).ShouldBe(1);
        (await read.Callbacks.CountAsync()).ShouldBe(3);
        due.ShouldNotBeNull();
        due.Count.ShouldBe(2, "the overdue one and the one later today");
        due.Count(c => c.Overdue(Now)).ShouldBe(1);
    }
}
