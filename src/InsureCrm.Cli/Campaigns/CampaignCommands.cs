using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using InsureCrm.Cli.Common;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Campaigns;

/// <summary>
/// <c>insurecrm campaign …</c> for batch operation and the benchmark. Every verb names the acting user with <c>--as</c>
/// (<see cref="CliUser"/>), and Core checks the capability, state and version as the pages do. Exit codes: 0 done,
/// 1 refused or failed (nothing written; the reason on standard error), 2 done in part (a send that left contacts
/// failed or in doubt, a CP949 DM file with characters it cannot hold; the counts say which).
/// </summary>
internal static partial class CampaignCommands
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public static Command Create(Lazy<ServiceProvider> services)
    {
        var campaign = new Command("campaign", "Pilot campaigns: plans, targets, splits, sends, attribution and results");
        campaign.Subcommands.Add(List(services));
        campaign.Subcommands.Add(Show(services));
        campaign.Subcommands.Add(CreateVerb(services));
        campaign.Subcommands.Add(Approve(services));
        campaign.Subcommands.Add(TargetCount(services));
        campaign.Subcommands.Add(RefreshMart(services));
        campaign.Subcommands.Add(Split(services));
        campaign.Subcommands.Add(Start(services));
        campaign.Subcommands.Add(Send(services));
        campaign.Subcommands.Add(Dm(services));
        campaign.Subcommands.Add(Attribute(services));
        campaign.Subcommands.Add(Results(services));
        campaign.Subcommands.Add(Holdout(services));
        AddUplift(campaign, services);
        return campaign;
    }

    private static Argument<long> IdArgument() => new("id") { Description = "The campaign's id" };

    private static Command List(Lazy<ServiceProvider> services)
    {
        var state = new Option<string?>("--state") { Description = "Only campaigns in this state: " + string.Join(", ", Enum.GetNames<CampaignState>()) };
        var list = new Command("list", "Campaigns, newest first, with their state, period and list size") { state };
        list.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            CampaignState? filter = null;
            if (pr.GetValue(state) is { Length: > 0 } text)
            {
                if (!Enum.TryParse<CampaignState>(text, ignoreCase: true, out var s) || !Enum.IsDefined(s))
                {
                    Console.Error.WriteLine($"--state '{text}' is not a state: one of {string.Join(", ", Enum.GetNames<CampaignState>())}.");
                    return 1;
                }
                filter = s;
            }
            var (provider, user) = await StartAsync(pr, services, Capability.CampaignView, ct);
            if (user is null)
            {
                return 1;
            }
            await using var db = provider.GetRequiredService<CrmDatabase>().CreateContext();
            var query = db.Campaigns.AsNoTracking();
            if (filter is { } f)
            {
                query = query.Where(c => c.State == f);
            }
            var rows = await query.OrderByDescending(c => c.StartsOn).ThenByDescending(c => c.Id)
                .Select(c => new { c.Id, c.Code, c.State, c.StartsOn, c.EndsOn, c.Name, Test = db.Set<CampaignSplit>().Where(s => s.CampaignId == c.Id).Select(s => (int?)s.Test).FirstOrDefault(),
                    Control = db.Set<CampaignSplit>().Where(s => s.CampaignId == c.Id).Select(s => (int?)s.Control).FirstOrDefault() })
                .ToListAsync(ct);
            Console.WriteLine("id\tcode\tstate\tstarts_on\tends_on\ttest\tcontrol\tname");
            foreach (var r in rows)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.Id}\t{r.Code}\t{r.State}\t{r.StartsOn:yyyy-MM-dd}\t{r.EndsOn:yyyy-MM-dd}\t{r.Test?.ToString(CultureInfo.InvariantCulture) ?? "-"}\t{r.Control?.ToString(CultureInfo.InvariantCulture) ?? "-"}\t{r.Name}"));
            }
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows.Count} campaign(s)."));
            return 0;
        });
        return list;
    }

    private static Command Show(Lazy<ServiceProvider> services)
    {
        var id = IdArgument();
        var show = new Command("show", "A campaign's plan, channels, split, latest attribution and history") { id };
        show.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var (provider, user) = await StartAsync(pr, services, Capability.CampaignView, ct);
            if (user is null)
            {
                return 1;
            }
            await using var db = provider.GetRequiredService<CrmDatabase>().CreateContext();
            var campaignId = pr.GetValue(id);
            var c = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(x => x.Id == campaignId, ct);
            if (c is null)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"No campaign {campaignId}."));
                return 1;
            }
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(inv, $"{c.Code} {c.Name} [{c.State}] {c.StartsOn:yyyy-MM-dd}..{c.EndsOn:yyyy-MM-dd}, window {c.WindowDays} days, {(c.IsPilot ? "pilot" : "roll-out")}"));
            Console.WriteLine($"theme: {c.Theme}");
            Console.WriteLine($"hypothesis: {c.Hypothesis}");
            Console.WriteLine(string.Create(inv, $"objective: {c.Objective} {c.ObjectiveFamilies}; budget {c.Budget:N0} {c.Currency}; control share {c.ControlShare:0.####}; alpha {c.Alpha}; power {c.Power}; expected lift {c.ExpectedLift}"));
            foreach (var ch in await db.CampaignChannels.AsNoTracking().Where(x => x.CampaignId == campaignId).OrderBy(x => x.Rank).ToListAsync(ct))
            {
                Console.WriteLine(string.Create(inv, $"channel {ch.Rank}: {ch.Channel}, offer {ch.OfferId?.ToString(inv) ?? "-"}, unit cost {ch.UnitCost} {c.Currency}"));
            }
            if (await db.CampaignSplits.AsNoTracking().SingleOrDefaultAsync(x => x.CampaignId == campaignId, ct) is { } s)
            {
                Console.WriteLine(string.Create(inv,
                    $"split as of {s.AsOf:yyyy-MM-dd} seed {s.Seed}: candidates {s.Candidates}, test {s.Test}, control {s.Control}, excluded holdout {s.ExcludedHoldout}, overlap {s.ExcludedOverlap}, cap {s.ExcludedCap}, no channel {s.ExcludedNoChannel}"));
            }
            if (await db.CampaignAttributions.AsNoTracking().Where(x => x.CampaignId == campaignId).OrderByDescending(x => x.RanAt).FirstOrDefaultAsync(ct) is { } a)
            {
                Console.WriteLine(string.Create(inv, $"attributed as of {a.AsOf:yyyy-MM-dd}: {a.Responses} responses, responders test {a.RespondersTest}, control {a.RespondersControl}"));
            }
            if (!string.IsNullOrWhiteSpace(c.Lessons))
            {
                Console.WriteLine($"lessons: {c.Lessons}");
            }
            foreach (var e in await db.CampaignEvents.AsNoTracking().Where(x => x.CampaignId == campaignId).OrderBy(x => x.At).ThenBy(x => x.Id).ToListAsync(ct))
            {
                Console.WriteLine(string.Create(inv, $"{e.At:yyyy-MM-dd HH:mm}Z {e.UserName} {e.Kind} {e.Detail}"));
            }
            return 0;
        });
        return show;
    }

    private static Command CreateVerb(Lazy<ServiceProvider> services)
    {
        var file = new Option<FileInfo>("--file") { Description = "The plan as JSON (CampaignDraft: name, theme, hypothesis, objective, startsOn, endsOn, channels, scripts …)", Required = true };
        var create = new Command("create", "Create a campaign in Draft from a JSON plan") { file };
        create.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var path = pr.GetValue(file)!;
            CampaignDraft? draft;
            try
            {
                draft = JsonSerializer.Deserialize<CampaignDraft>(await File.ReadAllTextAsync(path.FullName, ct), Json);
            }
            catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"{path.Name}: not a readable plan ({ex.Message}).");
                return 1;
            }
            if (draft is null)
            {
                Console.Error.WriteLine($"{path.Name}: empty plan.");
                return 1;
            }
            var (provider, user) = await StartAsync(pr, services, Capability.CampaignEdit, ct);
            if (user is null || Service<ICampaignPlanning>(provider) is not { } planning)
            {
                return 1;
            }
            return Report(await planning.CreateAsync(user, draft, ct), s => string.Create(CultureInfo.InvariantCulture, $"Created {s.Code} (id {s.Id}) in {s.State}."));
        });
        return create;
    }

    private static Command Approve(Lazy<ServiceProvider> services)
    {
        var id = IdArgument();
        var approve = new Command("approve", "Approve a Draft (never one's own: four eyes)") { id };
        approve.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var (provider, user) = await StartAsync(pr, services, Capability.CampaignApprove, ct);
            if (user is null || Service<ICampaignPlanning>(provider) is not { } planning)
            {
                return 1;
            }
            var campaignId = pr.GetValue(id);
            await using var db = provider.GetRequiredService<CrmDatabase>().CreateContext();
            var version = await db.Campaigns.AsNoTracking().Where(c => c.Id == campaignId).Select(c => (int?)c.Version).SingleOrDefaultAsync(ct);
            if (version is null)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"No campaign {campaignId}."));
                return 1;
            }
            return Report(await planning.ApproveAsync(user, campaignId, version.Value, ct), s => $"Approved {s.Code}.");
        });
        return approve;
    }

    private static Command TargetCount(Lazy<ServiceProvider> services)
    {
        var id = new Argument<long?>("id") { Description = "The campaign whose rule to count", Arity = ArgumentArity.ZeroOrOne };
        var rule = new Option<FileInfo?>("--rule") { Description = "A rule as JSON to count instead of a campaign's" };
        var count = new Command("target-count", "How many live customers a target rule selects, out of the book") { id, rule };
        count.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var file = pr.GetValue(rule);
            var campaignId = pr.GetValue(id);
            if ((file is null) == (campaignId is null))
            {
                Console.Error.WriteLine("Give either a campaign id or --rule FILE.json.");
                return 1;
            }
            var (provider, user) = await StartAsync(pr, services, Capability.CampaignView, ct);
            if (user is null || Service<ICampaignTargeting>(provider) is not { } targeting)
            {
                return 1;
            }
            string? definition;
            if (file is not null)
            {
                try
                {
                    definition = await File.ReadAllTextAsync(file.FullName, ct);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"{file.Name}: cannot be read ({ex.Message}).");
                    return 1;
                }
            }
            else
            {
                await using var db = provider.GetRequiredService<CrmDatabase>().CreateContext();
                definition = await db.Campaigns.AsNoTracking().Where(c => c.Id == campaignId)
                    .Join(db.TargetRuleVersions, c => c.RuleVersionId, v => v.Id, (c, v) => v.Definition).SingleOrDefaultAsync(ct);
                if (definition is null)
                {
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Campaign {campaignId} does not exist or has no target rule."));
                    return 1;
                }
            }
            var watch = Stopwatch.StartNew();
            var counted = await targeting.CountAsync(user, definition, ct);
            return Report(counted, c => string.Create(CultureInfo.InvariantCulture,
                $"{c.Matching} of {c.Book} customers ({c.Share:P1}), from the targeting mart of {c.MartRefreshedAt:yyyy-MM-dd HH:mm} UTC; counted in {watch.Elapsed.TotalSeconds:0.00} s."));
        });
        return count;
    }

    private static Command RefreshMart(Lazy<ServiceProvider> services)
    {
        var refresh = new Command("refresh-mart",
            "Build the targeting mart again now (the nightly chain does it every night), so that counts and splits see today's changes");
        refresh.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var (provider, user) = await StartAsync(pr, services, Capability.CampaignView, ct);
            if (user is null || Service<ICampaignTargeting>(provider) is not { } targeting)
            {
                return 1;
            }
            return Report(await targeting.RefreshMartAsync(user, ct), r => string.Create(CultureInfo.InvariantCulture,
                $"Targeting mart: {r.State.Customers} customers as of {r.State.AsOf:yyyy-MM-dd} in {r.Elapsed.TotalSeconds:0.0} s."));
        });
        return refresh;
    }

    private static Command Split(Lazy<ServiceProvider> services)
    {
        var id = IdArgument();
        var split = new Command("split", "Write the campaign's one split: holdout, overlap, cap, stratified test and control") { id };
        split.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var (provider, user) = await StartAsync(pr, services, Capability.CampaignEdit, ct);
            if (user is null || Service<ICampaignSplitter>(provider) is not { } splitter)
            {
                return 1;
            }
            return Report(await splitter.SplitAsync(user, pr.GetValue(id), ct), s => string.Create(CultureInfo.InvariantCulture,
                $"Split of {s.Candidates} candidates: test {s.Test}, control {s.Control}; excluded holdout {s.ExcludedHoldout}, overlap {s.ExcludedOverlap}, cap {s.ExcludedCap}, no channel {s.ExcludedNoChannel}."));
        });
        return split;
    }

    private static Command Start(Lazy<ServiceProvider> services)
    {
        var id = IdArgument();
        var start = new Command("start", "Start an approved campaign once it is split and its start date has come (Approved → Running)") { id };
        start.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var (provider, user) = await StartAsync(pr, services, Capability.CampaignEdit, ct);
            if (user is null || Service<ICampaignPlanning>(provider) is not { } planning)
            {
                return 1;
            }
            return Report(await planning.StartAsync(user, pr.GetValue(id), ct), s => $"{s.Code} is {s.State}.");
        });
        return start;
    }

    private static Command Send(Lazy<ServiceProvider> services)
    {
        var id = IdArgument();
        var channel = new Option<string?>("--channel") { Description = "email, sms, calls or agents (default: e-mail and SMS); DM is exported with 'campaign dm'" };
        var limit = new Option<int?>("--limit") { Description = "At most this many contacts" };
        var retry = new Option<bool>("--retry-in-doubt") { Description = "Send again the contacts a crashed run left in doubt" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check and count, send nothing" };
        var send = new Command("send", "Release due contacts and send them through the contact policy; resumable, never twice") { id, channel, limit, retry, dryRun };
        send.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            CampaignChannelKind? kind = null;
            if (pr.GetValue(channel) is { Length: > 0 } text)
            {
                kind = text.ToLowerInvariant() switch
                {
                    "email" => CampaignChannelKind.Email,
                    "sms" => CampaignChannelKind.Sms,
                    "dm" => CampaignChannelKind.Dm,
                    "calls" => CampaignChannelKind.CallList,
                    "agents" => CampaignChannelKind.Agent,
                    _ => null,
                };
                if (kind is null)
                {
                    Console.Error.WriteLine($"--channel '{text}' is not a channel: one of email, sms, dm, calls, agents.");
                    return 1;
                }
            }
            if (pr.GetValue(limit) is <= 0)
            {
                Console.Error.WriteLine("--limit must be a positive number of contacts.");
                return 1;
            }
            var (provider, user) = await StartAsync(pr, services, Capability.CampaignEdit, ct);
            if (user is null || Service<ICampaignSender>(provider) is not { } sender)
            {
                return 1;
            }
            var result = await sender.SendAsync(user, new SendRequest(pr.GetValue(id), kind, pr.GetValue(limit), pr.GetValue(retry), pr.GetValue(dryRun)), ct);
            var code = Report(result, s => string.Create(CultureInfo.InvariantCulture,
                $"{(s.DryRun ? "Dry run: " : "")}released {s.Released}, claimed {s.Claimed}, sent {s.Sent}, handed {s.Handed}, deferred {s.Deferred}, blocked {s.Blocked}, failed {s.Failed}, in doubt {s.InDoubt}.")
                + (s.BlockedByReason.Count == 0 ? "" : " Blocked: " + string.Join(", ", s.BlockedByReason.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Key} {b.Value}"))) + ".")
                + (s.WaitingByReason.Count == 0 ? "" : " Waiting (kept pending): " + string.Join(", ", s.WaitingByReason.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Key} {b.Value}"))) + "."));
            return code == 0 && result.Value is { } summary && summary.Failed + summary.InDoubt > 0 ? 2 : code;
        });
        return send;
    }

    private static Command Dm(Lazy<ServiceProvider> services)
    {
        var id = IdArgument();
        var reason = new Option<string>("--reason") { Description = "Why the addresses are downloaded (an access reason: " + string.Join(", ", AccessReason.Codes) + "; usually campaign)", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "The CSV file for the print vendor", Required = true };
        var encoding = new Option<string?>("--encoding") { Description = "utf8 (with BOM, the default) or cp949" };
        var exportId = new Option<string?>("--export-id") { Description = "Write this earlier export again, the same file (or name a new export)" };
        var dm = new Command("dm", "Export the DM list (address fields only) for the print vendor; every customer in it is written to the access log") { id, reason, output, encoding, exportId };
        dm.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            DmEncoding? charset = (pr.GetValue(encoding) ?? "utf8").ToLowerInvariant() switch
            {
                "utf8" or "utf-8" => DmEncoding.Utf8Bom,
                "cp949" or "euc-kr" => DmEncoding.Cp949,
                _ => null,
            };
            if (charset is null)
            {
                Console.Error.WriteLine($"--encoding '{pr.GetValue(encoding)}' is not an encoding: utf8 or cp949.");
                return 1;
            }
            var (provider, user) = await StartAsync(pr, services, Capability.CampaignEdit, ct);
            if (user is null || Service<IDmExport>(provider) is not { } export)
            {
                return 1;
            }
            var file = pr.GetValue(output)!;
            // Written beside the target and moved into place only when the export succeeded: a refusal leaves no file.
            var partial = file.FullName + ".partial";
            CampaignResult<DmExportResult> result;
            try
            {
                await using (var stream = File.Create(partial))
                {
                    result = await export.WriteAsync(user, new DmExportRequest(pr.GetValue(id), pr.GetValue(reason)!, charset.Value, pr.GetValue(exportId)), stream, ct);
                }
                if (result.IsOk)
                {
                    File.Move(partial, file.FullName, overwrite: true);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"{file.Name}: cannot be written ({ex.Message}).");
                return 1;
            }
            finally
            {
                if (File.Exists(partial))
                {
                    File.Delete(partial);
                }
            }
            var code = Report(result, r => string.Create(CultureInfo.InvariantCulture, $"Export {r.ExportId}: {r.Rows} row(s) written to {file.FullName}.")
                + (r.BlockedByReason.Count == 0 ? "" : " Left out: " + string.Join(", ", r.BlockedByReason.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Key} {b.Value}"))) + ".")
                + (r.RowsWithReplacedCharacters == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $" {r.RowsWithReplacedCharacters} row(s) hold characters CP949 cannot write ('?'); export them again with --encoding utf8.")));
            return code == 0 && result.Value is { RowsWithReplacedCharacters: > 0 } ? 2 : code;
        });
        return dm;
    }

    private static Command Attribute(Lazy<ServiceProvider> services)
    {
        var id = IdArgument();
        var asOf = CliDates.AsOfOption("Attribute responses up to this date (yyyy-MM-dd); default today in Korea");
        var attribute = new Command("attribute", "Attribute responses to test and control within the window, replacing the previous run's") { id, asOf };
        attribute.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            if (!CliDates.TryGet(pr, asOf, out var date))
            {
                return 1;
            }
            var (provider, user) = await StartAsync(pr, services, Capability.CampaignEdit, ct);
            if (user is null || Service<IResponseAttribution>(provider) is not { } attribution)
            {
                return 1;
            }
            return Report(await attribution.AttributeAsync(user, pr.GetValue(id), date, ct), a => string.Create(CultureInfo.InvariantCulture,
                $"As of {a.AsOf:yyyy-MM-dd} (window {a.WindowStart:yyyy-MM-dd}..{a.WindowEnd:yyyy-MM-dd}): {a.Responses} responses; responders test {a.RespondersTest}, control {a.RespondersControl}."));
        });
        return attribute;
    }

    private static Command Results(Lazy<ServiceProvider> services)
    {
        var id = IdArgument();
        var by = new Option<string?>("--by") { Description = "Breakdown: " + string.Join(", ", Enum.GetNames<ResultBreakdown>()).ToLowerInvariant() };
        var csv = new Option<FileInfo?>("--csv") { Description = "Also write every breakdown to this CSV file" };
        var xlsx = new Option<FileInfo?>("--xlsx") { Description = "Also write every breakdown to this Excel file" };
        var results = new Command("results", "Results against control with 95 % intervals; 'not significant' where they are not") { id, by, csv, xlsx };
        results.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var breakdown = ResultBreakdown.Total;
            if (pr.GetValue(by) is { Length: > 0 } text && (!Enum.TryParse<ResultBreakdown>(text, true, out breakdown) || !Enum.IsDefined(breakdown)))
            {
                Console.Error.WriteLine($"--by '{text}' is not a breakdown: one of {string.Join(", ", Enum.GetNames<ResultBreakdown>()).ToLowerInvariant()}.");
                return 1;
            }
            var (provider, user) = await StartAsync(pr, services, Capability.CampaignView, ct);
            if (user is null || Service<ICampaignResults>(provider) is not { } service)
            {
                return 1;
            }
            var campaignId = pr.GetValue(id);
            var result = await service.ResultsAsync(user, campaignId, breakdown, ct);
            var code = Report(result, r =>
            {
                var inv = CultureInfo.InvariantCulture;
                var lines = new List<string> { "key\ttest\trate_test\tcontrol\trate_control\tuplift\tuplift_low\tuplift_high\tp\tsignificant" };
                lines.AddRange(r.Rows.Prepend(r.Total).DistinctBy(x => x.Key).Select(x => string.Create(inv,
                    $"{x.Key}\t{x.Test.Members}\t{x.Test.ResponseRate.Value:0.0000}\t{x.Control.Members}\t{x.Control.ResponseRate.Value:0.0000}\t{x.Comparison.Uplift.Value:0.0000}\t{x.Comparison.Uplift.Lower:0.0000}\t{x.Comparison.Uplift.Upper:0.0000}\t{x.Comparison.PValue:0.0000}\t{(x.Comparison.Significant ? "yes" : "not significant")}")));
                return string.Join(Environment.NewLine, lines);
            });
            if (code != 0)
            {
                return code;
            }
            foreach (var (file, format) in new[] { (pr.GetValue(csv), ResultFileFormat.Csv), (pr.GetValue(xlsx), ResultFileFormat.Xlsx) })
            {
                if (file is null)
                {
                    continue;
                }
                await using var output = File.Create(file.FullName);
                var written = await service.ExportAsync(user, campaignId, format, output, ct);
                if (!written.IsOk)
                {
                    Console.Error.WriteLine($"{file.Name}: {written.Message ?? written.Outcome.ToString()}");
                    return 1;
                }
                await provider.GetRequiredService<IAccessLog>().RecordAsync(user, new AccessEvent(AccessAction.Download, null, AccessReason.Campaign,
                    string.Create(CultureInfo.InvariantCulture, $"campaign {campaignId} results.{format.ToString().ToLowerInvariant()}")), ct);
                Console.Error.WriteLine($"Wrote {file.FullName}.");
            }
            return 0;
        });
        return results;
    }

    private static Command Holdout(Lazy<ServiceProvider> services)
    {
        var year = new Option<int>("--year") { Description = "The holdout year", Required = true };
        var holdout = new Command("holdout", "Marketing's total effect in a year: the universal holdout against the rest of the book") { year };
        holdout.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var (provider, user) = await StartAsync(pr, services, Capability.CampaignView, ct);
            if (user is null || Service<ICampaignResults>(provider) is not { } service)
            {
                return 1;
            }
            return Report(await service.HoldoutAsync(user, pr.GetValue(year), ct), DescribeHoldout);
        });
        return holdout;
    }

    /// <summary>The holdout report as lines: the groups, the rate difference, then totals in the campaigns' currency.</summary>
    internal static string DescribeHoldout(HoldoutReport h)
    {
        var c = h.Comparison;
        var t = h.Totals;
        var level = 1 - h.Alpha;
        string Money(double x) => string.Create(CultureInfo.InvariantCulture, $"{h.Currency} {x:N0}");
        string Range(Estimate e, Func<double, string> format) => $"{format(e.Value)} [{format(e.Lower)}, {format(e.Upper)}]";
        return string.Join(Environment.NewLine, new[]
        {
            string.Create(CultureInfo.InvariantCulture,
                $"{h.Year} ({h.From:yyyy-MM-dd} to {h.To:yyyy-MM-dd}): universal holdout share {h.Share:P1}; {h.Campaigns} campaign(s); a response is an event of {string.Join(", ", h.Objectives)}."),
            string.Create(CultureInfo.InvariantCulture,
                $"  holdout {h.Holdout.Members:N0} customers, {h.Holdout.Responders:N0} responded ({h.Holdout.ResponseRate.Value:P2}); rest {h.Rest.Members:N0} customers, {h.Rest.Responders:N0} responded ({h.Rest.ResponseRate.Value:P2})."),
            string.Create(CultureInfo.InvariantCulture,
                $"  difference {c.Uplift.Value:P2} [{c.Uplift.Lower:P2}, {c.Uplift.Upper:P2}] ({level:P0} Newcombe), p {c.PValue:0.0000}{(c.Significant ? "" : " (not significant)")}."),
            string.Create(CultureInfo.InvariantCulture,
                $"  incremental responses of all marketing: {Range(t.IncrementalResponses, x => x.ToString("N1", CultureInfo.InvariantCulture))} (difference × {h.Rest.Members:N0} marketed customers)."),
            string.Create(CultureInfo.InvariantCulture,
                $"  revenue per customer: holdout {Money((double)t.RevenuePerCustomerHoldout)}, rest {Money((double)t.RevenuePerCustomerRest)}; incremental revenue {Range(c.IncrementalRevenue, Money)} ({level:P0} Welch)."),
            string.Create(CultureInfo.InvariantCulture,
                $"  campaign costs {Money((double)c.Cost)}; incremental profit {Range(t.IncrementalProfit, Money)}; ROI {(t.Roi is { } roi ? Range(roi, x => x.ToString("P1", CultureInfo.InvariantCulture)) : "n/a (no cost)")}."),
        });
    }

    private static async Task<(ServiceProvider Provider, CrmUser? User)> StartAsync(ParseResult pr, Lazy<ServiceProvider> services, string capability, CancellationToken ct)
    {
        var provider = services.Value;
        await provider.GetRequiredService<Migrator>().MigrateAsync(ct);
        return (provider, await CliUser.ResolveAsync(pr, provider, capability, ct));
    }

    /// <summary>The use case's service, or null with a message when this build does not have it yet.</summary>
    private static T? Service<T>(IServiceProvider provider) where T : class
    {
        var service = provider.GetService<T>();
        if (service is null)
        {
            Console.Error.WriteLine($"This build does not include {typeof(T).Name} yet.");
        }
        return service;
    }

    /// <summary>Prints the answer of a use case: its figures on standard output, or what was wrong on standard error (exit 1).</summary>
    private static int Report<T>(CampaignResult<T> result, Func<T, string> describe)
    {
        switch (result.Outcome)
        {
            case CampaignOutcome.Ok:
                Console.WriteLine(describe(result.Value!));
                return 0;
            case CampaignOutcome.Invalid:
                foreach (var (field, messages) in result.Errors)
                {
                    Console.Error.WriteLine($"{field}: {string.Join(" ", messages)}");
                }
                return 1;
            case CampaignOutcome.NotFound:
                Console.Error.WriteLine("No such campaign.");
                return 1;
            case CampaignOutcome.Forbidden:
                Console.Error.WriteLine("This account may not do that.");
                return 1;
            default:
                Console.Error.WriteLine(result.Message ?? "Refused in the campaign's current state.");
                return 1;
        }
    }
}
