using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using InsureCrm.Cli.Common;
using InsureCrm.Core.Common;
using InsureCrm.Core.Imports;
using InsureCrm.Core.Security;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace InsureCrm.Cli.Imports;

/// <summary>
/// <c>insurecrm import KIND FILE --as USER [--encoding auto|utf-8|cp949] [--source SYSTEM]</c> (admin or
/// compliance accounts; the import is recorded in the access log with the file name). Exit code 0 when every
/// row loaded, 2 when some were rejected (see FILE.rejects.csv), 1 on a fatal error with nothing written.
/// The console shows counts, line numbers, columns and reasons only, never row values.
/// </summary>
internal static class ImportCommand
{
    private static readonly string[] Kinds = ["customers", "contracts", "loans", "agents", "interactions", "claims"];

    public static Command Create(Lazy<ServiceProvider> services)
    {
        var kind = new Argument<string>("kind") { Description = "What the file holds: " + string.Join(", ", Kinds) };
        kind.AcceptOnlyFromAmong(Kinds);
        var file = new Argument<string>("file") { Description = "CSV file with a header row (docs/imports.md lists the columns)" };
        var encoding = new Option<string>("--encoding")
        {
            Description = "auto (strict UTF-8, else CP949), utf-8 or cp949 (EUC-KR)",
            DefaultValueFactory = _ => "auto",
        };
        var source = new Option<string?>("--source") { Description = "Source system of the ids in the file, when it has no source_system column" };
        var batch = new Option<int>("--batch-size") { Description = "Rows per committed batch", DefaultValueFactory = _ => ImportService.DefaultBatchSize, Hidden = true };
        var command = new Command("import", "Import a CSV export of a source system: validate, reject bad rows, upsert, resolve identities")
        {
            kind, file, encoding, source, batch,
        };
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var enc = EncodingOption.Parse(pr.GetValue(encoding));
            if (enc is null)
            {
                await Console.Error.WriteLineAsync("Error: --encoding must be auto, utf-8 or cp949.");
                return 1;
            }
            var user = await CliUser.ResolveAsync(pr, services.Value, Capability.DataImport, ct);
            if (user is null)
            {
                return 1;
            }
            var importKind = Enum.Parse<ImportKind>(pr.GetValue(kind)!, ignoreCase: true);
            var path = Path.GetFullPath(pr.GetValue(file)!);
            var request = new ImportRequest(importKind, path, enc.Value, pr.GetValue(source), "cli:" + user.UserName, pr.GetValue(batch));
            var importer = services.Value.GetRequiredService<ImportService>();
            var watch = Stopwatch.StartNew();
            var result = await RunWithProgressAsync(importer, request, ct);
            watch.Stop();
            if (result.Status != ImportStatus.Failed)
            {
                await services.Value.GetRequiredService<IAccessLog>().RecordAsync(user, new AccessEvent(AccessAction.Insert, null, null,
                    string.Create(CultureInfo.InvariantCulture,
                        $"import {importKind.ToString().ToLowerInvariant()} {Path.GetFileName(path)}: loaded {result.Loaded}, rejected {result.Rejected}, merged {result.Merged}")), CancellationToken.None);
            }
            Report(request, result, watch.Elapsed);
            return result.ExitCode;
        });
        return command;
    }

    private static async Task<ImportResult> RunWithProgressAsync(ImportService importer, ImportRequest request, CancellationToken ct)
    {
        var label = $"Importing {request.Kind.ToString().ToLowerInvariant()}";
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            var lastTenth = 0L;
            return await importer.ImportAsync(request, new Reporter(p =>
            {
                var tenth = p.BytesTotal == 0 ? 10 : p.BytesRead * 10 / p.BytesTotal;
                if (tenth > lastTenth)
                {
                    lastTenth = tenth;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}: {tenth * 10}% ({p.Rows:N0} rows)"));
                }
            }), ct);
        }
        ImportResult? result = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(label, maxValue: 1);
                result = await importer.ImportAsync(request, new Reporter(p =>
                {
                    task.MaxValue = Math.Max(1, p.BytesTotal);
                    task.Value = p.BytesRead;
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"{label} ({p.Rows:N0} rows)");
                }), ct);
                task.Value = task.MaxValue;
            });
        return result!;
    }

    private static void Report(ImportRequest request, ImportResult result, TimeSpan elapsed)
    {
        if (result.Status == ImportStatus.Failed)
        {
            Console.Error.WriteLine($"Import failed, nothing was written: {result.Error}");
            return;
        }
        var inv = CultureInfo.InvariantCulture;
        var rate = elapsed.TotalSeconds > 0 ? result.Read / elapsed.TotalSeconds : 0;
        Console.WriteLine(string.Create(inv,
            $"Imported {request.Kind.ToString().ToLowerInvariant()} from {Path.GetFileName(request.Path)} ({result.Encoding}), run {result.RunId}: "
            + $"read {result.Read:N0}, loaded {result.Loaded:N0} (new {result.Inserted:N0}, updated {result.Updated:N0}), "
            + $"unchanged {result.Unchanged:N0}, rejected {result.Rejected:N0}, merged {result.Merged:N0} "
            + $"in {elapsed.TotalSeconds:0.0} s ({rate:N0} rows/s)."));
        Console.WriteLine(Lines(result));
        if (result.RejectsPath is not null)
        {
            Console.WriteLine($"Rejected rows with line, column and reason: {result.RejectsPath}");
            foreach (var (line, column, reason) in result.FirstRejects)
            {
                Console.WriteLine(string.Create(inv, $"  line {line}, {column}: {reason}"));
            }
            if (result.Rejected > result.FirstRejects.Count)
            {
                Console.WriteLine("  ... (see the rejects file for all)");
            }
        }
    }

    /// <summary>Where every physical line of the file went, so that no line goes unaccounted for.</summary>
    internal static string Lines(ImportResult result)
    {
        var inv = CultureInfo.InvariantCulture;
        var parts = new List<string> { string.Create(inv, $"{result.HeaderLines:N0} header") };
        parts.Add(string.Create(inv, $"{result.Read:N0} rows"));
        if (result.ContinuationLines > 0)
        {
            parts.Add(string.Create(inv, $"{result.ContinuationLines:N0} inside quoted fields"));
        }
        if (result.BlankLines > 0)
        {
            parts.Add(string.Create(inv, $"{result.BlankLines:N0} blank"));
        }
        return string.Create(inv, $"Lines in the file: {result.Lines:N0} = {string.Join(" + ", parts)}.");
    }

    /// <summary>Reports synchronously on the importing thread (Progress&lt;T&gt; would post them out of order).</summary>
    private sealed class Reporter(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }
}
