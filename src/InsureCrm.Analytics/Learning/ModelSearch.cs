using System.Globalization;

namespace InsureCrm.Analytics.Learning;

/// <summary>One candidate's cross-validated result.</summary>
/// <param name="Candidate">The algorithm and settings tried.</param>
/// <param name="Measure">What <paramref name="Mean"/> measures.</param>
/// <param name="Mean">Mean of the measure over the folds (each fold's model measured on the rows it did not see).</param>
/// <param name="StandardDeviation">Population standard deviation of the fold values.</param>
/// <param name="FoldValues">The measure on each fold, in fold order.</param>
/// <param name="MeanAuc">Mean ROC AUC over the folds (shown beside any measure).</param>
/// <param name="Work">Estimated work of the candidate's cross-validation (<see cref="WorkEstimate"/>), decided before it ran.</param>
/// <param name="Elapsed">Time the candidate took (every fold); shown only, never used to choose.</param>
public sealed record SearchResult(LearnerCandidate Candidate, SelectionMeasure Measure, double Mean, double StandardDeviation, IReadOnlyList<double> FoldValues,
    double MeanAuc, double Work, TimeSpan Elapsed);

/// <summary>A candidate the search did not score, and why.</summary>
/// <param name="Candidate">The algorithm and settings.</param>
/// <param name="Reason">Why: it did not fit in the work budget, or the learner refused the data (its message).</param>
/// <param name="Work">Its estimated work.</param>
public sealed record SkippedCandidate(LearnerCandidate Candidate, string Reason, double Work);

/// <summary>The result of <see cref="ModelSearch.Run"/>: the leaderboard, best first, and the candidates left out.</summary>
/// <param name="Leaderboard">Scored candidates by the measure, best first (ties in the order tried).</param>
/// <param name="Skipped">Candidates not scored.</param>
/// <param name="Measure">The measure the leaderboard is ordered by.</param>
/// <param name="Budget">The work budget.</param>
/// <param name="Work">Estimated work of the cross-validations run (and of those the learner refused).</param>
/// <param name="Reserved">Estimated work kept back for fitting the winner afterwards (<see cref="SearchOptions.FinalFitRows"/>).</param>
public sealed record SearchOutcome(IReadOnlyList<SearchResult> Leaderboard, IReadOnlyList<SkippedCandidate> Skipped, SelectionMeasure Measure, double Budget,
    double Work, double Reserved)
{
    /// <summary>The winner: the candidate with the best mean of the measure.</summary>
    public SearchResult Best => Leaderboard[0];

    /// <summary>Work planned in all: the cross-validations and the winner's final fits.</summary>
    public double Planned => Work + Reserved;
}

/// <summary>Progress of a search: candidates finished of all, and the one being tried.</summary>
/// <param name="Done">Candidates finished (scored or skipped).</param>
/// <param name="Total">All candidates.</param>
/// <param name="Current">The candidate now being tried, as "algorithm settings".</param>
public sealed record SearchProgress(int Done, int Total, string Current);

/// <summary>How <see cref="ModelSearch.Run"/> cross-validates, budgets and ranks.</summary>
public sealed record SearchOptions
{
    /// <summary>Folds of the cross-validation (at least 2).</summary>
    public int Folds { get; init; } = 5;

    /// <summary>Seed of the folds.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Work the search may plan, in work units (<see cref="WorkEstimate"/>; about seconds of one reference core). Positive.</summary>
    public double Budget { get; init; } = ModelSearch.DefaultBudget;

    /// <summary>The measure to rank by. Default AUC.</summary>
    public SelectionMeasure SelectBy { get; init; } = SelectionMeasure.Auc;

    /// <summary>Rows of the population hits@N counts contacts against (e.g. the whole file); null for the rows searched.</summary>
    public int? PopulationRows { get; init; }

    /// <summary>
    /// Rows of each fit of the winner after the search (e.g. the training part, then every row): their work is kept back
    /// from the budget, for the largest such fit among the candidates admitted.
    /// </summary>
    public IReadOnlyList<int> FinalFitRows { get; init; } = [];

    /// <summary>
    /// Wall-clock safety stop: when the search has run this long it fails (<see cref="TimeoutException"/>) rather than
    /// choose among fewer candidates, so the clock can stop a search but never change its choice. Null: no stop.
    /// </summary>
    public TimeSpan? TimeLimit { get; init; }
}

/// <summary>
/// Stratified splits and k-fold cross-validation for choosing among learners: the model workbench's
/// <c>--algorithm auto</c>. Splits are drawn from a seed, so the same data and seed give the same splits.
/// </summary>
public static class ModelSearch
{
    /// <summary>
    /// Splits rows into a training part and a held-out part of about <paramref name="holdoutFraction"/> of each class
    /// (positives and negatives shuffled separately from <paramref name="seed"/>; round(fraction × class rows) of
    /// each held out). Both parts list rows in increasing order.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is not in [0, 1).</exception>
    public static (int[] Train, int[] Holdout) StratifiedSplit(ReadOnlySpan<bool> labels, double holdoutFraction, int seed)
    {
        if (!(holdoutFraction >= 0 && holdoutFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(holdoutFraction), holdoutFraction, "The held-out share must be at least 0 and below 1.");
        }
        var random = new Random(seed);
        var holdout = new bool[labels.Length];
        foreach (var rows in ShuffledClasses(labels, random))
        {
            var take = (int)Math.Round(holdoutFraction * rows.Count, MidpointRounding.AwayFromZero);
            for (var i = 0; i < take; i++)
            {
                holdout[rows[i]] = true;
            }
        }
        var train = new List<int>(labels.Length);
        var held = new List<int>();
        for (var r = 0; r < labels.Length; r++)
        {
            (holdout[r] ? held : train).Add(r);
        }
        return ([.. train], [.. held]);
    }

    /// <summary>Stratified folds: each class shuffled from <paramref name="seed"/> and dealt round the folds; fold[r] is row r's fold.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 2 folds.</exception>
    public static int[] StratifiedFolds(ReadOnlySpan<bool> labels, int folds, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var fold = new int[labels.Length];
        foreach (var rows in ShuffledClasses(labels, new Random(seed)))
        {
            for (var i = 0; i < rows.Count; i++)
            {
                fold[rows[i]] = i % folds;
            }
        }
        return fold;
    }

    /// <summary>The given rows of a table and their labels, in the given order.</summary>
    public static (Table Data, bool[] Labels) Take(Table data, ReadOnlySpan<bool> labels, ReadOnlySpan<int> rows)
    {
        ArgumentNullException.ThrowIfNull(data);
        var taken = new bool[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            taken[i] = labels[rows[i]];
        }
        return (data.Take(rows), taken);
    }

    /// <summary>Default work budget: about a minute of one reference core.</summary>
    public const double DefaultBudget = 60;

    /// <summary>
    /// Scores each candidate by stratified k-fold cross-validation (the measure on each held-out fold, averaged), in the
    /// given order, within a budget of work. Before a candidate starts, its work is estimated from the data's shape and its
    /// settings (<see cref="WorkEstimate"/>); it runs only if the work of the candidates run so far, plus its own, plus the
    /// largest final fit of any candidate admitted (itself included) fits in the budget; otherwise it is skipped and the
    /// next, possibly smaller, one is considered. The first candidate always runs, so the plan exceeds the budget only when
    /// that one alone does. Folds run one after another, each model dropped once measured (the learners use every core).
    /// </summary>
    /// <remarks>
    /// The schedule depends only on the data's shape, the candidates and the options, never on the clock, and the folds
    /// only on the labels and the seed; each learner is deterministic. So the same data and seed give the same leaderboard
    /// and the same winner on any machine, under any load. <see cref="SearchOptions.TimeLimit"/> can only fail the search.
    /// </remarks>
    /// <exception cref="ArgumentException">No candidates, fewer rows of a class than folds, hits@N with N above the population, or no candidate could be trained.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Folds below 2, or a budget not positive.</exception>
    /// <exception cref="TimeoutException">The search ran past <see cref="SearchOptions.TimeLimit"/>.</exception>
    public static SearchOutcome Run(Table data, ReadOnlySpan<bool> labels, IReadOnlyList<LearnerCandidate> candidates, SearchOptions options, TimeProvider time,
        IProgress<SearchProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (candidates.Count == 0)
        {
            throw new ArgumentException("The search needs at least one candidate.", nameof(candidates));
        }
        var folds = options.Folds;
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2, nameof(options));
        if (!(options.Budget > 0) || double.IsInfinity(options.Budget))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Budget, "The work budget must be a positive number.");
        }
        var measure = options.SelectBy;
        var population = options.PopulationRows ?? labels.Length;
        if (measure.Kind == SelectionKind.Hits && measure.Contacts > population)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{measure.Name} counts hits among the top {measure.Contacts:N0} rows, but the data has {population:N0} rows; N must be at most the number of rows."));
        }
        var share = measure.Kind == SelectionKind.Hits ? (double)measure.Contacts / population : 0;
        var positives = 0;
        foreach (var y in labels)
        {
            positives += y ? 1 : 0;
        }
        if (positives < folds || labels.Length - positives < folds)
        {
            throw new ArgumentException(
                $"{folds}-fold cross-validation needs at least {folds} rows of each class; there are {positives} positive and {labels.Length - positives} negative.", nameof(labels));
        }
        var fold = StratifiedFolds(labels, folds, options.Seed);
        var labelArray = labels.ToArray();
        var shape = DataShape.Of(data);
        var start = time.GetTimestamp();
        var results = new List<SearchResult>();
        var skipped = new List<SkippedCandidate>();
        double work = 0, reserved = 0;
        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
            progress?.Report(new SearchProgress(i, candidates.Count, $"{candidate.Algorithm} {candidate.Settings}"));
            var cost = WorkEstimate.CrossValidation(candidate.Learner, shape, folds);
            var final = Math.Max(reserved, options.FinalFitRows.Sum(rows => WorkEstimate.Fit(candidate.Learner, shape.WithRows(rows))));
            if (i > 0 && work + cost + final > options.Budget)
            {
                skipped.Add(new SkippedCandidate(candidate, string.Create(CultureInfo.InvariantCulture,
                    $"work budget (needs {cost + final - reserved:0.#}, {options.Budget - work - reserved:0.#} left)"), cost));
                continue;
            }
            work += cost;
            reserved = final;
            var began = time.GetTimestamp();
            var values = new double[folds];
            var aucs = new double[folds];
            try
            {
                for (var f = 0; f < folds; f++)
                {
                    (values[f], aucs[f]) = FoldScores(data, labelArray, fold, f, candidate.Learner, measure, share);
                    StopAtTimeLimit(options.TimeLimit, time, start, i, candidates.Count);
                }
            }
            catch (ArgumentException ex)
            {
                skipped.Add(new SkippedCandidate(candidate, ex.Message, cost));
                continue;
            }
            var mean = values.Average();
            var sd = Math.Sqrt(values.Select(a => (a - mean) * (a - mean)).Average());
            results.Add(new SearchResult(candidate, measure, mean, sd, values, aucs.Average(), cost, time.GetElapsedTime(began)));
        }
        progress?.Report(new SearchProgress(candidates.Count, candidates.Count, ""));
        if (results.Count == 0)
        {
            throw new ArgumentException("No candidate could be trained: " + string.Join("; ", skipped.Select(s => $"{s.Candidate.Algorithm}: {s.Reason}")), nameof(candidates));
        }
        // OrderBy is stable: equal means keep the order tried.
        var board = measure.HigherIsBetter ? results.OrderByDescending(r => r.Mean) : results.OrderBy(r => r.Mean);
        return new SearchOutcome([.. board], skipped, measure, options.Budget, work, reserved);
    }

    private static void StopAtTimeLimit(TimeSpan? limit, TimeProvider time, long start, int candidate, int candidates)
    {
        if (limit is { } stop && time.GetElapsedTime(start) > stop)
        {
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                $"The automatic selection reached its safety limit of {stop.TotalSeconds:0.#} s of wall-clock time at candidate {candidate + 1} of {candidates} and stopped without choosing: choosing among the candidates finished by then would depend on the machine's speed. Lower the work budget, or raise the time limit."));
        }
    }

    /// <summary>Fits on the rows outside fold <paramref name="f"/> and measures on those inside it: the measure and the AUC.</summary>
    private static (double Value, double Auc) FoldScores(Table data, bool[] labels, int[] fold, int f, ILearner learner, SelectionMeasure measure, double share)
    {
        var train = new List<int>(data.Rows);
        var test = new List<int>((data.Rows / 2) + 1);
        for (var r = 0; r < data.Rows; r++)
        {
            (fold[r] == f ? test : train).Add(r);
        }
        double[] scores;
        bool[] testLabels;
        {
            var (trainData, trainLabels) = Take(data, labels, train.ToArray());
            var model = learner.Fit(trainData, trainLabels);
            Table testData;
            (testData, testLabels) = Take(data, labels, test.ToArray());
            scores = model.PredictAll(testData);
        }
        var auc = Metrics.RocAuc(scores, testLabels);
        return (measure.Kind == SelectionKind.Auc ? auc : measure.Measure(scores, testLabels, share), auc);
    }

    private static List<int>[] ShuffledClasses(ReadOnlySpan<bool> labels, Random random)
    {
        var classes = new[] { new List<int>(), new List<int>() };
        for (var r = 0; r < labels.Length; r++)
        {
            classes[labels[r] ? 0 : 1].Add(r);
        }
        foreach (var rows in classes)
        {
            for (var i = rows.Count - 1; i > 0; i--)
            {
                var j = random.Next(i + 1);
                (rows[i], rows[j]) = (rows[j], rows[i]);
            }
        }
        return classes;
    }
}
