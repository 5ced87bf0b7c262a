using System.Globalization;

namespace InsureCrm.Core.Voc;

/// <summary>
/// Why a case went where it went, stored as codes so that each reader gets it in their language (the pages) or in English
/// (the CLI): parts joined by <c>;</c> — <c>regulator&gt;DEPT</c>, <c>rule:N:CATEGORY/TYPE/SEVERITY&gt;DEPT</c> (<c>-</c> for a
/// condition the rule leaves open), <c>default&gt;DEPT</c>, <c>owner:fewest:OPEN</c>, <c>owner:head</c>, <c>owner:none</c>,
/// <c>frontline</c>. A note written before the codes is shown as it is.
/// </summary>
public static class VocRoutingNote
{
    public const string FrontLine = "frontline";

    /// <summary>One part of a note: its kind, the rule's number and conditions, the department code, the owner's open cases.</summary>
    public sealed record Part(string Kind, int? Rule = null, string? Category = null, string? Type = null, string? Severity = null,
        string? Department = null, int? Open = null);

    public static string Regulator(string department) => "regulator>" + department;

    public static string Rule(int number, string? category, VocType? type, VocSeverity? minSeverity, string department) =>
        string.Create(CultureInfo.InvariantCulture, $"rule:{number}:{category ?? "-"}/{type?.ToString() ?? "-"}/{minSeverity?.ToString() ?? "-"}>{department}");

    public static string Default(string department) => "default>" + department;

    public static string OwnerFewest(int open) => string.Create(CultureInfo.InvariantCulture, $"owner:fewest:{open}");

    public const string OwnerHead = "owner:head";
    public const string OwnerNone = "owner:none";

    public static string Join(params string[] parts) => string.Join(';', parts);

    /// <summary>The parts of a note; null when it is not in this form (an older free-text note).</summary>
    public static IReadOnlyList<Part>? Read(string? note)
    {
        if (string.IsNullOrWhiteSpace(note))
        {
            return [];
        }
        var parts = new List<Part>();
        foreach (var raw in note.Split(';'))
        {
            var (head, department) = raw.Split('>') is [var h, var d] ? (h, d) : (raw, null);
            var bits = head.Split(':');
            Part? part = bits switch
            {
                ["regulator"] or ["default"] when department is not null => new Part(bits[0], Department: department),
                ["rule", var n, var cond] when department is not null && int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var rule)
                    && cond.Split('/') is [var c, var t, var s] => new Part("rule", rule, Open(c), Open(t), Open(s), department),
                ["owner", "fewest", var o] when int.TryParse(o, NumberStyles.None, CultureInfo.InvariantCulture, out var open) => new Part("owner:fewest", Open: open),
                ["owner", "head"] => new Part("owner:head"),
                ["owner", "none"] => new Part("owner:none"),
                [FrontLine] => new Part(FrontLine),
                _ => null,
            };
            if (part is null)
            {
                return null;
            }
            parts.Add(part);
        }
        return parts;
    }

    /// <summary>The note in English (the CLI, logs of no personal data).</summary>
    public static string Describe(string? note) => Read(note) is { } parts
        ? string.Join("; ", parts.Select(p => p.Kind switch
        {
            "regulator" => "regulator referral → " + p.Department,
            "default" => "no rule matched → default " + p.Department,
            "rule" => string.Create(CultureInfo.InvariantCulture, $"rule {p.Rule} ({Conditions(p)}) → {p.Department}"),
            "owner:fewest" => string.Create(CultureInfo.InvariantCulture, $"owner: the member with the fewest open cases ({p.Open})"),
            "owner:head" => "no members: the head owns it",
            "owner:none" => "no members and no head: unassigned",
            _ => "resolved on the spot within front-line authority (not routed)",
        }))
        : note ?? "";

    /// <summary>A rule's conditions in English: "category claims, type Complaint, severity ≥ High" or "any case".</summary>
    public static string Conditions(Part p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var list = new[] { p.Category is null ? null : "category " + p.Category, p.Type is null ? null : "type " + p.Type, p.Severity is null ? null : "severity ≥ " + p.Severity }
            .Where(s => s is not null).ToList();
        return list.Count == 0 ? "any case" : string.Join(", ", list);
    }

    private static string? Open(string s) => s == "-" ? null : s;
}
