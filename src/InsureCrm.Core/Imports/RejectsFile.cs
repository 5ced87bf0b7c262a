using CsvHelper;

namespace InsureCrm.Core.Imports;

/// <summary>
/// <c>FILE.rejects.csv</c>: one line per refused field with the line number, column, reason and the original
/// row, so the operator can fix the rows and import the rejects file's rows again. UTF-8 with BOM for Excel.
/// </summary>
internal sealed class RejectsFile(string path, IReadOnlyList<string> header) : IDisposable
{
    private CsvWriter? _csv;

    public string Path { get; } = path;
    public bool Written => _csv is not null;

    public static string PathFor(string importPath) => importPath + ".rejects.csv";

    public void Write(int line, IReadOnlyList<RowError> errors, string[] fields)
    {
        if (_csv is null)
        {
            // The original values go back unaltered (no formula escaping): the file is the operator's own data.
            _csv = CsvWriter.ToFile(Path, CsvWriterOptions.Default with
            {
                WriteByteOrderMark = true, Injection = CsvInjection.None, ValidateFieldCount = false,
            });
            _csv.WriteField("line");
            _csv.WriteField("column");
            _csv.WriteField("reason");
            foreach (var h in header)
            {
                _csv.WriteField(h);
            }
            _csv.EndRecord();
        }
        foreach (var error in errors)
        {
            _csv.WriteField(line, default);
            _csv.WriteField(error.Column);
            _csv.WriteField(error.Reason);
            foreach (var f in fields)
            {
                _csv.WriteField(f);
            }
            _csv.EndRecord();
        }
    }

    public void Flush() => _csv?.Flush();

    public void Dispose()
    {
        _csv?.Dispose();
    }
}
