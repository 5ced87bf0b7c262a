using InsureCrm.Core.CallCenter;

namespace InsureCrm.Web.CallCenter.Reassign;

/// <summary>One queue's box on the reassignment form.</summary>
internal sealed class KindChoice
{
    public string? Kind { get; set; }
    public bool On { get; set; }
}

/// <summary>The reassignment form: to whom ("" spreads over every active consultant with the skill), which queues, why.</summary>
internal sealed class ReassignFormModel
{
    public string? To { get; set; }
    public List<KindChoice> Kinds { get; set; } = [];
    public string? Reason { get; set; }

    /// <summary>A new form: every queue the consultant holds items of ticked.</summary>
    public static ReassignFormModel For(IEnumerable<QueueKind> held) => new()
    {
        Kinds = [.. held.Select(k => new KindChoice { Kind = k.ToString(), On = true })],
    };

    public long? ToUserId => long.TryParse(To, out var id) ? id : null;

    public IReadOnlyCollection<QueueKind> Chosen() =>
        [.. Kinds.Where(k => k.On).Select(k => Enum.TryParse<QueueKind>(k.Kind, out var v) ? v : (QueueKind?)null).OfType<QueueKind>()];
}
