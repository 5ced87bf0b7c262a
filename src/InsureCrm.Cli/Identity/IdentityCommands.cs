using System.CommandLine;
using System.Globalization;
using InsureCrm.Core.Identity;
using InsureCrm.Core.Security;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace InsureCrm.Cli.Identity;

/// <summary>
/// <c>insurecrm identity resolve | merges [--customer ID] | undo MERGE_ID</c>, each <c>--as USER</c> (admin or
/// compliance; resolve and undo are recorded in the access log): ids only, never personal data.
/// </summary>
internal static class IdentityCommands
{
    public static Command Create(Lazy<ServiceProvider> services)
    {
        var identity = new Command("identity", "Identity resolution: one customer per person across source systems");

        var resolve = new Command("resolve", "Merge duplicate customers over the whole database (same RRN; same name, birth date and phone)");
        resolve.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var user = await CliUser.ResolveAsync(pr, services.Value, Capability.DataImport, ct);
            if (user is null)
            {
                return 1;
            }
            var result = await services.Value.GetRequiredService<IdentityResolution>().ResolveAllAsync(Actor(user), ct);
            await Log(services, user, string.Create(CultureInfo.InvariantCulture, $"identity resolve: merged {result.Merged}"), ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Merged {result.Merged:N0} customers: {result.BySameRrn:N0} by same RRN, {result.BySameNameBirthDatePhone:N0} by same name, birth date and phone; "
                + $"{result.SkippedUndone:N0} candidates skipped (merge undone before, or RRNs disagree)."));
            if (result.DuplicatesReturned > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{result.DuplicatesReturned:N0} phone and e-mail rows that a survivor held twice were returned to the customer merged into it."));
            }
            return 0;
        });
        identity.Subcommands.Add(resolve);

        var customer = new Option<long?>("--customer") { Description = "Only merges where this customer survived or was merged" };
        var limit = new Option<int>("--limit") { Description = "Most recent merges to list", DefaultValueFactory = _ => 50 };
        var merges = new Command("merges", "List identity merges, newest first") { customer, limit };
        merges.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            if (await CliUser.ResolveAsync(pr, services.Value, Capability.DataImport, ct) is null)
            {
                return 1;
            }
            var list = await services.Value.GetRequiredService<IdentityResolution>().ListAsync(pr.GetValue(customer), Math.Max(1, pr.GetValue(limit)), ct);
            if (list.Count == 0)
            {
                Console.WriteLine("No merges.");
                return 0;
            }
            var table = new Table().AddColumns("merge", "survivor", "merged", "rule", "merged at (UTC)", "by", "rows moved", "undone");
            foreach (var m in list)
            {
                var inv = CultureInfo.InvariantCulture;
                table.AddRow(
                    m.Id.ToString(inv), m.SurvivorId.ToString(inv), m.MergedId.ToString(inv), m.Rule.ToString(),
                    m.MergedAt.ToString("yyyy-MM-dd HH:mm", inv), Markup.Escape(m.MergedBy), m.RowsMoved.ToString(inv),
                    m.UndoneAt is { } u ? Markup.Escape($"{u.ToString("yyyy-MM-dd HH:mm", inv)} by {m.UndoneBy}") : "");
            }
            AnsiConsole.Write(table);
            return 0;
        });
        identity.Subcommands.Add(merges);

        var mergeId = new Argument<long>("merge-id") { Description = "Id of the merge to undo (see identity merges)" };
        var undo = new Command("undo", "Undo a merge: move its rows back and make the merged customer visible again") { mergeId };
        undo.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var user = await CliUser.ResolveAsync(pr, services.Value, Capability.DataImport, ct);
            if (user is null)
            {
                return 1;
            }
            var result = await services.Value.GetRequiredService<IdentityResolution>().UndoAsync(pr.GetValue(mergeId), Actor(user), ct);
            if (!result.Succeeded)
            {
                await Console.Error.WriteLineAsync($"Error: {result.Error}");
                return 1;
            }
            await Log(services, user, string.Create(CultureInfo.InvariantCulture, $"identity undo merge {pr.GetValue(mergeId)}: {result.RowsMovedBack} rows moved back"), ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Merge {pr.GetValue(mergeId)} undone: {result.RowsMovedBack:N0} rows moved back. The pair will not be merged again automatically."));
            return 0;
        });
        identity.Subcommands.Add(undo);
        return identity;
    }

    private static string Actor(CrmUser user) => "cli:" + user.UserName;

    private static Task Log(Lazy<ServiceProvider> services, CrmUser user, string detail, CancellationToken ct) =>
        services.Value.GetRequiredService<IAccessLog>().RecordAsync(user, new AccessEvent(AccessAction.Change, null, null, detail), ct);
}
