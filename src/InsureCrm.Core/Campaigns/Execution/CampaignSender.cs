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
/// <c>campaign_contact</c> (idempotent), then, per message channel (e-mail, SMS), claims batches under a lease, checks
/// each contact against the contact policy in one batch call, personalises and transmits, and marks the batch with its
/// interaction rows in one transaction. At most once: a row left Sending by a run that stopped is moved to InDoubt when
/// its lease expires and is re-sent only when asked (<see cref="SendRequest.RetryInDoubt"/>), with the same Message-ID
/// or SMS client reference. Without an SMS gateway (or opt-out number) SMS contacts wait Pending and are counted.
/// </summary>
internal sealed partial class CampaignSender(
    CrmDbContext db, ConsentService consents, IEmailTransportFactory email, FieldProtector protector, CampaignsOptions options,
    TimeProvider clock, ILogger<CampaignSender> logger, ISmsGateway? sms = null) : ICampaignSender
{
    /// <summary>Summary key of SMS contacts left Pending because no gateway is configured (<c>Campaigns:Sms:Url</c>).</summary>
    internal const string NoSmsGateway = "NoSmsGateway";
    /// <summary>Summary key of SMS contacts left Pending because the free opt-out number is not configured (<c>Campaigns:Sms:OptOutNumber</c>).</summary>
    internal const string NoSmsOptOutNumber = "NoSmsOptOutNumber";

    private static readonly CampaignChannelKind[] MessageChannels = [CampaignChannelKind.Email, CampaignChannelKind.Sms];

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
        if (request.Channel == CampaignChannelKind.Dm)
        {
            return Invalid("channel", "Direct mail is exported for the print vendor, not sent: use the DM export (insurecrm campaign dm ID --reason R --out FILE)");
        }
        if (request.Channel is { } only && !MessageChannels.Contains(only) && !CampaignOutbox.HandedChannels.Contains(only))
        {
            return Invalid("channel", $"'{only}' is not sent by the sender (e-mail, SMS, agent and call lists)");
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
        foreach (var channel in CampaignOutbox.HandedChannels.Where(h => request.Channel is null || request.Channel == h))
        {
            handed += await ReleaseAsync(campaign.Id, channel, now, ct);
        }
        if (request.Channel is { } person && CampaignOutbox.HandedChannels.Contains(person))
        {
            return CampaignResult.Ok(new SendSummary(campaign.Id, handed, 0, 0, 0, 0, 0, 0, handed, new Dictionary<string, int>(), false));
        }

        var total = new Tally();
        foreach (var channel in channels)
        {
            total.Released += await ReleaseAsync(campaign.Id, channel, now, ct);
        }
        total.InDoubt = await CampaignOutbox.ExpireLeasesAsync(db, campaign.Id, MessageChannels, now, ct);
        if (request.RetryInDoubt)
        {
            await db.CampaignContacts
                .Where(x => x.CampaignId == campaign.Id && x.State == CampaignContactState.InDoubt && channels.Contains(x.Channel))
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.State, CampaignContactState.Pending).SetProperty(x => x.LeaseUntil, (DateTime?)null), ct);
        }

        var waiting = new Dictionary<string, int>(StringComparer.Ordinal);
        var left = request.Limit ?? int.MaxValue;
        foreach (var channel in channels)
        {
            if (left <= 0)
            {
                break;
            }
            if (channel == CampaignChannelKind.Sms && SmsUnavailable() is { } missing)
            {
                // Kept, not dropped: they go out on the first run after the gateway is configured.
                var pending = await db.CampaignContacts.CountAsync(x => x.CampaignId == campaign.Id && x.Channel == CampaignChannelKind.Sms
                    && (x.State == CampaignContactState.Pending || x.State == CampaignContactState.Deferred), ct);
                if (pending > 0)
                {
                    waiting[missing] = pending;
                    LogSmsUnavailable(logger, campaign.Id, pending, missing);
                }
                continue;
            }
            var tally = new Tally();
            await using (var route = await OpenRouteAsync(channel, campaign, ct))
            {
                left = await RunChannelAsync(user, campaign, route, left, tally, ct);
            }
            total.Add(tally);
            if (tally.Changed)
            {
                db.CampaignEvents.Add(new CampaignEvent
                {
                    CampaignId = campaign.Id, At = clock.GetUtcNow().UtcDateTime, UserName = user.UserName, Kind = CampaignEventKind.Sent,
                    Detail = JsonSerializer.Serialize(new { channel = channel.ToString(), tally.Claimed, tally.Sent, tally.Deferred, tally.Blocked, tally.InDoubt, tally.Failed }),
                });
                await db.SaveChangesAsync(CancellationToken.None);
            }
        }
        LogRun(logger, campaign.Id, total.Released, total.Sent, total.Deferred, total.Blocked, total.InDoubt);
        return CampaignResult.Ok(new SendSummary(campaign.Id, total.Released, total.Claimed, total.Sent, total.Deferred, total.Blocked,
            total.Failed, total.InDoubt, handed, total.ByReason, false) { WaitingByReason = waiting });
    }

    /// <summary>Why SMS cannot go out in this installation; null when it can.</summary>
    private string? SmsUnavailable() =>
        sms is null ? NoSmsGateway : string.IsNullOrWhiteSpace(options.Sms.OptOutNumber) ? NoSmsOptOutNumber : null;

    /// <inheritdoc cref="CampaignOutbox.ReleaseAsync"/>
    internal Task<int> ReleaseAsync(long campaignId, CampaignChannelKind channel, DateTime now, CancellationToken ct) =>
        CampaignOutbox.ReleaseAsync(db, campaignId, channel, now, ct);

    private async Task<Route> OpenRouteAsync(CampaignChannelKind channel, Campaign campaign, CancellationToken ct) => channel switch
    {
        CampaignChannelKind.Email => await EmailRoute.OpenAsync(db, email, protector, options, campaign, ct),
        CampaignChannelKind.Sms => new SmsRoute(db, sms!, options.Sms.OptOutNumber!, campaign),
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "not a message channel"),
    };

    /// <summary>Claims and sends the channel's due contacts, at most <paramref name="left"/>; returns how many more the run may take.</summary>
    private async Task<int> RunChannelAsync(CrmUser user, Campaign campaign, Route route, int left, Tally tally, CancellationToken ct)
    {
        var scripts = await ScriptsAsync(campaign.Id, route.Channel, ct);
        while (left > 0)
        {
            var claimed = await CampaignOutbox.ClaimAsync(db, campaign.Id, route.Channel, Math.Min(left, options.Sending.BatchSize),
                clock.GetUtcNow().UtcDateTime, options.Sending.Lease, ct);
            if (claimed.Count == 0)
            {
                break;
            }
            left -= claimed.Count;
            tally.Claimed += claimed.Count;
            if (!await SendBatchAsync(user, campaign, claimed, scripts, route, tally, ct))
            {
                break;
            }
        }
        return left;
    }

    /// <summary>Checks, personalises, transmits and records one claimed batch; false when the route failed and the run stops.</summary>
    private async Task<bool> SendBatchAsync(CrmUser user, Campaign campaign, List<CampaignContact> batch,
        Dictionary<string, CampaignScript> scripts, Route route, Tally tally, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var customerIds = batch.Select(x => x.CustomerId).Distinct().ToList();
        var addresses = await route.AddressesAsync(customerIds, ct);
        var decisions = await consents.CheckManyAsync(
            [.. batch.Select(x => new ContactRequest(x.CustomerId, route.Policy, ContactPurpose.Marketing, now, route.PhoneOf(addresses.GetValueOrDefault(x.CustomerId))))], ct);
        var customers = await db.Customers.AsNoTracking().Where(x => customerIds.Contains(x.Id))
            .Select(x => new { x.Id, x.Name, x.NameScript }).ToDictionaryAsync(x => x.Id, ct);
        var agentIds = batch.Select(x => x.AgentId).OfType<long>().Distinct().ToList();
        var agents = await db.Agents.AsNoTracking().Where(a => agentIds.Contains(a.Id))
            .Join(db.Branches, a => a.BranchId, b => b.Id, (a, b) => new { a.Id, a.Name, Branch = b.Name })
            .ToDictionaryAsync(a => a.Id, ct);
        var offerIds = batch.Select(x => x.OfferId).OfType<long>().Distinct().ToList();
        var offers = await db.Offers.AsNoTracking().Where(o => offerIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);

        var toSend = new List<(CampaignContact Contact, RouteMessage Message)>();
        for (var i = 0; i < batch.Count; i++)
        {
            var contact = batch[i];
            if (CampaignOutbox.Refused(contact, decisions[i], tally))
            {
                continue;
            }
            if (!customers.TryGetValue(contact.CustomerId, out var customer) || !addresses.TryGetValue(contact.CustomerId, out var address))
            {
                CampaignOutbox.Block(contact, tally, nameof(CampaignBlockReason.NoAddress));
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
            var values = new TemplateValues(customer.Name, agent?.Name ?? "", agent?.Branch ?? "",
                contact.OfferId is { } offerId && offers.TryGetValue(offerId, out var offer) ? offer : "", campaign.Code, "",
                CampaignName: campaign.Name, OptOutNumber: options.Sms.OptOutNumber ?? "");
            var message = route.Build(contact, address, script, language, values);
            if (message.Blocked is { } reason)
            {
                CampaignOutbox.Block(contact, tally, reason);
                continue;
            }
            toSend.Add((contact, message));
        }

        var ok = true;
        var sentAt = clock.GetUtcNow().UtcDateTime;
        foreach (var (contact, message) in toSend)
        {
            if (!ok)
            {
                // Never handed to the route: back in the queue for the next run.
                contact.State = CampaignContactState.Pending;
                continue;
            }
            string reference;
            try
            {
                reference = await route.SendAsync(message, ct);
            }
            catch (Exception e) when (route.Judge(e, ct) is { } failure)
            {
                contact.State = failure.State;
                contact.Error = failure.Code;
                if (failure.State == CampaignContactState.Failed)
                {
                    contact.OutcomeAt = sentAt; // when the route refused it for good (a bounced address: docs/worklists.md)
                    tally.Failed++;
                }
                else if (failure.State == CampaignContactState.InDoubt)
                {
                    tally.InDoubt++;
                }
                ok = !failure.Stop;
                LogTransportFailure(logger, e, campaign.Id, contact.Id, route.Channel, failure.State);
                continue;
            }
            contact.State = CampaignContactState.Sent;
            contact.SentAt = sentAt;
            contact.MessageRef = reference;
            contact.Reasons = "";
            tally.Sent++;
            db.Interactions.Add(CampaignOutbox.InteractionOf(contact, route.Interaction, sentAt, user.UserName));
        }
        // What left and what it left behind commit together, whatever the caller's token says now.
        await db.SaveChangesAsync(CancellationToken.None);
        db.ChangeTracker.Clear();
        return ok;
    }

    /// <summary>The newest script of the channel in each language.</summary>
    private async Task<Dictionary<string, CampaignScript>> ScriptsAsync(long campaignId, CampaignChannelKind channel, CancellationToken ct) =>
        (await db.CampaignScripts.AsNoTracking().Where(s => s.CampaignId == campaignId && s.Channel == channel).ToListAsync(ct))
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId} send run: released {Released}, sent {Sent}, deferred {Deferred}, blocked {Blocked}, in doubt {InDoubt}")]
    private static partial void LogRun(ILogger logger, long campaignId, int released, int sent, int deferred, int blocked, int inDoubt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Campaign {CampaignId}: the {Channel} route failed on contact {ContactId}; it is now {State}")]
    private static partial void LogTransportFailure(ILogger logger, Exception exception, long campaignId, long contactId, CampaignChannelKind channel, CampaignContactState state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Campaign {CampaignId}: {Pending} SMS contacts wait Pending ({Missing}); configure Campaigns:Sms to send them")]
    private static partial void LogSmsUnavailable(ILogger logger, long campaignId, int pending, string missing);
}
