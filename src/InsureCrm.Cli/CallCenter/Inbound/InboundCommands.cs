using System.CommandLine;
using System.Globalization;
using InsureCrm.Core.CallCenter.Inbound;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.CallCenter.Inbound;

/// <summary>
/// <c>insurecrm callcenter lookup NUMBER --as USER</c>: the customers with that phone number, masked (as the console's caller
/// lookup finds them, logged as a search); <c>insurecrm callcenter callbacks [--user U] [--due] --as USER</c>: a consultant's
/// callbacks (their own and the team's), by due time.
/// </summary>
internal static class InboundCommands
{
    public const string Group = "callcenter";

    public static void AddTo(Command callcenter, Lazy<ServiceProvider> services)
    {
        callcenter.Subcommands.Add(Lookup(services));
        callcenter.Subcommands.Add(CallbackList(services));
    }

    private static Command Lookup(Lazy<ServiceProvider> services)
    {
        var number = new Argument<string>("NUMBER") { Description = "The caller's number in any format (010-1234-5678, 01012345678, +82 10 1234 5678, 02-555-0101)" };
        var repeat = new Option<int>("--repeat") { Description = "Look the number up this many more times and print the warm timings (p50, p99; each lookup is logged)", DefaultValueFactory = _ => 0 };
        var lookup = new Command("lookup", "Find the customers with a caller's phone number (masked; logged as a search)") { number, repeat };
        lookup.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var provider = services.Value;
            await provider.GetRequiredService<Migrator>().MigrateAsync(ct);
            var user = await CliUser.ResolveAsync(pr, provider, Capability.CustomersSearch, ct);
            if (user is null)
            {
                return 1;
            }
            var typed = pr.GetValue(number);
            await using var scope = provider.CreateAsyncScope();
            var found = await scope.ServiceProvider.GetRequiredService<CallerLookup>().FindByCallerNumberAsync(user, typed, ct);
            if (!found.Valid)
            {
                await Console.Error.WriteLineAsync("Error: not a phone number: give 9 to 11 digits starting with 0 (or +82).");
                return 1;
            }
            if (found.Customers.Count == 0)
            {
                Console.WriteLine("No matching customer.");
            }
            else
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{found.Customers.Count}{(found.More ? "+" : "")} customer(s):"));
                foreach (var c in found.Customers)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {c.Id,10}  {Masking.Name(c.Name),-12} {c.BirthDate?.Year.ToString(CultureInfo.InvariantCulture) ?? "----"}  {c.Gender,-7} {c.PhoneMasked ?? "-",-15} {c.Region ?? "-"}"));
                }
            }
            if (pr.GetValue(repeat) is > 0 and var times)
            {
                var ms = new List<double>(times);
                for (var i = 0; i < times; i++)
                {
                    // A scope per lookup, as a web request has.
                    await using var each = provider.CreateAsyncScope();
                    var watch = System.Diagnostics.Stopwatch.StartNew();
                    await each.ServiceProvider.GetRequiredService<CallerLookup>().FindByCallerNumberAsync(user, typed, ct);
                    ms.Add(watch.Elapsed.TotalMilliseconds);
                }
                ms.Sort();
                double At(double q) => ms[Math.Min(ms.Count - 1, (int)Math.Ceiling(q * ms.Count) - 1)];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{times} warm lookups: p50 {At(0.5):F2} ms, p99 {At(0.99):F2} ms, max {ms[^1]:F2} ms"));
            }
            return 0;
        });
        return lookup;
    }

    private static Command CallbackList(Lazy<ServiceProvider> services)
    {
        var of = new Option<string?>("--user") { Description = "Whose callbacks (with the team's); default: the --as account's" };
        var due = new Option<bool>("--due") { Description = "Only those due by the end of today (overdue included)" };
        var list = new Command("callbacks", "A consultant's callbacks and the team's, by due time (names masked)") { of, due };
        list.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var provider = services.Value;
            await provider.GetRequiredService<Migrator>().MigrateAsync(ct);
            var user = await CliUser.ResolveAsync(pr, provider, Capability.CallsInbound, ct);
            if (user is null)
            {
                return 1;
            }
            await using var scope = provider.CreateAsyncScope();
            var rows = await scope.ServiceProvider.GetRequiredService<Callbacks>().ListAsync(user, pr.GetValue(due), pr.GetValue(of)?.Trim(), ct: ct);
            var now = provider.GetRequiredService<TimeProvider>().GetUtcNow();
            var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");
            if (rows is not { Count: > 0 })
            {
                Console.WriteLine("No callbacks.");
                return 0;
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows.Count} callback(s) (times in Asia/Seoul):"));
            foreach (var c in rows)
            {
                var at = TimeZoneInfo.ConvertTime(c.DueAt, zone);
                var state = c.Status == CallbackStatus.Due && c.Overdue(now) ? "Overdue" : c.Status.ToString();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  #{c.Id,-6} {at:yyyy-MM-dd HH:mm}  {state,-8} customer {c.CustomerId,-10} {Masking.Name(c.CustomerName),-12} {c.AssignedTo ?? "(team)"}{(c.Moved is { } m ? " moved: " + m : "")}"));
            }
            return 0;
        });
        return list;
    }
}
