using System.CommandLine;
using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Core.Value;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli;

/// <summary>
/// <c>insurecrm value run [--as-of yyyy-MM-dd] --as USER</c>: the value chain for every customer: lifetime value
/// (experience, current, potential), grades and concentration, then lifecycle states, kept per run date.
/// </summary>
internal static class ValueCommands
{
    public static Command Create(Lazy<ServiceProvider> services)
    {
        var value = new Command("value", "Customer value, grades and lifecycle (the nightly chain)");
        var asOf = new Option<string?>("--as-of") { Description = "Date the values are computed as of (yyyy-MM-dd); default today in Korea" };
        var run = new Command("run", "Compute value, grades and lifecycle states for every customer") { asOf };
        run.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var provider = services.Value;
            var date = DateOnly.FromDateTime(provider.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime.AddHours(9));
            if (pr.GetValue(asOf) is { Length: > 0 } text
                && !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
            {
                Console.Error.WriteLine("--as-of must be a date like 2025-06-30.");
                return 1;
            }
            await provider.GetRequiredService<Migrator>().MigrateAsync(ct);
            var user = await CliUser.ResolveAsync(pr, provider, Capability.ValueRun, ct);
            if (user is null)
            {
                return 1;
            }
            var started = provider.GetRequiredService<TimeProvider>().GetTimestamp();
            var lastPhase = "";
            var progress = new Progress<ValueRunProgress>(p =>
            {
                if (p.Phase != lastPhase || p.Done == p.Total)
                {
                    lastPhase = p.Phase;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"value: {p.Phase} {p.Done:N0}/{p.Total:N0}"));
                }
            });
            var summary = await provider.GetRequiredService<ValueRunner>().RunAsync(date, progress, ct);
            var lifecycle = await provider.GetRequiredService<LifecycleRunner>().RunAsync(date, ct, summary.RunId);
            var segments = await provider.GetRequiredService<SegmentRunner>().RunAsync(summary.RunId, date, ct);
            var elapsed = provider.GetRequiredService<TimeProvider>().GetElapsedTime(started);
            await provider.GetRequiredService<IAccessLog>().RecordAsync(user, new AccessEvent(AccessAction.Change, null, null,
                string.Create(CultureInfo.InvariantCulture, $"value run {summary.RunId} as of {date:yyyy-MM-dd}: {summary.Customers} customers")), ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Value run {summary.RunId} as of {date:yyyy-MM-dd}: {summary.Customers:N0} customers in {elapsed.TotalSeconds:F1} s."));
            Console.WriteLine("Grades A-G: " + string.Join(" / ", summary.GradeCounts.Select(c => c.ToString("N0", CultureInfo.InvariantCulture))));
            if (summary.Concentration.Count > 0)
            {
                Console.WriteLine("Value share by decile (top first): " + string.Join(" ", summary.Concentration.Select(d => string.Create(CultureInfo.InvariantCulture, $"D{d.Decile} {d.Share:P1}"))));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Lifecycle: {lifecycle.Customers:N0} customers, {lifecycle.Changed:N0} state changes; ")
                + string.Join(", ", lifecycle.CurrentCounts.OrderByDescending(kv => kv.Value).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:N0}"))));
            Console.WriteLine("Segments: " + string.Join(", ", segments.CellCounts.OrderByDescending(kv => kv.Value).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:N0}")))
                + "; needs groups " + string.Join(" / ", segments.GroupSizes.Select(g => g.ToString("N0", CultureInfo.InvariantCulture))));
            return 0;
        });
        value.Subcommands.Add(run);
        return value;
    }
}
