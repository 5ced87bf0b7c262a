using System.Text.Json;

namespace InsureCrm.Analytics.Learning;

/// <summary>
/// A classifier that can give its log-odds directly, without the rounding of logit(p) for a probability close to
/// 0 or 1. Ensembles use it when a member offers it.
/// </summary>
public interface ILogOddsClassifier : IClassifier
{
    /// <summary>Log-odds of the positive class for one row: logit(<see cref="IClassifier.Predict"/>) computed exactly.</summary>
    double LogOdds(ReadOnlySpan<double> row);
}

/// <summary>
/// Weighted average of the probabilities of several trained classifiers over the same features:
/// p = Σ wₖ pₖ with the weights scaled to sum to 1. Saved as algorithm <c>ensemble</c>, members nested.
/// </summary>
/// <remarks>
/// <see cref="Explain"/> adds up on the probability scale. Each member's explanation is moved onto the
/// probability scale by the secant of its link: a member on log-odds with base B and contributions cⱼ (Σ cⱼ = S)
/// starts from σ(B) and contribution cⱼ becomes cⱼ × (pₖ − σ(B)) / S, so the shares keep their proportions and add
/// up to pₖ exactly. (When S is zero or its terms cancel almost entirely the slope σ′(B) is used instead, and the
/// rounding-sized rest goes to the base.) The ensemble's base is Σ wₖ σ(Bₖ) and a feature's contribution is the
/// weighted sum of its members' mapped contributions.
/// </remarks>
public sealed class AveragingEnsemble : IClassifier
{
    private readonly IClassifier[] _members;
    private readonly double[] _weights;
    private readonly Feature[] _features;

    /// <summary>Averages <paramref name="members"/> with the given weights (equal weights when null).</summary>
    /// <exception cref="ArgumentException">
    /// No members, members over different features, a weight count different from the member count, or a weight
    /// negative or not finite, or all weights zero.
    /// </exception>
    public AveragingEnsemble(IReadOnlyList<IClassifier> members, IReadOnlyList<double>? weights = null)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count == 0)
        {
            throw new ArgumentException("An ensemble needs at least one member.", nameof(members));
        }
        Ensembles.CheckSameFeatures(members, nameof(members));
        weights ??= [.. Enumerable.Repeat(1.0, members.Count)];
        if (weights.Count != members.Count)
        {
            throw new ArgumentException($"{weights.Count} weights for {members.Count} members.", nameof(weights));
        }
        var total = 0.0;
        foreach (var w in weights)
        {
            if (!double.IsFinite(w) || w < 0)
            {
                throw new ArgumentException($"Weight {w} is not a non-negative number.", nameof(weights));
            }
            total += w;
        }
        if (total == 0)
        {
            throw new ArgumentException("At least one weight must be positive.", nameof(weights));
        }
        _members = [.. members];
        _weights = [.. weights.Select(w => w / total)];
        _features = [.. members[0].Features];
    }

    private AveragingEnsemble(IClassifier[] members, double[] normalisedWeights)
    {
        _members = members;
        _weights = normalisedWeights;
        _features = [.. members[0].Features];
    }

    /// <inheritdoc />
    public string Algorithm => Ensembles.Name;

    /// <inheritdoc />
    public IReadOnlyList<Feature> Features => _features;

    /// <summary>The members, in order.</summary>
    public IReadOnlyList<IClassifier> Members => _members;

    /// <summary>The members' weights, summing to 1.</summary>
    public IReadOnlyList<double> Weights => _weights;

    /// <inheritdoc />
    public double Predict(ReadOnlySpan<double> row)
    {
        var p = 0.0;
        for (var k = 0; k < _members.Length; k++)
        {
            p += _weights[k] * _members[k].Predict(row);
        }
        return p;
    }

    /// <inheritdoc />
    public Explanation Explain(ReadOnlySpan<double> row)
    {
        LabelCheck.Row(row, _features.Length);
        var amounts = new double[_features.Length];
        var @base = 0.0;
        for (var k = 0; k < _members.Length; k++)
        {
            var explanation = _members[k].Explain(row);
            @base += Ensembles.MapOnto(explanation, ExplanationScale.Probability, _members[k].Predict(row), _weights[k], amounts);
        }
        return Explanation.Create(ExplanationScale.Probability, @base, _features, row, amounts);
    }

    /// <inheritdoc />
    public void Write(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("kind", "average");
        JsonArrays.Write(writer, "weights", _weights);
        Ensembles.WriteMembers(writer, _members);
        writer.WriteEndObject();
    }

    internal static AveragingEnsemble Read(JsonElement model, IReadOnlyList<Feature> features)
    {
        var members = Ensembles.ReadMembers(model, features);
        var weights = JsonArrays.Read(model, "weights");
        JsonArrays.CheckLength(weights.Length, members.Length, "weights");
        return new AveragingEnsemble(members, weights);
    }
}

/// <summary>Trains each of several learners on the same data and averages them (<see cref="AveragingEnsemble"/>).</summary>
/// <param name="learners">The learners, in member order.</param>
/// <param name="weights">Their weights (equal when null).</param>
public sealed class AveragingLearner(IReadOnlyList<ILearner> learners, IReadOnlyList<double>? weights = null) : ILearner
{
    /// <inheritdoc />
    public string Algorithm => Ensembles.Name;

    /// <summary>The learners, in member order (for <see cref="WorkEstimate"/>).</summary>
    internal IReadOnlyList<ILearner> Members => learners;

    /// <inheritdoc />
    public IClassifier Fit(Table data, ReadOnlySpan<bool> labels)
    {
        ArgumentNullException.ThrowIfNull(learners);
        ArgumentNullException.ThrowIfNull(data);
        LabelCheck.CountPositives(data, labels, Algorithm);
        var members = new IClassifier[learners.Count];
        for (var k = 0; k < members.Length; k++)
        {
            members[k] = learners[k].Fit(data, labels);
        }
        return new AveragingEnsemble(members, weights);
    }
}

/// <summary>
/// Stacking: base learners' out-of-fold log-odds feed a logistic regression (the meta-model), and the base
/// learners are then refitted on all rows. Folds are stratified (each holds about the same share of positives)
/// and drawn from <see cref="Seed"/>, so the same data and seed give the same model.
/// </summary>
public sealed class StackingLearner : ILearner
{
    private readonly ILearner[] _learners;

    /// <summary>Stacks the given base learners (member order = list order).</summary>
    /// <exception cref="ArgumentException">No learners.</exception>
    public StackingLearner(IReadOnlyList<ILearner> learners)
    {
        ArgumentNullException.ThrowIfNull(learners);
        if (learners.Count == 0)
        {
            throw new ArgumentException("Stacking needs at least one base learner.", nameof(learners));
        }
        _learners = [.. learners];
    }

    /// <inheritdoc />
    public string Algorithm => Ensembles.Name;

    /// <summary>The base learners, in member order (for <see cref="WorkEstimate"/>).</summary>
    internal IReadOnlyList<ILearner> BaseLearners => _learners;

    /// <summary>Number of folds for the out-of-fold predictions. Default 5.</summary>
    public int Folds { get; init; } = 5;

    /// <summary>Seed of the fold assignment. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Penalty parameter C of the logistic meta-model. Default 1.</summary>
    public double MetaC { get; init; } = 1.0;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">
    /// Label count differs from the row count, one class only, or fewer rows of a class than folds.
    /// </exception>
    public IClassifier Fit(Table data, ReadOnlySpan<bool> labels)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(Folds, 2, nameof(Folds));
        var positives = LabelCheck.CountPositives(data, labels, Algorithm);
        var n = data.Rows;
        if (positives < Folds || n - positives < Folds)
        {
            throw new ArgumentException(
                $"Stacking with {Folds} folds needs at least {Folds} rows of each class; there are {positives} positive and {n - positives} negative.", nameof(labels));
        }
        var fold = AssignFolds(labels, Folds, Seed);
        var k = _learners.Length;
        var outOfFold = new double[k][];
        for (var m = 0; m < k; m++)
        {
            outOfFold[m] = new double[n];
        }
        var labelArray = labels.ToArray();
        // One fold at a time, each base model dropped once its out-of-fold log-odds are kept, then the final members: at
        // most one base model is being fitted at a time. (Side by side, every fold's models were alive at once, inside a
        // search that also ran its folds side by side: 1.4 GB on 45,000 rows.) Each learner uses every core in its fit.
        for (var f = 0; f < Folds; f++)
        {
            FitFold(data, labelArray, fold, f, outOfFold);
        }
        var members = new IClassifier[k];
        for (var m = 0; m < k; m++)
        {
            members[m] = _learners[m].Fit(data, labelArray);
        }
        var meta = new LogisticRegression { C = MetaC }.Fit(new Table(StackedEnsemble.MetaFeatures(members), outOfFold), labels);
        return new StackedEnsemble(members, meta);
    }

    /// <summary>Fits every learner on the rows outside fold <paramref name="f"/> and records their log-odds for the rows inside it.</summary>
    private void FitFold(Table data, bool[] labels, int[] fold, int f, double[][] outOfFold)
    {
        var trainRows = new List<int>(data.Rows);
        var testRows = new List<int>((data.Rows / Folds) + 1);
        for (var r = 0; r < data.Rows; r++)
        {
            (fold[r] == f ? testRows : trainRows).Add(r);
        }
        var train = data.Take(trainRows.ToArray());
        var trainLabels = new bool[trainRows.Count];
        for (var i = 0; i < trainLabels.Length; i++)
        {
            trainLabels[i] = labels[trainRows[i]];
        }
        var test = data.Take(testRows.ToArray());
        var row = new double[data.Columns];
        for (var m = 0; m < _learners.Length; m++)
        {
            var model = _learners[m].Fit(train, trainLabels);
            for (var i = 0; i < testRows.Count; i++)
            {
                test.CopyRow(i, row);
                outOfFold[m][testRows[i]] = Ensembles.MemberLogOdds(model, row);
            }
        }
    }

    /// <summary>Stratified folds: positives and negatives each shuffled (Fisher–Yates from the seed) and dealt round the folds.</summary>
    private static int[] AssignFolds(ReadOnlySpan<bool> labels, int folds, int seed)
    {
        var random = new Random(seed);
        var fold = new int[labels.Length];
        foreach (var cls in new[] { true, false })
        {
            var rows = new List<int>();
            for (var r = 0; r < labels.Length; r++)
            {
                if (labels[r] == cls)
                {
                    rows.Add(r);
                }
            }
            for (var i = rows.Count - 1; i > 0; i--)
            {
                var j = random.Next(i + 1);
                (rows[i], rows[j]) = (rows[j], rows[i]);
            }
            for (var i = 0; i < rows.Count; i++)
            {
                fold[rows[i]] = i % folds;
            }
        }
        return fold;
    }
}

/// <summary>
/// A trained stack: logit p = meta(ℓ₁, …, ℓₖ), where ℓₖ is member k's log-odds (clipped to ±34.5, the logit of
/// 1 − 1e-15) and the meta-model a <see cref="LogisticRegressionModel"/> over them. Saved as algorithm
/// <c>ensemble</c>, members nested.
/// </summary>
/// <remarks>
/// <see cref="Explain"/> adds up on log-odds. The meta-model is linear in the members' log-odds,
/// logit p = a + Σ βₖ (ℓₖ − μₖ) with βₖ per unit of ℓₖ, so each member's explanation (moved onto log-odds as in
/// <see cref="AveragingEnsemble"/>, by the secant of the link, if it explains on probabilities) passes through exactly:
/// a feature's contribution is Σ βₖ cₖⱼ, and the base is a + Σ βₖ (Bₖ − μₖ), the stack's log-odds for a row on
/// which every member gives its own base score.
/// </remarks>
public sealed class StackedEnsemble : ILogOddsClassifier
{
    private readonly IClassifier[] _members;
    private readonly Feature[] _features;

    internal StackedEnsemble(IClassifier[] members, LogisticRegressionModel meta)
    {
        _members = members;
        Meta = meta;
        _features = [.. members[0].Features];
    }

    /// <inheritdoc />
    public string Algorithm => Ensembles.Name;

    /// <inheritdoc />
    public IReadOnlyList<Feature> Features => _features;

    /// <summary>The base models, refitted on all rows, in order.</summary>
    public IReadOnlyList<IClassifier> Members => _members;

    /// <summary>The meta-model over the members' log-odds (feature k is member k, named <c>k:algorithm</c>).</summary>
    public LogisticRegressionModel Meta { get; }

    /// <summary>The meta-model's features for the given members: one numeric feature per member, named <c>k:algorithm</c>.</summary>
    internal static Feature[] MetaFeatures(IReadOnlyList<IClassifier> members) =>
        [.. members.Select((m, k) => Feature.Numeric($"{k}:{m.Algorithm}"))];

    /// <inheritdoc />
    public double LogOdds(ReadOnlySpan<double> row)
    {
        var k = _members.Length;
        Span<double> logits = k <= 64 ? stackalloc double[k] : new double[k];
        for (var m = 0; m < k; m++)
        {
            logits[m] = Ensembles.MemberLogOdds(_members[m], row);
        }
        return Meta.LogOdds(logits);
    }

    /// <inheritdoc />
    public double Predict(ReadOnlySpan<double> row) => 1 / (1 + Math.Exp(-LogOdds(row)));

    /// <inheritdoc />
    public Explanation Explain(ReadOnlySpan<double> row)
    {
        LabelCheck.Row(row, _features.Length);
        var amounts = new double[_features.Length];
        var @base = Meta.Intercept;
        for (var m = 0; m < _members.Length; m++)
        {
            var slope = Meta.Slope(m);
            var explanation = _members[m].Explain(row);
            @base += Ensembles.MapOnto(explanation, ExplanationScale.LogOdds, Ensembles.MemberLogOdds(_members[m], row), slope, amounts)
                - (slope * Meta.Mean(m));
        }
        return Explanation.Create(ExplanationScale.LogOdds, @base, _features, row, amounts);
    }

    /// <inheritdoc />
    public void Write(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("kind", "stack");
        Ensembles.WriteMembers(writer, _members);
        writer.WritePropertyName("meta");
        Meta.Write(writer);
        writer.WriteEndObject();
    }

    internal static StackedEnsemble Read(JsonElement model, IReadOnlyList<Feature> features)
    {
        var members = Ensembles.ReadMembers(model, features);
        return new StackedEnsemble(members, LogisticRegressionModel.Read(model.GetProperty("meta"), MetaFeatures(members)));
    }
}

/// <summary>What the ensembles share: the file layout, member checks, and mapping explanations between scales.</summary>
internal static class Ensembles
{
    public const string Name = "ensemble";

    /// <summary>ln((1 − 1e-15) / 1e-15): member log-odds are clipped to ± this, as probabilities are in <see cref="Metrics.LogLoss"/>.</summary>
    public static readonly double LogitLimit = Math.Log((1 - Metrics.LogLossEpsilon) / Metrics.LogLossEpsilon);

    /// <summary>Reads either kind of ensemble (the reader registered in <see cref="ModelFile"/>).</summary>
    public static IClassifier Read(JsonElement model, IReadOnlyList<Feature> features) => model.GetProperty("kind").GetString() switch
    {
        "average" => AveragingEnsemble.Read(model, features),
        "stack" => StackedEnsemble.Read(model, features),
        var kind => throw new InvalidDataException($"Unknown ensemble kind '{kind}' in model file."),
    };

    /// <summary>A member's log-odds, from the member itself when it can give them, clipped to ±<see cref="LogitLimit"/>.</summary>
    public static double MemberLogOdds(IClassifier member, ReadOnlySpan<double> row)
    {
        var logit = member is ILogOddsClassifier direct ? direct.LogOdds(row) : Logit(member.Predict(row));
        return Math.Clamp(logit, -LogitLimit, LogitLimit);
    }

    private static double Logit(double p)
    {
        p = Math.Clamp(p, Metrics.LogLossEpsilon, 1 - Metrics.LogLossEpsilon);
        return Math.Log(p / (1 - p));
    }

    /// <summary>
    /// Adds <paramref name="weight"/> × the member's contributions, moved onto <paramref name="scale"/>, to
    /// <paramref name="amounts"/>, and returns <paramref name="weight"/> × the member's base on that scale, so
    /// that the two add up to <paramref name="weight"/> × <paramref name="target"/> (the member's score on the scale).
    /// </summary>
    public static double MapOnto(Explanation explanation, ExplanationScale scale, double target, double weight, Span<double> amounts)
    {
        var contributions = explanation.Contributions;
        double sum = 0, magnitude = 0;
        foreach (var c in contributions)
        {
            sum += c.Amount;
            magnitude += Math.Abs(c.Amount);
        }
        double start, slope;
        if (explanation.Scale == scale)
        {
            start = explanation.Base;
            slope = 1;
        }
        else if (scale == ExplanationScale.Probability)
        {
            start = 1 / (1 + Math.Exp(-explanation.Base));
            slope = start * (1 - start);
        }
        else
        {
            var p = Math.Clamp(explanation.Base, Metrics.LogLossEpsilon, 1 - Metrics.LogLossEpsilon);
            start = Math.Log(p / (1 - p));
            slope = 1 / (p * (1 - p));
        }
        // Secant of the link from the base to the score: the contributions keep their proportions and add up
        // exactly. When they cancel (almost) entirely the secant is ill-conditioned; the tangent stands in and the
        // second-order rest goes to the base.
        var rest = 0.0;
        if (sum != 0 && Math.Abs(sum) > 1e-6 * magnitude)
        {
            slope = (target - start) / sum;
        }
        else
        {
            rest = target - start - (slope * sum);
        }
        for (var j = 0; j < contributions.Count; j++)
        {
            amounts[contributions[j].Feature] += weight * slope * contributions[j].Amount;
        }
        return weight * (start + rest);
    }

    public static void CheckSameFeatures(IReadOnlyList<IClassifier> members, string parameterName)
    {
        var first = members[0] ?? throw new ArgumentException("Member 0 is null.", parameterName);
        for (var k = 1; k < members.Count; k++)
        {
            var other = members[k]?.Features ?? throw new ArgumentException($"Member {k} is null.", parameterName);
            var same = other.Count == first.Features.Count;
            for (var j = 0; same && j < other.Count; j++)
            {
                var (a, b) = (first.Features[j], other[j]);
                same = a.Name == b.Name && a.Kind == b.Kind && a.Categories.SequenceEqual(b.Categories);
            }
            if (!same)
            {
                throw new ArgumentException($"Member {k} ({members[k].Algorithm}) has other features than member 0; ensemble members must share their features.", parameterName);
            }
        }
    }

    public static void WriteMembers(Utf8JsonWriter writer, IClassifier[] members)
    {
        writer.WriteStartArray("members");
        foreach (var m in members)
        {
            ModelFile.WriteNested(writer, m);
        }
        writer.WriteEndArray();
    }

    public static IClassifier[] ReadMembers(JsonElement model, IReadOnlyList<Feature> features)
    {
        var array = model.GetProperty("members");
        if (array.GetArrayLength() == 0)
        {
            throw new InvalidDataException("Model file: an ensemble without members.");
        }
        return [.. array.EnumerateArray().Select(e => ModelFile.ReadNested(e, features))];
    }
}
