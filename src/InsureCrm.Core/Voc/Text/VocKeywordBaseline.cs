namespace InsureCrm.Core.Voc.Text;

/// <summary>
/// The keyword-rule baseline the classifier has to beat: a small dictionary per type and category, the label with the
/// most hits wins, and a text without any hit gets the most common label of the training set.
/// </summary>
internal sealed class VocKeywordBaseline(string fallbackType, string fallbackCategory, bool treeCodes = false)
{
    private static readonly (string Label, string[] Words)[] TypeWords =
    [
        (VocLabels.Inquiry, ["문의", "궁금", "알려주", "알고싶", "question", "請問"]),
        (VocLabels.Consultation, ["상담", "consultation", "諮詢"]),
        (VocLabels.Suggestion, ["건의", "제안", "개선", "좋겠", "suggestion", "建議"]),
        (VocLabels.Complaint, ["불만", "민원", "화가", "불쾌", "어이", "complaint", "不滿"]),
        (VocLabels.Compliment, ["감사", "칭찬", "thank", "感謝"]),
        (VocLabels.Report, ["신고", "제보", "report", "檢舉"]),
    ];

    private static readonly (string Label, string[] Words)[] CategoryWords =
    [
        ("product.explanation", ["설명", "약관", "보장범위"]),
        ("product.change", ["변경", "바꾸", "특약추가"]),
        ("claims.delay", ["지급되지", "지연", "심사중"]),
        ("claims.denied", ["거절", "부지급"]),
        ("claims.documents", ["서류", "진단서"]),
        ("payment.autodebit", ["자동이체", "출금"]),
        ("payment.refund", ["환급"]),
        ("payment.increase", ["인상", "올랐"]),
        ("agent.rude", ["불친절", "무례", "반말"]),
        ("agent.unreachable", ["연락이", "연락두절", "받지않"]),
        ("agent.turnover", ["이직", "그만뒀", "옮기"]),
        ("misselling.incomplete", ["불완전판매", "원금보장"]),
        ("misselling.disclosure", ["설명의무", "고지의무"]),
        ("privacy.leak", ["유출", "개인정보"]),
        ("privacy.marketing", ["수신거부", "마케팅", "광고"]),
        ("service.callcenter", ["콜센터", "상담원연결", "ars"]),
        ("service.web", ["홈페이지", "앱", "로그인"]),
        ("internal.process", ["전산", "결재", "업무"]),
        ("compliment.agent", ["설계사님"]),
        ("compliment.callcenter", ["상담원분", "상담사님"]),
    ];

    /// <summary>
    /// A baseline whose fallback is the most common type and category of <paramref name="training"/>; when its categories are
    /// the category tree's (cases filed by staff) rather than the generator's, the dictionary answers in the tree's codes
    /// (<see cref="VocTreeCodes"/>).
    /// </summary>
    public static VocKeywordBaseline From(IReadOnlyList<VocLabelledText> training)
    {
        var categories = training.Select(c => c.Category).ToHashSet(StringComparer.Ordinal);
        var treeCodes = !CategoryWords.Any(w => categories.Contains(w.Label) && VocTreeCodes.Of(w.Label) != w.Label);
        return new(MostCommon(training.Select(c => c.Type)), MostCommon(training.Select(c => c.Category)), treeCodes);
    }

    public static string MostCommon(IEnumerable<string> labels) =>
        labels.GroupBy(l => l, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key).FirstOrDefault() ?? "";

    public (string Type, string Category) Suggest(string? text)
    {
        var normalized = VocTextFeatures.Normalize(text);
        var category = Best(normalized, CategoryWords, fallbackCategory);
        return (Best(normalized, TypeWords, fallbackType), treeCodes && category != fallbackCategory ? VocTreeCodes.Of(category) : category);
    }

    private static string Best(string text, (string Label, string[] Words)[] dictionary, string fallback)
    {
        var best = fallback;
        var bestHits = 0;
        foreach (var (label, words) in dictionary)
        {
            var hits = words.Sum(w => Occurrences(text, w));
            if (hits > bestHits)
            {
                best = label;
                bestHits = hits;
            }
        }
        return best;
    }

    private static int Occurrences(string text, string word)
    {
        var count = 0;
        for (var at = text.IndexOf(word, StringComparison.Ordinal); at >= 0; at = text.IndexOf(word, at + word.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }
}
