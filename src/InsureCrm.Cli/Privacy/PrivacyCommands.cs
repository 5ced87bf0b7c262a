using System.CommandLine;
using System.Globalization;
using InsureCrm.Core.Privacy;
using InsureCrm.Core.Security;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace InsureCrm.Cli.Privacy;

/// <summary>
/// <c>insurecrm keys status</c>, <c>keys rotate --as ADMIN [--batch N]</c> (re-encrypt every protected value
/// with the active key; resumable) and <c>privacy purge --as USER</c> (the retention purge of erased
/// customers). Counts only, never personal data.
/// </summary>
internal static class PrivacyCommands
{
    public static IEnumerable<Command> Create(Lazy<ServiceProvider> services)
    {
        var keys = new Command("keys", "Encryption keys of RRNs, passport, driver-licence and bank-account numbers");

        var status = new Command("status", "How many protected values each key id encrypts (remove a key only when it encrypts nothing)");
        status.SetAction(async (ParseResult _, CancellationToken ct) =>
        {
            await using var scope = services.Value.CreateAsyncScope();
            var usage = await scope.ServiceProvider.GetRequiredService<KeyRotation>().UsageAsync(ct);
            var active = services.Value.GetRequiredService<FieldProtector>().ActiveKeyId;
            var table = new Table().AddColumns("table", "key id", "values", "");
            foreach (var u in usage)
            {
                table.AddRow(u.Table, Markup.Escape(u.KeyId), u.Values.ToString("N0", CultureInfo.InvariantCulture), u.KeyId == active ? "active" : "old");
            }
            AnsiConsole.Write(table);
            return 0;
        });
        keys.Subcommands.Add(status);

        var batch = new Option<int>("--batch") { Description = "Values re-encrypted per transaction", DefaultValueFactory = _ => KeyRotation.DefaultBatchSize };
        var rotate = new Command("rotate", "Re-encrypt every protected value that is not under the active key (Security:Protection:ActiveKeyId); safe to stop and run again") { batch };
        rotate.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var user = await CliUser.ResolveAsync(pr, services.Value, Capability.AdminUsers, ct);
            if (user is null)
            {
                return 1;
            }
            await using var scope = services.Value.CreateAsyncScope();
            var rotation = scope.ServiceProvider.GetRequiredService<KeyRotation>();
            RotationResult? result = null;
            await AnsiConsole.Progress().StartAsync(async ctx =>
            {
                var task = ctx.AddTask("re-encrypting", maxValue: double.MaxValue);
                task.IsIndeterminate = true;
                var progress = new Progress<long>(n => task.Description = string.Create(CultureInfo.InvariantCulture, $"re-encrypted {n:N0}"));
                result = await rotation.RotateAsync(user, Math.Max(1, pr.GetValue(batch)), progress, ct);
                task.StopTask();
            });
            if (result is null)
            {
                await Console.Error.WriteLineAsync("Error: only an admin rotates keys.");
                return 1;
            }
            foreach (var t in result.Tables)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{t.Table}: {t.Reencrypted:N0} re-encrypted, {t.RemainingOnOldKeys:N0} left on old keys."));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"All protected values are under key {result.ActiveKeyId}: {(result.Remaining == 0 ? "yes; old keys may now be removed from configuration" : "no; run again")}."));
            return result.Remaining == 0 ? 0 : 2;
        });
        keys.Subcommands.Add(rotate);

        var privacy = new Command("privacy", "Data-subject rights: the retention purge of erased customers");
        var purge = new Command("purge", "Remove the RRN and remaining identity of erased customers whose retention period has ended");
        purge.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var user = await CliUser.ResolveAsync(pr, services.Value, Capability.DataImport, ct);
            if (user is null)
            {
                return 1;
            }
            await using var scope = services.Value.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<DataSubjectPurge>().PurgeDueAsync(user, ct);
            if (result is null)
            {
                await Console.Error.WriteLineAsync("Error: only compliance and admin run the purge.");
                return 1;
            }
            Console.WriteLine(DataSubjectPurge.Describe(result));
            return 0;
        });
        privacy.Subcommands.Add(purge);
        return [keys, privacy];
    }
}
