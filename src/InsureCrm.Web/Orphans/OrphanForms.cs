namespace InsureCrm.Web.Orphans;

/// <summary>The first-contact form of a case: the day (today when empty) and what came of it.</summary>
internal sealed class FirstContactFormModel
{
    public string? On { get; set; }
    public string? Note { get; set; }
}

/// <summary>The coverage-check (보장점검) form of a case: done, with what was found.</summary>
internal sealed class CoverageFormModel
{
    public string? Notes { get; set; }
}

/// <summary>A manager's reassignment of a case: to whom, why, and whether over the cap.</summary>
internal sealed class ReassignFormModel
{
    public string? To { get; set; }
    public string? Why { get; set; }
    public bool Force { get; set; }
}
