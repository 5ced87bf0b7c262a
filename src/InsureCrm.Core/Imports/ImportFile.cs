using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CsvHelper;

namespace InsureCrm.Core.Imports;

public enum ImportEncoding { Auto, Utf8, Cp949 }

/// <summary>A fatal problem with the file as a whole: nothing is written.</summary>
internal sealed class ImportFileException(string message) : Exception(message);

/// <summary>
/// An import file opened for reading raw fields: encoding decided (strict UTF-8, else CP949 for Korean
/// legacy exports), SHA-256 computed, header checked against the kind's column set.
/// </summary>
internal sealed class ImportFile : IDisposable
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly FileStream _stream;
    private readonly CsvReader _reader;
    private readonly HashSet<long> _malformed = [];
    private long _record;

    private ImportFile(string path, Encoding encoding, string sha256)
    {
        Path = path;
        Encoding = encoding;
        Sha256 = sha256;
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Length = _stream.Length;
        var options = CsvReaderOptions.Default with
        {
            Separator = ',',
            HasHeader = false,
            SkipEmptyLines = true,
            TrackLineNumbers = true,
            IncludeValuesInExceptions = false,
            FormatProvider = CultureInfo.InvariantCulture,
            Encoding = encoding.CodePage == Encoding.UTF8.CodePage ? null : encoding,
            OnMalformedRecord = m => _malformed.Add(m.RecordNumber),
        };
        _reader = CsvReader.Create(_stream, options, leaveOpen: true);
    }

    public string Path { get; }
    public Encoding Encoding { get; }
    public string Sha256 { get; }
    public long Length { get; }
    public long Position => _stream.Position;
    public IReadOnlyList<string> Header { get; private set; } = [];

    /// <summary>Opens the file, decides its encoding and reads the header; throws <see cref="ImportFileException"/>.</summary>
    public static ImportFile Open(string path, ImportEncoding requested)
    {
        if (!File.Exists(path))
        {
            throw new ImportFileException($"File not found: {path}");
        }
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        Encoding encoding;
        string sha;
        try
        {
            (var validUtf8, var badOffset, sha) = Inspect(path);
            encoding = requested switch
            {
                ImportEncoding.Utf8 when !validUtf8 => throw new ImportFileException(
                    $"The file is not valid UTF-8 (first bad byte at offset {badOffset}); try --encoding cp949 or auto."),
                ImportEncoding.Utf8 => StrictUtf8,
                ImportEncoding.Cp949 => Encoding.GetEncoding(949),
                _ => validUtf8 ? StrictUtf8 : Encoding.GetEncoding(949),
            };
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
            var header = file.ReadRecord() ?? throw new ImportFileException("The file is empty: a header row is required.");
            file.Header = [.. header.Select(h => h.Trim().ToLowerInvariant())];
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public string[]? ReadRecord() => ReadRecord(out _, out _);

    /// <summary>The next record's fields, or null at the end; <paramref name="line"/> is the line where the record starts.</summary>
    public string[]? ReadRecord(out int line, out bool badData)
    {
        if (!_reader.Read())
        {
            line = 0;
            badData = false;
            return null;
        }
        _record++;
        line = checked((int)_reader.LineNumber);
        badData = _malformed.Remove(_record);
        return _reader.Current.ToArray();
    }

    private static (bool ValidUtf8, long BadOffset, string Sha256) Inspect(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var decoder = StrictUtf8.GetDecoder();
        var bytes = new byte[1 << 16];
        var chars = new char[(1 << 16) + 4];
        var valid = true;
        long offset = 0;
        long badOffset = -1;
        int read;
        while ((read = stream.Read(bytes, 0, bytes.Length)) > 0)
        {
            sha.AppendData(bytes, 0, read);
            if (valid)
            {
                try
                {
                    decoder.GetChars(bytes, 0, read, chars, 0, flush: false);
                }
                catch (DecoderFallbackException e)
                {
                    valid = false;
                    badOffset = offset + Math.Max(0, e.Index);
                }
            }
            offset += read;
        }
        if (valid)
        {
            try
            {
                decoder.GetChars([], 0, 0, chars, 0, flush: true);
            }
            catch (DecoderFallbackException)
            {
                valid = false;
                badOffset = offset;
            }
        }
        return (valid, badOffset, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    public void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
    }
}
