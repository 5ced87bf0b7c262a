using System.Globalization;
using InsureCrm.Analytics.Learning;

namespace InsureCrm.Core.Models;

/// <summary>
/// The model's AUC and the generator's true probability's AUC on the same held-out customers and realised labels;
/// <paramref name="TruthAsOf"/> is the truth file's date, which equals the model's cutoff.
/// </summary>
public sealed record TruthComparisonResult(string Name, int Version, DateOnly Cutoff, DateOnly TruthAsOf, int Customers, int Positives, double ModelAuc, double TruthAuc);

/// <summary>
/// Checks a model of the synthetic insurer against its hidden truth (<c>insurecrm generate --truth FILE
/// --truth-at CUTOFF</c>): both are scored on the held-out customers of the model's population at its
/// cutoff, against the labels realised in the window after it. The truth file must describe the cutoff
/// (its <c>as_of</c> column): a truth taken later has already seen the window (lapsed contracts no longer
/// add hazard, buyers have gained contacts and holdings) and is refused. The truth also knows the hidden
/// engagement, which no model can see, so it is the ceiling to compare with, not a rival.
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

    /// <exception cref="InvalidDataException">The file is no truth file, or it does not describe the model's cutoff.</exception>
    /// <exception cref="InvalidOperationException">The held-out customers have only one outcome, or the version needs a feature this version no longer computes.</exception>
    public async Task<TruthComparisonResult> CompareAsync(ModelVersion version, string truthFile, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(version);
        var (truthAsOf, truth) = await ReadTruthAsync(truthFile, TruthColumn(version.Name), ct);
        if (truthAsOf != version.Cutoff)
        {
            throw new InvalidDataException(truthAsOf is { } d
                ? string.Create(CultureInfo.InvariantCulture, $"{truthFile} gives the truth as of {d:yyyy-MM-dd}, but {version.Name} v{version.Version} has its cutoff on {version.Cutoff:yyyy-MM-dd}; a truth of another date is no fair comparison. Write one with `insurecrm generate ... --truth FILE --truth-at {version.Cutoff:yyyy-MM-dd}` (same seed and as-of date).")
                : string.Create(CultureInfo.InvariantCulture, $"{truthFile} does not say which date its truth describes (no as_of column: written before --truth-at existed, at the generator's as-of date); write one with `insurecrm generate ... --truth FILE --truth-at {version.Cutoff:yyyy-MM-dd}`."));
        }
        var model = InsurerModels.Find(version.Name)!;
        var classifier = ModelRegistry.Load(version);
        var set = await trainer.BuildTrainingSetAsync(model, version.Cutoff, ct);
        var heldOut = Enumerable.Range(0, set.CustomerIds.Length).Where(i => trainer.IsHeldOut(set.CustomerIds[i])).ToArray();
        var rows = heldOut.Where(i => truth.ContainsKey(set.CustomerIds[i])).ToArray();
        if (rows.Length < heldOut.Length)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{heldOut.Length - rows.Length:N0} of the {heldOut.Length:N0} held-out customers of {version.Name} v{version.Version} have no {TruthColumn(version.Name)} in {truthFile}; is it the truth of this database?"));
        }
        var labels = rows.Select(i => set.Labels[i]).ToArray();
        // A version trained before features were added reads its own columns (see FeatureMap).
        var map = FeatureMap.Of(classifier.Features, set.Data.Features, $"{version.Name} v{version.Version}");
        var modelScores = classifier.PredictAll(map.Select(set.Data.Take(rows), classifier.Features));
        var truthScores = rows.Select(i => truth[set.CustomerIds[i]]).ToArray();
        var positives = labels.Count(l => l);
        if (positives == 0 || positives == labels.Length)
        {
            throw new InvalidOperationException($"The held-out customers of {version.Name} v{version.Version} have only one outcome; no AUC to compare.");
        }
        return new TruthComparisonResult(version.Name, version.Version, version.Cutoff, truthAsOf.Value, rows.Length, positives,
            Metrics.RocAuc(modelScores, labels), Metrics.RocAuc(truthScores, labels));
    }

    /// <summary>The truth's date (null in a file without an as_of column) and the probability column by customer id.</summary>
    private static async Task<(DateOnly? AsOf, Dictionary<long, double> Truth)> ReadTruthAsync(string path, string column, CancellationToken ct)
    {
        using var reader = new StreamReader(path);
        var header = (await reader.ReadLineAsync(ct))?.Split(',') ?? throw new InvalidDataException($"{path} is empty.");
        var id = Array.IndexOf(header, "customer_id");
        var p = Array.IndexOf(header, column);
        var asOfColumn = Array.IndexOf(header, "as_of");
        if (id < 0 || p < 0)
        {
            throw new InvalidDataException($"{path} has no customer_id or {column} column; is it a truth file of `insurecrm generate --truth`?");
        }
        var result = new Dictionary<long, double>();
        DateOnly? asOf = null;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            var fields = line.Split(',');
            if (asOfColumn >= 0 && fields.Length > asOfColumn)
            {
                if (!DateOnly.TryParseExact(fields[asOfColumn], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    throw new InvalidDataException($"{path}: as_of '{fields[asOfColumn]}' is not a date like 2025-03-31.");
                }
                if (asOf is { } seen && seen != date)
                {
                    throw new InvalidDataException($"{path} mixes truth dates ({seen:yyyy-MM-dd} and {date:yyyy-MM-dd}).");
                }
                asOf = date;
            }
            if (fields.Length > Math.Max(id, p) && fields[p].Length > 0)
            {
                result[long.Parse(fields[id], CultureInfo.InvariantCulture)] = double.Parse(fields[p], CultureInfo.InvariantCulture);
            }
        }
        return (asOf, result);
    }
}
