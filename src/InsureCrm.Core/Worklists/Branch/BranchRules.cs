namespace InsureCrm.Core.Worklists.Branch;

/// <summary>
/// The definitions behind the branch view's figures and the pattern report's groups (docs/worklists-calendar-and-branch.md, "The branch
/// view"). Constants rather than options: a manager compares branches and weeks, which only means something when every
/// branch counts alike.
/// <list type="bullet">
/// <item><b>Completion</b> of an agent on a day = items worked that day ÷ items on the list that day. An item is on the
/// list on every day from its first listing (<see cref="WorkItem.FirstListedOn"/>) to the day it left: today while it is
/// open, the day it was closed (done or expired: <see cref="WorkItem.ClosedAt"/> in Asia/Seoul) otherwise, and for a
/// snoozed item the last day a build listed it. An item with a result recorded that day counts as listed too. Worked =
/// items with at least one result recorded that day (<see cref="WorkResult.Day"/>), so a second call to the same customer
/// does not raise completion, and results counts them all.</item>
/// <item><b>Overdue</b>: an open item whose age (today − first listing) exceeds <see cref="WorklistOptions.OverdueDays"/>.</item>
/// <item><b>Dropout risk high</b>: the agent-dropout champion's newest score ≥ <see cref="DropoutHigh"/> — more likely than not
/// to leave before the 13-month anniversary. Only agents in their first 13 months are scored.</item>
/// <item><b>Pattern groups</b> over the last <see cref="PatternDays"/> days: <i>at risk</i> when any of dropout risk high,
/// activity low (no result at all, or results per working day below <see cref="LowActivityShare"/> of the branch median),
/// or 13-month persistency below <see cref="AtRiskPersistency"/> on at least <see cref="MinCohort"/> contracts;
/// otherwise <i>excellent</i> when new contracts sold are in the branch's top quartile (at least the count of the agent at
/// rank ⌈n/4⌉, and at least one) with persistency ≥ <see cref="ExcellentPersistency"/> or no cohort yet; otherwise
/// <i>middle</i>.</item>
/// <item><b>13-month persistency</b> (유지율, as DESIGN.md and Value's persistency table count it): of the agent's contracts as
/// selling agent issued 13 to 24 months before today, the share not lapsed, surrendered or cancelled before month 13;
/// those that matured or ended by a claim before month 13 leave the cohort (withdrawn, not exits, as in
/// <see cref="Value.PersistencyEstimator"/>).</item>
/// </list>
/// </summary>
public static class BranchRules
{
    /// <summary>Days of the branch view (today and the six before).</summary>
    public const int Days = 7;
    /// <summary>Days of the pattern report (four weeks).</summary>
    public const int PatternDays = 28;
    public const double DropoutHigh = 0.5;
    public const double LowActivityShare = 0.5;
    public const double AtRiskPersistency = 0.70;
    public const double ExcellentPersistency = 0.80;
    public const int MinCohort = 5;
    /// <summary>The overdue list shows the oldest this many; the count is of all.</summary>
    public const int OverdueShown = 200;

    /// <summary>Working days (Monday to Friday) from <paramref name="from"/> to <paramref name="until"/>, both included; at least 1.</summary>
    public static int WorkingDays(DateOnly from, DateOnly until)
    {
        var n = 0;
        for (var d = from; d <= until; d = d.AddDays(1))
        {
            if (d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                n++;
            }
        }
        return Math.Max(1, n);
    }

    /// <summary>Puts each agent in a group by the rule above, with the reasons that decided it.</summary>
    public static IReadOnlyList<AgentPattern> Classify(IReadOnlyList<AgentPatternFacts> agents, int workingDays, out double topQuartile, out double median)
    {
        ArgumentNullException.ThrowIfNull(agents);
        var perDay = agents.Select(a => (double)a.Results / Math.Max(1, workingDays)).ToList();
        median = Median(perDay);
        var sorted = agents.Select(a => a.NewContracts).OrderDescending().ToList();
        topQuartile = sorted.Count == 0 ? 0 : sorted[Math.Max(0, (int)Math.Ceiling(sorted.Count / 4d) - 1)];
        var result = new List<AgentPattern>(agents.Count);
        for (var i = 0; i < agents.Count; i++)
        {
            var a = agents[i];
            var reasons = new List<PatternReason>();
            if (a.DropoutScore >= DropoutHigh)
            {
                reasons.Add(PatternReason.DropoutHigh);
            }
            if (a.Results == 0 || perDay[i] < LowActivityShare * median)
            {
                reasons.Add(PatternReason.ActivityLow);
            }
            if (a.Cohort >= MinCohort && a.Persistency < AtRiskPersistency)
            {
                reasons.Add(PatternReason.PersistencyLow);
            }
            AgentGroup group;
            if (reasons.Count > 0)
            {
                group = AgentGroup.AtRisk;
            }
            else if (a.NewContracts > 0 && a.NewContracts >= topQuartile && (a.Persistency is null || a.Persistency >= ExcellentPersistency))
            {
                group = AgentGroup.Excellent;
                reasons.Add(PatternReason.TopProductivity);
                reasons.Add(PatternReason.PersistencyGood);
            }
            else
            {
                group = AgentGroup.Middle;
            }
            result.Add(new AgentPattern(a, perDay[i], group, reasons));
        }
        return result;
    }

    /// <summary>Each group's averages (pooled for persistency: kept ÷ cohort over the group's agents).</summary>
    public static IReadOnlyList<GroupProfile> Profiles(IReadOnlyList<AgentPattern> agents, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(agents);
        return [.. Enum.GetValues<AgentGroup>().Select(g =>
        {
            var of = agents.Where(a => a.Group == g).ToList();
            var contacts = of.Sum(a => a.Facts.Visits + a.Facts.Calls);
            var cohort = of.Sum(a => a.Facts.Cohort);
            var scored = of.Where(a => a.Facts.DropoutScore is not null).ToList();
            return new GroupProfile(g, of.Count,
                of.Count == 0 ? null : of.Average(a => a.ResultsPerDay),
                contacts == 0 ? null : (double)of.Sum(a => a.Facts.Visits) / contacts,
                of.Count == 0 ? null : of.Average(a => a.Facts.SoldOutcomes),
                of.Count == 0 ? null : of.Average(a => a.Facts.NewContracts),
                cohort == 0 ? null : (double)of.Sum(a => a.Facts.Kept) / cohort,
                scored.Count == 0 ? null : scored.Average(a => a.Facts.DropoutScore!.Value),
                of.Count == 0 ? null : of.Average(a => (asOf.DayNumber - a.Facts.HireDate.DayNumber) / 30.44));
        })];
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }
        var s = values.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[(s.Count / 2) - 1] + s[s.Count / 2]) / 2;
    }
}
