using System.CommandLine;
using System.Globalization;
using System.Text;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Uplift;
using InsureCrm.Core.Security;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Campaigns;

/// <summary>
/// Uplift from pilots (issue 13; docs/campaigns.md "Uplift"): <c>campaign learn-uplift ID</c> learns the pilot's uplift
/// model (or with <c>--export FILE</c> writes its training set), <c>campaign uplift ID</c> prints the newest model's
/// held-out measures, and <c>campaign roll-out PILOT</c> creates the roll-out, by its rule or the top N by uplift.
/// </summary>
internal static partial class CampaignCommands
{
    private static void AddUplift(Command campaign, Lazy<ServiceProvider> services)
    {
        campaign.Subcommands.Add(LearnUplift(services));
        campaign.Subcommands.Add(ShowUplift(services));
        campaign.Subcommands.Add(RollOut(services));
    }

    private static Command LearnUplift(Lazy<ServiceProvider> services)
    {
        var id = IdArgument();
        var export = new Option<FileInfo?>("--export") { Description = "Write the training set (customer_id, the features as of the day before the start, treated, responded) as CSV instead of learning" };
        var learn = new Command("learn-uplift",
            "Learn an uplift model from a Measuring or Closed campaign's Test and Control members (features as of the day before it started; auto picks the approach by held-out Qini)")
        { id, export };
        learn.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var (provider, user) = await StartAsync(pr, services, Capability.CampaignEdit, ct);
            if (user is null || Service<IPilotUplift>(provider) is not { } uplift)
            {
                return 1;
            }
            if (pr.GetValue(export) is { } file)
            {
                var temp = file.FullName + ".part";
                CampaignResult<int> written;
                await using (var output = File.Create(temp))
                {
                    written = await uplift.ExportAsync(user, pr.GetValue(id), output, ct);
                }
                if (!written.IsOk)
                {
                    File.Delete(temp);
                    return Report(written, _ => "");
                }
                File.Move(temp, file.FullName, overwrite: true);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wrote {written.Value:N0} rows to {file.FullName}."));
                return 0;
            }
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = await uplift.LearnAsync(user, pr.GetValue(id), ct);
            return Report(result, m => Describe(m) + string.Create(CultureInfo.InvariantCulture, $"{Environment.NewLine}Learnt in {watch.Elapsed.TotalSeconds:F1} s."));
        });
        return learn;
    }

    private static Command ShowUplift(Lazy<ServiceProvider> services)
    {
        var id = IdArgument();
        var show = new Command("uplift", "The newest uplift model learnt from a campaign: approach, arms and held-out measures (Qini, deciles, uplift at the top 10/20/30 %)") { id };
        show.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var (provider, user) = await StartAsync(pr, services, Capability.CampaignView, ct);
            if (user is null || Service<IPilotUplift>(provider) is not { } uplift)
            {
                return 1;
            }
            var result = await uplift.LatestAsync(user, pr.GetValue(id), ct);
            if (result.IsOk && result.Value is null)
            {
                Console.Error.WriteLine("No uplift model has been learnt from this campaign; run 'campaign learn-uplift' first.");
                return 1;
            }
            return Report(result, m => Describe(m!));
        });
        return show;
    }

    private static Command RollOut(Lazy<ServiceProvider> services)
    {
        var id = new Argument<long>("pilot") { Description = "The pilot's id (Measuring or Closed, with a measured lift)" };
        var name = new Option<string>("--name") { Description = "The roll-out's name", Required = true };
        var starts = new Option<DateOnly>("--starts") { Description = "First day (yyyy-MM-dd)", Required = true };
        var ends = new Option<DateOnly>("--ends") { Description = "Last day (yyyy-MM-dd)", Required = true };
        var rule = new Option<FileInfo?>("--rule-file") { Description = "The target rule as JSON; the pilot's rule when omitted" };
        var budget = new Option<decimal?>("--budget") { Description = "Budget in the pilot's currency; the pilot's when omitted" };
        var topN = new Option<int?>("--top-n") { Description = "Contact only the top N of the rule's customers by the pilot's newest uplift model" };
        var keepNegative = new Option<bool>("--keep-negative") { Description = "With --top-n: keep customers predicted to react badly (left out by default)" };
        var rollOut = new Command("roll-out", "Create a pilot's roll-out in Draft: by its rule, or the top N by uplift") { id, name, starts, ends, rule, budget, topN, keepNegative };
        rollOut.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var (provider, user) = await StartAsync(pr, services, Capability.CampaignEdit, ct);
            if (user is null || Service<ICampaignPlanning>(provider) is not { } planning || Service<ICampaignLibrary>(provider) is not { } library)
            {
                return 1;
            }
            string definition;
            if (pr.GetValue(rule) is { } ruleFile)
            {
                definition = await File.ReadAllTextAsync(ruleFile.FullName, ct);
            }
            else if ((await library.GetAsync(user, pr.GetValue(id), ct)) is { IsOk: true, Value: { } record })
            {
                definition = record.RuleDefinition ?? "";
            }
            else
            {
                Console.Error.WriteLine("No such pilot.");
                return 1;
            }
            var draft = new RollOutDraft(pr.GetValue(name)!, pr.GetValue(starts), pr.GetValue(ends), definition, pr.GetValue(budget), pr.GetValue(topN), pr.GetValue(keepNegative));
            return Report(await planning.RollOutAsync(user, pr.GetValue(id), draft, ct), c => string.Create(CultureInfo.InvariantCulture,
                $"Created {c.Code} (id {c.Id}) in Draft{(draft.UpliftTopN is { } n ? $", targeting the top {n:N0} by uplift{(draft.KeepNegative ? " (customers with a negative uplift kept)" : "")}" : "")}."));
        });
        return rollOut;
    }

    private static string Describe(PilotUpliftModel m)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(string.Create(inv, $"{m.CampaignCode} uplift model v{m.Version}: {m.Algorithm}{(m.Algorithm is "two-model" or "class-transform" ? $" over {m.Classifier}" : "")}, features as of {m.FeaturesAsOf:yyyy-MM-dd}, trained by {m.TrainedBy} at {m.TrainedAt:yyyy-MM-dd HH:mm} UTC."));
        text.AppendLine(string.Create(inv, $"  members: test {m.Rows.Treated:N0} ({m.Rows.TreatedResponders:N0} responded, {m.Rows.TreatedRate:P2}), control {m.Rows.Control:N0} ({m.Rows.ControlResponders:N0}, {m.Rows.ControlRate:P2}); {m.Skipped:N0} left out (merged, erased or out of range)."));
        if (m.Measures is not { } e)
        {
            return text.ToString().TrimEnd();
        }
        foreach (var c in e.Candidates)
        {
            text.AppendLine(string.Create(inv, $"  {c.Algorithm,-16} cross-validated Qini coefficient {c.Qini:F4}{(c.Error is { } se ? $" ± {se:F4}" : "")}{(c.Ranks ? "" : " (the same uplift for every reachable member: ranks no one, not chosen while another approach ranks)")}"));
        }
        text.AppendLine(string.Create(inv, $"  held out {m.HeldOutRows:N0} members: Qini coefficient {e.Qini:F4} (0 = random, 1 = best possible); observed uplift {Pp(e.Arms.Uplift)}"));
        if (e.RandomOrderP is { } p)
        {
            text.AppendLine(string.Create(inv, $"  against random orders of the reachable held-out members: p = {p:F3} ({(e.BeatsRandom == true ? "the order is better than random" : "not distinguishable from a random order: too few responders to target by it")})"));
        }
        foreach (var (label, top) in new[] { ("10%", e.Top10), ("20%", e.Top20), ("30%", e.Top30) })
        {
            text.AppendLine(string.Create(inv, $"  uplift@{label}: {Pp(top.Uplift)} ({top.Rows:N0} members)"));
        }
        text.AppendLine("  decile  members  test rate  control rate    uplift  predicted");
        foreach (var d in e.Deciles)
        {
            text.AppendLine(string.Create(inv, $"  {d.Decile,6} {d.Arms.Rows,8:N0} {Rate(d.Arms.TreatedRate),10} {Rate(d.Arms.ControlRate),13} {Pp(d.Arms.Uplift),9} {Pp(d.MeanPredicted),10}"));
        }
        return text.ToString().TrimEnd();

        static string Rate(double r) => double.IsNaN(r) ? "n/a" : r.ToString("P1", CultureInfo.InvariantCulture);
        static string Pp(double u) => double.IsNaN(u) ? "n/a" : (u * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " pp";
    }
}
