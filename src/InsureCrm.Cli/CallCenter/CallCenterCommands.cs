using System.CommandLine;
using System.Globalization;
using InsureCrm.Cli.Common;
using InsureCrm.Core.CallCenter;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.CallCenter;

/// <summary>
/// <c>insurecrm callcenter queues build [--as-of yyyy-MM-dd]</c> (the nightly step alone), <c>callcenter queues show [--user U]</c>,
/// <c>callcenter report [--as-of]</c>, <c>callcenter skills USER --kinds HappyCall,Campaign</c> and <c>callcenter reassign</c>
/// (<see cref="ReassignCommand"/>). Output names customers by id only.
/// </summary>
internal static class CallCenterCommands
{
    public static Command Create(Lazy<ServiceProvider> services)
    {
        var root = new Command("callcenter", "The call center: the outbound queues (build, show, report, skills) and the inbound console's lookup and callbacks");
        var queues = new Command("queues", "The outbound queues (happy call, interest, prospect, lapse risk, campaign)");
        queues.Subcommands.Add(Build(services));
        queues.Subcommands.Add(Show(services));
        root.Subcommands.Add(queues);
        root.Subcommands.Add(Report(services));
        root.Subcommands.Add(Skills(services));
        root.Subcommands.Add(ReassignCommand.Create(services));
        return root;
    }

    internal static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    internal static async Task<CrmUser?> BeginAsync(ParseResult pr, ServiceProvider provider, string capability, CancellationToken ct)
    {
        await provider.GetRequiredService<Migrator>().MigrateAsync(ct);
        return await CliUser.ResolveAsync(pr, provider, capability, ct);
    }

    internal static Task LogAsync(ServiceProvider provider, CrmUser user, AccessAction action, string detail, CancellationToken ct) =>
        provider.GetRequiredService<IAccessLog>().RecordAsync(user, new AccessEvent(action, null, null, detail), ct);

    private static Command Build(Lazy<ServiceProvider> services)
    {
        var asOf = CliDates.AsOfOption("The day the queues are for (yyyy-MM-dd); default today in Korea");
        var build = new Command("build", "Build the day's outbound queues through the contact policy and hand them to consultants (the nightly chain runs it after the worklists)") { asOf };
        build.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var provider = services.Value;
            if (!CliDates.TryGet(pr, asOf, provider.GetRequiredService<TimeProvider>(), out var date))
            {
                return 1;
            }
            if (await BeginAsync(pr, provider, Capability.ValueRun, ct) is not { } user)
            {
                return 1;
            }
            await using var scope = provider.CreateAsyncScope();
            var s = await scope.ServiceProvider.GetRequiredService<CallCenterQueueBuild>().BuildAsync(date, ct);
            await LogAsync(provider, user, AccessAction.Change, I($"callcenter queues build as of {date:yyyy-MM-dd}: {s.New} items"), ct);
            Console.WriteLine(CallCenterQueueStep.Describe(s));
            Console.WriteLine("New by queue: " + string.Join(", ", s.NewByKind.Select(k => I($"{k.Key} {k.Value}"))));
            Console.WriteLine("Refused by reason: " + (s.Refused.Count == 0 ? "none"
                : string.Join(", ", s.Refused.OrderByDescending(p => p.Value).Select(p => I($"{p.Key} {p.Value}")))));
            return 0;
        });
        return build;
    }

    private static Command Show(Lazy<ServiceProvider> services)
    {
        var userOption = new Option<string?>("--user") { Description = "One consultant's items (user name); default every open item" };
        var show = new Command("show", "The open items (at most 1,000): id, queue, customer id, consultant, due day, next attempt, state, attempts") { userOption };
        show.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var provider = services.Value;
            if (await BeginAsync(pr, provider, Capability.CallsLive, ct) is not { } user)
            {
                return 1;
            }
            await using var scope = provider.CreateAsyncScope();
            var rows = await scope.ServiceProvider.GetRequiredService<CallQueues>().OpenItemsAsync(pr.GetValue(userOption), ct);
            await LogAsync(provider, user, AccessAction.Search, I($"callcenter queues show: {rows.Count} items"), ct);
            Console.WriteLine("id\tqueue\tcustomer_id\tconsultant\tdue_on\tnext_attempt_utc\tstate\tattempts");
            foreach (var r in rows)
            {
                Console.WriteLine(I($"{r.Id}\t{r.Kind}\t{r.CustomerId}\t{r.User ?? "-"}\t{r.DueOn:yyyy-MM-dd}\t{r.NextAttemptAt:yyyy-MM-dd HH:mm}\t{r.State}\t{r.Attempts}"));
            }
            Console.WriteLine(I($"{rows.Count} open items."));
            return 0;
        });
        return show;
    }

    private static Command Report(Lazy<ServiceProvider> services)
    {
        var asOf = CliDates.AsOfOption("The day reported (yyyy-MM-dd); default today in Korea");
        var report = new Command("report", "Per queue open, due, overdue and done; per consultant load and done; the day's outcomes; the weekly happy-call completion rate") { asOf };
        report.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var provider = services.Value;
            if (!CliDates.TryGet(pr, asOf, provider.GetRequiredService<TimeProvider>(), out var date))
            {
                return 1;
            }
            if (await BeginAsync(pr, provider, Capability.CallsLive, ct) is not { } user)
            {
                return 1;
            }
            await using var scope = provider.CreateAsyncScope();
            var v = await scope.ServiceProvider.GetRequiredService<CallQueues>().LiveAsync(date, ct);
            await LogAsync(provider, user, AccessAction.Search, I($"callcenter report as of {date:yyyy-MM-dd}"), ct);
            Console.WriteLine(I($"Call center as of {date:yyyy-MM-dd} (end of day):"));
            Console.WriteLine("queue\topen\tdue\toverdue\tdone_today\tunassigned\texpired_today");
            foreach (var k in v.Kinds)
            {
                Console.WriteLine(I($"{k.Kind}\t{k.Open}\t{k.Due}\t{k.Overdue}\t{k.DoneToday}\t{k.Unassigned}\t{k.ExpiredToday}"));
            }
            Console.WriteLine("consultant\tskills\topen\tassigned_today\tdone_today");
            foreach (var c in v.Consultants)
            {
                Console.WriteLine(I($"{c.UserName}\t{c.Skills}\t{c.Open}\t{c.AssignedToday}\t{c.DoneToday}"));
            }
            Console.WriteLine("Outcomes of the day: " + (v.OutcomesToday.Count == 0 ? "none"
                : string.Join(", ", v.OutcomesToday.OrderByDescending(p => p.Value).Select(p => I($"{p.Key} {p.Value}")))));
            Console.WriteLine("Happy calls completed within the days of issue / new contracts, by week (Monday):");
            foreach (var w in v.Weeks)
            {
                Console.WriteLine(I($"  {w.Monday:yyyy-MM-dd}: {w.CompletedInTime} / {w.NewContracts}{(w.Rate is { } r ? $" = {r:P1}" : "")}"));
            }
            Console.WriteLine(I($"Open escalations to branches: {v.OpenEscalations}"));
            return 0;
        });
        return report;
    }

    /// <summary>A --kinds list (comma-separated, any case); null after saying which entry is not a queue kind.</summary>
    internal static async Task<List<QueueKind>?> ParseKindsAsync(string text)
    {
        var parsed = new List<QueueKind>();
        foreach (var k in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<QueueKind>(k, true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(k, out _))
            {
                await Console.Error.WriteLineAsync(I($"Error: --kinds: '{k}' is not a queue kind (HappyCall, Interest, Prospect, LapseRisk, Campaign)."));
                return null;
            }
            parsed.Add(kind);
        }
        return parsed;
    }

    private static Command Skills(Lazy<ServiceProvider> services)
    {
        var name = new Argument<string>("user") { Description = "The call-center consultant's user name" };
        var kinds = new Option<string>("--kinds") { Description = "Queue kinds the consultant takes, comma-separated: HappyCall, Interest, Prospect, LapseRisk, Campaign", Required = true };
        var skills = new Command("skills", "Set the queue kinds a call-center consultant takes (without a setting: every kind)") { name, kinds };
        skills.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var provider = services.Value;
            if (await BeginAsync(pr, provider, Capability.AdminUsers, ct) is not { } user)
            {
                return 1;
            }
            if (await ParseKindsAsync(pr.GetValue(kinds)!) is not { } parsed)
            {
                return 1;
            }
            var userName = pr.GetValue(name)!;
            await using var scope = provider.CreateAsyncScope();
            var set = await scope.ServiceProvider.GetRequiredService<CallQueues>().SetSkillsAsync(userName, parsed, ct);
            if (set is null)
            {
                await Console.Error.WriteLineAsync(I($"Error: '{userName}' is not a call-center consultant account, or no kind was given."));
                return 1;
            }
            await LogAsync(provider, user, AccessAction.Change, I($"callcenter skills {userName}: {string.Join(",", set.Order())}"), ct);
            Console.WriteLine(I($"{userName} takes: {string.Join(", ", set.Order())}"));
            return 0;
        });
        return skills;
    }
}
