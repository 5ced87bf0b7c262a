using System.Text.Json;
using System.Text.Json.Serialization;

namespace InsureCrm.Analytics.Text;

/// <summary>
/// Multinomial naive Bayes over sparse counts (scikit-learn's <c>MultinomialNB</c>): the classic strong baseline for
/// text classification on word or character n-gram counts, with any number of classes.
/// </summary>
/// <remarks>
/// Features are non-negative integer ids (a vocabulary index or a hash); the model keeps only the features seen at
/// least <see cref="MinCount"/> times in training, so its size follows the data, not the id space. A feature the model
/// does not know contributes nothing at scoring time.
/// </remarks>
public sealed class MultinomialNaiveBayes
{
    /// <summary>Additive (Laplace/Lidstone) smoothing of feature counts, as scikit-learn's <c>alpha</c>. Default 0.1.</summary>
    public double Alpha { get; init; } = 0.1;

    /// <summary>Features counted fewer times than this over the whole training set are dropped. Default 2.</summary>
    public int MinCount { get; init; } = 2;

    /// <summary>Trains on every example.</summary>
    /// <param name="examples">Each example's features with their counts (ids may repeat; their counts add up).</param>
    /// <param name="labels">The class of each example.</param>
    /// <exception cref="ArgumentException">The label count differs from the example count, or there are no examples.</exception>
    public MultinomialNaiveBayesModel Fit(IReadOnlyList<SparseCounts> examples, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Alpha, nameof(Alpha));
        if (examples.Count != labels.Count)
        {
            throw new ArgumentException($"{labels.Count} labels for {examples.Count} examples.", nameof(labels));
        }
        if (examples.Count == 0)
        {
            throw new ArgumentException("No examples to learn from.", nameof(examples));
        }
        var classes = labels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var classIndex = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var totals = new Dictionary<int, double>();
        for (var i = 0; i < examples.Count; i++)
        {
            var e = examples[i];
            for (var k = 0; k < e.Ids.Length; k++)
            {
                totals[e.Ids[k]] = totals.GetValueOrDefault(e.Ids[k]) + e.Counts[k];
            }
        }
        var features = totals.Where(p => p.Value >= MinCount).Select(p => p.Key).Order().ToArray();
        var featureIndex = new Dictionary<int, int>(features.Length);
        for (var j = 0; j < features.Length; j++)
        {
            featureIndex[features[j]] = j;
        }
        var counts = new float[classes.Length][];
        for (var c = 0; c < classes.Length; c++)
        {
            counts[c] = new float[features.Length];
        }
        var documents = new int[classes.Length];
        for (var i = 0; i < examples.Count; i++)
        {
            var c = classIndex[labels[i]];
            documents[c]++;
            var e = examples[i];
            for (var k = 0; k < e.Ids.Length; k++)
            {
                if (featureIndex.TryGetValue(e.Ids[k], out var j))
                {
                    counts[c][j] += e.Counts[k];
                }
            }
        }
        return new MultinomialNaiveBayesModel(classes, documents, features, counts, Alpha);
    }
}

/// <summary>Features of one example: parallel arrays of feature ids and their (non-negative) counts.</summary>
/// <param name="Ids">Feature ids.</param>
/// <param name="Counts">The count of each id.</param>
public readonly record struct SparseCounts(int[] Ids, float[] Counts)
{
    /// <summary>An example without features.</summary>
    public static SparseCounts Empty { get; } = new([], []);
}

/// <summary>One class and its probability.</summary>
/// <param name="Label">The class.</param>
/// <param name="Probability">Posterior probability under the model, between 0 and 1.</param>
public readonly record struct ClassScore(string Label, double Probability);

/// <summary>
/// A trained <see cref="MultinomialNaiveBayes"/>: counts per class and feature, so it can be saved as JSON and loaded
/// to score exactly as before.
/// </summary>
public sealed class MultinomialNaiveBayesModel
{
    private readonly Dictionary<int, int> _featureIndex;
    private readonly double[] _logPrior;
    private readonly double[][] _logLikelihood;

    /// <summary>Builds a model from its counts (as <see cref="MultinomialNaiveBayes.Fit"/> or the JSON reader do).</summary>
    /// <exception cref="InvalidDataException">The arrays do not fit together.</exception>
    [JsonConstructor]
    public MultinomialNaiveBayesModel(string[] classes, int[] documents, int[] features, float[][] counts, double alpha)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(counts);
        if (classes.Length == 0 || documents.Length != classes.Length || counts.Length != classes.Length
            || counts.Any(c => c is null || c.Length != features.Length) || alpha <= 0)
        {
            throw new InvalidDataException("Naive Bayes model: classes, documents, counts and features do not fit together.");
        }
        Classes = classes;
        Documents = documents;
        Features = features;
        Counts = counts;
        Alpha = alpha;
        _featureIndex = new Dictionary<int, int>(features.Length);
        for (var j = 0; j < features.Length; j++)
        {
            _featureIndex[features[j]] = j;
        }
        var allDocuments = (double)documents.Sum();
        _logPrior = documents.Select(d => Math.Log((d + 1.0) / (allDocuments + classes.Length))).ToArray();
        _logLikelihood = new double[classes.Length][];
        for (var c = 0; c < classes.Length; c++)
        {
            var total = counts[c].Sum(v => (double)v) + alpha * (features.Length + 1);
            var row = new double[features.Length];
            for (var j = 0; j < features.Length; j++)
            {
                row[j] = Math.Log((counts[c][j] + alpha) / total);
            }
            _logLikelihood[c] = row;
        }
    }

    /// <summary>The classes, in ordinal order.</summary>
    public string[] Classes { get; }

    /// <summary>Training examples per class.</summary>
    public int[] Documents { get; }

    /// <summary>The feature ids the model knows, ascending.</summary>
    public int[] Features { get; }

    /// <summary>Counts per class (outer) and feature (inner, aligned with <see cref="Features"/>).</summary>
    public float[][] Counts { get; }

    /// <summary>The smoothing the model was trained with.</summary>
    public double Alpha { get; }

    /// <summary>Every class with its posterior probability, most probable first (ties in class order).</summary>
    public ClassScore[] Predict(SparseCounts example) => Predict(example, 1.0);

    /// <summary>
    /// Every class with its probability when the joint log-probabilities are divided by <paramref name="temperature"/>
    /// before they are normalised (temperature scaling, <see cref="Calibration.FitTemperature"/>): above 1 the
    /// probabilities are less extreme, the order of the classes is the same.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The temperature is not positive.</exception>
    public ClassScore[] Predict(SparseCounts example, double temperature)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(temperature);
        var scores = LogScores(example);
        var probabilities = Calibration.Softmax(scores, temperature);
        return probabilities
            .Select((p, c) => new ClassScore(Classes[c], p))
            .OrderByDescending(s => s.Probability)
            .ToArray();
    }

    /// <summary>The joint log-probability of each class (its prior plus the example's log-likelihood), in <see cref="Classes"/> order.</summary>
    public double[] LogScores(SparseCounts example)
    {
        var scores = (double[])_logPrior.Clone();
        var ids = example.Ids ?? [];
        for (var k = 0; k < ids.Length; k++)
        {
            if (!_featureIndex.TryGetValue(ids[k], out var j))
            {
                continue;
            }
            var n = example.Counts[k];
            for (var c = 0; c < scores.Length; c++)
            {
                scores[c] += n * _logLikelihood[c][j];
            }
        }
        return scores;
    }

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The model as JSON; <see cref="FromJson"/> reads it back to a model that scores identically.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a model written by <see cref="ToJson"/>.</summary>
    /// <exception cref="InvalidDataException">The JSON is not such a model.</exception>
    public static MultinomialNaiveBayesModel FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<MultinomialNaiveBayesModel>(json, Json)
                ?? throw new InvalidDataException("Naive Bayes model: the JSON is null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException("Naive Bayes model: the JSON is not a model.", e);
        }
    }
}
