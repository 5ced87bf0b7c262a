using System.Globalization;
using System.Text.Json;

namespace InsureCrm.Analytics.Learning;

/// <summary>One line of the automatic selection's leaderboard, as kept in the model file.</summary>
/// <param name="Algorithm">Algorithm name.</param>
/// <param name="Settings">Settings tried.</param>
/// <param name="Measure">The measure ranked by (<see cref="SelectionMeasure.Name"/>: auc, logloss, hits@N).</param>
/// <param name="Mean">Mean cross-validated value of the measure.</param>
/// <param name="StandardDeviation">Standard deviation of its fold values.</param>
/// <param name="MeanAuc">Mean cross-validated AUC (the same as <paramref name="Mean"/> when ranked by AUC).</param>
/// <param name="Work">Estimated work of the candidate's cross-validation, in work units (0 in files written before it was kept).</param>
public sealed record LeaderboardEntry(string Algorithm, string Settings, string Measure, double Mean, double StandardDeviation, double MeanAuc, double Work);

/// <summary>How a workbench model was trained: enough to re-read new files the same way and to say what the model is worth.</summary>
public sealed record WorkbenchInfo
{
    /// <summary>The CSV schema: target with its positive and negative values, id column; the features are the model's.</summary>
    public required CsvSchema Schema { get; init; }

    /// <summary>How each column of the training file was read (use, kind, whether an override chose it).</summary>
    public required IReadOnlyList<CsvColumnSummary> Columns { get; init; }

    /// <summary>File name (without folders) of the training data.</summary>
    public required string Source { get; init; }

    /// <summary>The algorithm asked for (<c>auto</c> or a name of <see cref="Learners.Names"/>).</summary>
    public required string RequestedAlgorithm { get; init; }

    /// <summary>Settings of the trained algorithm, as the leaderboard writes them (<c>default</c> when not searched).</summary>
    public required string Settings { get; init; }

    /// <summary>Seed of the splits and of the learner.</summary>
    public required int Seed { get; init; }

    /// <summary>Share of rows held out to measure the model (0 when none).</summary>
    public required double Validation { get; init; }

    /// <summary>True when the saved model was refitted on every row after measuring; false when it is the model measured.</summary>
    public required bool Refit { get; init; }

    /// <summary>When training finished.</summary>
    public required DateTimeOffset TrainedAt { get; init; }

    /// <summary>Rows the saved model was fitted on.</summary>
    public required int FittedRows { get; init; }

    /// <summary>Metrics on the held-out rows of the model fitted without them; null when nothing was held out.</summary>
    public Evaluation? Metrics { get; init; }

    /// <summary>The automatic selection's leaderboard, best first; empty when no search ran.</summary>
    public IReadOnlyList<LeaderboardEntry> Leaderboard { get; init; } = [];

    /// <summary>The measure the leaderboard was ranked by (auc, logloss, hits@N).</summary>
    public string SelectBy { get; init; } = SelectionMeasure.Auc.Name;

    /// <summary>The automatic selection's work budget, in work units; 0 when no search ran (or in files written before it was kept).</summary>
    public double Budget { get; init; }
}

/// <summary>
/// A model trained by the model workbench: the classifier and <see cref="WorkbenchInfo"/>. The file is a
/// <see cref="ModelFile"/> with one more root property, <c>"workbench"</c>, so <see cref="ModelFile.Load"/> reads it
/// as any model file.
/// </summary>
/// <param name="Model">The classifier.</param>
/// <param name="Info">How it was trained.</param>
public sealed record WorkbenchModel(IClassifier Model, WorkbenchInfo Info)
{
    /// <summary>Version of the <c>workbench</c> object this library writes and reads.</summary>
    public const int Version = 1;

    /// <summary>Writes the model file.</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ModelFile.Save(Model, stream, Write);
    }

    /// <summary>Reads a file written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">Not a model file, or a model file without a workbench object (not trained by the workbench).</exception>
    public static WorkbenchModel Load(Stream stream)
    {
        using var doc = ModelFile.Parse(stream);
        var root = doc.RootElement;
        var model = ModelFile.Read(root);
        if (!root.TryGetProperty("workbench", out var w) || w.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException("The model file has no workbench section: it was not trained from a CSV file by `insurecrm model train`.");
        }
        try
        {
            return new WorkbenchModel(model, Read(w, model.Features));
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"The workbench section of the model file is damaged: {ex.Message}", ex);
        }
    }

    private void Write(Utf8JsonWriter writer)
    {
        var info = Info;
        writer.WriteStartObject("workbench");
        writer.WriteNumber("version", Version);
        writer.WriteString("source", info.Source);
        writer.WriteString("target", info.Schema.Target);
        writer.WriteString("positive", info.Schema.Positive);
        writer.WriteString("negative", info.Schema.Negative);
        if (info.Schema.Id is { } id)
        {
            writer.WriteString("id", id);
        }
        else
        {
            writer.WriteNull("id");
        }
        JsonArrays.WriteObjects(writer, "columns", info.Columns, static (w, c) =>
        {
            w.WriteString("name", c.Name);
            w.WriteString("use", c.Use.ToString().ToLowerInvariant());
            if (c.Kind is { } kind)
            {
                w.WriteString("kind", kind == FeatureKind.Numeric ? "numeric" : "categorical");
            }
            w.WriteBoolean("forced", c.Forced);
            w.WriteNumber("levels", c.Levels);
            w.WriteNumber("missing", c.Missing);
        });
        writer.WriteString("algorithm", info.RequestedAlgorithm);
        writer.WriteString("trained", Model.Algorithm);
        writer.WriteString("settings", info.Settings);
        writer.WriteNumber("seed", info.Seed);
        writer.WriteNumber("validation", info.Validation);
        writer.WriteBoolean("refit", info.Refit);
        writer.WriteString("trainedAt", info.TrainedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        writer.WriteNumber("fittedRows", info.FittedRows);
        if (info.Metrics is { } m)
        {
            writer.WriteStartObject("metrics");
            writer.WriteNumber("rows", m.Rows);
            writer.WriteNumber("positives", m.Positives);
            writer.WriteNumber("auc", m.Auc);
            writer.WriteNumber("logLoss", m.LogLoss);
            writer.WriteNumber("top10Rows", m.Top10Rows);
            writer.WriteNumber("hitsTop10", m.HitsTop10);
            writer.WriteNumber("top20Rows", m.Top20Rows);
            writer.WriteNumber("hitsTop20", m.HitsTop20);
            JsonArrays.WriteObjects(writer, "lift", m.Lift, static (w, row) =>
            {
                w.WriteNumber("group", row.Group);
                w.WriteNumber("rows", row.Rows);
                w.WriteNumber("positives", row.Positives);
                w.WriteNumber("responseRate", row.ResponseRate);
                w.WriteNumber("lift", row.Lift);
                w.WriteNumber("gain", row.Gain);
                w.WriteNumber("cumulativeLift", row.CumulativeLift);
            });
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("metrics");
        }
        writer.WriteString("selectBy", info.SelectBy);
        writer.WriteNumber("budget", info.Budget);
        JsonArrays.WriteObjects(writer, "leaderboard", info.Leaderboard, static (w, e) =>
        {
            w.WriteString("algorithm", e.Algorithm);
            w.WriteString("settings", e.Settings);
            w.WriteString("measure", e.Measure);
            w.WriteNumber("mean", e.Mean);
            w.WriteNumber("sd", e.StandardDeviation);
            w.WriteNumber("meanAuc", e.MeanAuc);
            w.WriteNumber("work", e.Work);
        });
        writer.WriteEndObject();
    }

    private static WorkbenchInfo Read(JsonElement w, IReadOnlyList<Feature> features)
    {
        var version = w.GetProperty("version").GetInt32();
        if (version > Version)
        {
            throw new InvalidDataException($"The workbench section has version {version}; this version reads up to {Version}.");
        }
        var id = w.GetProperty("id");
        var schema = new CsvSchema(features, Text(w, "target"), Text(w, "positive"), Text(w, "negative"), id.ValueKind == JsonValueKind.Null ? null : id.GetString());
        var columns = w.GetProperty("columns").EnumerateArray().Select(c => new CsvColumnSummary(
            Text(c, "name"),
            Enum.Parse<CsvColumnUse>(Text(c, "use"), ignoreCase: true),
            c.TryGetProperty("kind", out var kind) ? (kind.GetString() == "categorical" ? FeatureKind.Categorical : FeatureKind.Numeric) : null,
            c.GetProperty("forced").GetBoolean(),
            c.GetProperty("levels").GetInt32(),
            c.GetProperty("missing").GetInt64(),
            0)).ToList();
        Evaluation? metrics = null;
        if (w.GetProperty("metrics") is { ValueKind: JsonValueKind.Object } m)
        {
            var lift = m.GetProperty("lift").EnumerateArray().Select(r => new LiftRow(r.GetProperty("group").GetInt32(), r.GetProperty("rows").GetInt32(),
                r.GetProperty("positives").GetInt32(), r.GetProperty("responseRate").GetDouble(), r.GetProperty("lift").GetDouble(),
                r.GetProperty("gain").GetDouble(), r.GetProperty("cumulativeLift").GetDouble())).ToList();
            metrics = new Evaluation(m.GetProperty("rows").GetInt32(), m.GetProperty("positives").GetInt32(), m.GetProperty("auc").GetDouble(),
                m.GetProperty("logLoss").GetDouble(), m.GetProperty("top10Rows").GetInt32(), m.GetProperty("hitsTop10").GetInt32(),
                m.GetProperty("top20Rows").GetInt32(), m.GetProperty("hitsTop20").GetInt32(), lift);
        }
        return new WorkbenchInfo
        {
            Schema = schema,
            Columns = columns,
            Source = Text(w, "source"),
            RequestedAlgorithm = Text(w, "algorithm"),
            Settings = Text(w, "settings"),
            Seed = w.GetProperty("seed").GetInt32(),
            Validation = w.GetProperty("validation").GetDouble(),
            Refit = w.GetProperty("refit").GetBoolean(),
            TrainedAt = DateTimeOffset.Parse(Text(w, "trainedAt"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
            FittedRows = w.GetProperty("fittedRows").GetInt32(),
            Metrics = metrics,
            // Files written before selection by another measure and the work budget ranked by AUC and kept no work.
            Leaderboard = [.. w.GetProperty("leaderboard").EnumerateArray().Select(e => new LeaderboardEntry(
                Text(e, "algorithm"), Text(e, "settings"),
                e.TryGetProperty("measure", out var measure) ? measure.GetString() ?? "auc" : "auc",
                (e.TryGetProperty("mean", out var mean) ? mean : e.GetProperty("meanAuc")).GetDouble(),
                e.GetProperty("sd").GetDouble(),
                e.GetProperty("meanAuc").GetDouble(),
                e.TryGetProperty("work", out var work) ? work.GetDouble() : 0))],
            SelectBy = w.TryGetProperty("selectBy", out var selectBy) ? selectBy.GetString() ?? "auc" : "auc",
            Budget = w.TryGetProperty("budget", out var budget) ? budget.GetDouble() : 0,
        };
    }

    private static string Text(JsonElement element, string name) => element.GetProperty(name).GetString() ?? "";
}
