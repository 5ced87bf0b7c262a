using System.Text.Json;

namespace InsureCrm.Analytics.Learning;

/// <summary>
/// Saves and loads trained classifiers as one JSON document:
/// <c>{ "format": 1, "algorithm": "gbdt", "features": [ { "name", "kind", "categories" } ], "model": { … } }</c>.
/// Loading gives a model that scores exactly as the saved one (doubles are written round-trip).
/// </summary>
public static class ModelFile
{
    /// <summary>Version of the file layout this library writes and reads.</summary>
    public const int Format = 1;

    // One reader per algorithm: (model object, features) → classifier. Each algorithm adds its line.
    private static readonly Dictionary<string, Func<JsonElement, IReadOnlyList<Feature>, IClassifier>> Readers = new(StringComparer.Ordinal)
    {
        [LogisticRegression.Name] = LogisticRegressionModel.Read,
        [NaiveBayes.Name] = NaiveBayesModel.Read,
        [Ensembles.Name] = Ensembles.Read,
        [DecisionTreeModel.Name] = DecisionTreeModel.Read,
        [GradientBoostingModel.Name] = GradientBoostingModel.Read,
        [RandomForestModel.Name] = RandomForestModel.Read,
    };

    /// <summary>Writes <paramref name="model"/> to <paramref name="stream"/>.</summary>
    public static void Save(IClassifier model, Stream stream) => Save(model, stream, null);

    /// <summary>
    /// Writes <paramref name="model"/> and, when <paramref name="writeExtra"/> is given, further properties of the root
    /// object after "model" (readers that do not know them skip them, so the file stays a model file).
    /// </summary>
    internal static void Save(IClassifier model, Stream stream, Action<Utf8JsonWriter>? writeExtra)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
        writer.WriteStartObject();
        WriteHeader(writer, model.Algorithm, model.Features);
        writer.WritePropertyName("model");
        model.Write(writer);
        writeExtra?.Invoke(writer);
        writer.WriteEndObject();
    }

    /// <summary>Reads a model written by <see cref="Save(IClassifier, Stream)"/>.</summary>
    /// <exception cref="InvalidDataException">Not a model file, another format version, or an unknown algorithm.</exception>
    public static IClassifier Load(Stream stream)
    {
        using var doc = Parse(stream);
        return Read(doc.RootElement);
    }

    /// <summary>Parses a model file's JSON (of any kind of model file); the caller disposes the document.</summary>
    /// <exception cref="InvalidDataException">Not JSON.</exception>
    internal static JsonDocument Parse(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            return JsonDocument.Parse(stream);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Not a model file: {ex.Message}", ex);
        }
    }

    /// <summary>Reads the model of a parsed model file's root object.</summary>
    /// <exception cref="InvalidDataException">Not a model file, another format version, or an unknown algorithm.</exception>
    internal static IClassifier Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || !root.TryGetProperty("algorithm", out var algorithm)
            || !root.TryGetProperty("features", out var featureArray) || !root.TryGetProperty("model", out var model))
        {
            throw new InvalidDataException("Not a model file: it needs format, algorithm, features and model.");
        }
        CheckFormat(format);
        var name = algorithm.GetString() ?? "";
        if (!Readers.TryGetValue(name, out var read))
        {
            throw new InvalidDataException($"Unknown algorithm '{name}' in model file.");
        }
        return read(model, ReadFeatures(featureArray));
    }

    /// <summary>
    /// Writes the properties every model file starts with (format, algorithm, features) into the open root object;
    /// the caller writes <c>"model"</c> and whatever else its kind of file holds.
    /// </summary>
    internal static void WriteHeader(Utf8JsonWriter writer, string algorithm, IReadOnlyList<Feature> features)
    {
        writer.WriteNumber("format", Format);
        writer.WriteString("algorithm", algorithm);
        JsonArrays.WriteObjects(writer, "features", features, static (w, f) =>
        {
            w.WriteString("name", f.Name);
            w.WriteString("kind", f.Kind == FeatureKind.Numeric ? "numeric" : "categorical");
            w.WriteStartArray("categories");
            foreach (var c in f.Categories)
            {
                w.WriteStringValue(c);
            }
            w.WriteEndArray();
        });
    }

    /// <summary>Refuses a file of another format version than this library writes.</summary>
    /// <exception cref="InvalidDataException">Another format version.</exception>
    internal static void CheckFormat(JsonElement format)
    {
        if (format.GetInt32() != Format)
        {
            throw new InvalidDataException($"Model file format {format.GetInt32()} is not supported (this version reads {Format}).");
        }
    }

    /// <summary>The features written by <see cref="WriteHeader"/>.</summary>
    internal static List<Feature> ReadFeatures(JsonElement features) =>
        [.. features.EnumerateArray().Select(f => new Feature(
            f.GetProperty("name").GetString() ?? "",
            f.GetProperty("kind").GetString() == "categorical" ? FeatureKind.Categorical : FeatureKind.Numeric,
            [.. f.GetProperty("categories").EnumerateArray().Select(c => c.GetString() ?? "")]))];

    /// <summary>Reads a nested model object (for ensembles, whose members are models): <c>{ "algorithm", "model" }</c>.</summary>
    public static IClassifier ReadNested(JsonElement element, IReadOnlyList<Feature> features)
    {
        var name = element.GetProperty("algorithm").GetString() ?? "";
        return Readers.TryGetValue(name, out var read)
            ? read(element.GetProperty("model"), features)
            : throw new InvalidDataException($"Unknown algorithm '{name}' in model file.");
    }

    /// <summary>Writes a nested model object read by <see cref="ReadNested"/>.</summary>
    public static void WriteNested(Utf8JsonWriter writer, IClassifier model)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(model);
        writer.WriteStartObject();
        writer.WriteString("algorithm", model.Algorithm);
        writer.WritePropertyName("model");
        model.Write(writer);
        writer.WriteEndObject();
    }
}
