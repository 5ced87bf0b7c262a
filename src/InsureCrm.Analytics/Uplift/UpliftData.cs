using System.Globalization;
using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Uplift;

/// <summary>Rows of a randomised test (all of them, or a group such as a decile), counted by arm and outcome.</summary>
/// <param name="Treated">Rows in the treated (contacted) arm.</param>
/// <param name="TreatedResponders">Treated rows with a positive outcome.</param>
/// <param name="Control">Rows in the control (not contacted) arm.</param>
/// <param name="ControlResponders">Control rows with a positive outcome.</param>
public sealed record UpliftCounts(int Treated, int TreatedResponders, int Control, int ControlResponders)
{
    /// <summary>All rows.</summary>
    public int Rows => Treated + Control;

    /// <summary>Share of the rows that were treated, between 0 and 1; NaN when there are no rows.</summary>
    public double TreatmentShare => Rows == 0 ? double.NaN : (double)Treated / Rows;

    /// <summary>Share of the treated rows with a positive outcome; NaN when there is no treated row.</summary>
    public double TreatedRate => Treated == 0 ? double.NaN : (double)TreatedResponders / Treated;

    /// <summary>Share of the control rows with a positive outcome; NaN when there is no control row.</summary>
    public double ControlRate => Control == 0 ? double.NaN : (double)ControlResponders / Control;

    /// <summary>Treated rate minus control rate: the average effect of treating these rows; NaN when an arm is empty.</summary>
    public double Uplift => TreatedRate - ControlRate;
}

/// <summary>
/// Checks of the data an uplift model learns from or is measured on (a treatment flag and an outcome per row),
/// with messages that name the problem, and the parsing of a treatment column as a data file spells it.
/// </summary>
public static class UpliftData
{
    /// <summary>
    /// Counts the rows by arm and outcome after checking that there is one treatment flag and one outcome per row and
    /// that both arms have rows; with <paramref name="eachArmNeedsBothOutcomes"/>, also that each arm has positive and
    /// negative outcomes (a learner fitted to one arm needs both classes).
    /// </summary>
    /// <param name="rows">Rows of the data (the table's row count).</param>
    /// <param name="treatment">True for a treated row, false for a control row.</param>
    /// <param name="labels">True for a positive outcome.</param>
    /// <param name="eachArmNeedsBothOutcomes">Whether each arm must hold both outcome classes.</param>
    /// <exception cref="ArgumentException">
    /// The lengths differ, there are no rows, no control rows (treatment share 100 %), no treated rows (share 0 %), or
    /// (when asked) an arm has only one outcome class.
    /// </exception>
    public static UpliftCounts Check(int rows, ReadOnlySpan<bool> treatment, ReadOnlySpan<bool> labels, bool eachArmNeedsBothOutcomes = false)
    {
        if (treatment.Length != rows)
        {
            throw new ArgumentException($"{treatment.Length} treatment flags for {rows} rows; there must be one treatment flag per row.", nameof(treatment));
        }
        if (labels.Length != rows)
        {
            throw new ArgumentException($"{labels.Length} outcome labels for {rows} rows; there must be one outcome label per row.", nameof(labels));
        }
        if (rows == 0)
        {
            throw new ArgumentException("There are no rows: uplift needs treated and control rows.", nameof(treatment));
        }
        int treated = 0, treatedResponders = 0, controlResponders = 0;
        for (var r = 0; r < rows; r++)
        {
            if (treatment[r])
            {
                treated++;
                treatedResponders += labels[r] ? 1 : 0;
            }
            else
            {
                controlResponders += labels[r] ? 1 : 0;
            }
        }
        var control = rows - treated;
        if (control == 0)
        {
            throw new ArgumentException(
                $"There are no control rows: all {rows} rows are treated (treatment share 100 %), so nothing shows what happens without treatment.",
                nameof(treatment));
        }
        if (treated == 0)
        {
            throw new ArgumentException(
                $"There are no treated rows: all {rows} rows are control (treatment share 0 %), so nothing shows what treatment does.", nameof(treatment));
        }
        if (eachArmNeedsBothOutcomes)
        {
            OneOutcomeClass("treated", treated, treatedResponders, labels);
            OneOutcomeClass("control", control, controlResponders, labels);
        }
        return new UpliftCounts(treated, treatedResponders, control, controlResponders);
    }

    /// <summary>
    /// Reads a treatment column as a data file spells it: <c>1</c>, <c>true</c>, <c>yes</c> for treated and <c>0</c>,
    /// <c>false</c>, <c>no</c> for control (case and surrounding spaces ignored).
    /// </summary>
    /// <param name="values">The column's values, one per data row in file order.</param>
    /// <param name="column">The column's name, for the message.</param>
    /// <returns>True for a treated row.</returns>
    /// <exception cref="ArgumentException">
    /// A value is none of those (an empty value included); the message names the first such value and its data row
    /// (1-based, the header not counted).
    /// </exception>
    public static bool[] ParseTreatment(IReadOnlyList<string?> values, string column)
    {
        ArgumentNullException.ThrowIfNull(values);
        var treatment = new bool[values.Count];
        for (var r = 0; r < values.Count; r++)
        {
            var value = values[r]?.Trim() ?? "";
            treatment[r] = value.ToUpperInvariant() switch
            {
                "1" or "TRUE" or "YES" => true,
                "0" or "FALSE" or "NO" => false,
                _ => throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Treatment column '{column}', data row {r + 1}: '{values[r]}' is not a treatment flag; use 1 (treated) or 0 (control)."),
                    nameof(values)),
            };
        }
        return treatment;
    }

    /// <summary><see cref="Check(int, ReadOnlySpan{bool}, ReadOnlySpan{bool}, bool)"/> against the rows of <paramref name="data"/>.</summary>
    internal static UpliftCounts Check(Table data, ReadOnlySpan<bool> treatment, ReadOnlySpan<bool> labels, bool eachArmNeedsBothOutcomes)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Check(data.Rows, treatment, labels, eachArmNeedsBothOutcomes);
    }

    private static void OneOutcomeClass(string arm, int rows, int responders, ReadOnlySpan<bool> labels)
    {
        if (responders == 0 || responders == rows)
        {
            throw new ArgumentException(
                $"The {arm} arm has only one outcome class: all {rows} of its rows are {(responders == 0 ? "negative" : "positive")}; a model of that arm needs both.",
                nameof(labels));
        }
    }
}
