using System.Globalization;
using System.Text;

namespace InsureCrm.Analytics.Learning;

/// <summary>A CSV file that cannot be read as a table; the message names the line and the column where it can.</summary>
public sealed class CsvDataException : Exception
{
    /// <summary>An error without a message.</summary>
    public CsvDataException()
    {
    }

    /// <summary>An error with a message.</summary>
    public CsvDataException(string message) : base(message)
    {
    }

    /// <summary>An error with a message and its cause.</summary>
    public CsvDataException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>An error at a place in the file.</summary>
    /// <param name="message">The whole message, place included (e.g. "line 17, column Age: 'abc' is not a number.").</param>
    /// <param name="line">1-based physical line the problem is on (the header is line 1), or null when it is about the whole file.</param>
    /// <param name="column">Header name of the column, or null.</param>
    /// <param name="innerException">The cause, if any.</param>
    public CsvDataException(string message, int? line, string? column, Exception? innerException = null) : base(message, innerException)
    {
        Line = line;
        Column = column;
    }

    /// <summary>1-based physical line of the problem (the header is line 1), or null when it concerns the whole file.</summary>
    public int? Line { get; }

    /// <summary>Header name of the column of the problem, or null.</summary>
    public string? Column { get; }
}

/// <summary>What a column of a CSV file is used for.</summary>
public enum CsvColumnUse
{
    /// <summary>A feature the model learns from.</summary>
    Feature,

    /// <summary>The binary label to predict.</summary>
    Target,

    /// <summary>The row identifier, kept aside for the score file.</summary>
    Id,

    /// <summary>Not read (asked to ignore, an unnamed column, or a column the model does not use).</summary>
    Ignored,
}

/// <summary>What the reader made of one column of the file.</summary>
/// <param name="Name">Header name ("#4" for an unnamed fourth column).</param>
/// <param name="Use">Feature, target, id or ignored.</param>
/// <param name="Kind">Numeric or categorical for a feature; null otherwise.</param>
/// <param name="Forced">True when an override chose the kind (or the use, for an ignored column), false when inferred.</param>
/// <param name="Levels">Number of levels of a categorical feature (0 otherwise).</param>
/// <param name="Missing">Rows whose value is empty, NA, NaN or null.</param>
/// <param name="Unknown">Rows of a categorical feature whose level the model did not see in training (read as missing); 0 when training.</param>
public sealed record CsvColumnSummary(string Name, CsvColumnUse Use, FeatureKind? Kind, bool Forced, int Levels, long Missing, long Unknown);

/// <summary>How <see cref="CsvTableReader.Read(string, CsvTrainingOptions, IProgress{CsvReadProgress})"/> reads a training file.</summary>
public sealed record CsvTrainingOptions
{
    /// <summary>Name of the binary target column.</summary>
    public required string Target { get; init; }

    /// <summary>Name of the id column, kept aside (not a feature); null when the file has none.</summary>
    public string? Id { get; init; }

    /// <summary>Columns to read as categorical whatever their values (codes such as Region_Code are numbers but categories).</summary>
    public IReadOnlyCollection<string> Categorical { get; init; } = [];

    /// <summary>Columns that must be numeric: a value that is not a number is an error naming its line, not a switch to categorical.</summary>
    public IReadOnlyCollection<string> Numeric { get; init; } = [];

    /// <summary>Columns not to read at all.</summary>
    public IReadOnlyCollection<string> Ignore { get; init; } = [];

    /// <summary>The target value that counts as positive; null for the default (the value that sorts second).</summary>
    public string? Positive { get; init; }
}

/// <summary>
/// What a training file taught about its columns, re-applied to new files for scoring: the features with their
/// kinds and levels (in model order), the target with its positive and negative values, and the id column.
/// </summary>
/// <param name="Features">The feature columns in order, with the levels of each categorical one.</param>
/// <param name="Target">Name of the target column.</param>
/// <param name="Positive">The target value read as positive (true).</param>
/// <param name="Negative">The other target value.</param>
/// <param name="Id">Name of the id column, or null.</param>
public sealed record CsvSchema(IReadOnlyList<Feature> Features, string Target, string Positive, string Negative, string? Id);

/// <summary>How far a read has come, reported every 65,536 rows and at the end of each pass.</summary>
/// <param name="Pass">1 for the pass that counts rows (and infers kinds), 2 for the pass that fills the table.</param>
/// <param name="Rows">Rows read so far in this pass.</param>
/// <param name="Fraction">Share of the file read (0–1); NaN when the source has no known length.</param>
public sealed record CsvReadProgress(int Pass, long Rows, double Fraction)
{
    /// <summary>Share of the whole read, both passes, done (0–1); 0 when the source has no known length.</summary>
    public double Overall => double.IsNaN(Fraction) ? 0 : (Pass - 1 + Fraction) / 2;
}

/// <summary>A CSV file read as a <see cref="Table"/>: the features, the labels (when the target was read), the ids and the schema.</summary>
public sealed class CsvTable
{
    internal CsvTable(Table table, bool[]? labels, string[]? ids, CsvSchema schema, IReadOnlyList<CsvColumnSummary> columns)
    {
        Table = table;
        Labels = labels;
        Ids = ids;
        Schema = schema;
        Columns = columns;
    }

    /// <summary>The feature values, one row per data line, in file order.</summary>
    public Table Table { get; }

    /// <summary>The target of each row (true = positive), or null when the target was not read (scoring).</summary>
    public IReadOnlyList<bool>? Labels { get; }

    /// <summary>The id of each row (trimmed text), or null when there is no id column.</summary>
    public IReadOnlyList<string>? Ids { get; }

    /// <summary>The schema the table was read with (inferred when training).</summary>
    public CsvSchema Schema { get; }

    /// <summary>Every column of the file in header order, with its use, kind and missing values.</summary>
    public IReadOnlyList<CsvColumnSummary> Columns { get; }

    /// <summary>The labels as an array, for learners and metrics.</summary>
    /// <exception cref="InvalidOperationException">The target was not read.</exception>
    public bool[] LabelArray() => Labels is bool[] labels ? labels : throw new InvalidOperationException("The target column was not read.");
}

/// <summary>
/// Reads a CSV file with a header into a <see cref="Table"/> for learning (inferring each column's kind) or for
/// scoring (re-applying a <see cref="CsvSchema"/>).
/// </summary>
/// <remarks>
/// <para>
/// Format: RFC 4180 (comma separator, fields in double quotes may hold commas, quotes as "" and line breaks),
/// UTF-8 with or without a byte-order mark, CRLF or LF; empty lines are skipped. Values are trimmed. Numbers are
/// read in the invariant culture (a point for decimals, no thousands separators, exponents allowed). A value that
/// is empty, <c>NA</c>, <c>NaN</c> or <c>null</c> (any case) is missing.
/// </para>
/// <para>
/// Inference: a column whose non-missing values are all numbers is numeric; one text value makes it categorical.
/// Overrides force a column categorical or numeric, or ignore it; a column with an empty header name (a pandas
/// index) is ignored. Levels of a categorical column are sorted (numerically when they are all numbers, else
/// ordinally); a level that is a number is written in its shortest form, so <c>28.0</c> and <c>28</c> are the same level.
/// </para>
/// <para>
/// Target: exactly two distinct values (case-insensitive; numbers compared as numbers), none missing. The
/// positive one is the value asked for, else the one that sorts second: 1 of 0/1, true of false/true, yes of
/// no/yes, Y of N/Y.
/// </para>
/// <para>
/// Memory: the file is read twice, record by record into one reused buffer — once to count rows and infer kinds,
/// once to fill columns allocated to the exact row count — so a million-row file costs its columns of doubles
/// (and its ids, when kept), never its lines as strings.
/// </para>
/// </remarks>
public static class CsvTableReader
{
    private const int ReportEvery = 1 << 16;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads a training file: infers the schema from it and applies the overrides of <paramref name="options"/>.</summary>
    /// <exception cref="CsvDataException">The file is empty or malformed, an option names a column the header lacks, or the target is not binary.</exception>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public static CsvTable Read(string path, CsvTrainingOptions options, IProgress<CsvReadProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Read(FileSource(path), options, progress);
    }

    /// <summary>
    /// Reads a training file from a source opened by <paramref name="open"/>, which is called twice (the file is
    /// read in two passes) and must give the same text each time.
    /// </summary>
    /// <exception cref="CsvDataException">The text is empty or malformed, an option names a column the header lacks, or the target is not binary.</exception>
    public static CsvTable Read(Func<TextReader> open, CsvTrainingOptions options, IProgress<CsvReadProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(open);
        return Read(() => (open(), () => double.NaN), options, progress);
    }

    /// <summary>
    /// Reads a file to score or evaluate with the schema of a trained model: the columns are found by name (in any
    /// order; other columns are ignored), numeric columns must hold numbers, and a categorical level not seen in
    /// training is read as missing. The target is read only when <paramref name="target"/> is given.
    /// </summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="schema">The training schema.</param>
    /// <param name="target">Name of the target column to read as labels (values must be the schema's positive or negative one), or null not to read labels.</param>
    /// <param name="progress">Optional progress reports.</param>
    /// <exception cref="CsvDataException">A column of the schema is missing, a line is malformed, a numeric value is not a number, or a target value is neither class.</exception>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public static CsvTable Apply(string path, CsvSchema schema, string? target = null, IProgress<CsvReadProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Apply(FileSource(path), schema, target, progress);
    }

    /// <summary>As <see cref="Apply(string, CsvSchema, string?, IProgress{CsvReadProgress})"/>, from a source opened twice by <paramref name="open"/>.</summary>
    /// <exception cref="CsvDataException">A column of the schema is missing, a line is malformed, a numeric value is not a number, or a target value is neither class.</exception>
    public static CsvTable Apply(Func<TextReader> open, CsvSchema schema, string? target = null, IProgress<CsvReadProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(open);
        return Apply(() => (open(), () => double.NaN), schema, target, progress);
    }

    /// <summary>True when <paramref name="value"/> (trimmed) stands for a missing value: empty, NA, NaN or null, in any case.</summary>
    public static bool IsMissing(ReadOnlySpan<char> value)
    {
        value = value.Trim();
        return value.IsEmpty || value.Equals("NA", StringComparison.OrdinalIgnoreCase) || value.Equals("NaN", StringComparison.OrdinalIgnoreCase)
            || value.Equals("null", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Reads <paramref name="value"/> as a finite number in the invariant culture.</summary>
    public static bool TryParseNumber(ReadOnlySpan<char> value, out double number) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out number) && double.IsFinite(number);

    private static Func<(TextReader Reader, Func<double> Fraction)> FileSource(string path) => () =>
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var length = Math.Max(1.0, stream.Length);
        var reader = new StreamReader(stream, StrictUtf8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        return (reader, () => stream.Position / length);
    };

    /// <summary>How one column of the file is read in the filling pass.</summary>
    private sealed class Column(int field, string name, FeatureKind kind, bool forced)
    {
        public int Field { get; } = field;
        public string Name { get; } = name;
        public FeatureKind Kind { get; } = kind;
        public bool Forced { get; } = forced;
        public Dictionary<string, int> Levels { get; } = new(StringComparer.Ordinal);
        public double[] Values { get; set; } = [];
        public long Missing { get; set; }
        public long Unknown { get; set; }
    }

    private static CsvTable Read(Func<(TextReader Reader, Func<double> Fraction)> open, CsvTrainingOptions options, IProgress<CsvReadProgress>? progress)
    {
        ArgumentNullException.ThrowIfNull(options);
        string[] header;
        var (text, fraction) = open();
        int targetField, idField;
        CsvColumnUse[] use;
        FeatureKind?[] forced;
        bool[] ignoredByOption;
        bool[] isText;
        var targetValues = new List<string>(2);
        long rows = 0;
        using (text)
        {
            var reader = new CsvRecordReader(text);
            header = ReadHeader(reader);
            var width = header.Length;
            targetField = Find(header, options.Target, "--target");
            idField = options.Id is null ? -1 : Find(header, options.Id, "--id");
            if (idField == targetField)
            {
                throw new CsvDataException($"column {header[targetField]} cannot be both the target and the id.", null, header[targetField]);
            }
            use = new CsvColumnUse[width];
            forced = new FeatureKind?[width];
            ignoredByOption = new bool[width];
            for (var c = 0; c < width; c++)
            {
                use[c] = header[c].Length == 0 ? CsvColumnUse.Ignored : CsvColumnUse.Feature;
            }
            use[targetField] = CsvColumnUse.Target;
            if (idField >= 0)
            {
                use[idField] = CsvColumnUse.Id;
            }
            var claimed = new Dictionary<int, string>();
            void Override(IReadOnlyCollection<string> names, string option, Action<int> apply)
            {
                foreach (var name in names)
                {
                    var c = Find(header, name, option);
                    if (use[c] is CsvColumnUse.Target or CsvColumnUse.Id)
                    {
                        throw new CsvDataException($"{option} names column {header[c]}, which is the {(use[c] == CsvColumnUse.Target ? "target" : "id")}.", null, header[c]);
                    }
                    if (claimed.TryGetValue(c, out var other) && other != option)
                    {
                        throw new CsvDataException($"column {header[c]} is named by both {other} and {option}.", null, header[c]);
                    }
                    claimed[c] = option;
                    apply(c);
                }
            }
            Override(options.Categorical ?? [], "--categorical", c => forced[c] = FeatureKind.Categorical);
            Override(options.Numeric ?? [], "--numeric", c => forced[c] = FeatureKind.Numeric);
            Override(options.Ignore ?? [], "--ignore", c =>
            {
                use[c] = CsvColumnUse.Ignored;
                ignoredByOption[c] = true;
            });

            // Pass 1: count rows, check the shape of every line, infer kinds, collect the target's values.
            isText = new bool[width];
            while (reader.Read())
            {
                CheckWidth(reader, width, header);
                for (var c = 0; c < width; c++)
                {
                    if (use[c] != CsvColumnUse.Feature || isText[c] || forced[c] == FeatureKind.Categorical)
                    {
                        continue;
                    }
                    var value = reader.Field(c).Trim();
                    if (!IsMissing(value) && !TryParseNumber(value, out _))
                    {
                        if (forced[c] == FeatureKind.Numeric)
                        {
                            throw NotANumber(reader.Line, header[c], value, "--numeric");
                        }
                        isText[c] = true;
                    }
                }
                var label = reader.Field(targetField).Trim();
                if (IsMissing(label))
                {
                    throw new CsvDataException($"line {reader.Line}, column {header[targetField]}: the target is missing; every training row needs it.", reader.Line, header[targetField]);
                }
                if (!Contains(targetValues, label))
                {
                    if (targetValues.Count == 2)
                    {
                        throw new CsvDataException(
                            $"line {reader.Line}, column {header[targetField]}: a third target value '{label}' after '{targetValues[0]}' and '{targetValues[1]}'; the target must be binary.",
                            reader.Line, header[targetField]);
                    }
                    targetValues.Add(label.ToString());
                }
                rows++;
                if (rows % ReportEvery == 0)
                {
                    progress?.Report(new CsvReadProgress(1, rows, fraction()));
                }
            }
            CheckRows(rows);
            progress?.Report(new CsvReadProgress(1, rows, 1));
        }
        if (targetValues.Count < 2)
        {
            throw new CsvDataException(
                $"column {header[targetField]}: every row has the target value '{targetValues[0]}'; training needs rows of both classes.", null, header[targetField]);
        }
        string positive, negative;
        if (options.Positive is { } asked)
        {
            var index = targetValues.FindIndex(v => SameValue(v, asked.AsSpan().Trim()));
            if (index < 0)
            {
                throw new CsvDataException(
                    $"--positive '{asked}' is not a value of column {header[targetField]}; its values are '{targetValues[0]}' and '{targetValues[1]}'.", null, header[targetField]);
            }
            (positive, negative) = (targetValues[index], targetValues[1 - index]);
        }
        else
        {
            var ordered = targetValues.Order(ValueComparer.Instance).ToArray();
            (negative, positive) = (ordered[0], ordered[1]);
        }

        var columns = new List<Column>();
        for (var c = 0; c < header.Length; c++)
        {
            if (use[c] == CsvColumnUse.Feature)
            {
                columns.Add(new Column(c, header[c], forced[c] ?? (isText[c] ? FeatureKind.Categorical : FeatureKind.Numeric), forced[c] is not null));
            }
        }
        if (columns.Count == 0)
        {
            throw new CsvDataException("there is no feature column left: every column is the target, the id or ignored.", null, null);
        }
        var (labels, ids) = Fill(open, header, columns, (int)rows, targetField, positive, negative, idField, grow: true, progress);
        var features = new Feature[columns.Count];
        var data = new double[columns.Count][];
        for (var k = 0; k < columns.Count; k++)
        {
            var column = columns[k];
            features[k] = column.Kind == FeatureKind.Numeric ? Feature.Numeric(column.Name) : Feature.Categorical(column.Name, SortLevels(column));
            data[k] = column.Values;
        }
        var schema = new CsvSchema(features, header[targetField], positive, negative, idField >= 0 ? header[idField] : null);
        var summary = new List<CsvColumnSummary>(header.Length);
        for (var c = 0; c < header.Length; c++)
        {
            var column = columns.Find(x => x.Field == c);
            summary.Add(column is null
                ? new CsvColumnSummary(header[c].Length == 0 ? $"#{c + 1}" : header[c], use[c], null, ignoredByOption[c], 0, 0, 0)
                : new CsvColumnSummary(column.Name, CsvColumnUse.Feature, column.Kind, column.Forced, column.Levels.Count, column.Missing, 0));
        }
        return new CsvTable(new Table(features, data), labels, ids, schema, summary);
    }

    private static CsvTable Apply(Func<(TextReader Reader, Func<double> Fraction)> open, CsvSchema schema, string? target, IProgress<CsvReadProgress>? progress)
    {
        ArgumentNullException.ThrowIfNull(schema);
        string[] header;
        int targetField, idField;
        var columns = new List<Column>();
        long rows = 0;
        var (text, fraction) = open();
        using (text)
        {
            var reader = new CsvRecordReader(text);
            header = ReadHeader(reader);
            foreach (var feature in schema.Features)
            {
                var c = Find(header, feature.Name, "the model");
                var column = new Column(c, header[c], feature.Kind, forced: false);
                for (var l = 0; l < feature.Categories.Count; l++)
                {
                    column.Levels[feature.Categories[l]] = l;
                }
                columns.Add(column);
            }
            targetField = target is null ? -1 : Find(header, target, "--target");
            idField = schema.Id is null ? -1 : Find(header, schema.Id, "the model's id column");
            while (reader.Read())
            {
                CheckWidth(reader, header.Length, header);
                rows++;
                if (rows % ReportEvery == 0)
                {
                    progress?.Report(new CsvReadProgress(1, rows, fraction()));
                }
            }
            CheckRows(rows);
            progress?.Report(new CsvReadProgress(1, rows, 1));
        }
        var (labels, ids) = Fill(open, header, columns, (int)rows, targetField, schema.Positive, schema.Negative, idField, grow: false, progress);
        var data = columns.Select(c => c.Values).ToArray();
        var summary = new List<CsvColumnSummary>(header.Length);
        for (var c = 0; c < header.Length; c++)
        {
            var column = columns.Find(x => x.Field == c);
            var name = header[c].Length == 0 ? $"#{c + 1}" : header[c];
            summary.Add(column is not null
                ? new CsvColumnSummary(name, CsvColumnUse.Feature, column.Kind, false, column.Levels.Count, column.Missing, column.Unknown)
                : new CsvColumnSummary(name, c == targetField ? CsvColumnUse.Target : c == idField ? CsvColumnUse.Id : CsvColumnUse.Ignored, null, false, 0, 0, 0));
        }
        return new CsvTable(new Table(schema.Features, data), labels, ids, schema, summary);
    }

    /// <summary>Pass 2: fills every column, the labels (when <paramref name="targetField"/> ≥ 0) and the ids (when <paramref name="idField"/> ≥ 0).</summary>
    private static (bool[]? Labels, string[]? Ids) Fill(Func<(TextReader Reader, Func<double> Fraction)> open, string[] header, List<Column> columns, int rows,
        int targetField, string positive, string negative, int idField, bool grow, IProgress<CsvReadProgress>? progress)
    {
        foreach (var column in columns)
        {
            column.Values = new double[rows];
        }
        var labels = targetField >= 0 ? new bool[rows] : null;
        var ids = idField >= 0 ? new string[rows] : null;
        var scratch = new char[64];
        var lookups = columns.Select(c => c.Levels.GetAlternateLookup<ReadOnlySpan<char>>()).ToArray();
        var (text, fraction) = open();
        using (text)
        {
            var reader = new CsvRecordReader(text);
            ReadHeader(reader);
            reader.ColumnNames = header;
            var r = 0;
            while (reader.Read())
            {
                CheckWidth(reader, header.Length, header);
                if (r == rows)
                {
                    throw new CsvDataException($"line {reader.Line}: the file grew while it was read; read a copy that does not change.", reader.Line, null);
                }
                for (var k = 0; k < columns.Count; k++)
                {
                    var column = columns[k];
                    var value = reader.Field(column.Field).Trim();
                    double x;
                    if (IsMissing(value))
                    {
                        x = double.NaN;
                        column.Missing++;
                    }
                    else if (column.Kind == FeatureKind.Numeric)
                    {
                        if (!TryParseNumber(value, out x))
                        {
                            throw NotANumber(reader.Line, column.Name, value, grow ? "--numeric" : "the model");
                        }
                    }
                    else
                    {
                        var key = LevelKey(value, scratch);
                        if (lookups[k].TryGetValue(key, out var level))
                        {
                            x = level;
                        }
                        else if (grow)
                        {
                            x = column.Levels.Count;
                            lookups[k].TryAdd(key, column.Levels.Count);
                        }
                        else
                        {
                            x = double.NaN;
                            column.Unknown++;
                        }
                    }
                    column.Values[r] = x;
                }
                if (labels is not null)
                {
                    var label = reader.Field(targetField).Trim();
                    if (SameValue(positive, label))
                    {
                        labels[r] = true;
                    }
                    else if (!SameValue(negative, label))
                    {
                        throw new CsvDataException(
                            $"line {reader.Line}, column {header[targetField]}: '{label}' is neither the positive target value '{positive}' nor the negative '{negative}'.",
                            reader.Line, header[targetField]);
                    }
                }
                if (ids is not null)
                {
                    ids[r] = reader.Field(idField).Trim().ToString();
                }
                r++;
                if (r % ReportEvery == 0)
                {
                    progress?.Report(new CsvReadProgress(2, r, fraction()));
                }
            }
            if (r != rows)
            {
                throw new CsvDataException($"the file shrank while it was read ({r} rows, {rows} before); read a copy that does not change.", null, null);
            }
            progress?.Report(new CsvReadProgress(2, r, 1));
        }
        return (labels, ids);
    }

    /// <summary>The level's name: the value itself, or its shortest round-trip form when it is a number (28.0 → 28).</summary>
    private static ReadOnlySpan<char> LevelKey(ReadOnlySpan<char> value, char[] scratch)
    {
        if (TryParseNumber(value, out var x) && (x + 0.0).TryFormat(scratch, out var written, "R", CultureInfo.InvariantCulture))
        {
            return scratch.AsSpan(0, written);
        }
        return value;
    }

    /// <summary>Sorts the levels (numerically when all are numbers, else ordinally) and renumbers the column's values to match.</summary>
    private static string[] SortLevels(Column column)
    {
        var names = new string[column.Levels.Count];
        foreach (var (name, index) in column.Levels)
        {
            names[index] = name;
        }
        var sorted = names.Order(ValueComparer.Instance).ToArray();
        var remap = new double[names.Length];
        for (var i = 0; i < sorted.Length; i++)
        {
            remap[column.Levels[sorted[i]]] = i;
        }
        var values = column.Values;
        for (var r = 0; r < values.Length; r++)
        {
            if (!double.IsNaN(values[r]))
            {
                values[r] = remap[(int)values[r]];
            }
        }
        return sorted;
    }

    internal static string[] ReadHeader(CsvRecordReader reader)
    {
        if (!reader.Read())
        {
            throw new CsvDataException("line 1: the file is empty; it needs a header line naming the columns.", 1, null);
        }
        var header = new string[reader.FieldCount];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var c = 0; c < header.Length; c++)
        {
            var name = reader.Field(c).Trim().ToString();
            header[c] = name;
            if (name.Length == 0)
            {
                continue;
            }
            if (!seen.TryAdd(name, c))
            {
                throw new CsvDataException($"line {reader.Line}, column {name}: the header names {name} twice (fields {seen[name] + 1} and {c + 1}).", reader.Line, name);
            }
        }
        reader.ColumnNames = header;
        return header;
    }

    /// <summary>The field of column <paramref name="name"/>: an exact match, else the one column that matches ignoring case.</summary>
    private static int Find(string[] header, string name, string what)
    {
        var exact = Array.IndexOf(header, name.Trim());
        if (exact >= 0)
        {
            return exact;
        }
        var matches = header.Select((h, i) => (h, i)).Where(x => x.h.Length > 0 && string.Equals(x.h, name.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count == 1)
        {
            return matches[0].i;
        }
        // At most 20 names of at most 40 characters: a file whose first line is a million cells, or data
        // rather than a header, must not turn into a message of megabytes.
        var named = header.Where(h => h.Length > 0).ToList();
        var columns = string.Join(", ", named.Take(20).Select(h => h.Length > 40 ? h[..40] + "…" : h))
            + (named.Count > 20 ? string.Create(CultureInfo.InvariantCulture, $" and {named.Count - 20:N0} more") : "");
        throw new CsvDataException($"line 1: the header has no column '{name}' (named by {what}); its columns are {columns}.", 1, name);
    }

    internal static void CheckWidth(CsvRecordReader reader, int width, string[] header)
    {
        var count = reader.FieldCount;
        if (count < width)
        {
            var name = reader.ColumnName(count);
            throw new CsvDataException(
                $"line {reader.Line}, column {name}: no value; the line has {count} fields where the header has {width} (a missing comma, or a line break inside an unquoted value?).",
                reader.Line, name);
        }
        if (count > width)
        {
            var last = header[^1].Length == 0 ? $"#{width}" : header[^1];
            throw new CsvDataException(
                $"line {reader.Line}, column {last}: the line has {count} fields where the header has {width}; a comma inside a value must be in double quotes.",
                reader.Line, last);
        }
    }

    private static void CheckRows(long rows)
    {
        if (rows == 0)
        {
            throw new CsvDataException("line 2: the file has a header but no data rows.", 2, null);
        }
        if (rows > Array.MaxLength)
        {
            throw new CsvDataException($"the file has {rows:N0} rows; at most {Array.MaxLength:N0} can be read into one table.", null, null);
        }
    }

    private static CsvDataException NotANumber(int line, string column, ReadOnlySpan<char> value, string why) =>
        new($"line {line}, column {column}: '{value}' is not a number (the column is numeric by {why}).", line, column);

    private static bool Contains(List<string> values, ReadOnlySpan<char> value)
    {
        foreach (var v in values)
        {
            if (SameValue(v, value))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Target values match ignoring case, or as numbers when both are numbers (1 and 1.0).</summary>
    private static bool SameValue(string a, ReadOnlySpan<char> b) =>
        a.AsSpan().Equals(b, StringComparison.OrdinalIgnoreCase)
        || (TryParseNumber(a, out var x) && TryParseNumber(b, out var y) && x == y);

    /// <summary>Numbers before text, numbers by value, text ordinally ignoring case (then ordinally, so the order is total).</summary>
    private sealed class ValueComparer : IComparer<string>
    {
        public static readonly ValueComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            var xNumber = TryParseNumber(x, out var a);
            var yNumber = TryParseNumber(y, out var b);
            if (xNumber && yNumber)
            {
                var byValue = a.CompareTo(b);
                return byValue != 0 ? byValue : string.CompareOrdinal(x, y);
            }
            if (xNumber != yNumber)
            {
                return xNumber ? -1 : 1;
            }
            var ignoringCase = string.Compare(x, y, StringComparison.OrdinalIgnoreCase);
            return ignoringCase != 0 ? ignoringCase : string.CompareOrdinal(x, y);
        }
    }
}
