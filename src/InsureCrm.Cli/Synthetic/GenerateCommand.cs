using System.CommandLine;
using System.Globalization;
using InsureCrm.Cli.Common;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Core.Synthetic;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace InsureCrm.Cli.Synthetic;

/// <summary>
/// <c>insurecrm generate --customers N --as USER [--seed S] [--truth FILE [--truth-at yyyy-MM-dd]] [--no-campaigns]</c>: a synthetic
/// insurer in an empty database, with three planted past campaigns unless <c>--no-campaigns</c>, run by an admin account (create
/// it first with <c>insurecrm users add</c> after <c>db migrate</c>).
/// </summary>
internal static class GenerateCommand
{
    public static Command Create(Lazy<ServiceProvider> services)
    {
        var customers = new Option<int>("--customers") { Description = "Number of customer rows to create (people, companies and duplicate records)", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed; the same seed and as-of date give the same data", DefaultValueFactory = _ => GenerationOptions.DefaultSeed };
        var truth = new Option<FileInfo?>("--truth") { Description = "Write the hidden truth (lapse, purchase, loan propensities, duplicates) to this CSV; agents go to NAME.agents.csv" };
        var asOf = CliDates.AsOfOption("Last day of the history (yyyy-MM-dd); default today in Korea");
        var truthAt = new Option<string?>("--truth-at")
        {
            Description = "Date the truth file describes (yyyy-MM-dd, within the history; default the as-of date), e.g. a model's cutoff; the data stay the same",
        };
        var noCampaigns = new Option<bool>("--no-campaigns")
        {
            Description = "Do not plant the three past campaigns (a pilot, its roll-out, a running one) with their members, contacts and known effect",
        };
        var command = new Command("generate", "Create a synthetic Korean insurer (customers, households, agents, products, ten years of contracts) in an empty database")
        {
            customers, seed, truth, asOf, truthAt, noCampaigns,
        };
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var count = pr.GetValue(customers);
            if (count < 1)
            {
                Console.Error.WriteLine("--customers must be at least 1.");
                return 1;
            }
            if (!CliDates.TryGet(pr, asOf, out var asOfDate))
            {
                return 1;
            }
            DateOnly? truthDate = null;
            if (pr.GetValue(truthAt) is { Length: > 0 } truthText)
            {
                if (pr.GetValue(truth) is null)
                {
                    Console.Error.WriteLine("--truth-at needs --truth FILE.");
                    return 1;
                }
                if (!DateOnly.TryParseExact(truthText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
                {
                    Console.Error.WriteLine("--truth-at must be a date like 2025-03-31.");
                    return 1;
                }
                truthDate = parsed;
            }
            var provider = services.Value;
            await provider.GetRequiredService<Migrator>().MigrateAsync(ct);
            var user = await CliUser.ResolveAsync(pr, provider, Capability.DataGenerate, ct);
            if (user is null)
            {
                return 1;
            }
            var insurer = provider.GetRequiredService<SyntheticInsurer>();
            if (!await insurer.IsDatabaseEmptyAsync(ct))
            {
                Console.Error.WriteLine("The database already holds customers. Generate only into an empty database (create a new one, or drop and migrate this one).");
                return 1;
            }
            var options = new GenerationOptions(count, pr.GetValue(seed), pr.GetValue(truth)?.FullName, asOfDate, TruthAt: truthDate, Campaigns: !pr.GetValue(noCampaigns));
            var lastDay = asOfDate ?? insurer.Today;
            if (truthDate is { } t && (t > lastDay || t < new DateOnly(lastDay.Year, lastDay.Month, 1).AddMonths(-120)))
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"--truth-at must lie in the ten years of history up to the as-of date {lastDay:yyyy-MM-dd}."));
                return 1;
            }
            var summary = await RunAsync(insurer, options, ct);
            await provider.GetRequiredService<IAccessLog>().RecordAsync(user, new AccessEvent(AccessAction.Insert, null, null,
                string.Create(CultureInfo.InvariantCulture, $"generate {summary.Customers} synthetic customers, seed {summary.Seed}")), ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Generated {summary.Customers:N0} customers ({summary.Duplicates:N0} duplicate records), {summary.Contracts:N0} contracts, {summary.Loans:N0} loans, {summary.Claims:N0} claims, {summary.Interactions:N0} contacts, {summary.Agents:N0} agents in {summary.Branches:N0} branches, {summary.Products} products."));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{summary.Rows:N0} rows in {summary.Duration.TotalSeconds:F1} s ({summary.Customers / Math.Max(summary.Duration.TotalSeconds, 0.001):N0} customers/s); as of {summary.AsOf:yyyy-MM-dd}, seed {summary.Seed}."));
            if (summary.Campaigns > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{summary.Campaigns} past campaigns planted (C-SYN-001…): {summary.CampaignMembers:N0} members, {summary.CampaignContacts:N0} contacts."));
            }
            if (options.TruthFile is { } file)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Truth as of {truthDate ?? summary.AsOf:yyyy-MM-dd}: {file} and {GenerationOptions.AgentTruthFile(file)}"));
                if (summary.Campaigns > 0)
                {
                    Console.WriteLine($"Campaign truth: {GenerationOptions.CampaignTruthFile(file)} and {GenerationOptions.CampaignEffectTruthFile(file)}");
                }
            }
            return 0;
        });
        return command;
    }

    private static async Task<GenerationSummary> RunAsync(SyntheticInsurer insurer, GenerationOptions options, CancellationToken ct)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            var lastPercent = -1;
            var plain = new Progress<GenerationProgress>(p =>
            {
                var percent = (int)(100L * p.CustomersWritten / p.CustomersTotal);
                if (percent / 10 != lastPercent / 10 || p.CustomersWritten == p.CustomersTotal)
                {
                    lastPercent = percent;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generate: {p.CustomersWritten:N0}/{p.CustomersTotal:N0} customers ({percent}%), {p.RowsWritten:N0} rows"));
                }
            });
            return await insurer.GenerateAsync(options, new SyncProgress<GenerationProgress>(plain), ct);
        }
        GenerationSummary? summary = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("Generating customers", maxValue: options.Customers);
                summary = await insurer.GenerateAsync(options, new SyncProgress<GenerationProgress>(p => task.Value = p.CustomersWritten), ct);
                task.Value = options.Customers;
            });
        return summary!;
    }
}
