using System.Globalization;
using System.Text;
using InsureCrm.Analytics.Learning;
using InsureCrm.Analytics.Uplift;
using InsureCrm.Core.Common;

namespace InsureCrm.Cli.Models;

/// <summary>
/// The uplift side of the model workbench (issue 13): <c>model train --treatment COL</c> trains an uplift model, and
/// <c>model score</c> / <c>model evaluate</c> on an uplift model file write the uplift and print the uplift measures
/// (docs/models.md, "Uplift"). Errors are thrown as <see cref="ArgumentException"/> or <see cref="CsvDataException"/>
/// for <c>ModelCommands.GuardAsync</c> to print; nothing is written before every check has passed.
/// </summary>
internal static class UpliftCommands
{
    /// <summary>The classifier under two-model and class-transform when <c>--classifier</c> is not given.</summary>
    public const string DefaultClassifier = "logistic";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public sealed record TrainRequest(string Data, string Target, string Treatment, string? Id, string Algorithm, string Classifier, string[] Categorical,
        string[] Numeric, string[] Ignore, string? Positive, int Seed, double Validation, bool Refit, string Out)
    {
        /// <summary>Class transformation's balance of unequal arms: <c>weights</c> or <c>resample</c>.</summary>
        public string Balance { get; init; } = "weights";

        /// <summary>Folds of the cross-validation by which <c>auto</c> chooses the approach.</summary>
        public int Folds { get; init; } = 5;

        /// <summary>The reach column (0 where the treatment cannot reach the row), or null.</summary>
        public string? Reach { get; init; }
    }

    /// <summary>Whether the model file at <paramref name="path"/> holds an uplift model.</summary>
    public static bool IsUpliftFile(string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return UpliftWorkbenchModel.IsUplift(stream);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }

    public static int Train(TrainRequest request, Action<string, Action<Stream>> write)
    {
        var balance = request.Balance switch
        {
            "weights" => ClassTransformationBalance.Weights,
            "resample" => ClassTransformationBalance.Resample,
            _ => throw new ArgumentException($"Unknown --balance '{request.Balance}'; it is weights or resample."),
        };
        var options = new UpliftTrainingOptions
        {
            Algorithm = request.Algorithm, Classifier = request.Classifier, Validation = request.Validation, Seed = request.Seed, Refit = request.Refit,
            Balance = balance, Reach = request.Reach, Folds = request.Folds,
        };
        if (request.Folds < 2)
        {
            throw new ArgumentException("--folds must be at least 2.");
        }
        if (!(request.Validation >= 0 && request.Validation < 1))
        {
            throw new ArgumentException("--validation must be at least 0 and below 1 (e.g. 0.2).");
        }
        var auto = request.Algorithm == UpliftTrainingOptions.Auto;
        if (!auto && !UpliftLearners.Names.Contains(request.Algorithm))
        {
            throw new ArgumentException($"Unknown uplift algorithm '{request.Algorithm}'; with --treatment, --algorithm is auto or one of: {string.Join(", ", UpliftLearners.Names)}.");
        }
        if (auto && request.Validation == 0)
        {
            throw new ArgumentException("--algorithm auto measures the approach it chooses on the held-out rows; --validation must be above 0.");
        }
        if (!Learners.Names.Contains(request.Classifier))
        {
            throw new ArgumentException($"Unknown --classifier '{request.Classifier}'; available: {string.Join(", ", Learners.Names)}.");
        }
        if (string.Equals(request.Treatment.Trim(), request.Target.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"--treatment and --target both name '{request.Target}'; the treatment flag and the outcome must be different columns.");
        }
        var (csv, treatment) = UpliftCsv.ReadTraining(request.Data, new CsvTrainingOptions
        {
            Target = request.Target,
            Id = request.Id,
            Categorical = request.Categorical,
            Numeric = request.Numeric,
            Ignore = request.Ignore,
            Positive = request.Positive,
        }, request.Treatment);
        var labels = csv.LabelArray();
        if (labels.Length != treatment.Length)
        {
            throw new ArgumentException(string.Create(Inv, $"{Path.GetFileName(request.Data)}: {treatment.Length:N0} treatment values for {labels.Length:N0} rows."));
        }
        var all = UpliftData.Check(labels.Length, treatment, labels, eachArmNeedsBothOutcomes: true);
        var schema = csv.Schema;
        Console.WriteLine(string.Create(Inv,
            $"Read {Path.GetFileName(request.Data)}: {labels.Length:N0} rows, {csv.Table.Columns} features; treatment {request.Treatment}: {all.Treated:N0} treated ({all.TreatmentShare:P1}), {all.Control:N0} control; target {schema.Target}: '{schema.Positive}' positive."));

        var trained = UpliftTraining.Train(csv.Table, treatment, labels, options, auto
            ? (approach, qini, error) => Console.WriteLine(string.Create(Inv, $"  {approach,-16} Qini coefficient {qini:F4} ± {error:F4} (mean ± standard error over {options.Folds} folds of the training part)"))
            : null);
        var chosen = trained.Model;
        var held = trained.HeldOutRows.Length;
        if (trained.HeldOut is { } heldOut)
        {
            if (auto)
            {
                Console.WriteLine(trained.Flat.Count == 0 || trained.Flat.Count == trained.Candidates.Count
                    ? $"Chosen: {chosen.Algorithm} (the first, in the order above, within one standard error of the highest cross-validated Qini coefficient; the held-out rows below played no part in the choice)."
                    : $"Chosen: {chosen.Algorithm} (the first, in the order above, within one standard error of the highest cross-validated Qini coefficient among the approaches that rank; {string.Join(", ", trained.Flat)} gave every reachable row of a fold the same uplift).");
            }
            Console.WriteLine();
            Console.WriteLine(string.Create(Inv,
                $"Held-out validation ({request.Validation:P0} of rows, stratified by arm and outcome, seed {request.Seed}; the model was trained on the other {trained.TrainingRows:N0} rows):"));
            Print(heldOut);
        }
        var file = new UpliftWorkbenchModel(chosen, new UpliftWorkbenchInfo
        {
            Schema = schema,
            Treatment = request.Treatment,
            Source = Path.GetFileName(request.Data),
            RequestedAlgorithm = request.Algorithm,
            Classifier = request.Classifier,
            Seed = request.Seed,
            Validation = request.Validation,
            Refit = trained.Refitted && held > 0,
            FittedRows = trained.Refitted ? labels.Length : trained.TrainingRows,
            HeldOutQini = trained.HeldOut?.QiniCoefficient,
            Candidates = trained.Candidates,
        });
        write(request.Out, file.Save);
        Console.WriteLine();
        Console.WriteLine(string.Create(Inv, $"Uplift model written to {request.Out}: {chosen.Algorithm}{(Uses(chosen.Algorithm) ? $" over {request.Classifier}" : "")}{(request.Reach is { } reach ? $", 0 where {reach} is 0" : "")}, ")
            + (held == 0 ? string.Create(Inv, $"trained on all {labels.Length:N0} rows (nothing held out: no measures).")
                : request.Refit ? string.Create(Inv, $"refitted on all {labels.Length:N0} rows (the measures above are those of the same approach trained without the held-out rows).")
                : string.Create(Inv, $"trained on {trained.TrainingRows:N0} rows (the model measured above; not refitted).")));
        return 0;
    }

    public static int Evaluate(string modelPath, string dataPath, string? target)
    {
        var upliftModel = Load(modelPath);
        var info = upliftModel.Info;
        var treatment = UpliftCsv.ReadTreatment(dataPath, info.Treatment);
        var csv = CsvTableReader.Apply(dataPath, info.Schema, target ?? info.Schema.Target);
        var labels = csv.LabelArray();
        if (labels.Length != treatment.Length)
        {
            throw new ArgumentException(string.Create(Inv, $"{Path.GetFileName(dataPath)}: {treatment.Length:N0} treatment values for {labels.Length:N0} rows."));
        }
        var predictions = upliftModel.Model.PredictAll(csv.Table);
        var reachable = upliftModel.Model is ReachGatedUpliftModel gated ? ReachGatedUpliftModel.Reachable(csv.Table.Column(gated.Reach)) : null;
        var evaluation = UpliftEvaluation.Measure(predictions, treatment, labels).WithRandomOrderP(predictions, treatment, labels, reachable, info.Seed);
        Console.WriteLine(string.Create(Inv,
            $"{upliftModel.Model.Algorithm} uplift model from {Path.GetFileName(modelPath)} on {Path.GetFileName(dataPath)} (treatment {info.Treatment}, target {csv.Schema.Target}):"));
        Print(evaluation);
        if (info.HeldOutQini is { } qini)
        {
            Console.WriteLine(string.Create(Inv, $"At training, on its held-out rows: Qini coefficient {qini:F4}."));
        }
        PrintUnknownLevels(csv);
        return 0;
    }

    public static int Score(string modelPath, string dataPath, string outPath, Action<string, Action<Stream>> write)
    {
        var upliftModel = Load(modelPath);
        var csv = CsvTableReader.Apply(dataPath, upliftModel.Info.Schema, null);
        var uplift = upliftModel.Model.PredictAll(csv.Table);
        write(outPath, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16);
            writer.NewLine = "\r\n";
            writer.WriteLine(CsvCell.Field(upliftModel.Info.Schema.Id ?? "row") + ",uplift");
            var ids = csv.Ids;
            for (var r = 0; r < uplift.Length; r++)
            {
                writer.WriteLine((ids is null ? (r + 1).ToString(Inv) : CsvCell.Field(ids[r])) + "," + uplift[r].ToString("R", Inv));
            }
        });
        Console.WriteLine(string.Create(Inv,
            $"Scored {uplift.Length:N0} rows of {Path.GetFileName(dataPath)} with the {upliftModel.Model.Algorithm} uplift model; wrote {outPath} (column uplift: predicted P(positive | treated) − P(positive | control))."));
        PrintUnknownLevels(csv);
        return 0;
    }

    private static bool Uses(string algorithm) => algorithm is TwoModelUplift.Name or ClassTransformation.Name;

    private static UpliftWorkbenchModel Load(string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return UpliftWorkbenchModel.Load(stream);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>The uplift measures, as train and evaluate print them.</summary>
    private static void Print(UpliftEvaluation e)
    {
        var rows = e.Rows;
        Console.WriteLine(string.Create(Inv,
            $"  rows {rows.Rows:N0}: treated {rows.Treated:N0} ({rows.TreatmentShare:P1}), control {rows.Control:N0}"));
        Console.WriteLine(string.Create(Inv,
            $"  treated rate {rows.TreatedRate:P2}, control rate {rows.ControlRate:P2}, observed uplift {Points(rows.Uplift)} (the average effect of treating)"));
        Console.WriteLine(string.Create(Inv, $"  Qini coefficient {e.QiniCoefficient:F4}   (0 = random ranking, 1 = best possible ranking, below 0 = worse than random)"));
        if (!double.IsNaN(e.RandomOrderP))
        {
            Console.WriteLine(string.Create(Inv, $"  against random orders: p = {e.RandomOrderP:F3} ({RandomOrderVerdict(e.RandomOrderP)}; the share of 999 random orders of the rows, the reachable ones under a reach gate, that did at least as well)"));
        }
        var modelArea = UpliftMetrics.Area(e.QiniCurve);
        var randomArea = UpliftMetrics.Area(e.RandomLine);
        Console.WriteLine(string.Create(Inv,
            $"  random line: treating everyone gains {e.RandomLine[^1].IncrementalResponses:F1} responses; area under it {randomArea:F2} against {modelArea:F2} under the model's Qini curve"));
        foreach (var (label, top) in new[] { ("10%", e.Top10), ("20%", e.Top20), ("30%", e.Top30) })
        {
            Console.WriteLine(string.Create(Inv,
                $"  uplift@{label}: {Points(top.Uplift)} ({top.Rows:N0} rows: treated {top.Treated:N0} at {Rate(top.TreatedRate)}, control {top.Control:N0} at {Rate(top.ControlRate)})"));
        }
        if (e.Deciles.Count == 0)
        {
            return;
        }
        Console.WriteLine("  decile      rows  treated  control  treated rate  control rate    uplift  mean predicted");
        foreach (var g in e.Deciles)
        {
            Console.WriteLine(string.Create(Inv,
                $"  {g.Group,6} {g.Rows.Rows,9:N0} {g.Rows.Treated,8:N0} {g.Rows.Control,8:N0} {Rate(g.Rows.TreatedRate),13} {Rate(g.Rows.ControlRate),13} {Points(g.Rows.Uplift),9} {Points(g.MeanPredicted),15}"));
        }
    }

    /// <summary>The verdict on a <see cref="UpliftMetrics.RandomOrderP"/> at the 5 % level.</summary>
    internal static string RandomOrderVerdict(double p) => p < 0.05
        ? "the order is better than random"
        : "not distinguishable from a random order: too few responders to target by it";

    private static string Rate(double rate) => double.IsNaN(rate) ? "n/a" : rate.ToString("P1", Inv);

    /// <summary>An uplift in percentage points, signed.</summary>
    private static string Points(double uplift) => double.IsNaN(uplift) ? "n/a" : (uplift * 100).ToString("+0.0;-0.0;0.0", Inv) + " pp";

    private static void PrintUnknownLevels(CsvTable csv)
    {
        foreach (var c in csv.Columns.Where(c => c.Unknown > 0))
        {
            Console.WriteLine(string.Create(Inv, $"  {c.Name}: {c.Unknown:N0} rows with a level not seen in training, scored as missing."));
        }
    }
}
