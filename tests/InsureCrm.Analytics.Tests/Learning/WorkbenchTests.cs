using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Tests.Learning;

public sealed class WorkbenchTests
{
    [Fact]
    public void Create_EveryName_BuildsALearnerOfThatAlgorithm()
    {
        Learners.Names.ShouldBe(["logistic", "bayes", "gbdt", "forest", "tree", "ensemble"]);
        foreach (var name in Learners.Names)
        {
            Learners.Create(name, seed: 3).Algorithm.ShouldBe(name);
        }
    }

    [Fact]
    public void Create_Ensemble_StacksEveryOtherAvailableLearner()
    {
        var (data, labels) = LearningData.Linear(600, seed: 1);

        var stack = Learners.Create("ensemble", seed: 3).Fit(data, labels).ShouldBeOfType<StackedEnsemble>();

        stack.Members.Select(m => m.Algorithm).ShouldBe(["logistic", "bayes", "gbdt", "forest", "tree"]);
    }

    [Fact]
    public void Create_UnknownName_ListsTheAvailableOnes()
    {
        var error = Should.Throw<ArgumentException>(() => Learners.Create("svm", 0));

        error.Message.ShouldContain("Unknown algorithm 'svm'");
        error.Message.ShouldContain("available: logistic, bayes, gbdt, forest, tree, ensemble");
    }

    [Fact]
    public void SearchSpace_TriesEachAlgorithmsDefaultsFirst()
    {
        var space = Learners.SearchSpace(seed: 1);

        space.Take(6).Select(c => c.Algorithm).ShouldBe(Learners.Names);
        space.Take(6).Select(c => c.Settings).ShouldBe(Learners.Names.Select(n => Learners.Grid(n, 1)[0].Settings));
        space.Count.ShouldBe(Learners.Names.Sum(n => Learners.Grid(n, 1).Count));
    }

    [Fact]
    public void StratifiedSplit_HoldsOutTheShareOfEachClass_SameForTheSameSeed()
    {
        var labels = Enumerable.Range(0, 1000).Select(i => i % 10 == 0).ToArray();

        var (train, holdout) = ModelSearch.StratifiedSplit(labels, 0.2, seed: 5);

        holdout.Length.ShouldBe(200);
        holdout.Count(r => labels[r]).ShouldBe(20);
        train.Concat(holdout).Order().ShouldBe(Enumerable.Range(0, 1000));
        train.ShouldBeInOrder();
        ModelSearch.StratifiedSplit(labels, 0.2, seed: 5).Holdout.ShouldBe(holdout);
        ModelSearch.StratifiedSplit(labels, 0.2, seed: 6).Holdout.ShouldNotBe(holdout);
    }

    [Fact]
    public void Run_SignalInData_RanksTheInformedCandidateAboveTheStarvedOne()
    {
        var (data, labels) = LearningData.Linear(1200, seed: 2);
        LearnerCandidate[] candidates =
        [
            new("logistic", "C=1e-6", new LogisticRegression { C = 1e-6 }),
            new("logistic", "C=1", new LogisticRegression()),
        ];

        var outcome = ModelSearch.Run(data, labels, candidates, new SearchOptions { Folds = 4, Seed = 1 }, TimeProvider.System);

        outcome.Leaderboard.Count.ShouldBe(2);
        outcome.Best.Candidate.Settings.ShouldBe("C=1");
        outcome.Best.FoldValues.Count.ShouldBe(4);
        outcome.Best.Mean.ShouldBe(outcome.Best.MeanAuc);
        outcome.Best.MeanAuc.ShouldBeGreaterThan(0.8);
    }

    [Fact]
    public void Save_WorkbenchModel_LoadsBackWithSchemaMetricsAndSameScores()
    {
        var csv = CsvTableReader.Read(() => new StringReader(string.Join('\n',
            ["id,age,region,y", .. Enumerable.Range(0, 200).Select(i => $"c{i},{20 + (i % 50)},{(i % 3 == 0 ? "east" : "west")},{(i % 50 > 20 ? "yes" : "no")}")])),
            new CsvTrainingOptions { Target = "y", Id = "id" });
        var labels = csv.LabelArray();
        var model = new LogisticRegression().Fit(csv.Table, labels);
        var evaluation = Evaluation.Measure(model.PredictAll(csv.Table), labels);
        var saved = new WorkbenchModel(model, new WorkbenchInfo
        {
            Schema = csv.Schema,
            Columns = csv.Columns,
            Source = "train.csv",
            RequestedAlgorithm = "auto",
            Settings = "C=1",
            Seed = 9,
            Validation = 0.25,
            Refit = true,
            TrainedAt = new DateTimeOffset(2026, 11, 21, 3, 4, 5, TimeSpan.Zero),
            FittedRows = 200,
            Metrics = evaluation,
            Leaderboard = [new LeaderboardEntry("logistic", "C=1", "hits@20", 17.5, 1.25, 0.9, 0.03)],
            SelectBy = "hits@20",
            Budget = 60,
        });
        using var stream = new MemoryStream();
        saved.Save(stream);
        stream.Position = 0;

        var loaded = WorkbenchModel.Load(stream);

        loaded.Info.Schema.ShouldBe(csv.Schema with { Features = loaded.Model.Features });
        loaded.Model.Features.Select(f => (f.Name, f.Kind, string.Join('|', f.Categories)))
            .ShouldBe(csv.Table.Features.Select(f => (f.Name, f.Kind, string.Join('|', f.Categories))));
        loaded.Info.Metrics.ShouldNotBeNull().Auc.ShouldBe(evaluation.Auc);
        loaded.Info.Metrics.Lift.ShouldBe(evaluation.Lift);
        loaded.Info.Leaderboard.ShouldBe(saved.Info.Leaderboard);
        loaded.Info.SelectBy.ShouldBe("hits@20");
        loaded.Info.Budget.ShouldBe(60);
        loaded.Info.TrainedAt.ShouldBe(saved.Info.TrainedAt);
        loaded.Info.Columns.Select(c => (c.Name, c.Use, c.Kind)).ShouldBe(csv.Columns.Select(c => (c.Name, c.Use, c.Kind)));
        loaded.Model.PredictAll(csv.Table).ShouldBe(model.PredictAll(csv.Table));
    }

    [Fact]
    public void Load_FileWrittenBeforeSelectBy_ReadsItsLeaderboardAsRankedByAuc()
    {
        var (data, labels) = LearningData.Linear(200, seed: 4);
        var model = new LogisticRegression().Fit(data, labels);
        var info = new WorkbenchInfo
        {
            Schema = new CsvSchema(data.Features, "y", "1", "0", null),
            Columns = [],
            Source = "old.csv",
            RequestedAlgorithm = "auto",
            Settings = "C=1",
            Seed = 1,
            Validation = 0.2,
            Refit = true,
            TrainedAt = DateTimeOffset.UnixEpoch,
            FittedRows = 200,
            Leaderboard = [new LeaderboardEntry("logistic", "C=1", "auc", 0.81, 0.02, 0.81, 0.4)],
            SelectBy = "auc",
            Budget = 60,
        };
        using var stream = new MemoryStream();
        new WorkbenchModel(model, info).Save(stream);
        // The layout of version 1 before the measure and the work budget were kept.
        var root = System.Text.Json.Nodes.JsonNode.Parse(stream.ToArray())!.AsObject();
        var workbench = root["workbench"]!.AsObject();
        workbench.Remove("selectBy");
        workbench.Remove("budget");
        foreach (var entry in workbench["leaderboard"]!.AsArray())
        {
            entry!.AsObject().Remove("measure");
            entry.AsObject().Remove("mean");
            entry.AsObject().Remove("work");
        }

        var loaded = WorkbenchModel.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(root.ToJsonString())));

        loaded.Info.SelectBy.ShouldBe("auc");
        loaded.Info.Budget.ShouldBe(0);
        loaded.Info.Leaderboard.ShouldBe([new LeaderboardEntry("logistic", "C=1", "auc", 0.81, 0.02, 0.81, 0)]);
    }

    [Fact]
    public void Load_PlainModelFile_SaysItWasNotTrainedByTheWorkbench()
    {
        var (data, labels) = LearningData.Linear(200, seed: 4);
        using var stream = new MemoryStream();
        ModelFile.Save(new NaiveBayes().Fit(data, labels), stream);
        stream.Position = 0;

        Should.Throw<InvalidDataException>(() => WorkbenchModel.Load(stream)).Message.ShouldContain("no workbench section");
    }
}
