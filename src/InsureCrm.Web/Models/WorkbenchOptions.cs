using System.ComponentModel.DataAnnotations;

namespace InsureCrm.Web.Models;

/// <summary>Options of the <c>Models:Workbench</c> section: where uploads wait and how large and long the work may be.</summary>
internal sealed class WorkbenchOptions
{
    public const string Section = "Models:Workbench";

    /// <summary>
    /// Directory for uploaded files and trained models while a person works with them (default: a folder under the
    /// system's temp directory). Several web nodes must share it (or route a user to one node), since an upload,
    /// its training and the download are separate requests.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>Largest CSV file accepted, in megabytes.</summary>
    [Range(1, 100_000)]
    public int MaxUploadMegabytes { get; set; } = 200;

    /// <summary>Largest model file accepted for scoring, in megabytes.</summary>
    [Range(1, 10_000)]
    public int MaxModelMegabytes { get; set; } = 64;

    /// <summary>Most work units (about seconds of one core; docs/models.md) a person may give <c>auto</c>.</summary>
    [Range(1, 86_400)]
    public int MaxBudget { get; set; } = 600;

    /// <summary>
    /// Safety stop of <c>auto</c> in seconds of wall-clock time: past it the training fails with a message rather than
    /// choose among fewer candidates (which would make the choice depend on the node's load).
    /// </summary>
    [Range(1, 86_400)]
    public int TimeLimitSeconds { get; set; } = 1800;

    /// <summary>Trainings run side by side on this node; the rest wait their turn (training uses every core).</summary>
    [Range(1, 64)]
    public int ConcurrentTrainings { get; set; } = 1;

    /// <summary>Hours an upload or trained model is kept for its owner before it is deleted.</summary>
    [Range(1, 24 * 14)]
    public int RetainHours { get; set; } = 6;

    public string Root => Directory is { Length: > 0 } d ? Path.GetFullPath(d) : Path.Combine(Path.GetTempPath(), "insurecrm-workbench");

    public long MaxUploadBytes => MaxUploadMegabytes * 1024L * 1024L;

    public long MaxModelBytes => MaxModelMegabytes * 1024L * 1024L;
}
