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

    /// <summary>
    /// A verb on one case (contact, coverage, reassign): the same rules as the case page. The account needs
    /// <see cref="Capability.OrphansView"/> and the case in its scope (<see cref="OrphanBoard.InScopeAsync"/>: a CS consultant
    /// their own cases, a branch manager the branch's, an admin every one); a case outside it is answered like an unknown one.
    /// A reassignment also needs <see cref="OrphanBoard.MayReassign"/> (a branch manager or an admin).
    /// </summary>
    public static Task<int> RunOnCaseAsync(ParseResult pr, Lazy<ServiceProvider> services, long caseId, bool reassigns,
        Func<OrphanService, CrmUser, Task<(string Log, int Code)>> work, CancellationToken ct) =>
        RunAsync(pr, services, Capability.OrphansView, async (service, user) =>
        {
            await using var scope = services.Value.CreateAsyncScope();
            if (!await scope.ServiceProvider.GetRequiredService<OrphanBoard>().InScopeAsync(user, caseId, ct))
            {
                throw new OrphanRequestException(string.Create(CultureInfo.InvariantCulture, $"there is no orphan case {caseId} among the cases '{user.UserName}' may see."));
            }
            if (reassigns && !OrphanBoard.MayReassign(user))
            {
                throw new OrphanRequestException("reassigning a case needs a branch manager (of the case's branch) or an admin.");
            }
            return await work(service, user);
        }, ct);

    public static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
