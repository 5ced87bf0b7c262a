using System.Globalization;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace InsureCrm.Core.Campaigns.Execution;

/// <summary>One personalised campaign e-mail, ready to leave: the Message-ID is fixed by campaign and contact, so a re-send is recognisable.</summary>
internal sealed record OutgoingEmail(long ContactId, string To, string MessageId, string Subject, string TextBody, string HtmlBody, string UnsubscribeUrl);

/// <summary>Where e-mails go during one send run (one connection for the run); disposing it closes the connection.</summary>
internal interface IEmailTransport : IAsyncDisposable
{
    Task SendAsync(OutgoingEmail email, CancellationToken ct);
}

/// <summary>Opens the configured transport for a run.</summary>
internal interface IEmailTransportFactory
{
    Task<IEmailTransport> OpenAsync(CancellationToken ct);
}

internal static class CampaignMail
{
    /// <summary>The MIME message of <paramref name="email"/>: text and HTML alternatives, the fixed Message-ID and the one-click unsubscribe headers (RFC 8058).</summary>
    public static MimeMessage Build(OutgoingEmail email, string from)
    {
        var message = new MimeMessage { Subject = email.Subject, MessageId = email.MessageId };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(email.To));
        // An internal report (VOC's weekly digest to staff) has no unsubscribe link: staff are recipients by configuration.
        if (email.UnsubscribeUrl.Length > 0)
        {
            message.Headers.Add("List-Unsubscribe", "<" + email.UnsubscribeUrl + ">");
            message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        message.Body = new BodyBuilder { TextBody = email.TextBody, HtmlBody = email.HtmlBody }.ToMessageBody();
        return message;
    }

    /// <summary><c>cmp-{campaign}-{contact}@{domain}</c> (MimeKit adds the angle brackets).</summary>
    public static string MessageIdOf(long campaignId, long contactId, string domain) =>
        string.Create(CultureInfo.InvariantCulture, $"cmp-{campaignId}-{contactId}@{domain}");

    public static string DomainOf(EmailOptions options) =>
        options.MessageIdDomain is { Length: > 0 } d ? d : options.From[(options.From.IndexOf('@', StringComparison.Ordinal) + 1)..];
}

/// <summary>The configured transport: SMTP, or .eml files in a pickup folder (the embedded demo's default).</summary>
internal sealed class EmailTransportFactory(CampaignsOptions options) : IEmailTransportFactory
{
    public async Task<IEmailTransport> OpenAsync(CancellationToken ct) => options.Email.Transport switch
    {
        EmailTransportKind.Smtp => await SmtpEmailTransport.ConnectAsync(options.Email, ct),
        _ => new PickupFolderEmailTransport(options.Email.PickupFolder, options.Email.From),
    };
}

/// <summary>One MailKit SMTP connection kept open for a whole run: no connection per message.</summary>
internal sealed class SmtpEmailTransport : IEmailTransport
{
    private readonly SmtpClient _client;
    private readonly string _from;

    private SmtpEmailTransport(SmtpClient client, string from)
    {
        _client = client;
        _from = from;
    }

    public static async Task<SmtpEmailTransport> ConnectAsync(EmailOptions options, CancellationToken ct)
    {
        var client = new SmtpClient();
        try
        {
            var security = options.Smtp.Security switch
            {
                SmtpSecurity.None => SecureSocketOptions.None,
                SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
                SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.Auto,
            };
            await client.ConnectAsync(options.Smtp.Host ?? "", options.Smtp.Port, security, ct);
            if (options.Smtp.User is { Length: > 0 } user)
            {
                await client.AuthenticateAsync(user, options.Smtp.Password ?? "", ct);
            }
            return new SmtpEmailTransport(client, options.From);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public async Task SendAsync(OutgoingEmail email, CancellationToken ct)
    {
        using var message = CampaignMail.Build(email, _from);
        await _client.SendAsync(message, ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(true);
        }
        _client.Dispose();
    }
}

/// <summary>Writes each message as an .eml file named by its Message-ID (a re-send overwrites, never doubles).</summary>
internal sealed class PickupFolderEmailTransport(string folder, string from) : IEmailTransport
{
    public async Task SendAsync(OutgoingEmail email, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        using var message = CampaignMail.Build(email, from);
        var path = Path.Combine(folder, email.MessageId.Replace('@', '_') + ".eml");
        await using var file = File.Create(path);
        await message.WriteToAsync(file, ct);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
