using System.CommandLine;
using System.Globalization;
using InsureCrm.Cli.Common;
using InsureCrm.Core.Common;
using InsureCrm.Core.Models;
using InsureCrm.Core.Security;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Models;

/// <summary>
/// The insurer's own models (docs/insurer-models.md) under <c>insurecrm model</c>:
/// <c>build NAME --cutoff yyyy-MM-dd [--algorithm logistic]</c>, <c>list [NAME]</c>, <c>approve NAME VERSION</c>,
/// <c>run [--as-of yyyy-MM-dd]</c> and <c>compare-truth NAME [--version N] --truth FILE.csv</c>. Approval needs
/// <c>models:approve</c> (admin) and someone other than the trainer; the rest <c>models:manage</c> (admin, analyst).
/// </summary>
internal static class InsurerModelCommands
{
    public static void AddTo(Command model, Lazy<ServiceProvider> services)
    {
        ArgumentNullException.ThrowIfNull(model);
        var names = string.Join(", ", InsurerModels.All.Select(m => m.Name));

        var buildName = new Argument<string>("NAME") { Description = "Model: " + names };
        var cutoff = new Option<string>("--cutoff") { Description = "Features as of this date (yyyy-MM-dd); labels in the 3 months after it (agent models: 13 months)", Required = true };
        var algorithm = new Option<string?>("--algorithm") { Description = "Learner: " + string.Join(", ", InsurerModels.Algorithms) + " (default logistic)" };
        var build = new Command("build", "Train a model as of a cutoff and register it as a challenger; prints held-out AUC, log loss and top-decile lift") { buildName, cutoff, algorithm };
        build.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            if (!CliDates.TryParse(pr.GetValue(cutoff), "--cutoff", out var date))
            {
                return 1;
            }
            var provider = services.Value;
            await provider.GetRequiredService<Migrator>().MigrateAsync(ct);
            var user = await CliUser.ResolveAsync(pr, provider, Capability.ModelsManage, ct);
            if (user is null)
            {
                return 1;
            }
            ModelVersion version;
            try
            {
                version = await provider.GetRequiredService<InsurerModelTrainer>().BuildAsync(new ModelBuildRequest(pr.GetValue(buildName)!, date, pr.GetValue(algorithm), user.UserName), ct);
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync("Error: " + ex.Message);
                return 1;
            }
            await provider.GetRequiredService<IAccessLog>().RecordAsync(user, new AccessEvent(AccessAction.Change, null, null,
                string.Create(CultureInfo.InvariantCulture, $"model build {version.Name} v{version.Version} cutoff {date:yyyy-MM-dd}")), ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{version.Name} v{version.Version} ({version.Algorithm}, cutoff {version.Cutoff:yyyy-MM-dd}, window {version.WindowMonths} months): challenger"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"rows {version.TrainRows:N0} train + {version.TestRows:N0} held out, event rate {version.PositiveRate:P2}; held-out AUC {version.Auc:F3}, log loss {version.LogLoss:F4}, top-decile lift {version.TopDecileLift:F2}"));
            return 0;
        });

        var exportName = new Argument<string>("NAME") { Description = "Model: " + names };
        var exportCutoff = new Option<string>("--cutoff") { Description = "Features as of this date (yyyy-MM-dd); the label in the window after it", Required = true };
        var exportOut = new Option<string>("--out") { Description = "CSV file to write: the row id, every feature and the label", Required = true };
        var export = new Command("export", "Write a model's point-in-time training set as CSV (for the workbench or another tool; pseudonymised ids, access-logged)") { exportName, exportCutoff, exportOut };
        export.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            if (!CliDates.TryParse(pr.GetValue(exportCutoff), "--cutoff", out var date))
            {
                return 1;
            }
            if (InsurerModels.Find(pr.GetValue(exportName)!) is not { } chosen)
            {
                await Console.Error.WriteLineAsync($"Error: unknown model '{pr.GetValue(exportName)}'; known: {names}.");
                return 1;
            }
            var provider = services.Value;
            await provider.GetRequiredService<Migrator>().MigrateAsync(ct);
            var user = await CliUser.ResolveAsync(pr, provider, Capability.ModelsManage, ct);
            if (user is null)
            {
                return 1;
            }
            var set = await provider.GetRequiredService<InsurerModelTrainer>().BuildTrainingSetAsync(chosen, date, ct);
            var path = pr.GetValue(exportOut)!;
            await using (var writer = new StreamWriter(path, false, new System.Text.UTF8Encoding(false)))
            {
                var features = set.Data.Features;
                var idColumn = chosen.Subject switch { ModelSubject.Contract => "contract_id", ModelSubject.Agent => "agent_id", _ => "customer_id" };
                await writer.WriteLineAsync(string.Join(',', [idColumn, .. features.Select(f => CsvCell.Field(f.Name)), "label"]));
                var row = new double[features.Count];
                var line = new System.Text.StringBuilder();
                for (var r = 0; r < set.Data.Rows; r++)
                {
                    set.Data.CopyRow(r, row);
                    line.Clear().Append(set.RowIds[r].ToString(CultureInfo.InvariantCulture));
                    for (var j = 0; j < row.Length; j++)
                    {
                        line.Append(',');
                        if (!double.IsNaN(row[j]))
                        {
                            line.Append(features[j].Kind == InsureCrm.Analytics.Learning.FeatureKind.Categorical
                                ? CsvCell.Field(features[j].Categories[(int)row[j]])
                                : row[j].ToString("R", CultureInfo.InvariantCulture));
                        }
                    }
                    line.Append(',').Append(set.Labels[r] ? '1' : '0');
                    await writer.WriteLineAsync(line.ToString());
                }
            }
            await provider.GetRequiredService<IAccessLog>().RecordAsync(user, new AccessEvent(AccessAction.Export, null, null,
                string.Create(CultureInfo.InvariantCulture, $"model export {chosen.Name} cutoff {date:yyyy-MM-dd}: {set.Data.Rows} rows")), ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{chosen.Name} as of {date:yyyy-MM-dd}: {set.Data.Rows:N0} rows, {set.Positives:N0} with the event, {set.Data.Columns} features written to {path}."));
            return 0;
        });

        var listName = new Argument<string?>("NAME") { Description = "Only this model", Arity = ArgumentArity.ZeroOrOne };
        var list = new Command("list", "Model versions with their status and metrics") { listName };
        list.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var provider = services.Value;
            await provider.GetRequiredService<Migrator>().MigrateAsync(ct);
            if (await CliUser.ResolveAsync(pr, provider, Capability.ModelsManage, ct) is null)
            {
                return 1;
            }
            var versions = await provider.GetRequiredService<ModelRegistry>().ListAsync(pr.GetValue(listName), ct);
            if (versions.Count == 0)
            {
                Console.WriteLine("No model versions.");
                return 0;
            }
            Console.WriteLine("name                 ver  status      algorithm  cutoff      AUC    log loss  lift   trained by      approved by");
            foreach (var v in versions)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{v.Name,-20} {v.Version,3}  {v.Status,-10}  {v.Algorithm,-9}  {v.Cutoff:yyyy-MM-dd}  {v.Auc,5:F3}  {v.LogLoss,8:F4}  {v.TopDecileLift,5:F2}  {v.TrainedBy,-14}  {v.ApprovedBy ?? "-"}"));
            }
            return 0;
        });

        var approveName = new Argument<string>("NAME") { Description = "Model name" };
        var approveVersion = new Argument<int>("VERSION") { Description = "Version to make champion" };
        var approve = new Command("approve", "Make a challenger the champion of its model (retires the previous champion); not a version you trained") { approveName, approveVersion };
        approve.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var provider = services.Value;
            await provider.GetRequiredService<Migrator>().MigrateAsync(ct);
            var user = await CliUser.ResolveAsync(pr, provider, Capability.ModelsApprove, ct);
            if (user is null)
            {
                return 1;
            }
            var name = pr.GetValue(approveName)!;
            var number = pr.GetValue(approveVersion);
            var result = await provider.GetRequiredService<ModelRegistry>().ApproveAsync(name, number, user, ct);
            switch (result.Outcome)
            {
                case ApprovalOutcome.Approved:
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} v{number} is the champion")
                        + (result.RetiredChampion is { } r ? string.Create(CultureInfo.InvariantCulture, $"; v{r.Version} retired.") : "."));
                    return 0;
                case ApprovalOutcome.NotFound:
                    await Console.Error.WriteLineAsync($"Error: there is no {name} v{number}.");
                    return 1;
                case ApprovalOutcome.OwnModel:
                    await Console.Error.WriteLineAsync($"Error: {user.UserName} trained {name} v{number}; another approver must approve it.");
                    return 1;
                default:
                    await Console.Error.WriteLineAsync($"Error: {name} v{number} is {result.Champion!.Status}, not a challenger.");
                    return 1;
            }
        });

        var asOf = CliDates.AsOfOption("Score as of this date (yyyy-MM-dd); default today in Korea");
        var run = new Command("run", "Score every live customer, active contract and active agent with every champion of its kind; stores each score with its top 3 reasons per run date") { asOf };
        run.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var provider = services.Value;
            if (!CliDates.TryGet(pr, asOf, provider.GetRequiredService<TimeProvider>(), out var date))
            {
                return 1;
            }
            await provider.GetRequiredService<Migrator>().MigrateAsync(ct);
            var user = await CliUser.ResolveAsync(pr, provider, Capability.ModelsManage, ct);
            if (user is null)
            {
                return 1;
            }
            var runs = await provider.GetRequiredService<InsurerModelScorer>().RunAsync(date, null, ct);
            if (runs is null)
            {
                await Console.Error.WriteLineAsync("Another process is scoring; try again when it has finished.");
                return 1;
            }
            if (runs.Count == 0)
            {
                Console.WriteLine("No champion to score with: build a model and approve it first.");
                return 0;
            }
            await provider.GetRequiredService<IAccessLog>().RecordAsync(user, new AccessEvent(AccessAction.Change, null, null,
                string.Create(CultureInfo.InvariantCulture, $"model run as of {date:yyyy-MM-dd}: {string.Join(", ", runs.Select(r => $"{r.Name} v{r.Version}"))}")), ct);
            foreach (var r in runs)
            {
                Console.WriteLine(r.Describe(date));
            }
            return 0;
        });

        var truthName = new Argument<string>("NAME") { Description = "Model name" };
        var truthVersion = new Option<int?>("--version") { Description = "Version (default: the champion, else the latest)" };
        var truthFile = new Option<string>("--truth") { Description = "Truth file of `insurecrm generate --truth FILE --truth-at CUTOFF` (its date must be the model's cutoff)", Required = true };
        var compare = new Command("compare-truth", "AUC of the model and of the generator's true probability as of the model's cutoff on the same held-out customers and realised labels") { truthName, truthVersion, truthFile };
        compare.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var provider = services.Value;
            await provider.GetRequiredService<Migrator>().MigrateAsync(ct);
            if (await CliUser.ResolveAsync(pr, provider, Capability.ModelsManage, ct) is null)
            {
                return 1;
            }
            var name = pr.GetValue(truthName)!;
            var versions = await provider.GetRequiredService<ModelRegistry>().ListAsync(name, ct);
            var version = pr.GetValue(truthVersion) is { } n ? versions.FirstOrDefault(v => v.Version == n)
                : versions.FirstOrDefault(v => v.Status == ModelStatus.Champion) ?? (versions.Count > 0 ? versions[^1] : null);
            if (version is null)
            {
                await Console.Error.WriteLineAsync($"Error: no such version of model '{name}'.");
                return 1;
            }
            var path = pr.GetValue(truthFile)!;
            if (!File.Exists(path))
            {
                await Console.Error.WriteLineAsync($"Error: {path} does not exist.");
                return 1;
            }
            try
            {
                var r = await provider.GetRequiredService<TruthComparison>().CompareAsync(version, path, ct);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.Name} v{r.Version} (cutoff {r.Cutoff:yyyy-MM-dd}) on {r.Customers:N0} held-out customers, {r.Positives:N0} with the event in the window: model AUC {r.ModelAuc:F3}, truth ({TruthComparison.TruthColumn(r.Name)} as of {r.TruthAsOf:yyyy-MM-dd}) AUC {r.TruthAuc:F3}"));
                return 0;
            }
            catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException or ArgumentException)
            {
                await Console.Error.WriteLineAsync("Error: " + ex.Message);
                return 1;
            }
        });

        model.Subcommands.Add(build);
        model.Subcommands.Add(export);
        model.Subcommands.Add(list);
        model.Subcommands.Add(approve);
        model.Subcommands.Add(run);
        model.Subcommands.Add(compare);
    }
}
