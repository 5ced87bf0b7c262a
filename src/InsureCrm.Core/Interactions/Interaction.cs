using InsureCrm.Core.Common;

namespace InsureCrm.Core.Interactions;

public enum InteractionChannel { Visit, PhoneIn, PhoneOut, Sms, Email, Dm, Web, Branch, CallCenter }

public enum InteractionDirection { Inbound, Outbound }

public enum InteractionPurpose
{
    Sales, Service, HappyCall, Collection, CoverageCheck, Claim, Complaint, Inquiry, Campaign, Greeting, Other,
}

public enum InteractionOutcome { Completed, Reached, NoAnswer, Interested, NotInterested, Sold, FollowUp, Refused }

/// <summary>One contact with a customer. Contact history is append-only: corrections are new rows.</summary>
public sealed class Interaction : IAppendOnly
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public DateTime OccurredAt { get; set; }
    public InteractionChannel Channel { get; set; }
    public InteractionDirection Direction { get; set; }
    public InteractionPurpose Purpose { get; set; }
    public InteractionOutcome Outcome { get; set; }
    public long? AgentId { get; set; }
    /// <summary>User name of the staff member who recorded it, when not an agent.</summary>
    public string? StaffUser { get; set; }
    public string? Notes { get; set; }
    /// <summary>Source-system key that makes re-imports idempotent.</summary>
    public string? SourceKey { get; set; }
}
