using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using InsureCrm.Cli.Common;
using InsureCrm.Core.Common;
using InsureCrm.Core.Nightly;
using InsureCrm.Core.Security;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Nightly;

/// <summary>
/// <c>insurecrm nightly run [--as-of yyyy-MM-dd] [--from STEP] --as USER</c>: the nightly chain (<see cref="NightlyChain"/>)
/// exactly as the web host's schedule runs it: value, lifecycle, segments, the champions' scores (and the steps later
/// features add), each step's summary printed as it completes. Exit 0 when every step completed; 1 when nothing ran
/// (bad arguments, no right, the chain busy, or the first step failed); 2 when a later step failed (the steps before it
/// are kept: rerun with <c>--from</c> that step).
/// </summary>
internal static class NightlyCommands
{
    public static Command Create(Lazy<ServiceProvider> services)
    {
        var nightly = new Command("nightly", "The nightly chain the web host runs on its schedule");
        var asOf = CliDates.AsOfOption("Date the chain runs as of (yyyy-MM-dd); default today in Korea");
        var from = new Option<string?>("--from") { Description = "Start at this step (value, lifecycle, segments, scores) and run the ones after it; default the first" };
        var run = new Command("run", "Run every step of the nightly chain in order (value, lifecycle, segments, scores), stopping at a step that fails") { asOf, from };
        run.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var provider = services.Value;
            if (!CliDates.TryGet(pr, asOf, provider.GetRequiredService<TimeProvider>(), out var date))
            {
                return 1;
            }
            var chain = provider.GetRequiredService<NightlyChain>();
            string? first = null;
            if (pr.GetValue(from) is { } name && (first = chain.FindStep(name)) is null)
            {
                await Console.Error.WriteLineAsync($"Error: --from must be one of the steps: {string.Join(", ", chain.StepNames)}.");
                return 1;
            }
            await provider.GetRequiredService<Migrator>().MigrateAsync(ct);
            // The chain writes values, lifecycle states and segments (value:run) and scores (models:manage).
            var user = await CliUser.ResolveAsync(pr, provider, Capability.ValueRun, ct);
            if (user is null)
            {
                return 1;
            }
            if (!user.Role.Allows(Capability.ModelsManage))
            {
                await Console.Error.WriteLineAsync($"Error: the role {user.Role} of '{user.UserName}' may not run this verb ({Capability.ModelsManage}: {string.Join(", ", Capability.RolesFor(Capability.ModelsManage))}).");
                return 1;
            }
            var steps = chain.StepNames.SkipWhile(s => first is not null && s != first).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Nightly chain as of {date:yyyy-MM-dd}: {string.Join(", ", steps)}."));
            using var usage = StepUsage.Start();
            var result = await chain.RunAsync(date, first, new SyncProgress<NightlyStepRun>(step =>
            {
                // Steps run one after another, and this hears of each as it completes: the CPU and memory since the last one are the step's.
                var (cpu, peakMegabytes) = usage.Next();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{step.Step} ({step.Elapsed.TotalSeconds:F1} s; CPU {cpu.TotalSeconds:F1} s; peak RSS {peakMegabytes:N0} MB)"));
                foreach (var line in step.Result.Summary)
                {
                    Console.WriteLine("  " + line);
                }
            }), ct);
            if (result is null)
            {
                await Console.Error.WriteLineAsync("Another process is running the nightly or value chain; try again when it has finished.");
                return 1;
            }
            if (result.Steps.Count > 0)
            {
                var failed = result.Failure is { } f ? $"; {f.Step} failed" : "";
                await provider.GetRequiredService<IAccessLog>().RecordAsync(user, new AccessEvent(AccessAction.Change, null, null,
                    string.Create(CultureInfo.InvariantCulture, $"nightly run as of {date:yyyy-MM-dd}: {string.Join(", ", result.Steps.Select(s => s.Step))}{failed}")), ct);
            }
            if (result.Failure is { } failure)
            {
                await Console.Error.WriteLineAsync($"Error: the {failure.Step} step failed: {failure.Error.Message}");
                await Console.Error.WriteLineAsync($"The steps after it did not run; rerun with --from {failure.Step} once the cause is fixed.");
                return result.Steps.Count == 0 ? 1 : 2;
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Done in {result.Steps.Sum(s => s.Elapsed.TotalSeconds):F1} s."));
            return 0;
        });
        nightly.Subcommands.Add(run);
        return nightly;
    }

    /// <summary>
    /// This process's CPU time and peak resident memory per step, for the operator and bench/nightly.sh (the database's
    /// own CPU is not in it). On Linux the peak is reset after each step (<c>/proc/self/clear_refs</c>), so it is the
    /// step's own; elsewhere it is the process's peak so far.
    /// </summary>
    private sealed class StepUsage : IDisposable
    {
        private readonly Process _process = Process.GetCurrentProcess();
        private TimeSpan _cpu;

        private StepUsage()
        {
            _cpu = _process.TotalProcessorTime;
            ResetPeak();
        }

        public static StepUsage Start() => new();

        /// <summary>The CPU time since the last call (or the start), and the peak RSS in MB over the same time.</summary>
        public (TimeSpan Cpu, long PeakMegabytes) Next()
        {
            _process.Refresh();
            var cpu = _process.TotalProcessorTime;
            var step = cpu - _cpu;
            _cpu = cpu;
            var peak = _process.PeakWorkingSet64 / (1024 * 1024);
            ResetPeak();
            return (step, peak);
        }

        public void Dispose() => _process.Dispose();

        private static void ResetPeak()
        {
            if (!OperatingSystem.IsLinux())
            {
                return;
            }
            try
            {
                // "5" resets the peak RSS (VmHWM) to the current RSS and changes nothing else (Linux 4.0+).
                File.WriteAllText("/proc/self/clear_refs", "5");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Not allowed in this container: the peak stays the process's.
            }
        }
    }
}
