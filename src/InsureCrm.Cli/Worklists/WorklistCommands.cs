using System.CommandLine;
using System.Globalization;
using InsureCrm.Cli.Common;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using InsureCrm.Core.Worklists;
using InsureCrm.Core.Worklists.Build;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Worklists;

/// <summary>
/// <c>insurecrm worklist build [--as-of yyyy-MM-dd] --as USER</c>: every agent's list for the day (the nightly step alone);
/// <c>insurecrm worklist show --agent CODE --as USER</c>: one agent's open items with their reasons, for a user whose scope holds the customers.
/// </summary>
internal static class WorklistCommands
{
    public static Command Create(Lazy<ServiceProvider> services)
    {
        var worklist = new Command("worklist", "The agents' daily lists of next-best actions");
        worklist.Subcommands.Add(Build(services));
        worklist.Subcommands.Add(Show(services));
        return worklist;
    }

    private static Command Build(Lazy<ServiceProvider> services)
    {
        var asOf = CliDates.AsOfOption("The day the lists are for (yyyy-MM-dd); default today in Korea");
        var build = new Command("build", "Arbitrate every agent's next-best actions for the day (after scoring; the nightly chain runs it)") { asOf };
        build.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var provider = services.Value;
            if (!CliDates.TryGet(pr, asOf, provider.GetRequiredService<TimeProvider>(), out var date))
            {
                return 1;
            }
            await provider.GetRequiredService<Migrator>().MigrateAsync(ct);
            var user = await CliUser.ResolveAsync(pr, provider, Capability.ValueRun, ct);
            if (user is null)
            {
                return 1;
            }
            await using var scope = provider.CreateAsyncScope();
            var summary = await scope.ServiceProvider.GetRequiredService<WorklistBuilder>().BuildAsync(date, ct);
            await provider.GetRequiredService<IAccessLog>().RecordAsync(user, new AccessEvent(AccessAction.Change, null, null,
                string.Create(CultureInfo.InvariantCulture, $"worklist build as of {date:yyyy-MM-dd}: {summary.Open} items")), ct);
            Console.WriteLine(WorklistStep.Describe(summary));
            Console.WriteLine("Phases: " + Phases.Describe(summary.Phases));
            Console.WriteLine("Open by action: " + (summary.OpenByAction.Count == 0 ? "none"
                : string.Join(", ", summary.OpenByAction.OrderByDescending(p => p.Value).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value}")))));
            Console.WriteLine("Refused by rule: " + (summary.Refused.Count == 0 ? "none"
                : string.Join(", ", summary.Refused.OrderByDescending(p => p.Value).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value}")))));
            return 0;
        });
        return build;
    }

    private static Command Show(Lazy<ServiceProvider> services)
    {
        var agent = new Option<string>("--agent") { Description = "The agent's code", Required = true };
        var show = new Command("show", "One agent's open items, best first, with why each is there (customers of your scope only)") { agent };
        show.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var provider = services.Value;
            var user = await CliUser.ResolveAsync(pr, provider, Capability.CustomersView, ct);
            if (user is null)
            {
                return 1;
            }
            await using var scope = provider.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            var code = pr.GetValue(agent)!.Trim();
            var found = await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Code == code, ct);
            if (found is null)
            {
                await Console.Error.WriteLineAsync($"Error: there is no agent with the code '{code}'.");
                return 1;
            }
            var customers = scope.ServiceProvider.GetRequiredService<CustomerScope>().Filter(db.Customers.AsNoTracking(), user);
            var items = await (from i in db.WorkItems.AsNoTracking()
                               join c in customers on i.CustomerId equals c.Id
                               where i.AgentId == found.Id && i.State == WorkItemState.Open
                               orderby i.Priority descending, i.Id
                               select new { Item = i, c.Name }).ToListAsync(ct);
            var total = await db.WorkItems.CountAsync(i => i.AgentId == found.Id && i.State == WorkItemState.Open, ct);
            if (items.Count > 0)
            {
                await provider.GetRequiredService<IAccessLog>().RecordManyAsync(user,
                    [.. items.Select(x => new AccessEvent(AccessAction.Search, x.Item.CustomerId, null, "worklist show"))], ct);
            }
            var today = CliDates.TodayInKorea(provider.GetRequiredService<TimeProvider>());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{found.Code} ({found.Kind}): {total} open items{(items.Count < total ? $", {items.Count} of them in your scope" : "")}."));
            Console.WriteLine("priority\taction\tcustomer_id\tname\tage_days\tchannel\twhy");
            foreach (var x in items)
            {
                var i = x.Item;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{i.Priority:0}\t{i.Action}\t{i.CustomerId}\t{x.Name}\t{today.DayNumber - i.FirstListedOn.DayNumber}\t{i.Channel}\t{WorkItemWords.English(i, WorkFacts.Read(i.Facts))}"));
            }
            return 0;
        });
        return show;
    }
}
