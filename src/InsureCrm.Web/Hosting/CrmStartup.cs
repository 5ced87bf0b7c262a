using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Identity;
using InsureCrm.Core.Models;
using InsureCrm.Core.Security;
using InsureCrm.Core.Synthetic;
using InsureCrm.Core.Value;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InsureCrm.Web.Hosting;

/// <summary>
/// Start-up work before the server takes requests: migrate (when <c>Database:MigrateOnStartup</c>), seed
/// the demo insurer when the database holds no customer (generated, then identity-resolved so its
/// cross-system duplicates show up as recorded merges), then the demo logins, printed to the console.
/// </summary>
internal sealed class CrmStartup(
    IServiceProvider services,
    DatabaseOptions database,
    IOptions<DemoOptions> demo,
    ILogger<CrmStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (database.MigrateOnStartup)
        {
            var applied = await services.GetRequiredService<Migrator>().MigrateAsync(cancellationToken);
            logger.LogInformation("Database ready on {Provider}; {Count} migration(s) applied", database.Provider, applied.Count);
        }
        // Before anything is written with them: the keys must be this database's own (or the first it sees).
        if (database.MigrateOnStartup || (await services.GetRequiredService<Migrator>().PendingAsync(cancellationToken)).Count == 0)
        {
            await services.GetRequiredService<ProtectionKeyCheck>().VerifyAsync(cancellationToken);
        }

        await using var scope = services.CreateAsyncScope();
        if (demo.Value.GenerateOnStartup)
        {
            await GenerateDemoInsurerAsync(scope.ServiceProvider, cancellationToken);
        }
        if (demo.Value.SeedUsers)
        {
            var created = await scope.ServiceProvider.GetRequiredService<DemoUsers>().EnsureAsync(cancellationToken);
            logger.LogInformation("Demo logins ensured; {Count} created now", created.Count);
            if (demo.Value.GenerateOnStartup)
            {
                await EnsureDemoModelsAsync(scope.ServiceProvider, cancellationToken);
            }
            PrintLogins();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task GenerateDemoInsurerAsync(IServiceProvider scoped, CancellationToken ct)
    {
        var generator = scoped.GetRequiredService<SyntheticInsurer>();
        if (!await generator.IsDatabaseEmptyAsync(ct))
        {
            return;
        }
        var customers = demo.Value.Customers;
        Console.WriteLine($"Empty database: generating a demo insurer with {customers:N0} customers...");
        var lastShown = 0;
        var progress = new Progress<GenerationProgress>(p =>
        {
            var percent = (int)(100L * p.CustomersWritten / Math.Max(1, p.CustomersTotal));
            if (percent >= lastShown + 20)
            {
                lastShown = percent;
                Console.WriteLine($"  {percent,3}% ({p.CustomersWritten:N0} customers)");
            }
        });
        var summary = await generator.GenerateAsync(new GenerationOptions(customers, demo.Value.Seed), progress, ct);
        var resolved = await scoped.GetRequiredService<IdentityResolution>().ResolveAllAsync("demo-setup", ct);
        logger.LogInformation("Demo insurer generated: {Customers} customers in {Seconds:F1} s; {Merges} duplicate identities merged",
            summary.Customers, summary.Duration.TotalSeconds, resolved.Merged);
        // The first night's value chain now, so that the demo shows value, grades and lifecycle at once.
        await scoped.GetRequiredService<Value.ValueChainJob>().RunOnceAsync(summary.AsOf, ct);
    }

    /// <summary>The demo's insurer models (built by the demo analyst, approved by the demo admin, scored), once.</summary>
    private async Task EnsureDemoModelsAsync(IServiceProvider scoped, CancellationToken ct)
    {
        DateOnly asOf;
        await using (var ctx = scoped.GetRequiredService<CrmDatabase>().CreateContext())
        {
            if (!await ctx.Customers.AnyAsync(ct) || await ValueRunReports.LatestRunAsync(ctx, ct) is not { } run)
            {
                return;
            }
            asOf = run.RunDate;
        }
        Console.WriteLine("Building the demo's models (lapse, purchase, loan, contract lapse, agent dropout, recruiting)...");
        var champions = await scoped.GetRequiredService<DemoModels>().EnsureAsync(asOf, ct);
        logger.LogInformation("Demo models: {Champions} champions scored as of {AsOf}", champions, asOf);
        await ActivatorUtilities.CreateInstance<Core.Campaigns.DemoCampaigns>(scoped).EnsureAsync(asOf, ct);
        await ActivatorUtilities.CreateInstance<Core.Worklists.DemoWorklists>(scoped).EnsureAsync(asOf, ct);
        await ActivatorUtilities.CreateInstance<Core.Orphans.DemoOrphans>(scoped).EnsureAsync(asOf, ct);
        await ActivatorUtilities.CreateInstance<Core.Orphans.DemoOrphanHistory>(scoped).EnsureAsync(asOf, ct);
        await ActivatorUtilities.CreateInstance<Core.CallCenter.DemoCallCenter>(scoped).EnsureAsync(asOf, ct);
        await ActivatorUtilities.CreateInstance<Core.CallCenter.Inbound.DemoInbound>(scoped).EnsureAsync(ct);
        await ActivatorUtilities.CreateInstance<Core.Voc.DemoVoc>(scoped).EnsureAsync(ct);
        await ActivatorUtilities.CreateInstance<Core.Voc.Mail.DemoVocMail>(scoped).EnsureAsync(ct);
    }

    private static void PrintLogins()
    {
        // Written to the console on purpose: these are demo credentials, not personal data.
        Console.WriteLine("InsureCRM demo logins (password for all: " + DemoUsers.Password + "):");
        foreach (var account in DemoUsers.Accounts)
        {
            Console.WriteLine($"  {account.UserName,-12} {account.Role}");
        }
    }
}
