using System.Text.Json;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Campaigns.Execution;

/// <summary>
/// The anonymous unsubscribe link (docs/plans/issue12-campaigns.md section 7): the signed token names a contact; a
/// preview changes nothing (mail scanners follow links), a confirm records the customer's own withdrawal on the
/// contact's channel at once and an <see cref="CampaignEventKind.Unsubscribed"/> entry in the campaign's history (no
/// staff member acts, so no access-log line). A forged token is of no contact and changes nothing.
/// </summary>
internal sealed class Unsubscribe(CrmDbContext db, ConsentService consents, FieldProtector protector, TimeProvider clock) : IUnsubscribe
{
    public async Task<UnsubscribePreview?> PreviewAsync(string token, CancellationToken ct = default)
    {
        var found = await FindAsync(token, ct);
        return found is null ? null : new UnsubscribePreview(found.Value.CampaignName, found.Value.Contact.Channel, await WithdrawnAsync(found.Value.Contact, ct));
    }

    public async Task<bool> ConfirmAsync(string token, CancellationToken ct = default)
    {
        if (await FindAsync(token, ct) is not { } found)
        {
            return false;
        }
        var contact = found.Contact;
        if (await WithdrawnAsync(contact, ct))
        {
            return true;
        }
        var recorded = await consents.RecordOptOutAsync(contact.CustomerId, ChannelOf(contact.Channel), CaptureSource.Web, "unsubscribe link", ct);
        if (recorded.Status != ConsentRecordStatus.Recorded)
        {
            // The customer was merged away or erased since the message left: nothing to record against.
            return false;
        }
        db.CampaignEvents.Add(new CampaignEvent
        {
            CampaignId = contact.CampaignId, At = clock.GetUtcNow().UtcDateTime, UserName = "customer", Kind = CampaignEventKind.Unsubscribed,
            Detail = JsonSerializer.Serialize(new { contactId = contact.Id, channel = contact.Channel.ToString() }),
        });
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>The consent channel a campaign channel is judged on (section 7's map).</summary>
    internal static ContactChannel ChannelOf(CampaignChannelKind channel) => channel switch
    {
        CampaignChannelKind.Agent => ContactChannel.Visit,
        CampaignChannelKind.CallList => ContactChannel.Phone,
        CampaignChannelKind.Email => ContactChannel.Email,
        CampaignChannelKind.Sms => ContactChannel.Sms,
        CampaignChannelKind.Dm => ContactChannel.Dm,
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "not a campaign channel"),
    };

    private async Task<(CampaignContact Contact, string CampaignName)?> FindAsync(string token, CancellationToken ct)
    {
        if (UnsubscribeToken.Read(protector, token) is not { } contactId)
        {
            return null;
        }
        var row = await db.CampaignContacts.AsNoTracking().Where(x => x.Id == contactId)
            .Join(db.Campaigns, x => x.CampaignId, c => c.Id, (x, c) => new { Contact = x, c.Name })
            .FirstOrDefaultAsync(ct);
        return row is null ? null : (row.Contact, row.Name);
    }

    private async Task<bool> WithdrawnAsync(CampaignContact contact, CancellationToken ct)
    {
        var decision = await consents.CheckAsync(
            new ContactRequest(contact.CustomerId, ChannelOf(contact.Channel), ContactPurpose.Marketing, clock.GetUtcNow()), ct);
        return decision is not null && decision.Reasons.Contains(ContactReason.ConsentWithdrawn);
    }
}
