using InsureCrm.Core.Common;
using InsureCrm.Core.Nightly;
using InsureCrm.Core.Value;
using InsureCrm.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace InsureCrm.Core.Tests.Nightly;

public sealed class NightlyChainTests
{
    private static readonly DateOnly AsOf = new(2026, 3, 2);

    /// <summary>A step that records that it ran (in the shared list) and fails when told to.</summary>
    private sealed class FakeStep(string name, int order, List<string> ran, bool fails = false) : INightlyStep
    {
        public string Name => name;

        public int Order => order;

        public Task<NightlyStepResult> RunAsync(DateOnly asOf, CancellationToken ct)
        {
            ran.Add($"{name} {asOf:yyyy-MM-dd}");
            return fails
                ? throw new InvalidOperationException($"{name} broke")
                : Task.FromResult(new NightlyStepResult([$"{name} done"], new Dictionary<string, int> { ["some_reason"] = order / 100 }));
        }
    }

    private static NightlyChain Chain(TestDatabase db, params INightlyStep[] steps) => new(steps, db.Database, TimeProvider.System);

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_AStepFails_StopsAtItAndReportsWhichStep(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var ran = new List<string>();
        // Registered out of order: the chain runs them by Order.
        var chain = Chain(db, new FakeStep("third", 300, ran), new FakeStep("first", 100, ran), new FakeStep("second", 200, ran, fails: true));

        var result = (await chain.RunAsync(AsOf, ct: CancellationToken.None)).ShouldNotBeNull();

        chain.StepNames.ShouldBe(["first", "second", "third"]);
        ran.ShouldBe(["first 2026-03-02", "second 2026-03-02"], "the step after the failing one does not run");
        result.Steps.Select(s => s.Step).ShouldBe(["first"]);
        result.Steps[0].Result.Summary.ShouldBe(["first done"]);
        result.Steps[0].Result.Skipped.ShouldBe(1);
        var failure = result.Failure.ShouldNotBeNull();
        failure.Step.ShouldBe("second");
        failure.Error.Message.ShouldBe("second broke");
        result.Succeeded.ShouldBeFalse();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_FromAStep_RunsItAndTheStepsAfterIt(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var ran = new List<string>();
        var chain = Chain(db, new FakeStep("first", 100, ran), new FakeStep("second", 200, ran), new FakeStep("third", 300, ran));

        var result = (await chain.RunAsync(AsOf, "second", ct: CancellationToken.None)).ShouldNotBeNull();

        ran.ShouldBe(["second 2026-03-02", "third 2026-03-02"]);
        result.Succeeded.ShouldBeTrue();
        result.Steps.Select(s => s.Step).ShouldBe(["second", "third"]);
    }

    [Fact]
    public async Task RunAsync_UnknownFrom_ThrowsNamingTheStepsAndRunsNothing()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var ran = new List<string>();
        var chain = Chain(db, new FakeStep("first", 100, ran), new FakeStep("second", 200, ran));

        var error = await Should.ThrowAsync<ArgumentException>(() => chain.RunAsync(AsOf, "bogus", ct: CancellationToken.None));

        error.Message.ShouldContain("first, second");
        ran.ShouldBeEmpty();
    }

    [Fact]
    public async Task Create_TwoStepsWithOneNameOrOneOrder_Refused()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var ran = new List<string>();

        Should.Throw<InvalidOperationException>(() => Chain(db, new FakeStep("a", 100, ran), new FakeStep("a", 200, ran)));
        Should.Throw<InvalidOperationException>(() => Chain(db, new FakeStep("a", 100, ran), new FakeStep("b", 100, ran)));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunAsync_AnotherNodeHoldsTheChainsLock_SkipsOnPostgres(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var ran = new List<string>();
        var chain = Chain(db, new FakeStep("first", 100, ran));

        if (provider == DatabaseProvider.Postgres)
        {
            // The value chain's lock: `insurecrm value run`, `insurecrm nightly run` and the schedule exclude each other.
            await using var otherNode = new NpgsqlConnection(db.ConnectionString + ";Pooling=false");
            await otherNode.OpenAsync();
            await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({ValueChain.LockId})", otherNode))
            {
                await take.ExecuteScalarAsync();
            }
            (await chain.RunAsync(AsOf, ct: CancellationToken.None)).ShouldBeNull();
            ran.ShouldBeEmpty();
            // Released explicitly: the server drops a closed session's locks only when its backend has exited.
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({ValueChain.LockId})", otherNode);
            await release.ExecuteScalarAsync();
        }

        (await chain.RunAsync(AsOf, ct: CancellationToken.None)).ShouldNotBeNull().Succeeded.ShouldBeTrue();
        ran.ShouldBe(["first 2026-03-02"]);
    }

    [Fact]
    public async Task AddCrmCore_RegistersTheChainsStepsInOrder()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var config = new ConfigurationBuilder().AddInMemoryCollection(db.Settings).Build();
        await using var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(config).AddCrmCore(config).BuildServiceProvider();

        services.GetRequiredService<NightlyChain>().StepNames.ShouldBe(["value", "lifecycle", "segments", "scores", "targeting", "campaigns", "orphans", "worklists", "callcenter", "voc-sla", "voc-learn", "voc-digest", "access-log"]);
    }
}
