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

public sealed class ValueRunnerTests
{
    private static readonly DateOnly AsOf = new(2025, 6, 30);

    private static readonly FieldProtector Protector = CustomerSeed.Protector();

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
}
