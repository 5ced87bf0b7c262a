using InsureCrm.Core;
using InsureCrm.Core.Common;
using InsureCrm.Core.Nightly;
using InsureCrm.Core.Value;
using InsureCrm.Tests;
using InsureCrm.Web.Value;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Web.Tests;

/// <summary>The web host's schedule runs the nightly chain of Core, the same steps as <c>insurecrm nightly run</c>.</summary>
public sealed class NightlyChainJobTests
{
    /// <summary>A step added to the chain's own (by default after them): it sees what the steps before it wrote, and fails when told to.</summary>
    private sealed class ProbeStep(TestDatabase db, int order = 10_000, bool fails = false) : INightlyStep
    {
        public List<(DateOnly AsOf, bool ValueRunSeen)> Runs { get; } = [];

        public string Name => "probe";

        public int Order => order;

        public async Task<NightlyStepResult> RunAsync(DateOnly asOf, CancellationToken ct)
        {
            await using var ctx = db.CreateContext();
            Runs.Add((asOf, await ctx.Set<ValueRun>().AnyAsync(r => r.RunDate == asOf && r.Status == ValueRunStatus.Completed, ct)));
            return fails ? throw new InvalidOperationException("probe broke") : new NightlyStepResult(["probed"]);
        }
    }

    [Fact]
    public async Task WebHostAndCli_ResolveTheSameNightlySteps()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db, new Dictionary<string, string?> { ["Value:Schedule:Enabled"] = "false" });
        var config = new ConfigurationBuilder().AddInMemoryCollection(db.Settings).Build();
        // The CLI's services are Core's (CliApp.BuildServices): the same registration.
        await using var cli = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(config).AddCrmCore(config).BuildServiceProvider();

        var web = factory.Services.GetRequiredService<NightlyChain>().StepNames;

        web.ShouldBe(["value", "lifecycle", "segments", "scores", "targeting", "campaigns", "orphans", "worklists", "callcenter", "voc-sla", "voc-learn", "voc-digest", "access-log"]);
        cli.GetRequiredService<NightlyChain>().StepNames.ShouldBe(web);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunOnce_RunsEveryStepOfTheNightlyChainInOrder(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var probe = new ProbeStep(db);
        await using var factory = new CrmWebFactory(db, new Dictionary<string, string?> { ["Value:Schedule:Enabled"] = "false" },
            builder => builder.ConfigureServices(s => s.AddSingleton<INightlyStep>(probe)));
        await CustomerApiTests.SeedAsync(factory);
        var job = factory.Services.GetRequiredService<ValueChainJob>();
        var asOf = new DateOnly(2026, 3, 2);

        (await job.RunOnceAsync(asOf, CancellationToken.None)).ShouldBeTrue();

        probe.Runs.ShouldBe([(asOf, true)], "the job runs the chain's registered steps, the probe after the value step");
    }

    [Fact]
    public async Task RunOnce_AStepFails_ThrowsNamingItAndRunsNoStepAfterIt()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        // Between the value step (100) and the lifecycle step (200).
        var probe = new ProbeStep(db, order: 150, fails: true);
        await using var factory = new CrmWebFactory(db, new Dictionary<string, string?> { ["Value:Schedule:Enabled"] = "false" },
            builder => builder.ConfigureServices(s => s.AddSingleton<INightlyStep>(probe)));
        await CustomerApiTests.SeedAsync(factory);
        var job = factory.Services.GetRequiredService<ValueChainJob>();
        var asOf = new DateOnly(2026, 3, 2);

        var error = await Should.ThrowAsync<InvalidOperationException>(() => job.RunOnceAsync(asOf, CancellationToken.None));

        error.Message.ShouldContain("probe");
        error.InnerException!.Message.ShouldBe("probe broke");
        await using var ctx = db.CreateContext();
        (await ctx.Set<ValueRun>().SingleAsync()).Status.ShouldBe(ValueRunStatus.Completed, "the step before the failing one is kept");
        (await ctx.Set<CustomerLifecycle>().AnyAsync()).ShouldBeFalse("the steps after the failing one do not run");
    }
}
