using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Campaigns.Execution;

/// <summary>
/// Contacts handed to people (docs/plans/issue12-campaigns.md section 7): an agent's campaign list (their own contacts
/// only) and the call center's call list, whose next due call is checked against the contact policy at the moment it is
/// handed out (quiet hours move it to the next allowed instant, a refusal blocks it with every reason). An outcome
/// closes the contact with one interaction row; a call not reached is tried again after
/// <see cref="CallOptions.RetryAfter"/> as a new attempt, at most <see cref="CallOptions.MaxAttempts"/>; an interested
/// or appointed customer is handed to their agent's list.
/// </summary>
internal sealed class CampaignWorkLists(
    CrmDbContext db, ConsentService consents, IAccessLog accessLog, CampaignsOptions options, TimeProvider clock) : ICampaignWorkLists
{
    /// <summary>How many refused calls one request skips past before it answers "none due" (the rest wait for the next request).</summary>
    private const int MaxSkips = 50;

    public async Task<IReadOnlyList<WorkListItem>> AgentListAsync(CrmUser user, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.AgentId is not { } agentId)
        {
            return [];
        }
        var contacts = await Open(CampaignChannelKind.Agent).Where(x => x.AgentId == agentId)
            .OrderBy(x => x.PlannedAt).ThenBy(x => x.Id).ToListAsync(ct);
        return await ItemsAsync(contacts, ct);
    }

    public async Task<WorkListItem?> NextCallAsync(CrmUser user, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.Role.IsCallCenter())
        {
            return null;
        }
        for (var skipped = 0; skipped < MaxSkips; skipped++)
        {
            var now = clock.GetUtcNow();
            var at = now.UtcDateTime;
            var contact = await db.CampaignContacts
                .Where(x => x.Channel == CampaignChannelKind.CallList && x.State == CampaignContactState.Released && x.PlannedAt <= at
                    && (x.LeaseUntil == null || x.LeaseUntil < at)
                    && db.Set<Campaign>().Any(c => c.Id == x.CampaignId && c.State == CampaignState.Running))
                .OrderBy(x => x.PlannedAt).ThenBy(x => x.Id).FirstOrDefaultAsync(ct);
            if (contact is null)
            {
                return null;
            }
            var decision = await consents.CheckAsync(new ContactRequest(contact.CustomerId, ContactChannel.Phone, ContactPurpose.Marketing, now), ct);
            if (decision is null)
            {
                Block(contact, nameof(CampaignBlockReason.NoAddress));
            }
            else if (!decision.Allowed && decision.NextAllowedAt is { } next)
            {
                contact.PlannedAt = next.UtcDateTime;
                contact.Reasons = string.Join(',', decision.Reasons);
            }
            else if (!decision.Allowed)
            {
                Block(contact, [.. decision.Reasons.Select(r => r.ToString())]);
            }
            else
            {
                // Held for this consultant while they call, so a colleague's next call is another customer.
                contact.LeaseUntil = at + options.Sending.Lease;
                contact.LeasedBy = user.UserId;
                contact.Reasons = "";
                await db.SaveChangesAsync(ct);
                await accessLog.RecordAsync(user, new AccessEvent(AccessAction.View, contact.CustomerId, AccessReason.Campaign, "campaign call list"), ct);
                return (await ItemsAsync([contact], ct))[0];
            }
            await db.SaveChangesAsync(ct);
        }
        return null;
    }

    public async Task<CampaignResult<WorkListItem>> RecordOutcomeAsync(CrmUser user, OutcomeEntry entry, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(entry);
        if (!Enum.IsDefined(entry.Outcome))
        {
            return CampaignResult.Invalid<WorkListItem>(new Dictionary<string, string[]>
            {
                ["outcome"] = [string.Create(CultureInfo.InvariantCulture, $"'{entry.Outcome}' is not an outcome: one of {string.Join(", ", Enum.GetNames<CallOutcome>())}")],
            });
        }
        var contact = await db.CampaignContacts.FirstOrDefaultAsync(x => x.Id == entry.ContactId, ct);
        if (contact is null || !Mine(user, contact, entry.ByQueue))
        {
            return contact is not null && contact.Channel == CampaignChannelKind.CallList
                ? CampaignResult.Forbidden<WorkListItem>()
                : CampaignResult.NotFound<WorkListItem>();
        }
        if (contact.State != CampaignContactState.Released)
        {
            return CampaignResult.Conflict<WorkListItem>($"This contact is {contact.State}; its outcome was recorded already or it is not on a list.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        contact.State = CampaignContactState.Done;
        contact.Outcome = entry.Outcome;
        contact.OutcomeAt = now;
        contact.OutcomeBy = user.UserName;
        contact.LeaseUntil = null;
        db.Interactions.Add(new Interaction
        {
            CustomerId = contact.CustomerId, OccurredAt = now,
            Channel = contact.Channel == CampaignChannelKind.Agent ? InteractionChannel.Visit : InteractionChannel.PhoneOut,
            Direction = InteractionDirection.Outbound, Purpose = InteractionPurpose.Campaign, Outcome = InteractionOutcomeOf(entry.Outcome),
            AgentId = contact.AgentId, StaffUser = user.UserName, Notes = entry.Note,
            SourceKey = string.Create(CultureInfo.InvariantCulture, $"CMP-{contact.Id}"),
        });
        if (contact.Channel == CampaignChannelKind.CallList && entry.Outcome == CallOutcome.NotReached && contact.Attempt < options.Calls.MaxAttempts)
        {
            contact.NextAttemptAt = now + options.Calls.RetryAfter;
            db.CampaignContacts.Add(Handed(contact, CampaignChannelKind.CallList, contact.Attempt + 1, contact.NextAttemptAt.Value));
        }
        if (contact.Channel == CampaignChannelKind.CallList && entry.Outcome is CallOutcome.Interested or CallOutcome.Appointment && contact.AgentId is not null)
        {
            var key = CampaignContact.KeyOf(contact.CampaignId, contact.CustomerId, CampaignChannelKind.Agent, 1);
            if (!await db.CampaignContacts.AnyAsync(x => x.IdemKey == key, ct))
            {
                db.CampaignContacts.Add(Handed(contact, CampaignChannelKind.Agent, 1, now));
            }
        }
        await db.SaveChangesAsync(ct);
        return CampaignResult.Ok((await ItemsAsync([contact], ct))[0]);
    }

    public async Task<int> HoldAsync(IReadOnlyCollection<long> contactIds, bool held, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(contactIds);
        DateTime? until = held ? HeldElsewhere : null;
        var changed = 0;
        foreach (var chunk in contactIds.Distinct().Chunk(10_000))
        {
            changed += await db.CampaignContacts
                .Where(x => chunk.Contains(x.Id) && x.Channel == CampaignChannelKind.CallList && x.State == CampaignContactState.Released)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LeaseUntil, until), ct);
        }
        return changed;
    }

    /// <summary>The lease of a call-list contact another work list holds: never over while it is held.</summary>
    internal static readonly DateTime HeldElsewhere = new(9999, 12, 31, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The interaction outcome an outcome code is recorded as.</summary>
    internal static InteractionOutcome InteractionOutcomeOf(CallOutcome outcome) => outcome switch
    {
        CallOutcome.Reached => InteractionOutcome.Reached,
        CallOutcome.NotReached => InteractionOutcome.NoAnswer,
        CallOutcome.Refused => InteractionOutcome.Refused,
        CallOutcome.Interested => InteractionOutcome.Interested,
        CallOutcome.Appointment => InteractionOutcome.FollowUp,
        CallOutcome.Sold => InteractionOutcome.Sold,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "not an outcome code"),
    };

    /// <summary>
    /// An agent's contact is their agent's; a call-list contact is the consultant's the next call handed it to, or, while the
    /// call center's queue holds it, the queue's to record (it checked the item is the user's).
    /// </summary>
    private static bool Mine(CrmUser user, CampaignContact contact, bool byQueue) => contact.Channel switch
    {
        CampaignChannelKind.Agent => user.AgentId is { } agentId && contact.AgentId == agentId,
        CampaignChannelKind.CallList => user.Role.IsCallCenter()
            && (byQueue || (contact.LeaseUntil != HeldElsewhere && contact.LeasedBy == user.UserId)),
        _ => false,
    };

    private static CampaignContact Handed(CampaignContact from, CampaignChannelKind channel, int attempt, DateTime plannedAt) => new()
    {
        CampaignId = from.CampaignId, CustomerId = from.CustomerId, Channel = channel, Attempt = attempt,
        IdemKey = CampaignContact.KeyOf(from.CampaignId, from.CustomerId, channel, attempt), State = CampaignContactState.Released,
        ScriptId = from.ScriptId, OfferId = from.OfferId, AgentId = from.AgentId, PlannedAt = plannedAt,
    };

    private static void Block(CampaignContact contact, params string[] reasons)
    {
        contact.State = CampaignContactState.Blocked;
        contact.Reasons = string.Join(',', reasons);
    }

    private IQueryable<CampaignContact> Open(CampaignChannelKind channel) =>
        db.CampaignContacts.AsNoTracking().Where(x => x.Channel == channel && x.State == CampaignContactState.Released
            && db.Set<Campaign>().Any(c => c.Id == x.CampaignId && c.State == CampaignState.Running));

    /// <summary>The contacts with their customer's name, the campaign, the channel's newest script in the customer's language (else Korean) and the offer.</summary>
    private async Task<List<WorkListItem>> ItemsAsync(List<CampaignContact> contacts, CancellationToken ct)
    {
        var campaignIds = contacts.Select(x => x.CampaignId).Distinct().ToList();
        var customerIds = contacts.Select(x => x.CustomerId).Distinct().ToList();
        var offerIds = contacts.Select(x => x.OfferId).OfType<long>().Distinct().ToList();
        var campaigns = await db.Campaigns.AsNoTracking().Where(c => campaignIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var customers = await db.Customers.AsNoTracking().Where(c => customerIds.Contains(c.Id))
            .Select(c => new { c.Id, c.Name, c.NameScript }).ToDictionaryAsync(c => c.Id, ct);
        var offers = await db.Offers.AsNoTracking().Where(o => offerIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        var uplift = (await db.CampaignUpliftScores.AsNoTracking().Where(u => campaignIds.Contains(u.CampaignId) && customerIds.Contains(u.CustomerId))
            .ToListAsync(ct)).ToDictionary(u => (u.CampaignId, u.CustomerId));
        var scripts = (await db.CampaignScripts.AsNoTracking().Where(s => campaignIds.Contains(s.CampaignId)).ToListAsync(ct))
            .GroupBy(s => (s.CampaignId, s.Channel, s.Language)).ToDictionary(g => g.Key, g => g.MaxBy(s => s.Version)!);
        return [.. contacts.Select(x =>
        {
            var campaign = campaigns[x.CampaignId];
            var customer = customers.GetValueOrDefault(x.CustomerId);
            var offer = x.OfferId is { } o ? offers.GetValueOrDefault(o) : null;
            var language = customer is null ? ScriptLanguage.Korean : CampaignTemplates.LanguageOf(customer.NameScript);
            var script = scripts.GetValueOrDefault((x.CampaignId, x.Channel, language)) ?? scripts.GetValueOrDefault((x.CampaignId, x.Channel, ScriptLanguage.Korean));
            var values = new TemplateValues(customer?.Name ?? "", "", "", offer ?? "", campaign.Code, "",
                CampaignName: campaign.Name, OptOutNumber: options.Sms.OptOutNumber ?? "");
            var why = uplift.GetValueOrDefault((x.CampaignId, x.CustomerId));
            return new WorkListItem(x.Id, x.CampaignId, campaign.Code, campaign.Name, x.CustomerId, customer?.Name ?? "", x.Channel, x.Attempt, x.State,
                x.PlannedAt, script?.Subject is { } subject ? CampaignTemplates.RenderText(subject, values) : null,
                script is null ? null : CampaignTemplates.RenderText(script.Body, values), offer, x.Outcome, x.NextAttemptAt)
            {
                Uplift = why?.Uplift,
                UpliftReasons = why is null ? [] : Models.InsurerModelScorer.ReadReasons(why.Reasons),
            };
        })];
    }
}

/// <summary>The open campaign contacts of one agent as one SQL statement (parameter <c>@agent_id</c>), for the worklist to merge into its daily list.</summary>
public static class AgentCampaignItems
{
    public const string ForAgentSql = """
        SELECT cc.id AS contact_id, cc.campaign_id, c.code AS campaign_code, c.name AS campaign_name, cc.customer_id, cc.attempt,
               cc.planned_at, cc.offer_id
        FROM campaign_contact cc
        JOIN campaign c ON c.id = cc.campaign_id
        WHERE cc.agent_id = @agent_id AND cc.channel = 'Agent' AND cc.state = 'Released' AND c.state = 'Running'
        ORDER BY cc.planned_at, cc.id
        """;
}
