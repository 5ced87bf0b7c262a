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
        var (header, field) = TreatmentField(reader, path, column);
        var values = new List<string?>();
        while (reader.Read())
        {
            values.Add(field < reader.FieldCount ? reader.Field(field).ToString() : null);
        }
        return UpliftData.ParseTreatment(values, header[field]);
    }

    /// <summary>
    /// A training file and its treatment flags in the reader's two passes, not a third of its own: the treatment column
    /// is read as a categorical column, its flags parsed as <see cref="ReadTreatment"/> parses them, and then taken out
    /// of the table, the schema and the column summary (where it is listed as ignored, as <c>--ignore</c> lists a
    /// column), so that it is never a feature.
    /// </summary>
    /// <exception cref="CsvDataException">As <see cref="CsvTableReader.Read(string, CsvTrainingOptions, IProgress{CsvReadProgress}?)"/>, or the header has no such column.</exception>
    /// <exception cref="ArgumentException">A value is not a treatment flag (the message names the data row and value).</exception>
    public static (CsvTable Data, bool[] Treatment) ReadTraining(string path, CsvTrainingOptions options, string column)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(column);
        string name;
        using (var text = new StreamReader(path, new UTF8Encoding(false, true), detectEncodingFromByteOrderMarks: true))
        {
            var (header, field) = TreatmentField(new CsvRecordReader(text), path, column);
            name = header[field];
        }
        var csv = CsvTableReader.Read(path, options with { Categorical = [.. options.Categorical, name] });
        var features = csv.Table.Features;
        var index = -1;
        for (var j = 0; j < features.Count; j++)
        {
            index = features[j].Name == name ? j : index;
        }
        var levels = features[index].Categories;
        var values = csv.Table.Column(index);
        var flags = new string?[values.Length];
        for (var r = 0; r < values.Length; r++)
        {
            flags[r] = double.IsNaN(values[r]) ? "" : levels[(int)values[r]];
        }
        var treatment = UpliftData.ParseTreatment(flags, name);
        var kept = Enumerable.Range(0, features.Count).Where(j => j != index).ToArray();
        var table = new Table([.. kept.Select(j => features[j])], [.. kept.Select(j => csv.Table.Column(j).ToArray())]);
        var schema = csv.Schema with { Features = table.Features };
        var summary = csv.Columns.Select(c => c.Name == name ? new CsvColumnSummary(name, CsvColumnUse.Ignored, null, true, 0, 0, 0) : c).ToList();
        return (new CsvTable(table, csv.LabelArray(), csv.Ids?.ToArray(), schema, summary), treatment);
    }

    private static (string[] Header, int Field) TreatmentField(CsvRecordReader reader, string path, string column)
    {
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
        return (header, field);
    }
}
