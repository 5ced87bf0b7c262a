using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace InsureCrm.Web.Campaigns;

/// <summary>One condition row of the rule builder as typed: its group (all / any), field, operator and comma-separated values.</summary>
internal sealed record RuleRow(string Group, string Field, string Op, string Values);

/// <summary>
/// The rule builder's rows and the target rule's JSON (docs/plans/issue12-campaigns.md section 4:
/// <c>{"all": [{"field", "op", "values"}], "any": [...]}</c>). Only shape is decided here; Core's catalogue decides
/// which fields, operators and values exist, and names a bad one as <c>rules[i].field</c>, i counting the JSON's
/// conditions (all first, then any).
/// </summary>
internal static partial class RuleForm
{
    public const string All = "all";
    public const string Any = "any";
    public const int MaxRows = 30;

    /// <summary>The field keys the builder suggests: Core's catalogue, the whitelist the compiler accepts.</summary>
    public static IReadOnlyList<string> SuggestedFields { get; } = [.. Core.Campaigns.Targeting.TargetFields.All.Select(f => f.Key)];

    public static readonly IReadOnlyList<string> Operators = ["in", "notIn", "between", "gte", "lte", "is"];

    /// <summary>The rows of a posted form (parallel fields <c>group</c>, <c>field</c>, <c>op</c>, <c>values</c>); blank rows are dropped.</summary>
    public static List<RuleRow> Read(IFormCollection form)
    {
        var fields = form["field"];
        var rows = new List<RuleRow>();
        for (var i = 0; i < Math.Min(fields.Count, MaxRows); i++)
        {
            var field = fields[i]?.Trim() ?? "";
            if (field.Length == 0)
            {
                continue;
            }
            rows.Add(new RuleRow(
                At(form["group"], i) == Any ? Any : All, field, At(form["op"], i).Trim(), At(form["values"], i).Trim()));
        }
        return rows;
    }

    public static string ToJson(IReadOnlyList<RuleRow> rows)
    {
        JsonArray Group(string name) => [.. rows.Where(r => r.Group == name).Select(r => (JsonNode)new JsonObject
        {
            ["field"] = r.Field,
            ["op"] = r.Op,
            ["values"] = new JsonArray([.. r.Values.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Value)]),
        })];
        var root = new JsonObject { [All] = Group(All) };
        if (rows.Any(r => r.Group == Any))
        {
            root[Any] = Group(Any);
        }
        return root.ToJsonString();
    }

    /// <summary>The rows of a stored definition, for the builder; an unreadable one gives no rows.</summary>
    public static List<RuleRow> FromJson(string? json)
    {
        var rows = new List<RuleRow>();
        if (string.IsNullOrWhiteSpace(json))
        {
            return rows;
        }
        try
        {
            var root = JsonNode.Parse(json) as JsonObject;
            foreach (var group in new[] { All, Any })
            {
                foreach (var c in root?[group] as JsonArray ?? [])
                {
                    var values = c?["values"] as JsonArray ?? [];
                    rows.Add(new RuleRow(group, c?["field"]?.ToString() ?? "", c?["op"]?.ToString() ?? "",
                        string.Join(", ", values.Select(v => v?.ToString() ?? ""))));
                }
            }
        }
        catch (JsonException)
        {
            rows.Clear();
        }
        return rows;
    }

    /// <summary>Core's error key <c>rules[i].x</c> as the builder's row number (1-based in the form's order), or null.</summary>
    public static int? RowOf(string key, IReadOnlyList<RuleRow> rows)
    {
        var m = RuleKey().Match(key);
        if (!m.Success)
        {
            return null;
        }
        var i = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        // The JSON lists all-conditions first, then any-conditions.
        var ordered = rows.Where(r => r.Group == All).Concat(rows.Where(r => r.Group == Any)).ToList();
        return i < ordered.Count ? rows.ToList().IndexOf(ordered[i]) + 1 : null;
    }

    private static string At(Microsoft.Extensions.Primitives.StringValues values, int i) => i < values.Count ? values[i] ?? "" : "";

    /// <summary>Numbers as JSON numbers (scores, ages, amounts), everything else as text; a code with a leading zero stays text.</summary>
    private static JsonNode Value(string text) =>
        NumberText().IsMatch(text) && decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var d)
            ? JsonValue.Create(d)
            : text is "true" or "false" ? JsonValue.Create(text == "true") : JsonValue.Create(text);

    [GeneratedRegex(@"^-?(0|[1-9]\d*)(\.\d+)?$")]
    private static partial Regex NumberText();

    [GeneratedRegex(@"^rules\[(\d+)\]", RegexOptions.IgnoreCase)]
    private static partial Regex RuleKey();
}
