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
    /// Why the case went where it went (<see cref="VocRoutingNote"/>) in the reader's language, departments and categories by
    /// name; an older free-text note as it is.
    /// </summary>
    public static string Routing(Text t, string? note, IReadOnlyList<VocDepartment> departments, IReadOnlyList<VocCategory>? categories = null)
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
            "rule" => t.Format("voc.route.rule", p.Rule ?? 0, Conditions(t, p, categories ?? []), Dept(p.Department)),
            "owner:fewest" => t.Format("voc.route.ownerFewest", p.Open ?? 0),
            "owner:head" => t["voc.route.ownerHead"],
            "owner:none" => t["voc.route.ownerNone"],
            _ => t["voc.route.frontline"],
        }));
    }

    /// <summary>A category code by its name in the reader's language; the code itself when the tree does not hold it.</summary>
    public static string CategoryName(string? code, IReadOnlyList<VocCategory> categories) =>
        code is null ? "—" : categories.FirstOrDefault(c => c.Code == code) is { } c ? CategoryName(c) : code;

    private static string Conditions(Text t, VocRoutingNote.Part p, IReadOnlyList<VocCategory> categories)
    {
        var list = new List<string>();
        if (p.Category is { } c)
        {
            list.Add(t.Format("voc.route.category", CategoryName(c, categories)));
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
    /// of an assignment, the classifier's suggestion, a repeat link, a classification, a resolution's gap: <see cref="VocEventNote"/>)
    /// in the reader's language; what a person typed as typed.
    /// </summary>
    public static string EventNote(Text t, VocEvent e, IReadOnlyList<VocDepartment> departments, IReadOnlyList<VocCategory> categories)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(e);
        return (e.Kind, e.Note) switch
        {
            (VocEventKind.Created, { } n) when Enum.TryParse<VocChannel>(n, out var channel) => t.Enum(channel),
            (VocEventKind.Escalated, "resolution") => t["voc.route.escalatedResolution"],
            (VocEventKind.Escalated, "first-response") => t["voc.route.escalatedFirstResponse"],
            (VocEventKind.Resolved, "front-line") => t["voc.route.frontline"],
            (VocEventKind.Resolved, var n) when VocEventNote.ReadGap(n) is { } gap => t.Format("voc.note.gap", t.Enum(gap)),
            (VocEventKind.Assigned, { } n) when VocRoutingNote.Read(n) is not null => Routing(t, n, departments, categories),
            (VocEventKind.Suggested, var n) when VocEventNote.ReadSuggestion(n) is { } s =>
                t.Format("voc.note.suggested", TypeName(t, s.Type), Percent(s.TypeConfidence), CategoryName(s.Category, categories), Percent(s.CategoryConfidence))
                + (s.TypeUsed, s.CategoryUsed) switch
                {
                    (true, true) => " · " + t["voc.note.suggestedUsed"],
                    (true, false) => " · " + t["voc.note.suggestedTypeUsed"],
                    (false, true) => " · " + t["voc.note.suggestedCategoryUsed"],
                    _ => "",
                },
            (VocEventKind.RepeatLinked, var n) when VocEventNote.ReadRepeat(n) is { } r =>
                t.Format("voc.note.repeat", r.Number, r.Score.ToString("0.00", System.Globalization.CultureInfo.CurrentCulture)),
            (VocEventKind.Classified, var n) when VocEventNote.ReadClassification(n) is { } c =>
                t.Format("voc.note.classified", Triple(t, c.TypeBefore, c.CategoryBefore, c.SeverityBefore, categories), Triple(t, c.Type, c.Category, c.Severity, categories))
                + c.Verdict switch
                {
                    VocEventNote.SuggestionVerdict.Confirmed => " · " + t["voc.note.confirmed"],
                    VocEventNote.SuggestionVerdict.Corrected => " · " + t.Format("voc.note.corrected", TypeName(t, c.SuggestedType) + " / " + CategoryName(c.SuggestedCategory, categories)),
                    _ => "",
                },
            _ => e.Note ?? "",
        };
    }

    private static string TypeName(Text t, VocType? type) => type is { } x ? t.Enum(x) : t["voc.unclassified"];

    private static string Percent(double p) => p.ToString("P0", System.Globalization.CultureInfo.CurrentCulture);

    private static string Triple(Text t, VocType? type, string? category, VocSeverity? severity, IReadOnlyList<VocCategory> categories) =>
        TypeName(t, type) + " / " + (category is null ? t["voc.unclassified"] : CategoryName(category, categories)) + " / " + (severity is { } s ? t.Enum(s) : "—");

    /// <summary>The name a holiday goes by on a page: the three days of Seollal or Chuseok are one holiday (설 연휴, 추석 연휴).</summary>
    public static string HolidayGroup(Core.Common.HolidayKind kind) => kind switch
    {
        Core.Common.HolidayKind.SeollalEve or Core.Common.HolidayKind.Seollal or Core.Common.HolidayKind.SeollalAfter => "Seollal",
        Core.Common.HolidayKind.ChuseokEve or Core.Common.HolidayKind.Chuseok or Core.Common.HolidayKind.ChuseokAfter => "Chuseok",
        _ => kind.ToString(),
    };

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
    /// <summary>Who wrote (a letter, a fax, a postcard) and the postal address the answer goes to.</summary>
    public string? SenderName { get; set; }
    public string? SenderPhone { get; set; }
    public string? Address { get; set; }
    /// <summary>The customer finder's query (name, phone or contract number).</summary>
    public string? Find { get; set; }
    /// <summary>The finder's radio: "customer" or "customer:contract".</summary>
    public string? Pick { get; set; }
    /// <summary>Which button posted the form: find, pick, clear (the customer), or none (open the case).</summary>
    public string? Action { get; set; }
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
