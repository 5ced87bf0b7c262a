using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using InsureCrm.Core.Campaigns.Planning;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;

namespace InsureCrm.Core.Campaigns.Execution;

/// <summary>The values a script may name, by placeholder; nothing else is ever substituted.</summary>
internal sealed record TemplateValues(
    string Name, string AgentName, string BranchName, string OfferName, string CampaignCode, string UnsubscribeUrl,
    string AgentPhone = "", string CampaignName = "", string OptOutNumber = "");

/// <summary>Campaign templates: the whitelist of placeholders, the language of a customer and rendering as text or HTML.</summary>
internal static partial class CampaignTemplates
{
    /// <summary>The names plan validation allows (<see cref="ScriptTemplate.Placeholders"/>), and <c>campaign_code</c>, which earlier scripts use.</summary>
    public static readonly IReadOnlyList<string> Placeholders = [.. ScriptTemplate.Placeholders, "campaign_code"];

    [GeneratedRegex(@"\{\{\s*([A-Za-z_]+)\s*\}\}")]
    private static partial Regex Placeholder();

    /// <summary>The placeholders of <paramref name="template"/> that are not on the whitelist (e.g. <c>agnet_name</c>).</summary>
    public static IReadOnlyList<string> Unknown(string template) =>
        [.. Placeholder().Matches(template).Select(m => m.Groups[1].Value).Where(p => !Placeholders.Contains(p)).Distinct()];

    /// <summary>The customer's language from the script of their name: Hanzi → zh-TW, Latin → en, else ko.</summary>
    public static string LanguageOf(NameScript script) => script switch
    {
        NameScript.Hanzi => ScriptLanguage.TraditionalChinese,
        NameScript.Latin => ScriptLanguage.English,
        _ => ScriptLanguage.Korean,
    };

    /// <summary>Plain text: values as they are.</summary>
    public static string RenderText(string template, TemplateValues values) => Render(template, values, html: false);

    /// <summary>HTML: the template's text and every value HTML-encoded, line breaks as &lt;br&gt;.</summary>
    public static string RenderHtml(string template, TemplateValues values)
    {
        var parts = new StringBuilder("<!DOCTYPE html><html><body><p>");
        parts.Append(Render(template, values, html: true).Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "<br>", StringComparison.Ordinal));
        return parts.Append("</p></body></html>").ToString();
    }

    private static string Render(string template, TemplateValues values, bool html)
    {
        var result = new StringBuilder();
        var last = 0;
        foreach (Match m in Placeholder().Matches(template))
        {
            result.Append(Encode(template[last..m.Index], html));
            var value = m.Groups[1].Value switch
            {
                "name" => values.Name,
                "agent_name" => values.AgentName,
                "branch_name" => values.BranchName,
                "offer_name" => values.OfferName,
                "campaign_code" => values.CampaignCode,
                "unsubscribe_url" => values.UnsubscribeUrl,
                "agent_phone" => values.AgentPhone,
                "campaign_name" => values.CampaignName,
                "opt_out_number" => values.OptOutNumber,
                _ => m.Value,
            };
            result.Append(Encode(value, html));
            last = m.Index + m.Length;
        }
        return result.Append(Encode(template[last..], html)).ToString();
    }

    private static string Encode(string text, bool html) => html ? WebUtility.HtmlEncode(text) : text;
}

/// <summary>
/// The unsubscribe token of a contact: <c>base64url(contact id) "." base64url(HMAC-SHA256(hash key, "unsub:" + id))[..16]</c>,
/// so a link names its contact and cannot be forged for another one.
/// </summary>
internal static class UnsubscribeToken
{
    public static string Create(FieldProtector protector, long contactId)
    {
        var id = Base64Url(Encoding.ASCII.GetBytes(contactId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return id + "." + Signature(protector, contactId);
    }

    /// <summary>The contact id of a genuine token; null for a forged or malformed one.</summary>
    public static long? Read(FieldProtector protector, string? token)
    {
        if (token is null || token.Length > 64 || token.Split('.') is not [var idPart, var signature])
        {
            return null;
        }
        try
        {
            var text = Encoding.ASCII.GetString(FromBase64Url(idPart));
            if (!long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                return null;
            }
            var expected = Encoding.ASCII.GetBytes(Signature(protector, id));
            return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature)) ? id : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Signature(FieldProtector protector, long contactId) =>
        Base64Url(Convert.FromHexString(protector.Hash("unsub:" + contactId.ToString(System.Globalization.CultureInfo.InvariantCulture))))[..16];

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}
