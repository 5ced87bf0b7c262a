namespace InsureCrm.Core.Voc.Text;

/// <summary>How often one label was taken for another on the held-out cases.</summary>
internal sealed record VocConfusion(string Actual, string Predicted, int Count);

/// <summary>
/// Accuracy of the classifier and its two baselines on the same held-out cases, and the classifier's mean confidence in
/// its suggestions there (close to its accuracy when the confidences are calibrated).
/// </summary>
internal sealed record VocClassifierReport(
    int TrainCases,
    int TestCases,
    double TypeAccuracy,
    double CategoryAccuracy,
    double MajorityTypeAccuracy,
    double MajorityCategoryAccuracy,
    double KeywordTypeAccuracy,
    double KeywordCategoryAccuracy,
    IReadOnlyList<VocConfusion> TypeConfusions,
    IReadOnlyList<VocConfusion> CategoryConfusions,
    double TypeMeanConfidence = 0,
    double CategoryMeanConfidence = 0);

/// <summary>
/// Trains on one part of the classified cases and measures on the rest: a seeded split stratified by category (each
/// category keeps its share in both parts), the classifier against the majority class and the keyword rules.
/// </summary>
internal static class VocClassifierEvaluation
{
    public static VocClassifierReport Evaluate(IReadOnlyList<VocLabelledText> cases, int seed, double testShare = 0.25, int confusions = 5)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(testShare);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(testShare, 1.0);
        var (train, test) = Split(cases, seed, testShare);
        if (train.Count == 0 || test.Count == 0)
        {
            throw new ArgumentException($"{cases.Count} cases are too few to hold some out.", nameof(cases));
        }
        var classifier = VocClassifier.Train(train);
        var keywords = VocKeywordBaseline.From(train);
        var majorityType = VocKeywordBaseline.MostCommon(train.Select(c => c.Type));
        var majorityCategory = VocKeywordBaseline.MostCommon(train.Select(c => c.Category));
        var typeErrors = new Dictionary<(string, string), int>();
        var categoryErrors = new Dictionary<(string, string), int>();
        int type = 0, category = 0, keywordType = 0, keywordCategory = 0;
        double typeConfidence = 0, categoryConfidence = 0;
        foreach (var c in test)
        {
            var s = classifier.Suggest(c.Text);
            var k = keywords.Suggest(c.Text);
            typeConfidence += s.TypeConfidence;
            categoryConfidence += s.CategoryConfidence;
            type += Hit(c.Type, s.Type, typeErrors);
            category += Hit(c.Category, s.Category, categoryErrors);
            keywordType += k.Type == c.Type ? 1 : 0;
            keywordCategory += k.Category == c.Category ? 1 : 0;
        }
        double n = test.Count;
        return new VocClassifierReport(train.Count, test.Count, type / n, category / n,
            test.Count(c => c.Type == majorityType) / n, test.Count(c => c.Category == majorityCategory) / n,
            keywordType / n, keywordCategory / n, Top(typeErrors, confusions), Top(categoryErrors, confusions), typeConfidence / n, categoryConfidence / n);
    }

    /// <summary>Seeded split, stratified by category.</summary>
    public static (List<VocLabelledText> Train, List<VocLabelledText> Test) Split(IReadOnlyList<VocLabelledText> cases, int seed, double testShare)
    {
        var random = new Random(seed);
        var train = new List<VocLabelledText>();
        var test = new List<VocLabelledText>();
        foreach (var group in cases.GroupBy(c => c.Category, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var items = group.ToArray();
            random.Shuffle(items);
            var held = (int)Math.Round(items.Length * testShare, MidpointRounding.AwayFromZero);
            test.AddRange(items.Take(held));
            train.AddRange(items.Skip(held));
        }
        return (train, test);
    }

    private static int Hit(string actual, string predicted, Dictionary<(string, string), int> errors)
    {
        if (actual == predicted)
        {
            return 1;
        }
        errors[(actual, predicted)] = errors.GetValueOrDefault((actual, predicted)) + 1;
        return 0;
    }

    private static List<VocConfusion> Top(Dictionary<(string Actual, string Predicted), int> errors, int count) =>
        errors.OrderByDescending(e => e.Value).ThenBy(e => e.Key.Actual, StringComparer.Ordinal).ThenBy(e => e.Key.Predicted, StringComparer.Ordinal)
            .Take(count).Select(e => new VocConfusion(e.Key.Actual, e.Key.Predicted, e.Value)).ToList();
}
