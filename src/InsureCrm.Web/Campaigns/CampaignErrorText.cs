using InsureCrm.Core.Campaigns;
using InsureCrm.Web.Localization;

namespace InsureCrm.Web.Campaigns;

/// <summary>
/// Core's campaign errors in the page's language: a coded error (<see cref="FieldError"/>) is the string
/// <c>campaign.fieldError.{code}</c> with its arguments (the field, the value, the limit, as Core wrote them); a code without
/// a string, or an error Core did not code, stays in Core's English.
/// </summary>
internal static class CampaignErrorText
{
    public const string KeyPrefix = "campaign.fieldError.";

    /// <summary>One error in the page's language.</summary>
    public static string Say(Text text, FieldError error)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(error);
        return text.Has(KeyPrefix + error.Code) ? text.Format(KeyPrefix + error.Code, [.. error.Args]) : error.English;
    }

    /// <summary>The errors of a refused request by field, in the page's language (the keys are Core's).</summary>
    public static Dictionary<string, string[]> Of<T>(Text text, CampaignResult<T> result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Errors.ToDictionary(
            e => e.Key,
            e => result.ErrorCodes.TryGetValue(e.Key, out var coded) && coded.Length == e.Value.Length ? [.. coded.Select(c => Say(text, c))] : e.Value,
            StringComparer.Ordinal);
    }

    /// <summary>Errors a page's form found before asking Core, by field, in the page's language.</summary>
    public static Dictionary<string, string[]> Of(Text text, CampaignErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.ToCodes().ToDictionary(e => e.Key, e => e.Value.Select(c => Say(text, c)).ToArray(), StringComparer.Ordinal);
    }

    /// <summary>Every error of a refused request in one line, in the page's language (for a message carried by a redirect).</summary>
    public static string Joined<T>(Text text, CampaignResult<T> result) => string.Join(" ", Of(text, result).SelectMany(e => e.Value));
}
