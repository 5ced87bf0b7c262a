using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Worklists.Build;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Worklists;

public enum ReferralStatus
{
    /// <summary>On the servicing agent's list from today.</summary>
    Sent,
    /// <summary>The customer's open referral for that family on that agent's list was renewed (new note and day) rather than doubled.</summary>
    Renewed,
    /// <summary>No active contract with an active servicing agent: nobody to send it to (an orphan goes to the orphan service).</summary>
    NoAgent,
}

/// <summary>What came of a referral: the agent it went to (code and name, no customer data) and the item.</summary>
public sealed record ReferralResult(ReferralStatus Status, long? ItemId = null, string? AgentCode = null, string? AgentName = null, DateOnly? ListDay = null);

/// <summary>
/// A sales need heard by the call center, passed to the customer's servicing agent (the servicing agent of their newest
/// active contract, as the targeting mart and the nightly build take it) as a <see cref="WorkAction.Referral"/> item of
/// their list, inserted open for today (Asia/Seoul) so that it is on the list at once; the nightly build keeps it while it
/// is open (<c>Sources.ReferralsAsync</c>), judging it as the selling item it is: consent for a visit or a call and the
/// contact policy, not the cool-off. Not a contact itself, so the contact policy is not asked here.
/// </summary>
internal sealed class Referrals(CrmDbContext db, WorklistOptions options, ContactPolicy policy, TimeProvider clock)
{
    /// <summary>The customer asked: as likely as not to buy (the priority's probability).</summary>
    public const double Probability = 0.5;

    public const int MaxNoteLength = 500;

    public async Task<ReferralResult> ReferAsync(long customerId, ProductFamily family, string? note, string referredBy, CancellationToken ct = default)
    {
        var agent = await (from k in db.Contracts.AsNoTracking()
                           join a in db.Agents.AsNoTracking() on k.ServicingAgentId equals a.Id
                           where k.CustomerId == customerId && Active.Contains(k.Status)
                           orderby k.IssueDate descending, k.Id descending
                           select new { a.Id, a.Code, a.Name, a.Status }).FirstOrDefaultAsync(ct);
        if (agent is null || agent.Status != AgentStatus.Active)
        {
            return new ReferralResult(ReferralStatus.NoAgent);
        }
        var today = policy.LocalDate(clock.GetUtcNow());
        var facts = new WorkFacts
        {
            Date = today,
            Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim()[..Math.Min(note.Trim().Length, MaxNoteLength)],
            ReferredBy = referredBy,
        }.ToJson();
        var subject = Subject.Family(family);
        var open = await db.WorkItems.FirstOrDefaultAsync(i => i.AgentId == agent.Id && i.CustomerId == customerId && i.Action == WorkAction.Referral
            && i.Subject == subject && (i.State == WorkItemState.Open || i.State == WorkItemState.Snoozed), ct);
        if (open is not null)
        {
            open.Facts = facts;
            open.ListedOn = today;
            open.State = WorkItemState.Open;
            open.SnoozedUntil = null;
            open.Version++;
            await db.SaveChangesAsync(ct);
            return new ReferralResult(ReferralStatus.Renewed, open.Id, agent.Code, agent.Name, today);
        }
        var value = options.SaleValue;
        var item = new WorkItem
        {
            AgentId = agent.Id, CustomerId = customerId, Action = WorkAction.Referral, Subject = subject, Purpose = WorkPurpose.Marketing,
            Probability = Probability, Value = value, Priority = Probability * (double)value * options.WeightOf(WorkAction.Referral), Family = family,
            Facts = facts, Channel = WorkChannel.Phone, FirstListedOn = today, ListedOn = today, State = WorkItemState.Open,
        };
        db.WorkItems.Add(item);
        await db.SaveChangesAsync(ct);
        return new ReferralResult(ReferralStatus.Sent, item.Id, agent.Code, agent.Name, today);
    }

    /// <summary>The contract states the mart counts as active (<see cref="ContractLifecycle.IsActive"/>).</summary>
    private static readonly ContractStatus[] Active = [ContractStatus.InForce, ContractStatus.Reinstated, ContractStatus.PaidUp];
}
