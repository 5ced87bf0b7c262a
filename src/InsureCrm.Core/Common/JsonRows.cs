using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace InsureCrm.Core.Common;

/// <summary>Reads one row of a set folded into a JSON column (<see cref="JsonRow.ReadAll{T}"/>).</summary>
internal delegate T JsonRowRead<out T>(ref JsonRow row);

/// <summary>
/// One row of a set that a batch folds into a single JSON column (<see cref="SqlBatch.JsonRows"/>: an array of rows,
/// each an array of its columns in order), read column by column with the value the provider's own data reader gives
/// for the column: PostgreSQL writes booleans as true/false and timestamps with their offset (read as UTC, as Npgsql
/// reads timestamptz); SQLite stores booleans as 0/1 and decimals, dates and timestamps as text (parsed as
/// Microsoft.Data.Sqlite parses them). Enums are stored by name on both.
/// </summary>
internal ref struct JsonRow
{
    private Utf8JsonReader _json;
    private readonly bool _postgres;

    private JsonRow(Utf8JsonReader json, bool postgres)
    {
        _json = json;
        _postgres = postgres;
    }

    /// <summary>The rows of <paramref name="json"/> (null, as PostgreSQL's json_agg gives for no rows, is none).</summary>
    public static List<T> ReadAll<T>(string? json, bool postgres, JsonRowRead<T> read)
    {
        var rows = new List<T>();
        if (string.IsNullOrEmpty(json))
        {
            return rows;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(json, buffer);
            var row = new JsonRow(new Utf8JsonReader(buffer.AsSpan(0, length)), postgres);
            row.Next(JsonTokenType.StartArray);
            while (row.NextRow())
            {
                rows.Add(read(ref row));
                row.Next(JsonTokenType.EndArray);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return rows;
    }

    public long Long()
    {
        Value();
        return _json.GetInt64();
    }

    public long? NullableLong() => Null() ? null : _json.GetInt64();

    public int Int()
    {
        Value();
        return _json.GetInt32();
    }

    public string String()
    {
        Value();
        return _json.GetString()!;
    }

    public string? NullableString() => Null() ? null : _json.GetString();

    public bool Bool()
    {
        Value();
        return _json.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => _json.GetInt64() != 0,
        };
    }

    public decimal Decimal()
    {
        Value();
        return Number();
    }

    public decimal? NullableDecimal() => Null() ? null : Number();

    public DateOnly Date()
    {
        Value();
        return DateOnly.Parse(_json.GetString()!, CultureInfo.InvariantCulture);
    }

    public DateOnly? NullableDate() => Null() ? null : DateOnly.Parse(_json.GetString()!, CultureInfo.InvariantCulture);

    public DateTime DateTime()
    {
        Value();
        return Timestamp();
    }

    public DateTime? NullableDateTime() => Null() ? null : Timestamp();

    public T Enum<T>() where T : struct, Enum
    {
        Value();
        return System.Enum.Parse<T>(_json.GetString()!);
    }

    public T? NullableEnum<T>() where T : struct, Enum => Null() ? null : System.Enum.Parse<T>(_json.GetString()!);

    // Parsed from the text, number or string, so that the scale stays what the database holds (100.00, not 100).
    private decimal Number() => _json.ValueIsEscaped
        ? decimal.Parse(_json.GetString()!, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture)
        : decimal.Parse(_json.ValueSpan, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture);

    private DateTime Timestamp() => _postgres
        ? DateTimeOffset.Parse(_json.GetString()!, CultureInfo.InvariantCulture).UtcDateTime
        : System.DateTime.Parse(_json.GetString()!, CultureInfo.InvariantCulture);

    /// <summary>Moves to the next value; true when it is null.</summary>
    private bool Null()
    {
        Value();
        return _json.TokenType == JsonTokenType.Null;
    }

    private void Value()
    {
        if (!_json.Read() || _json.TokenType is JsonTokenType.EndArray or JsonTokenType.StartArray or JsonTokenType.StartObject)
        {
            throw new InvalidOperationException("A folded row has fewer columns than its reader expects.");
        }
    }

    private bool NextRow()
    {
        _json.Read();
        return _json.TokenType switch
        {
            JsonTokenType.StartArray => true,
            JsonTokenType.EndArray => false,
            _ => throw new InvalidOperationException("A folded set is not an array of rows."),
        };
    }

    private void Next(JsonTokenType expected)
    {
        if (!_json.Read() || _json.TokenType != expected)
        {
            throw new InvalidOperationException("A folded set does not have the columns its reader expects.");
        }
    }
}
