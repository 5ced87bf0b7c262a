using System.Globalization;

namespace InsureCrm.Analytics.Learning;

/// <summary>One setting of a learner to try when searching for the best model.</summary>
/// <param name="Algorithm">Algorithm name (<see cref="ILearner.Algorithm"/>).</param>
/// <param name="Settings">The settings as people read them, e.g. <c>C=0.1</c>; <c>default</c> for the defaults.</param>
/// <param name="Learner">The learner with those settings.</param>
public sealed record LearnerCandidate(string Algorithm, string Settings, ILearner Learner);

/// <summary>
/// The learners by algorithm name, as the model files and the <c>--algorithm</c> option spell them: a learner
/// for a seed, and a small grid of settings for automatic selection.
/// </summary>
public static class Learners
{
    /// <summary>
    /// Each available algorithm in the order automatic selection tries them (cheap and robust first; the
    /// ensemble last, as it stacks all the others): how to build it for a seed, and its grid of settings.
    /// </summary>
    private static readonly Entry[] Entries =
    [
        new(LogisticRegression.Name, _ => new LogisticRegression(),
            _ => [.. new[] { 1.0, 0.1, 0.01, 10.0 }.Select(c => Candidate(new LogisticRegression { C = c }, string.Create(CultureInfo.InvariantCulture, $"C={c}")))]),
        new(NaiveBayes.Name, _ => new NaiveBayes(),
            _ => [.. new[] { 1e-9, 1e-5, 1e-2 }.Select(v => Candidate(new NaiveBayes { VarSmoothing = v }, string.Create(CultureInfo.InvariantCulture, $"var_smoothing={v}")))]),
        new(GradientBoostingModel.Name, seed => new GradientBoosting(new GradientBoostingOptions { Seed = seed }), seed =>
        [
            Candidate(new GradientBoosting(new GradientBoostingOptions { Seed = seed }), "default"),
            Candidate(new GradientBoosting(new GradientBoostingOptions { Seed = seed, LearningRate = 0.05, MaxIterations = 300 }), "learning_rate=0.05 max_iter=300"),
            Candidate(new GradientBoosting(new GradientBoostingOptions { Seed = seed, MaxLeafNodes = 15, MinSamplesLeaf = 50 }), "max_leaf_nodes=15 min_samples_leaf=50"),
            Candidate(new GradientBoosting(new GradientBoostingOptions { Seed = seed, L2Regularization = 1.0, MaxLeafNodes = 63 }), "l2=1 max_leaf_nodes=63"),
        ]),
        new(RandomForestModel.Name, seed => new RandomForest(new RandomForestOptions { Seed = seed }), seed =>
        [
            Candidate(new RandomForest(new RandomForestOptions { Seed = seed }), "default"),
            Candidate(new RandomForest(new RandomForestOptions { Seed = seed, MinSamplesLeaf = 10 }), "min_samples_leaf=10"),
        ]),
        new(DecisionTreeModel.Name, seed => new DecisionTree(new DecisionTreeOptions { Seed = seed }), seed =>
        [
            Candidate(new DecisionTree(new DecisionTreeOptions { Seed = seed }), "default"),
            Candidate(new DecisionTree(new DecisionTreeOptions { Seed = seed, MaxDepth = 3 }), "max_depth=3"),
            Candidate(new DecisionTree(new DecisionTreeOptions { Seed = seed, MaxDepth = 8, MinSamplesLeaf = 50 }), "max_depth=8 min_samples_leaf=50"),
        ]),
        new(Ensembles.Name, Ensemble, seed => [Candidate(Ensemble(seed), "stack of " + string.Join("+", BaseNames))]),
    ];

    private static IEnumerable<string> BaseNames => Entries.Where(e => e.Name != Ensembles.Name).Select(e => e.Name);

    /// <summary>The algorithm names this build can train, in the order automatic selection tries them.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Entries.Select(e => e.Name)];

    /// <summary>True when <paramref name="algorithm"/> names a learner this build can train.</summary>
    public static bool IsAvailable(string algorithm) => Array.Exists(Entries, e => e.Name == algorithm);

    /// <summary>
    /// A learner of <paramref name="algorithm"/> with its default settings and <paramref name="seed"/> for whatever it
    /// draws at random (folds, samples). <c>ensemble</c> is stacking of every other available learner.
    /// </summary>
    /// <exception cref="ArgumentException">The algorithm is unknown; the message lists those that are.</exception>
    public static ILearner Create(string algorithm, int seed) => Get(algorithm).Create(seed);

    /// <summary>The settings of <paramref name="algorithm"/> that automatic selection tries, defaults first.</summary>
    /// <exception cref="ArgumentException">The algorithm is unknown or not part of this build.</exception>
    public static IReadOnlyList<LearnerCandidate> Grid(string algorithm, int seed) => Get(algorithm).Grid(seed);

    /// <summary>
    /// Every candidate of every available algorithm for automatic selection: first each algorithm's defaults (so
    /// every algorithm gets a try even when the work budget is short), then the rest of each grid.
    /// </summary>
    public static IReadOnlyList<LearnerCandidate> SearchSpace(int seed)
    {
        var grids = Entries.Select(e => e.Grid(seed)).ToList();
        return [.. grids.Select(g => g[0]), .. grids.SelectMany(g => g.Skip(1))];
    }

    private static Entry Get(string algorithm)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        var entry = Array.Find(Entries, e => e.Name == algorithm);
        if (entry is not null)
        {
            return entry;
        }
        var available = string.Join(", ", Names);
        throw new ArgumentException($"Unknown algorithm '{algorithm}'; available: {available}.", nameof(algorithm));
    }

    private static StackingLearner Ensemble(int seed) =>
        new([.. Entries.Where(e => e.Name != Ensembles.Name).Select(e => e.Create(seed))]) { Seed = seed };

    private static LearnerCandidate Candidate(ILearner learner, string settings) => new(learner.Algorithm, settings, learner);

    private sealed record Entry(string Name, Func<int, ILearner> Create, Func<int, IReadOnlyList<LearnerCandidate>> Grid);
}
