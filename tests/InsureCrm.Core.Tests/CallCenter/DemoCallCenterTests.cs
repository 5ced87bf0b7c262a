using InsureCrm.Core.CallCenter;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Core.Synthetic;
using InsureCrm.Core.Value;
using InsureCrm.Tests.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace InsureCrm.Tests.CallCenter;

/// <summary>
/// The demo's call center at start-up: on a generated insurer with the demo logins, the queues are built and the demo
/// consultant ("callcenter") holds items, some worked (happy calls completed, calls not answered, a call-back); a second start
/// works nothing more.
/// </summary>
public sealed class DemoCallCenterTests(ITestOutputHelper output)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task EnsureAsync_GeneratedInsurer_ConsultantGetsWorkedAndOpenItems_Once(DatabaseProvider provider)
    {
        var asOf = CallCenterKit.Today;
        await using var db = await TestDatabase.CreateAsync(provider);
        var insurer = new SyntheticInsurer(db.Database, CustomerSeed.Protector(), TimeProvider.System, NullLogger<SyntheticInsurer>.Instance);
        await insurer.GenerateAsync(new GenerationOptions(2500, 7, null, asOf, ChunkSize: 1000), null, CancellationToken.None);
        await new ValueRunner(db.Database, Options.Create(new ValueOptions { ChunkSize = 1000 }), TimeProvider.System, NullLogger<ValueRunner>.Instance)
            .RunAsync(asOf);
        await using var ctx = db.CreateContext();
        await new DemoUsers(ctx, TimeProvider.System).EnsureAsync();
        DemoCallCenter Demo() => new(db.Database, CallCenterKit.Build(ctx, db), CallCenterKit.Queues(ctx, db), NullLogger<DemoCallCenter>.Instance);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var made = await Demo().EnsureAsync(asOf, CancellationToken.None);
        output.WriteLine($"{made} items queued in {clock.ElapsedMilliseconds} ms");
        var again = await Demo().EnsureAsync(asOf, CancellationToken.None);

        made.ShouldBeGreaterThan(0);
        again.ShouldBe(0);
        var consultant = await ctx.Users.AsNoTracking().SingleAsync(u => u.UserName == "callcenter");
        var items = await ctx.CallQueueItems.AsNoTracking().Where(i => i.AssignedUserId == consultant.Id).ToListAsync();
        items.ShouldContain(i => i.Kind == QueueKind.HappyCall && i.State == QueueItemState.Done, "happy calls completed");
        items.ShouldContain(i => i.State == QueueItemState.Open, "items left to call");
        var attempts = await ctx.CallAttempts.AsNoTracking().ToListAsync();
        attempts.Count(a => a.Outcome == CallOutcomeCode.Completed).ShouldBeGreaterThanOrEqualTo(1);
        attempts.ShouldAllBe(a => a.UserId == consultant.Id);
        (await ctx.CallQueueItems.CountAsync(i => i.Kind == QueueKind.HappyCall)).ShouldBeGreaterThan(0, "the generator issues contracts up to the demo's date");
        var colleagues = await ctx.Users.AsNoTracking().Where(u => u.UserName == "callcenter2" || u.UserName == "callcenter3").Select(u => u.Id).ToListAsync();
        colleagues.Count.ShouldBe(2, "the demo consultant has two colleagues for the supervisor to reassign to");
        foreach (var colleague in colleagues)
        {
            (await ctx.CallQueueItems.CountAsync(i => i.AssignedUserId == colleague)).ShouldBeGreaterThan(0, "the distribution spreads the queues by skill and load");
        }
    }
}
