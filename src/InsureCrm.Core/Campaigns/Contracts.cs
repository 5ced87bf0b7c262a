using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;

namespace InsureCrm.Core.Campaigns;

// What pages, the API and the CLI call (docs/plans/issue12-campaigns.md sections 3–8): the requests, the answers and
// one interface per use-case group. Each interface names the piece of the build plan (section 12) that implements it
// in its own sub-folder and registers it in that folder's *Services.cs. Every method takes the acting user, and Core
// checks the capability (Security.Capability.Campaign*) and the data scope itself, so hosts only establish who acts.
// Expected failures are results (CampaignResult), never exceptions. Money is decimal in the campaign's currency;
// rates are double. No type here comes from InsureCrm.Analytics: hosts never name it (decision 0003).

/// <summary>How a campaign use case ended.</summary>
public enum CampaignOutcome
{
    Ok,
    /// <summary>No such campaign (or offer, contact, token) — or one the user may not see, answered alike.</summary>
    NotFound,
    /// <summary>The user's role may never do this (403).</summary>
    Forbidden,
    /// <summary>Bad input: <see cref="CampaignResult{T}.Errors"/> names each field and value.</summary>
    Invalid,
    /// <summary>The state or version does not allow it (approving one's own plan, a stale version, a split after the first send); <see cref="CampaignResult{T}.Message"/> says why.</summary>
    Conflict,
}

/// <summary>
/// The answer of a campaign use case. On <see cref="CampaignOutcome.Invalid"/>, <see cref="Errors"/> maps each field
/// path of the request in camelCase (<c>controlShare</c>, <c>rules[2].field</c>, <c>scripts[0].body</c>) to messages
/// that name the bad value (in English, for the CLI and the logs); <see cref="ErrorCodes"/> holds the same problems
/// coded, under the same keys, for a page to say in its language. Nothing was saved. On
/// <see cref="CampaignOutcome.Conflict"/>, <see cref="CurrentVersion"/> is the stored version when a stale one was sent.
/// </summary>
public sealed record CampaignResult<T>(CampaignOutcome Outcome, T? Value, IReadOnlyDictionary<string, string[]> Errors, string? Message, int CurrentVersion)
{
    public bool IsOk => Outcome == CampaignOutcome.Ok;

    /// <summary>
    /// The problems of <see cref="Errors"/> as codes of <see cref="CampaignErrorTexts"/> with their arguments, one per
    /// message in the same order; empty for an error that was not coded (the English message is all there is).
    /// </summary>
    public IReadOnlyDictionary<string, FieldError[]> ErrorCodes { get; init; } = CampaignResult.NoCodes;
}

/// <summary>Factories of <see cref="CampaignResult{T}"/>.</summary>
public static class CampaignResult
{
    private static readonly Dictionary<string, string[]> NoErrors = [];
    internal static readonly Dictionary<string, FieldError[]> NoCodes = [];

    public static CampaignResult<T> Ok<T>(T value) => new(CampaignOutcome.Ok, value, NoErrors, null, 0);
    public static CampaignResult<T> NotFound<T>() => new(CampaignOutcome.NotFound, default, NoErrors, null, 0);
    public static CampaignResult<T> Forbidden<T>() => new(CampaignOutcome.Forbidden, default, NoErrors, null, 0);
    public static CampaignResult<T> Invalid<T>(IReadOnlyDictionary<string, string[]> errors) => new(CampaignOutcome.Invalid, default, errors, null, 0);

    /// <summary>Bad input, in English (<see cref="CampaignResult{T}.Errors"/>) and coded (<see cref="CampaignResult{T}.ErrorCodes"/>) from the same problems.</summary>
    public static CampaignResult<T> Invalid<T>(CampaignErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return new(CampaignOutcome.Invalid, default, errors.ToEnglish(), null, 0) { ErrorCodes = errors.ToCodes() };
    }

    /// <summary>Bad input in one field: <paramref name="code"/> of <see cref="CampaignErrorTexts"/> with its arguments.</summary>
    public static CampaignResult<T> Invalid<T>(string key, string code, params string[] args)
    {
        var errors = new CampaignErrors();
        errors.Add(key, code, args);
        return Invalid<T>(errors);
    }
    public static CampaignResult<T> Conflict<T>(string message, int currentVersion = 0) => new(CampaignOutcome.Conflict, default, NoErrors, message, currentVersion);
}

// ---- Plan (section 3) ------------------------------------------------------------------------------------------

/// <summary>A channel of a plan: its place in the waterfall (1 first), its offer and the cost of one contact.</summary>
public sealed record ChannelDraft(CampaignChannelKind Channel, int Rank, long? OfferId, decimal UnitCost, int? DailyLimit = null);

/// <summary>A script of a plan for one channel and language (<see cref="ScriptLanguage"/>); the body is a template with placeholders.</summary>
public sealed record ScriptDraft(CampaignChannelKind Channel, string Language, string? Subject, string Body);

/// <summary>
/// Everything a marketer writes for a campaign, as one request saved in one unit of work (the rule version, channels
/// and scripts with it, or nothing). <see cref="RuleDefinition"/> is the target rule as JSON (section 4, the same text
/// <c>target_rule_version.definition</c> stores and <c>campaign target-count --rule FILE.json</c> reads); null keeps the
/// campaign's current rule. <see cref="SplitSeed"/> null draws one.
/// </summary>
public sealed record CampaignDraft(
    string Name,
    string Theme,
    string Hypothesis,
    CampaignObjective Objective,
    IReadOnlyList<ProductFamily> ObjectiveFamilies,
    int WindowDays,
    DateOnly StartsOn,
    DateOnly EndsOn,
    decimal Budget,
    string Currency,
    string? RuleDefinition,
    decimal ControlShare,
    double Alpha,
    double Power,
    double? BaselineRate,
    double ExpectedLift,
    OverlapRule OverlapRule,
    int Priority,
    int FrequencyCap,
    bool IsPilot,
    IReadOnlyList<ChannelDraft> Channels,
    IReadOnlyList<ScriptDraft> Scripts,
    long? OwnerUserId = null,
    long? SplitSeed = null);

/// <summary>A new version of one script while the campaign runs, with the reason shown in its history.</summary>
public sealed record ScriptRevision(CampaignChannelKind Channel, string Language, string? Subject, string Body, string Reason);

/// <summary>A channel's offer changed while the campaign runs (an <c>OfferChanged</c> history entry).</summary>
public sealed record OfferChange(CampaignChannelKind Channel, long? OfferId, string Reason);

/// <summary>An offer of the catalogue as entered; a null <see cref="Cost"/> is refused (0 is a free offer).</summary>
public sealed record OfferDraft(string Code, string Name, ProductFamily? ProductFamily, decimal? Cost, CostBasis CostBasis, string Currency = "KRW", bool Active = true);

/// <summary>The company-wide roll-out of a pilot: a new Draft with the pilot's plan, scripts, channels and offers, this scope and period.</summary>
/// <summary>
/// A pilot's roll-out: name, dates, rule and budget; with <paramref name="UpliftTopN"/> it contacts only the top N of the
/// rule's customers by the pilot's newest uplift model, leaving out those predicted to react badly unless
/// <paramref name="KeepNegative"/>.
/// </summary>
public sealed record RollOutDraft(string Name, DateOnly StartsOn, DateOnly EndsOn, string RuleDefinition, decimal? Budget = null, int? UpliftTopN = null,
    bool KeepNegative = false);

/// <summary>A campaign in lists and as the answer of a state change.</summary>
public sealed record CampaignSummary(
    long Id, string Code, string Name, string Theme, CampaignObjective Objective, CampaignState State,
    DateOnly StartsOn, DateOnly EndsOn, bool IsPilot, long OwnerUserId, long AuthorUserId, int Version);

public sealed record OfferView(long Id, string Code, string Name, ProductFamily? ProductFamily, decimal Cost, CostBasis CostBasis, string Currency, bool Active, int Version);

public sealed record ChannelView(CampaignChannelKind Channel, int Rank, OfferView? Offer, decimal UnitCost, int? DailyLimit);

public sealed record ScriptView(long Id, CampaignChannelKind Channel, string Language, int Version, string? Subject, string Body, string CreatedBy, DateTime CreatedAt, string? Reason);

/// <summary>An entry of a campaign's history; <see cref="Detail"/> is JSON of ids and figures.</summary>
public sealed record CampaignEventView(DateTime At, string UserName, CampaignEventKind Kind, string Detail);

/// <summary>What a split did: its inputs and how many members went where, per stratum too.</summary>
public sealed record SplitSummary(
    long CampaignId, DateOnly AsOf, long? ValueRunId, long Seed, decimal ControlShare, int Candidates, int Test, int Control,
    int ExcludedHoldout, int ExcludedOverlap, int ExcludedCap, int ExcludedNoChannel, IReadOnlyList<StratumSplit> Strata);

public sealed record StratumSplit(string Stratum, int Test, int Control);

/// <summary>A campaign's record page: the plan, who wrote and approved it, its rule, channels, current scripts, split and history.</summary>
public sealed record CampaignDetail(
    CampaignSummary Summary,
    string Hypothesis,
    IReadOnlyList<ProductFamily> ObjectiveFamilies,
    int WindowDays,
    decimal Budget,
    string Currency,
    long? RuleVersionId,
    string? RuleDefinition,
    decimal ControlShare,
    double Alpha,
    double Power,
    double? BaselineRate,
    double ExpectedLift,
    OverlapRule OverlapRule,
    int Priority,
    int FrequencyCap,
    long? ApprovedByUserId,
    DateTime? ApprovedAt,
    long? ParentCampaignId,
    string? Lessons,
    IReadOnlyList<ChannelView> Channels,
    IReadOnlyList<ScriptView> Scripts,
    SplitSummary? Split,
    IReadOnlyList<CampaignEventView> History);

/// <summary>The library's filter: by state and a search over name, theme, hypothesis and lessons.</summary>
public sealed record CampaignQuery(CampaignState? State = null, string? Search = null, int Skip = 0, int Take = 50);

/// <summary>Creating, editing and moving a campaign through its states (piece 1, <c>Planning/</c>).</summary>
public interface ICampaignPlanning
{
    Task<CampaignResult<CampaignSummary>> CreateAsync(CrmUser user, CampaignDraft draft, CancellationToken ct = default);

    /// <summary>Saves a new plan read at <paramref name="version"/>; an approved campaign goes back to Draft.</summary>
    Task<CampaignResult<CampaignSummary>> EditAsync(CrmUser user, long campaignId, int version, CampaignDraft draft, CancellationToken ct = default);

    /// <summary>Draft → Approved, by a holder of <c>campaign:approve</c> who is not the author.</summary>
    Task<CampaignResult<CampaignSummary>> ApproveAsync(CrmUser user, long campaignId, int version, CancellationToken ct = default);

    /// <summary>Approved → Running once the split exists and <c>starts_on</c> has come.</summary>
    Task<CampaignResult<CampaignSummary>> StartAsync(CrmUser user, long campaignId, CancellationToken ct = default);

    /// <summary>Measuring → Closed, with the lessons learned (required).</summary>
    Task<CampaignResult<CampaignSummary>> CloseAsync(CrmUser user, long campaignId, int version, string lessons, CancellationToken ct = default);

    /// <summary>Draft, Approved or Running → Cancelled; pending contacts become Blocked with <see cref="CampaignBlockReason.Cancelled"/>.</summary>
    Task<CampaignResult<CampaignSummary>> CancelAsync(CrmUser user, long campaignId, int version, string reason, CancellationToken ct = default);

    /// <summary>A new Draft cloned from a pilot, with the pilot's measured rate as baseline and lift.</summary>
    Task<CampaignResult<CampaignSummary>> RollOutAsync(CrmUser user, long pilotId, RollOutDraft draft, CancellationToken ct = default);

    Task<CampaignResult<ScriptView>> ReviseScriptAsync(CrmUser user, long campaignId, ScriptRevision revision, CancellationToken ct = default);

    Task<CampaignResult<ChannelView>> ChangeOfferAsync(CrmUser user, long campaignId, OfferChange change, CancellationToken ct = default);

    /// <summary>Creates an offer (<paramref name="offerId"/> null) or edits one read at <paramref name="version"/>.</summary>
    Task<CampaignResult<OfferView>> SaveOfferAsync(CrmUser user, long? offerId, int? version, OfferDraft draft, CancellationToken ct = default);
}

/// <summary>Reading campaigns: the library and a record (piece 1, <c>Planning/</c>).</summary>
public interface ICampaignLibrary
{
    Task<IReadOnlyList<CampaignSummary>> ListAsync(CrmUser user, CampaignQuery query, CancellationToken ct = default);

    Task<CampaignResult<CampaignDetail>> GetAsync(CrmUser user, long campaignId, CancellationToken ct = default);

    Task<IReadOnlyList<OfferView>> OffersAsync(CrmUser user, bool activeOnly = true, CancellationToken ct = default);
}

// ---- Targeting (section 4) -------------------------------------------------------------------------------------

/// <summary>
/// When the targeting mart was built: <paramref name="AsOf"/> is the business date its consent flags are in effect on,
/// <paramref name="ValueRunId"/> the value run its grades and cells come from (null: none had completed),
/// <paramref name="Customers"/> its rows (the live book then).
/// </summary>
public sealed record TargetingMartState(DateOnly AsOf, DateTime RefreshedAt, long? ValueRunId, long Customers);

/// <summary>A refresh of the mart: its new state and how long it took.</summary>
public sealed record TargetingMartRefresh(TargetingMartState State, TimeSpan Elapsed);

/// <summary>
/// How many live customers a rule selects, out of the whole book, read from the targeting mart built at
/// <paramref name="MartRefreshedAt"/> (UTC; merges and erasures since then apply).
/// </summary>
public sealed record TargetCount(long Matching, long Book, DateTime MartRefreshedAt)
{
    public double Share => Book == 0 ? 0 : (double)Matching / Book;
}

/// <summary>One level of one profile dimension (<c>grade</c>, <c>cell</c>, <c>ageBand</c>, <c>lifecycle</c>): the target's count against the book's.</summary>
public sealed record ProfileRow(string Dimension, string Level, long Target, long Book);

public sealed record TargetProfile(TargetCount Count, IReadOnlyList<ProfileRow> Rows);

/// <summary>Counting and profiling a target rule given as JSON (piece 1, <c>Targeting/</c>); an unknown field or value is <see cref="CampaignOutcome.Invalid"/>.</summary>
public interface ICampaignTargeting
{
    Task<CampaignResult<TargetCount>> CountAsync(CrmUser user, string ruleDefinition, CancellationToken ct = default);

    Task<CampaignResult<TargetProfile>> ProfileAsync(CrmUser user, string ruleDefinition, CancellationToken ct = default);

    /// <summary>
    /// Builds the targeting mart again now (the nightly chain's <c>targeting</c> step does it every night), for a
    /// marketer who needs today's changes counted: <c>campaign:edit</c> or <c>campaign:approve</c>.
    /// </summary>
    Task<CampaignResult<TargetingMartRefresh>> RefreshMartAsync(CrmUser user, CancellationToken ct = default);
}

// ---- Split and simulation (sections 5 and 6) -------------------------------------------------------------------

/// <summary>Writing a campaign's one split: holdout, overlap, frequency cap, stratified arms, planned channels (piece 1, <c>Planning/</c>).</summary>
public interface ICampaignSplitter
{
    Task<CampaignResult<SplitSummary>> SplitAsync(CrmUser user, long campaignId, CancellationToken ct = default);
}

/// <summary>
/// The power calculation behind a control share: the smallest share reaching <see cref="TargetPower"/> (null when even
/// the largest does not), the power it gives, and the members per arm and list size that would be needed.
/// </summary>
public sealed record PowerPlan(double Alpha, double TargetPower, double? ControlShare, double Power, double NeededPerArm, long NeededListSize);

/// <summary>One channel's part of a simulation: contacts and what they cost.</summary>
public sealed record ChannelSimulation(CampaignChannelKind Channel, long Members, double ReachableShare, long Contacts, decimal ContactCost, decimal OfferCost);

/// <summary>
/// The P&amp;L simulation of a plan (손익 Simulation, section 6): expected responders and incremental responders, the value
/// of a response (assumed when not priced by the value engine), cost, profit, ROI, the break-even lift and rate, the
/// flags shown in red, and the power plan.
/// </summary>
public sealed record SimulationResult(
    long ListSize,
    long TestMembers,
    long ControlMembers,
    double BaselineRate,
    bool BaselineAssumed,
    double ExpectedLift,
    IReadOnlyList<ChannelSimulation> Channels,
    double ExpectedResponders,
    double IncrementalResponders,
    decimal ValuePerResponse,
    bool ValueAssumed,
    decimal Cost,
    decimal ExpectedProfit,
    double? Roi,
    double? BreakEvenLift,
    double? BreakEvenRate,
    bool OverBudget,
    bool BelowBreakEven,
    string Currency,
    PowerPlan Power);

/// <summary>Simulating a plan's P&amp;L and power; the result is also recorded as a <c>Simulated</c> history entry (piece 1, <c>Planning/</c>).</summary>
public interface ICampaignSimulation
{
    Task<CampaignResult<SimulationResult>> SimulateAsync(CrmUser user, long campaignId, CancellationToken ct = default);
}

// ---- Execution (section 7) -------------------------------------------------------------------------------------

/// <summary>One run of the sender: a channel (null: every message channel), at most <see cref="Limit"/> contacts, and whether to re-send contacts in doubt on purpose.</summary>
public sealed record SendRequest(long CampaignId, CampaignChannelKind? Channel = null, int? Limit = null, bool RetryInDoubt = false, bool DryRun = false);

/// <summary>What a send run did; nothing is dropped silently, so blocked contacts are counted by reason (<c>ContactReason</c> and <see cref="CampaignBlockReason"/> names).</summary>
public sealed record SendSummary(
    long CampaignId, int Released, int Claimed, int Sent, int Deferred, int Blocked, int Failed, int InDoubt, int Handed,
    IReadOnlyDictionary<string, int> BlockedByReason, bool DryRun)
{
    /// <summary>Contacts kept Pending because their channel cannot send in this installation (<c>NoSmsGateway</c>, <c>NoSmsOptOutNumber</c>), by reason: counted, never dropped.</summary>
    public IReadOnlyDictionary<string, int> WaitingByReason { get; init; } = new Dictionary<string, int>();
}

/// <summary>Releasing due contacts and sending them through the contact policy and the transports (piece 2, <c>Execution/</c>).</summary>
public interface ICampaignSender
{
    Task<CampaignResult<SendSummary>> SendAsync(CrmUser user, SendRequest request, CancellationToken ct = default);
}

/// <summary>The character set of a DM file for the print vendor.</summary>
public enum DmEncoding { Utf8Bom, Cp949 }

/// <summary>A DM export with its access reason (an <c>AccessReason</c> code, <c>campaign</c> usually); the same <see cref="ExportId"/> reproduces the same file.</summary>
public sealed record DmExportRequest(long CampaignId, string Reason, DmEncoding Encoding = DmEncoding.Utf8Bom, string? ExportId = null);

public sealed record DmExportResult(string ExportId, int Rows, string FileName)
{
    /// <summary>DM contacts this export left out, by reason (<c>NoAddress</c>, <c>NoConsent</c> …); empty when it reproduced an earlier file.</summary>
    public IReadOnlyDictionary<string, int> BlockedByReason { get; init; } = new Dictionary<string, int>();
    /// <summary>Rows holding a character CP949 cannot write (written as '?'); always 0 in UTF-8.</summary>
    public int RowsWithReplacedCharacters { get; init; }
}

/// <summary>Writing the DM file (address fields only) and one access-log entry per customer (piece 2, <c>Execution/</c>).</summary>
public interface IDmExport
{
    Task<CampaignResult<DmExportResult>> WriteAsync(CrmUser user, DmExportRequest request, Stream output, CancellationToken ct = default);
}

/// <summary>
/// A contact on an agent's or the call list: the customer (their name, for staff who may see it), the campaign's script
/// and offer, the attempt and the last outcome.
/// </summary>
public sealed record WorkListItem(
    long ContactId, long CampaignId, string CampaignCode, string CampaignName, long CustomerId, string CustomerName,
    CampaignChannelKind Channel, int Attempt, CampaignContactState State, DateTime PlannedAt, string? ScriptSubject,
    string? ScriptBody, string? OfferName, CallOutcome? Outcome, DateTime? NextAttemptAt)
{
    /// <summary>For a roll-out targeted by uplift: the customer's predicted uplift (why they were chosen); null otherwise.</summary>
    public double? Uplift { get; init; }

    /// <summary>The top reasons of <see cref="Uplift"/> (feature, value, effect on the uplift).</summary>
    public IReadOnlyList<Models.ScoreReason> UpliftReasons { get; init; } = [];
}

/// <summary>An outcome recorded for a contact of a list.</summary>
/// <param name="ContactId">The contact.</param>
/// <param name="Outcome">What came of the call or visit.</param>
/// <param name="Note">What was said (the interaction's notes).</param>
/// <param name="ByQueue">Recorded by the call center's queue for a call it holds and has checked is the user's.</param>
public sealed record OutcomeEntry(long ContactId, CallOutcome Outcome, string? Note = null, bool ByQueue = false);

/// <summary>Agents' campaign lists and the call list with its outcome codes and retry rules (piece 2, <c>Execution/</c>).</summary>
public interface ICampaignWorkLists
{
    /// <summary>The open contacts of the user's agent (their scope only).</summary>
    Task<IReadOnlyList<WorkListItem>> AgentListAsync(CrmUser user, CancellationToken ct = default);

    /// <summary>The next due call of the call list, checked against the contact policy at this instant; null when none is due.</summary>
    Task<WorkListItem?> NextCallAsync(CrmUser user, CancellationToken ct = default);

    /// <summary>
    /// Records an outcome (and its interaction); not reached plans the next attempt. A call-list contact's outcome is the
    /// consultant's the next call handed it to, or, while the call center's queue holds it, the queue's
    /// (<see cref="OutcomeEntry.ByQueue"/>: the queue has checked that the call is the user's).
    /// </summary>
    Task<CampaignResult<WorkListItem>> RecordOutcomeAsync(CrmUser user, OutcomeEntry entry, CancellationToken ct = default);

    /// <summary>
    /// Hands released call-list contacts to another work list (the call center's queue, <paramref name="held"/> true) or back:
    /// a held contact is not handed out by <see cref="NextCallAsync"/>, so one customer is not called from both lists; its
    /// outcome is still recorded by <see cref="RecordOutcomeAsync"/>. Returns how many contacts changed.
    /// </summary>
    Task<int> HoldAsync(IReadOnlyCollection<long> contactIds, bool held, CancellationToken ct = default);
}

/// <summary>What the unsubscribe page shows before the customer confirms: never a name or an address.</summary>
public sealed record UnsubscribePreview(string CampaignName, CampaignChannelKind Channel, bool AlreadyWithdrawn);

/// <summary>The anonymous unsubscribe link (<c>/u/{token}</c>): a GET changes nothing, a confirm records the withdrawal at once (piece 2, <c>Execution/</c>).</summary>
public interface IUnsubscribe
{
    /// <summary>Null for a token that is forged, malformed or of no contact.</summary>
    Task<UnsubscribePreview?> PreviewAsync(string token, CancellationToken ct = default);

    /// <summary>False for a bad token; true once the withdrawal is recorded (again: idempotent).</summary>
    Task<bool> ConfirmAsync(string token, CancellationToken ct = default);
}

// ---- Attribution, results, dashboard (section 8, section 10's home) --------------------------------------------

/// <summary>One attribution run: the window it looked at and what it found.</summary>
public sealed record AttributionSummary(
    long CampaignId, DateOnly AsOf, DateOnly WindowStart, DateOnly WindowEnd, int Responses, int RespondersTest, int RespondersControl, DateTime RanAt);

/// <summary>Attributing responses to both arms, replacing the previous run's (piece 3, <c>Measurement/</c>).</summary>
public interface IResponseAttribution
{
    /// <summary>As of <paramref name="asOf"/> (today in Asia/Seoul when null).</summary>
    Task<CampaignResult<AttributionSummary>> AttributeAsync(CrmUser user, long campaignId, DateOnly? asOf = null, CancellationToken ct = default);
}

/// <summary>An estimate with its confidence interval.</summary>
public sealed record Estimate(double Value, double Lower, double Upper)
{
    public bool ExcludesZero => Lower > 0 || Upper < 0;
}

/// <summary>
/// One arm's figures: members (intent to treat), solicitations (Test only), responders, responses, revenue, the
/// response rate with its Wilson interval, and the hit ratio among contacted members (Test only, not randomised).
/// </summary>
public sealed record ArmFigures(long Members, long Solicitations, long Responders, long Responses, decimal Revenue, Estimate ResponseRate, double? HitRatio);

/// <summary>
/// Test against control: the uplift with Newcombe's interval and the two-proportion test (not significant when p ≥ α),
/// incremental responses, incremental revenue (Welch), cost, ROI, and the simulated target for comparison.
/// </summary>
public sealed record Comparison(
    Estimate Uplift, double PValue, bool Significant, double IncrementalResponses, Estimate IncrementalRevenue,
    decimal Cost, double? Roi, double? TargetLift, double? TargetRoi);

/// <summary>One row of a breakdown (<see cref="Key"/> is the stratum, segment, channel, offer, agent code or period).</summary>
public sealed record ResultRow(string Key, ArmFigures Test, ArmFigures Control, Comparison Comparison);

/// <summary>
/// A campaign's results as of its latest attribution, by one breakdown; <see cref="Uncorrected"/> says per-row tests
/// are not corrected for multiple comparisons (shown as such).
/// </summary>
public sealed record CampaignResults(
    long CampaignId, string Code, string Currency, double Alpha, AttributionSummary? Attribution, ResultBreakdown By,
    ResultRow Total, IReadOnlyList<ResultRow> Rows, bool Uncorrected);

/// <summary>
/// Marketing's total effect in a year: every customer of the book in the year's universal holdout against the rest
/// (<see cref="Rest"/> plays Test, <see cref="Holdout"/> Control). A customer responded when they had, between
/// <see cref="From"/> (1 January) and <see cref="To"/> (31 December or today), an event of an objective of the year's
/// campaigns (<see cref="Objectives"/>), counted and priced as attribution does for a member, whether or not any campaign
/// chose them. <see cref="Comparison"/> holds the rate difference with Newcombe's interval and the pooled test, and
/// incremental revenue (Welch's interval for revenue per customer, times the rest's size), the year's campaign costs
/// (<see cref="Comparison.Cost"/>, as each campaign's results compute them) and ROI; <see cref="Totals"/> the rest.
/// </summary>
public sealed record HoldoutReport(
    int Year, decimal Share, DateOnly From, DateOnly To, string Currency, double Alpha, IReadOnlyList<string> Objectives, int Campaigns,
    ArmFigures Holdout, ArmFigures Rest, Comparison Comparison, HoldoutTotals Totals);

/// <summary>
/// The holdout report's totals: incremental responses of all marketing (the rate difference and its interval times the
/// rest's size), revenue per customer in each group, incremental profit (incremental revenue − cost, its interval the
/// revenue's shifted by the cost, which is known) and ROI with its interval (profit ÷ cost; null without cost).
/// </summary>
public sealed record HoldoutTotals(
    Estimate IncrementalResponses, decimal RevenuePerCustomerHoldout, decimal RevenuePerCustomerRest, Estimate IncrementalProfit, Estimate? Roi);

public enum ResultFileFormat { Csv, Xlsx }

/// <summary>Results, their export and the holdout report (piece 3, <c>Measurement/</c>).</summary>
public interface ICampaignResults
{
    Task<CampaignResult<CampaignResults>> ResultsAsync(CrmUser user, long campaignId, ResultBreakdown by, CancellationToken ct = default);

    /// <summary>Writes every breakdown (aggregates only) and returns the file name.</summary>
    Task<CampaignResult<string>> ExportAsync(CrmUser user, long campaignId, ResultFileFormat format, Stream output, CancellationToken ct = default);

    Task<CampaignResult<HoldoutReport>> HoldoutAsync(CrmUser user, int year, CancellationToken ct = default);
}

public enum DashboardPeriod { Day, Week }

/// <summary>
/// One count of the dashboard: in a period (its first day), along a dimension (<c>channel</c>, <c>branch</c>,
/// <c>agent</c>, <c>outcome</c>, <c>blocked</c>, <c>response</c>) and a key within it (an enum name, a code or an arm).
/// </summary>
public sealed record DashboardCount(DateOnly Period, string Dimension, string Key, long Count);

/// <summary>A running campaign's feedback: counts per day or week, test against control so far, and script and offer revisions.</summary>
public sealed record CampaignDashboard(
    long CampaignId, DashboardPeriod Period, IReadOnlyList<DashboardCount> Counts, ResultRow? SoFar, IReadOnlyList<CampaignEventView> Revisions);

/// <summary>A campaign on the marketer's home with today's figures.</summary>
public sealed record CampaignToday(CampaignSummary Campaign, long ContactsToday, long RespondersTest, long RespondersControl);

/// <summary>The marketer's home: campaigns by state with today's figures, approvals waiting for the user (oldest first), results that came in since the last visit.</summary>
public sealed record MarketerHome(
    IReadOnlyDictionary<CampaignState, int> ByState, IReadOnlyList<CampaignToday> Live, IReadOnlyList<CampaignSummary> AwaitingApproval,
    IReadOnlyList<AttributionSummary> NewResults);

/// <summary>The dashboard and the marketer's home (piece 3, <c>Measurement/</c>).</summary>
public interface ICampaignDashboard
{
    Task<CampaignResult<CampaignDashboard>> DashboardAsync(CrmUser user, long campaignId, DashboardPeriod period, CancellationToken ct = default);

    /// <summary>Results since <paramref name="lastVisit"/> (all recent ones when null).</summary>
    Task<MarketerHome> HomeAsync(CrmUser user, DateTime? lastVisit, CancellationToken ct = default);
}
