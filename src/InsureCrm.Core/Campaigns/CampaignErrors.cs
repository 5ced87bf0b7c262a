using System.Globalization;

namespace InsureCrm.Core.Campaigns;

/// <summary>
/// One problem of a campaign request as data: a code of <see cref="CampaignErrorTexts.English"/> and its arguments as
/// written (a field key, the bad value, a limit), so a page can say it in its own language and the CLI in English.
/// </summary>
public sealed record FieldError(string Code, IReadOnlyList<string> Args)
{
    /// <summary>The English text (what <see cref="CampaignResult{T}.Errors"/>, the CLI and the logs carry).</summary>
    public string English => CampaignErrorTexts.Format(Code, Args);
}

/// <summary>
/// The one table of campaign validation errors: each code with its English text (<see cref="string.Format(IFormatProvider, string, object[])"/>
/// placeholders <c>{0}</c>, <c>{1}</c> … for the arguments). The web translates a code as <c>campaign.fieldError.{code}</c>.
/// </summary>
public static class CampaignErrorTexts
{
    public static IReadOnlyDictionary<string, string> English { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // The target rule (Targeting/RuleDefinition).
        ["rule.empty"] = "The target rule is empty.",
        ["rule.tooLong"] = "The target rule is {0} characters long; at most {1} are allowed.",
        ["rule.notJson"] = "The target rule is not valid JSON (line {0}).",
        ["rule.notObject"] = "The target rule must be an object with 'all' and optionally 'any'.",
        ["rule.unknownPart"] = "Unknown part '{0}': a rule has 'all' and 'any'.",
        ["rule.groupNotList"] = "'{0}' must be a list of conditions.",
        ["rule.tooManyConditions"] = "The rule has {0} conditions; at most {1} are allowed.",
        ["condition.notObject"] = "A condition must be an object with field, op and values.",
        ["condition.valuesNotList"] = "values must be a list.",
        ["condition.fieldMissing"] = "The field is missing.",
        ["condition.unknownField"] = "unknown field '{0}'.",
        ["condition.unknownOp"] = "unknown operator '{0}' (one of in, notIn, between, gte, lte, is).",
        ["condition.opNotApplicable"] = "'{0}' does not apply to {1} (use {2}).",
        // The values of a condition (Targeting/TargetField.Check).
        ["values.countOne"] = "'{0}' on {1} takes {2} value, not {3}.",
        ["values.countMany"] = "'{0}' on {1} takes {2} values, not {3}.",
        ["values.none"] = "{0} needs at least one value.",
        ["values.tooMany"] = "{0} has {1} values; at most {2} are allowed.",
        ["values.notAllowed"] = "'{0}' is not a {1} value (one of {2}).",
        ["values.notWhole"] = "'{0}' is not a whole number from {1} to {2} for {3}.",
        ["values.notNumber"] = "'{0}' is not a number from {1} to {2} for {3}.",
        ["values.notFlag"] = "'{0}' is not true or false for {1}.",
        ["values.notCode"] = "'{0}' is not a code of 1 to 40 characters for {1}.",
        ["values.rangeReversed"] = "The range {0}–{1} of {2} ends before it starts.",
        // The plan (Planning/CampaignValidation).
        ["text.required"] = "The {0} is required.",
        ["text.tooLong"] = "The {0} is {1} characters long; at most {2} are allowed.",
        ["objective.unknown"] = "'{0}' is not an objective.",
        ["productFamily.unknown"] = "'{0}' is not a product family.",
        ["period.endsBeforeStart"] = "The period ends on {0}, before it starts on {1}.",
        ["windowDays.range"] = "The response window of {0} days must be 1 to 366 days.",
        ["budget.negative"] = "The budget {0} must not be negative.",
        ["currency.unknown"] = "'{0}' is not a currency we book (KRW or TWD).",
        ["controlShare.noControl"] = "A control share of {0} leaves no control group; choose a share between 0 and 100 %.",
        ["controlShare.noTest"] = "A control share of {0} leaves no test group; choose a share between 0 and 100 %.",
        ["alpha.range"] = "The significance level {0} must be between 0 and 0.5.",
        ["power.range"] = "The power {0} must be between 0.5 and 1.",
        ["baselineRate.range"] = "The baseline response rate {0} must be between 0 and 1.",
        ["expectedLift.range"] = "The expected lift {0} must be between 0 and 1.",
        ["expectedLift.reaches100"] = "A baseline of {0} plus a lift of {1} reaches 100 %.",
        ["overlapRule.unknown"] = "'{0}' is not an overlap rule.",
        ["frequencyCap.range"] = "A frequency cap of {0} contacts must be 1 to 100.",
        ["channels.none"] = "The plan needs at least one channel.",
        ["channel.unknown"] = "'{0}' is not a channel.",
        ["channel.twice"] = "The channel {0} is listed twice.",
        ["channel.rank"] = "The rank {0} must be 1 or more and differ from the other channels'.",
        ["channel.unitCostNegative"] = "The cost per contact {0} must not be negative.",
        ["channel.dailyLimit"] = "The daily limit {0} must be at least 1 (or none).",
        ["channel.notInCampaign"] = "{0} is not a channel of this campaign.",
        ["offer.missing"] = "There is no offer {0}.",
        ["offer.inactive"] = "The offer '{0}' is no longer active.",
        ["offer.currencyMismatch"] = "The offer '{0}' is priced in {1}, the campaign in {2}.",
        // Scripts (Planning/ScriptTemplate, CampaignValidation).
        ["script.channelNotPlanned"] = "The script is for {0}, which is not a channel of the plan.",
        ["script.duplicate"] = "There is already a {0} script in '{1}'.",
        ["script.languageUnknown"] = "'{0}' is not a script language ({1}).",
        ["script.empty"] = "The script text is empty.",
        ["script.tooLong"] = "The script is {0} characters long; at most {1} are allowed.",
        ["script.unknownPlaceholder"] = "unknown placeholder '{0}' (allowed: {1}).",
        ["script.subjectTooLong"] = "The subject is {0} characters long; at most {1} are allowed.",
        ["script.smsTooLong"] = "The SMS is {0} bytes in CP949; an LMS holds at most {1}.",
        ["script.smsNoMark"] = "A marketing SMS must begin with '{0}'.",
        ["script.emailNoSubject"] = "An e-mail needs a subject.",
        ["script.emailSubjectNoMark"] = "A marketing e-mail subject must begin with '{0}'.",
        ["script.emailNoOptOut"] = "A marketing e-mail must carry the opt-out link '{0}'.",
        ["script.reason"] = "Say in 1 to 500 characters why the script changes.",
        // Offers (Planning/CampaignValidation.CheckOffer, CampaignPlanning).
        ["offer.codeLength"] = "The offer code '{0}' must be 1 to 40 characters.",
        ["offer.codeUsed"] = "The offer code '{0}' is already used.",
        ["offer.noCost"] = "The offer has no cost; enter what it costs (0 for a free offer).",
        ["offer.costNegative"] = "The offer cost {0} must not be negative.",
        ["offer.costBasisUnknown"] = "'{0}' is not a cost basis.",
        ["offer.changeReason"] = "Say in 1 to 500 characters why the offer changes.",
        // State changes (Planning/CampaignPlanning).
        ["lessons.missing"] = "Write the lessons learned before closing the campaign.",
        ["lessons.tooLong"] = "The lessons are {0} characters long; at most {1} are allowed.",
        ["cancel.reason"] = "Give a reason of 1 to 1,000 characters for cancelling.",
        ["simulation.noChannel"] = "{0} has no channel to simulate.",
        // Attribution (Measurement/CampaignAttribution).
        ["attribution.beforeStart"] = "as-of date {0} is before the campaign starts ({1}).",
        ["attribution.families"] = "'{0}' is not a list of product families.",
        // Roll-out by uplift (Planning/CampaignPlanning.RollOutAsync).
        ["rollout.upliftTopN"] = "The number of customers to contact must be above 0; '{0}' is not.",
        ["rollout.noUpliftModel"] = "{0} has no uplift model; learn its uplift first.",
        // What a host's form could not read before asking Core (the web's campaign, offer and roll-out forms).
        ["form.notWhole"] = "'{0}' is not a whole number.",
        ["form.notId"] = "'{0}' is not an id.",
        ["form.notNumber"] = "'{0}' is not a number.",
        ["form.notDate"] = "'{0}' is not a date (yyyy-MM-dd).",
    };

    /// <summary>The English text of <paramref name="code"/> with <paramref name="args"/>.</summary>
    public static string Format(string code, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (!English.TryGetValue(code, out var template))
        {
            throw new ArgumentException($"'{code}' is not a campaign error code.", nameof(code));
        }
        return string.Format(CultureInfo.InvariantCulture, template, [.. args]);
    }
}

/// <summary>
/// The problems of one campaign request, each under the camelCase path of the field it concerns (<c>controlShare</c>,
/// <c>rules[2].field</c>, <c>scripts[0].body</c>), in the order found. <see cref="CampaignResult.Invalid{T}(CampaignErrors)"/>
/// turns them into the result's English <see cref="CampaignResult{T}.Errors"/> and coded <see cref="CampaignResult{T}.ErrorCodes"/>.
/// </summary>
public sealed class CampaignErrors
{
    private readonly Dictionary<string, List<FieldError>> _byKey = new(StringComparer.Ordinal);

    /// <summary>How many fields have a problem.</summary>
    public int Count => _byKey.Count;

    /// <summary>Adds the problem <paramref name="code"/> (a key of <see cref="CampaignErrorTexts.English"/>) to <paramref name="key"/>.</summary>
    public void Add(string key, string code, params string[] args) => Add(key, new FieldError(code, args));

    /// <summary>Adds <paramref name="error"/> to <paramref name="key"/>; a code not in the table is a bug, refused at once.</summary>
    public void Add(string key, FieldError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (!CampaignErrorTexts.English.ContainsKey(error.Code))
        {
            throw new ArgumentException($"'{error.Code}' is not a campaign error code.", nameof(error));
        }
        if (!_byKey.TryGetValue(key, out var list))
        {
            _byKey[key] = list = [];
        }
        list.Add(error);
    }

    /// <summary>The English messages by field.</summary>
    public Dictionary<string, string[]> ToEnglish() =>
        _byKey.ToDictionary(e => e.Key, e => e.Value.Select(x => x.English).ToArray(), StringComparer.Ordinal);

    /// <summary>The coded problems by field.</summary>
    public Dictionary<string, FieldError[]> ToCodes() =>
        _byKey.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>A number or date as the messages show it (the caller's culture, as the English text always did).</summary>
    internal static string Arg(IFormattable value, string? format = null) => value.ToString(format, CultureInfo.CurrentCulture);

    internal static string Arg(object? value) => Convert.ToString(value, CultureInfo.CurrentCulture) ?? "";
}
