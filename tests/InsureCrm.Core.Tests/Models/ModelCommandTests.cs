using System.Globalization;
using System.Text;
using InsureCrm.Analytics.Learning;
using InsureCrm.Cli;
using Microsoft.Extensions.Configuration;

namespace InsureCrm.Tests.Models;

/// <summary>These tests swap Console.Error to read the messages, so they run alone, after the parallel tests.</summary>
[CollectionDefinition(nameof(ConsoleSwappingTests), DisableParallelization = true)]
public sealed class ConsoleSwappingTests;

[Collection(nameof(ConsoleSwappingTests))]
public sealed class ModelCommandTests : IDisposable
{
    // The workbench verbs open no database: an empty configuration proves it (any database access would fail to find one).
    private static readonly IConfiguration NoDatabase = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Database:Provider"] = "Sqlite",
        ["ConnectionStrings:Crm"] = "Data Source=/nonexistent/folder/crm.db;Mode=ReadOnly",
    }).Build();

    private readonly string _dir = Directory.CreateTempSubdirectory("insurecrm-model-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    /// <summary>
    /// Customers with a known signal: logit = −1 + 1.5·z(age) + region effect (west +1.5, east −1) + code effect
    /// (code 7 +1); noise carries nothing. Returns the file and the labels in row order.
    /// </summary>
    private (string Path, bool[] Labels, string[] Ids) WriteGenerated(string name, int rows, int seed, bool withTarget = true)
    {
        var random = new Random(seed);
        var text = new StringBuilder(withTarget ? "customer_id,age,region,code,noise,bought\n" : "noise,code,region,age,customer_id\n");
        var labels = new bool[rows];
        var ids = new string[rows];
        string[] regions = ["west", "east", "north"];
        double[] effects = [1.5, -1, 0];
        for (var r = 0; r < rows; r++)
        {
            var z = Gaussian(random);
            var region = random.Next(3);
            var code = random.Next(3) switch { 0 => 3, 1 => 7, _ => 12 };
            var logit = -1 + (1.5 * z) + effects[region] + (code == 7 ? 1 : 0);
            labels[r] = random.NextDouble() < 1 / (1 + Math.Exp(-logit));
            ids[r] = string.Create(CultureInfo.InvariantCulture, $"C{seed}-{r:D5}");
            var age = (45 + (12 * z)).ToString("F1", CultureInfo.InvariantCulture);
            var noise = Gaussian(random).ToString("F3", CultureInfo.InvariantCulture);
            text.Append(withTarget
                ? string.Create(CultureInfo.InvariantCulture, $"{ids[r]},{age},{regions[region]},{code},{noise},{(labels[r] ? "yes" : "no")}\n")
                : string.Create(CultureInfo.InvariantCulture, $"{noise},{code},{regions[region]},{age},{ids[r]}\n"));
        }
        var path = PathOf(name);
        File.WriteAllText(path, text.ToString());
        return (path, labels, ids);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static async Task<(int Exit, string Error)> RunAsync(params string[] args)
    {
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            return (await CliApp.RunAsync(args, NoDatabase), error.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }

    private static WorkbenchModel Load(string path)
    {
        using var stream = File.OpenRead(path);
        return WorkbenchModel.Load(stream);
    }

    [Fact]
    public async Task TrainScoreEvaluate_GeneratedFileWithSignal_ScoresEveryRowInOrderAndRanksWell()
    {
        var (train, _, _) = WriteGenerated("train.csv", 1500, seed: 1);
        var (fresh, freshLabels, freshIds) = WriteGenerated("fresh.csv", 600, seed: 2);
        var (toScore, _, _) = WriteGenerated("to-score.csv", 600, seed: 2, withTarget: false);
        var model = PathOf("model.json");

        var (trainExit, trainError) = await RunAsync("model", "train", "--data", train, "--target", "bought", "--id", "customer_id",
            "--algorithm", "logistic", "--categorical", "code", "--seed", "7", "--out", model);

        trainExit.ShouldBe(0, trainError);
        var saved = Load(model);
        saved.Info.Metrics.ShouldNotBeNull().Auc.ShouldBeGreaterThan(0.75);
        saved.Info.Metrics.Rows.ShouldBe(300);
        saved.Info.Metrics.Lift.Count.ShouldBe(10);
        saved.Info.Schema.Positive.ShouldBe("yes");
        saved.Info.Schema.Id.ShouldBe("customer_id");
        saved.Info.Refit.ShouldBeTrue();
        saved.Info.FittedRows.ShouldBe(1500);
        saved.Model.Features.Single(f => f.Name == "code").Categories.ShouldBe(["3", "7", "12"]);
        await using (var plain = File.OpenRead(model))
        {
            ModelFile.Load(plain).Algorithm.ShouldBe("logistic", "a workbench model file stays a model file");
        }

        var scores = PathOf("scores.csv");
        var (scoreExit, scoreError) = await RunAsync("model", "score", "--model", model, "--data", toScore, "--out", scores);

        scoreExit.ShouldBe(0, scoreError);
        var lines = File.ReadAllLines(scores);
        lines[0].ShouldBe("customer_id,score");
        lines.Length.ShouldBe(601);
        lines.Skip(1).Select(l => l.Split(',')[0]).ShouldBe(freshIds);
        var scoreValues = lines.Skip(1).Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        scoreValues.ShouldAllBe(p => p > 0 && p < 1);
        Metrics.RocAuc(scoreValues, freshLabels).ShouldBeGreaterThan(0.75);

        var (evaluateExit, evaluateError) = await RunAsync("model", "evaluate", "--model", model, "--data", fresh, "--target", "bought");
        evaluateExit.ShouldBe(0, evaluateError);
    }

    [Fact]
    public async Task Score_ModelWithoutIdColumn_WritesRowNumbers()
    {
        var (train, _, _) = WriteGenerated("train.csv", 400, seed: 3);
        var model = PathOf("model.json");
        (await RunAsync("model", "train", "--data", train, "--target", "bought", "--ignore", "customer_id", "--algorithm", "bayes", "--out", model)).Exit.ShouldBe(0);

        var scores = PathOf("scores.csv");
        (await RunAsync("model", "score", "--model", model, "--data", train, "--out", scores)).Exit.ShouldBe(0);

        var lines = File.ReadAllLines(scores);
        lines[0].ShouldBe("row,score");
        lines.Skip(1).Select(l => l.Split(',')[0]).ShouldBe(Enumerable.Range(1, 400).Select(i => i.ToString(CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Train_Auto_SavesTheLeaderboardWinner()
    {
        var (train, _, _) = WriteGenerated("train.csv", 800, seed: 4);
        var model = PathOf("model.json");

        var (exit, error) = await RunAsync("model", "train", "--data", train, "--target", "bought", "--id", "customer_id", "--folds", "3", "--out", model);

        exit.ShouldBe(0, error);
        var saved = Load(model);
        saved.Info.RequestedAlgorithm.ShouldBe("auto");
        saved.Info.Leaderboard.ShouldNotBeEmpty();
        saved.Info.Leaderboard.Select(e => e.MeanAuc).ShouldBeInOrder(SortDirection.Descending);
        saved.Model.Algorithm.ShouldBe(saved.Info.Leaderboard[0].Algorithm);
        saved.Info.Settings.ShouldBe(saved.Info.Leaderboard[0].Settings);
    }

    [Fact]
    public async Task Train_AutoSelectByHits_RanksByHitsAndChoosesTheSameModelEachRun()
    {
        var (train, _, _) = WriteGenerated("train.csv", 900, seed: 6);
        string[] args = ["model", "train", "--data", train, "--target", "bought", "--id", "customer_id", "--folds", "3", "--budget", "0.5", "--select-by", "hits@90"];

        var (exit, error) = await RunAsync([.. args, "--out", PathOf("first.json")]);
        var (again, againError) = await RunAsync([.. args, "--out", PathOf("second.json")]);

        exit.ShouldBe(0, error);
        again.ShouldBe(0, againError);
        var first = Load(PathOf("first.json"));
        var second = Load(PathOf("second.json"));
        first.Info.SelectBy.ShouldBe("hits@90");
        first.Info.Budget.ShouldBe(0.5);
        first.Info.Leaderboard.Count.ShouldBeGreaterThan(1);
        first.Info.Leaderboard.ShouldAllBe(e => e.Measure == "hits@90");
        first.Info.Leaderboard.Select(e => e.Mean).ShouldBeInOrder(SortDirection.Descending);
        first.Info.Leaderboard.Sum(e => e.Work).ShouldBeLessThanOrEqualTo(0.5);
        first.Model.Algorithm.ShouldBe(first.Info.Leaderboard[0].Algorithm);
        second.Info.Leaderboard.ShouldBe(first.Info.Leaderboard);
        second.Info.Settings.ShouldBe(first.Info.Settings);
    }

    [Theory]
    [InlineData("top5000")]
    [InlineData("hits@0")]
    [InlineData("hits@")]
    [InlineData("hits@5k")]
    public async Task Train_SelectByUnknown_ExitsOneSayingWhatIsAccepted(string selectBy)
    {
        var (train, _, _) = WriteGenerated("train.csv", 100, seed: 5);
        var model = PathOf("model.json");

        var (exit, error) = await RunAsync("model", "train", "--data", train, "--target", "bought", "--select-by", selectBy, "--out", model);

        exit.ShouldBe(1);
        error.ShouldContain($"--select-by must be auc, logloss or hits@N with N the number of customers a campaign can contact, a whole number of at least 1 (e.g. hits@5000); got '{selectBy}'.");
        File.Exists(model).ShouldBeFalse();
    }

    [Fact]
    public async Task Train_SelectByHitsAboveTheRows_ExitsOneSayingNMustBeAtMostTheRows()
    {
        var (train, _, _) = WriteGenerated("train.csv", 200, seed: 5);

        var (exit, error) = await RunAsync("model", "train", "--data", train, "--target", "bought", "--select-by", "hits@5000", "--out", PathOf("model.json"));

        exit.ShouldBe(1);
        error.ShouldContain("hits@5000 counts hits among the top 5,000 rows, but the data has 200 rows");
    }

    [Fact]
    public async Task Train_NumericColumnWithText_ExitsOneNamingLineAndColumn()
    {
        var path = PathOf("bad.csv");
        File.WriteAllText(path, "id,age,bought\n1,40,yes\n2,51,no\n3,abc,no\n4,33,yes\n");
        var model = PathOf("model.json");

        var (exit, error) = await RunAsync("model", "train", "--data", path, "--target", "bought", "--id", "id", "--numeric", "age", "--out", model);

        exit.ShouldBe(1);
        error.ShouldContain("line 4, column age: 'abc' is not a number");
        File.Exists(model).ShouldBeFalse();
    }

    [Fact]
    public async Task Train_LineWithMissingField_ExitsOneNamingTheLine()
    {
        var path = PathOf("short.csv");
        File.WriteAllText(path, "id,age,region,bought\n1,40,west,yes\n2,51,east,no\n3,47\n");

        var (exit, error) = await RunAsync("model", "train", "--data", path, "--target", "bought", "--out", PathOf("model.json"));

        exit.ShouldBe(1);
        error.ShouldContain("line 4, column region: no value");
    }

    [Fact]
    public async Task Train_UnknownAlgorithm_ExitsOneAndListsTheAvailable()
    {
        var (train, _, _) = WriteGenerated("train.csv", 100, seed: 5);
        var model = PathOf("model.json");

        var (exit, error) = await RunAsync("model", "train", "--data", train, "--target", "bought", "--algorithm", "svm", "--out", model);

        exit.ShouldBe(1);
        error.ShouldContain("Unknown algorithm 'svm'; available: logistic, bayes");
        error.ShouldNotContain("(Parameter");
        File.Exists(model).ShouldBeFalse();
    }

    [Fact]
    public async Task Score_FileWithoutAModelColumn_ExitsOneNamingIt()
    {
        var (train, _, _) = WriteGenerated("train.csv", 300, seed: 6);
        var model = PathOf("model.json");
        (await RunAsync("model", "train", "--data", train, "--target", "bought", "--id", "customer_id", "--algorithm", "logistic", "--out", model)).Exit.ShouldBe(0);
        var path = PathOf("no-region.csv");
        File.WriteAllText(path, "customer_id,age,code,noise\nA,40,3,0.1\n");

        var (exit, error) = await RunAsync("model", "score", "--model", model, "--data", path, "--out", PathOf("scores.csv"));

        exit.ShouldBe(1);
        error.ShouldContain("no column 'region' (named by the model)");
        File.Exists(PathOf("scores.csv")).ShouldBeFalse();
    }
}
