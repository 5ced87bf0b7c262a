using InsureCrm.Core.Voc;
using InsureCrm.Web.Localization;

namespace InsureCrm.Web.Voc;

/// <summary>The VOC pages' shared wording: clocks with the time left, category names in the reader's language.</summary>
internal static class VocText
{
    public static string CategoryName(VocCategory c) => System.Globalization.CultureInfo.CurrentUICulture.Name switch
    {
        "en-US" => c.NameEn,
        "zh-TW" => c.NameZh,
        _ => c.NameKo,
    };

    public static string DepartmentName(VocDepartment d) => System.Globalization.CultureInfo.CurrentUICulture.Name switch
    {
        "en-US" => d.NameEn,
        "zh-TW" => d.NameZh,
        _ => d.NameKo,
    };

    /// <summary>"2027-03-05 10:00 (3h 20m left)" or "(overdue)"; the time left in business hours is not shown, wall time is.</summary>
    public static string Clock(Text t, DateTime? due, DateTime nowUtc, bool paused)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (paused)
        {
            return t["voc.clock.paused"];
        }
        if (due is not { } d)
        {
            return "—";
        }
        var left = d - nowUtc;
        var span = left.Duration();
        var amount = span.TotalHours >= 24 ? t.Format("voc.clock.days", (int)span.TotalDays, span.Hours) : t.Format("voc.clock.hours", (int)span.TotalHours, span.Minutes);
        return Shell.Fmt.Time(d) + " · " + (left < TimeSpan.Zero ? t.Format("voc.clock.over", amount) : t.Format("voc.clock.left", amount));
    }

    /// <summary>
    /// Why the case went where it went (<see cref="VocRoutingNote"/>) in the reader's language, departments by name; an older
    /// free-text note as it is.
    /// </summary>
    public static string Routing(Text t, string? note, IReadOnlyList<VocDepartment> departments)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (VocRoutingNote.Read(note) is not { } parts)
        {
            return note ?? "";
        }
        string Dept(string? code) => departments.FirstOrDefault(d => d.Code == code) is { } d ? DepartmentName(d) : code ?? "—";
        return string.Join(" · ", parts.Select(p => p.Kind switch
        {
            "regulator" => t.Format("voc.route.regulator", Dept(p.Department)),
            "default" => t.Format("voc.route.default", Dept(p.Department)),
            "rule" => t.Format("voc.route.rule", p.Rule ?? 0, Conditions(t, p), Dept(p.Department)),
            "owner:fewest" => t.Format("voc.route.ownerFewest", p.Open ?? 0),
            "owner:head" => t["voc.route.ownerHead"],
            "owner:none" => t["voc.route.ownerNone"],
            _ => t["voc.route.frontline"],
        }));
    }

    private static string Conditions(Text t, VocRoutingNote.Part p)
    {
        var list = new List<string>();
        if (p.Category is { } c)
        {
            list.Add(t.Format("voc.route.category", c));
        }
        if (p.Type is { } type && Enum.TryParse<VocType>(type, out var vt))
        {
            list.Add(t.Enum(vt));
        }
        if (p.Severity is { } sev && Enum.TryParse<VocSeverity>(sev, out var vs))
        {
            list.Add(t.Format("voc.route.severity", t.Enum(vs)));
        }
        return list.Count == 0 ? t["voc.route.any"] : string.Join(", ", list);
    }

    /// <summary>
    /// A timeline event's note: what the system wrote (the channel of a Created event, the clock of an escalation, the routing
    /// of an assignment) in the reader's language; what a person typed as typed.
    /// </summary>
    public static string EventNote(Text t, VocEvent e, IReadOnlyList<VocDepartment> departments)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(e);
        return (e.Kind, e.Note) switch
        {
            (VocEventKind.Created, { } n) when Enum.TryParse<VocChannel>(n, out var channel) => t.Enum(channel),
            (VocEventKind.Escalated, "resolution") => t["voc.route.escalatedResolution"],
            (VocEventKind.Escalated, "first-response") => t["voc.route.escalatedFirstResponse"],
            (VocEventKind.Resolved, "front-line") => t["voc.route.frontline"],
            (VocEventKind.Assigned, { } n) when VocRoutingNote.Read(n) is not null => Routing(t, n, departments),
            _ => e.Note ?? "",
        };
    }

    /// <summary>A Core error code in the reader's language (the code itself when no words exist for it).</summary>
    public static string Error(Text t, string? code) => code is null ? "" : t.Has("voc.err." + code) ? t["voc.err." + code] : code;
}

/// <summary>The staff intake form (also the agent's phone page).</summary>
internal sealed class VocIntakeForm
{
    public VocChannel Channel { get; set; } = VocChannel.Branch;
    public string? Type { get; set; }
    public string? Category { get; set; }
    public VocSeverity Severity { get; set; } = VocSeverity.Normal;
    public string? Subject { get; set; }
    public string? Text { get; set; }
    public long? CustomerId { get; set; }
    public long? ContractId { get; set; }
    public string? AgentCode { get; set; }
    public decimal? ClaimedAmount { get; set; }
    public long? InboundId { get; set; }
    public bool OnSpot { get; set; }
    public string? Answer { get; set; }
}

/// <summary>The case page's one action form: the button pressed names the action; the fields of other actions are ignored.</summary>
internal sealed class VocActionForm
{
    public string? Kind { get; set; }
    public string? Note { get; set; }
    public string? Department { get; set; }
    public string? Reason { get; set; }
    public string? Answer { get; set; }
    public VocCause? Cause { get; set; }
    public string? CauseText { get; set; }
    public ServiceGap? Gap { get; set; }
    public bool CallbackDone { get; set; }
    public int? Satisfaction { get; set; }
    public VocType? Type { get; set; }
    public string? Category { get; set; }
    public VocSeverity? Severity { get; set; }
}
