using System.Text.RegularExpressions;

namespace InsureCrm.Core.Voc.Insight;

/// <summary>
/// Customers' words made fit for a digest or a board: phone numbers, resident registration numbers, account-like runs of ten or more digits
/// and e-mail addresses become ***; a name before an honorific or title (홍길동 고객님, 김철수 설계사) and the names given become ○○○.
/// Over-masking is the safe side: the readers need the matter, not the person.
/// </summary>
public static partial class VocTextMask
{
    public const int ExampleLength = 240;

    public static string Mask(string? text, IEnumerable<string>? names = null)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }
        var s = Email().Replace(text, "***");
        s = Rrn().Replace(s, "***");
        s = LongDigits().Replace(s, "***");
        s = Phone().Replace(s, "***");
        foreach (var name in names ?? [])
        {
            if (name is { Length: >= 2 })
            {
                s = s.Replace(name, "○○○", StringComparison.Ordinal);
            }
        }
        s = Honorific().Replace(s, "○○○");
        s = Spaces().Replace(s, " ").Trim();
        return s.Length <= ExampleLength ? s : s[..ExampleLength] + "…";
    }

    [GeneratedRegex(@"[\w.+-]+@[\w-]+(\.[\w-]+)+")]
    private static partial Regex Email();

    [GeneratedRegex(@"\d{6}\s*-?\s*[1-8]\d{6}")]
    private static partial Regex Rrn();

    [GeneratedRegex(@"(?<!\d)(\+?82[\s.-]?)?0?\d{1,2}[\s.)-]*\d{3,4}[\s.-]*\d{4}(?!\d)")]
    private static partial Regex Phone();

    [GeneratedRegex(@"\d(?:[\s-]?\d){9,}")]
    private static partial Regex LongDigits();

    [GeneratedRegex(@"(?<![가-힣])(?!고객|설계사|상담원|팀장|과장|대리|지점장|매니저|담당|직원)[가-힣]{2,4}(?=\s?(고객님|고객|님|씨|설계사|상담원|팀장|과장|대리|지점장|매니저))")]
    private static partial Regex Honorific();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
