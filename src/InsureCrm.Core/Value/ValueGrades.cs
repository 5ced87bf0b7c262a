namespace InsureCrm.Core.Value;

/// <summary>One decile of the value-concentration report (1 = the most valuable tenth).</summary>
public sealed record ValueDecile(int Decile, int Customers, decimal Value, decimal Share);

/// <summary>Grades A..G by rank of total value, and the concentration of value by decile.</summary>
public static class ValueGrades
{
    public static readonly char[] Letters = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];

    /// <summary>
    /// Sorts (highest total first, ties by ascending customer id so that reruns agree) and returns the
    /// number of customers in each grade: grade g ends at rank round(cumulative share × n).
    /// </summary>
    public static int[] Counts(int customers, IReadOnlyList<decimal> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        var counts = new int[shares.Count];
        var cumulative = 0m;
        var previous = 0;
        for (var g = 0; g < shares.Count; g++)
        {
            cumulative += shares[g];
            var end = g == shares.Count - 1 ? customers : (int)Math.Round(cumulative * customers, MidpointRounding.AwayFromZero);
            end = Math.Clamp(end, previous, customers);
            counts[g] = end - previous;
            previous = end;
        }
        return counts;
    }

    /// <summary>The rank order: total descending, then customer id ascending.</summary>
    public static void Rank(long[] customerIds, decimal[] totals)
    {
        ArgumentNullException.ThrowIfNull(customerIds);
        ArgumentNullException.ThrowIfNull(totals);
        var order = Enumerable.Range(0, customerIds.Length).ToArray();
        Array.Sort(order, (x, y) =>
        {
            var c = totals[y].CompareTo(totals[x]);
            return c != 0 ? c : customerIds[x].CompareTo(customerIds[y]);
        });
        var ids = order.Select(i => customerIds[i]).ToArray();
        var values = order.Select(i => totals[i]).ToArray();
        ids.CopyTo(customerIds, 0);
        values.CopyTo(totals, 0);
    }

    /// <summary>Grade letter of each customer, in the order of the (already ranked) input.</summary>
    public static char[] Assign(int customers, IReadOnlyList<decimal> shares)
    {
        var grades = new char[customers];
        var counts = Counts(customers, shares);
        var rank = 0;
        for (var g = 0; g < counts.Length; g++)
        {
            for (var i = 0; i < counts[g]; i++)
            {
                grades[rank++] = Letters[g];
            }
        }
        return grades;
    }

    /// <summary>
    /// Share of the total value held by each tenth of customers ranked by value (top first). Shares sum
    /// to 1; the bottom ones can be negative when those customers cost more than they bring.
    /// </summary>
    public static IReadOnlyList<ValueDecile> Concentration(IReadOnlyList<decimal> totalsDescending)
    {
        ArgumentNullException.ThrowIfNull(totalsDescending);
        var n = totalsDescending.Count;
        var sum = totalsDescending.Sum();
        var deciles = new List<ValueDecile>(10);
        for (var d = 0; d < 10; d++)
        {
            var from = d * n / 10;
            var to = (d + 1) * n / 10;
            var value = 0m;
            for (var i = from; i < to; i++)
            {
                value += totalsDescending[i];
            }
            deciles.Add(new ValueDecile(d + 1, to - from, value, sum == 0m ? 0m : value / sum));
        }
        return deciles;
    }
}
