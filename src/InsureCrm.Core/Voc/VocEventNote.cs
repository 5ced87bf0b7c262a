using System.Globalization;
using System.Text.RegularExpressions;

namespace InsureCrm.Core.Voc;

/// <summary>
/// The notes the system writes on a timeline event (a suggestion, a repeat link, a classification, a resolution's gap), as
/// invariant codes that the CLI prints as they are and the pages read back into parts to show in the reader's language. The
/// formats are the ones written since the first VOC release, so older events read the same way; a note typed by a person (or
/// any text not in one of these forms) reads as null and is shown as typed.
/// </summary>
public static partial class VocEventNote
{
    /// <summary>
    /// The classifier's suggestion: type and category with their confidence (0..1), the model, and which of the two were used
    /// (each only when the caller left it open and its confidence reached the threshold).
    /// </summary>
    public sealed record Suggestion(VocType? Type, double TypeConfidence, string? Category, double CategoryConfidence, long ModelId, bool TypeUsed, bool CategoryUsed);

    /// <summary>The earlier case a new one was linked to as a repeat, with the matcher's score.</summary>
    public sealed record Repeat(string Number, double Score);

    /// <summary>Type / category code / severity before and after a classification, and what became of the suggestion.</summary>
    public sealed record Classification(VocType? TypeBefore, string? CategoryBefore, VocSeverity? SeverityBefore, VocType? Type, string? Category,
        VocSeverity? Severity, SuggestionVerdict Verdict, VocType? SuggestedType, string? SuggestedCategory);

    /// <summary>What a classification did with the classifier's suggestion.</summary>
    public enum SuggestionVerdict { None, Confirmed, Corrected }

    public static string OfSuggestion(VocType? type, double typeConfidence, string? category, double categoryConfidence, long modelId, bool typeUsed,
        bool categoryUsed) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{type} {typeConfidence:P0} / {category} {categoryConfidence:P0} (model {modelId}){(typeUsed, categoryUsed) switch
            {
                (true, true) => "; used until confirmed",
                (true, false) => "; type used until confirmed",
                (false, true) => "; category used until confirmed",
                _ => "",
            }}");

    public static string OfRepeat(string number, double score) => string.Create(CultureInfo.InvariantCulture, $"{number} (score {score:0.00})");

    public static string OfClassification(VocType? typeBefore, string? categoryBefore, VocSeverity severityBefore, VocType? type, string? category,
        VocSeverity severity, VocType? suggestedType, string? suggestedCategory)
    {
        var verdict = suggestedType is null && suggestedCategory is null ? ""
            : suggestedType == type && suggestedCategory == category ? " (suggestion confirmed)"
            : $" (suggestion {suggestedType}/{suggestedCategory} corrected)";
        return $"{typeBefore}/{categoryBefore}/{severityBefore} → {type}/{category}/{severity}{verdict}";
    }

    public static string OfGap(ServiceGap gap) => "gap " + gap;

    public static Suggestion? ReadSuggestion(string? note)
    {
        if (note is null || SuggestionPattern().Match(note) is not { Success: true } m)
        {
            return null;
        }
        return TryEnum<VocType>(m.Groups["type"].Value, out var type)
            && double.TryParse(m.Groups["tc"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var tc)
            && double.TryParse(m.Groups["cc"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var cc)
            && long.TryParse(m.Groups["model"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var model)
            ? new Suggestion(type, tc / 100, Empty(m.Groups["cat"].Value), cc / 100, model,
                m.Groups["used"].Success && m.Groups["part"].Value != "category ", m.Groups["used"].Success && m.Groups["part"].Value != "type ")
            : null;
    }

    public static Repeat? ReadRepeat(string? note) =>
        note is not null && RepeatPattern().Match(note) is { Success: true } m
            && double.TryParse(m.Groups["score"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var score)
            ? new Repeat(m.Groups["number"].Value, score)
            : null;

    public static Classification? ReadClassification(string? note)
    {
        if (note is null || ClassificationPattern().Match(note) is not { Success: true } m)
        {
            return null;
        }
        if (!TryEnum<VocType>(m.Groups["t0"].Value, out var t0) || !TryEnum<VocSeverity>(m.Groups["s0"].Value, out var s0)
            || !TryEnum<VocType>(m.Groups["t1"].Value, out var t1) || !TryEnum<VocSeverity>(m.Groups["s1"].Value, out var s1))
        {
            return null;
        }
        var verdict = m.Groups["confirmed"].Success ? SuggestionVerdict.Confirmed : m.Groups["corrected"].Success ? SuggestionVerdict.Corrected : SuggestionVerdict.None;
        VocType? st = null;
        if (verdict == SuggestionVerdict.Corrected && !TryEnum(m.Groups["st"].Value, out st))
        {
            return null;
        }
        return new Classification(t0, Empty(m.Groups["c0"].Value), s0, t1, Empty(m.Groups["c1"].Value), s1, verdict, st,
            verdict == SuggestionVerdict.Corrected ? Empty(m.Groups["sc"].Value) : null);
    }

    public static ServiceGap? ReadGap(string? note) =>
        note is not null && note.StartsWith("gap ", StringComparison.Ordinal) && Enum.TryParse<ServiceGap>(note[4..], out var g) && Enum.IsDefined(g) ? g : null;

    private static string? Empty(string s) => s.Length == 0 ? null : s;

    /// <summary>An enum by name, or the empty string as null; false for anything else.</summary>
    private static bool TryEnum<T>(string s, out T? value) where T : struct, Enum
    {
        value = null;
        if (s.Length == 0)
        {
            return true;
        }
        if (Enum.TryParse<T>(s, out var v) && Enum.IsDefined(v) && !char.IsDigit(s[0]))
        {
            value = v;
            return true;
        }
        return false;
    }

    // Invariant P0 writes "87 %" (with a space); a note written under another culture would not have it, so it is optional.
    [GeneratedRegex(@"^(?<type>\w*) (?<tc>[0-9.]+) ?% / (?<cat>[\w.-]*) (?<cc>[0-9.]+) ?% \(model (?<model>[0-9]+)\)(?<used>; (?<part>type |category )?used until confirmed)?$",
        RegexOptions.CultureInvariant, 1000)]
    private static partial Regex SuggestionPattern();

    [GeneratedRegex(@"^(?<number>\S+) \(score (?<score>[0-9.]+)\)$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex RepeatPattern();

    [GeneratedRegex(@"^(?<t0>\w*)/(?<c0>[\w.-]*)/(?<s0>\w*) → (?<t1>\w*)/(?<c1>[\w.-]*)/(?<s1>\w*)(?: \(suggestion (?:(?<confirmed>confirmed)|(?<st>\w*)/(?<sc>[\w.-]*) (?<corrected>corrected))\))?$",
        RegexOptions.CultureInvariant, 1000)]
    private static partial Regex ClassificationPattern();
}
