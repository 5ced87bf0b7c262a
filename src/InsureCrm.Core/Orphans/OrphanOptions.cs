namespace InsureCrm.Core.Orphans;

/// <summary>What the assignment does when every CS consultant it may use is at the load cap.</summary>
public enum FullFallback
{
    /// <summary>The case stays unassigned (counted, logged by branch and region, retried by the next run).</summary>
    LeaveUnassigned,
    /// <summary>The least-loaded consultant of the whole company takes it over the cap.</summary>
    LeastLoadedOverCap,
}

/// <summary>The orphan service's rules (configuration section <c>Orphans</c>; docs/orphans.md explains each).</summary>
public sealed class OrphanOptions
{
    public const string Section = "Orphans";

    /// <summary>Open orphan cases (assigned, not yet contacted) a CS consultant may hold.</summary>
    public int LoadCap { get; set; } = 300;

    /// <summary>First contact is due this many business days (Korean calendar) after the assignment day.</summary>
    public int FirstContactBusinessDays { get; set; } = 3;

    /// <summary>Value grades (letters of the latest value run) that go to the best-rated consultant of the tier rather than the least loaded.</summary>
    public string TopGrades { get; set; } = "AB";

    /// <summary>Weight of tenure (years since hire, full at <see cref="TenureFullYears"/>) in a consultant's rating.</summary>
    public double TenureWeight { get; set; } = 0.5;

    /// <summary>Weight of the 13-month persistency of the consultant's book in the rating.</summary>
    public double PersistencyWeight { get; set; } = 0.5;

    /// <summary>
    /// Weight of the complaint record: the consultant's agent-conduct and mis-selling complaints (VOC cases naming them as the
    /// agent) received in the last <see cref="ComplaintMonths"/> months; 0 leaves the record out of the rating.
    /// </summary>
    public double ComplaintWeight { get; set; } = 0.2;

    /// <summary>How many months of complaints count in the complaint record.</summary>
    public int ComplaintMonths { get; set; } = 12;

    /// <summary>Years of tenure that count as full marks.</summary>
    public int TenureFullYears { get; set; } = 10;

    /// <summary>When the branch, the region and the whole company have no consultant under the cap.</summary>
    public FullFallback WhenAllFull { get; set; } = FullFallback.LeaveUnassigned;

    /// <summary>
    /// Share of new cases drawn into the control wave of a staggered roll-out (0 = off, the default). A control-wave case is
    /// assigned only after <see cref="ControlDelayBusinessDays"/>: service is delayed on purpose, to measure whether it keeps customers.
    /// </summary>
    public double ControlShare { get; set; }

    /// <summary>Business days a control-wave case waits, from the day it was opened, before the nightly assignment takes it.</summary>
    public int ControlDelayBusinessDays { get; set; } = 20;

    public IEnumerable<string> Validate()
    {
        if (ControlShare is < 0 or > 0.5 || double.IsNaN(ControlShare))
        {
            yield return "Orphans:ControlShare must be between 0 (off) and 0.5: the control wave delays service on purpose, so it stays the smaller group.";
        }
        if (ControlDelayBusinessDays is < 1 or > 130)
        {
            yield return "Orphans:ControlDelayBusinessDays must be between 1 and 130.";
        }
        if (LoadCap < 1)
        {
            yield return "Orphans:LoadCap must be at least 1.";
        }
        if (FirstContactBusinessDays is < 0 or > 60)
        {
            yield return "Orphans:FirstContactBusinessDays must be between 0 and 60.";
        }
        if (TopGrades.Any(g => g is < 'A' or > 'G'))
        {
            yield return "Orphans:TopGrades holds grade letters A to G only.";
        }
        if (TenureWeight < 0 || PersistencyWeight < 0 || TenureWeight + PersistencyWeight <= 0)
        {
            yield return "Orphans:TenureWeight and PersistencyWeight must not be negative and not both 0.";
        }
        if (ComplaintWeight is < 0 or > 1 || double.IsNaN(ComplaintWeight))
        {
            yield return "Orphans:ComplaintWeight must be between 0 (complaints not counted) and 1.";
        }
        if (ComplaintMonths is < 1 or > 60)
        {
            yield return "Orphans:ComplaintMonths must be between 1 and 60.";
        }
        if (TenureFullYears < 1)
        {
            yield return "Orphans:TenureFullYears must be at least 1.";
        }
    }
}
