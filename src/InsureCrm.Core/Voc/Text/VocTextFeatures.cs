using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using InsureCrm.Analytics.Text;

namespace InsureCrm.Core.Voc.Text;

/// <summary>
/// Turns a VOC text into character n-gram counts: tags stripped, entities decoded, lower case, all white space
/// removed (Korean spacing varies from writer to writer: "지급이 안 됩니다" and "지급이안됩니다" must look the same),
/// n-grams of 1 to 3 characters hashed into ids.
/// </summary>
internal static partial class VocTextFeatures
{
    /// <summary>Characters of a text that become features; the rest of a long text (a 1 MB paste) is ignored.</summary>
    public const int MaxChars = 4000;

    /// <summary>The raw prefix read before tags are stripped: enough for <see cref="MaxChars"/> of text in markup-heavy HTML.</summary>
    private const int MaxRawChars = 64 * 1024;

    /// <summary>The text as the classifier and the repeat matcher see it: plain, lower case, without white space.</summary>
    public static string Normalize(string? text, int maxChars = MaxChars)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        var raw = text.Length > MaxRawChars ? text[..MaxRawChars] : text;
        if (raw.Contains('<', StringComparison.Ordinal))
        {
            raw = Scripts().Replace(raw, " ");
            raw = Tags().Replace(raw, " ");
        }
        if (raw.Contains('&', StringComparison.Ordinal))
        {
            raw = WebUtility.HtmlDecode(raw);
        }
        var builder = new StringBuilder(Math.Min(raw.Length, maxChars));
        foreach (var ch in raw)
        {
            if (char.IsWhiteSpace(ch) || char.IsControl(ch))
            {
                continue;
            }
            builder.Append(char.ToLowerInvariant(ch));
            if (builder.Length == maxChars)
            {
                break;
            }
        }
        return builder.ToString();
    }

    /// <summary>Hashed counts of the 1- to <paramref name="maxN"/>-grams of a normalised text.</summary>
    public static SparseCounts Count(string normalized, int minN = 1, int maxN = 3)
    {
        if (normalized.Length == 0)
        {
            return SparseCounts.Empty;
        }
        var counts = new Dictionary<int, float>(normalized.Length * 2);
        for (var i = 0; i < normalized.Length; i++)
        {
            // FNV-1a over the n-gram's chars, extended one char at a time; n folded in so "가" and "가가" differ by n too.
            var hash = 2166136261u;
            for (var n = 1; n <= maxN && i + n <= normalized.Length; n++)
            {
                hash = (hash ^ normalized[i + n - 1]) * 16777619u;
                if (n < minN)
                {
                    continue;
                }
                var id = (int)(((hash ^ (uint)n) * 16777619u) & 0x7FFFFFFF);
                counts[id] = counts.GetValueOrDefault(id) + 1f;
            }
        }
        var ids = new int[counts.Count];
        var values = new float[counts.Count];
        var k = 0;
        foreach (var (id, c) in counts)
        {
            ids[k] = id;
            values[k++] = c;
        }
        return new SparseCounts(ids, values);
    }

    /// <summary>Normalises and counts in one step.</summary>
    public static SparseCounts Featurize(string? text) => Count(Normalize(text));

    [GeneratedRegex("<(script|style)[^>]*>.*?</\\1\\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Scripts();

    [GeneratedRegex("<[^>]*>", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Tags();
}
