using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Core.Synthetic;
using InsureCrm.Core.Value;
using InsureCrm.Tests;
using InsureCrm.Tests.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace InsureCrm.Core.Tests.Value;

public sealed class SegmentRunnerTests
{
    private static readonly DateOnly AsOf = new(2025, 6, 30);

    private static readonly FieldProtector Protector = CustomerSeed.Protector();

    private static async Task GenerateAsync(TestDatabase db)
    {
        var insurer = new SyntheticInsurer(db.Database, Protector, TimeProvider.System, NullLogger<SyntheticInsurer>.Instance);
        await insurer.GenerateAsync(new GenerationOptions(800, 17, null, AsOf, ChunkSize: 400), null, CancellationToken.None);
    }

    /// <summary>The chain as the CLI and the nightly job run it: value, lifecycle, segments.</summary>
    private static async Task<SegmentRunResult> ChainAsync(TestDatabase db, DateOnly asOf, SegmentOptions? options = null)
    {
        var value = await new ValueRunner(db.Database, Options.Create(new ValueOptions { ChunkSize = 300 }), TimeProvider.System, NullLogger<ValueRunner>.Instance)
            .RunAsync(asOf, CancellationToken.None);
        await new LifecycleRunner(db.Database, new LifecycleOptions { ChunkSize = 300 }, NullLogger<LifecycleRunner>.Instance)
            .RunAsync(asOf, CancellationToken.None, value.RunId);
        return await new SegmentRunner(db.Database, options ?? new SegmentOptions { ChunkSize = 250, SampleSize = 500 }, new StrategyOptions(), NullLogger<SegmentRunner>.Instance)
            .RunAsync(value.RunId, asOf, CancellationToken.None);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_SyntheticInsurer_EveryValuedCustomerPlacedWithStrategyAndGroupsProfiled(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await GenerateAsync(db);

        var result = await ChainAsync(db, AsOf);

        await using var ctx = db.CreateContext();
        var values = await ctx.Set<CustomerValue>().AsNoTracking().Where(v => v.RunId == result.RunId).ToListAsync();
        var segments = await ctx.Set<CustomerSegment>().AsNoTracking().Where(s => s.RunId == result.RunId).ToListAsync();
        segments.Select(s => s.CustomerId).Order().ShouldBe(values.Select(v => v.CustomerId).Order());
        var thresholds = GridThresholds.FromValues([.. values.Select(v => v.CurrentValue)], [.. values.Select(v => v.PotentialValue)], new GridOptions());
        var byId = segments.ToDictionary(s => s.CustomerId);
        foreach (var v in values)
        {
            byId[v.CustomerId].GridCell.ShouldBe(StrategicGrid.Place(v.CurrentValue, v.PotentialValue, thresholds));
        }
        // Customers who left are won back whatever their cell; the channels stored are the table's.
        var states = await ctx.Set<CustomerLifecycle>().AsNoTracking()
            .Where(l => l.Dimension == LifecycleDimension.Insurance && l.Until == null).ToDictionaryAsync(l => l.CustomerId, l => l.State);
        foreach (var s in segments)
        {
            var decision = new StrategyTable(new StrategyOptions()).Resolve(s.GridCell, states[s.CustomerId]);
            s.Strategy.ShouldBe(decision.Strategy);
            s.ServiceLevel.ShouldBe(decision.ServiceLevel);
            s.Channels.ShouldBe(string.Join(',', decision.Channels));
        }
        segments.Select(s => s.GridCell).Distinct().Count().ShouldBeGreaterThan(2);

        var profiles = await ctx.Set<SegmentProfile>().AsNoTracking().Where(p => p.RunId == result.RunId).OrderBy(p => p.NeedsGroup).ToListAsync();
        profiles.Select(p => p.NeedsGroup).ShouldBe([0, 1, 2, 3, 4, 5]);
        profiles.Sum(p => p.Share).ShouldBe(1.0, 1e-9);
        profiles.Sum(p => p.Size).ShouldBe(values.Count);
        profiles.ShouldAllBe(p => p.Size > 0 && SegmentRunner.ReadProfile(p.Profile).Count > 0);
        segments.GroupBy(s => s.NeedsGroup).OrderBy(g => g.Key).Select(g => g.Count()).ShouldBe(profiles.Select(p => p.Size));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_SecondRunSameSeedAndDate_SameGroupsPerCustomer(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await GenerateAsync(db);

        var first = await ChainAsync(db, AsOf);
        var second = await ChainAsync(db, AsOf);

        await using var ctx = db.CreateContext();
        var a = await ctx.Set<CustomerSegment>().AsNoTracking().Where(s => s.RunId == first.RunId).ToDictionaryAsync(s => s.CustomerId, s => s.NeedsGroup);
        var b = await ctx.Set<CustomerSegment>().AsNoTracking().Where(s => s.RunId == second.RunId).ToDictionaryAsync(s => s.CustomerId, s => s.NeedsGroup);
        second.RunId.ShouldNotBe(first.RunId);
        b.OrderBy(kv => kv.Key).ShouldBe(a.OrderBy(kv => kv.Key));
        var migration = await SegmentReports.MigrationAsync(ctx, first.RunId, second.RunId);
        migration.NeedsGroups.Keys.ShouldAllBe(k => k.From == k.To);
        migration.Cells.Keys.ShouldAllBe(k => k.From == k.To);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task MigrationAsync_RunsAYearApart_MatrixCountsEveryCustomerInBothRuns(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await GenerateAsync(db);

        var earlier = await ChainAsync(db, AsOf.AddYears(-1));
        var later = await ChainAsync(db, AsOf);

        await using var ctx = db.CreateContext();
        var migration = await SegmentReports.MigrationAsync(ctx, earlier.RunId, later.RunId);
        var before = await ctx.Set<CustomerSegment>().Where(s => s.RunId == earlier.RunId).Select(s => s.CustomerId).ToListAsync();
        var after = await ctx.Set<CustomerSegment>().Where(s => s.RunId == later.RunId).Select(s => s.CustomerId).ToListAsync();
        var both = before.Intersect(after).Count();
        both.ShouldBeGreaterThan(0);
        migration.Customers.ShouldBe(both);
        migration.NeedsGroups.Values.Sum().ShouldBe(both);
        migration.Cells.Keys.ShouldContain(k => k.From != k.To);
    }
}
