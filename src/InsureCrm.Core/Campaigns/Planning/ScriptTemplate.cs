using System.Text;
using System.Text.RegularExpressions;

namespace InsureCrm.Core.Campaigns.Planning;

/// <summary>
/// The placeholders a campaign script may use and the rules its text must keep: the whitelist (a typo such as
/// <c>{{agnet_name}}</c> is refused at save, not sent), the 2,000-byte LMS limit in CP949, the <c>(광고)</c> mark of an
/// advertising message and the free opt-out link of an e-mail (정보통신망법 §50). The sender (Execution) renders exactly
/// these names.
/// </summary>
public static partial class ScriptTemplate
{
    public const string AdvertisingMark = "(광고)";
    public const string UnsubscribeUrl = "unsubscribe_url";
    /// <summary>The longest SMS (an LMS) in CP949 bytes; a body over it is refused.</summary>
    public const int MaxSmsBytes = 2_000;
    /// <summary>The longest e-mail subject.</summary>
    public const int MaxSubjectLength = 200;

    /// <summary>Every placeholder the sender fills.</summary>
    public static IReadOnlyList<string> Placeholders { get; } =
        ["name", "agent_name", "agent_phone", "branch_name", "offer_name", "campaign_name", "opt_out_number", UnsubscribeUrl];

    private static readonly Encoding Cp949 = CreateCp949();

    /// <summary>The placeholder names in <paramref name="text"/>, in order of appearance.</summary>
    public static IEnumerable<string> PlaceholdersIn(string? text) =>
        text is null ? [] : PlaceholderPattern().Matches(text).Select(m => m.Groups[1].Value.Trim());

    /// <summary>The size of <paramref name="text"/> as an SMS carries it (CP949: a Hangul syllable is 2 bytes).</summary>
    public static int SmsBytes(string text) => Cp949.GetByteCount(text);

    /// <summary>Every problem of one script for a channel, keyed by <paramref name="path"/> plus <c>.subject</c> or <c>.body</c>.</summary>
    public static IEnumerable<(string Key, FieldError Error)> Check(string path, CampaignChannelKind channel, string? subject, string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            yield return (path + ".body", new("script.empty", []));
            yield break;
        }
        if (body.Length > CampaignScript.MaxBodyLength)
        {
            yield return (path + ".body", new("script.tooLong", [CampaignErrors.Arg(body.Length, "N0"), CampaignErrors.Arg(CampaignScript.MaxBodyLength, "N0")]));
        }
        foreach (var (part, text) in new[] { ("subject", subject), ("body", body) })
        {
            foreach (var name in PlaceholdersIn(text).Distinct(StringComparer.Ordinal))
            {
                if (!Placeholders.Contains(name, StringComparer.Ordinal))
                {
                    yield return ($"{path}.{part}", new("script.unknownPlaceholder", ["{{" + name + "}}", string.Join(", ", Placeholders)]));
                }
            }
        }
        if (subject is { Length: > MaxSubjectLength })
        {
            yield return (path + ".subject", new("script.subjectTooLong", [CampaignErrors.Arg(subject.Length), CampaignErrors.Arg(MaxSubjectLength)]));
        }
        switch (channel)
        {
            case CampaignChannelKind.Sms:
                var bytes = SmsBytes(body);
                if (bytes > MaxSmsBytes)
                {
                    yield return (path + ".body", new("script.smsTooLong", [CampaignErrors.Arg(bytes, "N0"), CampaignErrors.Arg(MaxSmsBytes, "N0")]));
                }
                if (!body.TrimStart().StartsWith(AdvertisingMark, StringComparison.Ordinal))
                {
                    yield return (path + ".body", new("script.smsNoMark", [AdvertisingMark]));
                }
                break;
            case CampaignChannelKind.Email:
                if (string.IsNullOrWhiteSpace(subject))
                {
                    yield return (path + ".subject", new("script.emailNoSubject", []));
                }
                else if (!subject.TrimStart().StartsWith(AdvertisingMark, StringComparison.Ordinal))
                {
                    yield return (path + ".subject", new("script.emailSubjectNoMark", [AdvertisingMark]));
                }
                if (!PlaceholdersIn(body).Contains(UnsubscribeUrl, StringComparer.Ordinal))
                {
                    yield return (path + ".body", new("script.emailNoOptOut", ["{{" + UnsubscribeUrl + "}}"]));
                }
                break;
        }
    }

    private static Encoding CreateCp949() => Encoding.GetEncoding(949);

    [GeneratedRegex(@"\{\{\s*([^{}]*?)\s*\}\}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex PlaceholderPattern();
}
