using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Core.Synthetic;
using InsureCrm.Core.Value;
using InsureCrm.Tests;
using InsureCrm.Tests.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace InsureCrm.Core.Tests.Value;

/// <summary>
/// Rows no import accepts today but an older version (or a hand-written UPDATE) left in the database: the
/// nightly chain skips their customers with a counted, recorded reason and values everyone else.
/// </summary>
public sealed class OutOfRangeRowsTests
{
    private static readonly DateOnly AsOf = new(2025, 6, 30);

    private static readonly FieldProtector Protector = CustomerSeed.Protector();

    /// <summary>Customers with a non-loan contract, distinct, in id order: (customer, contract).</summary>
    internal static async Task<List<(long Customer, long Contract)>> HoldersAsync(TestDatabase db, int count)
    {
        await using var ctx = db.CreateContext();
        var rows = await (from c in ctx.Contracts
                          join p in ctx.Products on c.ProductId equals p.Id
                          join k in ctx.Customers on c.CustomerId equals k.Id
                          where p.Line != ProductLine.Loan && k.MergedIntoId == null && k.BirthDate != null && c.IssueDate < AsOf.AddYears(-1)
                          orderby c.CustomerId, c.Id
                          select new { c.CustomerId, c.Id }).ToListAsync();
        return [.. rows.GroupBy(r => r.CustomerId).Select(g => (g.Key, g.First().Id)).Take(count)];
    }

    internal static async Task SqlAsync(TestDatabase db, string sql)
    {
        await using var ctx = db.CreateContext();
        (await ctx.Database.ExecuteSqlRawAsync(sql)).ShouldBe(1);
    }

    private static ValueChain Chain(TestDatabase db, ILoggerFactory logs) => new(db.Database,
        new ValueRunner(db.Database, Options.Create(new ValueOptions { ChunkSize = 70 }), TimeProvider.System, logs.CreateLogger<ValueRunner>()),
        new LifecycleRunner(db.Database, new LifecycleOptions { ChunkSize = 70 }, logs.CreateLogger<LifecycleRunner>()),
        new SegmentRunner(db.Database, new SegmentOptions { ChunkSize = 60, SampleSize = 200 }, new StrategyOptions(), logs.CreateLogger<SegmentRunner>()),
        TimeProvider.System);

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ValueChain_OutOfRangeRowsWrittenBySql_SkipsTheirCustomersWithReasonsAndValuesEveryoneElse(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var insurer = new SyntheticInsurer(db.Database, Protector, TimeProvider.System, NullLogger<SyntheticInsurer>.Instance);
        await insurer.GenerateAsync(new GenerationOptions(300, 23, null, AsOf, ChunkSize: 400), null, CancellationToken.None);
        var logs = new ListLoggerFactory();
        var chain = Chain(db, logs);

        // A clean night first, so that the next one is incremental and could copy the old values.
        var before = await chain.RunAsync(new ValueRunRequest(AsOf.AddDays(-1)), null, CancellationToken.None);
        before.ShouldNotBeNull().Value.Skipped.ShouldBe(0);

        var holders = await HoldersAsync(db, 4);
        var (premium, issue, birth, maturity) = (holders[0], holders[1], holders[2], holders[3]);
        await SqlAsync(db, $"UPDATE contract SET premium = 100000000000000000, sum_assured = 100000000000000000 WHERE id = {premium.Contract}");
        await SqlAsync(db, $"UPDATE contract SET issue_date = '9999-12-31' WHERE id = {issue.Contract}");
        await SqlAsync(db, $"UPDATE customer SET birth_date = '0001-01-01' WHERE id = {birth.Customer}");
        await SqlAsync(db, $"UPDATE contract SET maturity_date = '9999-12-31' WHERE id = {maturity.Contract}");
        var bad = new[] { premium.Customer, issue.Customer, birth.Customer, maturity.Customer };

        var result = (await chain.RunAsync(new ValueRunRequest(AsOf), null, CancellationToken.None)).ShouldNotBeNull();

        var summary = result.Value;
        summary.Mode.ShouldBe(ValueRunMode.Incremental);
        summary.Skips.ShouldBe(new Dictionary<string, int>
        {
            [SkipReason.BirthDate] = 1, [SkipReason.IssueDate] = 1, [SkipReason.MaturityDate] = 1, [SkipReason.Premium] = 1,
        }, ignoreOrder: true);
        await using var ctx = db.CreateContext();
        var live = await ctx.Customers.Where(c => c.MergedIntoId == null).Select(c => c.Id).ToListAsync();
        var run = await ctx.Set<ValueRun>().SingleAsync(r => r.Id == summary.RunId);
        (run.Status, run.Skipped, run.Customers).ShouldBe((ValueRunStatus.Completed, 4, live.Count - 4));

        // Everyone else has a graded value and a segment; the skipped have neither (not even the old value).
        var valued = await ctx.Set<CustomerValue>().Where(v => v.RunId == summary.RunId).ToListAsync();
        valued.Select(v => v.CustomerId).Order().ShouldBe(live.Except(bad).Order());
        valued.ShouldAllBe(v => v.Grade != null);
        var segmented = await ctx.Set<CustomerSegment>().Where(s => s.RunId == summary.RunId).Select(s => s.CustomerId).ToListAsync();
        segmented.Order().ShouldBe(live.Except(bad).Order());
        result.Segments.Customers.ShouldBe(live.Count - 4);

        // What the run records: ids, the contract at fault and a reason code.
        var skips = await ctx.Set<ValueRunSkip>().Where(s => s.RunId == summary.RunId && s.Step == ValueRunStep.Value).ToListAsync();
        skips.Select(s => (s.CustomerId, s.ContractId, s.Reason)).OrderBy(s => s.CustomerId).ShouldBe(new (long, long?, string)[]
        {
            (premium.Customer, premium.Contract, SkipReason.Premium),
            (issue.Customer, issue.Contract, SkipReason.IssueDate),
            (birth.Customer, null, SkipReason.BirthDate),
            (maturity.Customer, maturity.Contract, SkipReason.MaturityDate),
        }.OrderBy(s => s.Item1));

        // Lifecycle: the customer with the 9999 issue date keeps the state they had; everyone else is computed.
        result.Lifecycle.Skips.ShouldBe(new Dictionary<string, int> { [SkipReason.IssueDate] = 1 });
        result.Lifecycle.Customers.ShouldBe(live.Count - 1);

        // The log names the ids and the reason, never the stored value.
        var warnings = logs.Lines.Where(l => l.Contains("skipped", StringComparison.Ordinal) && l.Contains(premium.Customer.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)).ToList();
        warnings.ShouldContain(l => l.Contains(SkipReason.Premium, StringComparison.Ordinal));
        logs.Lines.ShouldNotContain(l => l.Contains("100000000000000000", StringComparison.Ordinal) || l.Contains("9999-12-31", StringComparison.Ordinal) || l.Contains("0001-01-01", StringComparison.Ordinal));
    }

    [Fact]
    public void Fingerprint_AmountBeyondALongInHundredths_DoesNotThrowAndTellsAmountsApart()
    {
        var customer = new CustomerFacts(1, InsureCrm.Core.Customers.CustomerKind.Individual, new DateOnly(1980, 1, 1), 0);
        ContractFacts Contract(decimal premium) => new(1, 1, ProductFamily.Health, PaymentMode.Monthly, premium, 1m, new DateOnly(2020, 1, 1), null,
            ContractStatus.InForce, new DateOnly(2020, 1, 1), [], 0m);

        var huge = ValueInputs.Fingerprint(customer, [Contract(100_000_000_000_000_000m)], AsOf);

        huge.ShouldNotBe(ValueInputs.Fingerprint(customer, [Contract(200_000_000_000_000_000m)], AsOf));
        ValueInputs.Fingerprint(customer, [Contract(1.0m)], AsOf).ShouldBe(ValueInputs.Fingerprint(customer, [Contract(1.00m)], AsOf));
        ValueInputs.Check(customer, [Contract(100_000_000_000_000_000m)]).ShouldBe((SkipReason.Premium, (long?)1));
    }
}

/// <summary>Collects every formatted log line of the loggers it creates.</summary>
internal sealed class ListLoggerFactory : ILoggerFactory
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new ListLogger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class ListLogger(ListLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._lines)
            {
                owner._lines.Add(formatter(state, exception));
            }
        }
    }
}
