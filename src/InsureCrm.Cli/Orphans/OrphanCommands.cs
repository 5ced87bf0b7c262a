using System.CommandLine;
using System.Globalization;
using InsureCrm.Cli.Common;
using InsureCrm.Core.Orphans;
using InsureCrm.Core.Security;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Orphans;

/// <summary>
/// <c>insurecrm orphans detect|assign|report [--as-of yyyy-MM-dd] --as USER</c>, and the case verbs <c>reassign</c>, <c>contact</c>,
/// <c>coverage</c>. Output names customers by id only.
/// </summary>
internal static class OrphanCommands
{
    public static Command Create(Lazy<ServiceProvider> services)
    {
        var orphans = new Command("orphans", "Customers whose agent left: find them, assign them to CS consultants, follow the first contacts");
        orphans.Subcommands.Add(Detect(services));
        orphans.Subcommands.Add(Assign(services));
        orphans.Subcommands.Add(Report(services));
        orphans.Subcommands.Add(Reassign(services));
        orphans.Subcommands.Add(Contact(services));
        orphans.Subcommands.Add(Coverage(services));
        return orphans;
    }

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static Command Detect(Lazy<ServiceProvider> services)
    {
        var asOf = CliDates.AsOfOption("The day (yyyy-MM-dd); default today in Korea");
        var detect = new Command("detect", "List the customers who would be orphaned (terminated agent, active contract, no case yet); writes nothing") { asOf };
        detect.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            if (!CliDates.TryGet(pr, asOf, services.Value.GetRequiredService<TimeProvider>(), out var date))
            {
                return 1;
            }
            return await OrphanVerb.RunAsync(pr, services, Capability.ValueRun, async (service, _) =>
            {
                var found = await service.DetectAsync(date, ct);
                Console.WriteLine(I($"{found.Count} customers would be orphaned as of {OrphanVerb.Date(date)}, from {found.Select(f => f.FormerAgentId).Distinct().Count()} terminated agents."));
                foreach (var g in found.GroupBy(f => (f.FormerAgentCode, f.BranchCode, f.TerminatedOn)))
                {
                    Console.WriteLine(I($"  {g.Key.FormerAgentCode} (branch {g.Key.BranchCode}, terminated {OrphanVerb.Date(g.Key.TerminatedOn)}): {g.Count()} customers, {g.Sum(f => f.ContractIds.Count)} contracts"));
                }
                if (found.Count > 0)
                {
                    Console.WriteLine("customer_id\tformer_agent\tbranch\tcontracts");
                    foreach (var f in found)
                    {
                        Console.WriteLine(I($"{f.CustomerId}\t{f.FormerAgentCode}\t{f.BranchCode}\t{f.ContractIds.Count}"));
                    }
                }
                return (I($"orphans detect as of {OrphanVerb.Date(date)}: {found.Count}"), 0);
            }, ct);
        });
        return detect;
    }

    private static Command Assign(Lazy<ServiceProvider> services)
    {
        var asOf = CliDates.AsOfOption("The assignment day (yyyy-MM-dd); default today in Korea");
        var assign = new Command("assign", "Open a case for every orphan and assign it to a CS consultant by branch, region and load") { asOf };
        assign.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            if (!CliDates.TryGet(pr, asOf, services.Value.GetRequiredService<TimeProvider>(), out var date))
            {
                return 1;
            }
            return await OrphanVerb.RunAsync(pr, services, Capability.ValueRun, async (service, _) =>
            {
                var options = services.Value.GetRequiredService<OrphanOptions>();
                var s = await service.AssignAsync(date, ct);
                Console.WriteLine(I($"Orphans as of {OrphanVerb.Date(date)}: {s.Candidates} to assign, {s.Assigned} assigned, {s.Unassigned} left unassigned (load cap {options.LoadCap}), {s.Deferred} deferred to the control wave, {s.Superseded} superseded (consultant left)."));
                Console.WriteLine("By rule: " + (s.ByRule.Count == 0 ? "none"
                    : string.Join(", ", Enum.GetValues<AssignmentRule>().Where(s.ByRule.ContainsKey).Select(r => I($"{r} {s.ByRule[r]}")))));
                if (s.BranchFull.Count > 0)
                {
                    Console.WriteLine("Branch without a consultant under the cap (fell back to the region): "
                        + string.Join(", ", s.BranchFull.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => I($"{p.Key} {p.Value}"))));
                }
                if (s.RegionFull.Count > 0)
                {
                    Console.WriteLine("Region without a consultant under the cap (fell back to anywhere): "
                        + string.Join(", ", s.RegionFull.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => I($"{p.Key} {p.Value}"))));
                }
                if (s.OverCap > 0)
                {
                    Console.WriteLine(I($"Every consultant full: {s.OverCap} assigned over the cap to the least loaded (Orphans:WhenAllFull = LeastLoadedOverCap)."));
                }
                if (s.Unassigned > 0)
                {
                    Console.WriteLine(I($"Every consultant full: {s.Unassigned} left unassigned (Orphans:WhenAllFull = LeaveUnassigned); the next run retries them. Add CS consultants or raise Orphans:LoadCap."));
                }
                return (I($"orphans assign as of {OrphanVerb.Date(date)}: {s.Assigned} assigned, {s.Unassigned} unassigned"), 0);
            }, ct);
        });
        return assign;
    }

    private static Command Report(Lazy<ServiceProvider> services)
    {
        var asOf = CliDates.AsOfOption("The day the SLA is checked against (yyyy-MM-dd); default today in Korea");
        var report = new Command("report", "The backlog: open cases and first contacts past due, by branch and consultant") { asOf };
        report.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            if (!CliDates.TryGet(pr, asOf, services.Value.GetRequiredService<TimeProvider>(), out var date))
            {
                return 1;
            }
            return await OrphanVerb.RunAsync(pr, services, Capability.ValueRun, async (service, _) =>
            {
                var r = await service.ReportAsync(date, ct);
                Console.WriteLine(I($"Orphans as of {OrphanVerb.Date(date)}: {r.Open} open, {r.Breached} past the first-contact due day, {r.Contacted} contacted, {r.Unassigned} unassigned, {r.Returned} returned to their agent."));
                Console.WriteLine("branch\topen\tbreached\tcontacted");
                foreach (var b in r.Branches)
                {
                    Console.WriteLine(I($"{b.BranchCode}\t{b.Open}\t{b.Breached}\t{b.Contacted}"));
                }
                Console.WriteLine("consultant\tbranch\topen\tcap\tbreached\tcontacted\tcoverage_checks");
                foreach (var c in r.Consultants)
                {
                    Console.WriteLine(I($"{c.Code}\t{c.BranchCode}\t{c.Open}\t{c.LoadCap}\t{c.Breached}\t{c.Contacted}\t{c.CoverageChecks}"));
                }
                await using var scope = services.Value.CreateAsyncScope();
                var options = services.Value.GetRequiredService<OrphanOptions>();
                var d = await scope.ServiceProvider.GetRequiredService<OrphanRetention>().BuildAsync(null, date, options.ControlShare, ct);
                PrintRetention(d, options);
                return (I($"orphans report as of {OrphanVerb.Date(date)}"), 0);
            }, ct);
        });
        return report;
    }

    private static string Pct(double rate) => double.IsNaN(rate) ? "-" : I($"{rate * 100:0.0} %");

    private static string Pp(double d) => I($"{d * 100:+0.0;-0.0;0.0}");

    /// <summary>The retention dashboard's figures (the page /orphans/retention shows the same), whole company.</summary>
    private static void PrintRetention(RetentionDashboard d, OrphanOptions options)
    {
        Console.WriteLine(I($"Deferred to the control wave: {d.Deferred}. First contact: {d.Breaches} of {d.DeadlinesPassed} cases past their deadline breached it ({Pct(d.BreachRate)})."));
        Console.WriteLine(options.ControlShare > 0
            ? I($"Control wave ON: {options.ControlShare:0.##} of new cases assigned {options.ControlDelayBusinessDays} business days late, on purpose.")
            : "Control wave off (Orphans:ControlShare = 0, the default).");
        Console.WriteLine("Retention (유지율) = contracts active at orphaning not lapsed, surrendered or cancelled by the horizon (maturity and claim endings kept); n = contracts.");
        Console.WriteLine("horizon\timmediate\tn\tcontrol\tn\tdifference_pp\tci95_low\tci95_high");
        foreach (var w in d.Waves)
        {
            var c = w.Difference;
            Console.WriteLine(I($"{w.Months}m\t{Pct(w.Immediate.Rate)}\t{w.Immediate.Total}\t{Pct(w.Control.Rate)}\t{w.Control.Total}\t{(c is null ? "-" : Pp(c.Difference))}\t{(c is null ? "-" : Pp(c.Ci.Low))}\t{(c is null ? "-" : Pp(c.Ci.High))}"));
        }
        if (!d.HasControl)
        {
            Console.WriteLine("No control wave measured: against customers orphaned before the service (no servicing agent) - an observational comparison, not a causal effect.");
            Console.WriteLine("horizon\timmediate\tn\tbefore_service\tn\tdifference_pp\tci95_low\tci95_high");
            foreach (var w in d.Waves)
            {
                var c = w.VsBaseline;
                Console.WriteLine(I($"{w.Months}m\t{Pct(w.Immediate.Rate)}\t{w.Immediate.Total}\t{Pct(w.Baseline.Rate)}\t{w.Baseline.Total}\t{(c is null ? "-" : Pp(c.Difference))}\t{(c is null ? "-" : Pp(c.Ci.Low))}\t{(c is null ? "-" : Pp(c.Ci.High))}"));
            }
        }
        foreach (var (title, rows) in new[] { ("branch", d.Branches), ("consultant", d.Consultants) })
        {
            Console.WriteLine(I($"{title}\t") + string.Join("\t", OrphanRetention.Horizons.Select(m => I($"{m}m\tn"))));
            foreach (var r in rows)
            {
                Console.WriteLine(r.Code + "\t" + string.Join("\t", r.ByHorizon.Select(p => I($"{Pct(p.Rate)}{(p.Total is > 0 and < OrphanRetention.MinSample ? " (small)" : "")}\t{p.Total}"))));
            }
        }
    }

    private static Argument<long> CaseArgument() => new("CASE") { Description = "The orphan case's id" };

    private static Command Reassign(Lazy<ServiceProvider> services)
    {
        var id = CaseArgument();
        var to = new Option<string>("--to") { Description = "The CS consultant's agent code", Required = true };
        var why = new Option<string>("--why") { Description = "Why (kept with the case)", Required = true };
        var force = new Option<bool>("--force") { Description = "Assign even when the consultant is at the load cap" };
        var reassign = new Command("reassign", "Hand a case to a named CS consultant (who, when and why recorded)") { id, to, why, force };
        reassign.SetAction(async (ParseResult pr, CancellationToken ct) =>
            await OrphanVerb.RunOnCaseAsync(pr, services, pr.GetValue(id), true, async (service, user) =>
            {
                var c = await service.ReassignAsync(pr.GetValue(id), pr.GetValue(to) ?? "", user.UserName, pr.GetValue(why) ?? "", pr.GetValue(force), ct);
                Console.WriteLine(I($"Case {c.Id} reassigned; first contact due {(c.FirstContactDue is { } d ? OrphanVerb.Date(d) : "-")}. Why: {OrphanReasons.English(OrphanReasons.Read(c.Reasons))}"));
                return (I($"orphans reassign case {c.Id}"), 0);
            }, ct));
        return reassign;
    }

    private static Command Contact(Lazy<ServiceProvider> services)
    {
        var id = CaseArgument();
        var contact = new Command("contact", "Record the first contact of a case") { id };
        contact.SetAction(async (ParseResult pr, CancellationToken ct) =>
            await OrphanVerb.RunOnCaseAsync(pr, services, pr.GetValue(id), false, async (service, user) =>
            {
                var c = await service.RecordFirstContactAsync(pr.GetValue(id), user.UserName, ct);
                Console.WriteLine(I($"Case {c.Id}: first contact recorded."));
                return (I($"orphans contact case {c.Id}"), 0);
            }, ct));
        return contact;
    }

    private static Command Coverage(Lazy<ServiceProvider> services)
    {
        var id = CaseArgument();
        var notes = new Option<string?>("--notes") { Description = "What the coverage check (보장점검) found" };
        var coverage = new Command("coverage", "Record the coverage check (보장점검) of a case; a first contact too if none was recorded") { id, notes };
        coverage.SetAction(async (ParseResult pr, CancellationToken ct) =>
            await OrphanVerb.RunOnCaseAsync(pr, services, pr.GetValue(id), false, async (service, user) =>
            {
                var c = await service.RecordCoverageCheckAsync(pr.GetValue(id), user.UserName, pr.GetValue(notes), ct);
                Console.WriteLine(I($"Case {c.Id}: coverage check recorded."));
                return (I($"orphans coverage case {c.Id}"), 0);
            }, ct));
        return coverage;
    }
}
