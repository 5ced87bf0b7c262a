using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Core.Worklists;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.CallCenter.Inbound;

/// <summary>What the consultant entered about the call: a reason of the tree (<c>group.reason</c>), the outcome and free text.</summary>
public sealed record InboundContactEntry(string? ReasonCode, InboundOutcome Outcome, string? Notes);

public enum InboundStatus { Done, Forbidden, NotFound, Invalid }

/// <summary>The answer of a console action; <see cref="Errors"/> holds the field codes of an invalid entry.</summary>
public sealed record InboundResult(InboundStatus Status, long? Id = null, bool VocRequested = false, IReadOnlyList<string>? Errors = null)
{
    public static readonly InboundResult Forbidden = new(InboundStatus.Forbidden);
    public static readonly InboundResult NotFound = new(InboundStatus.NotFound);
    public static InboundResult Invalid(params string[] errors) => new(InboundStatus.Invalid, Errors: errors);
}

/// <summary>An open item of any agent's list for the customer, as the console shows it (the agent, the action, since when).</summary>
public sealed record OpenWorkView(string AgentCode, string AgentName, WorkAction Action, ProductFamily? Family, DateOnly FirstListedOn, DateOnly? DueOn);

/// <summary>What the console adds to the customer view's sections: open list items, and whether a marketing call is allowed now (do-not-call, consent).</summary>
public sealed record InboundExtras(IReadOnlyList<OpenWorkView> OpenWork, ContactDecision? MarketingCall, IReadOnlyList<Callback> OpenCallbacks);

/// <summary>
/// The console's writes and the parts of the customer summary the customer view does not hold. Every action is the call
/// center consultant's (<see cref="Capability.CallsInbound"/>), on a customer their scope reaches, with the reason the
/// customer was opened with (the call center gives one each time: <see cref="Capability.NeedsReasonToOpen"/>), and is
/// written to the access log.
/// </summary>
internal sealed class InboundContacts(CrmDbContext db, CustomerScope scope, IAccessLog log, ConsentService consents, Referrals referrals,
    TimeProvider clock)
{
    public const int MaxNotesLength = 2000;

    /// <summary>
    /// Logs the call as an interaction of the customer's history (channel CallCenter, direction Inbound, the reason group's
    /// purpose, the outcome mapped to the history's outcomes, the notes) and an <see cref="InboundContact"/> row with the
    /// reason code and the VOC flag, in one transaction.
    /// </summary>
    public async Task<InboundResult> LogAsync(CrmUser user, long customerId, InboundContactEntry entry, string? reason, CancellationToken ct = default)
    {
        if (!user.Role.Allows(Capability.CallsInbound))
        {
            return InboundResult.Forbidden;
        }
        var tree = InboundReasonTree.Current;
        var errors = new List<string>();
        var found = tree.Find(entry.ReasonCode);
        if (found is null)
        {
            errors.Add("reason");
        }
        if (entry.Notes is { Length: > MaxNotesLength })
        {
            errors.Add("notes");
        }
        if (!Enum.IsDefined(entry.Outcome))
        {
            errors.Add("outcome");
        }
        if (errors.Count > 0)
        {
            return InboundResult.Invalid([.. errors]);
        }
        if (await scope.CheckAsync(user, customerId, "log inbound contact", reason, ct) != Reach.Allowed)
        {
            return InboundResult.NotFound;
        }
        var group = found!.Value.Group;
        var now = clock.GetUtcNow().UtcDateTime;
        var voc = group.Complaint || entry.Outcome == InboundOutcome.ComplaintToVoc;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var interaction = new Interaction
        {
            CustomerId = customerId, OccurredAt = now, Channel = InteractionChannel.CallCenter, Direction = InteractionDirection.Inbound,
            Purpose = group.Purpose, Outcome = OutcomeOf(entry.Outcome), StaffUser = user.UserName,
            Notes = string.IsNullOrWhiteSpace(entry.Notes) ? null : entry.Notes.Trim(),
        };
        db.Interactions.Add(interaction);
        await db.SaveChangesAsync(ct);
        var contact = new InboundContact
        {
            CustomerId = customerId, InteractionId = interaction.Id, ReasonCode = entry.ReasonCode!, ReasonTreeVersion = tree.Version,
            Outcome = entry.Outcome, VocRequested = voc, LoggedBy = user.UserName, LoggedAt = now,
        };
        db.InboundContacts.Add(contact);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await log.RecordAsync(user, new AccessEvent(AccessAction.Insert, customerId, reason, "inbound-contact"), ct);
        return new InboundResult(InboundStatus.Done, contact.Id, voc);
    }

    /// <summary>The interaction outcome of a call's outcome.</summary>
    public static InteractionOutcome OutcomeOf(InboundOutcome outcome) => outcome switch
    {
        InboundOutcome.Resolved => InteractionOutcome.Completed,
        InboundOutcome.Transferred => InteractionOutcome.Reached,
        _ => InteractionOutcome.FollowUp,
    };

    /// <summary>
    /// Passes a sales need to the servicing agent's list (<see cref="Referrals"/>); <see cref="ReferralStatus.NoAgent"/> when the
    /// customer has none. Not an outbound contact, so the contact policy is not asked here: the agent's list applies it.
    /// </summary>
    public async Task<(InboundStatus Status, ReferralResult? Referral)> ReferAsync(CrmUser user, long customerId, ProductFamily family, string? note,
        string? reason, CancellationToken ct = default)
    {
        if (!user.Role.Allows(Capability.CallsInbound))
        {
            return (InboundStatus.Forbidden, null);
        }
        if (note is { Length: > Referrals.MaxNoteLength } || !Enum.IsDefined(family))
        {
            return (InboundStatus.Invalid, null);
        }
        if (await scope.CheckAsync(user, customerId, "refer to agent", reason, ct) != Reach.Allowed)
        {
            return (InboundStatus.NotFound, null);
        }
        var result = await referrals.ReferAsync(customerId, family, note, user.UserName, ct);
        if (result.Status != ReferralStatus.NoAgent)
        {
            await log.RecordAsync(user, new AccessEvent(AccessAction.Insert, customerId, reason, "referral"), ct);
        }
        return (InboundStatus.Done, result);
    }

    /// <summary>
    /// The console's additions to the customer view (read after the view let the user in): the open items of every agent's
    /// list for the customer, the contact policy's answer for a marketing call now (do-not-call registry, consent), and the
    /// customer's callbacks still due.
    /// </summary>
    public async Task<InboundExtras> ExtrasAsync(long customerId, CancellationToken ct = default)
    {
        var work = await (from i in db.WorkItems.AsNoTracking()
                          join a in db.Agents.AsNoTracking() on i.AgentId equals a.Id
                          where i.CustomerId == customerId && (i.State == WorkItemState.Open || i.State == WorkItemState.Snoozed)
                          orderby i.FirstListedOn, i.Id
                          select new OpenWorkView(a.Code, a.Name, i.Action, i.Family, i.FirstListedOn, i.DueOn)).ToListAsync(ct);
        var call = await consents.CheckAsync(new ContactRequest(customerId, ContactChannel.Phone, ContactPurpose.Marketing, clock.GetUtcNow()), ct);
        var callbacks = await db.Callbacks.AsNoTracking().Where(c => c.CustomerId == customerId && c.Status == CallbackStatus.Due)
            .OrderBy(c => c.DueAt).ToListAsync(ct);
        return new InboundExtras(work, call, callbacks);
    }
}
