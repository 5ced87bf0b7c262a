using CsvHelper;

namespace InsureCrm.Core.Common;

/// <summary>
/// <c>FILE.rejects.csv</c>: one line per refused field with the line number, column, reason and the original
/// row, so the operator can fix the rows and import the rejects file's rows again. UTF-8 with BOM for Excel.
/// Every cell goes through <see cref="CsvCell.Neutralise"/>: a source system's value such as
/// <c>=cmd|' /C calc'!A0</c> must not run when the operator opens the file in a spreadsheet.
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
            _csv = CsvWriter.ToFile(Path, CsvWriterOptions.Default with
            {
                WriteByteOrderMark = true, Injection = CsvInjection.None, ValidateFieldCount = false,
            });
            _csv.WriteField("line");
            _csv.WriteField("column");
            _csv.WriteField("reason");
            foreach (var h in header)
            {
                _csv.WriteField(CsvCell.Neutralise(h));
            }
            _csv.EndRecord();
        }
        foreach (var error in errors)
        {
            _csv.WriteField(line, default);
            _csv.WriteField(CsvCell.Neutralise(error.Column));
            _csv.WriteField(CsvCell.Neutralise(error.Reason));
            foreach (var f in fields)
            {
                _csv.WriteField(CsvCell.Neutralise(f));
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
