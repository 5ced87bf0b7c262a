using System.Globalization;
using System.Text.Json;

namespace InsureCrm.Core.Campaigns.Targeting;

/// <summary>The operators of a condition: membership, a closed range, a bound, a yes/no.</summary>
public enum RuleOp { In, NotIn, Between, Gte, Lte, Is }

/// <summary>One condition: a catalogue field (<see cref="TargetFields"/>), an operator and its values as written.</summary>
public sealed record RuleCondition(string Field, RuleOp Op, IReadOnlyList<string> Values);

/// <summary>
/// A target rule (docs/plans/issue12-campaigns.md section 4): every condition of <see cref="All"/>, and at least one of
/// <see cref="Any"/> when it has any. The JSON is <c>{"all":[{"field":..,"op":..,"values":[..]}],"any":[..]}</c>.
/// Error paths number the conditions of <c>all</c> then <c>any</c> in one sequence: <c>rules[i].field</c>.
/// </summary>
public sealed record RuleDefinition(IReadOnlyList<RuleCondition> All, IReadOnlyList<RuleCondition> Any)
{
    /// <summary>At most this many conditions (a rule the page can still show and the database still plans well).</summary>
    public const int MaxConditions = 30;

    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 8 };

    /// <summary>Every condition in error-path order: <c>all</c>, then <c>any</c>.</summary>
    public IEnumerable<RuleCondition> Conditions => All.Concat(Any);

    /// <summary>
    /// Reads and checks a definition against the catalogue; on failure <paramref name="errors"/> names each bad part
    /// (<c>rules</c>, <c>rules[2].field</c>, <c>rules[0].values</c>) with the value that is wrong, in English.
    /// </summary>
    public static RuleDefinition? Parse(string? json, Dictionary<string, List<string>> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var coded = new CampaignErrors();
        var rule = Parse(json, coded);
        foreach (var (key, messages) in coded.ToEnglish())
        {
            if (!errors.TryGetValue(key, out var list))
            {
                errors[key] = list = [];
            }
            list.AddRange(messages);
        }
        return rule;
    }

    /// <summary>
    /// Reads and checks a definition against the catalogue; on failure <paramref name="errors"/> names each bad part
    /// (<c>rules</c>, <c>rules[2].field</c>, <c>rules[0].values</c>) with the value that is wrong.
    /// </summary>
    public static RuleDefinition? Parse(string? json, CampaignErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(json))
        {
            errors.Add("rules", "rule.empty");
            return null;
        }
        if (json.Length > Campaigns.TargetRuleVersion.MaxDefinitionLength)
        {
            errors.Add("rules", "rule.tooLong", CampaignErrors.Arg(json.Length, "N0"), CampaignErrors.Arg(Campaigns.TargetRuleVersion.MaxDefinitionLength, "N0"));
            return null;
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            errors.Add("rules", "rule.notJson", CampaignErrors.Arg((object?)(ex.LineNumber + 1)));
            return null;
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors.Add("rules", "rule.notObject");
                return null;
            }
            var before = errors.Count;
            var index = 0;
            var all = new List<RuleCondition>();
            var any = new List<RuleCondition>();
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Name is not ("all" or "any"))
                {
                    errors.Add("rules", "rule.unknownPart", property.Name);
                }
            }
            foreach (var (name, list) in new[] { ("all", all), ("any", any) })
            {
                if (!doc.RootElement.TryGetProperty(name, out var group) || group.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }
                if (group.ValueKind != JsonValueKind.Array)
                {
                    errors.Add("rules", "rule.groupNotList", name);
                    continue;
                }
                foreach (var item in group.EnumerateArray())
                {
                    if (ReadCondition(item, $"rules[{index}]", errors) is { } condition)
                    {
                        list.Add(condition);
                    }
                    index++;
                }
            }
            if (index > MaxConditions)
            {
                errors.Add("rules", "rule.tooManyConditions", CampaignErrors.Arg(index), CampaignErrors.Arg(MaxConditions));
            }
            return errors.Count == before ? new RuleDefinition(all, any) : null;
        }
    }

    /// <summary>The canonical JSON of this definition (what is stored and compared for a change).</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            WriteGroup(w, "all", All);
            if (Any.Count > 0)
            {
                WriteGroup(w, "any", Any);
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteGroup(Utf8JsonWriter w, string name, IReadOnlyList<RuleCondition> conditions)
    {
        w.WriteStartArray(name);
        foreach (var c in conditions)
        {
            w.WriteStartObject();
            w.WriteString("field", c.Field);
            w.WriteString("op", JsonNamingPolicy.CamelCase.ConvertName(c.Op.ToString()));
            w.WriteStartArray("values");
            foreach (var v in c.Values)
            {
                w.WriteStringValue(v);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static RuleCondition? ReadCondition(JsonElement item, string path, CampaignErrors errors)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add(path, "condition.notObject");
            return null;
        }
        var fieldName = item.TryGetProperty("field", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : null;
        var opName = item.TryGetProperty("op", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString()! : null;
        var values = new List<string>();
        if (item.TryGetProperty("values", out var v))
        {
            if (v.ValueKind != JsonValueKind.Array)
            {
                errors.Add(path + ".values", "condition.valuesNotList");
                return null;
            }
            foreach (var value in v.EnumerateArray())
            {
                values.Add(value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString()!,
                    JsonValueKind.Number => value.GetRawText(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => value.GetRawText(),
                });
            }
        }
        if (fieldName is null)
        {
            errors.Add(path + ".field", "condition.fieldMissing");
            return null;
        }
        if (!TargetFields.TryGet(fieldName, out var field))
        {
            errors.Add(path + ".field", "condition.unknownField", fieldName);
            return null;
        }
        if (opName is null || !Enum.TryParse<RuleOp>(opName, ignoreCase: true, out var op) || !Enum.IsDefined(op) || int.TryParse(opName, CultureInfo.InvariantCulture, out _))
        {
            errors.Add(path + ".op", "condition.unknownOp", opName ?? "");
            return null;
        }
        if (!field.Ops.Contains(op))
        {
            errors.Add(path + ".op", "condition.opNotApplicable", opName, fieldName, string.Join(", ", field.Ops.Select(x => JsonNamingPolicy.CamelCase.ConvertName(x.ToString()))));
            return null;
        }
        var condition = new RuleCondition(fieldName, op, values);
        foreach (var problem in field.Check(condition))
        {
            errors.Add(path + ".values", problem);
        }
        return condition;
    }
}
