using System.CommandLine;
using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Orphans;
using InsureCrm.Core.Security;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Orphans;

/// <summary>What every orphan verb does around its work: migrate, resolve <c>--as</c>, run in a scope, log the access, turn a refusal into exit code 1.</summary>
internal static class OrphanVerb
{
    public static async Task<int> RunAsync(ParseResult pr, Lazy<ServiceProvider> services, string capability,
        Func<OrphanService, CrmUser, Task<(string Log, int Code)>> work, CancellationToken ct)
    {
        var provider = services.Value;
        await provider.GetRequiredService<Migrator>().MigrateAsync(ct);
        var user = await CliUser.ResolveAsync(pr, provider, capability, ct);
        if (user is null)
        {
            return 1;
        }
        await using var scope = provider.CreateAsyncScope();
        try
        {
            var (log, code) = await work(scope.ServiceProvider.GetRequiredService<OrphanService>(), user);
            await provider.GetRequiredService<IAccessLog>().RecordAsync(user, new AccessEvent(AccessAction.Change, null, null, log), ct);
            return code;
        }
        catch (OrphanRequestException e)
        {
            await Console.Error.WriteLineAsync("Error: " + e.Message);
            return 1;
        }
    }

    public static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
