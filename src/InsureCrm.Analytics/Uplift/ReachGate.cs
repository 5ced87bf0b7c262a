using System.Globalization;
using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Uplift;

/// <summary>
/// An uplift learner told which rows the treatment could not reach: a numeric feature (the reach feature) that is 0
/// for a row whose treatment was never delivered, whatever its arm (a campaign member no channel could contact, known
/// when the arms were drawn). Under intention to treat such a row's uplift is 0 by construction, so the inner learner
/// learns from the other rows only (still randomised: reach is known before treatment, for both arms alike), and the
/// model predicts 0 wherever the reach feature is 0. A missing reach value counts as reachable.
/// </summary>
/// <remarks>
/// Without the gate the learners must find the interaction "no effect where unreachable" in the data themselves; with
/// few responders they do not (bench/findings/2026-12-04-issue13-round2.md: the unreachable rows add only noise to
/// both arms' fits).
/// </remarks>
/// <param name="inner">Learns the uplift of the reachable rows.</param>
/// <param name="reach">Name of the reach feature.</param>
public sealed class ReachGatedUplift(IUpliftLearner inner, string reach) : IUpliftLearner
{
    private readonly IUpliftLearner _inner = inner ?? throw new ArgumentNullException(nameof(inner));
    private readonly string _reach = reach ?? throw new ArgumentNullException(nameof(reach));

    /// <inheritdoc/>
    public string Algorithm => _inner.Algorithm;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">
    /// The reach feature is not a numeric feature of <paramref name="data"/>, no row is reachable, or the reachable rows
    /// fail the inner learner's checks.
    /// </exception>
    public IUpliftModel Fit(Table data, ReadOnlySpan<bool> treatment, ReadOnlySpan<bool> labels)
    {
        ArgumentNullException.ThrowIfNull(data);
        var index = ReachGatedUpliftModel.IndexOf(data.Features, _reach);
        var column = data.Column(index);
        if (_inner is TwoModelUplift { PoolsUntreated: true } twoModel)
        {
            return FitTwoModel(twoModel, data, treatment, labels, index);
        }
        var rows = new List<int>(data.Rows);
        for (var r = 0; r < data.Rows; r++)
        {
            if (column[r] != 0)
            {
                rows.Add(r);
            }
        }
        if (rows.Count == 0)
        {
            throw new ArgumentException($"No row is reachable: the reach feature '{_reach}' is 0 on every row.", nameof(data));
        }
        if (rows.Count == data.Rows)
        {
            return new ReachGatedUpliftModel(_inner.Fit(data, treatment, labels), index, 1);
        }
        var kept = rows.ToArray();
        var t = new bool[kept.Length];
        var y = new bool[kept.Length];
        for (var i = 0; i < kept.Length; i++)
        {
            t[i] = treatment[kept[i]];
            y[i] = labels[kept[i]];
        }
        var model = _inner.Fit(data.Take(kept), t, y);
        return new ReachGatedUpliftModel(model, index, kept.Length / (double)data.Rows);
    }

    /// <summary>
    /// The two-model approach under the gate: the treated model learns from the reachable treated rows, the no-treatment
    /// model from every row the treatment did not reach, whatever its arm: the control rows, reachable or not, and the
    /// unreachable treated rows. Under intention to treat an unreachable treated row was never treated, so it is as
    /// valid an observation of the outcome without treatment as a control row; the reach feature stays a column of that
    /// model, so it still tells the reachable rows' outcome apart from the unreachable rows' (a logistic regression gives
    /// the reachable a rate of their own, sharing the other features' effects with the unreachable). With few reachable
    /// control rows (a pilot whose channels reach a small share of its members), the no-treatment model then learns from
    /// many times more rows and responders (bench/findings/2026-12-04-issue13-round2.md).
    /// Only for a learner that gives every feature a term of its own (<see cref="TwoModelUplift.PoolsUntreated"/>): trees
    /// seldom split on the reach feature when the reachable control rows hold one or two responders, so a boosted
    /// no-treatment model gave the reachable rows the unreachable rows' rate (bench/uplift.sh: 76.6 % of the truth's top
    /// 30 % pooled against 89.7 % from the reachable rows only); those learn from the reachable rows, as the other approaches do.
    /// </summary>
    private ReachGatedUpliftModel FitTwoModel(TwoModelUplift twoModel, Table data, ReadOnlySpan<bool> treatment, ReadOnlySpan<bool> labels, int index)
    {
        var counts = UpliftData.Check(data, treatment, labels, eachArmNeedsBothOutcomes: false);
        var column = data.Column(index);
        var treatedRows = new List<int>(counts.Treated);
        var untreatedRows = new List<int>(data.Rows);
        int reachable = 0, reachableControl = 0, reachableControlResponders = 0, treatedResponders = 0, untreatedResponders = 0;
        for (var r = 0; r < data.Rows; r++)
        {
            var reached = column[r] != 0;
            reachable += reached ? 1 : 0;
            if (treatment[r] && reached)
            {
                treatedRows.Add(r);
                treatedResponders += labels[r] ? 1 : 0;
                continue;
            }
            untreatedRows.Add(r);
            untreatedResponders += labels[r] ? 1 : 0;
            if (!treatment[r] && reached)
            {
                reachableControl++;
                reachableControlResponders += labels[r] ? 1 : 0;
            }
        }
        if (reachable == 0)
        {
            throw new ArgumentException($"No row is reachable: the reach feature '{_reach}' is 0 on every row.", nameof(data));
        }
        if (reachableControl == 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Too few reachable control rows: none of the {counts.Control} control rows could be reached ('{_reach}' not 0), so nothing shows the reachable rows' outcome without treatment."),
                nameof(data));
        }
        if (treatedResponders == 0 || treatedResponders == treatedRows.Count)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The reachable treated rows have only one outcome class: all {treatedRows.Count} of them are {(treatedResponders == 0 ? "negative" : "positive")}; a model of the treated outcome needs both."),
                nameof(labels));
        }
        if (untreatedResponders == 0 || untreatedResponders == untreatedRows.Count)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Too few reachable control rows to tell the outcome without treatment: {reachableControl} of the {counts.Control} control rows could be reached ({reachableControlResponders} responders), and all {untreatedRows.Count} rows without treatment (the control rows and {untreatedRows.Count - counts.Control} unreachable treated rows) are {(untreatedResponders == 0 ? "negative" : "positive")}; a model of the outcome without treatment needs both."),
                nameof(labels));
        }
        var model = twoModel.Fit(data, labels, [.. treatedRows], [.. untreatedRows]);
        return new ReachGatedUpliftModel(model, index, reachable / (double)data.Rows);
    }
}

/// <summary>An uplift model that predicts 0 where its reach feature is 0 and its inner model's uplift elsewhere.</summary>
/// <param name="inner">The model of the reachable rows (over every feature, the reach feature included).</param>
/// <param name="reach">Index of the reach feature.</param>
/// <param name="reachableShare">Share of the training rows that were reachable, for the explanations' base.</param>
public sealed class ReachGatedUpliftModel(IUpliftModel inner, int reach, double reachableShare) : IUpliftModel
{
    /// <summary>Which rows of a reach feature's column the treatment could reach: the value not 0 (a missing value counts as reachable).</summary>
    public static bool[] Reachable(ReadOnlySpan<double> reach)
    {
        var reached = new bool[reach.Length];
        for (var r = 0; r < reach.Length; r++)
        {
            reached[r] = reach[r] != 0;
        }
        return reached;
    }

    /// <summary>The model of the reachable rows.</summary>
    public IUpliftModel Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <summary>Index of the reach feature in <see cref="Features"/>.</summary>
    public int Reach { get; } = reach >= 0 && reach < inner.Features.Count ? reach : throw new ArgumentOutOfRangeException(nameof(reach));

    /// <summary>Share of the training rows that were reachable.</summary>
    public double ReachableShare { get; } = reachableShare is >= 0 and <= 1 ? reachableShare : throw new ArgumentOutOfRangeException(nameof(reachableShare));

    /// <inheritdoc/>
    public string Algorithm => Inner.Algorithm;

    /// <inheritdoc/>
    public IReadOnlyList<Feature> Features => Inner.Features;

    /// <inheritdoc/>
    public double Predict(ReadOnlySpan<double> row) => row[Reach] == 0 ? 0 : Inner.Predict(row);

    /// <inheritdoc/>
    public double[] PredictAll(Table data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var uplift = Inner.PredictAll(data);
        var reach = data.Column(Reach);
        for (var r = 0; r < uplift.Length; r++)
        {
            if (reach[r] == 0)
            {
                uplift[r] = 0;
            }
        }
        return uplift;
    }

    /// <summary>
    /// The base is the inner model's base times the reachable share (the training rows' average under the gate); the
    /// reach feature adds the rest of the inner base for a reachable row ("contact planned (raises)") and takes the base
    /// back for an unreachable one ("no contact planned (lowers)"); the other features contribute as in the inner model
    /// for a reachable row and nothing for an unreachable one.
    /// </summary>
    public UpliftExplanation Explain(ReadOnlySpan<double> row)
    {
        var explanation = Inner.Explain(row);
        var @base = ReachableShare * explanation.Base;
        var amounts = new double[Features.Count];
        if (row[Reach] != 0)
        {
            foreach (var c in explanation.Contributions)
            {
                amounts[c.Feature] = c.Amount;
            }
            amounts[Reach] += explanation.Base - @base;
        }
        else
        {
            amounts[Reach] = -@base;
        }
        return UpliftExplanation.Create(@base, Features, row, amounts);
    }

    /// <summary>The index of the numeric feature named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such feature, or it is categorical.</exception>
    internal static int IndexOf(IReadOnlyList<Feature> features, string name)
    {
        for (var j = 0; j < features.Count; j++)
        {
            if (features[j].Name == name)
            {
                return features[j].Kind == FeatureKind.Numeric
                    ? j
                    : throw new ArgumentException($"The reach feature '{name}' is categorical; it must be numeric, 0 where the treatment cannot reach the row.", nameof(name));
            }
        }
        throw new ArgumentException($"The reach feature '{name}' is not one of the features.", nameof(name));
    }
}
