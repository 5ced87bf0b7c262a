using InsureCrm.Core.CallCenter.Inbound;

namespace InsureCrm.Web.CallCenter.Inbound;

/// <summary>The console's contact log: a reason of the tree, the outcome and free text.</summary>
internal sealed class InboundLogForm
{
    public string? Reason { get; set; }
    public InboundOutcome Outcome { get; set; } = InboundOutcome.Resolved;
    public string? Notes { get; set; }
}

/// <summary>A callback: local date and time (Asia/Seoul, as a datetime-local field sends it), a note, and whether the team may make it.</summary>
internal sealed class CallbackForm
{
    public string? At { get; set; }
    public string? Note { get; set; }
    public bool Team { get; set; }
}

/// <summary>A sales need for the servicing agent: the product family and what the customer said.</summary>
internal sealed class ReferralForm
{
    public string? Family { get; set; }
    public string? Note { get; set; }
}
