using System.Globalization;

namespace InsureCrm.Core.Voc.Text;

/// <summary>Precision and recall of repeat links at one threshold.</summary>
/// <param name="Threshold">The score at or above which a case is linked.</param>
/// <param name="Repeats">Cases that truly repeat an earlier case within the window (the planted ground truth).</param>
/// <param name="Linked">Cases the matcher linked.</param>
/// <param name="Correct">Links to an earlier case of the same matter.</param>
internal sealed record VocRepeatScore(double Threshold, int Repeats, int Linked, int Correct)
{
    public double Precision => Linked == 0 ? 1 : (double)Correct / Linked;
    public double Recall => Repeats == 0 ? 1 : (double)Correct / Repeats;
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}

/// <summary>The threshold chosen on the tuning customers and the figures on the other customers.</summary>
internal sealed record VocRepeatReport(VocRepeatScore Tuning, VocRepeatScore Test, int Candidates);

/// <summary>
/// Measures <see cref="VocRepeatMatcher"/> against generated cases with planted repeats: customers are split in two by
/// a seeded draw, the threshold that maximises F1 on one half is chosen, and precision and recall are reported on the
/// other half at that threshold.
/// </summary>
internal static class VocRepeatEvaluation
{
    public static VocRepeatReport Evaluate(IReadOnlyList<VocTextRecord> records, int seed, VocRepeatOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        var matcher = new VocRepeatMatcher(options ?? new VocRepeatOptions());
        var random = new Random(seed);
        var tuning = records.Select(r => r.CustomerKey).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Where(_ => random.NextDouble() < 0.5).ToHashSet(StringComparer.Ordinal);
        var outcomes = new List<(bool Tuning, double Score, bool Correct)>();
        foreach (var customer in records.GroupBy(r => r.CustomerKey, StringComparer.Ordinal))
        {
            var cases = customer.OrderBy(r => r.ReceivedAt).ThenBy(r => r.Id).ToList();
            var asCases = cases.Select(ToCase).ToList();
            for (var i = 1; i < cases.Count; i++)
            {
                var match = matcher.Match(asCases[i], asCases.Take(i));
                if (match is null)
                {
                    continue;
                }
                var earlier = cases[asCases.FindIndex(c => c.Id == match.EarlierId)];
                outcomes.Add((tuning.Contains(customer.Key), match.Score, earlier.MatterKey == cases[i].MatterKey));
            }
        }
        var tuningRepeats = CountRepeats(records, tuning, matcher.Options.WithinDays, inTuning: true);
        var testRepeats = CountRepeats(records, tuning, matcher.Options.WithinDays, inTuning: false);
        var best = Enumerable.Range(1, 99).Select(t => At(outcomes, true, tuningRepeats, t / 100.0))
            .OrderByDescending(s => s.F1).ThenByDescending(s => s.Threshold).First();
        return new VocRepeatReport(best, At(outcomes, false, testRepeats, best.Threshold), outcomes.Count);
    }

    private static VocRepeatCase ToCase(VocTextRecord r) =>
        new(r.Id.ToString(CultureInfo.InvariantCulture), r.CustomerKey, r.ContractNo, r.Category,
            VocClassifier.Compose(r.Subject, r.Text), r.ReceivedAt);

    private static int CountRepeats(IReadOnlyList<VocTextRecord> records, HashSet<string> tuning, int withinDays, bool inTuning) =>
        records.GroupBy(r => r.CustomerKey, StringComparer.Ordinal)
            .Where(g => tuning.Contains(g.Key) == inTuning)
            .Sum(g =>
            {
                var cases = g.OrderBy(r => r.ReceivedAt).ThenBy(r => r.Id).ToList();
                return cases.Where((c, i) => cases.Take(i).Any(e => e.MatterKey == c.MatterKey && e.ReceivedAt >= c.ReceivedAt.AddDays(-withinDays))).Count();
            });

    private static VocRepeatScore At(List<(bool Tuning, double Score, bool Correct)> outcomes, bool tuning, int repeats, double threshold)
    {
        var linked = outcomes.Where(o => o.Tuning == tuning && o.Score >= threshold).ToList();
        return new VocRepeatScore(threshold, repeats, linked.Count, linked.Count(o => o.Correct));
    }
}
