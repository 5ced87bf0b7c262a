using System.Globalization;
using InsureCrm.Core.Synthetic;
using InsureCrm.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Tests.Synthetic;

/// <summary>
/// A test's generated insurer with the services wired as <c>AddCrmCore</c> wires them over the test's own database, and
/// the truth files the generator wrote next to <see cref="TruthFile"/>.
/// </summary>
internal sealed class PlantedBook : IAsyncDisposable
{
    public static readonly DateOnly AsOf = new(2026, 6, 30);

    private PlantedBook(TestDatabase db, ServiceProvider services, string truthFile)
    {
        Db = db;
        Services = services;
        TruthFile = truthFile;
    }

    public TestDatabase Db { get; }
    public ServiceProvider Services { get; }
    public string TruthFile { get; }
    public GenerationSummary Summary { get; private set; } = null!;

    // clock: the services' clock (the system's when null); a test that acts after the book, such as a roll-out, dates it
    // from the book's AsOf rather than from the machine's day.
    public static async Task<PlantedBook> CreateAsync(TestDatabase db, int customers, bool campaigns = true, double effectScale = 1.0,
        Func<IServiceProvider, Task>? before = null, TimeProvider? clock = null)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(db.Settings).Build();
        var collection = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(config).AddCrmCore(config);
        if (clock is not null)
        {
            collection.AddSingleton(clock);
        }
        var services = collection.BuildServiceProvider();
        var truth = Path.Combine(Path.GetTempPath(), "insurecrm-tests", Guid.NewGuid().ToString("N"), "truth.csv");
        var book = new PlantedBook(db, services, truth);
        if (before is not null)
        {
            await using var scope = services.CreateAsyncScope();
            await before(scope.ServiceProvider);
        }
        book.Summary = await services.GetRequiredService<SyntheticInsurer>().GenerateAsync(
            new GenerationOptions(customers, 7, truth, AsOf, ChunkSize: 2000, Campaigns: campaigns, CampaignEffectScale: effectScale), null, CancellationToken.None);
        return book;
    }

    /// <summary>Rows of a CSV truth file as column → value.</summary>
    public static List<Dictionary<string, string>> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return [.. lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second))];
    }

    public List<Dictionary<string, string>> Members => Read(GenerationOptions.CampaignTruthFile(TruthFile));

    public List<Dictionary<string, string>> Effects => Read(GenerationOptions.CampaignEffectTruthFile(TruthFile));

    public static double D(Dictionary<string, string> row, string column) => double.Parse(row[column], CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        var dir = Path.GetDirectoryName(TruthFile)!;
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
