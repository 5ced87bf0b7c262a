using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace InsureCrm.Cli.Security;

/// <summary>
/// <c>insurecrm users list|add|set-role|deactivate|reactivate|reset-password --as ADMIN</c>: account management
/// through Core's <see cref="AccountAdmin"/>, the same rules and the same access_right_change record as
/// the web. <c>users add NAME --role Admin</c> without <c>--as</c> creates the first admin of a database
/// that has none. Passwords are never arguments (they would end up in shell history): <c>--password-stdin</c>
/// reads one line, otherwise a random password meeting the policy is generated and printed once.
/// Exit codes: 0 done, 1 refused (not an admin, unknown account, policy).
/// </summary>
internal static class UserCommands
{
    public static Command Create(Lazy<ServiceProvider> services)
    {
        var command = new Command("users", "Accounts: one per person; every grant, change and revocation is recorded for 3 years");
        var name = new Argument<string>("user") { Description = "The account's user name" };
        var role = new Option<Role>("--role") { Description = "Agent, CsConsultant, BranchManager, CallCenter, CallCenterSupervisor, Marketer, Analyst, VocHandler, Compliance or Admin", Required = true };
        var agent = new Option<string?>("--agent") { Description = "Agent code (agent and CS consultant accounts)" };
        var branch = new Option<string?>("--branch") { Description = "Branch code (branch manager accounts)" };
        var display = new Option<string?>("--display-name") { Description = "The name shown in the web (default: the user name)" };
        var stdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input instead of generating one" };

        var list = new Command("list", "List the accounts");
        list.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var (admin, actor, scope) = await ResolveAsync(services, pr, ct);
            await using var _ = scope;
            if (actor is null || await admin.ListAsync(actor, ct) is not { } users)
            {
                return 1;
            }
            var table = new Table().AddColumns("user", "role", "agent", "branch", "active", "locked until (UTC)", "password changed (UTC)");
            foreach (var u in users)
            {
                table.AddRow(Markup.Escape(u.UserName), u.Role.ToString(), Markup.Escape(u.AgentCode ?? ""), Markup.Escape(u.BranchCode ?? ""),
                    u.IsActive ? "yes" : "no", Time(u.LockoutEnd), Time(u.PasswordChangedAt));
            }
            AnsiConsole.Write(table);
            return 0;
        });

        var add = new Command("add", "Create an account (the first admin of an empty database needs no --as)") { name, role, agent, branch, display, stdin };
        add.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var password = await PasswordAsync(pr.GetValue(stdin));
            var userName = pr.GetValue(name)!;
            var request = new NewUser(userName, pr.GetValue(display) ?? userName, pr.GetValue(role), password.Value, pr.GetValue(agent), pr.GetValue(branch));
            await services.Value.GetRequiredService<Migrator>().MigrateAsync(ct);
            await using var scope = services.Value.CreateAsyncScope();
            var admin = scope.ServiceProvider.GetRequiredService<AccountAdmin>();
            AccountResult result;
            // The first admin of an empty database is created without an actor, whatever --as or INSURECRM_USER say
            // (there is nobody to act as yet); BootstrapAdminAsync refuses once any admin exists.
            if (request.Role == Role.Admin && (result = await admin.BootstrapAdminAsync(request, ct)).Succeeded)
            {
                Console.WriteLine($"First admin '{userName}' created.");
            }
            else
            {
                var actor = await CliUser.ResolveAsync(pr, services.Value, Capability.AdminUsers, ct);
                if (actor is null)
                {
                    return 1;
                }
                result = await admin.CreateAsync(actor, request, ct);
            }
            return await ReportAsync(result, $"Account '{userName}' created.", password);
        });

        var setRole = new Command("set-role", "Change an account's role (and its agent or branch); its sessions end") { name, role, agent, branch };
        setRole.SetAction((ParseResult pr, CancellationToken ct) => RunAsync(services, pr, (admin, actor) =>
            admin.SetRoleAsync(actor, pr.GetValue(name)!, pr.GetValue(role), pr.GetValue(agent), pr.GetValue(branch), ct), "Role changed; the account signs in again.", null, ct));

        var deactivate = new Command("deactivate", "Revoke all access: the account cannot sign in and its sessions end") { name };
        deactivate.SetAction((ParseResult pr, CancellationToken ct) => RunAsync(services, pr, (admin, actor) =>
            admin.DeactivateAsync(actor, pr.GetValue(name)!, ct), "Account deactivated.", null, ct));

        var reactivate = new Command("reactivate", "Give a deactivated account its role back") { name };
        reactivate.SetAction((ParseResult pr, CancellationToken ct) => RunAsync(services, pr, (admin, actor) =>
            admin.ReactivateAsync(actor, pr.GetValue(name)!, ct), "Account reactivated.", null, ct));

        var reset = new Command("reset-password", "Set a new password (policy-checked); the account's sessions end") { name, stdin };
        reset.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var password = await PasswordAsync(pr.GetValue(stdin));
            return await RunAsync(services, pr, (admin, actor) => admin.ResetPasswordAsync(actor, pr.GetValue(name)!, password.Value, ct), "Password reset.", password, ct);
        });

        foreach (var sub in new[] { list, add, setRole, deactivate, reactivate, reset })
        {
            command.Subcommands.Add(sub);
        }
        return command;
    }

    private sealed record NewPassword(string Value, bool Generated);

    private static async Task<int> RunAsync(Lazy<ServiceProvider> services, ParseResult pr,
        Func<AccountAdmin, CrmUser, Task<AccountResult>> action, string done, NewPassword? password, CancellationToken ct)
    {
        var (admin, actor, scope) = await ResolveAsync(services, pr, ct);
        await using var _ = scope;
        return actor is null ? 1 : await ReportAsync(await action(admin, actor), done, password);
    }

    private static async Task<(AccountAdmin Admin, CrmUser? Actor, AsyncServiceScope Scope)> ResolveAsync(Lazy<ServiceProvider> services, ParseResult pr, CancellationToken ct)
    {
        var actor = await CliUser.ResolveAsync(pr, services.Value, Capability.AdminUsers, ct);
        var scope = services.Value.CreateAsyncScope();
        return (scope.ServiceProvider.GetRequiredService<AccountAdmin>(), actor, scope);
    }

    private static async Task<int> ReportAsync(AccountResult result, string done, NewPassword? password)
    {
        if (result.Succeeded)
        {
            Console.WriteLine(done);
            if (password is { Generated: true })
            {
                // Shown once, for the person the account belongs to; they change it at /account/password.
                Console.WriteLine($"Initial password: {password.Value}");
            }
            return 0;
        }
        var rules = result.PasswordRules.Count > 0 ? " (" + string.Join(", ", result.PasswordRules) + ")" : "";
        await Console.Error.WriteLineAsync($"Refused: {result.Error}{rules}.");
        return 1;
    }

    private static async Task<NewPassword> PasswordAsync(bool fromStdin)
    {
        if (fromStdin)
        {
            return new NewPassword((await Console.In.ReadLineAsync())?.TrimEnd('\r', '\n') ?? "", false);
        }
        // 16 characters from each required class and a shuffle: always meets PasswordPolicy.
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", lower = "abcdefghijkmnopqrstuvwxyz", digits = "23456789", symbols = "!#%+-=?@";
        var all = upper + lower + digits + symbols;
        var chars = new[] { Pick(upper), Pick(lower), Pick(digits), Pick(symbols) }
            .Concat(Enumerable.Range(0, 12).Select(_ => Pick(all))).ToArray();
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new NewPassword(new string(chars), true);

        static char Pick(string set) => set[RandomNumberGenerator.GetInt32(set.Length)];
    }

    private static string Time(DateTime? utc) => utc?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "";
}
