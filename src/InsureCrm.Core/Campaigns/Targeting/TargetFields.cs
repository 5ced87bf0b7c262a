using System.Globalization;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Models;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Value;

namespace InsureCrm.Core.Campaigns.Targeting;

/// <summary>What the values of a field are.</summary>
public enum TargetValueKind { Enum, Whole, Number, Flag, Code }

/// <summary>
/// One field of the rule builder: its key (<c>segment.cell</c>), the kind and allowed values, the operators it takes, and
/// the key of its label on the page (<c>Campaigns.Field.segment.cell</c>).
/// </summary>
public sealed record TargetField(string Key, TargetValueKind Kind, IReadOnlyList<RuleOp> Ops, IReadOnlyList<string> Allowed, double Min = double.MinValue, double Max = double.MaxValue)
{
    public string LabelKey => "Campaigns.Field." + Key;

    /// <summary>Every problem with the values of <paramref name="condition"/>, each naming the value.</summary>
    public IEnumerable<FieldError> Check(RuleCondition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var values = condition.Values;
        var expected = condition.Op switch
        {
            RuleOp.Between => 2,
            RuleOp.Gte or RuleOp.Lte or RuleOp.Is => 1,
            _ => -1,
        };
        if (expected > 0 && values.Count != expected)
        {
            yield return new(expected == 1 ? "values.countOne" : "values.countMany", [Op(condition.Op), Key, Arg(expected), Arg(values.Count)]);
            yield break;
        }
        if (values.Count == 0)
        {
            yield return new("values.none", [Key]);
            yield break;
        }
        if (values.Count > MaxValues)
        {
            yield return new("values.tooMany", [Key, Arg(values.Count), Arg(MaxValues)]);
            yield break;
        }
        foreach (var value in values)
        {
            switch (Kind)
            {
                case TargetValueKind.Enum when !Allowed.Contains(value, StringComparer.Ordinal):
                    yield return new("values.notAllowed", [value, Key, string.Join(", ", Allowed)]);
                    break;
                case TargetValueKind.Whole when !long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) || i < Min || i > Max:
                    yield return new("values.notWhole", [value, Min.ToString(CultureInfo.InvariantCulture), Max.ToString(CultureInfo.InvariantCulture), Key]);
                    break;
                case TargetValueKind.Number when !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || d < Min || d > Max:
                    yield return new("values.notNumber", [value, Min.ToString(CultureInfo.InvariantCulture), Max.ToString(CultureInfo.InvariantCulture), Key]);
                    break;
                case TargetValueKind.Flag when value is not ("true" or "false"):
                    yield return new("values.notFlag", [value, Key]);
                    break;
                case TargetValueKind.Code when value.Length is 0 or > 40:
                    yield return new("values.notCode", [value, Key]);
                    break;
            }
        }
        if (condition.Op == RuleOp.Between && Kind is TargetValueKind.Whole or TargetValueKind.Number
            && double.TryParse(values[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var lo)
            && double.TryParse(values[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var hi) && lo > hi)
        {
            yield return new("values.rangeReversed", [values[0], values[1], Key]);
        }
    }

    /// <summary>At most this many values in one condition.</summary>
    public const int MaxValues = 200;

    private static string Op(RuleOp op) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(op.ToString());

    private static string Arg(int value) => CampaignErrors.Arg(value);
}

/// <summary>
/// The whitelist of the rule builder (docs/plans/issue12-campaigns.md section 4): a rule may only use these fields, and
/// the rule compiler turns each into a fixed SQL fragment whose values are parameters.
/// </summary>
public static class TargetFields
{
    private static readonly RuleOp[] Membership = [RuleOp.In, RuleOp.NotIn];
    private static readonly RuleOp[] Range = [RuleOp.Between, RuleOp.Gte, RuleOp.Lte];
    private static readonly RuleOp[] Flag = [RuleOp.Is];

    /// <summary>The champion models a <c>score.&lt;model&gt;</c> field may name (customer models only).</summary>
    public static IReadOnlyList<string> ScoreModels { get; } =
        [.. InsurerModels.Customer.Select(m => m.Name)];

    /// <summary>The channels of <c>consent.&lt;channel&gt;</c> (lower-case <see cref="ContactChannel"/> names).</summary>
    public static IReadOnlyList<string> ConsentChannels { get; } = [.. Enum.GetNames<ContactChannel>().Select(n => n.ToLowerInvariant())];

    public static IReadOnlyList<string> Grades { get; } = ["A", "B", "C", "D", "E", "F", "G"];

    public static IReadOnlyList<TargetField> All { get; } = Build();

    private static readonly Dictionary<string, TargetField> ByKey = All.ToDictionary(f => f.Key, StringComparer.Ordinal);

    public static bool TryGet(string key, out TargetField field) => ByKey.TryGetValue(key, out field!);

    private static List<TargetField> Build()
    {
        List<TargetField> fields =
        [
            EnumField<SegmentCell>("segment.cell"),
            new("segment.needsGroup", TargetValueKind.Whole, Membership, [], 0, 99),
            EnumField<Strategy>("segment.strategy"),
            new("value.grade", TargetValueKind.Enum, Membership, Grades),
            new("value.total", TargetValueKind.Number, Range, [], -1e15, 1e15),
            EnumField<LifecycleState>("lifecycle.insurance"),
            EnumField<LifecycleState>("lifecycle.loan"),
            new("holds.family", TargetValueKind.Enum, [RuleOp.In], Enum.GetNames<ProductFamily>()),
            new("gap.family", TargetValueKind.Enum, [RuleOp.In], Enum.GetNames<ProductFamily>()),
            new("contracts.activeCount", TargetValueKind.Whole, Range, [], 0, 1000),
            new("contract.orphaned", TargetValueKind.Flag, Flag, []),
            new("loan.active", TargetValueKind.Flag, Flag, []),
            new("contact.daysSinceLast", TargetValueKind.Whole, [RuleOp.Gte, RuleOp.Lte], [], 0, 3650),
            new("region.sido", TargetValueKind.Code, Membership, []),
            new("branch.code", TargetValueKind.Code, Membership, []),
            new("agent.code", TargetValueKind.Code, Membership, []),
            new("age", TargetValueKind.Whole, Range, [], 0, 130),
            EnumField<Gender>("gender"),
            EnumField<CustomerKind>("kind"),
            new("reach.email", TargetValueKind.Flag, Flag, []),
            new("reach.mobile", TargetValueKind.Flag, Flag, []),
            new("reach.address", TargetValueKind.Flag, Flag, []),
        ];
        fields.AddRange(ScoreModels.Select(m => new TargetField("score." + m, TargetValueKind.Number, Range, [], 0, 1)));
        fields.AddRange(ConsentChannels.Select(c => new TargetField("consent." + c, TargetValueKind.Flag, Flag, [])));
        return fields;
    }

    private static TargetField EnumField<T>(string key) where T : struct, Enum => new(key, TargetValueKind.Enum, Membership, Enum.GetNames<T>());
}
