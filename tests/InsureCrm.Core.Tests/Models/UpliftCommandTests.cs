using System.Globalization;
using System.Text.RegularExpressions;
using InsureCrm.Analytics.Learning;
using InsureCrm.Analytics.Uplift;
using Microsoft.Extensions.Configuration;

namespace InsureCrm.Tests.Models;

/// <summary><c>model train --treatment</c>, and score/evaluate on uplift model files, through the CLI's entry point.</summary>
[Collection(nameof(ConsoleSwappingTests))]
public sealed partial class UpliftCommandTests : IDisposable
{
    private static readonly IConfiguration NoDatabase = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Database:Provider"] = "Sqlite",
        ["ConnectionStrings:Crm"] = "Data Source=/nonexistent/folder/crm.db;Mode=ReadOnly",
    }).Build();

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private readonly string _dir = Directory.CreateTempSubdirectory("insurecrm-uplift-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    /// <summary>
    /// A randomised test with a planted effect: 50/50 treatment, base response 0.3, and treating adds 0.2 when x0 &gt; 0
    /// and takes 0.1 away otherwise; x1 is noise. Columns id,x0,x1,t,y.
    /// </summary>
    private static List<string> Planted(int rows, int seed)
    {
        var random = new Random(seed);
        var lines = new List<string> { "id,x0,x1,t,y" };
        for (var r = 0; r < rows; r++)
        {
            var x0 = (random.NextDouble() * 2) - 1;
            var x1 = (random.NextDouble() * 2) - 1;
            var treated = random.NextDouble() < 0.5;
            var p = 0.3 + (treated ? (x0 > 0 ? 0.2 : -0.1) : 0);
            var y = random.NextDouble() < p;
            lines.Add(string.Create(Inv, $"r{r},{x0:F4},{x1:F4},{(treated ? 1 : 0)},{(y ? 1 : 0)}"));
        }
        return lines;
    }

    private string Write(string name, IEnumerable<string> lines)
    {
        var path = PathOf(name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private static Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) => CliConsole.RunAsync(NoDatabase, args);

    private static double PrintedQini(string output) => double.Parse(QiniLine().Match(output).Groups[1].Value, Inv);

    [GeneratedRegex(@"Qini coefficient (-?\d+\.\d+) ")]
    private static partial Regex QiniLine();

    private static UpliftWorkbenchModel Load(string path)
    {
        using var stream = File.OpenRead(path);
        return UpliftWorkbenchModel.Load(stream);
    }

    [Fact]
    public async Task Train_PlantedEffect_QiniWellAboveRandomAndScoredUpliftHigherWhereTheEffectIsPositive()
    {
        var data = Write("planted.csv", Planted(4000, seed: 11));
        var model = PathOf("model.json");

        var (exit, output, error) = await RunAsync("model", "train", "--data", data, "--target", "y", "--treatment", "t", "--id", "id",
            "--algorithm", "auto", "--seed", "3", "--out", model);

        exit.ShouldBe(0, error);
        PrintedQini(output).ShouldBeGreaterThan(0.05, output);
        output.ShouldContain("uplift@10%");
        output.ShouldContain("uplift@30%");
        output.ShouldContain("random line");
        output.ShouldContain("decile");
        output.ShouldContain("observed uplift");
        var saved = Load(model);
        saved.Info.Treatment.ShouldBe("t");
        saved.Info.Candidates.Select(c => c.Key).ShouldBe(UpliftLearners.Names);
        // auto prints each approach's mean ± standard error over the folds and keeps the first within one error of the best.
        var printed = System.Text.RegularExpressions.Regex.Matches(output, @"^  (\S+) +Qini coefficient (-?[0-9.]+) ± ([0-9.]+) \(mean", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => (Name: m.Groups[1].Value, Qini: double.Parse(m.Groups[2].Value, Inv), Error: double.Parse(m.Groups[3].Value, Inv))).ToList();
        printed.Select(c => c.Name).ShouldBe(UpliftLearners.Names, output);
        var best = printed.MaxBy(c => c.Qini);
        saved.Model.Algorithm.ShouldBe(printed.First(c => c.Qini >= best.Qini - best.Error).Name, output);
        saved.Model.Features.Select(f => f.Name).ShouldBe(["x0", "x1"], "the treatment column is not a feature");

        var fresh = Planted(2000, seed: 12);
        var freshFile = Write("fresh.csv", fresh);
        var scores = PathOf("scores.csv");
        var (scoreExit, _, scoreError) = await RunAsync("model", "score", "--model", model, "--data", freshFile, "--out", scores);

        scoreExit.ShouldBe(0, scoreError);
        var lines = File.ReadAllLines(scores);
        lines[0].ShouldBe("id,uplift");
        lines.Length.ShouldBe(2001);
        var x0 = fresh.Skip(1).Select(l => double.Parse(l.Split(',')[1], Inv)).ToArray();
        var uplift = lines.Skip(1).Select(l => double.Parse(l.Split(',')[1], Inv)).ToArray();
        var positive = uplift.Where((_, i) => x0[i] > 0).Average();
        var negative = uplift.Where((_, i) => x0[i] <= 0).Average();
        positive.ShouldBeGreaterThan(negative + 0.1);
    }

    [Theory]
    [InlineData("weights")]
    [InlineData("resample")]
    public async Task Train_ReachColumn_UnreachableRowsScoreZeroAndTheModelSaysSo(string balance)
    {
        // Every third customer cannot be reached: a column reach = 0, and for them the treatment changes nothing.
        var random = new Random(5);
        var lines = Planted(4000, seed: 11).Select((l, i) => i == 0 ? "id,x0,x1,reach,t,y" : Unreached(l, i, random)).ToList();
        var data = Write("reach.csv", lines);
        var model = PathOf("reach.json");

        var (exit, output, error) = await RunAsync("model", "train", "--data", data, "--target", "y", "--treatment", "t", "--id", "id",
            "--algorithm", "class-transform", "--classifier", "gbdt", "--balance", balance, "--reach", "reach", "--out", model);

        exit.ShouldBe(0, error);
        output.ShouldContain("0 where reach is 0");
        var scores = PathOf("reach-scores.csv");
        (await RunAsync("model", "score", "--model", model, "--data", data, "--out", scores)).Exit.ShouldBe(0);
        var uplift = File.ReadAllLines(scores).Skip(1).Select(l => double.Parse(l.Split(',')[1], Inv)).ToArray();
        var reach = lines.Skip(1).Select(l => l.Split(',')[3]).ToArray();
        uplift.Where((_, i) => reach[i] == "0").ShouldAllBe(u => u == 0);
        uplift.Where((_, i) => reach[i] == "1").Count(u => u != 0).ShouldBeGreaterThan(2000);

        var (badExit, _, badError) = await RunAsync("model", "train", "--data", data, "--target", "y", "--treatment", "t", "--id", "id",
            "--algorithm", "two-model", "--reach", "plannedContact", "--out", PathOf("bad.json"));
        badExit.ShouldBe(1);
        badError.ShouldContain("'plannedContact' is not one of the features");
    }

    private static string Unreached(string line, int i, Random random)
    {
        var cells = line.Split(',');
        if (i % 3 != 0)
        {
            return $"{cells[0]},{cells[1]},{cells[2]},1,{cells[3]},{cells[4]}";
        }
        var y = random.NextDouble() < 0.3 ? 1 : 0;
        return $"{cells[0]},{cells[1]},{cells[2]},0,{cells[3]},{y}";
    }

    [Theory]
    [InlineData("two-model")]
    [InlineData("class-transform")]
    [InlineData("uplift-tree")]
    [InlineData("uplift-forest")]
    public async Task TrainSaveLoadEvaluate_OnTheHeldOutRows_GivesTheQiniOfTraining(string algorithm)
    {
        var lines = Planted(3000, seed: 21);
        var data = Write("train.csv", lines);
        var model = PathOf("model.json");

        var (exit, output, error) = await RunAsync("model", "train", "--data", data, "--target", "y", "--treatment", "t", "--id", "id",
            "--algorithm", algorithm, "--seed", "5", "--no-refit", "--out", model);

        exit.ShouldBe(0, error);
        var atTraining = PrintedQini(output);
        var saved = Load(model);
        saved.Model.Algorithm.ShouldBe(algorithm);
        saved.Info.HeldOutQini.ShouldNotBeNull().ShouldBe(atTraining, 5e-5);

        // The same held-out rows, by the documented split.
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        var treatment = rows.Select(f => f[3] == "1").ToArray();
        var labels = rows.Select(f => f[4] == "1").ToArray();
        var (_, heldOut) = UpliftSplit.Split(treatment, labels, 0.2, 5);
        var heldFile = Write("held.csv", [lines[0], .. heldOut.Select(r => lines[r + 1])]);

        var (evalExit, evalOutput, evalError) = await RunAsync("model", "evaluate", "--model", model, "--data", heldFile);

        evalExit.ShouldBe(0, evalError);
        PrintedQini(evalOutput).ShouldBe(atTraining);
        evalOutput.ShouldContain(string.Create(Inv, $"rows {heldOut.Length:N0}"));
        evalOutput.ShouldContain("uplift@20%");
    }

    public static TheoryData<string, string, string> BadInputs() => new()
    {
        { "missing-treatment", "id,x0,t2,y\nr1,0.5,1,1\nr2,0.1,0,0\n", "no treatment column 't'" },
        { "not-a-flag", "id,x0,t,y\nr1,0.5,1,1\nr2,0.1,2,0\nr3,0.2,0,1\n", "data row 2: '2' is not a treatment flag" },
        { "all-treated", "id,x0,t,y\nr1,0.5,1,1\nr2,0.1,1,0\nr3,0.2,1,1\nr4,0.3,1,0\n", "no control rows" },
        { "one-class-arm", "id,x0,t,y\nr1,0.5,1,1\nr2,0.1,1,1\nr3,0.2,0,1\nr4,0.3,0,0\n", "treated arm has only one outcome class" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Train_BadInput_ExitsNonZeroNamingTheProblemAndWritesNothing(string name, string csv, string message)
    {
        var data = PathOf(name + ".csv");
        await File.WriteAllTextAsync(data, csv);
        var model = PathOf(name + ".json");

        var (exit, _, error) = await RunAsync("model", "train", "--data", data, "--target", "y", "--treatment", "t", "--id", "id",
            "--algorithm", "two-model", "--out", model);

        exit.ShouldNotBe(0);
        error.ShouldContain(message);
        File.Exists(model).ShouldBeFalse();
        File.Exists(model + ".tmp").ShouldBeFalse();
    }

    [Fact]
    public async Task Train_TreatmentShare100Percent_MessageSaysSo()
    {
        var data = Write("all.csv", ["x0,t,y", "0.1,1,1", "0.2,yes,0", "0.3,TRUE,1"]);

        var (exit, _, error) = await RunAsync("model", "train", "--data", data, "--target", "y", "--treatment", "t", "--algorithm", "uplift-tree",
            "--out", PathOf("m.json"));

        exit.ShouldBe(1);
        error.ShouldContain("treatment share 100 %");
        File.Exists(PathOf("m.json")).ShouldBeFalse();
    }

    [Fact]
    public async Task Evaluate_DataWithoutTheTreatmentColumn_FailsNamingIt()
    {
        var data = Write("train.csv", Planted(1000, seed: 31));
        var model = PathOf("model.json");
        (await RunAsync("model", "train", "--data", data, "--target", "y", "--treatment", "t", "--algorithm", "two-model", "--out", model)).Exit.ShouldBe(0);
        var noTreatment = Write("plain.csv", Planted(100, seed: 32).Select(l => string.Join(',', l.Split(',').Where((_, i) => i != 3))));

        var (exit, _, error) = await RunAsync("model", "evaluate", "--model", model, "--data", noTreatment);

        exit.ShouldBe(1);
        error.ShouldContain("no treatment column 't'");
    }

    [Fact]
    public void ModelFile_SaveLoad_EveryApproachPredictsTheSame()
    {
        var lines = Planted(1200, seed: 41);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        var features = new List<Feature> { new("x0", FeatureKind.Numeric, []), new("x1", FeatureKind.Numeric, []) };
        var table = new Table(features,
            [rows.Select(f => double.Parse(f[1], Inv)).ToArray(), rows.Select(f => double.Parse(f[2], Inv)).ToArray()]);
        var treatment = rows.Select(f => f[3] == "1").ToArray();
        var labels = rows.Select(f => f[4] == "1").ToArray();
        foreach (var approach in UpliftLearners.Names)
        {
            var model = UpliftLearners.Create(approach, "logistic", 1).Fit(table, treatment, labels);
            var info = new UpliftWorkbenchInfo
            {
                Schema = new CsvSchema(features, "y", "1", "0", null),
                Treatment = "t",
                Source = "planted.csv",
                RequestedAlgorithm = approach,
                Classifier = "logistic",
                Seed = 1,
                Validation = 0,
                Refit = false,
                FittedRows = rows.Length,
            };
            using var stream = new MemoryStream();
            new UpliftWorkbenchModel(model, info).Save(stream);
            stream.Position = 0;
            UpliftWorkbenchModel.IsUplift(stream).ShouldBeTrue();
            stream.Position = 0;
            var loaded = UpliftWorkbenchModel.Load(stream);

            loaded.Model.Algorithm.ShouldBe(approach);
            loaded.Info.Treatment.ShouldBe("t");
            loaded.Model.PredictAll(table).ShouldBe(model.PredictAll(table), approach);
            loaded.Model.Explain([0.5, -0.2]).Uplift.ShouldBe(model.Explain([0.5, -0.2]).Uplift, 1e-12, approach);
        }
    }
}
