using System.Globalization;
using System.Text;
using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Tests.Learning;

public sealed class WorkbenchTrainingTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"workbench-training-{Guid.NewGuid():N}.csv");

    /// <summary>A clock that moves ten seconds every time it is read, as on a very slow or busy machine.</summary>
    private sealed class SteppingTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _ticks, 10 * TimeSpan.TicksPerSecond);
    }

    /// <summary>Records the stages as they start.</summary>
    private sealed class Stages : WorkbenchTrainingObserver
    {
        public List<WorkbenchStageStart> Started { get; } = [];

        public override T RunStage<T>(WorkbenchStageStart stage, Func<IProgress<WorkbenchStageProgress>?, T> work)
        {
            Started.Add(stage);
            return base.RunStage(stage, work);
        }
    }

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void Run_RowsHeldOut_MeasuresOnThemAndSavesTheModelRefittedOnEveryRow()
    {
        var labels = WriteCsv(1000, seed: 1);

        var refitted = WorkbenchTraining.Run(Request("logistic"), null, TimeProvider.System);
        var measured = WorkbenchTraining.Run(Request("logistic") with { Refit = false }, null, TimeProvider.System);

        refitted.Rows.ShouldBe(1000);
        refitted.HeldOutRows.ShouldBe(200);
        refitted.TrainingRows.ShouldBe(800);
        refitted.Metrics.ShouldNotBeNull().Rows.ShouldBe(200);
        refitted.Calibration.Sum(b => b.Count).ShouldBe(200);
        refitted.Refit.ShouldBeTrue();
        refitted.Model.Info.FittedRows.ShouldBe(1000);
        measured.Refit.ShouldBeFalse();
        measured.Model.Info.FittedRows.ShouldBe(800);
        measured.Metrics.ShouldNotBeNull().Auc.ShouldBe(refitted.Metrics.Auc);
        // The metrics are those of the model fitted without the held-out rows, measured on them: the model saved by --no-refit.
        var csv = CsvTableReader.Read(_path, Options());
        var (_, holdout) = ModelSearch.StratifiedSplit(labels, 0.2, 7);
        var (holdoutData, holdoutLabels) = ModelSearch.Take(csv.Table, labels, holdout);
        Metrics.RocAuc(measured.Model.Model.PredictAll(holdoutData), holdoutLabels).ShouldBe(refitted.Metrics.Auc);
        refitted.Model.Model.PredictAll(csv.Table).ShouldNotBe(measured.Model.Model.PredictAll(csv.Table));
    }

    [Fact]
    public void Run_NothingHeldOut_FitsEveryRowWithoutMetrics()
    {
        WriteCsv(300, seed: 2);

        var result = WorkbenchTraining.Run(Request("logistic") with { Validation = 0 }, null, TimeProvider.System);

        result.HeldOutRows.ShouldBe(0);
        result.Metrics.ShouldBeNull();
        result.Calibration.ShouldBeEmpty();
        result.Refit.ShouldBeFalse();
        result.Model.Info.FittedRows.ShouldBe(300);
    }

    [Fact]
    public void Run_Auto_SearchesWithinTheBudgetThenFitsAndRefitsTheBest()
    {
        WriteCsv(600, seed: 3);
        var stages = new Stages();

        var result = WorkbenchTraining.Run(Request(WorkbenchTraining.Auto) with { Folds = 3, Budget = 1e-9 }, stages, TimeProvider.System);

        stages.Started.Select(s => s.Stage).ShouldBe([WorkbenchStage.Read, WorkbenchStage.Search, WorkbenchStage.Fit, WorkbenchStage.Refit]);
        stages.Started[2].ShouldBe(new WorkbenchStageStart(WorkbenchStage.Fit, "logistic", 480));
        stages.Started[3].ShouldBe(new WorkbenchStageStart(WorkbenchStage.Refit, "logistic", 600));
        var search = result.Search.ShouldNotBeNull();
        search.Leaderboard.Count.ShouldBe(1);
        search.Skipped.ShouldAllBe(s => s.Reason.StartsWith("work budget", StringComparison.Ordinal));
        var defaults = Learners.Grid("logistic", 7)[0].Settings;
        result.Leaderboard.ShouldBe([new LeaderboardEntry("logistic", defaults, "auc", search.Best.Mean, search.Best.StandardDeviation, search.Best.MeanAuc, search.Best.Work)]);
        result.Settings.ShouldBe(defaults);
        result.Model.Info.RequestedAlgorithm.ShouldBe("auto");
    }

    [Fact]
    public void Run_AutoOnASlowMachine_ChoosesTheSameModelAsOnAFastOne()
    {
        var labels = WriteCsv(900, seed: 8);
        var request = Request(WorkbenchTraining.Auto) with { Folds = 3, Budget = 0.5, SelectBy = SelectionMeasure.HitsAt(90) };

        var fast = WorkbenchTraining.Run(request, null, TimeProvider.System);
        var slow = WorkbenchTraining.Run(request, null, new SteppingTime());

        fast.Search.ShouldNotBeNull().Leaderboard.Count.ShouldBeGreaterThan(1);
        slow.Leaderboard.ShouldBe(fast.Leaderboard);
        slow.Model.Model.Algorithm.ShouldBe(fast.Model.Model.Algorithm);
        slow.Settings.ShouldBe(fast.Settings);
        var csv = CsvTableReader.Read(_path, Options());
        slow.Model.Model.PredictAll(csv.Table).ShouldBe(fast.Model.Model.PredictAll(csv.Table));
        fast.Model.Info.SelectBy.ShouldBe("hits@90");
        fast.Leaderboard.Select(e => e.Mean).ShouldBeInOrder(SortDirection.Descending);
        (fast.Search!.Planned).ShouldBeLessThanOrEqualTo(0.5);
        labels.Length.ShouldBe(900);
    }

    [Fact]
    public void Run_HeldOutPartWithOneClass_SaysHowToChangeTheValidationShare()
    {
        File.WriteAllText(_path, "age,y\n1,1\n2,0\n3,0\n4,0\n5,0\n6,0\n7,0\n8,0\n9,0\n10,1\n");

        var error = Should.Throw<ArgumentException>(() =>
            WorkbenchTraining.Run(Request("logistic") with { Validation = 0.1, ValidationName = "--validation" }, null, TimeProvider.System));

        error.Message.ShouldBe("the held-out part has 1 rows, 0 of them positive: it needs both classes. Use more rows or change --validation.");
    }

    [Fact]
    public void Run_Cancelled_StopsAfterTheStageRunning()
    {
        WriteCsv(300, seed: 4);
        var stages = new Stages();

        Should.Throw<OperationCanceledException>(() => WorkbenchTraining.Run(Request("logistic"), stages, TimeProvider.System, new CancellationToken(canceled: true)));

        stages.Started.Select(s => s.Stage).ShouldBe([WorkbenchStage.Read]);
    }

    private WorkbenchTrainingRequest Request(string algorithm) =>
        new() { DataPath = _path, Csv = Options(), Source = "data.csv", Algorithm = algorithm, Seed = 7 };

    private static CsvTrainingOptions Options() => new() { Target = "y" };

    /// <summary>Writes <see cref="LearningData.Linear"/> rows as CSV and returns their labels.</summary>
    private bool[] WriteCsv(int rows, int seed)
    {
        var (data, labels) = LearningData.Linear(rows, seed);
        var text = new StringBuilder("age,premium,noise,region,y\n");
        for (var r = 0; r < rows; r++)
        {
            var region = data[r, 3];
            text.Append(Number(data[r, 0])).Append(',').Append(Number(data[r, 1])).Append(',').Append(Number(data[r, 2])).Append(',')
                .Append(double.IsNaN(region) ? "" : LearningData.Regions[(int)region]).Append(',').Append(labels[r] ? '1' : '0').Append('\n');
        }
        File.WriteAllText(_path, text.ToString());
        return labels;
    }

    private static string Number(double value) => double.IsNaN(value) ? "" : value.ToString("R", CultureInfo.InvariantCulture);
}
