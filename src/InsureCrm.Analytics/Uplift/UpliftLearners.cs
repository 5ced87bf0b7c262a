using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Uplift;

/// <summary>The uplift learners by name, as the <c>--algorithm</c> option of <c>model train --treatment</c> spells them.</summary>
public static class UpliftLearners
{
    /// <summary>The uplift approaches this build can train.</summary>
    public static IReadOnlyList<string> Names { get; } = [TwoModelUplift.Name, ClassTransformation.Name, UpliftTree.Name, UpliftForest.Name];

    /// <summary>
    /// A learner of <paramref name="approach"/> with its default settings and <paramref name="seed"/> for whatever it draws
    /// at random. The two-model and class-transformation approaches train <paramref name="classifier"/> (a name of
    /// <see cref="Learners.Names"/>); the tree and forest ignore it.
    /// </summary>
    /// <exception cref="ArgumentException">The approach or the classifier is unknown; the message lists those that are.</exception>
    public static IUpliftLearner Create(string approach, string classifier, int seed) => Create(approach, classifier, seed, ClassTransformationBalance.Weights, null);

    /// <summary>
    /// As <see cref="Create(string, string, int)"/>, with how class transformation balances the arms and, when
    /// <paramref name="reach"/> names a feature, gated by it (<see cref="ReachGatedUplift"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The approach or the classifier is unknown; the message lists those that are.</exception>
    public static IUpliftLearner Create(string approach, string classifier, int seed, ClassTransformationBalance balance, string? reach)
    {
        ArgumentNullException.ThrowIfNull(approach);
        IUpliftLearner learner = approach switch
        {
            TwoModelUplift.Name => new TwoModelUplift(Learners.Create(classifier, seed)),
            ClassTransformation.Name => new ClassTransformation(Learners.Create(classifier, seed)) { Seed = seed, Balance = balance },
            UpliftTree.Name => new UpliftTree(),
            UpliftForest.Name => new UpliftForest(new UpliftForestOptions { Seed = seed }),
            _ => throw new ArgumentException($"Unknown uplift algorithm '{approach}'; available: {string.Join(", ", Names)}.", nameof(approach)),
        };
        return string.IsNullOrEmpty(reach) ? learner : new ReachGatedUplift(learner, reach);
    }
}
