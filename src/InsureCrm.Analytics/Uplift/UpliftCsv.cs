using System.Text;
using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Uplift;

/// <summary>Reads the treatment column of a data file, as <c>model train|evaluate --treatment</c> need it.</summary>
public static class UpliftCsv
{
    /// <summary>
    /// The treatment flags of every data row of the CSV file at <paramref name="path"/> (empty lines skipped, as
    /// <see cref="CsvTableReader"/> skips them), parsed by <see cref="UpliftData.ParseTreatment"/>. The column is found
    /// by its exact name, else by the one name that matches ignoring case.
    /// </summary>
    /// <exception cref="CsvDataException">The file is empty or its header has no such column.</exception>
    /// <exception cref="ArgumentException">A value is not a treatment flag (the message names the data row and value).</exception>
    public static bool[] ReadTreatment(string path, string column)
    {
        ArgumentNullException.ThrowIfNull(column);
        using var text = new StreamReader(path, new UTF8Encoding(false, true), detectEncodingFromByteOrderMarks: true);
        var reader = new CsvRecordReader(text);
        if (!reader.Read())
        {
            throw new CsvDataException($"{Path.GetFileName(path)}, line 1: the file is empty; it needs a header line naming the columns.", 1, null);
        }
        var header = new string[reader.FieldCount];
        for (var c = 0; c < header.Length; c++)
        {
            header[c] = reader.Field(c).Trim().ToString();
        }
        var field = Array.IndexOf(header, column.Trim());
        if (field < 0)
        {
            var matches = header.Select((h, i) => (h, i)).Where(x => string.Equals(x.h, column.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
            field = matches.Count == 1 ? matches[0].i : -1;
        }
        if (field < 0)
        {
            var named = header.Where(h => h.Length > 0).ToList();
            var columns = string.Join(", ", named.Take(20)) + (named.Count > 20 ? $" and {named.Count - 20} more" : "");
            throw new CsvDataException(
                $"{Path.GetFileName(path)}, line 1: the header has no treatment column '{column}' (named by --treatment); its columns are {columns}.", 1, column);
        }
        var values = new List<string?>();
        while (reader.Read())
        {
            values.Add(field < reader.FieldCount ? reader.Field(field).ToString() : null);
        }
        return UpliftData.ParseTreatment(values, header[field]);
    }
}
