namespace InsureCrm.Analytics.Learning;

/// <summary>One candidate's cross-validated result.</summary>
/// <param name="Candidate">The algorithm and settings tried.</param>
/// <param name="MeanAuc">Mean ROC AUC over the folds (each fold's model scored on the rows it did not see).</param>
/// <param name="StandardDeviation">Population standard deviation of the fold AUCs.</param>
/// <param name="FoldAucs">AUC of each fold, in fold order.</param>
/// <param name="Elapsed">Time the candidate took (every fold).</param>
public sealed record SearchResult(LearnerCandidate Candidate, double MeanAuc, double StandardDeviation, IReadOnlyList<double> FoldAucs, TimeSpan Elapsed);

/// <summary>A candidate the search did not score, and why.</summary>
/// <param name="Candidate">The algorithm and settings.</param>
/// <param name="Reason">Why: the time budget ran out, or the learner refused the data (its message).</param>
public sealed record SkippedCandidate(LearnerCandidate Candidate, string Reason);

/// <summary>The result of <see cref="ModelSearch.Run"/>: the leaderboard, best first, and the candidates left out.</summary>
/// <param name="Leaderboard">Scored candidates by mean AUC, highest first (ties in the order tried).</param>
/// <param name="Skipped">Candidates not scored.</param>
public sealed record SearchOutcome(IReadOnlyList<SearchResult> Leaderboard, IReadOnlyList<SkippedCandidate> Skipped)
{
    /// <summary>The winner: the candidate with the highest mean cross-validated AUC.</summary>
    public SearchResult Best => Leaderboard[0];
}

/// <summary>Progress of a search: candidates finished of all, and the one being tried.</summary>
/// <param name="Done">Candidates finished (scored or skipped).</param>
/// <param name="Total">All candidates.</param>
/// <param name="Current">The candidate now being tried, as "algorithm settings".</param>
public sealed record SearchProgress(int Done, int Total, string Current);

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

    /// <summary>
    /// Scores each candidate by stratified <paramref name="folds"/>-fold cross-validation (mean AUC on the held-out
    /// fold), in the given order, until <paramref name="budget"/> is spent: a candidate is not started once the
    /// budget is used up, nor when an earlier candidate of the same algorithm took longer than what is left. The
    /// first candidate always runs. Folds of one candidate are fitted side by side.
    /// </summary>
    /// <remarks>
    /// The folds depend only on the labels and <paramref name="seed"/>, and each learner is deterministic, so each
    /// candidate's score is reproducible; which candidates fit in the budget depends on the machine's speed.
    /// </remarks>
    /// <exception cref="ArgumentException">No candidates, or fewer rows of a class than folds.</exception>
    public static SearchOutcome Run(Table data, ReadOnlySpan<bool> labels, IReadOnlyList<LearnerCandidate> candidates, int folds, int seed, TimeSpan budget,
        TimeProvider time, IProgress<SearchProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(time);
        if (candidates.Count == 0)
        {
            throw new ArgumentException("The search needs at least one candidate.", nameof(candidates));
        }
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
        var fold = StratifiedFolds(labels, folds, seed);
        var labelArray = labels.ToArray();
        var start = time.GetTimestamp();
        var results = new List<SearchResult>();
        var skipped = new List<SkippedCandidate>();
        var slowest = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
            progress?.Report(new SearchProgress(i, candidates.Count, $"{candidate.Algorithm} {candidate.Settings}"));
            var left = budget - time.GetElapsedTime(start);
            if (i > 0 && (left <= TimeSpan.Zero || (slowest.TryGetValue(candidate.Algorithm, out var took) && took > left)))
            {
                skipped.Add(new SkippedCandidate(candidate, "time budget"));
                continue;
            }
            var began = time.GetTimestamp();
            var aucs = new double[folds];
            try
            {
                Parallel.For(0, folds, f => aucs[f] = FoldAuc(data, labelArray, fold, f, candidate.Learner));
            }
            catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is ArgumentException))
            {
                skipped.Add(new SkippedCandidate(candidate, ex.InnerExceptions[0].Message));
                continue;
            }
            var elapsed = time.GetElapsedTime(began);
            slowest[candidate.Algorithm] = slowest.TryGetValue(candidate.Algorithm, out var before) && before > elapsed ? before : elapsed;
            var mean = aucs.Average();
            var sd = Math.Sqrt(aucs.Select(a => (a - mean) * (a - mean)).Average());
            results.Add(new SearchResult(candidate, mean, sd, aucs, elapsed));
        }
        progress?.Report(new SearchProgress(candidates.Count, candidates.Count, ""));
        if (results.Count == 0)
        {
            throw new ArgumentException("No candidate could be trained: " + string.Join("; ", skipped.Select(s => $"{s.Candidate.Algorithm}: {s.Reason}")), nameof(candidates));
        }
        return new SearchOutcome([.. results.OrderByDescending(r => r.MeanAuc)], skipped);
    }

    private static double FoldAuc(Table data, bool[] labels, int[] fold, int f, ILearner learner)
    {
        var train = new List<int>(data.Rows);
        var test = new List<int>((data.Rows / 2) + 1);
        for (var r = 0; r < data.Rows; r++)
        {
            (fold[r] == f ? test : train).Add(r);
        }
        var (trainData, trainLabels) = Take(data, labels, train.ToArray());
        var model = learner.Fit(trainData, trainLabels);
        var (testData, testLabels) = Take(data, labels, test.ToArray());
        return Metrics.RocAuc(model.PredictAll(testData), testLabels);
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
