using System.Text.Json;
using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Tests.Learning;

public sealed class ModelSearchTests
{
    /// <summary>A clock that moves ten seconds every time it is read: a machine so slow or busy that every candidate seems to take long.</summary>
    private sealed class SteppingTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _ticks, 10 * TimeSpan.TicksPerSecond);
    }

    /// <summary>Scores a row by one of its columns as it is (no learning): lets a test decide which candidate ranks how.</summary>
    private sealed class ColumnScore(int column) : ILearner
    {
        public string Algorithm => "column";

        public IClassifier Fit(Table data, ReadOnlySpan<bool> labels) => new Scorer(data.Features, column);

        private sealed class Scorer(IReadOnlyList<Feature> features, int column) : IClassifier
        {
            public string Algorithm => "column";

            public IReadOnlyList<Feature> Features => features;

            public double Predict(ReadOnlySpan<double> row) => 1 / (1 + Math.Exp(-row[column]));

            public Explanation Explain(ReadOnlySpan<double> row) => throw new NotSupportedException();

            public void Write(Utf8JsonWriter writer) => throw new NotSupportedException();
        }
    }

    [Fact]
    public void Run_SlowClockOrOneThread_ChoosesTheSameModelWithTheSameLeaderboard()
    {
        var (data, labels) = LearningData.Linear(600, seed: 11);
        var space = Learners.SearchSpace(seed: 3);
        var shape = DataShape.Of(data);
        // Half of what every candidate would take: the budget decides which run, so the schedule is what is tested.
        var options = new SearchOptions { Folds = 3, Seed = 3, Budget = space.Sum(c => WorkEstimate.CrossValidation(c.Learner, shape, 3)) / 2 };

        var normal = ModelSearch.Run(data, labels, space, options, TimeProvider.System);
        var slow = ModelSearch.Run(data, labels, space, options, new SteppingTime());
        var oneThread = OnOneThread(() => ModelSearch.Run(data, labels, space, options, TimeProvider.System));

        normal.Leaderboard.Count.ShouldBeGreaterThan(1);
        normal.Skipped.ShouldNotBeEmpty();
        Board(slow).ShouldBe(Board(normal));
        Board(oneThread).ShouldBe(Board(normal));
        slow.Skipped.Select(s => (s.Candidate.Algorithm, s.Candidate.Settings, s.Reason)).ShouldBe(normal.Skipped.Select(s => (s.Candidate.Algorithm, s.Candidate.Settings, s.Reason)));
        slow.Best.Candidate.ShouldBe(normal.Best.Candidate);
    }

    [Fact]
    public void Run_WorkBudget_PlansWithinItAndSkipsWhatWouldNotFit()
    {
        var (data, labels) = LearningData.Linear(600, seed: 12);
        var space = Learners.SearchSpace(seed: 3);
        var shape = DataShape.Of(data);
        var ensemble = WorkEstimate.CrossValidation(space.Single(c => c.Algorithm == "ensemble").Learner, shape, 3);
        var options = new SearchOptions { Folds = 3, Seed = 3, Budget = ensemble * 0.8, FinalFitRows = [600, 750] };

        var outcome = ModelSearch.Run(data, labels, space, options, TimeProvider.System);

        outcome.Planned.ShouldBeLessThanOrEqualTo(options.Budget);
        outcome.Work.ShouldBe(outcome.Leaderboard.Sum(r => r.Work), tolerance: 1e-9);
        outcome.Reserved.ShouldBe(outcome.Leaderboard.Max(r => options.FinalFitRows.Sum(rows => WorkEstimate.Fit(r.Candidate.Learner, shape.WithRows(rows)))), tolerance: 1e-9);
        outcome.Skipped.ShouldContain(s => s.Candidate.Algorithm == "ensemble");
        outcome.Skipped.ShouldAllBe(s => s.Reason.StartsWith("work budget (needs ", StringComparison.Ordinal));
        // Skipping is by the plan alone: each skipped candidate would have taken the plan past the budget when it came up.
        foreach (var s in outcome.Skipped)
        {
            var final = options.FinalFitRows.Sum(rows => WorkEstimate.Fit(s.Candidate.Learner, shape.WithRows(rows)));
            (s.Work + Math.Max(outcome.Reserved, final)).ShouldBeGreaterThan(options.Budget - outcome.Work);
        }
    }

    [Fact]
    public void Run_BudgetSmallerThanTheFirstCandidate_RunsOnlyThatOne()
    {
        var (data, labels) = LearningData.Linear(300, seed: 3);
        var space = Learners.SearchSpace(seed: 1);

        var outcome = ModelSearch.Run(data, labels, space, new SearchOptions { Folds = 3, Seed = 1, Budget = 1e-9 }, TimeProvider.System);

        outcome.Leaderboard.Single().Candidate.ShouldBe(space[0]);
        outcome.Work.ShouldBe(WorkEstimate.CrossValidation(space[0].Learner, DataShape.Of(data), 3));
        outcome.Skipped.Count.ShouldBe(space.Count - 1);
    }

    [Fact]
    public void Run_PastTheTimeLimit_FailsRatherThanChoosingAmongFewer()
    {
        var (data, labels) = LearningData.Linear(300, seed: 3);

        var error = Should.Throw<TimeoutException>(() => ModelSearch.Run(data, labels, Learners.SearchSpace(1),
            new SearchOptions { Folds = 3, TimeLimit = TimeSpan.FromSeconds(15) }, new SteppingTime()));

        error.Message.ShouldContain("safety limit of 15 s");
        error.Message.ShouldContain("stopped without choosing");
    }

    [Fact]
    public void Run_SelectByHits_ChoosesTheCandidateWithMoreHitsInTheTopWhereAucChoosesTheOther()
    {
        var (data, labels) = SharpAndBroad(2000, seed: 5);
        LearnerCandidate[] candidates = [new("column", "broad", new ColumnScore(1)), new("column", "sharp", new ColumnScore(0))];

        var byAuc = ModelSearch.Run(data, labels, candidates, new SearchOptions { Folds = 5, Seed = 2 }, TimeProvider.System);
        var byHits = ModelSearch.Run(data, labels, candidates, new SearchOptions { Folds = 5, Seed = 2, SelectBy = SelectionMeasure.HitsAt(60) }, TimeProvider.System);

        byAuc.Best.Candidate.Settings.ShouldBe("broad");
        byHits.Best.Candidate.Settings.ShouldBe("sharp");
        byHits.Measure.Name.ShouldBe("hits@60");
        byHits.Leaderboard.Select(r => r.Mean).ShouldBeInOrder(SortDirection.Descending);
        // Every one of the 60 contacted is a hit for the sharp score (the top 3% are its 5% of certain buyers).
        byHits.Best.Mean.ShouldBe(60);
        byHits.Best.MeanAuc.ShouldBeLessThan(byHits.Leaderboard[1].MeanAuc);
    }

    [Fact]
    public void Run_SelectByLogLoss_RanksTheLowestFirst()
    {
        var (data, labels) = LearningData.Linear(600, seed: 6);
        LearnerCandidate[] candidates =
        [
            new("logistic", "C=1e-6", new LogisticRegression { C = 1e-6 }),
            new("logistic", "C=1", new LogisticRegression()),
            new("bayes", "default", new NaiveBayes()),
        ];

        var outcome = ModelSearch.Run(data, labels, candidates, new SearchOptions { Folds = 3, SelectBy = SelectionMeasure.LogLoss }, TimeProvider.System);

        outcome.Leaderboard.Select(r => r.Mean).ShouldBeInOrder(SortDirection.Ascending);
        outcome.Leaderboard.ShouldAllBe(r => r.Measure == SelectionMeasure.LogLoss);
        outcome.Best.Mean.ShouldBeLessThan(outcome.Leaderboard[^1].Mean);
    }

    [Fact]
    public void Run_HitsForMoreRowsThanThereAre_SaysNMustBeAtMostTheRows()
    {
        var (data, labels) = LearningData.Linear(300, seed: 3);

        var error = Should.Throw<ArgumentException>(() => ModelSearch.Run(data, labels, Learners.SearchSpace(1),
            new SearchOptions { Folds = 3, SelectBy = SelectionMeasure.HitsAt(5000) }, TimeProvider.System));

        error.Message.ShouldBe("hits@5000 counts hits among the top 5,000 rows, but the data has 300 rows; N must be at most the number of rows.");
    }

    [Theory]
    [InlineData("auc", "auc")]
    [InlineData("AUC", "auc")]
    [InlineData("logloss", "logloss")]
    [InlineData("hits@5000", "hits@5000")]
    [InlineData(" Hits@1 ", "hits@1")]
    public void Parse_KnownMeasure_ReadsIt(string text, string name) => SelectionMeasure.Parse(text).Name.ShouldBe(name);

    [Theory]
    [InlineData("")]
    [InlineData("top5")]
    [InlineData("hits")]
    [InlineData("hits@")]
    [InlineData("hits@0")]
    [InlineData("hits@-5")]
    [InlineData("hits@5,000")]
    [InlineData("hits@99999999999")]
    [InlineData("log loss")]
    public void Parse_AnythingElse_SaysWhatIsAccepted(string text)
    {
        var error = Should.Throw<ArgumentException>(() => SelectionMeasure.Parse(text, "--select-by"));

        error.Message.ShouldStartWith("--select-by must be auc, logloss or hits@N with N the number of customers a campaign can contact");
        error.Message.ShouldContain($"got '{text.Trim()}'");
    }

    private static List<(string, string, double, double, double, double)> Board(SearchOutcome outcome) =>
        [.. outcome.Leaderboard.Select(r => (r.Candidate.Algorithm, r.Candidate.Settings, r.Mean, r.StandardDeviation, r.MeanAuc, r.Work))];

    /// <summary>Runs <paramref name="work"/> where every parallel loop of the learners gets one thread.</summary>
    private static T OnOneThread<T>(Func<T> work)
    {
        var scheduler = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, maxConcurrencyLevel: 1).ConcurrentScheduler;
        return Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.None, scheduler).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Column 0 ("sharp") is 1 for 5% of rows, all of them buyers, and 0 for the rest; column 1 ("broad") is higher for
    /// buyers across all rows, with noise. Sharp finds a few buyers for certain (hits in a small top); broad orders the
    /// rest better (AUC).
    /// </summary>
    private static (Table Data, bool[] Labels) SharpAndBroad(int rows, int seed)
    {
        var random = new Random(seed);
        var sharp = new double[rows];
        var broad = new double[rows];
        var labels = new bool[rows];
        for (var r = 0; r < rows; r++)
        {
            var certain = r % 20 == 0;
            labels[r] = certain || random.NextDouble() < 0.25;
            sharp[r] = certain ? 1 : 0;
            var u = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            broad[r] = (labels[r] ? 1.0 : 0) + u;
        }
        return (new Table([Feature.Numeric("sharp"), Feature.Numeric("broad")], [sharp, broad]), labels);
    }
}
