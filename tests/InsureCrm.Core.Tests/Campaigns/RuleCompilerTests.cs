using System.Data.Common;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Targeting;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Synthetic;
using InsureCrm.Core.Value;
using InsureCrm.Tests;
using InsureCrm.Tests.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace InsureCrm.Core.Tests.Campaigns;

/// <summary>
/// Each rule, compiled to one SQL statement, selects exactly the customers a C# reference selects over the same rows of a
/// generated insurer (300 customers, value chain run), on both providers.
/// </summary>
public sealed class RuleCompilerTests
{
    private static readonly DateOnly AsOf = new(2025, 6, 30);
    private static readonly DateTime Now = new(2025, 6, 30, 3, 0, 0, DateTimeKind.Utc);

    private static async Task<TestDatabase> BookAsync(DatabaseProvider provider)
    {
        var db = await TestDatabase.CreateAsync(provider);
        var insurer = new SyntheticInsurer(db.Database, CustomerSeed.Protector(), TimeProvider.System, NullLogger<SyntheticInsurer>.Instance);
        await insurer.GenerateAsync(new GenerationOptions(300, 23, null, AsOf, ChunkSize: 400), null, CancellationToken.None);
        var chain = new ValueChain(db.Database,
            new ValueRunner(db.Database, Options.Create(new ValueOptions { ChunkSize = 300 }), TimeProvider.System, NullLogger<ValueRunner>.Instance),
            new LifecycleRunner(db.Database, new LifecycleOptions { ChunkSize = 300 }, NullLogger<LifecycleRunner>.Instance),
            new SegmentRunner(db.Database, new SegmentOptions { ChunkSize = 300, SampleSize = 200 }, new StrategyOptions(), NullLogger<SegmentRunner>.Instance),
            TimeProvider.System);
        (await chain.RunAsync(new ValueRunRequest(AsOf), null, CancellationToken.None)).ShouldNotBeNull();
        return db;
    }

    /// <summary>The rows the reference reads, loaded once per database.</summary>
    private sealed record Book(
        List<Customer> Live, Dictionary<long, CustomerSegment> Segments, Dictionary<long, CustomerValue> Values,
        List<CustomerLifecycle> Lifecycle, List<(long Customer, ContractStatus Status, ProductFamily Family, string? Agent, long? ServicingAgent)> Contracts,
        List<Interaction> Interactions, HashSet<long> PrimaryEmail, List<CustomerAddress> Addresses, List<MarketingConsent> Consents)
    {
        public static async Task<Book> LoadAsync(CrmDbContext ctx)
        {
            var run = (await ValueRunReports.LatestRunAsync(ctx)).ShouldNotBeNull();
            var erased = await ctx.Set<CustomerErasure>().Select(e => e.CustomerId).ToListAsync();
            var live = await ctx.Customers.AsNoTracking().Where(c => c.MergedIntoId == null && !erased.Contains(c.Id)).ToListAsync();
            var contracts = await (from k in ctx.Contracts
                                   join p in ctx.Products on k.ProductId equals p.Id
                                   join g in ctx.Set<Agents.Agent>() on k.ServicingAgentId equals g.Id into ag
                                   from g in ag.DefaultIfEmpty()
                                   select new { k.CustomerId, k.Status, p.Family, Agent = g == null ? null : g.Code, k.ServicingAgentId }).ToListAsync();
            return new Book(
                live,
                await ctx.Set<CustomerSegment>().AsNoTracking().Where(s => s.RunId == run.Id).ToDictionaryAsync(s => s.CustomerId),
                await ctx.Set<CustomerValue>().AsNoTracking().Where(v => v.RunId == run.Id).ToDictionaryAsync(v => v.CustomerId),
                await ctx.Set<CustomerLifecycle>().AsNoTracking().Where(l => l.Until == null).ToListAsync(),
                [.. contracts.Select(k => (k.CustomerId, k.Status, k.Family, k.Agent, k.ServicingAgentId))],
                await ctx.Interactions.AsNoTracking().ToListAsync(),
                [.. await ctx.CustomerEmails.Where(e => e.IsPrimary).Select(e => e.CustomerId).ToListAsync()],
                await ctx.CustomerAddresses.AsNoTracking().Where(a => a.IsPrimary).ToListAsync(),
                await ctx.MarketingConsents.AsNoTracking().ToListAsync());
        }

        public bool Active(long id, Func<(long Customer, ContractStatus Status, ProductFamily Family, string? Agent, long? ServicingAgent), bool> also) =>
            Contracts.Any(k => k.Customer == id && ContractLifecycle.IsActive(k.Status) && also(k));

        public static int Age(DateOnly birth) => AsOf.Year - birth.Year - (birth > AsOf.AddYears(-(AsOf.Year - birth.Year)) ? 1 : 0);

        public bool ConsentEmail(long id)
        {
            var newest = Consents.Where(m => m.CustomerId == id && m.Channel == ContactChannel.Email && m.EffectiveFrom <= AsOf)
                .OrderByDescending(m => m.EffectiveFrom).ThenByDescending(m => m.Id).FirstOrDefault();
            return newest is { Granted: true } && (newest.ExpiresOn is null || newest.ExpiresOn > AsOf);
        }
    }

    /// <summary>Rules over a representative set of fields, each with the reference predicate it must agree with.</summary>
    private static IEnumerable<(string Rule, Func<Book, Customer, bool> Reference)> Cases(Book book)
    {
        var someSido = book.Addresses.GroupBy(a => a.Sido).OrderByDescending(g => g.Count()).First().Key;
        var someAgent = book.Contracts.Where(k => k.Agent is not null).GroupBy(k => k.Agent).OrderByDescending(g => g.Count()).First().Key!;
        yield return ("""{"all":[{"field":"segment.cell","op":"in","values":["CrossSell","UpSell"]}]}""",
            (b, c) => b.Segments.TryGetValue(c.Id, out var s) && s.GridCell is SegmentCell.CrossSell or SegmentCell.UpSell);
        yield return ("""{"all":[{"field":"segment.cell","op":"notIn","values":["Retain"]}]}""",
            (b, c) => b.Segments.TryGetValue(c.Id, out var s) && s.GridCell != SegmentCell.Retain);
        yield return ("""{"all":[{"field":"value.grade","op":"in","values":["A","B","C"]}]}""",
            (b, c) => b.Values.TryGetValue(c.Id, out var v) && v.Grade is "A" or "B" or "C");
        yield return ("""{"all":[{"field":"value.total","op":"gte","values":["1000000"]}]}""",
            (b, c) => b.Values.TryGetValue(c.Id, out var v) && v.TotalValue >= 1_000_000m);
        yield return ("""{"all":[{"field":"lifecycle.insurance","op":"in","values":["MultiHolder","Dormant"]}]}""",
            (b, c) => b.Lifecycle.Any(l => l.CustomerId == c.Id && l.Dimension == LifecycleDimension.Insurance && l.State is LifecycleState.MultiHolder or LifecycleState.Dormant));
        yield return ("""{"all":[{"field":"gap.family","op":"in","values":["Health"]}]}""",
            (b, c) => !b.Active(c.Id, k => k.Family == ProductFamily.Health));
        yield return ("""{"all":[{"field":"holds.family","op":"in","values":["Savings","Annuity"]}]}""",
            (b, c) => b.Active(c.Id, k => k.Family is ProductFamily.Savings or ProductFamily.Annuity));
        yield return ("""{"all":[{"field":"contracts.activeCount","op":"between","values":["2","3"]}]}""",
            (b, c) => b.Contracts.Count(k => k.Customer == c.Id && ContractLifecycle.IsActive(k.Status)) is >= 2 and <= 3);
        yield return ("""{"all":[{"field":"contract.orphaned","op":"is","values":["true"]}]}""",
            (b, c) => b.Active(c.Id, k => k.ServicingAgent is null));
        yield return ("""{"all":[{"field":"age","op":"between","values":["30","49"]},{"field":"gender","op":"in","values":["Female"]}]}""",
            (b, c) => c.BirthDate is { } d && Book.Age(d) is >= 30 and <= 49 && c.Gender == Gender.Female);
        yield return ("""{"all":[{"field":"age","op":"gte","values":["60"]}]}""",
            (b, c) => c.BirthDate is { } d && Book.Age(d) >= 60);
        yield return ("""{"all":[{"field":"contact.daysSinceLast","op":"gte","values":["90"]}]}""",
            (b, c) => !b.Interactions.Any(i => i.CustomerId == c.Id && i.OccurredAt >= Now.AddDays(-90)));
        yield return ("""{"all":[{"field":"reach.email","op":"is","values":["true"]},{"field":"consent.email","op":"is","values":["true"]}]}""",
            (b, c) => b.PrimaryEmail.Contains(c.Id) && b.ConsentEmail(c.Id));
        yield return ($$"""{"all":[{"field":"region.sido","op":"in","values":["{{someSido}}"]}]}""",
            (b, c) => b.Addresses.Any(a => a.CustomerId == c.Id && a.Sido == someSido));
        yield return ($$"""{"all":[{"field":"agent.code","op":"in","values":["{{someAgent}}"]}]}""",
            (b, c) => b.Active(c.Id, k => k.Agent == someAgent));
        yield return ("""{"all":[{"field":"kind","op":"in","values":["Individual"]}],"any":[{"field":"value.grade","op":"in","values":["A"]},{"field":"gap.family","op":"in","values":["Cancer"]}]}""",
            (b, c) => c.Kind == CustomerKind.Individual
                && ((b.Values.TryGetValue(c.Id, out var v) && v.Grade == "A") || !b.Active(c.Id, k => k.Family == ProductFamily.Cancer)));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CompileAsync_EachField_SelectsExactlyWhatTheReferenceSelects(DatabaseProvider provider)
    {
        await using var db = await BookAsync(provider);
        await using var ctx = db.CreateContext();
        var book = await Book.LoadAsync(ctx);
        book.Live.Count.ShouldBeGreaterThan(200);

        foreach (var (json, reference) in Cases(book))
        {
            var rule = RuleDefinition.Parse(json, []).ShouldNotBeNull(json);
            var compiled = await RuleCompiler.CompileAsync(ctx, rule, Now, AsOf, CancellationToken.None);
            var sql = "SELECT t.id AS \"Value\" FROM (" + compiled.Sql + ") t";
            var selected = await ctx.Database.SqlQueryRaw<long>(sql, compiled.ParametersFor(ctx)).ToListAsync();
            var expected = book.Live.Where(c => reference(book, c)).Select(c => c.Id).Order().ToList();

            selected.Order().ToList().ShouldBe(expected, customMessage: json);
            // A rule that selects everyone or no one would agree with a broken compiler as easily: each case splits the book.
            expected.Count.ShouldBeInRange(1, book.Live.Count - 1, json);
        }
    }

    /// <summary>
    /// The mart is as of its refresh: a contract activated since is not counted until the mart is built again, while an
    /// erasure and a merge since the refresh leave the target and the book at once.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CountAsync_MartAsOfItsRefresh_ContractsAfterTheRefresh_ErasuresAndMergesAtOnce(DatabaseProvider provider)
    {
        await using var db = await BookAsync(provider);
        await using var ctx = db.CreateContext();
        var gap = RuleDefinition.Parse("""{"all":[{"field":"gap.family","op":"in","values":["Health"]}]}""", []).ShouldNotBeNull();
        var before = await CampaignTargeting.CountAsync(ctx, gap, Now, AsOf, CancellationToken.None);
        var book = await Book.LoadAsync(ctx);
        var withoutHealth = book.Live.Where(c => !book.Active(c.Id, k => k.Family == ProductFamily.Health)).Select(c => c.Id).Order().Take(3).ToList();
        withoutHealth.Count.ShouldBe(3);
        var (buyer, erased, merged) = (withoutHealth[0], withoutHealth[1], withoutHealth[2]);

        // The buyer takes out a Health contract today; one customer is erased and one merged into the buyer.
        var health = await ctx.Products.Where(p => p.Family == ProductFamily.Health).Select(p => p.Id).FirstAsync();
        ctx.Contracts.Add(new Contract
        {
            ContractNumber = "MART-TEST-1", ProductId = health, CustomerId = buyer, SumAssured = 10_000_000m, Premium = 30_000m,
            PaymentMode = PaymentMode.Monthly, IssueDate = AsOf, Status = ContractStatus.InForce, StatusDate = AsOf,
        });
        ctx.Set<CustomerErasure>().Add(new CustomerErasure { CustomerId = erased, RequestedAt = Now, RequestedBy = "compliance", Reason = "test", PurgeDue = AsOf.AddYears(5) });
        var mergedCustomer = await ctx.Customers.SingleAsync(c => c.Id == merged);
        mergedCustomer.MergedIntoId = buyer;
        await ctx.SaveChangesAsync();

        var stale = await CampaignTargeting.CountAsync(ctx, gap, Now, AsOf, CancellationToken.None);
        stale.Matching.ShouldBe(before.Matching - 2, "the erased and the merged customer leave at once; the new contract waits for the refresh");
        stale.Book.ShouldBe(before.Book - 2);
        stale.MartRefreshedAt.ShouldBe(before.MartRefreshedAt);

        var refresh = await TargetingMart.RefreshAsync(ctx, Now.AddHours(1), AsOf, CancellationToken.None);
        refresh.State.Customers.ShouldBe(before.Book - 2);
        var fresh = await CampaignTargeting.CountAsync(ctx, gap, Now.AddHours(1), AsOf, CancellationToken.None);
        fresh.Matching.ShouldBe(before.Matching - 3, "after the refresh the buyer holds Health");
        fresh.Book.ShouldBe(before.Book - 2);
        fresh.MartRefreshedAt.ShouldBe(Now.AddHours(1));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CountAsync_FiveRules_OneStatementWithCountAndBook(DatabaseProvider provider)
    {
        await using var db = await BookAsync(provider);
        var counter = new StatementCounter();
        await using var ctx = new CrmDbContext(new DbContextOptionsBuilder<CrmDbContext>(db.Database.ContextOptions).AddInterceptors(counter).Options);
        var rule = RuleDefinition.Parse("""
            {"all":[{"field":"gap.family","op":"in","values":["Health"]},{"field":"age","op":"between","values":["25","64"]},
                    {"field":"value.grade","op":"in","values":["A","B","C","D","E"]},{"field":"reach.email","op":"is","values":["true"]},
                    {"field":"contact.daysSinceLast","op":"gte","values":["30"]}]}
            """, []).ShouldNotBeNull();
        var book = await Book.LoadAsync(ctx);
        counter.Reset();

        var count = await CampaignTargeting.CountAsync(ctx, rule, Now, AsOf, CancellationToken.None);

        counter.Statements.Count(s => s.Contains("customer_target c", StringComparison.Ordinal)).ShouldBe(1, string.Join("\n---\n", counter.Statements));
        count.Book.ShouldBe(book.Live.Count);
        count.Matching.ShouldBe(book.Live.Count(c => !book.Active(c.Id, k => k.Family == ProductFamily.Health)
            && c.BirthDate is { } d && Book.Age(d) is >= 25 and <= 64
            && book.Values.TryGetValue(c.Id, out var v) && v.Grade is "A" or "B" or "C" or "D" or "E"
            && book.PrimaryEmail.Contains(c.Id)
            && !book.Interactions.Any(i => i.CustomerId == c.Id && i.OccurredAt >= Now.AddDays(-30))));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ProfileAsync_TargetAgainstBook_EachDimensionAddsUpToTheCount(DatabaseProvider provider)
    {
        await using var db = await BookAsync(provider);
        var targeting = new CampaignTargeting(db.Database, new FixedClock(Now));
        const string Rule = """{"all":[{"field":"segment.cell","op":"in","values":["CrossSell"]}]}""";

        var profile = (await targeting.ProfileAsync(CampaignPlanKit.Author, Rule)).ShouldNotBeNull();
        var count = (await targeting.CountAsync(CampaignPlanKit.Author, Rule)).Value.ShouldNotBeNull();

        profile.IsOk.ShouldBeTrue();
        profile.Value!.Count.ShouldBe(count);
        foreach (var dimension in new[] { "grade", "cell", "ageBand", "lifecycle" })
        {
            var rows = profile.Value.Rows.Where(r => r.Dimension == dimension).ToList();
            rows.Sum(r => r.Target).ShouldBe(count.Matching, dimension);
            rows.Sum(r => r.Book).ShouldBe(count.Book, dimension);
        }
        // Every target customer is CrossSell, and only they are counted in the target's column of the cell mix.
        profile.Value.Rows.Where(r => r.Dimension == "cell" && r.Level != "CrossSell").ShouldAllBe(r => r.Target == 0);
        profile.Value.Rows.Single(r => r.Dimension == "cell" && r.Level == "CrossSell").Target.ShouldBe(count.Matching);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CountAsync_UnknownField_InvalidNamingTheField(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var targeting = new CampaignTargeting(db.Database, new FixedClock(Now));

        var result = await targeting.CountAsync(CampaignPlanKit.Author,
            """{"all":[{"field":"age","op":"gte","values":["30"]},{"field":"segment.cel","op":"in","values":["CrossSell"]}]}""");

        result.Outcome.ShouldBe(CampaignOutcome.Invalid);
        result.Errors["rules[1].field"].ShouldContain(m => m.Contains("'segment.cel'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CountAsync_UserWithoutCampaignView_Forbidden()
    {
        var targeting = new CampaignTargeting(null!, new FixedClock(Now));

        var result = await targeting.CountAsync(CampaignPlanKit.Agent, """{"all":[{"field":"age","op":"gte","values":["30"]}]}""");

        result.Outcome.ShouldBe(CampaignOutcome.Forbidden);
    }

    private sealed class FixedClock(DateTime utc) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(utc);
    }

    private sealed class StatementCounter : DbCommandInterceptor
    {
        public List<string> Statements { get; } = [];

        public void Reset() => Statements.Clear();

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Statements.Add(command.CommandText);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
