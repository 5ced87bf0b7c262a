using InsureCrm.Core.Agents;
using InsureCrm.Core.Models;

namespace InsureCrm.Core.Worklists.Branch;

/// <summary>Why a branch view could not be given, or <see cref="Ok"/>.</summary>
public enum BranchAccess
{
    Ok,
    /// <summary>The role has no branch view (agents, marketers…).</summary>
    Forbidden,
    /// <summary>A manager account linked to no branch, or an admin who has not picked one yet (see <see cref="BranchAnswer{T}.Choices"/>).</summary>
    NoBranch,
    /// <summary>An admin named a branch code that does not exist.</summary>
    NotFound,
}

public sealed record BranchRef(long Id, string Code, string Name);

/// <summary>A view of one branch, or why there is none; <see cref="Choices"/> lists the branches an admin may pick.</summary>
public sealed record BranchAnswer<T>(BranchAccess Access, T? View, IReadOnlyList<BranchRef> Choices) where T : class;

/// <summary>
/// One agent's day. <see cref="Listed"/>: the items on the agent's list that day; <see cref="Worked"/>: those of them with
/// at least one result recorded that day; <see cref="Results"/>: results recorded (an item may get several).
/// </summary>
public sealed record AgentDayFigure(DateOnly Day, int Listed, int Worked, int Results)
{
    /// <summary>Worked ÷ listed, null when nothing was listed.</summary>
    public double? Completion => Listed == 0 ? null : (double)Worked / Listed;
}

/// <summary>The agent's 13-month dropout score in the champion's newest completed run, with its top reasons.</summary>
public sealed record AgentDropout(double Score, int Version, DateOnly AsOf, IReadOnlyList<ScoreReason> Reasons)
{
    public bool High => Score >= BranchRules.DropoutHigh;
}

/// <summary>An agent of the branch on the branch view: the last days oldest first, what is open now, the outcome mix, the dropout risk.</summary>
public sealed record BranchAgentFigures(long AgentId, string Code, string Name, AgentKind Kind, DateOnly HireDate,
    IReadOnlyList<AgentDayFigure> Days, int OpenNow, int Overdue, IReadOnlyDictionary<WorkOutcome, int> Outcomes, AgentDropout? Dropout)
{
    public AgentDayFigure Today => Days[^1];
    public AgentDayFigure Week => Sum(Days);

    internal static AgentDayFigure Sum(IEnumerable<AgentDayFigure> days)
    {
        var list = days.ToList();
        return new AgentDayFigure(list.Count > 0 ? list[^1].Day : default, list.Sum(d => d.Listed), list.Sum(d => d.Worked), list.Sum(d => d.Results));
    }
}

/// <summary>An open item older than the overdue limit. <see cref="CustomerName"/> is null for a viewer who does not see customers (an admin).</summary>
public sealed record OverdueItem(long ItemId, long AgentId, string AgentCode, string AgentName, long CustomerId, string? CustomerName,
    WorkAction Action, WorkChannel Channel, DateOnly FirstListedOn, int AgeDays, DateOnly? DueOn);

/// <summary>
/// The branch manager's view of the branch's lists (issue 14 point 6) over the last <see cref="BranchRules.Days"/> days
/// ending <see cref="Today"/> (Asia/Seoul): completion by agent and day, the outcome mix, the overdue items (oldest first,
/// at most <see cref="BranchRules.OverdueShown"/> of <see cref="OverdueCount"/>) and the agents' dropout risk.
/// </summary>
public sealed record BranchSummary(BranchRef Branch, DateOnly Today, IReadOnlyList<DateOnly> Days, IReadOnlyList<BranchAgentFigures> Agents,
    IReadOnlyDictionary<WorkOutcome, int> Outcomes, IReadOnlyList<OverdueItem> Overdue, int OverdueCount, int OverdueDays, bool ShowsCustomers,
    int? DropoutVersion, DateOnly? DropoutAsOf)
{
    public AgentDayFigure TodayTotal => BranchAgentFigures.Sum(Agents.Select(a => a.Today));
    public AgentDayFigure WeekTotal => BranchAgentFigures.Sum(Agents.Select(a => a.Week));
    public IReadOnlyList<BranchAgentFigures> AtRisk => [.. Agents.Where(a => a.Dropout is { High: true }).OrderByDescending(a => a.Dropout!.Score)];

    /// <summary>The branch's figure of each day (all agents), oldest first.</summary>
    public IReadOnlyList<AgentDayFigure> ByDay => [.. Days.Select((d, i) => BranchAgentFigures.Sum(Agents.Select(a => a.Days[i])) with { Day = d })];
}

/// <summary>Where an agent stands in the pattern report.</summary>
public enum AgentGroup { Excellent, Middle, AtRisk }

/// <summary>What put an agent in their group (several may hold).</summary>
public enum PatternReason
{
    /// <summary>Dropout score at or above <see cref="BranchRules.DropoutHigh"/>.</summary>
    DropoutHigh,
    /// <summary>No result in the period, or results per working day below <see cref="BranchRules.LowActivityShare"/> of the branch median.</summary>
    ActivityLow,
    /// <summary>13-month persistency below <see cref="BranchRules.AtRiskPersistency"/> on at least <see cref="BranchRules.MinCohort"/> contracts.</summary>
    PersistencyLow,
    /// <summary>New contracts in the branch's top quartile.</summary>
    TopProductivity,
    /// <summary>13-month persistency at or above <see cref="BranchRules.ExcellentPersistency"/> (or no cohort yet).</summary>
    PersistencyGood,
}

/// <summary>
/// The facts of one agent over the pattern period. <see cref="Cohort"/>: the agent's contracts (as selling agent) issued
/// 13 to 24 months before, less those that matured or ended by claim before month 13; <see cref="Kept"/>: those of them
/// in force at month 13 (no lapse, surrender or cancellation before it).
/// </summary>
public sealed record AgentPatternFacts(long AgentId, string Code, string Name, AgentKind Kind, DateOnly HireDate, int Results, int Visits, int Calls,
    int SoldOutcomes, int NewContracts, int Cohort, int Kept, double? DropoutScore)
{
    public double? Persistency => Cohort == 0 ? null : (double)Kept / Cohort;
}

public sealed record AgentPattern(AgentPatternFacts Facts, double ResultsPerDay, AgentGroup Group, IReadOnlyList<PatternReason> Reasons);

/// <summary>A group's averages, side by side with the others'. Null where no agent of the group has the figure.</summary>
public sealed record GroupProfile(AgentGroup Group, int Agents, double? ResultsPerDay, double? VisitShare, double? SoldOutcomes, double? NewContracts,
    double? Persistency, double? DropoutScore, double? TenureMonths);

/// <summary>The weekly "excellent vs at-risk agent" report of a branch: the last <see cref="BranchRules.PatternDays"/> days to <see cref="Until"/>.</summary>
public sealed record PatternReport(BranchRef Branch, DateOnly From, DateOnly Until, int WorkingDays, double TopQuartileContracts, double MedianResultsPerDay,
    IReadOnlyList<AgentPattern> Agents, IReadOnlyList<GroupProfile> Groups);
