using System.Text.Json;

namespace InsureCrm.Analytics.Learning;

/// <summary>One weight of a logistic regression, as people read it.</summary>
/// <param name="Feature">The feature's name.</param>
/// <param name="Level">The level of a categorical feature; null for a numeric feature.</param>
/// <param name="Weight">
/// Change in log-odds: per training standard deviation of a numeric feature, or for a row at this level rather
/// than at no level (missing) of a categorical one.
/// </param>
/// <param name="PerUnit">Change in log-odds per unit of a numeric feature (<paramref name="Weight"/> ÷ standard deviation); the weight again for a level.</param>
public sealed record Coefficient(string Feature, string? Level, double Weight, double PerUnit);

/// <summary>
/// A trained <see cref="LogisticRegression"/>: p = σ(intercept + Σ numeric wⱼ (xⱼ − meanⱼ) / sdⱼ + Σ categorical w[level]).
/// Immutable; scores from many threads at once without allocating.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Explain"/> works on log-odds and is the exact linear SHAP decomposition: each feature's term minus
/// its mean over the training rows. A numeric feature contributes wⱼ zⱼ (0 when missing, i.e. at the training
/// mean). A categorical feature contributes w[level] − c̄ⱼ, where c̄ⱼ is the training-frequency-weighted mean of
/// its level weights (a missing or unknown level counts as weight 0, and contributes −c̄ⱼ). The base is
/// intercept + Σ c̄ⱼ, which is the mean log-odds over the training rows. Base + Σ contributions = logit(p).
/// </para>
/// </remarks>
public sealed class LogisticRegressionModel : ILogOddsClassifier
{
    private readonly Feature[] _features;
    private readonly bool[] _isNumeric;
    private readonly int[] _offsets;
    private readonly int[] _levels;
    private readonly double[] _means;
    private readonly double[] _scales;
    private readonly double[] _slopes;
    private readonly double[] _weights;
    private readonly double[] _centres;
    private readonly double _intercept;
    private readonly double _base;

    internal LogisticRegressionModel(IReadOnlyList<Feature> features, int[] offsets, double[] means, double[] scales, double[] weights,
        double intercept, double[] centres, double c, int iterations, bool converged)
    {
        _features = [.. features];
        _offsets = offsets;
        _means = means;
        _scales = scales;
        _weights = weights;
        _intercept = intercept;
        _centres = centres;
        C = c;
        Iterations = iterations;
        Converged = converged;
        _isNumeric = new bool[_features.Length];
        _levels = new int[_features.Length];
        _slopes = new double[_features.Length];
        var @base = intercept;
        for (var j = 0; j < _features.Length; j++)
        {
            _isNumeric[j] = _features[j].Kind == FeatureKind.Numeric;
            _levels[j] = _features[j].Categories.Count;
            _slopes[j] = _isNumeric[j] ? weights[offsets[j]] / scales[j] : 0;
            @base += centres[j];
        }
        _base = @base;
    }

    /// <inheritdoc />
    public string Algorithm => LogisticRegression.Name;

    /// <inheritdoc />
    public IReadOnlyList<Feature> Features => _features;

    /// <summary>The penalty parameter the model was trained with.</summary>
    public double C { get; }

    /// <summary>Newton iterations the training took.</summary>
    public int Iterations { get; }

    /// <summary>Whether the gradient tolerance was reached within the iteration limit.</summary>
    public bool Converged { get; }

    /// <summary>Log-odds of a row whose numeric values are all at their training means and whose categorical values are all missing.</summary>
    public double Intercept => _intercept;

    /// <summary>The base of every explanation: the mean log-odds over the training rows.</summary>
    public double BaseLogOdds => _base;

    /// <summary>Every weight, in feature order (the levels of a categorical feature in level order).</summary>
    public IReadOnlyList<Coefficient> Coefficients
    {
        get
        {
            var list = new List<Coefficient>(_weights.Length);
            for (var j = 0; j < _features.Length; j++)
            {
                if (_isNumeric[j])
                {
                    list.Add(new Coefficient(_features[j].Name, null, _weights[_offsets[j]], _slopes[j]));
                }
                else
                {
                    for (var l = 0; l < _levels[j]; l++)
                    {
                        var w = _weights[_offsets[j] + l];
                        list.Add(new Coefficient(_features[j].Name, _features[j].Categories[l], w, w));
                    }
                }
            }
            return list;
        }
    }

    /// <summary>Change in log-odds per unit of numeric feature <paramref name="feature"/> (0 for a categorical one).</summary>
    internal double Slope(int feature) => _slopes[feature];

    /// <summary>Training mean of numeric feature <paramref name="feature"/>.</summary>
    internal double Mean(int feature) => _means[feature];

    /// <inheritdoc />
    public double LogOdds(ReadOnlySpan<double> row)
    {
        LabelCheck.Row(row, _features.Length);
        var eta = _intercept;
        for (var j = 0; j < _features.Length; j++)
        {
            var x = row[j];
            if (double.IsNaN(x))
            {
                continue;
            }
            if (_isNumeric[j])
            {
                eta += _slopes[j] * (x - _means[j]);
            }
            else if (x >= 0 && x < _levels[j])
            {
                eta += _weights[_offsets[j] + (int)x];
            }
        }
        return eta;
    }

    /// <inheritdoc />
    public double Predict(ReadOnlySpan<double> row) => 1 / (1 + Math.Exp(-LogOdds(row)));

    /// <inheritdoc />
    public Explanation Explain(ReadOnlySpan<double> row)
    {
        LabelCheck.Row(row, _features.Length);
        var amounts = new double[_features.Length];
        for (var j = 0; j < _features.Length; j++)
        {
            var x = row[j];
            if (_isNumeric[j])
            {
                amounts[j] = double.IsNaN(x) ? 0 : _slopes[j] * (x - _means[j]);
            }
            else
            {
                var w = !double.IsNaN(x) && x >= 0 && x < _levels[j] ? _weights[_offsets[j] + (int)x] : 0;
                amounts[j] = w - _centres[j];
            }
        }
        return Explanation.Create(ExplanationScale.LogOdds, _base, _features, row, amounts);
    }

    /// <inheritdoc />
    public void Write(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteNumber("c", C);
        writer.WriteNumber("iterations", Iterations);
        writer.WriteBoolean("converged", Converged);
        writer.WriteNumber("intercept", _intercept);
        JsonArrays.Write(writer, "means", _means);
        JsonArrays.Write(writer, "scales", _scales);
        JsonArrays.Write(writer, "centres", _centres);
        JsonArrays.Write(writer, "weights", _weights);
        writer.WriteEndObject();
    }

    /// <summary>Reads a model written by <see cref="Write"/> (the reader registered in <see cref="ModelFile"/>).</summary>
    /// <exception cref="InvalidDataException">The parameters do not fit the features.</exception>
    public static LogisticRegressionModel Read(JsonElement model, IReadOnlyList<Feature> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var means = JsonArrays.Read(model, "means");
        var scales = JsonArrays.Read(model, "scales");
        var centres = JsonArrays.Read(model, "centres");
        var weights = JsonArrays.Read(model, "weights");
        JsonArrays.CheckLength(means.Length, features.Count, "means");
        JsonArrays.CheckLength(scales.Length, features.Count, "scales");
        JsonArrays.CheckLength(centres.Length, features.Count, "centres");
        var offsets = new int[features.Count];
        var columns = 0;
        for (var j = 0; j < features.Count; j++)
        {
            offsets[j] = columns;
            columns += features[j].Kind == FeatureKind.Numeric ? 1 : features[j].Categories.Count;
        }
        JsonArrays.CheckLength(weights.Length, columns, "weights");
        return new LogisticRegressionModel(features, offsets, means, scales, weights, model.GetProperty("intercept").GetDouble(), centres,
            model.GetProperty("c").GetDouble(), model.GetProperty("iterations").GetInt32(), model.GetProperty("converged").GetBoolean());
    }
}
