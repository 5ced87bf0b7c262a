using System.Text;

namespace InsureCrm.Analytics.Learning;

/// <summary>How one column of a CSV file reads before any choice is made: the kind inference would give it, missing values and its first distinct values.</summary>
/// <param name="Name">Header name (empty for a column without one, which training ignores).</param>
/// <param name="Kind">Numeric when every non-missing value is a number, else categorical; null when every value is missing.</param>
/// <param name="Missing">Missing values (empty, NA, NaN, null).</param>
/// <param name="Distinct">Distinct non-missing values, counted up to <see cref="CsvInspector.MaxDistinct"/> (then the count stops there).</param>
/// <param name="Values">The first distinct values (at most <see cref="CsvInspector.MaxValues"/>), as written, to suggest a target and its positive value.</param>
public sealed record CsvColumnProfile(string Name, FeatureKind? Kind, long Missing, int Distinct, IReadOnlyList<string> Values)
{
    /// <summary>True when the column has exactly two distinct values and none missing: it can be a target.</summary>
    public bool Binary => Distinct == 2 && Missing == 0;
}

/// <summary>What a CSV file holds, column by column, read once without a target: what a person needs to choose the target, id and kinds.</summary>
/// <param name="Rows">Data rows.</param>
/// <param name="Columns">The columns in file order.</param>
public sealed record CsvInspection(long Rows, IReadOnlyList<CsvColumnProfile> Columns);

/// <summary>
/// Reads a CSV file once, record by record, to show how <see cref="CsvTableReader"/> would read each column before
/// the target and overrides are chosen. It refuses what training would refuse in the file itself (encoding, a
/// duplicate header, a line with too few or too many fields, quoting errors), with line and column.
/// </summary>
public static class CsvInspector
{
    /// <summary>Distinct values counted per column before the count stops.</summary>
    public const int MaxDistinct = 1000;

    /// <summary>Distinct values kept per column, for display.</summary>
    public const int MaxValues = 12;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="CsvDataException">The file is empty, has no data rows or is malformed.</exception>
    public static CsvInspection Inspect(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var text = new StreamReader(stream, StrictUtf8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        return Inspect(text);
    }

    /// <summary>Reads CSV text from <paramref name="text"/>.</summary>
    /// <exception cref="CsvDataException">The text is empty, has no data rows or is malformed.</exception>
    public static CsvInspection Inspect(TextReader text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var reader = new CsvRecordReader(text);
        var header = CsvTableReader.ReadHeader(reader);
        var width = header.Length;
        var isText = new bool[width];
        var any = new bool[width];
        var missing = new long[width];
        var distinct = new HashSet<string>[width];
        var values = new List<string>[width];
        for (var c = 0; c < width; c++)
        {
            distinct[c] = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            values[c] = [];
        }
        long rows = 0;
        while (reader.Read())
        {
            CsvTableReader.CheckWidth(reader, width, header);
            rows++;
            for (var c = 0; c < width; c++)
            {
                var value = reader.Field(c).Trim();
                if (CsvTableReader.IsMissing(value))
                {
                    missing[c]++;
                    continue;
                }
                any[c] = true;
                var number = CsvTableReader.TryParseNumber(value, out var x);
                isText[c] |= !number;
                if (distinct[c].Count < MaxDistinct)
                {
                    // Numbers as numbers, so 1 and 1.0 are one value, as the reader's levels and target classes are.
                    var key = number ? x.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : value.ToString();
                    if (distinct[c].Add(key) && values[c].Count < MaxValues)
                    {
                        values[c].Add(value.ToString());
                    }
                }
            }
        }
        if (rows == 0)
        {
            throw new CsvDataException("line 2: the file has a header but no data rows.", 2, null);
        }
        var columns = new CsvColumnProfile[width];
        for (var c = 0; c < width; c++)
        {
            columns[c] = new CsvColumnProfile(header[c], any[c] ? (isText[c] ? FeatureKind.Categorical : FeatureKind.Numeric) : null,
                missing[c], distinct[c].Count, values[c]);
        }
        return new CsvInspection(rows, columns);
    }
}
