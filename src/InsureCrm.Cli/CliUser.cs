using System.CommandLine;
using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli;

/// <summary>
/// Who runs a CLI verb that touches personal data: <c>--as USER</c> on any verb (or the
/// <c>INSURECRM_USER</c> environment variable). The account must exist in app_user, be active and
/// hold the verb's <see cref="Capability"/>: import and identity need <c>data:import</c> (admin,
/// compliance), generate needs <c>data:generate</c> (admin), the access review <c>compliance:logs</c>.
/// The verb is recorded in the access log under that account with the source "cli".
/// </summary>
internal static class CliUser
{
    public const string EnvironmentVariable = "INSURECRM_USER";

    public static readonly Option<string?> AsOption = new("--as")
    {
        Description = $"The account on whose behalf the verb runs (default: ${EnvironmentVariable}); it must be active and its role must allow the verb",
        Recursive = true,
    };

    /// <summary>The acting user, or null after printing why not (the caller exits with 1).</summary>
    public static async Task<CrmUser?> ResolveAsync(ParseResult parse, IServiceProvider services, string capability, CancellationToken ct)
    {
        var name = parse.GetValue(AsOption);
        if (string.IsNullOrWhiteSpace(name))
        {
            name = Environment.GetEnvironmentVariable(EnvironmentVariable);
        }
        if (string.IsNullOrWhiteSpace(name))
        {
            await Console.Error.WriteLineAsync($"Error: this verb touches personal data: name your account with --as USER (or {EnvironmentVariable}).");
            return null;
        }
        name = name.Trim();
        // Before any query: a database never migrated (or behind this build) would fail with "no such table".
        var pending = await services.GetRequiredService<Migrator>().PendingAsync(ct);
        if (pending.Count > 0)
        {
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Error: the database is not migrated ({pending.Count} of its migrations not applied, the first {pending[0]}): run 'insurecrm db migrate' first."));
            return null;
        }
        if (!await KeysMatchAsync(services, ct))
        {
            return null;
        }
        var account = await FindActiveAsync(services.GetRequiredService<CrmDatabase>(), name, ct);
        if (account is null)
        {
            await Console.Error.WriteLineAsync($"Error: there is no active account '{name}'.");
            return null;
        }
        if (!account.Role.Allows(capability))
        {
            var roles = string.Join(", ", Capability.RolesFor(capability));
            await Console.Error.WriteLineAsync($"Error: the role {account.Role} of '{name}' may not run this verb ({capability}: {roles}).");
            return null;
        }
        return account;
    }

    /// <summary>
    /// The active account named exactly <paramref name="name"/>, in SQL: a verb that needs no EF Core model (an import) does
    /// not wait a second or more for it to be built.
    /// </summary>
    private static async Task<CrmUser?> FindActiveAsync(CrmDatabase database, string name, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var cmd = ImportSql.Command(connection, null, "SELECT id, role, agent_id, branch_id FROM app_user WHERE user_name = @name AND is_active");
        ImportSql.Add(cmd, "name", name);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct))
        {
            return null;
        }
        long? Id(int i) => r.IsDBNull(i) ? null : r.GetInt64(i);
        return new CrmUser(r.GetInt64(0), name, Enum.Parse<Role>(r.GetString(1)), Id(2), Id(3), null, "cli");
    }

    /// <summary>
    /// <see cref="ProtectionKeyCheck.VerifyAsync"/> for a CLI verb: false, with the reason on standard error, when this process's
    /// keys are not the ones the database's data is protected with (the verb then stops before it reads or writes anything).
    /// </summary>
    internal static async Task<bool> KeysMatchAsync(IServiceProvider services, CancellationToken ct)
    {
        try
        {
            await services.GetRequiredService<ProtectionKeyCheck>().VerifyAsync(ct);
            return true;
        }
        catch (ProtectionKeyMismatchException ex)
        {
            await Console.Error.WriteLineAsync($"Error: {ex.Message}");
            return false;
        }
    }
}
