using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.CustomerView;
using InsureCrm.Core.Security;
using InsureCrm.Core.Voc;
using InsureCrm.Tests.Customers;
using InsureCrm.Tests.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Tests.Voc;

/// <summary>
/// A VOC handler's customers: those of the cases routed to them until each is closed, through the scope every customer
/// service applies (the list, the gate of the customer page), not another handler's, and none for a handler without cases.
/// </summary>
public sealed class VocHandlerReachTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Scope_VocHandler_ReachesTheCustomersOfTheirCasesUntilEachIsClosed(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var w = await CustomerScopeTests.World.SeedAsync(db);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var mine = await kit.UserAsync("voc-kim", Role.VocHandler);
        var theirs = await kit.UserAsync("voc-lee", Role.VocHandler);
        var idle = await kit.UserAsync("voc-park", Role.VocHandler);
        void Case(long? customerId, CrmUser owner, VocState state) =>
            ctx.VocCases.Add(new VocCase
            {
                Number = "VOC-2027-" + Guid.NewGuid().ToString("N")[..6], Channel = VocChannel.CallCenter, Severity = VocSeverity.Normal,
                Text = "보험금 청구 후 연락이 없습니다.", State = state, CustomerId = customerId, OwnerUserId = owner.UserId,
                ReceivedAt = VocKit.Start.UtcDateTime, CreatedBy = "test",
            });
        Case(w.Family.HongId, mine, VocState.InProgress);
        Case(w.OtherId, mine, VocState.Resolved);
        Case(w.BorrowerId, mine, VocState.Closed);
        Case(null, mine, VocState.Received);
        Case(w.StrangerId, theirs, VocState.Assigned);
        await ctx.SaveChangesAsync();

        var log = CoreServices.Log(db);
        var scope = new CustomerScope(ctx, log, [new VocHandlerReach()]);
        async Task<long[]> Reach(CrmUser user) =>
            [.. (await scope.Filter(ctx.Customers.AsNoTracking().Where(c => c.MergedIntoId == null), user).Select(c => c.Id).ToListAsync()).Order()];

        // A resolved case keeps its customer (the call back); a closed one does not; a case of an unknown customer adds none.
        (await Reach(mine)).ShouldBe([.. new[] { w.Family.HongId, w.OtherId }.Order()]);
        (await Reach(theirs)).ShouldBe([w.StrangerId]);
        (await Reach(idle)).ShouldBeEmpty();

        // The customer page's gate (its cached SQL, bound per user) says the same.
        var views = new CustomerViewService(ctx, scope, log);
        (await views.GetAsync(mine, w.Family.HongId)).Found.ShouldBeTrue();
        (await views.GetAsync(mine, w.StrangerId)).Reach.ShouldBe(Core.Customers.Reach.NotFound);
        (await views.GetAsync(mine, w.BorrowerId)).Reach.ShouldBe(Core.Customers.Reach.NotFound);
        (await views.GetAsync(theirs, w.StrangerId)).Found.ShouldBeTrue();
        (await views.GetAsync(idle, w.Family.HongId)).Reach.ShouldBe(Core.Customers.Reach.NotFound);

        // Closing the case takes the customer out of reach at once.
        var open = await ctx.VocCases.SingleAsync(c => c.CustomerId == w.Family.HongId);
        open.State = VocState.Closed;
        await ctx.SaveChangesAsync();
        (await views.GetAsync(mine, w.Family.HongId)).Reach.ShouldBe(Core.Customers.Reach.NotFound);
        (await Reach(mine)).ShouldBe([w.OtherId]);
    }
}
