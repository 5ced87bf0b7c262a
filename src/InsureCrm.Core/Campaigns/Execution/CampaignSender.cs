using System.Globalization;
using System.Text.Json;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Campaigns.Execution;

/// <summary>
/// The outbox (docs/plans/issue12-campaigns.md section 7): releases a running campaign's Test members into
/// <c>campaign_contact</c> (idempotent), then claims batches under a lease, checks each contact against the contact
/// policy in one batch call, transmits, and marks the batch Sent with its interaction rows in one transaction. At most
/// once: a row left Sending by a run that stopped is moved to InDoubt when its lease expires and is re-sent only when
/// asked (<see cref="SendRequest.RetryInDoubt"/>), with the same Message-ID.
/// </summary>
internal sealed partial class CampaignSender(
    CrmDbContext db, ConsentService consents, IEmailTransportFactory email, FieldProtector protector, CampaignsOptions options,
    TimeProvider clock, ILogger<CampaignSender> logger) : ICampaignSender
{
    private static readonly CampaignChannelKind[] MessageChannels = [CampaignChannelKind.Email];
    /// <summary>Channels whose contacts are handed to people (agents' lists, the call list) rather than sent.</summary>
    private static readonly CampaignChannelKind[] HandedChannels = [CampaignChannelKind.Agent, CampaignChannelKind.CallList];

    public async Task<CampaignResult<SendSummary>> SendAsync(CrmUser user, SendRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(request);
        if (!user.Role.Allows(Capability.CampaignEdit))
        {
            return CampaignResult.Forbidden<SendSummary>();
        }
        if (request.Limit is < 1)
        {
            return Invalid("limit", string.Create(CultureInfo.InvariantCulture, $"'{request.Limit}' is not a positive number of contacts"));
        }
        if (request.Channel is { } only && !MessageChannels.Contains(only) && !HandedChannels.Contains(only))
        {
            return Invalid("channel", $"'{only}' is not sent by the sender (e-mail, agent and call lists in this version)");
        }
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == request.CampaignId, ct);
        if (campaign is null)
        {
            return CampaignResult.NotFound<SendSummary>();
        }
        if (campaign.State != CampaignState.Running)
        {
            return CampaignResult.Conflict<SendSummary>($"The campaign is {campaign.State}; only a running campaign sends.");
        }
        var channels = request.Channel is { } c ? [c] : MessageChannels;
        var now = clock.GetUtcNow().UtcDateTime;
        if (request.DryRun)
        {
            return CampaignResult.Ok(await DryRunAsync(campaign.Id, channels, now, ct));
        }
        var handed = 0;
        foreach (var channel in HandedChannels.Where(h => request.Channel is null || request.Channel == h))
        {
            handed += await ReleaseAsync(campaign.Id, channel, now, ct);
        }
        if (request.Channel is { } person && HandedChannels.Contains(person))
        {
            return CampaignResult.Ok(new SendSummary(campaign.Id, handed, 0, 0, 0, 0, 0, 0, handed, new Dictionary<string, int>(), false));
        }

        var released = 0;
        foreach (var channel in channels)
        {
            released += await ReleaseAsync(campaign.Id, channel, now, ct);
        }
        // The crash rule: whatever a stopped run still holds past its lease may have left; it is never re-sent by itself.
        var inDoubt = await db.CampaignContacts
            .Where(x => x.CampaignId == campaign.Id && x.State == CampaignContactState.Sending && x.LeaseUntil < now)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.State, CampaignContactState.InDoubt).SetProperty(x => x.Error, "lease-expired"), ct);
        if (request.RetryInDoubt)
        {
            await db.CampaignContacts
                .Where(x => x.CampaignId == campaign.Id && x.State == CampaignContactState.InDoubt)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.State, CampaignContactState.Pending).SetProperty(x => x.LeaseUntil, (DateTime?)null), ct);
        }

        var tally = new Tally { Released = released, InDoubt = inDoubt };
        var scripts = await ScriptsAsync(campaign.Id, ct);
        await using (var transport = await email.OpenAsync(ct))
        {
            var left = request.Limit ?? int.MaxValue;
            while (left > 0)
            {
                var claimed = await ClaimAsync(campaign.Id, CampaignChannelKind.Email, Math.Min(left, options.Sending.BatchSize), ct);
                if (claimed.Count == 0)
                {
                    break;
                }
                left -= claimed.Count;
                tally.Claimed += claimed.Count;
                if (!await SendBatchAsync(user, campaign, claimed, scripts, transport, tally, ct))
                {
                    break;
                }
            }
        }
        if (tally.Sent > 0 || tally.Blocked > 0 || tally.InDoubt > 0)
        {
            db.CampaignEvents.Add(new CampaignEvent
            {
                CampaignId = campaign.Id, At = clock.GetUtcNow().UtcDateTime, UserName = user.UserName, Kind = CampaignEventKind.Sent,
                Detail = JsonSerializer.Serialize(new { channel = "Email", tally.Released, tally.Claimed, tally.Sent, tally.Deferred, tally.Blocked, tally.InDoubt, tally.Failed }),
            });
            await db.SaveChangesAsync(CancellationToken.None);
        }
        LogRun(logger, campaign.Id, tally.Released, tally.Sent, tally.Deferred, tally.Blocked, tally.InDoubt);
        return CampaignResult.Ok(new SendSummary(campaign.Id, tally.Released, tally.Claimed, tally.Sent, tally.Deferred, tally.Blocked,
            tally.Failed, tally.InDoubt, handed, tally.ByReason, false));
    }

    /// <summary>
    /// One statement per channel; a member already released adds nothing (the unique idempotency key). Message
    /// channels wait Pending for the sender; agent and call-list contacts are Released, handed to people.
    /// </summary>
    internal async Task<int> ReleaseAsync(long campaignId, CampaignChannelKind channel, DateTime now, CancellationToken ct)
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

    /// <summary>Claims up to <paramref name="size"/> due contacts under a lease, committed before anything is sent (PostgreSQL skips rows another sender holds).</summary>
    private async Task<List<CampaignContact>> ClaimAsync(long campaignId, CampaignChannelKind channel, int size, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var lease = now + options.Sending.Lease;
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

    /// <summary>Checks, transmits and records one claimed batch; false when the transport failed and the run stops.</summary>
    private async Task<bool> SendBatchAsync(CrmUser user, Campaign campaign, List<CampaignContact> batch,
        Dictionary<string, CampaignScript> scripts, IEmailTransport transport, Tally tally, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var customerIds = batch.Select(x => x.CustomerId).Distinct().ToList();
        var decisions = await consents.CheckManyAsync(
            [.. batch.Select(x => new ContactRequest(x.CustomerId, ContactChannel.Email, ContactPurpose.Marketing, now))], ct);
        var customers = await db.Customers.AsNoTracking().Where(x => customerIds.Contains(x.Id))
            .Select(x => new { x.Id, x.Name, x.NameScript }).ToDictionaryAsync(x => x.Id, ct);
        var addresses = (await db.CustomerEmails.AsNoTracking().Where(x => customerIds.Contains(x.CustomerId))
                .Select(x => new { x.CustomerId, x.Address, x.IsPrimary, x.Id }).ToListAsync(ct))
            .GroupBy(x => x.CustomerId)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(x => x.IsPrimary).ThenBy(x => x.Id).First().Address);
        var agentIds = batch.Select(x => x.AgentId).OfType<long>().Distinct().ToList();
        var agents = await db.Agents.AsNoTracking().Where(a => agentIds.Contains(a.Id))
            .Join(db.Branches, a => a.BranchId, b => b.Id, (a, b) => new { a.Id, a.Name, Branch = b.Name })
            .ToDictionaryAsync(a => a.Id, ct);
        var offerIds = batch.Select(x => x.OfferId).OfType<long>().Distinct().ToList();
        var offers = await db.Offers.AsNoTracking().Where(o => offerIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        var domain = CampaignMail.DomainOf(options.Email);

        var toSend = new List<(CampaignContact Contact, OutgoingEmail Email)>();
        for (var i = 0; i < batch.Count; i++)
        {
            var contact = batch[i];
            var decision = decisions[i];
            contact.LeaseUntil = null;
            if (decision is null || !customers.TryGetValue(contact.CustomerId, out var customer))
            {
                // Merged away or erased since the split: no one to write to.
                Block(contact, tally, nameof(CampaignBlockReason.NoAddress));
                continue;
            }
            if (!decision.Allowed)
            {
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
                continue;
            }
            if (!addresses.TryGetValue(contact.CustomerId, out var address))
            {
                Block(contact, tally, nameof(CampaignBlockReason.NoAddress));
                continue;
            }
            var language = CampaignTemplates.LanguageOf(customer.NameScript);
            if (!scripts.TryGetValue(language, out var script) && !scripts.TryGetValue(ScriptLanguage.Korean, out script))
            {
                contact.State = CampaignContactState.Failed;
                contact.Error = "no-script";
                tally.Failed++;
                continue;
            }
            contact.ScriptId = script.Id;
            var agent = contact.AgentId is { } agentId && agents.TryGetValue(agentId, out var a) ? a : null;
            var url = options.PublicBaseUrl.TrimEnd('/') + "/u/" + UnsubscribeToken.Create(protector, contact.Id);
            var values = new TemplateValues(customer.Name, agent?.Name ?? "", agent?.Branch ?? "",
                contact.OfferId is { } offerId && offers.TryGetValue(offerId, out var offer) ? offer : "", campaign.Code, url);
            toSend.Add((contact, new OutgoingEmail(contact.Id, address, CampaignMail.MessageIdOf(campaign.Id, contact.Id, domain),
                CampaignTemplates.RenderText(script.Subject ?? "", values), CampaignTemplates.RenderText(script.Body, values),
                CampaignTemplates.RenderHtml(script.Body, values), url)));
        }

        var ok = true;
        var sentAt = clock.GetUtcNow().UtcDateTime;
        foreach (var (contact, message) in toSend)
        {
            if (!ok)
            {
                // Never handed to the transport: back in the queue for the next run.
                contact.State = CampaignContactState.Pending;
                continue;
            }
            try
            {
                await transport.SendAsync(message, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The transport may or may not have taken it: in doubt, and the run stops.
                contact.State = CampaignContactState.InDoubt;
                contact.Error = "transport";
                tally.InDoubt++;
                ok = false;
                LogTransportFailure(logger, e, campaign.Id, contact.Id);
                continue;
            }
            contact.State = CampaignContactState.Sent;
            contact.SentAt = sentAt;
            contact.MessageRef = message.MessageId;
            contact.Reasons = "";
            tally.Sent++;
            db.Interactions.Add(new Interaction
            {
                CustomerId = contact.CustomerId, OccurredAt = sentAt, Channel = InteractionChannel.Email, Direction = InteractionDirection.Outbound,
                Purpose = InteractionPurpose.Campaign, Outcome = InteractionOutcome.Completed, AgentId = contact.AgentId, StaffUser = user.UserName,
                SourceKey = string.Create(CultureInfo.InvariantCulture, $"CMP-{contact.Id}"),
            });
        }
        // What left and what it left behind commit together, whatever the caller's token says now.
        await db.SaveChangesAsync(CancellationToken.None);
        db.ChangeTracker.Clear();
        return ok;
    }

    private static void Block(CampaignContact contact, Tally tally, params string[] reasons)
    {
        contact.State = CampaignContactState.Blocked;
        contact.Reasons = string.Join(',', reasons);
        tally.Blocked++;
        foreach (var reason in reasons)
        {
            tally.ByReason[reason] = tally.ByReason.GetValueOrDefault(reason) + 1;
        }
    }

    /// <summary>The newest e-mail script of each language.</summary>
    private async Task<Dictionary<string, CampaignScript>> ScriptsAsync(long campaignId, CancellationToken ct) =>
        (await db.CampaignScripts.AsNoTracking().Where(s => s.CampaignId == campaignId && s.Channel == CampaignChannelKind.Email).ToListAsync(ct))
            .GroupBy(s => s.Language).ToDictionary(g => g.Key, g => g.MaxBy(s => s.Version)!, StringComparer.Ordinal);

    private async Task<SendSummary> DryRunAsync(long campaignId, CampaignChannelKind[] channels, DateTime now, CancellationToken ct)
    {
        var names = channels.Select(c => (CampaignChannelKind?)c).ToList();
        var unreleased = await db.CampaignMembers.AsNoTracking()
            .Where(m => m.CampaignId == campaignId && m.Arm == CampaignArm.Test && names.Contains(m.PlannedChannel)
                && !db.Set<CampaignContact>().Any(x => x.CampaignId == campaignId && x.CustomerId == m.CustomerId && x.Channel == m.PlannedChannel))
            .CountAsync(ct);
        var due = await db.CampaignContacts.AsNoTracking()
            .Where(x => x.CampaignId == campaignId && channels.Contains(x.Channel)
                && (x.State == CampaignContactState.Pending || x.State == CampaignContactState.Deferred) && x.PlannedAt <= now)
            .CountAsync(ct);
        return new SendSummary(campaignId, unreleased, unreleased + due, 0, 0, 0, 0, 0, 0, new Dictionary<string, int>(), true);
    }

    private static CampaignResult<SendSummary> Invalid(string field, string message) =>
        CampaignResult.Invalid<SendSummary>(new Dictionary<string, string[]> { [field] = [message] });

    private sealed class Tally
    {
        public int Released { get; set; }
        public int Claimed { get; set; }
        public int Sent { get; set; }
        public int Deferred { get; set; }
        public int Blocked { get; set; }
        public int Failed { get; set; }
        public int InDoubt { get; set; }
        public Dictionary<string, int> ByReason { get; } = new(StringComparer.Ordinal);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId} send run: released {Released}, sent {Sent}, deferred {Deferred}, blocked {Blocked}, in doubt {InDoubt}")]
    private static partial void LogRun(ILogger logger, long campaignId, int released, int sent, int deferred, int blocked, int inDoubt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Campaign {CampaignId}: the e-mail transport failed on contact {ContactId}; it is in doubt and the run stops")]
    private static partial void LogTransportFailure(ILogger logger, Exception exception, long campaignId, long contactId);
}
