using System.Text.Json;

namespace InsureCrm.Analytics.Learning;

/// <summary>Arrays of doubles in model files; doubles are written round-trip, so a loaded model scores bit for bit as the saved one.</summary>
internal static class JsonArrays
{
    public static void Write(Utf8JsonWriter writer, string name, ReadOnlySpan<double> values)
    {
        writer.WriteStartArray(name);
        foreach (var v in values)
        {
            writer.WriteNumberValue(v);
        }
        writer.WriteEndArray();
    }

    /// <summary>Writes an array of objects: one per item, its properties written by <paramref name="writeProperties"/>.</summary>
    public static void WriteObjects<T>(Utf8JsonWriter writer, string name, IEnumerable<T> items, Action<Utf8JsonWriter, T> writeProperties)
    {
        writer.WriteStartArray(name);
        foreach (var item in items)
        {
            writer.WriteStartObject();
            writeProperties(writer, item);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    public static double[] Read(JsonElement model, string name)
    {
        var array = model.GetProperty(name);
        var values = new double[array.GetArrayLength()];
        var i = 0;
        foreach (var v in array.EnumerateArray())
        {
            values[i++] = v.GetDouble();
        }
        return values;
    }

    /// <summary>Checks that a model read from a file has the features its parameters were written for.</summary>
    public static void CheckLength(int actual, int expected, string what)
    {
        if (actual != expected)
        {
            throw new InvalidDataException($"Model file: {what} has {actual} values where {expected} are needed.");
        }
    }
}
