using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.Extensions.Options;

namespace InsureCrm.Web.Hosting;

/// <summary>
/// Creates the demo insurer's data on start-up. The synthetic generator (Core/Synthetic) plugs in here:
/// register an implementation with <c>services.AddSingleton&lt;IDemoDataSeeder, ...&gt;()</c>.
/// </summary>
internal interface IDemoDataSeeder
{
    /// <summary>Fills an empty database with demo data; does nothing when customers exist.</summary>
    Task SeedIfEmptyAsync(CancellationToken ct);
}

/// <summary>
/// Start-up work before the server takes requests: migrate (when <c>Database:MigrateOnStartup</c>), seed
/// the demo data (through <see cref="IDemoDataSeeder"/>), then the demo logins, printed to the console.
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

        await using var scope = services.CreateAsyncScope();
        if (demo.Value.GenerateOnStartup)
        {
            // HOOK(synthetic): the generator's IDemoDataSeeder adapter runs here when registered.
            foreach (var seeder in scope.ServiceProvider.GetServices<IDemoDataSeeder>())
            {
                await seeder.SeedIfEmptyAsync(cancellationToken);
            }
        }
        if (demo.Value.SeedUsers)
        {
            var created = await scope.ServiceProvider.GetRequiredService<DemoUsers>().EnsureAsync(cancellationToken);
            logger.LogInformation("Demo logins ensured; {Count} created now", created.Count);
            PrintLogins();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

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
