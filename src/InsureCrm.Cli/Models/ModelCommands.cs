using System.CommandLine;
using System.Globalization;
using System.Text;
using InsureCrm.Analytics.Learning;
using InsureCrm.Core.Common;
using Spectre.Console;

namespace InsureCrm.Cli.Models;

/// <summary>
/// The model workbench for any tabular file (issue 5, part 2): <c>insurecrm model train | score | evaluate</c>
/// on CSV files (docs/models.md). Exit codes: 0 success, 1 bad input (the message on stderr names the file, line
/// and column where it can).
/// </summary>
/// <remarks>
/// These verbs read and write the analyst's own files only: no database is opened and no CRM data is read or
/// written, so they need no <c>--as</c> account (it is accepted, as on every verb, and not checked). A verb that
/// builds a training set from the CRM's customers belongs to the Models feature and will check its capability.
/// </remarks>
internal static class ModelCommands
{
    private const string Auto = WorkbenchTraining.Auto;
    private const int DefaultSeed = 42;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly string[] CodeHints = ["code", "channel", "type", "class", "id", "cd", "zip", "postal", "region", "branch"];

    public static Command Create(TimeProvider time)
    {
        var model = new Command("model", "Models: the workbench on CSV files (train, score, evaluate; no database; docs/models.md) and the insurer's models on the CRM's data (build, list, approve, run, compare-truth; docs/insurer-models.md)");
        model.Subcommands.Add(CreateTrain(time));
        model.Subcommands.Add(CreateScore());
        model.Subcommands.Add(CreateEvaluate());
        return model;
    }

    private static Command CreateTrain(TimeProvider time)
    {
        var data = new Option<string>("--data") { Description = "CSV file with a header row (UTF-8, comma-separated)", Required = true };
        var target = new Option<string>("--target") { Description = "The binary column to predict (0/1, true/false, yes/no or any two values)", Required = true };
        var id = new Option<string?>("--id") { Description = "Row identifier column: kept aside, not learnt from; score files carry it" };
        var algorithm = new Option<string>("--algorithm")
        {
            Description = $"auto (choose and tune by cross-validation) or one of: {string.Join(", ", Learners.Names)}",
            DefaultValueFactory = _ => Auto,
        };
        var categorical = new Option<string[]>("--categorical") { Description = "Columns to read as categories although their values are numbers (COL,COL)" };
        var numeric = new Option<string[]>("--numeric") { Description = "Columns that must be numbers: a text value is an error, not a category (COL,COL)" };
        var ignore = new Option<string[]>("--ignore") { Description = "Columns not to learn from (COL,COL)" };
        var positive = new Option<string?>("--positive") { Description = "The target value that counts as positive (default: the one that sorts second: 1, true, yes)" };
        var seed = new Option<int>("--seed") { Description = "Seed of the validation split, the folds and the learners", DefaultValueFactory = _ => DefaultSeed };
        var validation = new Option<double>("--validation")
        {
            Description = "Share of rows held out, stratified, to measure the model (0 to measure nothing)",
            DefaultValueFactory = _ => 0.2,
        };
        var budget = new Option<double>("--budget", "--time-budget")
        {
            Description = "Work that auto may plan, in work units (about seconds of one core): estimated before each candidate starts, so the same data and seed choose the same model on any machine (docs/models.md)",
            DefaultValueFactory = _ => ModelSearch.DefaultBudget,
        };
        var selectBy = new Option<string>("--select-by")
        {
            Description = "What auto ranks candidates by: auc, logloss, or hits@N (positives among the top N, for a campaign that can contact N, e.g. hits@5000)",
            DefaultValueFactory = _ => SelectionMeasure.Auc.Name,
        };
        var timeLimit = new Option<double>("--time-limit")
        {
            Description = "Safety stop in seconds of wall-clock time: past it auto fails (exit 1) rather than choose differently; 0 for none",
            DefaultValueFactory = _ => 0,
        };
        var folds = new Option<int>("--folds") { Description = "Folds of auto's cross-validation", DefaultValueFactory = _ => 5 };
        var noRefit = new Option<bool>("--no-refit")
        {
            Description = "Save the model measured on the held-out rows, instead of refitting it on every row (the default)",
        };
        var treatment = new Option<string?>("--treatment")
        {
            Description = "Uplift: the 0/1 column saying whether a row was treated (contacted) in a randomised test; trains an uplift model (--algorithm auto, two-model, class-transform, uplift-tree or uplift-forest; docs/models.md, Uplift)",
        };
        var classifier = new Option<string>("--classifier")
        {
            Description = $"Uplift: the classifier under two-model and class-transform, one of: {string.Join(", ", Learners.Names)}",
            DefaultValueFactory = _ => UpliftCommands.DefaultClassifier,
        };
        var balance = new Option<string>("--balance")
        {
            Description = "Uplift, class-transform: how unequal arms are made to weigh equally: weights (each row N/(2·N_arm), when the classifier takes weights) or resample (the smaller arm topped up with its own rows drawn with replacement)",
            DefaultValueFactory = _ => "weights",
        };
        var reach = new Option<string?>("--reach")
        {
            Description = "Uplift: a numeric column that is 0 where the treatment could not reach the row (e.g. plannedContact): those rows are left out of learning and get uplift 0",
        };
        var output = new Option<string>("--out") { Description = "Model file to write (JSON)", Required = true };
        var train = new Command("train",
            "Train a model on a CSV file: hold out a stratified validation part, train on the rest, report AUC, log loss and lift on the held-out part, "
            + "then refit on all rows (unless --no-refit) and write the model file")
        {
            data, target, id, algorithm, categorical, numeric, ignore, positive, seed, validation, budget, selectBy, timeLimit, folds, noRefit, treatment, classifier,
            balance, reach, output,
        };
        train.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            if (pr.GetValue(treatment) is { } treatmentColumn)
            {
                var uplift = new UpliftCommands.TrainRequest(pr.GetValue(data)!, pr.GetValue(target)!, treatmentColumn, pr.GetValue(id),
                    pr.GetValue(algorithm) ?? Auto, pr.GetValue(classifier) ?? UpliftCommands.DefaultClassifier, List(pr.GetValue(categorical)),
                    List(pr.GetValue(numeric)), List(pr.GetValue(ignore)), pr.GetValue(positive), pr.GetValue(seed), pr.GetValue(validation),
                    !pr.GetValue(noRefit), pr.GetValue(output)!) { Balance = pr.GetValue(balance) ?? "weights", Reach = pr.GetValue(reach), Folds = pr.GetValue(folds) };
                return await GuardAsync(() => Task.Run(() => UpliftCommands.Train(uplift, WriteAtomically), ct));
            }
            var request = new TrainRequest(pr.GetValue(data)!, pr.GetValue(target)!, pr.GetValue(id), pr.GetValue(algorithm) ?? Auto,
                List(pr.GetValue(categorical)), List(pr.GetValue(numeric)), List(pr.GetValue(ignore)), pr.GetValue(positive), pr.GetValue(seed),
                pr.GetValue(validation), pr.GetValue(budget), pr.GetValue(selectBy) ?? SelectionMeasure.Auc.Name, pr.GetValue(timeLimit), pr.GetValue(folds),
                !pr.GetValue(noRefit), pr.GetValue(output)!);
            return await GuardAsync(() => TrainAsync(request, time, ct));
        });
        return train;
    }

    private static Command CreateScore()
    {
        var modelFile = new Option<string>("--model") { Description = "Model file written by model train", Required = true };
        var data = new Option<string>("--data") { Description = "CSV file with the model's columns (any order; other columns are ignored)", Required = true };
        var output = new Option<string>("--out") { Description = "Score file to write: the id column (or row, the 1-based data row) and score", Required = true };
        var score = new Command("score", "Score every row of a CSV file with a trained model, in input order") { modelFile, data, output };
        score.SetAction(async (ParseResult pr, CancellationToken ct) =>
            await GuardAsync(() => ScoreAsync(pr.GetValue(modelFile)!, pr.GetValue(data)!, pr.GetValue(output)!, ct)));
        return score;
    }

    private static Command CreateEvaluate()
    {
        var modelFile = new Option<string>("--model") { Description = "Model file written by model train", Required = true };
        var data = new Option<string>("--data") { Description = "Labelled CSV file with the model's columns", Required = true };
        var target = new Option<string?>("--target") { Description = "The target column (default: the one the model was trained on); values as in training" };
        var evaluate = new Command("evaluate", "Measure a trained model on a labelled CSV file: AUC, log loss, lift by decile, hits in the top 10% and 20%")
        {
            modelFile, data, target,
        };
        evaluate.SetAction(async (ParseResult pr, CancellationToken ct) =>
            await GuardAsync(() => EvaluateAsync(pr.GetValue(modelFile)!, pr.GetValue(data)!, pr.GetValue(target), ct)));
        return evaluate;
    }

    private sealed record TrainRequest(string Data, string Target, string? Id, string Algorithm, string[] Categorical, string[] Numeric, string[] Ignore,
        string? Positive, int Seed, double Validation, double Budget, string SelectBy, double TimeLimit, int Folds, bool Refit, string Out);

    /// <summary>Turns expected failures (bad files, bad options) into a message on stderr and exit code 1.</summary>
    private static async Task<int> GuardAsync(Func<Task<int>> verb)
    {
        try
        {
            return await verb();
        }
        catch (CsvDataException ex)
        {
            await Console.Error.WriteLineAsync($"Error: {ex.Message}");
        }
        catch (ArgumentException ex)
        {
            // The message without the " (Parameter 'x')" that ArgumentException appends: a person reads it, not a debugger.
            var message = ex.ParamName is { } name ? ex.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : ex.Message;
            await Console.Error.WriteLineAsync($"Error: {message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"Error: {ex.Message}");
        }
        return 1;
    }

    private static async Task<int> TrainAsync(TrainRequest request, TimeProvider time, CancellationToken ct)
    {
        if (!(request.Validation >= 0 && request.Validation < 1))
        {
            throw new ArgumentException("--validation must be at least 0 and below 1 (e.g. 0.2).");
        }
        if (!(request.Budget > 0) || double.IsInfinity(request.Budget))
        {
            throw new ArgumentException("--budget must be a positive number of work units (e.g. 60).");
        }
        if (!(request.TimeLimit >= 0) || double.IsInfinity(request.TimeLimit))
        {
            throw new ArgumentException("--time-limit must be a number of seconds, or 0 for none.");
        }
        var selectBy = SelectionMeasure.Parse(request.SelectBy, "--select-by");
        if (request.Folds < 2)
        {
            throw new ArgumentException("--folds must be at least 2.");
        }
        var training = new WorkbenchTrainingRequest
        {
            DataPath = request.Data,
            Csv = new CsvTrainingOptions
            {
                Target = request.Target,
                Id = request.Id,
                Categorical = request.Categorical,
                Numeric = request.Numeric,
                Ignore = request.Ignore,
                Positive = request.Positive,
            },
            Source = Path.GetFileName(request.Data),
            Algorithm = request.Algorithm,
            Seed = request.Seed,
            Validation = request.Validation,
            Folds = request.Folds,
            Budget = request.Budget,
            SelectBy = selectBy,
            TimeLimit = request.TimeLimit > 0 ? TimeSpan.FromSeconds(request.TimeLimit) : null,
            Refit = request.Refit,
            ValidationName = "--validation",
        };
        var result = await Task.Run(() => WorkbenchTraining.Run(training, new ConsoleTraining(request), time, ct));
        WriteAtomically(request.Out, result.Model.Save);
        Console.WriteLine();
        Console.WriteLine(string.Create(Inv, $"Model written to {request.Out}: {result.Model.Model.Algorithm} ({result.Settings}), ")
            + (result.Refit
                ? string.Create(Inv, $"refitted on all {result.Rows:N0} rows (the metrics above are those of the same settings trained without the held-out rows).")
                : string.Create(Inv, $"trained on {result.TrainingRows:N0} rows{(result.HeldOutRows > 0 ? " (the model measured above; not refitted)" : " (nothing held out: no metrics)")}.")));
        ct.ThrowIfCancellationRequested();
        return 0;
    }

    /// <summary>What <c>model train</c> shows while training: a progress bar a stage, the columns, the leaderboard and the held-out metrics.</summary>
    private sealed class ConsoleTraining(TrainRequest request) : WorkbenchTrainingObserver
    {
        private CsvSchema? _schema;

        public override T RunStage<T>(WorkbenchStageStart stage, Func<IProgress<WorkbenchStageProgress>?, T> work)
        {
            ArgumentNullException.ThrowIfNull(stage);
            ArgumentNullException.ThrowIfNull(work);
            var description = stage.Stage switch
            {
                WorkbenchStage.Read => $"Reading {Path.GetFileName(request.Data)}",
                WorkbenchStage.Search => "Cross-validating candidates",
                WorkbenchStage.Fit => $"Training {stage.Algorithm} on {stage.Rows:N0} rows",
                _ => $"Refitting {stage.Algorithm} on all {stage.Rows:N0} rows",
            };
            return WithProgress(description, report => work(new SyncProgress<WorkbenchStageProgress>(p => report(p.Fraction,
                p.Read is { } read ? ReadingText(read)
                : p.Search is { } search ? $"Cross-validating: {search.Current}"
                : null))));
        }

        public override void OnRead(CsvTable csv)
        {
            ArgumentNullException.ThrowIfNull(csv);
            _schema = csv.Schema;
            PrintColumns(csv, request.Data);
        }

        public override void OnSearched(SearchOutcome outcome) => PrintLeaderboard(outcome, request.Folds);

        public override void OnMeasured(Evaluation metrics, int trainingRows)
        {
            ArgumentNullException.ThrowIfNull(metrics);
            Console.WriteLine();
            Console.WriteLine(string.Create(Inv,
                $"Held-out validation ({request.Validation:P0} of rows, stratified, seed {request.Seed}; the model was trained on the other {trainingRows:N0} rows):"));
            PrintEvaluation(metrics, _schema!);
        }
    }

    private static async Task<int> ScoreAsync(string modelPath, string dataPath, string outPath, CancellationToken ct)
    {
        if (UpliftCommands.IsUpliftFile(modelPath))
        {
            return await Task.Run(() => UpliftCommands.Score(modelPath, dataPath, outPath, WriteAtomically), ct);
        }
        var workbench = LoadModel(modelPath);
        var csv = await WithProgressAsync($"Reading {Path.GetFileName(dataPath)}",
            report => CsvTableReader.Apply(dataPath, workbench.Info.Schema, null, Reporter(report)));
        var scores = await WithProgressAsync($"Scoring {csv.Table.Rows:N0} rows", _ => workbench.Model.PredictAll(csv.Table));
        WriteAtomically(outPath, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16);
            writer.NewLine = "\r\n";
            writer.WriteLine(Quote(workbench.Info.Schema.Id ?? "row") + ",score");
            var ids = csv.Ids;
            var line = new StringBuilder();
            for (var r = 0; r < scores.Length; r++)
            {
                line.Clear();
                line.Append(ids is null ? (r + 1).ToString(Inv) : Quote(ids[r])).Append(',').Append(scores[r].ToString("R", Inv));
                writer.WriteLine(line);
            }
        });
        Console.WriteLine(string.Create(Inv, $"Scored {scores.Length:N0} rows of {Path.GetFileName(dataPath)} with {workbench.Model.Algorithm}; wrote {outPath}."));
        PrintUnknownLevels(csv);
        ct.ThrowIfCancellationRequested();
        return 0;
    }

    private static async Task<int> EvaluateAsync(string modelPath, string dataPath, string? target, CancellationToken ct)
    {
        if (UpliftCommands.IsUpliftFile(modelPath))
        {
            return await Task.Run(() => UpliftCommands.Evaluate(modelPath, dataPath, target), ct);
        }
        var workbench = LoadModel(modelPath);
        var schema = workbench.Info.Schema;
        var csv = await WithProgressAsync($"Reading {Path.GetFileName(dataPath)}",
            report => CsvTableReader.Apply(dataPath, schema, target ?? schema.Target, Reporter(report)));
        var labels = csv.LabelArray();
        if (labels.All(l => l) || !labels.Any(l => l))
        {
            throw new ArgumentException(string.Create(Inv,
                $"every one of the {labels.Length:N0} rows of {Path.GetFileName(dataPath)} has the target value '{(labels[0] ? schema.Positive : schema.Negative)}'; measuring needs both classes."));
        }
        var scores = await WithProgressAsync($"Scoring {csv.Table.Rows:N0} rows", _ => workbench.Model.PredictAll(csv.Table));
        var evaluation = Evaluation.Measure(scores, labels);
        Console.WriteLine(string.Create(Inv, $"{workbench.Model.Algorithm} model from {Path.GetFileName(modelPath)} on {Path.GetFileName(dataPath)}:"));
        PrintEvaluation(evaluation, schema);
        if (workbench.Info.Metrics is { } atTraining)
        {
            Console.WriteLine(string.Create(Inv, $"At training, on its held-out rows: AUC {atTraining.Auc:F4}, log loss {atTraining.LogLoss:F4}."));
        }
        PrintUnknownLevels(csv);
        ct.ThrowIfCancellationRequested();
        return 0;
    }

    private static WorkbenchModel LoadModel(string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return WorkbenchModel.Load(stream);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }

    private static void PrintColumns(CsvTable csv, string path)
    {
        var labels = csv.LabelArray();
        var positives = labels.Count(l => l);
        var schema = csv.Schema;
        Console.WriteLine(string.Create(Inv,
            $"Read {Path.GetFileName(path)}: {labels.Length:N0} rows, {csv.Table.Columns} features; target {schema.Target}: '{schema.Positive}' positive ({positives:N0} rows, {(double)positives / labels.Length:P1}), '{schema.Negative}' negative."));
        Console.WriteLine("Columns:");
        var width = Math.Max(8, csv.Columns.Max(c => c.Name.Length));
        foreach (var c in csv.Columns)
        {
            var what = c.Use switch
            {
                CsvColumnUse.Target => "target",
                CsvColumnUse.Id => "id (kept aside)",
                CsvColumnUse.Ignored => c.Forced ? "ignored (--ignore)" : "ignored (no header name)",
                _ when c.Kind == FeatureKind.Categorical => string.Create(Inv, $"categorical ({(c.Forced ? "--categorical" : "text values")}, {c.Levels} levels)"),
                _ => $"numeric ({(c.Forced ? "--numeric" : "all values are numbers")})",
            };
            var missing = c.Missing > 0 ? string.Create(Inv, $"; {c.Missing:N0} missing") : "";
            Console.WriteLine($"  {c.Name.PadRight(width)}  {what}{missing}");
        }
        Console.WriteLine("Numbers make a column numeric, text makes it categorical; empty, NA, NaN and null are missing. "
            + "Override with --categorical COL,COL (codes written as numbers), --numeric COL,COL or --ignore COL,COL.");
        var codes = csv.Columns.Where(c => c is { Use: CsvColumnUse.Feature, Kind: FeatureKind.Numeric, Forced: false }
            && CodeHints.Any(h => c.Name.Contains(h, StringComparison.OrdinalIgnoreCase))).Select(c => c.Name).ToList();
        if (codes.Count > 0)
        {
            Console.WriteLine($"Hint: {string.Join(", ", codes)} {(codes.Count == 1 ? "looks" : "look")} like {(codes.Count == 1 ? "a code" : "codes")}; "
                + $"if the numbers are labels rather than quantities, add --categorical {string.Join(",", codes)}.");
        }
    }

    private static void PrintLeaderboard(SearchOutcome outcome, int folds)
    {
        var measure = outcome.Measure;
        Console.WriteLine();
        Console.WriteLine(string.Create(Inv,
            $"Leaderboard ({folds}-fold stratified cross-validation on the training part, by mean {measure.Name}{(measure.HigherIsBetter ? "" : ", lower is better")}; "
            + $"work {outcome.Work:0.#} + {outcome.Reserved:0.#} for the final fits of a budget of {outcome.Budget:0.#} units):"));
        var rank = 1;
        foreach (var r in outcome.Leaderboard)
        {
            var auc = measure.Kind == SelectionKind.Auc ? "" : string.Create(Inv, $"  AUC {r.MeanAuc:F4}");
            Console.WriteLine(string.Create(Inv,
                $"  {rank++,2}. {r.Candidate.Algorithm,-9} {r.Candidate.Settings,-28} {measure.Name} {Value(measure, r.Mean)} ± {Value(measure, r.StandardDeviation)}{auc}  (work {r.Work:0.##}; {r.Elapsed.TotalSeconds:F1} s)"));
        }
        foreach (var s in outcome.Skipped)
        {
            Console.WriteLine($"      {s.Candidate.Algorithm,-9} {s.Candidate.Settings,-28} not tried: {s.Reason}");
        }
        Console.WriteLine($"Chosen: {outcome.Best.Candidate.Algorithm} ({outcome.Best.Candidate.Settings}).");
    }

    /// <summary>A value of the measure: AUC and log loss to four places, hits (scaled to N contacts) to one.</summary>
    private static string Value(SelectionMeasure measure, double value) =>
        value.ToString(measure.Kind == SelectionKind.Hits ? "N1" : "F4", Inv);

    private static void PrintEvaluation(Evaluation e, CsvSchema schema)
    {
        Console.WriteLine(string.Create(Inv, $"  rows {e.Rows:N0}, positive ('{schema.Positive}') {e.Positives:N0} ({e.BaseRate:P2})"));
        Console.WriteLine(string.Create(Inv, $"  AUC       {e.Auc:F4}   (0.5 = random ranking, 1 = perfect)"));
        Console.WriteLine(string.Create(Inv, $"  log loss  {e.LogLoss:F4}   (lower is better; predicting the base rate for all gives {BaseLogLoss(e):F4})"));
        Console.WriteLine(string.Create(Inv,
            $"  hits in top 10%: {e.HitsTop10:N0} of {e.Top10Rows:N0} rows ({Share(e.HitsTop10, e.Top10Rows):P1}; {Share(e.HitsTop10, e.Positives):P1} of all positives)"));
        Console.WriteLine(string.Create(Inv,
            $"  hits in top 20%: {e.HitsTop20:N0} of {e.Top20Rows:N0} rows ({Share(e.HitsTop20, e.Top20Rows):P1}; {Share(e.HitsTop20, e.Positives):P1} of all positives)"));
        if (e.Lift.Count == 0)
        {
            return;
        }
        Console.WriteLine("  decile      rows  positives    rate    lift  cum. gain  cum. lift");
        foreach (var row in e.Lift)
        {
            Console.WriteLine(string.Create(Inv,
                $"  {row.Group,6} {row.Rows,9:N0} {row.Positives,10:N0} {row.ResponseRate,7:P1} {row.Lift,7:F2} {row.Gain,10:P1} {row.CumulativeLift,10:F2}"));
        }
    }

    private static double BaseLogLoss(Evaluation e)
    {
        var p = e.BaseRate;
        return -((p * Math.Log(p)) + ((1 - p) * Math.Log(1 - p)));
    }

    private static double Share(int part, int whole) => whole == 0 ? 0 : (double)part / whole;

    private static void PrintUnknownLevels(CsvTable csv)
    {
        foreach (var c in csv.Columns.Where(c => c.Unknown > 0))
        {
            Console.WriteLine(string.Create(Inv, $"  {c.Name}: {c.Unknown:N0} rows with a level not seen in training, scored as missing."));
        }
    }

    private static string[] List(string[]? values) =>
        values is null ? [] : [.. values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    /// <summary>An id cell of a score file (scores themselves are plain numbers and round-trip as written).</summary>
    private static string Quote(string value) => CsvCell.Field(value);

    /// <summary>Writes to a temporary file beside <paramref name="path"/> and moves it into place, so a failure never leaves half a file.</summary>
    private static void WriteAtomically(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var temp = full + ".tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static SyncProgress<CsvReadProgress> Reporter(Action<double, string?> report) => new(p => report(p.Overall, ReadingText(p)));

    private static string ReadingText(CsvReadProgress p) => string.Create(Inv, $"Reading, pass {p.Pass} of 2 ({p.Rows:N0} rows)");

    /// <summary>Runs CPU-bound work off the console thread, with <see cref="WithProgress"/>.</summary>
    private static Task<T> WithProgressAsync<T>(string description, Func<Action<double, string?>, T> work) =>
        Task.Run(() => WithProgress(description, work));

    /// <summary>
    /// Runs work with a progress bar when the console is interactive (the work reports a fraction done and, optionally,
    /// a new description) and nothing extra when output is redirected.
    /// </summary>
    private static T WithProgress<T>(string description, Func<Action<double, string?>, T> work)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            return work((_, _) => { });
        }
        return AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: 1);
                var result = work((fraction, text) =>
                {
                    task.Value = Math.Clamp(fraction, 0, 1);
                    if (text is not null)
                    {
                        task.Description = Markup.Escape(text);
                    }
                });
                task.Value = 1;
                return result;
            });
    }
}
