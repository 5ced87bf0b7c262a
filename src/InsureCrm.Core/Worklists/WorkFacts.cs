using System.Text.Json;
using System.Text.Json.Serialization;
using InsureCrm.Core.Models;
using InsureCrm.Core.Policies;

namespace InsureCrm.Core.Worklists;

/// <summary>
/// The facts an item's explanation is built from, stored with it as JSON (<see cref="WorkItem.Facts"/>): values, not
/// words, so the page says them in the reader's language. Which fields are set depends on the action.
/// </summary>
public sealed record WorkFacts
{
    /// <summary>The model behind a model-driven item (<c>lapse-contract</c>, <c>purchase-health</c>…).</summary>
    public string? Model { get; init; }
    /// <summary>The model's top reasons, largest effect first (at most 3).</summary>
    public IReadOnlyList<ScoreReason> Reasons { get; init; } = [];
    /// <summary>The contract it is about: its number and product name.</summary>
    public string? ContractNumber { get; init; }
    public string? ProductName { get; init; }
    /// <summary>The contract's premium per payment and mode.</summary>
    public decimal? Premium { get; init; }
    public PaymentMode? PaymentMode { get; init; }
    /// <summary>Maturity date, claim date, birthday: the date the explanation names.</summary>
    public DateOnly? Date { get; init; }
    /// <summary>A claim's amount paid, a maturity's sum assured.</summary>
    public decimal? Amount { get; init; }
    /// <summary>The families the customer holds (for cross- and up-sell).</summary>
    public IReadOnlyList<ProductFamily> Held { get; init; } = [];
    /// <summary>Contact details missing: <c>mobile</c>, <c>address</c>, <c>email</c>.</summary>
    public IReadOnlyList<string> Missing { get; init; } = [];
    /// <summary>Contact details that bounced: a campaign message to them failed for good with an address error, newest per channel.</summary>
    public IReadOnlyList<BouncedDetail> Bounced { get; init; } = [];
    /// <summary>Months since the last coverage check (null: never recorded).</summary>
    public int? MonthsSince { get; init; }
    /// <summary>An unpaid-premium item: premiums unpaid among the last <see cref="UnpaidOutOf"/> due, and the paid-to date (its <see cref="Date"/> is the last day of grace).</summary>
    public int? Unpaid { get; init; }
    public int? UnpaidOutOf { get; init; }
    public DateOnly? PaidTo { get; init; }
    /// <summary>A campaign item's campaign code and name.</summary>
    public string? CampaignCode { get; init; }
    public string? CampaignName { get; init; }
    /// <summary>The customer's value grade, segment cell and strategy on the build day.</summary>
    public string? Grade { get; init; }
    public string? Segment { get; init; }
    public string? Strategy { get; init; }
    /// <summary>The customer's age on the build day.</summary>
    public int? Age { get; init; }
    /// <summary>A referral's note from the call center consultant (what the customer said), and who sent it.</summary>
    public string? Note { get; init; }
    public string? ReferredBy { get; init; }
    /// <summary>A handover item's orphan case (its page is <c>/orphans/{id}</c>), the former agent's code and the day they left; its <see cref="Date"/> is the first-contact deadline.</summary>
    public long? OrphanCaseId { get; init; }
    public string? FormerAgent { get; init; }
    public DateOnly? LeftOn { get; init; }

    /// <summary>One bounced detail: <c>email</c> or <c>mobile</c> (an SMS), and the day the message failed (Korea).</summary>
    public sealed record BouncedDetail(string Detail, DateOnly On);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The stored facts; an unreadable value gives empty facts rather than a broken list.</summary>
    public static WorkFacts Read(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new WorkFacts();
        }
        try
        {
            return JsonSerializer.Deserialize<WorkFacts>(json, Json) ?? new WorkFacts();
        }
        catch (JsonException)
        {
            return new WorkFacts();
        }
    }
}
