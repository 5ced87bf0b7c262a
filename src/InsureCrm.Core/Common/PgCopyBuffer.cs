using System.Buffers.Binary;
using System.Text;
using Npgsql;

namespace InsureCrm.Core.Common;

/// <summary>
/// Rows in PostgreSQL's binary COPY format, encoded by hand into one growing buffer: a row is its field count,
/// then per field its length and bytes (-1 for NULL). The values are those Npgsql's binary importer writes for
/// <see cref="BulkRow"/> (enums as their names, texts in UTF-8, dates as days and times as microseconds since
/// 2000-01-01 UTC), at a fraction of its per-value cost, and the encoding can run on any thread ahead of the
/// COPY: the million-row import encodes each row while it validates it and only copies bytes while it writes.
/// A buffer can also hold a fragment of a row (some of its fields) that <see cref="Append"/> adds to another.
/// </summary>
internal sealed class PgCopyBuffer(int capacity = 256)
{
    /// <summary>The file header: the signature "PGCOPY\n\377\r\n\0", no flags, no header extension.</summary>
    private static readonly byte[] Header = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xff, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly byte[] Trailer = [0xff, 0xff];
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly int Year2000 = new DateOnly(2000, 1, 1).DayNumber;
    private static readonly long Year2000Ticks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private byte[] _buffer = new byte[Math.Max(capacity, 16)];
    private int _length;

    public int Length => _length;

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

    public void Clear() => _length = 0;

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    /// <summary>Starts a row of <paramref name="fields"/> fields.</summary>
    public PgCopyBuffer Row(int fields)
    {
        BinaryPrimitives.WriteInt16BigEndian(Reserve(2), checked((short)fields));
        return this;
    }

    public PgCopyBuffer Null()
    {
        BinaryPrimitives.WriteInt32BigEndian(Reserve(4), -1);
        return this;
    }

    /// <summary>A bigint.</summary>
    public PgCopyBuffer Id(long value)
    {
        var span = Reserve(12);
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteInt64BigEndian(span[4..], value);
        return this;
    }

    /// <summary>An integer.</summary>
    public PgCopyBuffer Number(int? value)
    {
        if (value is not { } v)
        {
            return Null();
        }
        var span = Reserve(8);
        BinaryPrimitives.WriteInt32BigEndian(span, 4);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], v);
        return this;
    }

    public PgCopyBuffer Flag(bool value)
    {
        var span = Reserve(5);
        BinaryPrimitives.WriteInt32BigEndian(span, 1);
        span[4] = value ? (byte)1 : (byte)0;
        return this;
    }

    /// <summary>A text (varchar) in UTF-8; a string that is not valid UTF-16 throws, as in Npgsql.</summary>
    public PgCopyBuffer Text(string? value)
    {
        if (value is null)
        {
            return Null();
        }
        var span = Reserve(4 + Utf8.GetMaxByteCount(value.Length));
        var written = Utf8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32BigEndian(span, written);
        _length -= span.Length - 4 - written;
        return this;
    }

    /// <summary>An enum stored as its member's name (text), from bytes cached per type (<see cref="EnumText{TEnum}"/>).</summary>
    public PgCopyBuffer Enum<TEnum>(TEnum value) where TEnum : struct, Enum
    {
        if (EnumText<TEnum>.Utf8(value) is not { } bytes)
        {
            return Text(value.ToString());
        }
        var span = Reserve(4 + bytes.Length);
        BinaryPrimitives.WriteInt32BigEndian(span, bytes.Length);
        bytes.CopyTo(span[4..]);
        return this;
    }

    public PgCopyBuffer Enum<TEnum>(TEnum? value) where TEnum : struct, Enum => value is { } v ? Enum(v) : Null();

    public PgCopyBuffer Date(DateOnly? value)
    {
        if (value is not { } v)
        {
            return Null();
        }
        var span = Reserve(8);
        BinaryPrimitives.WriteInt32BigEndian(span, 4);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], v.DayNumber - Year2000);
        return this;
    }

    /// <summary>A timestamptz: the moment in UTC, to the microsecond (as Npgsql truncates it).</summary>
    public PgCopyBuffer Time(DateTime value)
    {
        var span = Reserve(12);
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteInt64BigEndian(span[4..], (value.Ticks - Year2000Ticks) / 10);
        return this;
    }

    /// <summary>Fields encoded earlier (a fragment of a row).</summary>
    public PgCopyBuffer Append(ReadOnlySpan<byte> fields)
    {
        fields.CopyTo(Reserve(fields.Length));
        return this;
    }

    /// <summary>
    /// Writes the rows into <paramref name="table"/> with one binary COPY (header and trailer added here), inside
    /// the connection's current transaction. The buffer must hold whole rows of the table's columns.
    /// </summary>
    public async Task CopyAsync(NpgsqlConnection connection, BulkTable table, CancellationToken ct)
    {
        if (_length == 0)
        {
            return;
        }
        await using var stream = await connection.BeginRawBinaryCopyAsync($"COPY {table.Name} ({table.ColumnList}) FROM STDIN (FORMAT BINARY)", ct);
        await stream.WriteAsync(Header, ct);
        await stream.WriteAsync(_buffer.AsMemory(0, _length), ct);
        await stream.WriteAsync(Trailer, ct);
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
