using System.Globalization;
using System.Text;
using InsureCrm.Cli;
using InsureCrm.Tests.Models;
using Microsoft.Extensions.Configuration;

namespace InsureCrm.Tests.Common;

/// <summary>The CSV files our CLI writes open safely in a spreadsheet and still read back in our own tools.</summary>
[Collection(nameof(ConsoleSwappingTests))]
public sealed class CsvWritersTests : IDisposable
{
    private static readonly IConfiguration NoDatabase = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Database:Provider"] = "Sqlite",
        ["ConnectionStrings:Crm"] = "Data Source=/nonexistent/folder/crm.db;Mode=ReadOnly",
    }).Build();

    private readonly string _dir = Directory.CreateTempSubdirectory("insurecrm-csvwriters-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ModelScore_IdsStartingWithAFormulaCharacter_GetAQuoteAndScoresStayPlainNumbers()
    {
        var random = new Random(9);
        var data = new StringBuilder("customer_id,age,bought\n");
        string[] starts = ["=", "+", "-", "@", "C"];
        for (var r = 0; r < 300; r++)
        {
            var age = random.Next(20, 80);
            var bought = random.NextDouble() < (age > 50 ? 0.7 : 0.2) ? "yes" : "no";
            data.Append(CultureInfo.InvariantCulture, $"{starts[r % 5]}X{r},{age},{bought}\n");
        }
        var dataPath = Path.Combine(_dir, "data.csv");
        await File.WriteAllTextAsync(dataPath, data.ToString());
        var model = Path.Combine(_dir, "model.json");
        var scores = Path.Combine(_dir, "scores.csv");

        (await CliApp.RunAsync(["model", "train", "--data", dataPath, "--target", "bought", "--id", "customer_id", "--algorithm", "bayes", "--out", model], NoDatabase)).ShouldBe(0);
        (await CliApp.RunAsync(["model", "score", "--model", model, "--data", dataPath, "--out", scores], NoDatabase)).ShouldBe(0);

        var rows = File.ReadAllLines(scores).Skip(1).Select(l => l.Split(',')).ToList();
        rows.Take(5).Select(r => r[0]).ShouldBe(["'=X0", "'+X1", "'-X2", "'@X3", "CX4"]);
        rows.ShouldAllBe(r => double.Parse(r[1], CultureInfo.InvariantCulture) >= 0 && double.Parse(r[1], CultureInfo.InvariantCulture) <= 1);
    }
}
