using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;

namespace InsureCrm.Core.Common;

public enum ImportEncoding { Auto, Utf8, Cp949 }

/// <summary>A fatal problem with the file as a whole: nothing is written.</summary>
internal sealed class ImportFileException(string message) : Exception(message);

/// <summary>
/// One record of an import file: the line where it starts, how many physical lines it spans, its fields
/// (decoded; an undecodable field is decoded with replacement characters) and what makes it unreadable.
/// Errors name the column and never quote a value.
/// </summary>
internal sealed record ImportRecord(int Line, int Lines, string[] Fields, IReadOnlyList<RowError> Errors);

/// <summary>
/// An import file opened for reading raw fields (RFC 4180): encoding decided from evidence, SHA-256
/// computed, header read within <see cref="MaxHeaderBytes"/> and <see cref="MaxColumns"/>.
/// <para>
/// The reader works on the file's bytes, so that one bad record costs one row and never the rest of the
/// file: a field that does not decode in the file's encoding, or holds a control character, rejects its
/// row; a quoted field may span at most <see cref="MaxQuotedLines"/> lines, and a record that spans
/// several lines but does not parse (bad quoting, wrong field count) is taken for a stray quote: its first
/// line is rejected and reading resumes on the next line. Every physical line is counted
/// (<see cref="LinesRead"/>, <see cref="BlankLines"/>).
/// </para>
/// </summary>
internal sealed class ImportFile : IDisposable
{
    /// <summary>A header longer than this is not a header (the first row of a data file without one, or not a CSV file at all).</summary>
    public const int MaxHeaderBytes = 16 * 1024;
    public const int MaxColumns = 200;
    /// <summary>Line breaks a quoted field may hold (interaction notes of up to 2,000 characters are the longest text).</summary>
    public const int MaxQuotedLines = 200;
    /// <summary>The longest record read; a longer one is rejected without being held in memory.</summary>
    public const int MaxRecordBytes = 1 << 20;
    /// <summary>Share of a decoding's non-ASCII characters that must decode for the evidence to count as good.</summary>
    private const double GoodDecodeRatio = 0.98;
    /// <summary>Share of Hangul syllables among CP949-decoded characters for the file to count as Korean CP949.</summary>
    private const double GoodHangulRatio = 0.5;

    private static readonly SearchValues<byte> UnquotedStops = SearchValues.Create(",\"\r\n"u8);
    private static readonly SearchValues<byte> QuotedStops = SearchValues.Create("\"\r\n"u8);
    private static readonly SearchValues<byte> LineBreaks = SearchValues.Create("\r\n"u8);
    private static readonly SearchValues<byte> FieldEnds = SearchValues.Create(",\r\n"u8);
    /// <summary>C0 controls except tab, CR and LF; DEL; C1 controls. NUL is among them.</summary>
    private static readonly SearchValues<char> ControlChars = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Where(c => c is not ('\t' or '\r' or '\n')).Select(c => (char)c), '\u007F', .. Enumerable.Range(0x80, 0x20).Select(c => (char)c)]);

    private readonly FileStream _stream;
    private readonly Encoding? _strict;
    private readonly Encoding? _lossy;
    private readonly List<(int Start, int End, bool Escaped)> _fields = [];
    private byte[] _buffer = new byte[1 << 16];
    private readonly FieldPool _pool = new(MaxColumns);
    private readonly char[] _shortChars = new char[FieldPool.MaxLength];
    private int _start;
    private int _end;
    private bool _eof;

    private ImportFile(string path, Encoding encoding, string sha256)
    {
        Path = path;
        Encoding = encoding;
        Sha256 = sha256;
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        Length = _stream.Length;
        if (encoding.CodePage != Encoding.UTF8.CodePage)
        {
            _strict = Encoding.GetEncoding(encoding.CodePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
            _lossy = Replacing(encoding.CodePage);
        }
    }

    public string Path { get; }
    public Encoding Encoding { get; }
    public string Sha256 { get; }
    public long Length { get; }
    public long Position => _stream.Position;
    public IReadOnlyList<string> Header { get; private set; } = [];

    /// <summary>Physical lines consumed so far, header and blank lines included.</summary>
    public int LinesRead { get; private set; }

    /// <summary>Empty lines skipped so far.</summary>
    public int BlankLines { get; private set; }

    /// <summary>Lines the header spans (1 unless a header name is quoted across a line break).</summary>
    public int HeaderLines { get; private set; }

    /// <summary>Opens the file, decides its encoding and reads the header; throws <see cref="ImportFileException"/>.</summary>
    public static ImportFile Open(string path, ImportEncoding requested)
    {
        if (Directory.Exists(path))
        {
            throw new ImportFileException($"{path} is a directory, not a file: give the path of the CSV file to import.");
        }
        if (!File.Exists(path))
        {
            throw new ImportFileException($"File not found: {path}");
        }
        Encoding encoding;
        string sha;
        try
        {
            (var utf8, sha) = Inspect(path);
            encoding = Decide(path, requested, utf8);
        }
        catch (IOException e)
        {
            throw new ImportFileException($"Cannot read {path}: {e.Message}");
        }
        catch (UnauthorizedAccessException)
        {
            throw new ImportFileException($"Cannot read {path}: permission denied.");
        }
        var file = new ImportFile(path, encoding, sha);
        try
        {
            file.ReadHeader();
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The next record, or null at the end of the file.</summary>
    public ImportRecord? Read()
    {
        while (true)
        {
            if (_start == _end && !Fill())
            {
                return null;
            }
            if (_buffer[_start] is (byte)'\r' or (byte)'\n')
            {
                if (!ConsumeLineBreak(ref _start))
                {
                    continue;
                }
                LinesRead++;
                BlankLines++;
                continue;
            }
            var scan = Scan(_start);
            if (scan.NeedMore)
            {
                if (_end - _start >= MaxRecordBytes)
                {
                    return TooLong();
                }
                Fill();
                continue;
            }
            return Take(scan);
        }
    }

    private ImportRecord Take(in RecordScan scan)
    {
        var line = LinesRead + 1;
        var resync = scan.Lines > 1 && (scan.Malformed is not null || (Header.Count > 0 && _fields.Count != Header.Count));
        if (resync)
        {
            // A record running over several lines that does not parse is a quote opened by mistake: only its
            // first line is refused, and the next line is read as a record of its own.
            var firstLine = _buffer.AsSpan(_start, scan.FirstLineEnd - _start).TrimEnd("\r\n"u8);
            var fields = Lossy(firstLine).Split(',');
            _start = scan.FirstLineEnd;
            LinesRead++;
            return new ImportRecord(line, 1, fields, [new RowError("(row)", scan.Malformed == Malformed.TooManyLines
                ? string.Create(CultureInfo.InvariantCulture, $"malformed CSV: a quoted field on this line runs over more than {MaxQuotedLines} lines; the next lines are read as rows of their own")
                : "malformed CSV: a quote opened on this line is not closed on it; the next lines are read as rows of their own")]);
        }
        var values = new string[_fields.Count];
        List<RowError>? errors = null;
        for (var f = 0; f < _fields.Count; f++)
        {
            var (start, end, escaped) = _fields[f];
            values[f] = Decode(f, _buffer.AsSpan(start, end - start), escaped, out var undecodable);
            var column = f < Header.Count ? (Header[f].Length == 0 ? $"(column {f + 1})" : Header[f]) : $"(column {f + 1})";
            if (undecodable)
            {
                (errors ??= []).Add(new RowError(column, $"not valid {EncodingName}: a byte sequence that does not decode (the file is read as {EncodingName})"));
            }
            else if (values[f].AsSpan().IndexOfAny(ControlChars) is var c and >= 0)
            {
                (errors ??= []).Add(new RowError(column, string.Create(CultureInfo.InvariantCulture,
                    $"contains the control character U+{(int)values[f][c]:X4}; control characters are not allowed")));
            }
        }
        if (scan.Malformed is { } malformed)
        {
            (errors ??= []).Add(new RowError("(row)", malformed switch
            {
                Malformed.StrayQuote => "malformed CSV: a quote inside an unquoted field (quote the whole field and double the quote)",
                Malformed.TextAfterQuote => "malformed CSV: text after the closing quote of a field",
                _ => "malformed CSV: a quote is not closed",
            }));
        }
        _start = scan.End;
        LinesRead += scan.Lines;
        return new ImportRecord(line, scan.Lines, values, (IReadOnlyList<RowError>?)errors ?? []);
    }

    /// <summary>A record longer than <see cref="MaxRecordBytes"/>: its first line is refused without holding it, as a runaway quote would be.</summary>
    private ImportRecord TooLong()
    {
        var line = LinesRead + 1;
        // Drop bytes up to the end of the record's first physical line, reading on as far as it goes.
        while (true)
        {
            var k = _buffer.AsSpan(_start, _end - _start).IndexOfAny(LineBreaks);
            if (k >= 0)
            {
                _start += k;
                if (ConsumeLineBreak(ref _start))
                {
                    break;
                }
                continue;
            }
            _start = _end;
            if (!Fill())
            {
                break;
            }
        }
        LinesRead++;
        return new ImportRecord(line, 1, [], [new RowError("(row)", string.Create(CultureInfo.InvariantCulture,
            $"a record longer than {MaxRecordBytes / (1 << 20)} MiB (often a quote that is not closed); the next line is read as a row of its own"))]);
    }

    private void ReadHeader()
    {
        if (Encoding.CodePage == Encoding.UTF8.CodePage)
        {
            Fill();
            if (_buffer.AsSpan(_start, _end - _start).StartsWith("\uFEFF"u8))
            {
                _start += 3;
            }
        }
        while (true)
        {
            if (_start == _end && !Fill())
            {
                throw new ImportFileException("The file is empty: a header row is required.");
            }
            if (_buffer[_start] is (byte)'\r' or (byte)'\n')
            {
                if (ConsumeLineBreak(ref _start))
                {
                    LinesRead++;
                    BlankLines++;
                }
                continue;
            }
            var scan = Scan(_start);
            if (scan.NeedMore)
            {
                if (_end - _start >= MaxHeaderBytes)
                {
                    throw new ImportFileException(string.Create(CultureInfo.InvariantCulture,
                        $"The first line is longer than {MaxHeaderBytes / 1024} KiB, so it is not a header row: an import file starts with a header of at most {MaxColumns} column names."));
                }
                Fill();
                continue;
            }
            if (scan.End - _start > MaxHeaderBytes || _fields.Count > MaxColumns)
            {
                throw new ImportFileException(string.Create(CultureInfo.InvariantCulture,
                    $"The header row has {_fields.Count:N0} columns in {scan.End - _start:N0} bytes: an import file starts with a header of at most {MaxColumns} column names ({MaxHeaderBytes / 1024} KiB)."));
            }
            var record = Take(scan);
            HeaderLines = record.Lines;
            Header = [.. record.Fields.Select(h => h.Trim().ToLowerInvariant())];
            return;
        }
    }

    private string EncodingName => Encoding.CodePage == 949 ? "CP949" : "UTF-8";

    private string Decode(int column, ReadOnlySpan<byte> bytes, bool escaped, out bool undecodable)
    {
        string text;
        undecodable = false;
        if (!escaped && bytes.Length <= FieldPool.MaxLength && TryDecodeShort(bytes, out var chars))
        {
            return _pool.Get(column, chars);
        }
        if (System.Text.Ascii.IsValid(bytes))
        {
            text = Encoding.Latin1.GetString(bytes);
        }
        else if (_strict is null)
        {
            undecodable = !Utf8.IsValid(bytes);
            text = Encoding.UTF8.GetString(bytes);
        }
        else
        {
            try
            {
                text = _strict.GetString(bytes);
                // CP949 maps a few bytes that no Korean text uses (0x80, 0xFF...) to private-use characters.
                undecodable = text.AsSpan().IndexOfAnyInRange('\uE000', '\uF8FF') >= 0;
            }
            catch (DecoderFallbackException)
            {
                undecodable = true;
                text = _lossy!.GetString(bytes);
            }
        }
        return escaped ? text.Replace("\"\"", "\"", StringComparison.Ordinal) : text;
    }

    /// <summary>
    /// A short field's characters when it decodes cleanly (ASCII, or the file's encoding without a fallback and,
    /// for CP949, without the private-use characters <see cref="Decode"/> refuses); false sends it the long way,
    /// which reports what is wrong. The span is reused by the next call.
    /// </summary>
    private bool TryDecodeShort(ReadOnlySpan<byte> bytes, out ReadOnlySpan<char> text)
    {
        var chars = _shortChars.AsSpan();
        text = default;
        int written;
        if (System.Text.Ascii.ToUtf16(bytes, chars, out written) != OperationStatus.Done)
        {
            if (_strict is null)
            {
                if (Utf8.ToUtf16(bytes, chars, out _, out written, replaceInvalidSequences: false) != OperationStatus.Done)
                {
                    return false;
                }
            }
            else
            {
                try
                {
                    written = _strict.GetChars(bytes, chars);
                }
                catch (DecoderFallbackException)
                {
                    return false;
                }
                if (chars[..written].IndexOfAnyInRange('\uE000', '\uF8FF') >= 0)
                {
                    return false;
                }
            }
        }
        text = chars[..written];
        return true;
    }

    private string Lossy(ReadOnlySpan<byte> bytes) => (_lossy ?? Encoding.UTF8).GetString(bytes);

    private enum Malformed { StrayQuote, TextAfterQuote, Unterminated, TooManyLines }

    private readonly record struct RecordScan(bool NeedMore, int End, int Lines, int FirstLineEnd, Malformed? Malformed)
    {
        public static readonly RecordScan More = new(true, 0, 0, 0, null);
    }

    /// <summary>
    /// Scans the record at <paramref name="pos"/> into <see cref="_fields"/>. NeedMore when the buffer ends
    /// before the record does (and the file does not).
    /// </summary>
    private RecordScan Scan(int pos)
    {
        _fields.Clear();
        var buf = _buffer;
        var end = _end;
        var i = pos;
        var lines = 0;
        var firstLineEnd = -1;
        Malformed? malformed = null;
        while (true)
        {
            int fieldStart, fieldEnd;
            var escaped = false;
            if (i < end && buf[i] == '"')
            {
                fieldStart = ++i;
                while (true)
                {
                    var k = buf.AsSpan(i, end - i).IndexOfAny(QuotedStops);
                    if (k < 0)
                    {
                        if (!_eof)
                        {
                            return RecordScan.More;
                        }
                        malformed ??= Malformed.Unterminated;
                        fieldEnd = i = end;
                        break;
                    }
                    i += k;
                    if (buf[i] == '"')
                    {
                        if (i + 1 == end && !_eof)
                        {
                            return RecordScan.More;
                        }
                        if (i + 1 < end && buf[i + 1] == '"')
                        {
                            escaped = true;
                            i += 2;
                            continue;
                        }
                        fieldEnd = i++;
                        if (i < end && buf[i] is not ((byte)',' or (byte)'\r' or (byte)'\n'))
                        {
                            malformed ??= Malformed.TextAfterQuote;
                            var rest = buf.AsSpan(i, end - i).IndexOfAny(FieldEnds);
                            if (rest < 0 && !_eof)
                            {
                                return RecordScan.More;
                            }
                            i = rest < 0 ? end : i + rest;
                        }
                        break;
                    }
                    // A line break inside the quotes.
                    if (!ConsumeLineBreakAt(ref i, out var more))
                    {
                        return more ? RecordScan.More : default;
                    }
                    lines++;
                    if (firstLineEnd < 0)
                    {
                        firstLineEnd = i;
                    }
                    if (lines >= MaxQuotedLines)
                    {
                        return new RecordScan(false, i, lines + 1, firstLineEnd, Malformed.TooManyLines);
                    }
                }
            }
            else
            {
                fieldStart = i;
                var k = buf.AsSpan(i, end - i).IndexOfAny(UnquotedStops);
                if (k >= 0 && buf[i + k] == '"')
                {
                    malformed ??= Malformed.StrayQuote;
                    var rest = buf.AsSpan(i + k, end - i - k).IndexOfAny(FieldEnds);
                    k = rest < 0 ? -1 : k + rest;
                }
                if (k < 0)
                {
                    if (!_eof)
                    {
                        return RecordScan.More;
                    }
                    i = end;
                }
                else
                {
                    i += k;
                }
                fieldEnd = i;
            }
            _fields.Add((fieldStart, fieldEnd, escaped));
            if (i >= end)
            {
                // The last line of the file, without a line break.
                lines++;
                return new RecordScan(false, end, lines, firstLineEnd < 0 ? end : firstLineEnd, malformed);
            }
            if (buf[i] == ',')
            {
                i++;
                continue;
            }
            if (!ConsumeLineBreakAt(ref i, out var needMore))
            {
                return needMore ? RecordScan.More : default;
            }
            lines++;
            return new RecordScan(false, i, lines, firstLineEnd < 0 ? i : firstLineEnd, malformed);
        }
    }

    /// <summary>Moves past the CR, LF or CR LF at <paramref name="i"/>; false (more = true) when a CR ends the buffer before the file ends.</summary>
    private bool ConsumeLineBreakAt(ref int i, out bool more)
    {
        more = false;
        if (_buffer[i] == '\r')
        {
            if (i + 1 == _end && !_eof)
            {
                more = true;
                return false;
            }
            i += i + 1 < _end && _buffer[i + 1] == '\n' ? 2 : 1;
            return true;
        }
        i++;
        return true;
    }

    private bool ConsumeLineBreak(ref int i)
    {
        if (ConsumeLineBreakAt(ref i, out _))
        {
            return true;
        }
        Fill();
        return false;
    }

    /// <summary>Reads more of the file, keeping the bytes from <see cref="_start"/>; false at the end of the file with nothing left.</summary>
    private bool Fill()
    {
        if (_eof)
        {
            return _start < _end;
        }
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }
        _end += read;
        return _start < _end;
    }

    /// <summary>Decoding statistics of a file: characters that decode outside ASCII, sequences that do not, Hangul syllables.</summary>
    private readonly record struct Evidence(long NonAscii, long Invalid, long Hangul)
    {
        public double ValidRatio => NonAscii + Invalid == 0 ? 1 : (double)NonAscii / (NonAscii + Invalid);
        public double HangulRatio => NonAscii == 0 ? 0 : (double)Hangul / NonAscii;
    }

    private static Encoding Decide(string path, ImportEncoding requested, Evidence utf8)
    {
        var inv = CultureInfo.InvariantCulture;
        switch (requested)
        {
            case ImportEncoding.Cp949:
                return Encoding.GetEncoding(949);
            case ImportEncoding.Utf8 when utf8.ValidRatio < GoodDecodeRatio:
                throw new ImportFileException(string.Create(inv,
                    $"The file is not UTF-8: only {utf8.ValidRatio:P1} of its non-ASCII characters decode as UTF-8; try --encoding cp949 or auto."));
            case ImportEncoding.Utf8:
                return Encoding.UTF8;
        }
        if (utf8.Invalid == 0)
        {
            return Encoding.UTF8;
        }
        var cp949 = Measure(path, Replacing(949));
        var utf8Good = utf8.ValidRatio >= GoodDecodeRatio;
        var cp949Good = cp949.ValidRatio >= GoodDecodeRatio && cp949.HangulRatio >= GoodHangulRatio;
        if (utf8Good && (!cp949Good || utf8.HangulRatio >= cp949.HangulRatio))
        {
            return Encoding.UTF8;
        }
        if (cp949Good)
        {
            return Encoding.GetEncoding(949);
        }
        throw new ImportFileException(
            string.Create(inv, $"Cannot tell the file's encoding, so nothing was guessed: as UTF-8 {utf8.ValidRatio:P1} of its non-ASCII characters decode ({utf8.HangulRatio:P0} Hangul), ")
            + string.Create(inv, $"as CP949 {cp949.ValidRatio:P1} decode ({cp949.HangulRatio:P0} Hangul). ")
            + "Convert it to UTF-8, or say --encoding utf-8 or --encoding cp949 (rows that do not decode are then rejected).");
    }

    /// <summary>A code page that decodes what it cannot as U+FFFD (a code page's own default is "?", which hides the failure).</summary>
    private static Encoding Replacing(int codePage) =>
        Encoding.GetEncoding(codePage, EncoderFallback.ReplacementFallback, new DecoderReplacementFallback("\uFFFD"));

    private static (Evidence Utf8, string Sha256) Inspect(string path)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var evidence = Measure(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false), sha, privateUseDecodes: true);
        return (evidence, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    /// <summary>
    /// Decodes the whole file with replacement characters and counts what decodes (a U+FFFD is a sequence that
    /// did not; so is a private-use character unless <paramref name="privateUseDecodes"/>, see <see cref="Decode"/>).
    /// </summary>
    private static Evidence Measure(string path, Encoding encoding, IncrementalHash? sha = null, bool privateUseDecodes = false)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        var decoder = encoding.GetDecoder();
        var bytes = new byte[1 << 16];
        var chars = new char[encoding.GetMaxCharCount(bytes.Length) + 4];
        long nonAscii = 0, invalid = 0, hangul = 0;
        int read;
        do
        {
            read = stream.Read(bytes, 0, bytes.Length);
            sha?.AppendData(bytes, 0, read);
            var n = decoder.GetChars(bytes, 0, read, chars, 0, flush: read == 0);
            var span = chars.AsSpan(0, n);
            var i = span.IndexOfAnyExceptInRange('\0', '\u007F');
            while (i >= 0)
            {
                var c = span[i];
                if (c == '\uFFFD' || (!privateUseDecodes && c is >= '\uE000' and <= '\uF8FF'))
                {
                    invalid++;
                }
                else
                {
                    nonAscii++;
                    if (c is >= '\uAC00' and <= '\uD7A3')
                    {
                        hangul++;
                    }
                }
                span = span[(i + 1)..];
                i = span.IndexOfAnyExceptInRange('\0', '\u007F');
            }
        }
        while (read > 0);
        return new Evidence(nonAscii, invalid, hangul);
    }

    public void Dispose() => _stream.Dispose();
}
