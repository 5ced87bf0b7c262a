using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;

namespace InsureCrm.Core.Worklists.AgentDay;

/// <summary>
/// One open item of the agent's list as the page shows it: the action, the facts its explanation is worded from, the
/// customer's name and the two things a phone taps (the primary mobile for <c>tel:</c>, the primary address for a map).
/// </summary>
public sealed record AgentDayItem(
    long Id, long CustomerId, string CustomerName, WorkAction Action, WorkPurpose Purpose, double Priority, double Probability,
    ProductFamily? Family, WorkChannel Channel, DateOnly FirstListedOn, int AgeDays, DateOnly? DueOn, WorkItemState State,
    WorkFacts Facts, int Version, string? Mobile, string? Address)
{
    /// <summary>The customer's value grade from the facts of the build day.</summary>
    public string? Grade => Facts.Grade;

    /// <summary>The customer's segment cell from the facts of the build day.</summary>
    public string? Segment => Facts.Segment;

    public bool IsCampaign => Action == WorkAction.Campaign;
}

/// <summary>An appointment of the day (local start time in Asia/Seoul).</summary>
public sealed record AgentDayAppointment(long Id, long CustomerId, string CustomerName, DateTime StartsAt, DateTime LocalStart, int Minutes, WorkChannel Channel, string? Place);

/// <summary>Today's list of an agent or CS consultant: open items by priority, what was done today, today's appointments.</summary>
public sealed record AgentDayList(DateOnly Today, IReadOnlyList<AgentDayItem> Items, int DoneToday, IReadOnlyList<AgentDayAppointment> Appointments);

/// <summary>The parts of the day of a contact that worked before (Asia/Seoul): morning 08–12, afternoon 12–17, evening 17–21.</summary>
public enum DayPart { Morning, Afternoon, Evening }

/// <summary>
/// When and how to reach the customer: the day part and weekday/weekend most of the customer's reached contacts fell in
/// (null without history: then the customer's stated preference, if any), and a visit when the contact policy lets a
/// visit through (visit consent) or a phone call otherwise.
/// </summary>
public sealed record BestContact(DayPart? Part, bool? Weekend, int Basis, ContactTime Preferred, WorkChannel Channel);

/// <summary>One of the customer's latest contacts.</summary>
public sealed record RecentContact(DateTime OccurredAt, InteractionChannel Channel, InteractionPurpose Purpose, InteractionOutcome Outcome, string? Notes);

/// <summary>The product to talk about: the most sold product of the item's family.</summary>
public sealed record SuggestedProduct(string Code, string Name, ProductFamily Family);

/// <summary>A customer's primary address, in its parts.</summary>
public sealed record AddressParts(AddressKind Kind, string Sido, string Sigungu, string Line, string? PostalCode)
{
    public string OneLine => string.Join(' ', new[] { Sido, Sigungu, Line }.Where(s => !string.IsNullOrWhiteSpace(s)));
}

/// <summary>
/// The customer card of an item: who, how old, the grade, the numbers and address to reach them, the e-mail and the
/// <see cref="Version"/> the contact correction is sent with. Phones are the stored digits (the agent calls them from
/// the card; opening the item is logged); each phone's masked form is what the correction form shows.
/// </summary>
public sealed record CustomerCard(
    long Id, string Name, int? Age, string? Grade, string? Segment, string? Mobile,
    IReadOnlyList<CardPhone> Phones,
    AddressParts? Address, string? Email, string? EmailMasked, ContactChannel? PreferredChannel, ContactTime PreferredContactTime,
    string? Occupation, int Version);

/// <summary>A phone of the card: the digits to call and the masked form the correction form shows.</summary>
public sealed record CardPhone(PhoneKind Kind, string Number, string Masked, bool IsPrimary);

/// <summary>An item opened: the item, its customer, what worked before, what to offer and what to say.</summary>
public sealed record AgentDayDetail(
    AgentDayItem Item, CustomerCard Customer, IReadOnlyList<RecentContact> Recent, BestContact Best, SuggestedProduct? Product,
    string? CampaignScript, string? CampaignOffer);

/// <summary>
/// A visit or call result as the agent enters it. <see cref="Version"/> is the item's version the form was read at.
/// An appointment is made when <see cref="AppointmentOn"/> is given (then <see cref="AppointmentAt"/> is needed).
/// </summary>
public sealed record WorkResultEntry(
    long ItemId, int Version, WorkOutcome Outcome, WorkChannel Channel, string? Notes = null, DateOnly? NextOn = null,
    DateOnly? AppointmentOn = null, TimeOnly? AppointmentAt = null, int? AppointmentMinutes = null, string? AppointmentPlace = null);

public enum WorkResultStatus { Recorded, NotFound, Forbidden, Invalid, Conflict }

/// <summary>
/// How recording a result ended. On <see cref="WorkResultStatus.Invalid"/>, <see cref="Errors"/> maps each field
/// (camelCase: <c>notes</c>, <c>nextOn</c>, <c>appointmentAt</c>…) to error codes of <see cref="WorkResultErrors"/>,
/// which a page says in its language and the API in English. On <see cref="WorkResultStatus.Conflict"/>,
/// <see cref="Version"/> is the stored version and <see cref="State"/> the stored state. Nothing was saved unless recorded.
/// </summary>
public sealed record WorkResultOutcome(
    WorkResultStatus Status, IReadOnlyDictionary<string, string[]> Errors, WorkItemState? State, int Version,
    long? InteractionId = null, long? AppointmentId = null)
{
    private static readonly Dictionary<string, string[]> NoErrors = [];

    public static readonly WorkResultOutcome NotFound = new(WorkResultStatus.NotFound, NoErrors, null, 0);
    public static readonly WorkResultOutcome Forbidden = new(WorkResultStatus.Forbidden, NoErrors, null, 0);
    public static WorkResultOutcome Invalid(Dictionary<string, string[]> errors) => new(WorkResultStatus.Invalid, errors, null, 0);
    public static WorkResultOutcome Conflict(WorkItemState state, int version) => new(WorkResultStatus.Conflict, NoErrors, state, version);
}

/// <summary>The error codes of a result, and their English words for the API and the CLI.</summary>
public static class WorkResultErrors
{
    public const string Required = "required";
    public const string Past = "past";
    public const string TooFar = "tooFar";
    public const string TooLong = "tooLong";
    public const string Range = "range";
    public const string Unknown = "unknown";

    public static string English(string field, string code) => code switch
    {
        Required => $"{field} is required.",
        Past => $"{field} is in the past.",
        TooFar => $"{field} is more than a year ahead.",
        TooLong => $"{field} is too long.",
        Range => $"{field} is out of range.",
        _ => $"{field} is not a known value.",
    };
}
