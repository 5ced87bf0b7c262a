using System.Text.Json;

namespace InsureCrm.Analytics.Learning;

/// <summary>
/// Naive Bayes for mixed data: a Gaussian per class for each numeric feature (scikit-learn's <c>GaussianNB</c>)
/// and a smoothed frequency table per class for each categorical feature (<c>CategoricalNB</c>), the features
/// taken as independent given the class.
/// </summary>
/// <remarks>
/// Missing values are skipped: they do not enter the means, variances or counts, and a missing value at
/// scoring time contributes nothing. A numeric feature without a value in one of the classes is left out of
/// the model (contributes 0).
/// </remarks>
public sealed class NaiveBayes : ILearner
{
    /// <summary>Name of the algorithm in model files.</summary>
    public const string Name = "bayes";

    /// <inheritdoc />
    public string Algorithm => Name;

    /// <summary>
    /// Added to every class variance, as a share of the largest variance of any numeric feature (over both
    /// classes), as scikit-learn's <c>var_smoothing</c>. Default 1e-9.
    /// </summary>
    public double VarSmoothing { get; init; } = 1e-9;

    /// <summary>Laplace (additive) smoothing of level counts, as scikit-learn's <c>alpha</c>. Default 1.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <inheritdoc />
    IClassifier ILearner.Fit(Table data, ReadOnlySpan<bool> labels) => Fit(data, labels);

    /// <summary>Trains on every row of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">Label count differs from the row count, or only one class is present.</exception>
    public NaiveBayesModel Fit(Table data, ReadOnlySpan<bool> labels)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(VarSmoothing, nameof(VarSmoothing));
        ArgumentOutOfRangeException.ThrowIfNegative(Alpha, nameof(Alpha));
        var positives = LabelCheck.CountPositives(data, labels, Name);
        var n = data.Rows;
        var f = data.Columns;
        var features = data.Features;
        var numeric = new NaiveBayesModel.Gaussian[f];
        var tables = new double[f][];
        var largestVariance = 0.0;
        for (var j = 0; j < f; j++)
        {
            var values = data.Column(j);
            if (features[j].Kind == FeatureKind.Numeric)
            {
                numeric[j] = Moments(values, labels);
                largestVariance = Math.Max(largestVariance, numeric[j].Variance);
            }
            else
            {
                var levels = features[j].Categories.Count;
                var counts = new double[2 * levels];
                double total0 = 0, total1 = 0;
                for (var r = 0; r < n; r++)
                {
                    var x = values[r];
                    if (!double.IsNaN(x))
                    {
                        counts[(labels[r] ? levels : 0) + (int)x]++;
                        if (labels[r])
                        {
                            total1++;
                        }
                        else
                        {
                            total0++;
                        }
                    }
                }
                var table = new double[levels];
                if (total0 > 0 && total1 > 0)
                {
                    for (var l = 0; l < levels; l++)
                    {
                        var p1 = (counts[levels + l] + Alpha) / (total1 + (Alpha * levels));
                        var p0 = (counts[l] + Alpha) / (total0 + (Alpha * levels));
                        // Without smoothing a level seen in one class only would be certain; leave it uninformative.
                        table[l] = p1 > 0 && p0 > 0 ? Math.Log(p1 / p0) : 0;
                    }
                }
                tables[j] = table;
            }
        }
        // scikit-learn: epsilon = var_smoothing × the largest feature variance. A data set whose numeric features
        // are all constant would give 0 and divide by it; use var_smoothing itself then.
        var epsilon = VarSmoothing * (largestVariance > 0 ? largestVariance : 1);
        if (epsilon == 0)
        {
            epsilon = double.Epsilon;
        }
        for (var j = 0; j < f; j++)
        {
            if (features[j].Kind == FeatureKind.Numeric)
            {
                numeric[j] = numeric[j] with { Variance0 = numeric[j].Variance0 + epsilon, Variance1 = numeric[j].Variance1 + epsilon };
            }
        }
        return new NaiveBayesModel(features, Math.Log((double)positives / (n - positives)), numeric, tables);
    }

    /// <summary>Class means and (population) variances of the non-missing values, and the overall variance.</summary>
    private static NaiveBayesModel.Gaussian Moments(ReadOnlySpan<double> values, ReadOnlySpan<bool> labels)
    {
        double sum0 = 0, sum1 = 0;
        long count0 = 0, count1 = 0;
        for (var r = 0; r < values.Length; r++)
        {
            var x = values[r];
            if (double.IsNaN(x))
            {
                continue;
            }
            if (labels[r])
            {
                sum1 += x;
                count1++;
            }
            else
            {
                sum0 += x;
                count0++;
            }
        }
        if (count0 == 0 || count1 == 0)
        {
            return new NaiveBayesModel.Gaussian(false, 0, 0, 0, 0, 0);
        }
        var mean0 = sum0 / count0;
        var mean1 = sum1 / count1;
        var mean = (sum0 + sum1) / (count0 + count1);
        double squares0 = 0, squares1 = 0, squares = 0;
        for (var r = 0; r < values.Length; r++)
        {
            var x = values[r];
            if (double.IsNaN(x))
            {
                continue;
            }
            squares += (x - mean) * (x - mean);
            if (labels[r])
            {
                squares1 += (x - mean1) * (x - mean1);
            }
            else
            {
                squares0 += (x - mean0) * (x - mean0);
            }
        }
        return new NaiveBayesModel.Gaussian(true, mean0, squares0 / count0, mean1, squares1 / count1, squares / (count0 + count1));
    }
}

/// <summary>
/// A trained <see cref="NaiveBayes"/> model. Its log-odds are the log prior odds plus, for each feature, the
/// log-likelihood ratio ln P(x | positive) − ln P(x | negative) of the row's value; <see cref="Explain"/> reports
/// exactly those terms (base = log prior odds, contribution = the feature's log-likelihood ratio, 0 when missing).
/// Immutable; scores from many threads at once without allocating.
/// </summary>
public sealed class NaiveBayesModel : ILogOddsClassifier
{
    private readonly Feature[] _features;
    private readonly Gaussian[] _numeric;
    private readonly double[][] _tables;
    private readonly double[] _halfLogVarianceRatio;
    private readonly double[] _halfInverse0;
    private readonly double[] _halfInverse1;

    /// <summary>Per-class normal distribution of a numeric feature (variances include the smoothing once trained).</summary>
    internal readonly record struct Gaussian(bool Used, double Mean0, double Variance0, double Mean1, double Variance1, double Variance);

    internal NaiveBayesModel(IReadOnlyList<Feature> features, double logPriorOdds, Gaussian[] numeric, double[][] tables)
    {
        _features = [.. features];
        LogPriorOdds = logPriorOdds;
        _numeric = numeric;
        _tables = tables;
        _halfLogVarianceRatio = new double[_features.Length];
        _halfInverse0 = new double[_features.Length];
        _halfInverse1 = new double[_features.Length];
        for (var j = 0; j < _features.Length; j++)
        {
            if (_features[j].Kind == FeatureKind.Numeric && numeric[j].Used)
            {
                _halfLogVarianceRatio[j] = 0.5 * Math.Log(numeric[j].Variance1 / numeric[j].Variance0);
                _halfInverse0[j] = 0.5 / numeric[j].Variance0;
                _halfInverse1[j] = 0.5 / numeric[j].Variance1;
            }
        }
    }

    /// <inheritdoc />
    public string Algorithm => NaiveBayes.Name;

    /// <inheritdoc />
    public IReadOnlyList<Feature> Features => _features;

    /// <summary>ln(positives / negatives) in the training data: the log-odds of a row with every value missing.</summary>
    public double LogPriorOdds { get; }

    /// <summary>Mean and variance (smoothed) of numeric feature <paramref name="feature"/> in the negative and positive class.</summary>
    /// <exception cref="ArgumentException">The feature is categorical.</exception>
    public (double Mean0, double Variance0, double Mean1, double Variance1) ClassMoments(int feature)
    {
        if (_features[feature].Kind != FeatureKind.Numeric)
        {
            throw new ArgumentException($"'{_features[feature].Name}' is categorical; it has level ratios, not moments.", nameof(feature));
        }
        var g = _numeric[feature];
        return (g.Mean0, g.Variance0, g.Mean1, g.Variance1);
    }

    /// <summary>Log-likelihood ratio of feature <paramref name="feature"/> at value <paramref name="x"/>: its contribution to the log-odds.</summary>
    public double LogLikelihoodRatio(int feature, double x)
    {
        if (double.IsNaN(x))
        {
            return 0;
        }
        if (_features[feature].Kind == FeatureKind.Numeric)
        {
            var g = _numeric[feature];
            if (!g.Used)
            {
                return 0;
            }
            var d0 = x - g.Mean0;
            var d1 = x - g.Mean1;
            return (d0 * d0 * _halfInverse0[feature]) - (d1 * d1 * _halfInverse1[feature]) - _halfLogVarianceRatio[feature];
        }
        var table = _tables[feature];
        return x >= 0 && x < table.Length ? table[(int)x] : 0;
    }

    /// <inheritdoc />
    public double LogOdds(ReadOnlySpan<double> row)
    {
        LabelCheck.Row(row, _features.Length);
        var logit = LogPriorOdds;
        for (var j = 0; j < _features.Length; j++)
        {
            logit += LogLikelihoodRatio(j, row[j]);
        }
        return logit;
    }

    /// <inheritdoc />
    public double Predict(ReadOnlySpan<double> row) => 1 / (1 + Math.Exp(-LogOdds(row)));

    /// <inheritdoc />
    public Explanation Explain(ReadOnlySpan<double> row)
    {
        LabelCheck.Row(row, _features.Length);
        var amounts = new double[_features.Length];
        for (var j = 0; j < amounts.Length; j++)
        {
            amounts[j] = LogLikelihoodRatio(j, row[j]);
        }
        return Explanation.Create(ExplanationScale.LogOdds, LogPriorOdds, _features, row, amounts);
    }

    /// <inheritdoc />
    public void Write(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteNumber("logPriorOdds", LogPriorOdds);
        writer.WriteStartArray("features");
        for (var j = 0; j < _features.Length; j++)
        {
            writer.WriteStartObject();
            if (_features[j].Kind == FeatureKind.Numeric)
            {
                var g = _numeric[j];
                writer.WriteBoolean("used", g.Used);
                writer.WriteNumber("mean0", g.Mean0);
                writer.WriteNumber("variance0", g.Variance0);
                writer.WriteNumber("mean1", g.Mean1);
                writer.WriteNumber("variance1", g.Variance1);
            }
            else
            {
                JsonArrays.Write(writer, "logRatios", _tables[j]);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Reads a model written by <see cref="Write"/> (the reader registered in <see cref="ModelFile"/>).</summary>
    /// <exception cref="InvalidDataException">The parameters do not fit the features.</exception>
    public static NaiveBayesModel Read(JsonElement model, IReadOnlyList<Feature> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var array = model.GetProperty("features");
        JsonArrays.CheckLength(array.GetArrayLength(), features.Count, "features");
        var numeric = new Gaussian[features.Count];
        var tables = new double[features.Count][];
        var j = 0;
        foreach (var e in array.EnumerateArray())
        {
            if (features[j].Kind == FeatureKind.Numeric)
            {
                numeric[j] = new Gaussian(e.GetProperty("used").GetBoolean(), e.GetProperty("mean0").GetDouble(), e.GetProperty("variance0").GetDouble(),
                    e.GetProperty("mean1").GetDouble(), e.GetProperty("variance1").GetDouble(), 0);
            }
            else
            {
                tables[j] = JsonArrays.Read(e, "logRatios");
                JsonArrays.CheckLength(tables[j].Length, features[j].Categories.Count, $"levels of '{features[j].Name}'");
            }
            j++;
        }
        return new NaiveBayesModel(features, model.GetProperty("logPriorOdds").GetDouble(), numeric, tables);
    }
}
