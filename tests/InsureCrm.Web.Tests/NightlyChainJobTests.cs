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
    /// <summary>A step added after the chain's own: it sees what the steps before it wrote.</summary>
    private sealed class ProbeStep(TestDatabase db) : INightlyStep
    {
        public List<(DateOnly AsOf, bool ValueRunSeen)> Runs { get; } = [];

        public string Name => "probe";

        public int Order => 10_000;

        public async Task<NightlyStepResult> RunAsync(DateOnly asOf, CancellationToken ct)
        {
            await using var ctx = db.CreateContext();
            Runs.Add((asOf, await ctx.Set<ValueRun>().AnyAsync(r => r.RunDate == asOf && r.Status == ValueRunStatus.Completed, ct)));
            return new NightlyStepResult(["probed"]);
        }
    }

    [Fact]
    public async Task WebHostAndCli_ResolveTheSameNightlySteps()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, migrate: false);
        await using var factory = new CrmWebFactory(db, new Dictionary<string, string?> { ["Value:Schedule:Enabled"] = "false" });
        var config = new ConfigurationBuilder().AddInMemoryCollection(db.Settings).Build();
        // The CLI's services are Core's (CliApp.BuildServices): the same registration.
        await using var cli = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(config).AddCrmCore(config).BuildServiceProvider();

        var web = factory.Services.GetRequiredService<NightlyChain>().StepNames;

        web.ShouldBe(["value", "lifecycle", "segments", "scores"]);
        cli.GetRequiredService<NightlyChain>().StepNames.ShouldBe(web);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunOnce_RunsEveryStepOfTheNightlyChainInOrder(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider, migrate: false);
        var probe = new ProbeStep(db);
        await using var factory = new CrmWebFactory(db, new Dictionary<string, string?> { ["Value:Schedule:Enabled"] = "false" },
            builder => builder.ConfigureServices(s => s.AddSingleton<INightlyStep>(probe)));
        await CustomerApiTests.SeedAsync(factory);
        var job = factory.Services.GetRequiredService<ValueChainJob>();
        var asOf = new DateOnly(2026, 3, 2);

        (await job.RunOnceAsync(asOf, CancellationToken.None)).ShouldBeTrue();

        probe.Runs.ShouldBe([(asOf, true)], "the job runs the chain's registered steps, the probe after the value step");
    }
}
