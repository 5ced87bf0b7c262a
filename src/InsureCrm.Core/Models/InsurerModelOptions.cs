
namespace InsureCrm.Core.Models;

/// <summary>Insurer models (section <c>Models</c>): chunking, sampling and the held-out share.</summary>
public sealed class InsurerModelOptions
{
    public const string Section = "Models";

    /// <summary>Customers per chunk of feature computation and scoring.</summary>
    public int ChunkSize { get; set; } = 5000;

    /// <summary>Most customers read into a training set; a larger book is sampled by a hash of the customer id.</summary>
    public int MaxTrainingRows { get; set; } = 400_000;

    /// <summary>Share of customers held out (by a hash of the id) to measure AUC, log loss and lift.</summary>
    public double TestShare { get; set; } = 0.25;

    /// <summary>
    /// Chunks computed side by side (feature queries, scoring and, on PostgreSQL, writing). One more than the cores: each
    /// chunk waits on the database part of the time, and on 2 cores at 1M customers three chunks scored the ten
    /// champions in 51-55 s against 53-63 s for two (bench/findings/2026-12-03-issue11-round2.md).
    /// </summary>
    public int Parallelism { get; set; } = Math.Clamp(Environment.ProcessorCount + 1, 2, 5);

    internal IEnumerable<string> Validate()
    {
        if (ChunkSize < 1)
        {
            yield return "Models:ChunkSize must be at least 1.";
        }
        if (MaxTrainingRows < 100)
        {
            yield return "Models:MaxTrainingRows must be at least 100.";
        }
        if (TestShare is <= 0 or >= 1)
        {
            yield return "Models:TestShare must be between 0 and 1.";
        }
        if (Parallelism < 1)
        {
            yield return "Models:Parallelism must be at least 1.";
        }
    }
}
