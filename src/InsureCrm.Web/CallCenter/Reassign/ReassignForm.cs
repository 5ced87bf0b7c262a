using InsureCrm.Core.CallCenter;

namespace InsureCrm.Web.CallCenter.Reassign;

/// <summary>One queue's box on the reassignment form.</summary>
internal sealed class KindChoice
{
    public string? Kind { get; set; }
    public bool On { get; set; }
}

/// <summary>One of the consultant's calls on the reassignment form, picked or not.</summary>
internal sealed class ItemChoice
{
    public long Id { get; set; }
    public bool On { get; set; }
}

/// <summary>The reassignment form: to whom ("" spreads over every active consultant with the skill), which queues, why.</summary>
internal sealed class ReassignFormModel
{
    public string? To { get; set; }
    // The form binder sets a list no field of the post named to null: a form posted without single calls picks none.
    public List<KindChoice> Kinds { get; set => field = value ?? []; } = [];
    public List<ItemChoice> Items { get; set => field = value ?? []; } = [];
    public string? Reason { get; set; }

    /// <summary>A new form: every queue the consultant holds items of ticked, no single call picked.</summary>
    public static ReassignFormModel For(IEnumerable<QueueKind> held, IEnumerable<long> items) => new()
    {
        Kinds = [.. held.Select(k => new KindChoice { Kind = k.ToString(), On = true })],
        Items = [.. items.Select(id => new ItemChoice { Id = id })],
    };

    public bool Picked(long id) => Items.Exists(i => i.Id == id && i.On);

    /// <summary>The calls picked one by one; empty: move by queue.</summary>
    public IReadOnlyCollection<long> PickedIds() => [.. Items.Where(i => i.On).Select(i => i.Id)];

    public long? ToUserId => long.TryParse(To, out var id) ? id : null;

    public IReadOnlyCollection<QueueKind> Chosen() =>
        [.. Kinds.Where(k => k.On).Select(k => Enum.TryParse<QueueKind>(k.Kind, out var v) ? v : (QueueKind?)null).OfType<QueueKind>()];
}
