using System.Net;
using System.Text;

namespace InsureCrm.Core.Voc.Mail;

/// <summary>
/// The text a person reads in an HTML mail: tags dropped, the contents of script, style, head, title, noscript
/// and template elements and comments removed, source line breaks as spaces (as a browser shows them), each
/// block boundary and &lt;br&gt; as a line break, entities decoded, runs of spaces collapsed. A single forward
/// scan (no regular expressions), so 1 MB of HTML costs linear time.
/// The result is text to be stored and shown escaped; markup written as entities (&amp;lt;script&amp;gt;)
/// comes out as the characters, which is what the sender typed.
/// </summary>
internal static class HtmlText
{
    private static readonly HashSet<string> Hidden = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "head", "title", "noscript", "template", "object", "svg",
    };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "br", "p", "div", "tr", "li", "ul", "ol", "table", "blockquote", "pre", "hr", "section", "article",
        "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "address",
    };

    public static string ToText(string html)
    {
        var raw = new StringBuilder(html.Length);
        var i = 0;
        while (i < html.Length)
        {
            var lt = html.IndexOf('<', i);
            if (lt < 0)
            {
                AppendText(raw, html.AsSpan(i));
                break;
            }
            AppendText(raw, html.AsSpan(i, lt - i));
            if (string.CompareOrdinal(html, lt, "<!--", 0, 4) == 0)
            {
                var close = html.IndexOf("-->", lt + 4, StringComparison.Ordinal);
                i = close < 0 ? html.Length : close + 3;
                continue;
            }
            var (name, closing, end) = ReadTag(html, lt);
            if (name.Length == 0)
            {
                // A '<' that starts no tag ("a < b") is text.
                raw.Append('<');
                i = lt + 1;
                continue;
            }
            i = end;
            if (!closing && Hidden.Contains(name))
            {
                var close = IndexOfClosing(html, name, i);
                i = close < 0 ? html.Length : ReadTag(html, close).End;
                continue;
            }
            if (name == "br")
            {
                raw.Append('\n');
            }
            else if (Blocks.Contains(name) && !EndsWithBreak(raw))
            {
                raw.Append('\n');
            }
            else if (closing && name is "td" or "th")
            {
                raw.Append(' ');
            }
        }
        return Tidy(WebUtility.HtmlDecode(raw.ToString()));
    }

    /// <summary>Text between tags: line breaks in the source are white space in HTML, as spaces are.</summary>
    private static void AppendText(StringBuilder raw, ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            raw.Append(c is '\r' or '\n' or '\t' ? ' ' : c);
        }
    }

    /// <summary>Whether the text so far ends a line (or is empty), spaces aside: one block boundary makes one line break, not several.</summary>
    private static bool EndsWithBreak(StringBuilder raw)
    {
        for (var k = raw.Length - 1; k >= 0; k--)
        {
            if (raw[k] != ' ')
            {
                return raw[k] == '\n';
            }
        }
        return true;
    }

    /// <summary>The tag at <paramref name="lt"/>: its lower-case name (empty when this is no tag), whether it closes, and the index after its '&gt;'.</summary>
    private static (string Name, bool Closing, int End) ReadTag(string html, int lt)
    {
        var p = lt + 1;
        var closing = p < html.Length && html[p] == '/';
        if (closing)
        {
            p++;
        }
        var start = p;
        while (p < html.Length && (char.IsAsciiLetterOrDigit(html[p]) || html[p] is '-' or ':'))
        {
            p++;
        }
        if (p == start || (!char.IsAsciiLetter(html[start]) && html[start] != '!'))
        {
            if (p < html.Length && html[p] == '!')
            {
                // <!DOCTYPE ...>
                var gt = html.IndexOf('>', p);
                return ("!", false, gt < 0 ? html.Length : gt + 1);
            }
            return ("", false, lt + 1);
        }
        var name = html[start..p].ToLowerInvariant();
        // Skip attributes up to the '>' that ends the tag, stepping over quoted values (which may hold '>').
        char quote = '\0';
        while (p < html.Length)
        {
            var c = html[p];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '>')
            {
                return (name, closing, p + 1);
            }
            p++;
        }
        return (name, closing, html.Length);
    }

    private static int IndexOfClosing(string html, string name, int from)
    {
        var needle = "</" + name;
        var at = from;
        while (true)
        {
            var k = html.IndexOf(needle, at, StringComparison.OrdinalIgnoreCase);
            if (k < 0)
            {
                return -1;
            }
            var after = k + needle.Length;
            if (after >= html.Length || !char.IsAsciiLetterOrDigit(html[after]))
            {
                return k;
            }
            at = after;
        }
    }

    /// <summary>Spaces and tabs collapsed within lines, lines trimmed, at most one blank line in a row.</summary>
    private static string Tidy(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Replace('\u00A0', ' ').Split('\n');
        var result = new StringBuilder(text.Length);
        var blank = 0;
        foreach (var line in lines)
        {
            var collapsed = Collapse(line);
            if (collapsed.Length == 0)
            {
                blank++;
                continue;
            }
            if (result.Length > 0)
            {
                result.Append(blank > 0 ? "\n\n" : "\n");
            }
            result.Append(collapsed);
            blank = 0;
        }
        return result.ToString();
    }

    private static string Collapse(string line)
    {
        var sb = new StringBuilder(line.Length);
        var space = false;
        foreach (var c in line)
        {
            if (c is ' ' or '\t' or '\f' or '\v')
            {
                space = sb.Length > 0;
                continue;
            }
            if (space)
            {
                sb.Append(' ');
                space = false;
            }
            sb.Append(c);
        }
        return sb.ToString();
    }
}
