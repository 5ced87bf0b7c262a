using InsureCrm.Core.Common;

namespace InsureCrm.Core.Campaigns;

/// <summary>Options of the <c>Campaigns</c> section, validated on start (<see cref="Validate"/>).</summary>
public sealed class CampaignsOptions
{
    public const string Section = "Campaigns";

    public HoldoutOptions Holdout { get; set; } = new();
    /// <summary>Marketing contacts per <see cref="FrequencyWindowDays"/> at or over which a customer is left out; a new campaign's default.</summary>
    public int FrequencyCap { get; set; } = 4;
    public int FrequencyWindowDays { get; set; } = 30;
    /// <summary>Defaults of a new plan: two-sided significance level and power of the planned test.</summary>
    public double DefaultAlpha { get; set; } = 0.05;
    public double DefaultPower { get; set; } = 0.8;
    /// <summary>The address customers reach the unsubscribe page at (<c>{PublicBaseUrl}/u/{token}</c>).</summary>
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:5080";
    public SendingOptions Sending { get; set; } = new();
    public EmailOptions Email { get; set; } = new();
    public SmsOptions Sms { get; set; } = new();
    public CallOptions Calls { get; set; } = new();
    public ResponseValueOptions ResponseValue { get; set; } = new();

    /// <summary>Every problem, each naming its key; empty when the options are usable.</summary>
    internal IEnumerable<string> Validate()
    {
        if (Holdout.Share is < 0m or > 0.2m)
        {
            yield return "Campaigns:Holdout:Share must be between 0 and 0.2.";
        }
        if (FrequencyCap < 1)
        {
            yield return "Campaigns:FrequencyCap must be at least 1.";
        }
        if (FrequencyWindowDays is < 1 or > 366)
        {
            yield return "Campaigns:FrequencyWindowDays must be between 1 and 366.";
        }
        if (DefaultAlpha is <= 0 or >= 0.5)
        {
            yield return "Campaigns:DefaultAlpha must be between 0 and 0.5 (exclusive).";
        }
        if (DefaultPower is <= 0.5 or >= 1)
        {
            yield return "Campaigns:DefaultPower must be between 0.5 and 1 (exclusive).";
        }
        if (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
        {
            yield return "Campaigns:PublicBaseUrl must be an absolute http or https address.";
        }
        if (Sending.BatchSize is < 1 or > 1000)
        {
            yield return "Campaigns:Sending:BatchSize must be between 1 and 1000.";
        }
        if (Sending.Lease < TimeSpan.FromSeconds(10))
        {
            yield return "Campaigns:Sending:Lease must be at least 10 seconds.";
        }
        if (!EmailAddress.IsValid(Email.From))
        {
            yield return "Campaigns:Email:From must be an e-mail address.";
        }
        if (Email.Transport == EmailTransportKind.Smtp && string.IsNullOrWhiteSpace(Email.Smtp.Host))
        {
            yield return "Campaigns:Email:Smtp:Host is required when Campaigns:Email:Transport is Smtp.";
        }
        if (Email.Smtp.Port is < 1 or > 65535)
        {
            yield return "Campaigns:Email:Smtp:Port must be between 1 and 65535.";
        }
        if (Email.Transport == EmailTransportKind.Pickup && string.IsNullOrWhiteSpace(Email.PickupFolder))
        {
            yield return "Campaigns:Email:PickupFolder is required when Campaigns:Email:Transport is Pickup.";
        }
        if (Sms.Url is { Length: > 0 } url && (!Uri.TryCreate(url, UriKind.Absolute, out var smsUrl) || smsUrl.Scheme is not ("http" or "https")))
        {
            yield return "Campaigns:Sms:Url must be an absolute http or https address.";
        }
        if (Sms.Url is { Length: > 0 } && string.IsNullOrWhiteSpace(Sms.OptOutNumber))
        {
            yield return "Campaigns:Sms:OptOutNumber is required when Campaigns:Sms:Url is set: every marketing SMS ends with the free opt-out number.";
        }
        if (Sms.Timeout <= TimeSpan.Zero)
        {
            yield return "Campaigns:Sms:Timeout must be positive.";
        }
        if (Calls.MaxAttempts < 1)
        {
            yield return "Campaigns:Calls:MaxAttempts must be at least 1.";
        }
        if (Calls.RetryAfter < TimeSpan.Zero)
        {
            yield return "Campaigns:Calls:RetryAfter must not be negative.";
        }
        if (ResponseValue.Loan < 0 || ResponseValue.VisitAccepted < 0)
        {
            yield return "Campaigns:ResponseValue values must not be negative.";
        }
    }
}

/// <summary>The company-wide holdout: the share of customers no marketing campaign contacts.</summary>
public sealed class HoldoutOptions
{
    /// <summary>Applies from the next year not yet used: a year's share is frozen at its first use.</summary>
    public decimal Share { get; set; } = 0.05m;
}

/// <summary>How the outbox is worked.</summary>
public sealed class SendingOptions
{
    /// <summary>Contacts claimed, checked and sent together; a crash leaves at most this many in doubt.</summary>
    public int BatchSize { get; set; } = 100;
    /// <summary>How long a claim holds; a row still Sending after it is in doubt.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(10);
}

public enum EmailTransportKind
{
    /// <summary>Write .eml files to <see cref="EmailOptions.PickupFolder"/> (the embedded demo, which has no mail server).</summary>
    Pickup,
    Smtp,
}

/// <summary>How an SMTP connection is secured (MailKit's SecureSocketOptions of the same names).</summary>
public enum SmtpSecurity { None, Auto, StartTls, SslOnConnect }

public sealed class EmailOptions
{
    public EmailTransportKind Transport { get; set; } = EmailTransportKind.Pickup;
    public string PickupFolder { get; set; } = "data/mail-outbox";
    public string From { get; set; } = "campaigns@insurecrm.example";
    /// <summary>The domain of the Message-IDs <c>&lt;cmp-{campaign}-{contact}@{domain}&gt;</c>; the sender's domain when empty.</summary>
    public string? MessageIdDomain { get; set; }
    public SmtpOptions Smtp { get; set; } = new();
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;
    public string? User { get; set; }
    public string? Password { get; set; }
}

/// <summary>The HTTP SMS gateway; no <see cref="Url"/>, no SMS channel.</summary>
public sealed class SmsOptions
{
    public string? Url { get; set; }
    public string? ApiKey { get; set; }
    /// <summary>The registered sender number.</summary>
    public string? Sender { get; set; }
    /// <summary>The free opt-out number every marketing SMS ends with (정보통신망법 §50).</summary>
    public string? OptOutNumber { get; set; }
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Retry rules of the call list.</summary>
public sealed class CallOptions
{
    /// <summary>A call not reached is tried again after this long, in another time slot.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromHours(4);
    public int MaxAttempts { get; set; } = 3;
}

/// <summary>
/// The assumed value of one response for objectives the value engine cannot price (KRW). The plan shows them as
/// assumed and the marketer may override them per campaign.
/// </summary>
public sealed class ResponseValueOptions
{
    public decimal Loan { get; set; } = 200_000m;
    public decimal VisitAccepted { get; set; } = 30_000m;
}
