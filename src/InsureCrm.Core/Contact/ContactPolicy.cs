using System.ComponentModel.DataAnnotations;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;

namespace InsureCrm.Core.Contact;

/// <summary>Why a customer is contacted: marketing needs consent; maintaining a contract does not.</summary>
public enum ContactPurpose
{
    /// <summary>Advertising, cross-sell, up-sell, win-back: needs the channel's marketing consent.</summary>
    Marketing,
    /// <summary>Premium notices, maturity, claims follow-up, the happy call of a new contract.</summary>
    ContractMaintenance,
}

/// <summary>Why a contact is refused. A decision lists every reason that applies, not only the first.</summary>
public enum ContactReason
{
    /// <summary>Marketing without any consent row for the channel in force at the time.</summary>
    NoConsent,
    /// <summary>The grant in force was given or re-confirmed 2 years ago or more (or passed its own expiry date).</summary>
    ConsentExpired,
    /// <summary>The newest statement for the channel is a withdrawal (opt-out).</summary>
    ConsentWithdrawn,
    /// <summary>A marketing message (SMS, email) between 21:00 and 08:00 without the separate night-time consent.</summary>
    NightTimeNotConsented,
    /// <summary>A call or visit (any purpose), or a contract-maintenance SMS, between 21:00 and 08:00.</summary>
    QuietHours,
    /// <summary>A marketing call or SMS to a number on the financial do-not-call registry (두낫콜) within 5 years.</summary>
    DoNotCall,
}

/// <summary>Which channels a do-not-call registration covers (the registry lets a person block calls, texts or both).</summary>
internal enum DoNotCallScope { All, Phone, Sms }

/// <summary>A contact someone plans: who, how, why and when.</summary>
/// <param name="CustomerId">The customer to contact.</param>
/// <param name="Channel">How: phone call, SMS, email, direct mail or visit.</param>
/// <param name="Purpose">Why: marketing or maintaining a contract.</param>
/// <param name="At">When (an instant; judged in the policy's zone).</param>
/// <param name="Phone">The number to be dialled or texted; null checks every number the customer has.</param>
public sealed record ContactRequest(long CustomerId, ContactChannel Channel, ContactPurpose Purpose, DateTimeOffset At, string? Phone = null);

/// <summary>
/// The answer of the contact policy. <see cref="NextAllowedAt"/> is set when only the hour is wrong (quiet
/// hours, night-time consent) and the same contact would pass at that instant.
/// </summary>
/// <param name="Allowed">True when no reason refuses the contact.</param>
/// <param name="Reasons">Every reason that refuses it, in a fixed order.</param>
/// <param name="At">The planned time (UTC).</param>
/// <param name="LocalAt">The planned time in the policy's zone (Asia/Seoul).</param>
/// <param name="NextAllowedAt">The next instant the same contact passes, when only the hour is wrong.</param>
/// <param name="ConsentLapsesOn">For marketing under a valid grant: the first local day the grant no longer covers.</param>
public sealed record ContactDecision(
    bool Allowed,
    IReadOnlyList<ContactReason> Reasons,
    DateTimeOffset At,
    DateTimeOffset LocalAt,
    DateTimeOffset? NextAllowedAt,
    DateOnly? ConsentLapsesOn);

/// <summary>A do-not-call registration of one of the customer's numbers (already matched by hash).</summary>
internal sealed record DoNotCallRegistration(DateOnly RegisteredOn, DateOnly ExpiresOn, DoNotCallScope Scope);

/// <summary>Options of the <c>Privacy</c> section that the contact policy reads.</summary>
internal sealed class ContactPolicyOptions
{
    public const string Section = "Privacy";

    /// <summary>IANA zone in which quiet hours, night time and consent dates are judged.</summary>
    [Required]
    public string TimeZone { get; set; } = "Asia/Seoul";
}

/// <summary>
/// The one contact-policy check every outbound path calls (campaigns, worklists, call queues, SMS, email).
/// Pure: it judges a request against the customer's consent rows and do-not-call registrations it is given,
/// so the same inputs always give the same decision. docs/consent.md states the rules.
/// </summary>
internal sealed class ContactPolicy(TimeZoneInfo zone)
{
    /// <summary>Marketing consent lapses this long after it was given or last re-confirmed (PIPA practice: 2 years).</summary>
    public const int ConsentYears = 2;
    /// <summary>A do-not-call registration blocks marketing calls and texts this long.</summary>
    public const int DoNotCallYears = 5;
    /// <summary>Day time, when calls and visits are allowed: [08:00, 21:00) local.</summary>
    public static readonly TimeOnly DayStart = new(8, 0);
    public static readonly TimeOnly DayEnd = new(21, 0);

    public TimeZoneInfo Zone { get; } = zone;

    public static ContactPolicy FromOptions(ContactPolicyOptions options) =>
        new(TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone));

    /// <summary>Judges <paramref name="request"/> against every consent row of the customer and the registrations of their numbers.</summary>
    public ContactDecision Check(ContactRequest request, IEnumerable<MarketingConsent> consents, IEnumerable<DoNotCallRegistration> doNotCall)
    {
        var rows = consents.Where(c => c.Channel == request.Channel && c.CustomerId == request.CustomerId).ToList();
        var registrations = doNotCall.ToList();
        var decision = Judge(request.Channel, request.Purpose, request.At, rows, registrations);
        if (decision.Allowed || decision.Reasons.Any(r => r is not (ContactReason.QuietHours or ContactReason.NightTimeNotConsented)))
        {
            return decision;
        }
        // Only the hour is wrong: the next morning is the answer if the same contact passes then (a grant may lapse overnight).
        var next = NextDayStart(request.At);
        return Judge(request.Channel, request.Purpose, next, rows, registrations).Allowed
            ? decision with { NextAllowedAt = next }
            : decision;
    }

    /// <summary>The local date of an instant.</summary>
    public DateOnly LocalDate(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Zone).DateTime);

    /// <summary>True between 21:00 and 08:00 local time.</summary>
    public bool IsNight(DateTimeOffset at)
    {
        var time = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Zone).DateTime);
        return time < DayStart || time >= DayEnd;
    }

    /// <summary>The instant a local day starts.</summary>
    public DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>The instant a local day's working hours start (<see cref="DayStart"/>): when a plan made for a day is judged.</summary>
    public DateTimeOffset MorningOf(DateOnly day)
    {
        var morning = day.ToDateTime(DayStart, DateTimeKind.Unspecified);
        return new DateTimeOffset(morning, Zone.GetUtcOffset(morning)).ToUniversalTime();
    }

    /// <summary>
    /// Where consent is captured inside InsureCRM (by <see cref="ConsentService"/>): such a row recorded on its own
    /// effective day carries the hour it was given. Rows from other sources (imports) carry only a date.
    /// </summary>
    public static readonly IReadOnlyList<string> CaptureSources =
        [CaptureSource.Branch, CaptureSource.Web, CaptureSource.CallCenter, CaptureSource.Paper, CaptureSource.Visit];

    /// <summary>
    /// From when a consent row counts. A row captured in InsureCRM on its own effective day counts from the
    /// moment it was recorded. Any other grant counts from the start of its effective day. Any other
    /// withdrawal counts from the start of its effective day or from when it was recorded, whichever is
    /// earlier: an opt-out is never postponed.
    /// </summary>
    public DateTimeOffset EffectiveAt(MarketingConsent row)
    {
        var recorded = Recorded(row);
        if (IsTimed(row))
        {
            return recorded;
        }
        var dayStart = StartOf(row.EffectiveFrom);
        return row.Granted || dayStart < recorded ? dayStart : recorded;
    }

    /// <summary>
    /// Precedence among a channel's rows: higher wins. A timed row ranks at the moment it was recorded; any
    /// other grant at the start of its day, any other withdrawal at the end of its day, so that a row known
    /// only by its date never outranks a withdrawal of the same day, and a stale import of an old grant
    /// never outranks a later opt-out. On an exact tie a withdrawal beats a grant.
    /// </summary>
    public (DateTimeOffset At, int WithdrawalWins, long Id) Rank(MarketingConsent row)
    {
        var at = IsTimed(row) ? Recorded(row)
            : row.Granted ? StartOf(row.EffectiveFrom)
            // A withdrawal dated the calendar's last day (an older import's 9999-12-31) ranks at its end.
            : row.EffectiveFrom == DateOnly.MaxValue ? DateTimeOffset.MaxValue
            : StartOf(row.EffectiveFrom.AddDays(1)).AddTicks(-1);
        return (at, row.Granted ? 0 : 1, row.Id);
    }

    private bool IsTimed(MarketingConsent row) =>
        row.EffectiveFrom == LocalDate(Recorded(row)) && CaptureSources.Contains(row.Source, StringComparer.OrdinalIgnoreCase);

    private static DateTimeOffset Recorded(MarketingConsent row) => new(DateTime.SpecifyKind(row.RecordedAt, DateTimeKind.Utc));

    /// <summary>The row in force for one channel at <paramref name="at"/>: the highest-ranked among those already effective.</summary>
    public MarketingConsent? InForce(IEnumerable<MarketingConsent> channelRows, DateTimeOffset at) =>
        channelRows.Where(r => EffectiveAt(r) <= at).MaxBy(Rank);

    /// <summary>The first local day a grant no longer covers: 2 years after its effective day, or its own earlier expiry.</summary>
    public static DateOnly LapsesOn(MarketingConsent grant)
    {
        var lapse = StoredRanges.AddYearsSaturating(grant.EffectiveFrom, ConsentYears);
        return grant.ExpiresOn is { } e && e < lapse ? e : lapse;
    }

    /// <summary>Whether a do-not-call registration covers <paramref name="channel"/>.</summary>
    public static bool Covers(DoNotCallScope scope, ContactChannel channel) => (scope, channel) switch
    {
        (DoNotCallScope.All, ContactChannel.Phone or ContactChannel.Sms) => true,
        (DoNotCallScope.Phone, ContactChannel.Phone) => true,
        (DoNotCallScope.Sms, ContactChannel.Sms) => true,
        _ => false,
    };

    private ContactDecision Judge(ContactChannel channel, ContactPurpose purpose, DateTimeOffset at,
        List<MarketingConsent> rows, List<DoNotCallRegistration> registrations)
    {
        var reasons = new List<ContactReason>();
        var night = IsNight(at);
        var day = LocalDate(at);
        if (night && (channel is ContactChannel.Phone or ContactChannel.Visit
            || (purpose == ContactPurpose.ContractMaintenance && channel == ContactChannel.Sms)))
        {
            reasons.Add(ContactReason.QuietHours);
        }
        DateOnly? lapsesOn = null;
        if (purpose == ContactPurpose.Marketing)
        {
            var inForce = InForce(rows, at);
            MarketingConsent? validGrant = null;
            if (inForce is null)
            {
                reasons.Add(ContactReason.NoConsent);
            }
            else if (!inForce.Granted)
            {
                reasons.Add(ContactReason.ConsentWithdrawn);
            }
            else if (day >= LapsesOn(inForce))
            {
                reasons.Add(ContactReason.ConsentExpired);
            }
            else
            {
                validGrant = inForce;
                lapsesOn = LapsesOn(inForce);
                if (night && (channel is ContactChannel.Sms or ContactChannel.Email) && !inForce.NightTimeAllowed)
                {
                    reasons.Add(ContactReason.NightTimeNotConsented);
                }
            }
            // A registration blocks unless the customer explicitly consented again on a later day.
            var consentDay = validGrant is null ? (DateOnly?)null : LocalDate(EffectiveAt(validGrant));
            if (registrations.Exists(r => Covers(r.Scope, channel) && r.RegisteredOn <= day && day < r.ExpiresOn
                && !(consentDay > r.RegisteredOn)))
            {
                reasons.Add(ContactReason.DoNotCall);
            }
        }
        var localAt = TimeZoneInfo.ConvertTime(at, Zone);
        return new ContactDecision(reasons.Count == 0, reasons, at.ToUniversalTime(), localAt, null, reasons.Count == 0 ? lapsesOn : null);
    }

    private DateTimeOffset NextDayStart(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, Zone);
        var day = DateOnly.FromDateTime(local.DateTime);
        if (TimeOnly.FromDateTime(local.DateTime) >= DayStart)
        {
            day = day.AddDays(1);
        }
        return MorningOf(day);
    }
}
