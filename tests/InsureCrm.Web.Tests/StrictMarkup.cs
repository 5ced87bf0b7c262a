using System.Text.RegularExpressions;

namespace InsureCrm.Web.Tests;

/// <summary>What the strict CSP requires of a page: no inline script, no inline event handler, no inline style.</summary>
internal static partial class StrictMarkup
{
    public static void ShouldHaveNoInlineScriptOrStyle(string html)
    {
        InlineScript().IsMatch(html).ShouldBeFalse("inline <script>");
        EventHandler().IsMatch(html).ShouldBeFalse("inline event handler");
        html.ShouldNotContain(" style=");
    }

    /// <summary>A <c>script</c> element without <c>src</c>.</summary>
    [GeneratedRegex("<script(?![^>]*\\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    public static partial Regex InlineScript();

    [GeneratedRegex("\\son[a-z]+\\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandler();
}
