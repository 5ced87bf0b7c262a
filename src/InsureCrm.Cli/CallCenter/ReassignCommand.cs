using System.CommandLine;
using InsureCrm.Core.CallCenter.Reassign;
using InsureCrm.Core.Security;
using Microsoft.Extensions.DependencyInjection;
using static InsureCrm.Cli.CallCenter.CallCenterCommands;

namespace InsureCrm.Cli.CallCenter;

/// <summary>
/// <c>insurecrm callcenter reassign --from USER [--to USER] [--kinds HappyCall,...] [--items 12,15] --reason TEXT</c>: a supervisor moves a
/// consultant's open items to one consultant, or spreads them over every active consultant with the skill (the page
/// <c>/calls/reassign/{id}</c> does the same). Prints how many went to whom and how many stayed, by queue.
/// </summary>
internal static class ReassignCommand
{
    public static Command Create(Lazy<ServiceProvider> services)
    {
        var from = new Option<string>("--from") { Description = "The consultant (user name) whose open calls move", Required = true };
        var to = new Option<string?>("--to") { Description = "The active consultant who takes them; without it, spread over every active consultant with the skill, fewest open calls first" };
        var kinds = new Option<string?>("--kinds") { Description = "Only these queues, comma-separated: HappyCall, Interest, Prospect, LapseRisk, Campaign; default all" };
        var reason = new Option<string>("--reason") { Description = "Why (kept with each move), at most 500 characters", Required = true };
        var items = new Option<string?>("--items") { Description = "Only these of the consultant's calls, by item id, comma-separated (see callcenter queues show --user); --kinds is then not used" };
        var command = new Command("reassign", "Move a consultant's open calls to another consultant, or spread them by skill and load") { from, to, kinds, reason, items };
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var provider = services.Value;
            if (await BeginAsync(pr, provider, Capability.CallsReassign, ct) is not { } user)
            {
                return 1;
            }
            var chosen = pr.GetValue(kinds) is { } text ? await ParseKindsAsync(text) : [];
            if (chosen is null)
            {
                return 1;
            }
            var picked = new List<long>();
            foreach (var entry in (pr.GetValue(items) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!long.TryParse(entry, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var itemId))
                {
                    await Console.Error.WriteLineAsync(I($"Error: --items: '{entry}' is not an item id."));
                    return 1;
                }
                picked.Add(itemId);
            }
            await using var scope = provider.CreateAsyncScope();
            var service = scope.ServiceProvider.GetRequiredService<QueueReassignment>();
            var fromName = pr.GetValue(from)!;
            if (await service.UserIdAsync(fromName, ct) is not { } fromId)
            {
                await Console.Error.WriteLineAsync(I($"Error: --from: no account '{fromName}'."));
                return 1;
            }
            long? toId = null;
            if (pr.GetValue(to) is { } toName)
            {
                toId = await service.UserIdAsync(toName, ct);
                if (toId is null)
                {
                    await Console.Error.WriteLineAsync(I($"Error: --to: no account '{toName}'."));
                    return 1;
                }
            }
            var result = await service.ReassignAsync(user, new ReassignRequest(fromId, toId, chosen, pr.GetValue(reason), picked), ct);
            if (result.Status != ReassignStatus.Moved)
            {
                foreach (var (field, code) in result.Errors)
                {
                    await Console.Error.WriteLineAsync(I($"Error: {field}: {Message(code, fromName)}"));
                }
                return 1;
            }
            var names = await service.UserNamesAsync(result.MovedTo.Keys, ct);
            await LogAsync(provider, user, AccessAction.Change, I($"callcenter reassign from {fromName}: {result.Moved} items"), ct);
            Console.WriteLine(I($"{result.Moved} open calls of {fromName} reassigned: ")
                + string.Join(", ", result.MovedTo.OrderBy(m => names.GetValueOrDefault(m.Key)).Select(m => I($"{names.GetValueOrDefault(m.Key, "?")} {m.Value}"))));
            if (result.Stayed.Count > 0)
            {
                Console.WriteLine("Stayed (no consultant chosen takes the queue): " + string.Join(", ", result.Stayed.Select(s => I($"{s.Key} {s.Value}"))));
            }
            return 0;
        });
        return command;
    }

    private static string Message(string code, string fromName) => code switch
    {
        "from.notFound" => I($"'{fromName}' is not a call-center consultant and holds no open calls."),
        "reason.required" => "--reason is required.",
        "reason.long" => I($"--reason is longer than {QueueReassignment.MaxReason} characters."),
        "to.same" => "--to is the consultant the calls are taken from.",
        "to.invalid" => "--to must be an active call-center consultant.",
        "to.noSkill" => "the consultant chosen takes none of the queues chosen.",
        "items.none" => I($"'{fromName}' holds no open calls in the queues chosen."),
        "items.changed" => "a call given is not (or no longer) an open call of the consultant's; check callcenter queues show --user and run it again.",
        _ => code,
    };
}
