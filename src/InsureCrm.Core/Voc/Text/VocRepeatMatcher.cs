namespace InsureCrm.Core.Voc.Text;

/// <summary>What the repeat matcher reads of a case.</summary>
/// <param name="Id">The case's id, returned in the match.</param>
/// <param name="CustomerKey">The customer (any stable key); cases of other customers never match.</param>
/// <param name="ContractNo">The contract the case is about, if known.</param>
/// <param name="Category">The case's category code (confirmed or suggested).</param>
/// <param name="Text">Subject and text; tags, case and white space are ignored.</param>
/// <param name="ReceivedAt">When the case came in.</param>
internal sealed record VocRepeatCase(string Id, string CustomerKey, string? ContractNo, string Category, string? Text, DateTimeOffset ReceivedAt);

/// <summary>The best earlier case for a new one, its score and its parts, and whether it is linked as a repeat.</summary>
internal sealed record VocRepeatMatch(string EarlierId, double Score, double TextSimilarity, bool SameContract, bool SameCategory, bool Linked);

/// <summary>Weights and threshold of the repeat matcher; the threshold is chosen on a tuning split (<see cref="VocRepeatEvaluation"/>).</summary>
/// <param name="WithinDays">Earlier cases older than this are not considered.</param>
/// <param name="Threshold">A score at or above links the case to the earlier one; the evaluation on generated cases chose 0.51-0.52.</param>
/// <param name="TextWeight">Weight of the text similarity (0-1).</param>
/// <param name="ContractWeight">Weight of the same contract; half of it when either case has no contract, none when they name different ones.</param>
/// <param name="CategoryWeight">Weight of the same category.</param>
/// <param name="CueWeight">Weight of the new text saying it is about an earlier contact ("지난번에", "세 번째", "아직도") and not about another matter ("다른 건").</param>
/// <param name="ParentCategoryShare">Share of the category weight a related category (same first level) earns.</param>
internal sealed record VocRepeatOptions(
    int WithinDays = 30,
    double Threshold = 0.5,
    double TextWeight = 0.35,
    double ContractWeight = 0.3,
    double CategoryWeight = 0.25,
    double CueWeight = 0.1,
    double ParentCategoryShare = 0.5);

/// <summary>
/// Decides whether a new case repeats an earlier case of the same customer within N days, across channels: cosine
/// similarity of character 2-3-gram counts (white space, tags and case ignored), the same contract, and the same or a
/// related (same first-level) category, and whether the new text says it comes back to an earlier contact, weighted
/// into one score between 0 and 1.
/// </summary>
internal sealed class VocRepeatMatcher(VocRepeatOptions options)
{
    public VocRepeatOptions Options { get; } = options;

    /// <summary>
    /// The best-scoring earlier case of the same customer received before <paramref name="current"/> and within the
    /// window, or null when there is none; <see cref="VocRepeatMatch.Linked"/> says whether it passes the threshold.
    /// </summary>
    public VocRepeatMatch? Match(VocRepeatCase current, IEnumerable<VocRepeatCase> earlier)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(earlier);
        var from = current.ReceivedAt.AddDays(-Options.WithinDays);
        Vector? mine = null;
        VocRepeatMatch? best = null;
        foreach (var other in earlier)
        {
            if (other.Id == current.Id || other.CustomerKey != current.CustomerKey || other.ReceivedAt > current.ReceivedAt || other.ReceivedAt < from)
            {
                continue;
            }
            mine ??= Vector.Of(current.Text);
            var match = Score(current, mine, other, Vector.Of(other.Text));
            if (best is null || match.Score > best.Score)
            {
                best = match;
            }
        }
        return best;
    }

    private VocRepeatMatch Score(VocRepeatCase current, Vector mine, VocRepeatCase other, Vector theirs)
    {
        var text = mine.Cosine(theirs);
        var sameContract = current.ContractNo is not null && current.ContractNo == other.ContractNo;
        // Two named contracts that differ are two matters more often than not (a second claim); an unknown contract
        // (a web form, a letter) neither speaks for nor against.
        var contract = sameContract ? 1.0 : current.ContractNo is null || other.ContractNo is null ? 0.5 : 0.0;
        var sameCategory = current.Category == other.Category;
        var category = sameCategory ? 1.0 : VocLabels.Parent(current.Category) == VocLabels.Parent(other.Category) ? Options.ParentCategoryShare : 0.0;
        var score = Options.TextWeight * text + Options.ContractWeight * contract + Options.CategoryWeight * category
            + Options.CueWeight * (mine.SaysAgain ? 1 : 0);
        return new VocRepeatMatch(other.Id, score, text, sameContract, sameCategory, score >= Options.Threshold);
    }

    /// <summary>How writers say they come back to a matter (white space removed, lower case), and how they say they do not.</summary>
    private static readonly string[] AgainCues =
    [
        "지난번", "저번에", "재인입", "재문의", "재민원", "번째연락", "번째말씀", "번째문의", "아직도", "이전에접수", "동일건", "다시연락", "여러번",
        "notthefirsttime", "again", "已經反映", "再次",
    ];

    private static readonly string[] OtherMatterCues = ["다른건", "다른문제", "별건", "anotherissue", "另一件"];

    /// <summary>Character 2-3-gram counts of a text with their norm.</summary>
    private sealed class Vector
    {
        private readonly Dictionary<int, float> _counts;
        private readonly double _norm;

        /// <summary>The text says it comes back to an earlier contact, and not that it is about something else.</summary>
        public bool SaysAgain { get; }

        private Vector(string normalized)
        {
            var counts = VocTextFeatures.Count(normalized, minN: 2, maxN: 3);
            SaysAgain = AgainCues.Any(c => normalized.Contains(c, StringComparison.Ordinal))
                && !OtherMatterCues.Any(c => normalized.Contains(c, StringComparison.Ordinal));
            _counts = new Dictionary<int, float>(counts.Ids.Length);
            for (var k = 0; k < counts.Ids.Length; k++)
            {
                _counts[counts.Ids[k]] = counts.Counts[k];
            }
            _norm = Math.Sqrt(counts.Counts.Sum(c => (double)c * c));
        }

        public static Vector Of(string? text) => new(VocTextFeatures.Normalize(text));

        public double Cosine(Vector other)
        {
            if (_norm == 0 || other._norm == 0)
            {
                return 0;
            }
            var (small, large) = _counts.Count <= other._counts.Count ? (this, other) : (other, this);
            var dot = 0.0;
            foreach (var (id, c) in small._counts)
            {
                if (large._counts.TryGetValue(id, out var d))
                {
                    dot += (double)c * d;
                }
            }
            return dot / (_norm * other._norm);
        }
    }
}
