namespace InsureCrm.Core.CallCenter;

/// <summary>The outbound queues' rules (configuration section <c>CallCenter</c>; docs/callcenter.md explains each).</summary>
public sealed class CallCenterOptions
{
    public const string Section = "CallCenter";

    /// <summary>A contract issued within this many days (the day itself included) gets a happy call, due this many days after issue.</summary>
    public int HappyCallDays { get; set; } = 7;

    /// <summary>Value grades (newest completed value run) of the interest-customer queue.</summary>
    public string InterestGrades { get; set; } = "AB";

    /// <summary>An interest customer has had no contact (interaction) for this many months.</summary>
    public int InterestMonths { get; set; } = 6;

    /// <summary>A prospect enquired within this many months and holds no active contract.</summary>
    public int ProspectMonths { get; set; } = 3;

    /// <summary>The champion lapse score at or above which a customer is a lapse risk.</summary>
    public double LapseThreshold { get; set; } = 0.3;

    /// <summary>A lapse risk is queued only when no agent acted (an interaction by an agent) in this many days.</summary>
    public int AgentQuietDays { get; set; } = 30;

    /// <summary>Days from entering the queue to the due day, for the queues without a rule of their own (all but the happy call).</summary>
    public int DueDays { get; set; } = 7;

    /// <summary>Attempts not reached (no answer, busy) before an item is given up.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Hours between a no-answer or busy attempt and the next.</summary>
    public int SpacingHours { get; set; } = 4;

    /// <summary>Items handed to one consultant per day at most.</summary>
    public int DailyCap { get; set; } = 60;

    /// <summary>The hour a call is planned at when the customer has no preferred contact time (business hours start).</summary>
    public int BusinessHourStart { get; set; } = 9;

    /// <summary>
    /// Days past its due day after which an interest, prospect or lapse-risk item that is still waiting (not called, or a
    /// retry after no answer; never a call-back promised to the customer) closes as <see cref="QueueItemState.Expired"/>; 0:
    /// never. Happy calls never expire (every new contract is owed one) and campaign calls end with their campaign.
    /// </summary>
    public int ExpireDays { get; set; } = 14;

    public IEnumerable<string> Validate()
    {
        if (HappyCallDays is < 1 or > 30)
        {
            yield return "CallCenter:HappyCallDays must be between 1 and 30.";
        }
        if (InterestGrades.Length == 0 || InterestGrades.Any(g => g is < 'A' or > 'G'))
        {
            yield return "CallCenter:InterestGrades holds grade letters A to G (at least one).";
        }
        if (InterestMonths is < 1 or > 60)
        {
            yield return "CallCenter:InterestMonths must be between 1 and 60.";
        }
        if (ProspectMonths is < 1 or > 24)
        {
            yield return "CallCenter:ProspectMonths must be between 1 and 24.";
        }
        if (LapseThreshold is <= 0 or >= 1)
        {
            yield return "CallCenter:LapseThreshold must be above 0 and below 1.";
        }
        if (AgentQuietDays is < 1 or > 365)
        {
            yield return "CallCenter:AgentQuietDays must be between 1 and 365.";
        }
        if (DueDays is < 1 or > 60)
        {
            yield return "CallCenter:DueDays must be between 1 and 60.";
        }
        if (MaxAttempts is < 1 or > 10)
        {
            yield return "CallCenter:MaxAttempts must be between 1 and 10.";
        }
        if (SpacingHours is < 1 or > 72)
        {
            yield return "CallCenter:SpacingHours must be between 1 and 72.";
        }
        if (DailyCap < 1)
        {
            yield return "CallCenter:DailyCap must be at least 1.";
        }
        if (ExpireDays is < 0 or > 365)
        {
            yield return "CallCenter:ExpireDays must be between 0 (never) and 365.";
        }
        if (BusinessHourStart is < 8 or > 20)
        {
            yield return "CallCenter:BusinessHourStart must be between 8 and 20 (calls are allowed from 08:00 to 21:00).";
        }
    }
}
