using InsureCrm.Analytics.Learning;

namespace InsureCrm.Core.Models;

/// <summary>
/// Which computed column each feature of a stored model reads, matched by name (and kind and levels), so that a model
/// trained before features were added (its file lists the columns it was trained on) keeps scoring on the columns it
/// knows until a new version is trained and approved. A feature the model needs that this version no longer computes,
/// or computes differently (a categorical's levels changed), cannot be scored: that model must be retrained.
/// </summary>
public sealed class FeatureMap
{
    private readonly int[] _columns;

    private FeatureMap(int[] columns, bool identity)
    {
        _columns = columns;
        IsIdentity = identity;
    }

    /// <summary>The model reads the computed columns as they are (same features, same order).</summary>
    public bool IsIdentity { get; }

    /// <summary>The model's features' columns in the computed set, in the model's order.</summary>
    public IReadOnlyList<int> Columns => _columns;

    /// <summary>Maps <paramref name="trained"/> (the model file's features) onto <paramref name="computed"/>.</summary>
    /// <exception cref="InvalidOperationException">A trained feature is not computed (or has other levels); the message names them and <paramref name="model"/>.</exception>
    public static FeatureMap Of(IReadOnlyList<Feature> trained, IReadOnlyList<Feature> computed, string model)
    {
        ArgumentNullException.ThrowIfNull(trained);
        ArgumentNullException.ThrowIfNull(computed);
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var j = 0; j < computed.Count; j++)
        {
            byName.TryAdd(computed[j].Name, j);
        }
        var columns = new int[trained.Count];
        var missing = new List<string>();
        for (var k = 0; k < trained.Count; k++)
        {
            var f = trained[k];
            if (byName.TryGetValue(f.Name, out var j) && computed[j].Kind == f.Kind && computed[j].Categories.SequenceEqual(f.Categories, StringComparer.Ordinal))
            {
                columns[k] = j;
            }
            else
            {
                missing.Add(f.Name);
            }
        }
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"{model} was trained on features this version does not compute as it was trained ({string.Join(", ", missing)}); train and approve a new version.");
        }
        var identity = trained.Count == computed.Count && columns.Select((j, k) => j == k).All(x => x);
        return new FeatureMap(columns, identity);
    }

    /// <summary>The model's row from a computed row (the computed row itself when <see cref="IsIdentity"/>).</summary>
    public ReadOnlySpan<double> Row(ReadOnlySpan<double> computed, Span<double> buffer)
    {
        if (IsIdentity)
        {
            return computed;
        }
        for (var k = 0; k < _columns.Length; k++)
        {
            buffer[k] = computed[_columns[k]];
        }
        return buffer[.._columns.Length];
    }

    /// <summary>The model's table from a computed table (the same table when <see cref="IsIdentity"/>).</summary>
    public Table Select(Table computed, IReadOnlyList<Feature> trained)
    {
        ArgumentNullException.ThrowIfNull(computed);
        ArgumentNullException.ThrowIfNull(trained);
        if (IsIdentity)
        {
            return computed;
        }
        return new Table(trained, [.. _columns.Select(j => computed.Column(j).ToArray())]);
    }
}
