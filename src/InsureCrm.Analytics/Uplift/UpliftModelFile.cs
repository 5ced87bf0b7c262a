using System.Text.Json;
using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Uplift;

/// <summary>How an uplift model was trained by the model workbench (<c>model train --treatment</c>).</summary>
public sealed record UpliftWorkbenchInfo
{
    /// <summary>The CSV schema: target with its positive and negative values, id column; the features are the model's.</summary>
    public required CsvSchema Schema { get; init; }

    /// <summary>The treatment column's name (1/0, true/false, yes/no).</summary>
    public required string Treatment { get; init; }

    /// <summary>File name (without folders) of the training data.</summary>
    public required string Source { get; init; }

    /// <summary>The approach asked for (<c>auto</c> or a name of <see cref="UpliftLearners.Names"/>).</summary>
    public required string RequestedAlgorithm { get; init; }

    /// <summary>The classifier under two-model and class-transform (a name of <see cref="Learners.Names"/>).</summary>
    public required string Classifier { get; init; }

    /// <summary>Seed of the held-out split and of the learners.</summary>
    public required int Seed { get; init; }

    /// <summary>Share of rows held out to measure the model (0 when none).</summary>
    public required double Validation { get; init; }

    /// <summary>True when the saved model was refitted on every row after measuring.</summary>
    public required bool Refit { get; init; }

    /// <summary>Rows the saved model was fitted on.</summary>
    public required int FittedRows { get; init; }

    /// <summary>Qini coefficient on the held-out rows of the model fitted without them; null when nothing was held out.</summary>
    public double? HeldOutQini { get; init; }

    /// <summary>Held-out Qini coefficient of each approach tried by <c>auto</c>, in the order tried; empty otherwise.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Candidates { get; init; } = [];
}

/// <summary>
/// An uplift model trained by the workbench and its <see cref="UpliftWorkbenchInfo"/>. The file has the layout of a
/// <see cref="ModelFile"/> (format, algorithm, features, model) plus <c>"kind": "uplift"</c> and an <c>"uplift"</c>
/// section naming the treatment column; <see cref="IsUplift(Stream)"/> tells it from a classifier's file.
/// </summary>
/// <param name="Model">The uplift model.</param>
/// <param name="Info">How it was trained.</param>
public sealed record UpliftWorkbenchModel(IUpliftModel Model, UpliftWorkbenchInfo Info)
{
    /// <summary>The value of the root's <c>kind</c> property in an uplift model file.</summary>
    public const string Kind = "uplift";

    /// <summary>Version of the <c>uplift</c> section this library writes and reads.</summary>
    public const int Version = 1;

    /// <summary>Whether a parsed model file holds an uplift model.</summary>
    public static bool IsUplift(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() == Kind;

    /// <summary>Whether the model file in <paramref name="stream"/> holds an uplift model (the stream is read to its end).</summary>
    /// <exception cref="InvalidDataException">Not JSON.</exception>
    public static bool IsUplift(Stream stream)
    {
        using var doc = ModelFile.Parse(stream);
        return IsUplift(doc.RootElement);
    }

    /// <summary>Writes the model file.</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
        writer.WriteStartObject();
        writer.WriteString("kind", Kind);
        ModelFile.WriteHeader(writer, Model.Algorithm, Model.Features);
        writer.WritePropertyName("model");
        WriteModel(writer, Model);
        WriteInfo(writer, Info);
        writer.WriteEndObject();
    }

    /// <summary>Reads a file written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">Not an uplift model file, or a damaged one.</exception>
    public static UpliftWorkbenchModel Load(Stream stream)
    {
        using var doc = ModelFile.Parse(stream);
        var root = doc.RootElement;
        if (!IsUplift(root))
        {
            throw new InvalidDataException("Not an uplift model file: it has no \"kind\": \"uplift\".");
        }
        return ReadOrDamaged("uplift model file", () =>
        {
            var (model, features) = ReadModelRoot(root);
            return new UpliftWorkbenchModel(model, ReadInfo(root.GetProperty("uplift"), features));
        });
    }

    /// <summary>The format check, the features and the model of a root written with <see cref="ModelFile.WriteHeader"/> and <c>"model"</c>.</summary>
    internal static (IUpliftModel Model, IReadOnlyList<Feature> Features) ReadModelRoot(JsonElement root)
    {
        ModelFile.CheckFormat(root.GetProperty("format"));
        var features = ModelFile.ReadFeatures(root.GetProperty("features"));
        return (ReadModel(root.GetProperty("algorithm").GetString() ?? "", root.GetProperty("model"), features), features);
    }

    /// <summary>Runs <paramref name="read"/>; a missing or malformed part becomes "The WHAT is damaged: …".</summary>
    internal static T ReadOrDamaged<T>(string what, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"The {what} is damaged: {ex.Message}", ex);
        }
    }

    internal static void WriteModel(Utf8JsonWriter writer, IUpliftModel model)
    {
        writer.WriteStartObject();
        if (model is ReachGatedUpliftModel gated)
        {
            // The gate is the inner model's object with the reach feature's name beside its parts.
            writer.WriteString("reach", gated.Features[gated.Reach].Name);
            writer.WriteNumber("reachableShare", gated.ReachableShare);
            model = gated.Inner;
        }
        switch (model)
        {
            case TwoModelUpliftModel two:
                writer.WritePropertyName("treated");
                ModelFile.WriteNested(writer, two.Treated);
                writer.WritePropertyName("control");
                ModelFile.WriteNested(writer, two.Control);
                break;
            case ClassTransformationModel transformed:
                writer.WritePropertyName("transformed");
                ModelFile.WriteNested(writer, transformed.Transformed);
                break;
            case UpliftTreeModel tree:
                WriteNodes(writer, tree);
                break;
            case UpliftForestModel forest:
                writer.WriteStartArray("trees");
                foreach (var tree in forest.Trees)
                {
                    writer.WriteStartObject();
                    WriteNodes(writer, tree);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                break;
            default:
                throw new ArgumentException($"The model file cannot hold an uplift model of algorithm '{model.Algorithm}'.", nameof(model));
        }
        writer.WriteEndObject();
    }

    /// <summary>Nodes as arrays [feature, threshold, left, right, uplift]; a leaf (feature −1) has threshold 0 (NaN in memory).</summary>
    private static void WriteNodes(Utf8JsonWriter writer, UpliftTreeModel tree)
    {
        writer.WriteStartArray("nodes");
        foreach (var node in tree.Nodes)
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(node.Feature);
            writer.WriteNumberValue(node.Feature < 0 ? 0 : node.Threshold);
            writer.WriteNumberValue(node.Left);
            writer.WriteNumberValue(node.Right);
            writer.WriteNumberValue(node.Uplift);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
    }

    private static UpliftTreeModel ReadNodes(JsonElement element, IReadOnlyList<Feature> features) =>
        new(features, [.. element.GetProperty("nodes").EnumerateArray().Select(n =>
        {
            var feature = n[0].GetInt32();
            return new UpliftTreeNode(feature, feature < 0 ? double.NaN : n[1].GetDouble(), n[2].GetInt32(), n[3].GetInt32(), n[4].GetDouble());
        })]);

    internal static IUpliftModel ReadModel(string algorithm, JsonElement model, IReadOnlyList<Feature> features)
    {
        var inner = ReadInner(algorithm, model, features);
        if (!model.TryGetProperty("reach", out var reach))
        {
            return inner;
        }
        try
        {
            return new ReachGatedUpliftModel(inner, ReachGatedUpliftModel.IndexOf(features, reach.GetString() ?? ""), model.GetProperty("reachableShare").GetDouble());
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException(ex.Message, ex);
        }
    }

    private static IUpliftModel ReadInner(string algorithm, JsonElement model, IReadOnlyList<Feature> features) => algorithm switch
    {
        TwoModelUplift.Name => new TwoModelUpliftModel(ModelFile.ReadNested(model.GetProperty("treated"), features),
            ModelFile.ReadNested(model.GetProperty("control"), features)),
        ClassTransformation.Name => new ClassTransformationModel(ModelFile.ReadNested(model.GetProperty("transformed"), features)),
        UpliftTree.Name => ReadNodes(model, features),
        UpliftForest.Name => new UpliftForestModel(features, [.. model.GetProperty("trees").EnumerateArray().Select(t => ReadNodes(t, features))]),
        _ => throw new InvalidDataException($"Unknown uplift algorithm '{algorithm}' in model file."),
    };

    private static void WriteInfo(Utf8JsonWriter writer, UpliftWorkbenchInfo info)
    {
        writer.WriteStartObject("uplift");
        writer.WriteNumber("version", Version);
        writer.WriteString("treatment", info.Treatment);
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
        writer.WriteString("requested", info.RequestedAlgorithm);
        writer.WriteString("classifier", info.Classifier);
        writer.WriteNumber("seed", info.Seed);
        writer.WriteNumber("validation", info.Validation);
        writer.WriteBoolean("refit", info.Refit);
        writer.WriteNumber("fittedRows", info.FittedRows);
        if (info.HeldOutQini is { } qini && double.IsFinite(qini))
        {
            writer.WriteNumber("heldOutQini", qini);
        }
        else
        {
            writer.WriteNull("heldOutQini");
        }
        JsonArrays.WriteObjects(writer, "candidates", info.Candidates, static (w, c) =>
        {
            w.WriteString("algorithm", c.Key);
            if (double.IsFinite(c.Value))
            {
                w.WriteNumber("qini", c.Value);
            }
            else
            {
                w.WriteNull("qini");
            }
        });
        writer.WriteEndObject();
    }

    private static UpliftWorkbenchInfo ReadInfo(JsonElement u, IReadOnlyList<Feature> features)
    {
        var version = u.GetProperty("version").GetInt32();
        if (version > Version)
        {
            throw new InvalidDataException($"The uplift section has version {version}; this version reads up to {Version}.");
        }
        var id = u.GetProperty("id");
        return new UpliftWorkbenchInfo
        {
            Schema = new CsvSchema(features, Text(u, "target"), Text(u, "positive"), Text(u, "negative"), id.ValueKind == JsonValueKind.Null ? null : id.GetString()),
            Treatment = Text(u, "treatment"),
            Source = Text(u, "source"),
            RequestedAlgorithm = Text(u, "requested"),
            Classifier = Text(u, "classifier"),
            Seed = u.GetProperty("seed").GetInt32(),
            Validation = u.GetProperty("validation").GetDouble(),
            Refit = u.GetProperty("refit").GetBoolean(),
            FittedRows = u.GetProperty("fittedRows").GetInt32(),
            HeldOutQini = u.GetProperty("heldOutQini") is { ValueKind: JsonValueKind.Number } q ? q.GetDouble() : null,
            Candidates = [.. u.GetProperty("candidates").EnumerateArray().Select(c => new KeyValuePair<string, double>(Text(c, "algorithm"),
                c.GetProperty("qini") is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : double.NaN))],
        };
    }

    private static string Text(JsonElement element, string name) => element.GetProperty(name).GetString() ?? "";
}

/// <summary>
/// An uplift model alone as JSON, for a database column: <c>"kind": "uplift"</c>, the <see cref="ModelFile"/> header
/// (format, algorithm, features) and the model, without the workbench's training record.
/// </summary>
public static class UpliftModelJson
{
    /// <summary>The model as JSON text.</summary>
    public static string Write(IUpliftModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", UpliftWorkbenchModel.Kind);
            ModelFile.WriteHeader(writer, model.Algorithm, model.Features);
            writer.WritePropertyName("model");
            UpliftWorkbenchModel.WriteModel(writer, model);
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Reads what <see cref="Write"/> wrote.</summary>
    /// <exception cref="InvalidDataException">Not an uplift model, or a damaged one.</exception>
    public static IUpliftModel Read(string json)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        using var doc = ModelFile.Parse(stream);
        var root = doc.RootElement;
        if (!UpliftWorkbenchModel.IsUplift(root))
        {
            throw new InvalidDataException("Not an uplift model: it has no \"kind\": \"uplift\".");
        }
        return UpliftWorkbenchModel.ReadOrDamaged("uplift model", () => UpliftWorkbenchModel.ReadModelRoot(root).Model);
    }
}

/// <summary>The held-out split of <c>model train --treatment</c>.</summary>
public static class UpliftSplit
{
    /// <summary>
    /// Splits rows into a training part and a held-out part, stratified by arm and outcome: within each of the four
    /// groups (treated/control × positive/negative), the rows are shuffled with <c>new Random(seed)</c> (one generator,
    /// groups in that order) and round(<paramref name="validation"/> × group size) of them are held out. Both parts are
    /// returned in row order. The same rows, flags and seed always give the same split.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ or the share is not in [0, 1).</exception>
    public static (int[] Training, int[] HeldOut) Split(ReadOnlySpan<bool> treatment, ReadOnlySpan<bool> labels, double validation, int seed)
    {
        if (treatment.Length != labels.Length)
        {
            throw new ArgumentException("There must be one treatment flag per outcome label.", nameof(labels));
        }
        if (!(validation >= 0 && validation < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validation), validation, "The held-out share must be at least 0 and below 1.");
        }
        var random = new Random(seed);
        var heldOut = new bool[treatment.Length];
        foreach (var rows in Groups(treatment, labels))
        {
            random.Shuffle(rows);
            var take = (int)Math.Round(validation * rows.Length, MidpointRounding.AwayFromZero);
            for (var i = 0; i < take; i++)
            {
                heldOut[rows[i]] = true;
            }
        }
        var training = new List<int>();
        var held = new List<int>();
        for (var r = 0; r < heldOut.Length; r++)
        {
            (heldOut[r] ? held : training).Add(r);
        }
        return ([.. training], [.. held]);
    }

    /// <summary>
    /// Deals rows into <paramref name="folds"/> folds for cross-validation, stratified by arm and outcome: within each of
    /// the four groups (in <see cref="Split"/>'s order) the rows are shuffled with <c>new Random(seed)</c> and dealt out
    /// in turn, so every fold holds about the same share of each group. Returns each row's fold, 0 … folds − 1.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ or fewer than 2 folds.</exception>
    public static int[] Folds(ReadOnlySpan<bool> treatment, ReadOnlySpan<bool> labels, int folds, int seed)
    {
        if (treatment.Length != labels.Length)
        {
            throw new ArgumentException("There must be one treatment flag per outcome label.", nameof(labels));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var random = new Random(seed);
        var fold = new int[treatment.Length];
        var next = 0;
        foreach (var rows in Groups(treatment, labels))
        {
            random.Shuffle(rows);
            // Each group continues the turn where the last one stopped, so small groups do not all start at fold 0.
            foreach (var r in rows)
            {
                fold[r] = next;
                next = (next + 1) % folds;
            }
        }
        return fold;
    }

    /// <summary>The rows of each of the four groups treated/control × positive/negative, in that order, each in row order.</summary>
    private static List<int[]> Groups(ReadOnlySpan<bool> treatment, ReadOnlySpan<bool> labels)
    {
        var groups = new List<int[]>(4);
        foreach (var (t, y) in new[] { (true, true), (true, false), (false, true), (false, false) })
        {
            var group = new List<int>();
            for (var r = 0; r < treatment.Length; r++)
            {
                if (treatment[r] == t && labels[r] == y)
                {
                    group.Add(r);
                }
            }
            groups.Add([.. group]);
        }
        return groups;
    }

    /// <summary>The elements of <paramref name="values"/> at <paramref name="rows"/>.</summary>
    public static T[] Pick<T>(IReadOnlyList<T> values, ReadOnlySpan<int> rows)
    {
        ArgumentNullException.ThrowIfNull(values);
        var picked = new T[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            picked[i] = values[rows[i]];
        }
        return picked;
    }
}
