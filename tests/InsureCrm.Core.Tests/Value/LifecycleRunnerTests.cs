using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Value;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace InsureCrm.Core.Tests.Value;

public sealed class LifecycleRunnerTests
{
    private static readonly DateTime Now = new(2025, 6, 30, 0, 0, 0, DateTimeKind.Utc);

    private static DateOnly D(string s) => DateOnly.Parse(s, CultureInfo.InvariantCulture);

    private sealed class World(TestDatabase db)
    {
        private readonly Dictionary<ProductFamily, long> _products = [];

        public async Task<long> CustomerAsync()
        {
            await using var ctx = db.CreateContext();
            var c = new Customer { Name = "Lifecycle test", NameScript = NameScript.Latin, CreatedAt = Now, UpdatedAt = Now };
            ctx.Customers.Add(c);
            await ctx.SaveChangesAsync();
            return c.Id;
        }

        private async Task<long> ProductAsync(CrmDbContext ctx, ProductFamily family, ProductLine line)
        {
            if (!_products.TryGetValue(family, out var id))
            {
                var p = new Product { Code = "P" + family.ToString()[..3], Name = family.ToString(), Line = line, Family = family };
                ctx.Products.Add(p);
                await ctx.SaveChangesAsync();
                _products[family] = id = p.Id;
            }
            return id;
        }

        public async Task<long> IssueAsync(long customerId, ProductFamily family, string issued)
        {
            await using var ctx = db.CreateContext();
            var contract = new Contract
            {
                ContractNumber = "C" + Guid.NewGuid().ToString("N")[..10], ProductId = await ProductAsync(ctx, family, ProductLine.Life),
                CustomerId = customerId, SumAssured = 50_000_000m, Premium = 100_000m, IssueDate = D(issued),
                Status = ContractStatus.InForce, StatusDate = D(issued),
            };
            ctx.Contracts.Add(contract);
            await ctx.SaveChangesAsync();
            ctx.ContractStatusChanges.Add(new ContractStatusChange
            {
                ContractId = contract.Id, CustomerId = customerId, ToStatus = ContractStatus.InForce, EffectiveDate = D(issued), RecordedAt = Now,
            });
            await ctx.SaveChangesAsync();
            return contract.Id;
        }

        public async Task MoveAsync(long contractId, ContractStatus to, string effective)
        {
            await using var ctx = db.CreateContext();
            var contract = await ctx.Contracts.SingleAsync(c => c.Id == contractId);
            var (change, error) = ContractLifecycle.Move(contract, to, D(effective), Now, null);
            error.ShouldBeNull();
            ctx.ContractStatusChanges.Add(change!);
            await ctx.SaveChangesAsync();
        }

        public async Task<long> LendAsync(long customerId, string start)
        {
            await using var ctx = db.CreateContext();
            var loan = new Loan
            {
                LoanNumber = "L" + Guid.NewGuid().ToString("N")[..10], CustomerId = customerId, ProductId = await ProductAsync(ctx, ProductFamily.SecuredLoan, ProductLine.Loan),
                Principal = 10_000_000m, Rate = 0.05m, Balance = 10_000_000m, StartDate = D(start), MaturityDate = D(start).AddYears(3),
                Status = LoanStatus.Active, StatusDate = D(start),
            };
            ctx.Loans.Add(loan);
            await ctx.SaveChangesAsync();
            return loan.Id;
        }

        public async Task RepayAsync(long loanId, LoanStatus status, string date)
        {
            await using var ctx = db.CreateContext();
            var loan = await ctx.Loans.SingleAsync(l => l.Id == loanId);
            loan.Status = status;
            loan.StatusDate = D(date);
            loan.Balance = 0m;
            await ctx.SaveChangesAsync();
        }

        public async Task<List<CustomerLifecycle>> HistoryAsync(long customerId, LifecycleDimension dimension)
        {
            await using var ctx = db.CreateContext();
            return await ctx.Set<CustomerLifecycle>().AsNoTracking()
                .Where(h => h.CustomerId == customerId && h.Dimension == dimension)
                .OrderBy(h => h.Since).ToListAsync();
        }
    }

    private static LifecycleRunner Runner(TestDatabase db, LifecycleOptions? options = null) =>
        new(db.Database, options ?? new LifecycleOptions { ChunkSize = 2 }, NullLogger<LifecycleRunner>.Instance);

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_ContractHistoryStepByStep_WalksEveryInsuranceTransition(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var world = new World(db);
        var runner = Runner(db);
        var a = await world.CustomerAsync();
        var bystander = await world.CustomerAsync();
        await world.IssueAsync(bystander, ProductFamily.Cancer, "2010-05-01");

        var steps = new (string AsOf, Func<Task> Before, LifecycleState Expected)[]
        {
            ("2015-01-31", () => Task.CompletedTask, LifecycleState.Prospect),
            ("2015-06-30", () => world.IssueAsync(a, ProductFamily.Child, "2015-03-01"), LifecycleState.New),
            ("2016-06-30", () => Task.CompletedTask, LifecycleState.SingleHolder),
            ("2017-06-30", () => world.IssueAsync(a, ProductFamily.Health, "2017-01-10"), LifecycleState.MultiHolder),
            ("2020-06-30", () => Task.CompletedTask, LifecycleState.Loyal),
            ("2020-12-31", async () =>
            {
                var health = (await ContractsAsync(db, a))[1];
                await world.MoveAsync(health, ContractStatus.Lapsed, "2020-09-01");
                await world.MoveAsync(health, ContractStatus.Reinstated, "2020-11-01");
            }, LifecycleState.MultiHolder),
            ("2021-06-30", async () =>
            {
                foreach (var (id, date) in (await ContractsAsync(db, a)).Zip(["2021-03-01", "2021-05-01"]))
                {
                    await world.MoveAsync(id, ContractStatus.Surrendered, date);
                }
            }, LifecycleState.LapsedBySurrender),
            ("2023-06-30", () => Task.CompletedTask, LifecycleState.Dormant),
        };

        foreach (var (asOf, before, expected) in steps)
        {
            await before();
            await runner.RunAsync(D(asOf), CancellationToken.None);
            var history = await world.HistoryAsync(a, LifecycleDimension.Insurance);
            history[^1].State.ShouldBe(expected, $"as of {asOf}");
            history[^1].Until.ShouldBeNull();
        }

        var rows = await world.HistoryAsync(a, LifecycleDimension.Insurance);
        rows.Select(r => r.State).ShouldBe(steps.Select(s => s.Expected));
        rows.Zip(rows.Skip(1)).ShouldAllBe(p => p.First.Until == p.Second.Since);
        (await world.HistoryAsync(bystander, LifecycleDimension.Insurance)).Select(r => r.State)
            .ShouldBe([LifecycleState.CancerHolder], "an unchanged customer keeps one open period over all runs");
        (await world.HistoryAsync(a, LifecycleDimension.Loan)).ShouldBeEmpty("no loan, no loan history");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_MaturityOfTheLastContract_IsLapsedByMaturityAndAnEarlierDateReadsTheHistory(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var world = new World(db);
        var b = await world.CustomerAsync();
        var savings = await world.IssueAsync(b, ProductFamily.Savings, "2010-01-01");
        await world.MoveAsync(savings, ContractStatus.Matured, "2020-01-01");

        // The contract row says Matured today; as of 2019 the status history says it was in force.
        await Runner(db).RunAsync(D("2019-06-30"), CancellationToken.None);
        await Runner(db).RunAsync(D("2020-06-30"), CancellationToken.None);

        (await world.HistoryAsync(b, LifecycleDimension.Insurance)).Select(r => r.State)
            .ShouldBe([LifecycleState.SavingsHolder, LifecycleState.LapsedByMaturity]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_LoansFromNewToRepaid_WritesTheLoanDimensionApart(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var world = new World(db);
        var runner = Runner(db);
        var early = await world.CustomerAsync();
        var matured = await world.CustomerAsync();
        var loanEarly = await world.LendAsync(early, "2020-01-15");
        var loanMatured = await world.LendAsync(matured, "2020-01-20");

        await runner.RunAsync(D("2020-02-28"), CancellationToken.None);
        await runner.RunAsync(D("2020-06-30"), CancellationToken.None);
        await world.RepayAsync(loanEarly, LoanStatus.EarlyRepaid, "2021-01-10");
        await world.RepayAsync(loanMatured, LoanStatus.MaturedRepaid, "2023-01-20");
        await runner.RunAsync(D("2023-06-30"), CancellationToken.None);

        (await world.HistoryAsync(early, LifecycleDimension.Loan)).Select(r => r.State)
            .ShouldBe([LifecycleState.LoanNew, LifecycleState.LoanActive, LifecycleState.LoanEarlyRepaid]);
        (await world.HistoryAsync(matured, LifecycleDimension.Loan)).Select(r => r.State)
            .ShouldBe([LifecycleState.LoanNew, LifecycleState.LoanActive, LifecycleState.LoanMaturedRepaid]);
        (await world.HistoryAsync(early, LifecycleDimension.Insurance)).Select(r => r.State)
            .ShouldBe([LifecycleState.Prospect], "a loan alone does not make an insurance customer");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_TwiceWithoutChange_WritesNoNewRow(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var world = new World(db);
        var runner = Runner(db);
        for (var i = 0; i < 5; i++)
        {
            var c = await world.CustomerAsync();
            await world.IssueAsync(c, ProductFamily.WholeLife, "2018-01-01");
        }

        var first = await runner.RunAsync(D("2024-06-30"), CancellationToken.None);
        var again = await runner.RunAsync(D("2024-06-30"), CancellationToken.None);
        var later = await runner.RunAsync(D("2024-12-31"), CancellationToken.None);

        first.Changed.ShouldBe(5);
        first.CurrentCounts[LifecycleState.WholeLifeHolder].ShouldBe(5);
        again.Changed.ShouldBe(0);
        later.Changed.ShouldBe(0);
        await using var ctx = db.CreateContext();
        (await ctx.Set<CustomerLifecycle>().CountAsync()).ShouldBe(5);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_RerunForTheSameDateAfterTheDataChanged_CorrectsTheOpenPeriodsAndALaterRunClosesThem(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var world = new World(db);
        var runner = Runner(db);
        var a = await world.CustomerAsync();
        var b = await world.CustomerAsync();
        var unchanged = await world.CustomerAsync();
        await world.IssueAsync(a, ProductFamily.WholeLife, "2015-01-01");
        await world.IssueAsync(unchanged, ProductFamily.WholeLife, "2015-01-01");

        await runner.RunAsync(D("2024-06-30"), CancellationToken.None, runId: 7);
        await world.IssueAsync(a, ProductFamily.Cancer, "2016-01-01");
        await world.IssueAsync(b, ProductFamily.WholeLife, "2015-01-01");
        var rerun = await runner.RunAsync(D("2024-06-30"), CancellationToken.None, runId: 8);
        await world.IssueAsync(b, ProductFamily.Cancer, "2016-01-01");
        var later = await runner.RunAsync(D("2024-12-31"), CancellationToken.None, runId: 9);

        rerun.Changed.ShouldBe(2);
        later.Changed.ShouldBe(1);
        (await world.HistoryAsync(a, LifecycleDimension.Insurance)).Select(h => (h.State, h.Since, h.Until, h.RunId)).ShouldBe(
            [(LifecycleState.Loyal, D("2024-06-30"), null, 8)], "the rerun corrected the period it opened, in place");
        (await world.HistoryAsync(b, LifecycleDimension.Insurance)).Select(h => (h.State, h.Since, h.Until, h.RunId)).ShouldBe(
        [
            (LifecycleState.WholeLifeHolder, D("2024-06-30"), D("2024-12-31"), 8),
            (LifecycleState.Loyal, D("2024-12-31"), null, 9),
        ]);
        (await world.HistoryAsync(unchanged, LifecycleDimension.Insurance)).Select(h => (h.State, h.Since, h.Until, h.RunId)).ShouldBe(
            [(LifecycleState.WholeLifeHolder, D("2024-06-30"), null, 7)]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_CustomRuleOrder_RecordsTheConfiguredState(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var world = new World(db);
        var c = await world.CustomerAsync();
        await world.IssueAsync(c, ProductFamily.WholeLife, "2015-01-01");
        await world.IssueAsync(c, ProductFamily.Cancer, "2016-01-01");
        var options = new LifecycleOptions
        {
            InsuranceRules = [new LifecycleRule { State = LifecycleState.CancerHolder, Group = "Cancer" }, .. LifecycleOptions.DefaultInsuranceRules],
        };

        await Runner(db, options).RunAsync(D("2024-06-30"), CancellationToken.None);

        (await world.HistoryAsync(c, LifecycleDimension.Insurance)).Single().State.ShouldBe(LifecycleState.CancerHolder, "the default order would say Loyal");
    }

    private static async Task<List<long>> ContractsAsync(TestDatabase db, long customerId)
    {
        await using var ctx = db.CreateContext();
        return await ctx.Contracts.Where(c => c.CustomerId == customerId).OrderBy(c => c.IssueDate).Select(c => c.Id).ToListAsync();
    }
}
