using System.Globalization;
using System.Net;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Security;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Campaigns.Execution;

/// <summary>
/// What differs between the message channels of one send run: where a customer is reached, how a script becomes a
/// message, how it leaves and what a failure means. Everything else (claim, policy, recording) is the sender's, shared.
/// </summary>
internal abstract class Route : IAsyncDisposable
{
    public abstract CampaignChannelKind Channel { get; }

    /// <summary>The contact policy's channel.</summary>
    public abstract ContactChannel Policy { get; }

    public abstract InteractionChannel Interaction { get; }

    /// <summary>Each customer's address on the channel (primary first), for those who have one.</summary>
    public abstract Task<Dictionary<long, string>> AddressesAsync(List<long> customerIds, CancellationToken ct);

    /// <summary>The number the policy judges against the do-not-call registry (the one to be texted); null for channels without one.</summary>
    public virtual string? PhoneOf(string? address) => null;

    /// <summary>The personalised message, or the campaign reason that blocks it.</summary>
    public abstract RouteMessage Build(CampaignContact contact, string address, CampaignScript script, string language, TemplateValues values);

    /// <summary>Transmits one message and returns its reference (Message-ID, gateway reference).</summary>
    public abstract Task<string> SendAsync(RouteMessage message, CancellationToken ct);

    /// <summary>What a failure of <see cref="SendAsync"/> leaves the contact in; null lets it through (the caller's cancellation).</summary>
    public abstract RouteFailure? Judge(Exception exception, CancellationToken ct);

    public abstract ValueTask DisposeAsync();
}

/// <summary>
/// The error codes a route's <see cref="Route.Judge"/> gives a contact that failed (<see cref="CampaignContactState.Failed"/>)
/// because the address itself is wrong: the customer's e-mail or mobile number bounced. The worklist build turns them
/// into a contact-details item (docs/worklists.md). An SMTP server's permanent refusal of the recipient (550 mailbox
/// unavailable, 551 not local, 553 mailbox name not allowed); an SMS gateway's 400 (the number is the only part of a
/// request that differs per message once its length was checked), 404 (no such subscriber), 410 (number no longer in
/// service) and 422 (not a mobile number). The gateway's 401 and 403 are our account's problem, not the customer's.
/// </summary>
internal static class AddressFailures
{
    public static readonly IReadOnlyList<string> Email = ["smtp-550", "smtp-551", "smtp-553"];
    public static readonly IReadOnlyList<string> Sms = ["sms-400", "sms-404", "sms-410", "sms-422"];
    public static readonly IReadOnlyList<string> All = [.. Email, .. Sms];
}

/// <summary>A message ready for its route (<see cref="Payload"/>), or the reason it may not go (<see cref="Blocked"/>).</summary>
internal sealed record RouteMessage(object? Payload, string? Blocked = null);

/// <summary>The state a failed transmission leaves the contact in, its error code, and whether the run stops.</summary>
internal sealed record RouteFailure(CampaignContactState State, string Code, bool Stop);

/// <summary>
/// E-mail through the configured transport (one connection per run). The server's permanent refusal of the recipient
/// (an SMTP 5xx to RCPT TO: the message was certainly not taken) fails that contact only, with the code
/// <c>smtp-NNN</c>; any other transport failure is in doubt and stops the run.
/// </summary>
internal sealed class EmailRoute : Route
{
    private readonly CrmDbContext _db;
    private readonly FieldProtector _protector;
    private readonly CampaignsOptions _options;
    private readonly Campaign _campaign;
    private readonly IEmailTransport _transport;
    private readonly string _domain;

    private EmailRoute(CrmDbContext db, FieldProtector protector, CampaignsOptions options, Campaign campaign, IEmailTransport transport)
    {
        (_db, _protector, _options, _campaign, _transport) = (db, protector, options, campaign, transport);
        _domain = CampaignMail.DomainOf(options.Email);
    }

    public static async Task<Route> OpenAsync(CrmDbContext db, IEmailTransportFactory factory, FieldProtector protector, CampaignsOptions options, Campaign campaign, CancellationToken ct) =>
        new EmailRoute(db, protector, options, campaign, await factory.OpenAsync(ct));

    public override CampaignChannelKind Channel => CampaignChannelKind.Email;
    public override ContactChannel Policy => ContactChannel.Email;
    public override InteractionChannel Interaction => InteractionChannel.Email;

    public override async Task<Dictionary<long, string>> AddressesAsync(List<long> customerIds, CancellationToken ct) =>
        (await _db.CustomerEmails.AsNoTracking().Where(x => customerIds.Contains(x.CustomerId))
            .Select(x => new { x.CustomerId, x.Address, x.IsPrimary, x.Id }).ToListAsync(ct))
        .GroupBy(x => x.CustomerId)
        .ToDictionary(g => g.Key, g => g.OrderByDescending(x => x.IsPrimary).ThenBy(x => x.Id).First().Address);

    public override RouteMessage Build(CampaignContact contact, string address, CampaignScript script, string language, TemplateValues values)
    {
        var url = _options.PublicBaseUrl.TrimEnd('/') + "/u/" + UnsubscribeToken.Create(_protector, contact.Id);
        var v = values with { UnsubscribeUrl = url };
        return new(new OutgoingEmail(contact.Id, address, CampaignMail.MessageIdOf(_campaign.Id, contact.Id, _domain),
            CampaignTemplates.RenderText(script.Subject ?? "", v), CampaignTemplates.RenderText(script.Body, v), CampaignTemplates.RenderHtml(script.Body, v), url));
    }

    public override async Task<string> SendAsync(RouteMessage message, CancellationToken ct)
    {
        var email = (OutgoingEmail)message.Payload!;
        await _transport.SendAsync(email, ct);
        return email.MessageId;
    }

    // A refused recipient was certainly not sent to (MailKit resets the transaction and the connection stays usable);
    // otherwise the transport may or may not have taken it: in doubt, and the run stops.
    public override RouteFailure? Judge(Exception exception, CancellationToken ct) => exception switch
    {
        OperationCanceledException => null,
        SmtpCommandException { ErrorCode: SmtpErrorCode.RecipientNotAccepted, StatusCode: var status } when (int)status is >= 500 and < 600
            => new(CampaignContactState.Failed, "smtp-" + ((int)status).ToString(CultureInfo.InvariantCulture), Stop: false),
        _ => new(CampaignContactState.InDoubt, "transport", Stop: true),
    };

    public override ValueTask DisposeAsync() => _transport.DisposeAsync();
}

/// <summary>
/// SMS and LMS through the gateway: to the customer's mobile number (primary first), the script personalised and
/// marked as advertising with the free opt-out number, classified by its CP949 length (over 2,000 bytes it is blocked
/// with <see cref="CampaignBlockReason.MessageTooLong"/>), the contact's idempotency key as the client reference.
/// A refusal (4xx) fails that message only; a timeout or a 5xx after the request went out is in doubt and stops the
/// run; a request that never reached the gateway (no connection, 429) goes back to the queue and stops the run.
/// </summary>
internal sealed class SmsRoute(CrmDbContext db, ISmsGateway gateway, string optOutNumber, Campaign campaign) : Route
{
    public override CampaignChannelKind Channel => CampaignChannelKind.Sms;
    public override ContactChannel Policy => ContactChannel.Sms;
    public override InteractionChannel Interaction => InteractionChannel.Sms;

    public override async Task<Dictionary<long, string>> AddressesAsync(List<long> customerIds, CancellationToken ct) =>
        (await db.CustomerPhones.AsNoTracking().Where(x => customerIds.Contains(x.CustomerId) && x.Kind == PhoneKind.Mobile)
            .Select(x => new { x.CustomerId, x.Number, x.IsPrimary, x.Id }).ToListAsync(ct))
        .GroupBy(x => x.CustomerId)
        .ToDictionary(g => g.Key, g => g.OrderByDescending(x => x.IsPrimary).ThenBy(x => x.Id).First().Number);

    public override string? PhoneOf(string? address) => address;

    public override RouteMessage Build(CampaignContact contact, string address, CampaignScript script, string language, TemplateValues values)
    {
        var text = SmsAdvertising.Apply(CampaignTemplates.RenderText(script.Body, values), language, optOutNumber);
        var kind = SmsLength.Classify(text);
        if (kind == SmsKind.TooLong)
        {
            return new(null, nameof(CampaignBlockReason.MessageTooLong));
        }
        var subject = kind == SmsKind.Lms
            ? SmsAdvertising.Subject(script.Subject is { Length: > 0 } s ? CampaignTemplates.RenderText(s, values) : campaign.Name)
            : null;
        return new(new OutgoingSms(address, text, subject, contact.IdemKey));
    }

    public override Task<string> SendAsync(RouteMessage message, CancellationToken ct) => gateway.SendAsync((OutgoingSms)message.Payload!, ct);

    public override RouteFailure? Judge(Exception exception, CancellationToken ct) => exception switch
    {
        OperationCanceledException when ct.IsCancellationRequested => null,
        OperationCanceledException => new(CampaignContactState.InDoubt, "sms-timeout", Stop: true),
        HttpRequestException { StatusCode: HttpStatusCode.TooManyRequests } => new(CampaignContactState.Pending, "sms-429", Stop: true),
        HttpRequestException { StatusCode: { } status } when (int)status is >= 400 and < 500 => new(CampaignContactState.Failed, Code(status), Stop: false),
        HttpRequestException { StatusCode: { } status } => new(CampaignContactState.InDoubt, Code(status), Stop: true),
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError }
            => new(CampaignContactState.Pending, "sms-connect", Stop: true),
        ArgumentException => new(CampaignContactState.Failed, "sms-too-long", Stop: false),
        _ => new(CampaignContactState.InDoubt, "sms-transport", Stop: true),
    };

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string Code(HttpStatusCode status) => "sms-" + ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
