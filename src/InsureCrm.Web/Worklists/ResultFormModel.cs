using System.Globalization;
using InsureCrm.Core.Worklists;
using InsureCrm.Core.Worklists.AgentDay;

namespace InsureCrm.Web.Worklists;

/// <summary>
/// The result form of an item, every field as typed (strings), so a form sent back with an error shows exactly what the
/// agent entered. The outcome comes from the button tapped (each outcome is a submit button of the form).
/// </summary>
internal sealed class ResultFormModel
{
    public int Version { get; set; }
    public string? Outcome { get; set; }
    public string? Channel { get; set; }
    public string? Notes { get; set; }
    public string? NextOn { get; set; }
    public string? AppointmentOn { get; set; }
    public string? AppointmentAt { get; set; }
    public string? AppointmentMinutes { get; set; }
    public string? AppointmentPlace { get; set; }

    /// <summary>The entry to record, or the fields that do not parse (as codes of <see cref="WorkResultErrors"/>).</summary>
    public (WorkResultEntry? Entry, Dictionary<string, string[]> Errors) ToEntry(long itemId)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!Enum.TryParse<WorkOutcome>(Outcome, ignoreCase: false, out var outcome) || !Enum.IsDefined(outcome))
        {
            errors["outcome"] = [WorkResultErrors.Required];
        }
        if (!Enum.TryParse<WorkChannel>(Channel, ignoreCase: false, out var channel) || !Enum.IsDefined(channel))
        {
            errors["channel"] = [WorkResultErrors.Required];
        }
        var next = Date(NextOn, "nextOn", errors);
        var on = Date(AppointmentOn, "appointmentOn", errors);
        TimeOnly? at = null;
        if (!string.IsNullOrWhiteSpace(AppointmentAt))
        {
            if (TimeOnly.TryParseExact(AppointmentAt.Trim(), ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            {
                at = time;
            }
            else
            {
                errors["appointmentAt"] = [WorkResultErrors.Unknown];
            }
        }
        int? minutes = null;
        if (!string.IsNullOrWhiteSpace(AppointmentMinutes))
        {
            if (int.TryParse(AppointmentMinutes.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var m))
            {
                minutes = m;
            }
            else
            {
                errors["appointmentMinutes"] = [WorkResultErrors.Range];
            }
        }
        return errors.Count > 0
            ? (null, errors)
            : (new WorkResultEntry(itemId, Version, outcome, channel, Notes, next, on, at, minutes, AppointmentPlace), errors);
    }

    private static DateOnly? Date(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return d;
        }
        errors[field] = [WorkResultErrors.Unknown];
        return null;
    }
}
