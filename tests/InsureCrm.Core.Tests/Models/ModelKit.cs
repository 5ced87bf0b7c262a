using InsureCrm.Core.Common;
using InsureCrm.Core.Models;
using InsureCrm.Core.Security;
using InsureCrm.Core.Synthetic;
using InsureCrm.Tests;
using Microsoft.Extensions.Logging.Abstractions;

namespace InsureCrm.Core.Tests.Models;

/// <summary>A test's own database with the models' services over it.</summary>
internal sealed class ModelKit : IAsyncDisposable
{
    public static readonly DateOnly AsOf = new(2025, 6, 30);
    public static readonly DateOnly Cutoff = new(2025, 3, 31);

    private ModelKit(TestDatabase db, InsurerModelOptions options)
    {
        Db = db;
        Options = options;
        Log = InsureCrm.Tests.Security.CoreServices.Log(db);
        Registry = new ModelRegistry(db.Database, Log, TimeProvider.System);
        Trainer = new InsurerModelTrainer(db.Database, options, Registry, TimeProvider.System, NullLogger<InsurerModelTrainer>.Instance);
        Scorer = new InsurerModelScorer(db.Database, options, Registry, TimeProvider.System, NullLogger<InsurerModelScorer>.Instance);
    }

    public TestDatabase Db { get; }
    public InsurerModelOptions Options { get; }
    public AccessLog Log { get; }
    public ModelRegistry Registry { get; }
    public InsurerModelTrainer Trainer { get; }
    public InsurerModelScorer Scorer { get; }

    public static async Task<ModelKit> CreateAsync(DatabaseProvider provider, InsurerModelOptions? options = null) =>
        new(await TestDatabase.CreateAsync(provider), options ?? new InsurerModelOptions { ChunkSize = 700, Parallelism = 2 });

    /// <summary>A generated insurer as of <see cref="AsOf"/>; the truth file, as of <see cref="Cutoff"/>, goes to <paramref name="truthFile"/> when given.</summary>
    public async Task GenerateAsync(int customers, int seed, string? truthFile = null)
    {
        // The database's own keys (its key file): a CLI verb run on it afterwards stops when its data reads under other keys.
        var insurer = new SyntheticInsurer(Db.Database, new FieldProtector(new ProtectionOptions { KeyFile = Db.KeyFile }), TimeProvider.System,
            NullLogger<SyntheticInsurer>.Instance);
        await insurer.GenerateAsync(new GenerationOptions(customers, seed, truthFile, AsOf, ChunkSize: 1000, TruthAt: Cutoff), null, CancellationToken.None);
    }

    public static CrmUser User(string name, Role role = Role.Admin) => new(1, name, role, null, null, null, "test");

    public ValueTask DisposeAsync() => Db.DisposeAsync();
}
