using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Core.Synthetic;
using InsureCrm.Core.Value;
using InsureCrm.Tests;
using InsureCrm.Tests.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace InsureCrm.Core.Tests.Value;

public sealed class ValueRunnerTests
{
    private static readonly DateOnly AsOf = new(2025, 6, 30);

    private static readonly FieldProtector Protector = CustomerSeed.Protector();

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_SmallChunksWhoseGradeForecastsMiss_EveryStoredGradeIsTheOneItsRankGives(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var insurer = new SyntheticInsurer(db.Database, Protector, TimeProvider.System, NullLogger<SyntheticInsurer>.Instance);
        await insurer.GenerateAsync(new GenerationOptions(600, 13, null, AsOf, ChunkSize: 400), null, CancellationToken.None);
        // Chunks of 23: rows are written with grades guessed from the values computed so far, many of them wrong.
        var runner = new ValueRunner(db.Database, Options.Create(new ValueOptions { ChunkSize = 23 }), TimeProvider.System, NullLogger<ValueRunner>.Instance);

        var summary = await runner.RunAsync(AsOf, CancellationToken.None);

        await using var ctx = db.CreateContext();
        var rows = await ctx.Set<CustomerValue>().AsNoTracking().Where(v => v.RunId == summary.RunId).ToListAsync();
        var ids = rows.Select(r => r.CustomerId).ToArray();
        var totals = rows.Select(r => r.TotalValue).ToArray();
        ValueGrades.Rank(ids, totals);
        var expected = ValueGrades.Assign(ids.Length, ValueOptions.DefaultGradeShares);
        var stored = rows.ToDictionary(r => r.CustomerId, r => r.Grade);
        ids.Select(id => stored[id]).ShouldBe(expected.Select(g => g.ToString()));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_SyntheticInsurer_OneGradedRowPerLiveCustomerAndTopDecileHoldsAPlausibleShare(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var insurer = new SyntheticInsurer(db.Database, Protector, TimeProvider.System, NullLogger<SyntheticInsurer>.Instance);
        await insurer.GenerateAsync(new GenerationOptions(1000, 11, null, AsOf, ChunkSize: 400), null, CancellationToken.None);
        var runner = new ValueRunner(db.Database, Options.Create(new ValueOptions { ChunkSize = 300 }), TimeProvider.System, NullLogger<ValueRunner>.Instance);

        var summary = await runner.RunAsync(AsOf, CancellationToken.None);

        await using var ctx = db.CreateContext();
        var live = await ctx.Customers.CountAsync(c => c.MergedIntoId == null);
        var rows = await ctx.Set<CustomerValue>().AsNoTracking().Where(v => v.RunId == summary.RunId).ToListAsync();
        rows.Count.ShouldBe(live);
        rows.Select(r => r.CustomerId).Distinct().Count().ShouldBe(live);
        (await ctx.Set<ValueRun>().SingleAsync(r => r.Id == summary.RunId)).Status.ShouldBe(ValueRunStatus.Completed);

        // Grades follow the rank: counts per letter as the default shares, and every A is worth at least every B.
        var byGrade = rows.GroupBy(r => r.Grade!).ToDictionary(g => g.Key, g => g.ToList());
        ValueGrades.Letters.Select(l => byGrade.GetValueOrDefault(l.ToString())?.Count ?? 0).ShouldBe(ValueGrades.Counts(live, ValueOptions.DefaultGradeShares));
        byGrade["A"].Min(r => r.TotalValue).ShouldBeGreaterThanOrEqualTo(byGrade["B"].Max(r => r.TotalValue));
        byGrade["F"].Min(r => r.TotalValue).ShouldBeGreaterThanOrEqualTo(byGrade["G"].Max(r => r.TotalValue));

        var deciles = await ValueRunReports.ConcentrationAsync(ctx, summary.RunId);
        deciles.Sum(d => d.Share).ShouldBe(1m, 0.000000001m);
        deciles[0].Share.ShouldBeInRange(0.2m, 0.8m, string.Join(" ", deciles.Select(d => d.Share.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture))));
        deciles[0].Share.ShouldBeGreaterThan(deciles[4].Share);
        summary.Concentration[0].Share.ShouldBe(deciles[0].Share);

        // The stored explanation adds up to the stored total.
        var top = rows.OrderByDescending(r => r.TotalValue).First();
        var explanation = CustomerValueResult.ReadExplanation(top.Explanation)!;
        explanation.Total.Sum(p => p.Amount).ShouldBe(top.TotalValue);
        explanation.Contracts.Sum(c => c.Experience).ShouldBe(top.ExperienceValue);

        // A household is the sum of its members, each once.
        var household = await ctx.HouseholdMembers.GroupBy(m => m.HouseholdId).Where(g => g.Count() > 1).Select(g => g.Key).FirstAsync();
        var members = await ctx.HouseholdMembers.Where(m => m.HouseholdId == household).Select(m => m.CustomerId).Distinct().ToListAsync();
        var value = await ValueRunReports.HouseholdAsync(ctx, summary.RunId, household);
        value.Total.ShouldBe(rows.Where(r => members.Contains(r.CustomerId)).Sum(r => r.TotalValue));
        value.Members.ShouldBe(rows.Count(r => members.Contains(r.CustomerId)));
    }

    private static async Task<(ValueRunner Runner, TestDatabase Db)> InsurerAsync(DatabaseProvider provider, int customers)
    {
        var db = await TestDatabase.CreateAsync(provider);
        var insurer = new SyntheticInsurer(db.Database, Protector, TimeProvider.System, NullLogger<SyntheticInsurer>.Instance);
        await insurer.GenerateAsync(new GenerationOptions(customers, 5, null, AsOf, ChunkSize: 400), null, CancellationToken.None);
        return (new ValueRunner(db.Database, Options.Create(new ValueOptions { ChunkSize = 100 }), TimeProvider.System, NullLogger<ValueRunner>.Instance), db);
    }

    private static async Task<Dictionary<long, CustomerValue>> RowsAsync(TestDatabase db, long runId)
    {
        await using var ctx = db.CreateContext();
        return await ctx.Set<CustomerValue>().AsNoTracking().Where(v => v.RunId == runId).ToDictionaryAsync(v => v.CustomerId);
    }

    private static void ShouldBeSameRows(Dictionary<long, CustomerValue> actual, Dictionary<long, CustomerValue> expected)
    {
        actual.Keys.Order().ShouldBe(expected.Keys.Order());
        foreach (var (id, e) in expected)
        {
            var a = actual[id];
            (a.ExperienceValue, a.CurrentValue, a.PotentialValue, a.TotalValue, a.Grade, a.Fingerprint)
                .ShouldBe((e.ExperienceValue, e.CurrentValue, e.PotentialValue, e.TotalValue, e.Grade, e.Fingerprint), $"customer {id}");
            a.Explanation.ShouldBe(e.Explanation, $"customer {id}");
        }
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_IncrementalAfterDataChangedAndDaysPassed_EqualsFullRecomputation(DatabaseProvider provider)
    {
        var (runner, db) = await InsurerAsync(provider, 600);
        await using var _ = db;
        var first = await runner.RunAsync(new ValueRunRequest(AsOf.AddDays(-10)), null);
        first.Mode.ShouldBe(ValueRunMode.Full);
        first.CurvesReused.ShouldBeFalse();

        // Data changes between the runs: a claim paid, a premium corrected, a customer's birth date fixed.
        long claimedCustomer, premiumCustomer, bornCustomer;
        await using (var ctx = db.CreateContext())
        {
            var contracts = await ctx.Contracts.Where(c => c.Status == InsureCrm.Core.Policies.ContractStatus.InForce && c.IssueDate < AsOf.AddYears(-2))
                .OrderBy(c => c.Id).Take(2).ToListAsync();
            ctx.Claims.Add(new InsureCrm.Core.Policies.Claim
            {
                ContractId = contracts[0].Id, CustomerId = contracts[0].CustomerId, ClaimNumber = "T-INCR-1", Cause = "hospital",
                ClaimDate = AsOf.AddDays(-15), PaidDate = AsOf.AddDays(-12), AmountPaid = 5_000_000m,
            });
            contracts[1].Premium += 10_000m;
            (claimedCustomer, premiumCustomer) = (contracts[0].CustomerId, contracts[1].CustomerId);
            var person = await ctx.Customers.Where(c => c.MergedIntoId == null && c.BirthDate != null).OrderByDescending(c => c.Id).FirstAsync();
            person.BirthDate = person.BirthDate!.Value.AddYears(-1);
            bornCustomer = person.Id;
            await ctx.SaveChangesAsync();
        }

        // Same date again: exactly the changed customers are computed, and the result is a full run's.
        var sameDay = await runner.RunAsync(new ValueRunRequest(AsOf.AddDays(-10)), null);
        sameDay.Recomputed.ShouldBe(new[] { claimedCustomer, premiumCustomer, bornCustomer }.Distinct().Count());
        ShouldBeSameRows(await RowsAsync(db, sameDay.RunId), await RowsAsync(db, (await runner.RunAsync(new ValueRunRequest(AsOf.AddDays(-10), Full: true), null)).RunId));

        // Ten days later: the customers whose contracts passed a premium date or a policy month are computed too.
        var incremental = await runner.RunAsync(new ValueRunRequest(AsOf), null);
        var full = await runner.RunAsync(new ValueRunRequest(AsOf, Full: true), null);

        incremental.Mode.ShouldBe(ValueRunMode.Incremental);
        incremental.BaseRunId.ShouldNotBe(first.RunId, "the newest comparable run is the base");
        incremental.CurvesReused.ShouldBeTrue("the curves of the month are reused");
        incremental.Recomputed.ShouldBeGreaterThan(0);
        incremental.Recomputed.ShouldBeLessThan(incremental.Customers, "customers whose inputs did not change are copied");
        full.Mode.ShouldBe(ValueRunMode.Full);
        full.Recomputed.ShouldBe(full.Customers);
        incremental.GradeCounts.ShouldBe(full.GradeCounts);
        incremental.Concentration.ShouldBe(full.Concentration);

        var before = await RowsAsync(db, first.RunId);
        var after = await RowsAsync(db, incremental.RunId);
        ShouldBeSameRows(after, await RowsAsync(db, full.RunId));
        after[claimedCustomer].ExperienceValue.ShouldBe(before[claimedCustomer].ExperienceValue - 5_000_000m, 2_000_000m);
        after[premiumCustomer].Fingerprint.ShouldNotBe(before[premiumCustomer].Fingerprint);
        after[bornCustomer].Fingerprint.ShouldNotBe(before[bornCustomer].Fingerprint);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_IncrementalWhereOnlyTheTopTenthChanged_GradesEqualAFullRunsAndFewForecastsAreRewritten(DatabaseProvider provider)
    {
        var (runner, db) = await InsurerAsync(provider, 600);
        await using var _ = db;
        var first = await runner.RunAsync(new ValueRunRequest(AsOf), null);

        // A premium corrected by one won for each of the most valuable tenth: the incremental run computes only them, a
        // subset unlike the book (all A to C in it), and ranks them among the copied rest.
        var top = (await RowsAsync(db, first.RunId)).Values.OrderByDescending(v => v.TotalValue).ThenBy(v => v.CustomerId)
            .Take(60).Select(v => v.CustomerId).ToList();
        await using (var ctx = db.CreateContext())
        {
            foreach (var contract in await ctx.Contracts.Where(c => top.Contains(c.CustomerId)).ToListAsync())
            {
                contract.Premium += 1m;
            }
            await ctx.SaveChangesAsync();
        }

        var incremental = await runner.RunAsync(new ValueRunRequest(AsOf), null);
        var full = await runner.RunAsync(new ValueRunRequest(AsOf, Full: true), null);

        incremental.Mode.ShouldBe(ValueRunMode.Incremental);
        incremental.Recomputed.ShouldBe(top.Count);
        incremental.GradeCounts.ShouldBe(full.GradeCounts);
        ShouldBeSameRows(await RowsAsync(db, incremental.RunId), await RowsAsync(db, full.RunId));
        // Forecast from the base run's grade bounds, the computed rows were written with their final grade (ranked among
        // themselves, most of them would have been written as D to G and rewritten).
        incremental.Regraded.ShouldBeLessThan(top.Count / 10);
    }

    private sealed class CancelAt(string phase, int done, CancellationTokenSource cts) : IProgress<ValueRunProgress>
    {
        public void Report(ValueRunProgress value)
        {
            if (value.Phase == phase && value.Done == done)
            {
                cts.Cancel();
            }
        }
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_AfterAnInterruptedRun_ResumesItAndEndsWithTheSameRowsAsAnUninterruptedRun(DatabaseProvider provider)
    {
        var (runner, db) = await InsurerAsync(provider, 500);
        await using var _ = db;
        using var cts = new CancellationTokenSource();

        await Should.ThrowAsync<OperationCanceledException>(() => runner.RunAsync(new ValueRunRequest(AsOf), new CancelAt("value", 2, cts), cts.Token));

        long interrupted;
        await using (var ctx = db.CreateContext())
        {
            var run = await ctx.Set<ValueRun>().AsNoTracking().SingleAsync();
            run.Status.ShouldBe(ValueRunStatus.Failed);
            run.ProcessedThrough.ShouldNotBeNull();
            run.Recomputed.ShouldBe(200, "two chunks of 100 were committed");
            (await ctx.Set<CustomerValue>().CountAsync(v => v.RunId == run.Id)).ShouldBe(200);
            interrupted = run.Id;
        }

        var resumed = await runner.RunAsync(new ValueRunRequest(AsOf), null);
        resumed.Resumed.ShouldBeTrue();
        resumed.RunId.ShouldBe(interrupted);
        resumed.Recomputed.ShouldBe(resumed.Customers);
        var clean = await runner.RunAsync(new ValueRunRequest(AsOf, Full: true), null);
        clean.Resumed.ShouldBeFalse();
        ShouldBeSameRows(await RowsAsync(db, resumed.RunId), await RowsAsync(db, clean.RunId));
        await using var check = db.CreateContext();
        (await check.Set<ValueRun>().SingleAsync(r => r.Id == interrupted)).Status.ShouldBe(ValueRunStatus.Completed);
    }
}
