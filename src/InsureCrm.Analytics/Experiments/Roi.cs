namespace InsureCrm.Analytics.Experiments;

/// <summary>
/// The money side of a campaign (docs/plans/issue12-campaigns.md sections 6 and 8): expected profit, return on
/// investment and the break-even lift. Money is <see cref="decimal"/> in the campaign's currency; rates are
/// <see cref="double"/> as the statistics give them.
/// </summary>
public static class Roi
{
    /// <summary>(value − cost) / cost, or null when nothing was spent (a free campaign has no ratio).</summary>
    /// <param name="incrementalValue">The value the campaign caused (incremental responses × value, or incremental revenue).</param>
    /// <param name="cost">What it cost: contacts and offers.</param>
    /// <returns>The ratio; 0 is break-even.</returns>
    public static double? Ratio(decimal incrementalValue, decimal cost) =>
        cost == 0 ? null : (double)((incrementalValue - cost) / cost);

    /// <summary>Expected profit P = K·Δ·V − C: incremental responders among <paramref name="contacts"/> times their value, less the cost.</summary>
    /// <param name="contacts">K, contacts made.</param>
    /// <param name="lift">Δ, the expected lift in the response rate of contacted members.</param>
    /// <param name="valuePerResponse">V.</param>
    /// <param name="cost">C.</param>
    /// <returns>The expected profit.</returns>
    public static decimal ExpectedProfit(long contacts, double lift, decimal valuePerResponse, decimal cost) =>
        contacts * (decimal)lift * valuePerResponse - cost;

    /// <summary>
    /// The lift at which a contact pays for itself: Δ_be = (c_contact + c_offer,contact + p₀·c_offer,response) /
    /// (V − c_offer,response), since every responder (not only the incremental ones) collects a per-response offer.
    /// Null when a response is worth no more than its offer, so no lift breaks even.
    /// </summary>
    /// <param name="costPerContact">The channel's cost of one contact.</param>
    /// <param name="offerCostPerContact">The offer's cost per contact (0 for a per-response offer).</param>
    /// <param name="offerCostPerResponse">The offer's cost per response (0 for a per-contact offer).</param>
    /// <param name="baselineRate">p₀, the response rate without the campaign.</param>
    /// <param name="valuePerResponse">V.</param>
    /// <returns>Δ_be; the break-even response rate is p₀ + Δ_be.</returns>
    public static double? BreakEvenLift(decimal costPerContact, decimal offerCostPerContact, decimal offerCostPerResponse, double baselineRate, decimal valuePerResponse)
    {
        var margin = valuePerResponse - offerCostPerResponse;
        if (margin <= 0)
        {
            return null;
        }
        return (double)((costPerContact + offerCostPerContact + (decimal)baselineRate * offerCostPerResponse) / margin);
    }
}
