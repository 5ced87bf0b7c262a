// Our side of bench/models.sh, the twin of sklearn_side.py: reads TRAIN.csv and TEST.csv with the
// workbench's reader, fits each algorithm on all training rows, scores the test rows, and prints one line
// per model: name, AUC, fit seconds, score seconds (reading the files is not timed, as in the Python side).
//
// usage: ModelBench TRAIN.csv TEST.csv TARGET [CATEGORICAL,COLUMNS] [IGNORED,COLUMNS] [ALGORITHM,...]
using System.Diagnostics;
using System.Globalization;
using InsureCrm.Analytics.Learning;

static string[] List(string[] args, int i) => args.Length > i ? args[i].Split(',', StringSplitOptions.RemoveEmptyEntries) : [];

var train = CsvTableReader.Read(args[0], new CsvTrainingOptions { Target = args[2], Categorical = List(args, 3), Ignore = List(args, 4) });
var test = CsvTableReader.Apply(args[1], train.Schema, args[2]);
var labels = train.Labels!.ToArray();
var algorithms = List(args, 5) is { Length: > 0 } chosen ? chosen : ["logistic", "gbdt"];
foreach (var name in algorithms)
{
    var learner = Learners.Create(name, 42);
    var clock = Stopwatch.StartNew();
    var model = learner.Fit(train.Table, labels);
    var fit = clock.Elapsed.TotalSeconds;
    clock.Restart();
    var scores = model.PredictAll(test.Table);
    var score = clock.Elapsed.TotalSeconds;
    var auc = Metrics.RocAuc(scores, [.. test.Labels!]);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ours {name} auc={auc:F4} fit={fit:F3} score={score:F3}"));
}
