using System.CommandLine;
using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Core.Voc;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Voc;

/// <summary>
/// <c>insurecrm voc list [--state S] [--dept CODE] [--breached]</c>, <c>voc show NUMBER</c> and <c>voc sla run [--as-of]</c>.
/// Output names customers by id only; a case's text is shown by <c>show</c> to those who may see the case.
/// </summary>
internal static class VocCommands
{
    public static Command Create(Lazy<ServiceProvider> services)
    {
        var root = new Command("voc", "VOC cases: list, show, and the SLA run (warnings, escalations, the call center's complaints)");
        root.Subcommands.Add(List(services));
        root.Subcommands.Add(Show(services));
        var sla = new Command("sla", "The SLA clocks of open cases");
        sla.Subcommands.Add(SlaRun(services));
        root.Subcommands.Add(sla);
        VocChannelCommands.AddTo(root, services);
        var classifier = new Command("classifier", "The classifier that suggests a new case's type and category from its text");
        classifier.Subcommands.Add(Classifier(services, store: true));
        classifier.Subcommands.Add(Classifier(services, store: false));
        classifier.Subcommands.Add(ClassifierTime(services));
        root.Subcommands.Add(classifier);
        var repeats = new Command("repeats", "Repeat detection (a new case of the same customer about the same matter)");
        repeats.Subcommands.Add(RepeatsEvaluate(services));
        root.Subcommands.Add(repeats);
        return root;
    }

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static async Task<CrmUser?> BeginAsync(ParseResult pr, ServiceProvider provider, string capability, CancellationToken ct)
    {
        await provider.GetRequiredService<Migrator>().MigrateAsync(ct);
        return await CliUser.ResolveAsync(pr, provider, capability, ct);
    }

    private static Task LogAsync(ServiceProvider provider, CrmUser user, AccessAction action, string detail, CancellationToken ct) =>
        provider.GetRequiredService<IAccessLog>().RecordAsync(user, new AccessEvent(action, null, null, detail), ct);

    private static string Time(DateTime? utc) => utc is { } t ? t.AddHours(9).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "-";

    private static Command List(Lazy<ServiceProvider> services)
    {
        var state = new Option<string?>("--state") { Description = "Received, Assigned, InProgress, WaitingForCustomer, Resolved, Closed or Reopened; default every state but Closed" };
        var dept = new Option<string?>("--dept") { Description = "The managing department's code (CS, CLAIMS, POLICY, CALLCENTER, SALES, COMPLIANCE, PRIVACY, BR-...)" };
        var breached = new Option<bool>("--breached") { Description = "Only cases whose SLA was breached" };
        var take = new Option<int>("--take") { Description = "At most this many rows (default 200)", DefaultValueFactory = _ => 200 };
        var list = new Command("list", "Cases, breaches first, then by resolution deadline (times in Korea): number, type, category, severity, state, due, flags") { state, dept, breached, take };
        list.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            VocState? st = null;
            if (pr.GetValue(state) is { } s)
            {
                if (!Enum.TryParse<VocState>(s, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                {
                    Console.Error.WriteLine($"--state: '{s}' is not a state ({string.Join(", ", Enum.GetNames<VocState>())}).");
                    return 1;
                }
                st = parsed;
            }
            var provider = services.Value;
            if (await BeginAsync(pr, provider, Capability.VocWork, ct) is not { } user)
            {
                return 1;
            }
            await using var scope = provider.CreateAsyncScope();
            var rows = await scope.ServiceProvider.GetRequiredService<VocCases>().ListAsync(st, pr.GetValue(dept), pr.GetValue(breached), Math.Max(1, pr.GetValue(take)), ct);
            await LogAsync(provider, user, AccessAction.Search, I($"voc list: {rows.Count} cases"), ct);
            Console.WriteLine("number          type          category                severity  state               resolution due    flags");
            foreach (var r in rows)
            {
                var flags = string.Join(",", new[] { r.Breached ? "breached" : null, r.Escalated ? "escalated" : null, r.Paused ? "paused" : null }.OfType<string>());
                Console.WriteLine(I($"{r.Number,-15} {r.Type?.ToString() ?? "-",-13} {r.CategoryCode ?? "-",-23} {r.Severity,-9} {r.State,-19} {Time(r.ResolutionDueAt),-17} {flags}"));
            }
            Console.WriteLine(I($"{rows.Count} cases."));
            return 0;
        });
        return list;
    }

    private static Command Show(Lazy<ServiceProvider> services)
    {
        var number = new Argument<string>("NUMBER") { Description = "The case number (VOC-yyyy-nnnnnn)" };
        var show = new Command("show", "One case: its facts, routing, clocks, resolution and timeline") { number };
        show.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var provider = services.Value;
            if (await BeginAsync(pr, provider, Capability.VocIntake, ct) is not { } user)
            {
                return 1;
            }
            await using var scope = provider.CreateAsyncScope();
            var view = await scope.ServiceProvider.GetRequiredService<VocCases>().GetByNumberAsync(user, pr.GetValue(number)!.Trim(), ct);
            if (view is null)
            {
                Console.Error.WriteLine("No case with that number that you may see.");
                return 2;
            }
            var c = view.Case;
            await LogAsync(provider, user, AccessAction.View, "voc show " + c.Number, ct);
            string Dept(long? id) => id is { } i && view.Departments.TryGetValue(i, out var d) ? d.Code : "-";
            string Who(long? id) => id is { } i && view.Users.TryGetValue(i, out var u) ? u : "-";
            Console.WriteLine(I($"{c.Number}  {c.Channel}  {c.Type?.ToString() ?? "unclassified"}  {c.CategoryCode ?? "-"}  {c.Severity}  {c.State}"));
            Console.WriteLine(I($"customer id {c.CustomerId?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}, contract id {c.ContractId?.ToString(CultureInfo.InvariantCulture) ?? "-"}, received {Time(c.ReceivedAt)}"));
            Console.WriteLine(I($"departments: receiving {Dept(c.ReceivingDepartmentId)}, managing {Dept(c.ManagingDepartmentId)}, originating {Dept(c.OriginatingDepartmentId)}; owner {Who(c.OwnerUserId)}"));
            Console.WriteLine("routing: " + (c.RoutingNote is null ? "-" : VocRoutingNote.Describe(c.RoutingNote)));
            Console.WriteLine(I($"first response due {Time(c.FirstResponseDueAt)} (done {Time(c.FirstRespondedAt)}), resolution due {Time(c.ResolutionDueAt)}{(c.PausedAt is null ? "" : ", paused since " + Time(c.PausedAt))}{(c.Breached ? ", BREACHED" : "")}"));
            if (c.Subject is not null)
            {
                Console.WriteLine("subject: " + c.Subject);
            }
            Console.WriteLine(c.Text);
            if (c.Answer is not null)
            {
                Console.WriteLine(I($"answer ({c.ResolvedBy}, {Time(c.ResolvedAt)}; cause {c.Cause?.ToString() ?? "-"}, gap {c.Gap?.ToString() ?? "-"}, callback {(c.CallbackDone == true ? "done" : "not done")}, satisfaction {c.Satisfaction?.ToString(CultureInfo.InvariantCulture) ?? "-"}): {c.Answer}"));
            }
            Console.WriteLine("timeline:");
            foreach (var e in view.Timeline)
            {
                var move = e.FromDepartmentId is not null || e.ToDepartmentId is not null ? I($" {Dept(e.FromDepartmentId)}→{Dept(e.ToDepartmentId)}") : "";
                Console.WriteLine(I($"  {Time(e.At)} {e.Kind,-13} {e.By}{move}{(e.Note is null ? "" : " — " + e.Note)}"));
            }
            return 0;
        });
        return show;
    }

    private static Command SlaRun(Lazy<ServiceProvider> services)
    {
        var asOf = new Option<string?>("--as-of") { Description = "The time to judge the clocks at (yyyy-MM-ddTHH:mm in Korea, or with an offset); default now" };
        var run = new Command("run", "Open cases for the call center's VOC-flagged contacts, then warn and escalate every open case by its stored due times (the nightly step voc-sla)") { asOf };
        run.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            DateTimeOffset? at = null;
            if (pr.GetValue(asOf) is { } text)
            {
                var hasOffset = text.Contains('+', StringComparison.Ordinal) || text.EndsWith('Z') || text.LastIndexOf('-') > 9;
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var parsed))
                {
                    Console.Error.WriteLine($"--as-of: '{text}' is not a time (yyyy-MM-ddTHH:mm).");
                    return 1;
                }
                at = hasOffset ? parsed : new DateTimeOffset(parsed.DateTime, TimeSpan.FromHours(9));
            }
            var provider = services.Value;
            if (await BeginAsync(pr, provider, Capability.ValueRun, ct) is not { } user)
            {
                return 1;
            }
            await using var scope = provider.CreateAsyncScope();
            var s = await scope.ServiceProvider.GetRequiredService<VocSlaRun>().RunAsync(at, ct);
            await LogAsync(provider, user, AccessAction.Change, I($"voc sla run: {s.Warned} warned, {s.Escalated} escalated, {s.OpenedFromInbound} opened"), ct);
            Console.WriteLine(VocSlaRun.Describe(s));
            return 0;
        });
        return run;
    }

    private static Command Classifier(Lazy<ServiceProvider> services, bool store)
    {
        var seed = new Option<int>("--seed") { Description = "Seed of the held-out split (default 16)", DefaultValueFactory = _ => VocLearning.Seed };
        var command = store
            ? new Command("train", "Train on every confirmed case (type and category set by staff), store the model intake uses from now, and print its held-out accuracy against the majority class and the keyword rules") { seed }
            : new Command("evaluate", "Print the held-out accuracy of a classifier trained on the rest of the confirmed cases, against the majority class and the keyword rules; nothing stored") { seed };
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var provider = services.Value;
            if (await BeginAsync(pr, provider, Capability.ModelsManage, ct) is not { } user)
            {
                return 1;
            }
            await using var scope = provider.CreateAsyncScope();
            var learning = scope.ServiceProvider.GetRequiredService<VocLearning>();
            var r = store ? await learning.TrainAsync(user.UserName, pr.GetValue(seed), ct) : await learning.EvaluateAsync(pr.GetValue(seed), ct);
            if (r.Evaluation is not { } e)
            {
                Console.Error.WriteLine(r.Refusal);
                return 2;
            }
            Console.WriteLine(VocLearning.Describe(e));
            foreach (var c in e.TypeConfusions.Concat(e.CategoryConfusions))
            {
                Console.WriteLine(I($"  confused: {c.Actual} taken for {c.Predicted} ({c.Count})"));
            }
            if (r.ModelId is { } id)
            {
                await LogAsync(provider, user, AccessAction.Change, I($"voc classifier train: model {id} on {r.Cases} cases"), ct);
                Console.WriteLine(I($"Model {id} stored, trained on all {r.Cases:N0} confirmed cases; new cases get its suggestion."));
            }
            return 0;
        });
        return command;
    }

    private static Command ClassifierTime(Lazy<ServiceProvider> services)
    {
        var cases = new Option<int>("--cases") { Description = "How many of the newest cases' texts to classify (default 200)", DefaultValueFactory = _ => 200 };
        var command = new Command("time", "Time the stored model's suggestion as intake asks for it: the first (which loads the model), then each of the newest cases' texts (p50, p99); nothing stored") { cases };
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var n = pr.GetValue(cases);
            if (n is < 1 or > 100_000)
            {
                Console.Error.WriteLine(I($"--cases must be between 1 and 100000, not {n}."));
                return 1;
            }
            var provider = services.Value;
            if (await BeginAsync(pr, provider, Capability.ModelsManage, ct) is null)
            {
                return 1;
            }
            await using var scope = provider.CreateAsyncScope();
            var timing = await scope.ServiceProvider.GetRequiredService<VocLearning>().TimeSuggestionsAsync(
                scope.ServiceProvider.GetRequiredService<VocClassifierCache>(), n, ct);
            if (timing is null)
            {
                Console.Error.WriteLine("No stored classifier model: run voc classifier train first.");
                return 2;
            }
            Console.WriteLine(timing.Describe());
            return 0;
        });
        return command;
    }

    private static Command RepeatsEvaluate(Lazy<ServiceProvider> services)
    {
        var evaluate = new Command("evaluate", "Precision and recall of the stored repeat links on the demo's generated cases, whose planted repeats are known");
        evaluate.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var provider = services.Value;
            if (await BeginAsync(pr, provider, Capability.ModelsManage, ct) is not { } user)
            {
                return 1;
            }
            await using var scope = provider.CreateAsyncScope();
            var s = await DemoVocCases.EvaluateRepeatsAsync(scope.ServiceProvider.GetRequiredService<CrmDbContext>(),
                scope.ServiceProvider.GetRequiredService<VocOptions>(), ct);
            if (s.Cases == 0)
            {
                Console.Error.WriteLine("No generated demo cases with known repeats in this database.");
                return 2;
            }
            Console.WriteLine(DemoVocCases.Describe(s));
            return 0;
        });
        return evaluate;
    }
}
