using System.Text;

namespace InsureCrm.Analytics.Learning;

/// <summary>
/// Reads RFC 4180 records (comma, double-quote quoting with "" escapes, CRLF or LF, line breaks inside quotes)
/// one at a time into a reused buffer, so a file of millions of rows never sits in memory as strings. Lines
/// that are completely empty are skipped. Line numbers are 1-based physical lines; a record is numbered by the
/// line it starts on.
/// </summary>
internal sealed class CsvRecordReader
{
    private readonly TextReader _reader;
    private readonly char[] _buffer = new char[1 << 16];
    private readonly List<(int Start, int Length)> _fields = new(64);
    private char[] _record = new char[1024];
    private int _recordLength;
    private int _position;
    private int _length;
    private int _line = 1;

    public CsvRecordReader(TextReader reader) => _reader = reader;

    /// <summary>Header names, once known, so errors can name the column rather than its position.</summary>
    public IReadOnlyList<string>? ColumnNames { get; set; }

    /// <summary>Line on which the current record starts.</summary>
    public int Line { get; private set; }

    /// <summary>Number of fields in the current record.</summary>
    public int FieldCount => _fields.Count;

    /// <summary>Field <paramref name="index"/> of the current record, unquoted, untrimmed.</summary>
    public ReadOnlySpan<char> Field(int index) => _record.AsSpan(_fields[index].Start, _fields[index].Length);

    /// <summary>The field's column as people read it: its header name, or its 1-based position before the header is known.</summary>
    public string ColumnName(int index) =>
        ColumnNames is { } names && index < names.Count && names[index].Length > 0 ? names[index] : $"#{index + 1}";

    /// <summary>Reads the next record; false at the end of the input.</summary>
    /// <exception cref="CsvDataException">A quoted field is not closed, text follows a closing quote, or the bytes are not UTF-8.</exception>
    public bool Read()
    {
        _fields.Clear();
        _recordLength = 0;
        int c;
        while (true)
        {
            c = Next();
            if (c == -1)
            {
                return false;
            }
            if (c == '\n')
            {
                _line++;
                continue;
            }
            if (c == '\r')
            {
                if (Peek() == '\n')
                {
                    Next();
                }
                _line++;
                continue;
            }
            break;
        }
        Line = _line;
        while (true)
        {
            var start = _recordLength;
            if (c == '"')
            {
                while (true)
                {
                    c = Next();
                    if (c == -1)
                    {
                        throw new CsvDataException($"line {Line}, column {ColumnName(_fields.Count)}: a quoted field is not closed before the end of the file.", Line, ColumnName(_fields.Count));
                    }
                    if (c == '"')
                    {
                        if (Peek() != '"')
                        {
                            break;
                        }
                        Next();
                    }
                    else if (c == '\n')
                    {
                        _line++;
                    }
                    Append((char)c);
                }
                _fields.Add((start, _recordLength - start));
                c = Next();
                if (c is not (',' or '\r' or '\n' or -1))
                {
                    throw new CsvDataException($"line {_line}, column {ColumnName(_fields.Count - 1)}: text after the closing quote of a quoted field.", _line, ColumnName(_fields.Count - 1));
                }
            }
            else
            {
                // A quote inside an unquoted field (5'10", 3" pipe) is kept as text, as most CSV writers produce it.
                while (c is not (',' or '\r' or '\n' or -1))
                {
                    Append((char)c);
                    c = Next();
                }
                _fields.Add((start, _recordLength - start));
            }
            if (c == ',')
            {
                c = Next();
                continue;
            }
            if (c == '\r' && Peek() == '\n')
            {
                Next();
            }
            if (c != -1)
            {
                _line++;
            }
            return true;
        }
    }

    private void Append(char c)
    {
        if (_recordLength == _record.Length)
        {
            Array.Resize(ref _record, _record.Length * 2);
        }
        _record[_recordLength++] = c;
    }

    private int Next()
    {
        if (_position == _length && !Fill())
        {
            return -1;
        }
        return _buffer[_position++];
    }

    private int Peek()
    {
        if (_position == _length && !Fill())
        {
            return -1;
        }
        return _buffer[_position];
    }

    private bool Fill()
    {
        try
        {
            _length = _reader.Read(_buffer, 0, _buffer.Length);
        }
        catch (DecoderFallbackException ex)
        {
            throw new CsvDataException($"near line {_line}: the file is not valid UTF-8; save it as UTF-8 (\"CSV UTF-8\" in Excel).", _line, null, ex);
        }
        _position = 0;
        return _length > 0;
    }
}
