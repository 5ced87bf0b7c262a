using System.CommandLine;
using System.Globalization;
using InsureCrm.Cli.Common;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Core.Value;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace InsureCrm.Cli.Value;

/// <summary>
/// <c>insurecrm value run [--as-of yyyy-MM-dd] [--full] [--refresh-curves] --as USER</c>: the value chain for every
/// customer (<see cref="ValueChain"/>): lifetime value, grades and concentration, lifecycle states and segments, kept per run date.
/// </summary>
internal static class ValueCommands
{
    public static Command Create(Lazy<ServiceProvider> services)
    {
        var value = new Command("value", "Customer value, grades and lifecycle (the nightly chain)");
        var asOf = CliDates.AsOfOption("Date the values are computed as of (yyyy-MM-dd); default today in Korea");
        var full = new Option<bool>("--full") { Description = "Recompute every customer (default: only customers whose data changed since the last comparable run)" };
        var refresh = new Option<bool>("--refresh-curves") { Description = "Re-estimate the persistency curves although this month's are stored" };
        var run = new Command("run", "Compute value, grades, lifecycle states and segments for every customer; resumes an interrupted run for the same date") { asOf, full, refresh };
        run.SetAction(async (ParseResult pr, CancellationToken ct) =>
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
            var request = new ValueRunRequest(date, pr.GetValue(full), pr.GetValue(refresh));
            var result = await RunAsync(provider.GetRequiredService<ValueChain>(), request, ct);
            if (result is null)
            {
                Console.Error.WriteLine("Another process is running the value chain; try again when it has finished.");
                return 1;
            }
            var summary = result.Value;
            await provider.GetRequiredService<IAccessLog>().RecordAsync(user, new AccessEvent(AccessAction.Change, null, null,
                string.Create(CultureInfo.InvariantCulture, $"value run {summary.RunId} as of {date:yyyy-MM-dd}: {summary.Customers} customers")), ct);
            Console.WriteLine(summary.Headline(date));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Time: value {result.ValueTime.TotalSeconds:F1} s, lifecycle {result.LifecycleTime.TotalSeconds:F1} s, segments {result.SegmentTime.TotalSeconds:F1} s, total {(result.ValueTime + result.LifecycleTime + result.SegmentTime).TotalSeconds:F1} s."));
            foreach (var line in summary.Figures())
            {
                Console.WriteLine(line);
            }
            if (summary.Skipped + result.Lifecycle.Skipped + result.Segments.Skipped > 0)
            {
                // Ids are in the log and in value_run_skip; the reasons say which stored values to correct.
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Skipped (stored values out of range): value {Skips(summary.Skips)}; lifecycle {Skips(result.Lifecycle.Skips)}; segments {Skips(result.Segments.Skips)}. Customer ids: value_run_skip of run {summary.RunId}."));
            }
            Console.WriteLine(result.Lifecycle.Describe());
            Console.WriteLine(result.Segments.Describe());
            return 0;
        });
        value.Subcommands.Add(run);
        return value;
    }

    private static string Skips(IReadOnlyDictionary<string, int> byReason) =>
        byReason.Count == 0 ? "0" : SkipCounts.Describe(byReason);

    private static async Task<ValueChainResult?> RunAsync(ValueChain chain, ValueRunRequest request, CancellationToken ct)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            var lastPhase = "";
            var lastTenth = -1;
            return await chain.RunAsync(request, new SyncProgress<ValueRunProgress>(p =>
            {
                var tenth = p.Total == 0 ? 10 : 10 * p.Done / p.Total;
                if (p.Phase != lastPhase || tenth != lastTenth)
                {
                    (lastPhase, lastTenth) = (p.Phase, tenth);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"value: {p.Phase} {p.Done:N0}/{p.Total:N0}"));
                }
            }), ct);
        }
        ValueChainResult? result = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                result = await chain.RunAsync(request, new SyncProgress<ValueRunProgress>(p =>
                {
                    if (!tasks.TryGetValue(p.Phase, out var task))
                    {
                        task = tasks[p.Phase] = context.AddTask(p.Phase, maxValue: Math.Max(1, p.Total));
                    }
                    task.Value = p.Done;
                }), ct);
            });
        return result;
    }
}
