namespace InsureCrm.Analytics.Learning;

/// <summary>The stages of <see cref="WorkbenchTraining.Run"/>, in the order they run.</summary>
public enum WorkbenchStage
{
    /// <summary>Reading the CSV file (two passes).</summary>
    Read,

    /// <summary>Automatic selection: cross-validating the candidates on the training part (only for <c>auto</c>).</summary>
    Search,

    /// <summary>Fitting the chosen learner on the training part.</summary>
    Fit,

    /// <summary>Refitting it on every row (only when rows were held out and refitting was asked for).</summary>
    Refit,
}

/// <summary>A stage about to run.</summary>
/// <param name="Stage">Which stage.</param>
/// <param name="Algorithm">The learner's algorithm for <see cref="WorkbenchStage.Fit"/> and <see cref="WorkbenchStage.Refit"/>; null before one is chosen.</param>
/// <param name="Rows">Rows the stage learns from (0 for <see cref="WorkbenchStage.Read"/>).</param>
public sealed record WorkbenchStageStart(WorkbenchStage Stage, string? Algorithm, int Rows);

/// <summary>Progress within a stage.</summary>
/// <param name="Fraction">Share of the stage done, 0 to 1.</param>
/// <param name="Read">The reader's own progress, during <see cref="WorkbenchStage.Read"/>.</param>
/// <param name="Search">The search's own progress, during <see cref="WorkbenchStage.Search"/>.</param>
public sealed record WorkbenchStageProgress(double Fraction, CsvReadProgress? Read = null, SearchProgress? Search = null);

/// <summary>What to train: the file, how to read it, the algorithm and how to measure it.</summary>
public sealed record WorkbenchTrainingRequest
{
    /// <summary>Path of the CSV file with a header row.</summary>
    public required string DataPath { get; init; }

    /// <summary>How to read it: target, id, positive value and the column overrides.</summary>
    public required CsvTrainingOptions Csv { get; init; }

    /// <summary>File name (without folders) recorded in the model as its source.</summary>
    public required string Source { get; init; }

    /// <summary><see cref="WorkbenchTraining.Auto"/> (choose and tune by cross-validation) or a name of <see cref="Learners.Names"/>.</summary>
    public string Algorithm { get; init; } = WorkbenchTraining.Auto;

    /// <summary>Seed of the validation split, the folds and the learners.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Share of rows held out, stratified, to measure the model: at least 0 (measure nothing) and below 1.</summary>
    public double Validation { get; init; } = 0.2;

    /// <summary>Folds of the automatic selection's cross-validation (at least 2).</summary>
    public int Folds { get; init; } = 5;

    /// <summary>
    /// Work the automatic selection may plan, in work units (<see cref="WorkEstimate"/>, about seconds of one reference core):
    /// the candidates' cross-validations and the winner's fit and refit. Positive.
    /// </summary>
    public double Budget { get; init; } = ModelSearch.DefaultBudget;

    /// <summary>The measure the automatic selection ranks candidates by. Default AUC.</summary>
    public SelectionMeasure SelectBy { get; init; } = SelectionMeasure.Auc;

    /// <summary>Wall-clock safety stop of the automatic selection: past it the training fails rather than choose differently. Null: none.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Refit the measured learner on every row before saving (the default); false saves the model measured.</summary>
    public bool Refit { get; init; } = true;

    /// <summary>How the person changes the validation share, as the error names it when a part of the split lacks a class.</summary>
    public string ValidationName { get; init; } = "the validation share";
}

/// <summary>What <see cref="WorkbenchTraining.Run"/> trained.</summary>
public sealed record WorkbenchTrainingResult
{
    /// <summary>The model to save: refitted on every row, or the one measured (see <see cref="WorkbenchInfo.Refit"/>), with how it was trained.</summary>
    public required WorkbenchModel Model { get; init; }

    /// <summary>Rows of the file.</summary>
    public required int Rows { get; init; }

    /// <summary>Rows of the file with the positive target value.</summary>
    public required int Positives { get; init; }

    /// <summary>Rows the measured model was fitted on (all rows when nothing was held out).</summary>
    public required int TrainingRows { get; init; }

    /// <summary>Rows held out to measure it (0 when none).</summary>
    public required int HeldOutRows { get; init; }

    /// <summary>The automatic selection's outcome, with skipped candidates and timings; null when an algorithm was named.</summary>
    public SearchOutcome? Search { get; init; }

    /// <summary>Calibration of the measured model on the held-out rows (ten bins of equal size); empty when nothing was held out.</summary>
    public IReadOnlyList<CalibrationBin> Calibration { get; init; } = [];

    /// <summary>Metrics on the held-out rows of the model fitted without them; null when nothing was held out.</summary>
    public Evaluation? Metrics => Model.Info.Metrics;

    /// <summary>The automatic selection's leaderboard as saved, best first; empty when no search ran.</summary>
    public IReadOnlyList<LeaderboardEntry> Leaderboard => Model.Info.Leaderboard;

    /// <summary>Settings of the trained learner (<c>default</c> when not searched).</summary>
    public string Settings => Model.Info.Settings;

    /// <summary>True when the saved model was refitted on every row.</summary>
    public bool Refit => Model.Info.Refit;
}

/// <summary>
/// Hooks of <see cref="WorkbenchTraining.Run"/> for what its callers show: a stage wrapper (a progress bar, a status)
/// and what each stage found. The base class shows nothing. Hooks run on the training's thread.
/// </summary>
public class WorkbenchTrainingObserver
{
    /// <summary>Runs one stage: calls <paramref name="work"/> once and returns its result; the work reports to the progress given it (which may be null).</summary>
    /// <typeparam name="T">What the stage makes.</typeparam>
    /// <param name="stage">The stage about to run.</param>
    /// <param name="work">The stage's work.</param>
    public virtual T RunStage<T>(WorkbenchStageStart stage, Func<IProgress<WorkbenchStageProgress>?, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return work(null);
    }

    /// <summary>The file has been read.</summary>
    /// <param name="csv">The file as read, with its columns and labels.</param>
    public virtual void OnRead(CsvTable csv)
    {
    }

    /// <summary>The automatic selection is over.</summary>
    /// <param name="outcome">Its leaderboard and skipped candidates; the best is the one trained.</param>
    public virtual void OnSearched(SearchOutcome outcome)
    {
    }

    /// <summary>The model fitted on the training part has been measured on the held-out rows.</summary>
    /// <param name="metrics">Its metrics on the held-out rows.</param>
    /// <param name="trainingRows">Rows it was fitted on.</param>
    public virtual void OnMeasured(Evaluation metrics, int trainingRows)
    {
    }
}

/// <summary>
/// The model workbench's training (docs/models.md), for <c>insurecrm model train</c> and the web workbench alike: read the
/// CSV file, hold out a stratified share of rows, choose the learner (cross-validated search within a budget of work for
/// <see cref="Auto"/>), fit it on the rest, measure it on the held-out rows, refit it on every row, and give the model to save.
/// </summary>
public static class WorkbenchTraining
{
    /// <summary>The algorithm name that asks for the automatic selection.</summary>
    public const string Auto = "auto";

    private static readonly WorkbenchTrainingObserver Silent = new();

    /// <summary>Trains as <paramref name="request"/> asks.</summary>
    /// <param name="request">The file, the options and the algorithm.</param>
    /// <param name="observer">Stage wrapper and notices; null shows nothing.</param>
    /// <param name="time">Clock of the automatic selection's safety stop (<see cref="WorkbenchTrainingRequest.TimeLimit"/>) and of the model's training time; it never decides what is chosen.</param>
    /// <param name="cancellationToken">Checked between stages.</param>
    /// <exception cref="ArgumentException">
    /// An unknown algorithm, a part of the split without both classes, hits@N with N above the file's rows, or a search no candidate survived.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">Validation share, folds, work budget or time limit out of range.</exception>
    /// <exception cref="CsvDataException">The file cannot be read as asked.</exception>
    /// <exception cref="TimeoutException">The automatic selection ran past <see cref="WorkbenchTrainingRequest.TimeLimit"/>.</exception>
    public static WorkbenchTrainingResult Run(WorkbenchTrainingRequest request, WorkbenchTrainingObserver? observer, TimeProvider time,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(time);
        if (!(request.Validation >= 0 && request.Validation < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Validation, "The validation share must be at least 0 and below 1.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Folds, 2, nameof(request));
        if (!(request.Budget > 0) || double.IsInfinity(request.Budget))
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Budget, "The work budget must be a positive number.");
        }
        ArgumentNullException.ThrowIfNull(request.SelectBy, nameof(request));
        if (request.TimeLimit is { } limit)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(limit, TimeSpan.Zero, nameof(request));
        }
        observer ??= Silent;
        if (request.Algorithm != Auto)
        {
            // Refuses an unknown algorithm, or one of another build, before the file is read.
            _ = Learners.Create(request.Algorithm, request.Seed);
        }

        var csv = observer.RunStage(new WorkbenchStageStart(WorkbenchStage.Read, null, 0), progress => CsvTableReader.Read(request.DataPath, request.Csv,
            progress is null ? null : new Reporter<CsvReadProgress>(p => progress.Report(
                new WorkbenchStageProgress(p.Overall, Read: p)))));
        observer.OnRead(csv);
        cancellationToken.ThrowIfCancellationRequested();

        var labels = csv.LabelArray();
        int[] trainRows, holdoutRows;
        if (request.Validation > 0)
        {
            (trainRows, holdoutRows) = ModelSearch.StratifiedSplit(labels, request.Validation, request.Seed);
            CheckBothClasses(labels, holdoutRows, "the held-out part", request.ValidationName);
            CheckBothClasses(labels, trainRows, "the training part", request.ValidationName);
        }
        else
        {
            (trainRows, holdoutRows) = ([.. Enumerable.Range(0, labels.Length)], []);
        }
        var (trainData, trainLabels) = ModelSearch.Take(csv.Table, labels, trainRows);

        ILearner learner;
        var settings = "default";
        SearchOutcome? search = null;
        var refit = request.Refit && holdoutRows.Length > 0;
        if (request.Algorithm == Auto)
        {
            var options = new SearchOptions
            {
                Folds = request.Folds,
                Seed = request.Seed,
                Budget = request.Budget,
                SelectBy = request.SelectBy,
                // hits@N: N contacts among as many customers as the file has.
                PopulationRows = labels.Length,
                FinalFitRows = refit ? [trainRows.Length, labels.Length] : [trainRows.Length],
                TimeLimit = request.TimeLimit,
            };
            search = observer.RunStage(new WorkbenchStageStart(WorkbenchStage.Search, null, trainRows.Length), progress => ModelSearch.Run(trainData, trainLabels,
                Learners.SearchSpace(request.Seed), options, time,
                progress is null ? null : new Reporter<SearchProgress>(p => progress.Report(new WorkbenchStageProgress((double)p.Done / p.Total, Search: p)))));
            observer.OnSearched(search);
            learner = search.Best.Candidate.Learner;
            settings = search.Best.Candidate.Settings;
        }
        else
        {
            learner = Learners.Create(request.Algorithm, request.Seed);
        }
        cancellationToken.ThrowIfCancellationRequested();

        // The winner is fitted from its settings (no model of the search is kept), and the model measured is let go
        // before the refit, so at most one model of the chosen learner is alive at a time.
        var (measured, metrics, calibration) = FitAndMeasure(learner, trainData, trainLabels, csv.Table, labels, holdoutRows, keep: !refit, observer);
        cancellationToken.ThrowIfCancellationRequested();

        var final = refit
            ? observer.RunStage(new WorkbenchStageStart(WorkbenchStage.Refit, learner.Algorithm, labels.Length), _ => learner.Fit(csv.Table, labels))
            : measured!;
        var model = new WorkbenchModel(final, new WorkbenchInfo
        {
            Schema = csv.Schema,
            Columns = csv.Columns,
            Source = request.Source,
            RequestedAlgorithm = request.Algorithm,
            Settings = settings,
            Seed = request.Seed,
            Validation = request.Validation,
            Refit = refit,
            TrainedAt = time.GetUtcNow(),
            FittedRows = refit ? labels.Length : trainRows.Length,
            Metrics = metrics,
            Leaderboard = search is null
                ? []
                : [.. search.Leaderboard.Select(r => new LeaderboardEntry(r.Candidate.Algorithm, r.Candidate.Settings, r.Measure.Name, r.Mean, r.StandardDeviation,
                    r.MeanAuc, r.Work))],
            SelectBy = request.SelectBy.Name,
            Budget = search is null ? 0 : request.Budget,
        });
        return new WorkbenchTrainingResult
        {
            Model = model,
            Rows = labels.Length,
            Positives = labels.Count(l => l),
            TrainingRows = trainRows.Length,
            HeldOutRows = holdoutRows.Length,
            Search = search,
            Calibration = calibration,
        };
    }

    /// <summary>
    /// Fits on the training part and measures on the held-out rows; returns the model only when <paramref name="keep"/>
    /// (it is the one saved), so that a refit does not hold it.
    /// </summary>
    private static (IClassifier? Model, Evaluation? Metrics, IReadOnlyList<CalibrationBin> Calibration) FitAndMeasure(ILearner learner, Table trainData,
        bool[] trainLabels, Table all, bool[] labels, int[] holdoutRows, bool keep, WorkbenchTrainingObserver observer)
    {
        var fitted = observer.RunStage(new WorkbenchStageStart(WorkbenchStage.Fit, learner.Algorithm, trainLabels.Length), _ => learner.Fit(trainData, trainLabels));
        if (holdoutRows.Length == 0)
        {
            return (fitted, null, []);
        }
        var (holdoutData, holdoutLabels) = ModelSearch.Take(all, labels, holdoutRows);
        var scores = fitted.PredictAll(holdoutData);
        var metrics = Evaluation.Measure(scores, holdoutLabels);
        var calibration = Metrics.Calibration(scores, holdoutLabels, 10, CalibrationBinning.Quantile);
        observer.OnMeasured(metrics, trainLabels.Length);
        return (keep ? fitted : null, metrics, calibration);
    }

    private static void CheckBothClasses(bool[] labels, int[] rows, string part, string validationName)
    {
        var positives = rows.Count(r => labels[r]);
        if (positives == 0 || positives == rows.Length)
        {
            throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{part} has {rows.Length} rows, {positives} of them positive: it needs both classes. Use more rows or change {validationName}."));
        }
    }

    /// <summary>Reports on the caller's thread (<see cref="Progress{T}"/> would post to the thread pool, out of order).</summary>
    private sealed class Reporter<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
