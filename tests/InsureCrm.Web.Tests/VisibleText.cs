using System.Net;
using System.Text.RegularExpressions;

namespace InsureCrm.Web.Tests;

/// <summary>What a person reads on a page: the text between the tags, without scripts and attributes.</summary>
internal static partial class VisibleText
{
    /// <summary>The visible words in Latin letters (three or more), except the product name, "VOC" (the word Korean insurers write for the voice of the customer, as 고객의 소리 is its long form),
    /// the language switcher's "English" and <paramref name="allowed"/>.</summary>
    public static IReadOnlyList<string> EnglishWords(string html, params string[] allowed)
    {
        var text = WebUtility.HtmlDecode(Tags().Replace(Scripts().Replace(html, " "), " "));
        return [.. LatinWord().Matches(text).Select(m => m.Value)
            .Where(w => w is not ("CRM" or "VOC" or "English") && !allowed.Contains(w, StringComparer.Ordinal)).Distinct()];
    }

    [GeneratedRegex("<(script|style|title)[^>]*>.*?</\\1>", RegexOptions.Singleline)]
    private static partial Regex Scripts();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex("[A-Za-z]{3,}")]
    private static partial Regex LatinWord();
}
