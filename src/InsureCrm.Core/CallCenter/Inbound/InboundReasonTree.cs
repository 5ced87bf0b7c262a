using System.Text.Json;
using System.Text.Json.Serialization;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;

namespace InsureCrm.Core.CallCenter.Inbound;

/// <summary>A reason of the tree (a leaf), or a group of them, with its words in each language.</summary>
public sealed record InboundReason(string Code, string Ko, string En, string ZhTw, ProductFamily? Family)
{
    /// <summary>The words for a culture name (ko, en, zh-TW; anything else: Korean, the default).</summary>
    public string Label(string culture) =>
        culture.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? En
        : culture.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? ZhTw
        : Ko;
}

/// <summary>A first level of the tree: its words, the interaction purpose its calls are recorded with, whether it is a complaint, and its reasons.</summary>
public sealed record InboundReasonGroup(string Code, string Ko, string En, string ZhTw, InteractionPurpose Purpose, bool Complaint,
    IReadOnlyList<InboundReason> Reasons)
{
    public string Label(string culture) => new InboundReason(Code, Ko, En, ZhTw, null).Label(culture);
}

/// <summary>
/// The inbound reason tree (two levels: group › reason), reference data kept as a versioned JSON resource
/// (<c>CallCenter/Inbound/InboundReasons.json</c>, worded in Korean, English and Traditional Chinese). A logged contact
/// stores the reason's code <c>group.reason</c> (e.g. <c>claim.documents</c>) with the tree's <see cref="Version"/>, so a
/// later edition of the tree can rename or retire reasons without rewriting history: raise the version when a code's
/// meaning changes, never reuse a code for something else.
/// </summary>
public sealed class InboundReasonTree
{
    private readonly Dictionary<string, (InboundReasonGroup Group, InboundReason Reason)> _byCode;

    private InboundReasonTree(int version, IReadOnlyList<InboundReasonGroup> groups)
    {
        Version = version;
        Groups = groups;
        _byCode = groups.SelectMany(g => g.Reasons.Select(r => (Key: g.Code + "." + r.Code, g, r)))
            .ToDictionary(x => x.Key, x => (x.g, x.r), StringComparer.Ordinal);
    }

    public int Version { get; }

    public IReadOnlyList<InboundReasonGroup> Groups { get; }

    /// <summary>The group and reason of a code <c>group.reason</c>; null for a code the tree does not hold.</summary>
    public (InboundReasonGroup Group, InboundReason Reason)? Find(string? code) =>
        code is not null && _byCode.TryGetValue(code, out var hit) ? hit : null;

    /// <summary>Declared before <see cref="Current"/>: static fields are initialised in the order they are written.</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>The tree of this build (read once from the embedded resource).</summary>
    public static InboundReasonTree Current { get; } = Load();

    private static InboundReasonTree Load()
    {
        using var stream = typeof(InboundReasonTree).Assembly.GetManifestResourceStream("InsureCrm.Core.CallCenter.Inbound.InboundReasons.json")
            ?? throw new InvalidOperationException("The inbound reason tree resource is missing from the build.");
        var file = JsonSerializer.Deserialize<TreeFile>(stream, Json) ?? throw new InvalidOperationException("The inbound reason tree is empty.");
        var groups = file.Groups.Select(g => new InboundReasonGroup(g.Code, g.Ko, g.En, g.ZhTw, g.Purpose, g.Complaint,
            [.. g.Reasons.Select(r => new InboundReason(r.Code, r.Ko, r.En, r.ZhTw, r.Family))])).ToList();
        return new InboundReasonTree(file.Version, groups);
    }

    private sealed class TreeFile
    {
        public int Version { get; set; }
        public List<GroupFile> Groups { get; set; } = [];
    }

    private sealed class GroupFile
    {
        public string Code { get; set; } = "";
        public InteractionPurpose Purpose { get; set; }
        public bool Complaint { get; set; }
        public string Ko { get; set; } = "";
        public string En { get; set; } = "";
        [JsonPropertyName("zh-TW")] public string ZhTw { get; set; } = "";
        public List<ReasonFile> Reasons { get; set; } = [];
    }

    private sealed class ReasonFile
    {
        public string Code { get; set; } = "";
        public ProductFamily? Family { get; set; }
        public string Ko { get; set; } = "";
        public string En { get; set; } = "";
        [JsonPropertyName("zh-TW")] public string ZhTw { get; set; } = "";
    }
}
