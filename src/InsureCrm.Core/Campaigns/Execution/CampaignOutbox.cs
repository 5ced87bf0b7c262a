using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Interactions;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Campaigns.Execution;

/// <summary>
/// The outbox rules every channel shares (docs/plans/issue12-campaigns.md section 7): idempotent release, the claim
/// under a lease, the crash rule, the verdict of the contact policy on one contact, and the interaction a contact
/// leaves behind. The e-mail and SMS sender and the DM export all go through these, so the rules cannot drift apart.
/// </summary>
internal static class CampaignOutbox
{
    /// <summary>Channels whose contacts are handed to people (agents' lists, the call list) rather than sent.</summary>
    public static readonly CampaignChannelKind[] HandedChannels = [CampaignChannelKind.Agent, CampaignChannelKind.CallList];

    /// <summary>
    /// One statement per channel; a member already released adds nothing (the unique idempotency key). Message and DM
    /// contacts wait Pending; agent and call-list contacts are Released, handed to people.
    /// </summary>
    public static async Task<int> ReleaseAsync(CrmDbContext db, long campaignId, CampaignChannelKind channel, DateTime now, CancellationToken ct)
    {
        var channelName = channel.ToString();
        var pending = HandedChannels.Contains(channel) ? nameof(CampaignContactState.Released) : nameof(CampaignContactState.Pending);
        return await db.Database.ExecuteSqlAsync($"""
            INSERT INTO campaign_contact (campaign_id, customer_id, channel, attempt, idem_key, state, reasons, offer_id, agent_id, planned_at)
            SELECT campaign_id, customer_id, planned_channel, 1,
                   CAST(campaign_id AS TEXT) || ':' || CAST(customer_id AS TEXT) || ':' || planned_channel || ':1',
                   {pending}, '', offer_id, agent_id, {now}
            FROM campaign_member
            WHERE campaign_id = {campaignId} AND arm = 'Test' AND planned_channel = {channelName}
            ON CONFLICT (idem_key) DO NOTHING
            """, ct);
    }

    /// <summary>The crash rule: whatever a stopped run still holds past its lease may have left; it becomes InDoubt and is never re-sent by itself.</summary>
    public static Task<int> ExpireLeasesAsync(CrmDbContext db, long campaignId, IReadOnlyList<CampaignChannelKind> channels, DateTime now, CancellationToken ct) =>
        db.CampaignContacts
            .Where(x => x.CampaignId == campaignId && channels.Contains(x.Channel) && x.State == CampaignContactState.Sending && x.LeaseUntil < now)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.State, CampaignContactState.InDoubt).SetProperty(x => x.Error, "lease-expired"), ct);

    /// <summary>Claims up to <paramref name="size"/> due contacts under a lease, committed before anything leaves (PostgreSQL skips rows another run holds).</summary>
    public static async Task<List<CampaignContact>> ClaimAsync(
        CrmDbContext db, long campaignId, CampaignChannelKind channel, int size, DateTime now, TimeSpan leaseFor, CancellationToken ct)
    {
        var lease = now + leaseFor;
        var channelName = channel.ToString();
        var sending = nameof(CampaignContactState.Sending);
        var ids = db.Database.IsNpgsql()
            ? await db.Database.SqlQuery<long>($"""
                UPDATE campaign_contact SET state = {sending}, lease_until = {lease}
                WHERE id IN (SELECT id FROM campaign_contact
                             WHERE campaign_id = {campaignId} AND channel = {channelName} AND state IN ('Pending', 'Deferred') AND planned_at <= {now}
                             ORDER BY id LIMIT {size} FOR UPDATE SKIP LOCKED)
                RETURNING id AS "Value"
                """).ToListAsync(ct)
            : await db.Database.SqlQuery<long>($"""
                UPDATE campaign_contact SET state = {sending}, lease_until = {lease}
                WHERE id IN (SELECT id FROM campaign_contact
                             WHERE campaign_id = {campaignId} AND channel = {channelName} AND state IN ('Pending', 'Deferred') AND planned_at <= {now}
                             ORDER BY id LIMIT {size})
                RETURNING id AS "Value"
                """).ToListAsync(ct);
        db.ChangeTracker.Clear();
        return await db.CampaignContacts.Where(x => ids.Contains(x.Id)).OrderBy(x => x.Id).ToListAsync(ct);
    }

    /// <summary>
    /// Applies the contact policy's answer: false when the contact may go now. Null (merged away or erased since the
    /// split) blocks it with <see cref="CampaignBlockReason.NoAddress"/>; a refusal only for the hour defers it to the
    /// next allowed instant; any other refusal blocks it with every reason.
    /// </summary>
    public static bool Refused(CampaignContact contact, ContactDecision? decision, Tally tally)
    {
        contact.LeaseUntil = null;
        if (decision is null)
        {
            Block(contact, tally, nameof(CampaignBlockReason.NoAddress));
            return true;
        }
        if (decision.Allowed)
        {
            return false;
        }
        var names = decision.Reasons.Select(r => r.ToString()).ToArray();
        if (decision.NextAllowedAt is { } next)
        {
            contact.State = CampaignContactState.Deferred;
            contact.PlannedAt = next.UtcDateTime;
            contact.Reasons = string.Join(',', names);
            tally.Deferred++;
        }
        else
        {
            Block(contact, tally, names);
        }
        return true;
    }

    public static void Block(CampaignContact contact, Tally tally, params string[] reasons)
    {
        contact.State = CampaignContactState.Blocked;
        contact.LeaseUntil = null;
        contact.Reasons = string.Join(',', reasons);
        tally.Blocked++;
        foreach (var reason in reasons)
        {
            tally.ByReason[reason] = tally.ByReason.GetValueOrDefault(reason) + 1;
        }
    }

    /// <summary>The contact's row in the customer's history; <c>CMP-{id}</c> is unique, so a rerun cannot double it.</summary>
    public static Interaction InteractionOf(CampaignContact contact, InteractionChannel channel, DateTime at, string staffUser) => new()
    {
        CustomerId = contact.CustomerId, OccurredAt = at, Channel = channel, Direction = InteractionDirection.Outbound,
        Purpose = InteractionPurpose.Campaign, Outcome = InteractionOutcome.Completed, AgentId = contact.AgentId, StaffUser = staffUser,
        SourceKey = string.Create(CultureInfo.InvariantCulture, $"CMP-{contact.Id}"),
    };
}

/// <summary>What one run did to the contacts it touched, blocked ones by reason.</summary>
internal sealed class Tally
{
    public int Released { get; set; }
    public int Claimed { get; set; }
    public int Sent { get; set; }
    public int Deferred { get; set; }
    public int Blocked { get; set; }
    public int Failed { get; set; }
    public int InDoubt { get; set; }
    public Dictionary<string, int> ByReason { get; } = new(StringComparer.Ordinal);

    public bool Changed => Sent + Blocked + Failed + InDoubt + Deferred > 0;

    public void Add(Tally other)
    {
        Released += other.Released;
        Claimed += other.Claimed;
        Sent += other.Sent;
        Deferred += other.Deferred;
        Blocked += other.Blocked;
        Failed += other.Failed;
        InDoubt += other.InDoubt;
        foreach (var (reason, count) in other.ByReason)
        {
            ByReason[reason] = ByReason.GetValueOrDefault(reason) + count;
        }
    }
}
