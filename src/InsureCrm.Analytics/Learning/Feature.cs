namespace InsureCrm.Analytics.Learning;

/// <summary>How a learner reads a feature's values.</summary>
public enum FeatureKind
{
    /// <summary>A quantity: values are ordered and their differences mean something.</summary>
    Numeric,

    /// <summary>A code or label: a value is the index (0, 1, 2, …) of a level in <see cref="Feature.Categories"/>.</summary>
    Categorical,
}

/// <summary>
/// One column of a <see cref="Table"/>: its name, its kind and, for a categorical feature, the names of its
/// levels. A missing value is <see cref="double.NaN"/> in either kind.
/// </summary>
/// <param name="Name">Column name as the data file spells it.</param>
/// <param name="Kind">Numeric or categorical.</param>
/// <param name="Categories">Level names of a categorical feature, in index order; empty for a numeric one.</param>
public sealed record Feature(string Name, FeatureKind Kind, IReadOnlyList<string> Categories)
{
    /// <summary>A numeric feature.</summary>
    public static Feature Numeric(string name) => new(name, FeatureKind.Numeric, []);

    /// <summary>A categorical feature with the given levels (index order).</summary>
    public static Feature Categorical(string name, IReadOnlyList<string> categories) => new(name, FeatureKind.Categorical, categories);

    /// <summary>Value as people read it: the level name of a categorical value, the number otherwise, "missing" for NaN.</summary>
    public string Describe(double value)
    {
        if (double.IsNaN(value))
        {
            return "missing";
        }
        return Kind == FeatureKind.Categorical && value >= 0 && value < Categories.Count && value == Math.Floor(value)
            ? Categories[(int)value]
            : value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
    }
}
