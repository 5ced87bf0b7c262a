using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using InsureCrm.Core.Synthetic;
using InsureCrm.Core.Value;
using InsureCrm.Tests;
using InsureCrm.Tests.Customers;
using InsureCrm.Tests.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace InsureCrm.Core.Tests.Value;

public sealed class SegmentAnalyticsTests
{
    private static readonly DateOnly AsOf = new(2025, 6, 30);

    private static async Task GenerateAsync(TestDatabase db)
    {
        var insurer = new SyntheticInsurer(db.Database, CustomerSeed.Protector(), TimeProvider.System, NullLogger<SyntheticInsurer>.Instance);
        await insurer.GenerateAsync(new GenerationOptions(300, 23, null, AsOf, ChunkSize: 400), null, CancellationToken.None);
    }

    private static Task<ValueRunSummary> ValueAsync(TestDatabase db, DateOnly asOf) =>
        new ValueRunner(db.Database, Options.Create(new ValueOptions { ChunkSize = 300 }), TimeProvider.System, NullLogger<ValueRunner>.Instance)
            .RunAsync(asOf, CancellationToken.None);

    private static async Task<long> ChainAsync(TestDatabase db, DateOnly asOf)
    {
        var value = await ValueAsync(db, asOf);
        await new LifecycleRunner(db.Database, new LifecycleOptions { ChunkSize = 300 }, NullLogger<LifecycleRunner>.Instance)
            .RunAsync(asOf, CancellationToken.None, value.RunId);
        await new SegmentRunner(db.Database, new SegmentOptions { ChunkSize = 250, SampleSize = 500 }, new StrategyOptions(), NullLogger<SegmentRunner>.Instance)
            .RunAsync(value.RunId, asOf, CancellationToken.None);
        return value.RunId;
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task OverviewAndMigration_NewestValueRunNotYetSegmented_UseTheSegmentedRunsOnly(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await GenerateAsync(db);
        var segmented = await ChainAsync(db, AsOf);
        // A newer value run whose segment step has not run (yet, or failed): it has no profiles and is not offered.
        var unsegmented = (await ValueAsync(db, AsOf.AddMonths(3))).RunId;
        await using var ctx = db.CreateContext();
        var analytics = new SegmentAnalytics(ctx, new CustomerScope(ctx), CoreServices.Log(db));

        var runs = await analytics.RunsAsync();
        var overview = await analytics.OverviewAsync();
        var migration = await analytics.MigrationAsync();

        runs.Select(r => r.RunId).ShouldBe([segmented]);
        (await analytics.OverviewAsync(unsegmented)).ShouldBeNull();
        overview.ShouldNotBeNull();
        overview.Run.RunId.ShouldBe(segmented);
        var stored = await ctx.Set<CustomerSegment>().AsNoTracking().Where(s => s.RunId == segmented).ToListAsync();
        overview.Customers.ShouldBe(stored.Count);
        overview.Cells.Values.Sum(c => c.Customers).ShouldBe(stored.Count);
        overview.Cells.Values.Sum(c => c.ValueShare).ShouldBe(1m, 0.000001m);
        overview.Groups.Sum(g => g.Slice.Customers).ShouldBe(stored.Count);
        foreach (var cell in Enum.GetValues<SegmentCell>())
        {
            foreach (var strategy in Enum.GetValues<Strategy>())
            {
                overview.Cells[cell].StrategyMix[strategy].ShouldBe(stored.Count(s => s.GridCell == cell && s.Strategy == strategy));
            }
        }
        var totals = await ctx.Set<CustomerValue>().AsNoTracking().Where(v => v.RunId == segmented).ToDictionaryAsync(v => v.CustomerId, v => v.TotalValue);
        foreach (var g in overview.Groups)
        {
            g.Slice.Total.ShouldBe(stored.Where(s => s.NeedsGroup == g.Group).Sum(s => totals[s.CustomerId]));
        }
        migration.To!.RunId.ShouldBe(segmented);
        migration.From.ShouldBeNull();
        migration.Matrix.ShouldBeNull();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task MembersAsync_MalformedSelectionOrRoleWithoutAnalytics_ReturnsNullAndLogsNothing(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await GenerateAsync(db);
        var run = await ChainAsync(db, AsOf);
        await using var ctx = db.CreateContext();
        var analytics = new SegmentAnalytics(ctx, new CustomerScope(ctx), CoreServices.Log(db));
        var analyst = TestUsers.Transient(Role.Analyst, name: "analyst");

        (await analytics.MembersAsync(analyst, new SegmentSelection(run), null)).ShouldBeNull();
        (await analytics.MembersAsync(analyst, new SegmentSelection(run, Cell: SegmentCell.Retain, Group: 1), null)).ShouldBeNull();
        (await analytics.MembersAsync(analyst, new SegmentSelection(run, Cell: SegmentCell.Retain, FromRunId: run, FromCell: SegmentCell.Monitor), null)).ShouldBeNull();
        (await analytics.MembersAsync(analyst, new SegmentSelection(run + 99, Cell: SegmentCell.Retain), null)).ShouldBeNull();
        (await analytics.MembersAsync(TestUsers.Transient(Role.Agent, 1, 1, "agent"), new SegmentSelection(run, Cell: SegmentCell.Retain), null)).ShouldBeNull();
        (await ctx.AccessLog.CountAsync()).ShouldBe(0);

        var page = await analytics.MembersAsync(analyst, new SegmentSelection(run, Cell: SegmentCell.Retain), null);
        page.ShouldNotBeNull();
        page.Rows.ShouldNotBeEmpty();
        page.Rows.ShouldAllBe(r => r.Cell == SegmentCell.Retain);
        (await ctx.AccessLog.CountAsync(e => e.Detail == $"analytics segment cell Retain run {run}")).ShouldBe(page.Rows.Count);
    }
}
