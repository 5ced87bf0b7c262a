using System.Globalization;
using InsureCrm.Analytics.Learning;

namespace InsureCrm.Core.Models;

/// <summary>The model's AUC and the generator's true probability's AUC on the same held-out customers and realised labels.</summary>
public sealed record TruthComparisonResult(string Name, int Version, DateOnly Cutoff, int Customers, int Positives, double ModelAuc, double TruthAuc);

/// <summary>
/// Checks a model of the synthetic insurer against its hidden truth (<c>insurecrm generate --truth</c>):
/// both are scored on the held-out customers of the model's population at its cutoff, against the labels
/// realised in the window. The truth's probabilities are those at the generator's as-of date, so the
/// comparison is fair when the cutoff's window ends at that date (cutoff = as-of − 3 months) and only
/// approximate otherwise; the truth also knows the hidden engagement, which no model can see.
/// </summary>
public sealed class TruthComparison(InsurerModelTrainer trainer)
{
    /// <summary>The truth file's column for each model.</summary>
    public static string TruthColumn(string name) => name switch
    {
        "lapse" => "p_lapse_3m",
        "purchase" => "p_purchase_3m",
        "loan" => "p_loan_3m",
        _ => throw new ArgumentException($"The truth file has no probability for model '{name}'.", nameof(name)),
    };

    public async Task<TruthComparisonResult> CompareAsync(ModelVersion version, string truthFile, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(version);
        var truth = await ReadTruthAsync(truthFile, TruthColumn(version.Name), ct);
        var model = InsurerModels.Find(version.Name)!;
        var classifier = ModelRegistry.Load(version);
        var set = await trainer.BuildTrainingSetAsync(model, version.Cutoff, ct);
        var rows = Enumerable.Range(0, set.CustomerIds.Length)
            .Where(i => trainer.IsHeldOut(set.CustomerIds[i]) && truth.ContainsKey(set.CustomerIds[i])).ToArray();
        var labels = rows.Select(i => set.Labels[i]).ToArray();
        var modelScores = classifier.PredictAll(set.Data.Take(rows));
        var truthScores = rows.Select(i => truth[set.CustomerIds[i]]).ToArray();
        var positives = labels.Count(l => l);
        if (positives == 0 || positives == labels.Length)
        {
            throw new InvalidOperationException($"The held-out customers of {version.Name} v{version.Version} in the truth file have only one outcome; no AUC to compare.");
        }
        return new TruthComparisonResult(version.Name, version.Version, version.Cutoff, rows.Length, positives,
            Metrics.RocAuc(modelScores, labels), Metrics.RocAuc(truthScores, labels));
    }

    private static async Task<Dictionary<long, double>> ReadTruthAsync(string path, string column, CancellationToken ct)
    {
        using var reader = new StreamReader(path);
        var header = (await reader.ReadLineAsync(ct))?.Split(',') ?? throw new InvalidDataException($"{path} is empty.");
        var id = Array.IndexOf(header, "customer_id");
        var p = Array.IndexOf(header, column);
        if (id < 0 || p < 0)
        {
            throw new InvalidDataException($"{path} has no customer_id or {column} column; is it a truth file of `insurecrm generate --truth`?");
        }
        var result = new Dictionary<long, double>();
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            var fields = line.Split(',');
            if (fields.Length > Math.Max(id, p) && fields[p].Length > 0)
            {
                result[long.Parse(fields[id], CultureInfo.InvariantCulture)] = double.Parse(fields[p], CultureInfo.InvariantCulture);
            }
        }
        return result;
    }
}
