using System.Text;
using System.Text.Unicode;

namespace InsureCrm.Core.Voc.Mail;

/// <summary>
/// Decoding the bytes of a mail part whose charset label may be missing or wrong. Korean mail comes as UTF-8,
/// EUC-KR (in practice CP949, its superset: Korean mailers send CP949's extra syllables under the EUC-KR label)
/// and ISO-2022-KR (7-bit, code page 50225); a part that says nothing, or says ASCII or Latin-1 but holds 8-bit
/// bytes, is taken as UTF-8 when it decodes strictly as UTF-8, else as CP949 when it decodes strictly there,
/// else as the label (or Latin-1) with replacement characters.
/// </summary>
internal static class MailCharsets
{
    public const int Cp949 = 949;
    public const int Iso2022Kr = 50225;

    /// <summary>ESC $ ) C: the designator that starts ISO-2022-KR text.</summary>
    private static ReadOnlySpan<byte> Iso2022KrDesignator => [0x1B, (byte)'$', (byte)')', (byte)'C'];

    /// <summary>The text of <paramref name="bytes"/> and the charset it was decoded with (lower-case, as a mail would name it).</summary>
    public static (string Text, string Charset) Decode(ReadOnlySpan<byte> bytes, string? label)
    {
        var declared = Lookup(label);
        var ascii = Ascii.IsValid(bytes);
        if (declared is not null && !IsAsciiFamily(declared) && TryStrict(declared, bytes, out var text))
        {
            return (text, NameOf(declared));
        }
        if (ascii)
        {
            // 7-bit: ISO-2022-KR announces itself; anything else 7-bit reads the same in every label we accept.
            if (bytes.IndexOf(Iso2022KrDesignator) >= 0)
            {
                return (Strict(Iso2022Kr).GetString(bytes), "iso-2022-kr");
            }
            return (Encoding.ASCII.GetString(bytes), declared is null ? "us-ascii" : NameOf(declared));
        }
        if (Utf8.IsValid(bytes))
        {
            return (Encoding.UTF8.GetString(bytes), "utf-8");
        }
        if (TryStrict(Encoding.GetEncoding(Cp949), bytes, out text) && !HasPrivateUse(text))
        {
            return (text, "cp949");
        }
        var fallback = declared ?? Encoding.Latin1;
        return (Replacing(fallback.CodePage).GetString(bytes), NameOf(fallback));
    }

    /// <summary>
    /// The encoding a label names, or null when it names none we know. EUC-KR and its aliases read as CP949 (its
    /// superset), so that a mail using CP949's extra syllables under the EUC-KR label still decodes.
    /// </summary>
    public static Encoding? Lookup(string? label)
    {
        if (string.IsNullOrWhiteSpace(label))
        {
            return null;
        }
        var name = label.Trim().Trim('"').ToLowerInvariant();
        if (name is "euc-kr" or "euckr" or "ks_c_5601-1987" or "ks_c_5601" or "ksc5601" or "korean" or "cp949" or "uhc" or "windows-949" or "x-windows-949" or "ms949")
        {
            return Encoding.GetEncoding(Cp949);
        }
        try
        {
            return Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static bool IsAsciiFamily(Encoding encoding) =>
        encoding.CodePage is 20127 or 28591 or 1252 or 65000;

    private static string NameOf(Encoding encoding) => encoding.CodePage switch
    {
        Cp949 => "euc-kr",
        Iso2022Kr => "iso-2022-kr",
        _ => encoding.WebName,
    };

    private static bool TryStrict(Encoding encoding, ReadOnlySpan<byte> bytes, out string text)
    {
        try
        {
            text = Strict(encoding.CodePage).GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return false;
        }
    }

    private static Encoding Strict(int codePage) =>
        Encoding.GetEncoding(codePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);

    private static Encoding Replacing(int codePage) =>
        Encoding.GetEncoding(codePage, EncoderFallback.ReplacementFallback, DecoderFallback.ReplacementFallback);

    /// <summary>CP949 maps a few bytes no Korean text uses to private-use characters: a sign the bytes are not CP949.</summary>
    private static bool HasPrivateUse(string text) => text.AsSpan().IndexOfAnyInRange('\uE000', '\uF8FF') >= 0;
}
