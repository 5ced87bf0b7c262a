namespace InsureCrm.Web.Security;

/// <summary>
/// A browser's User-Agent header as people name it, for the sessions page: "Chrome 131 · Windows", "Safari 17 · iPhone",
/// "Whale 3 · Android". The page shows the whole header on hover. A header naming neither a known browser nor a known system
/// is shown as it came, cut at 40 characters.
/// </summary>
internal static class BrowserName
{
    // Most specific first: Edge, Whale, Samsung Internet and Opera also say Chrome and Safari; Chrome also says Safari;
    // Chrome on an iPhone says CriOS.
    private static readonly (string Token, string Name)[] Browsers =
    [
        ("Edg/", "Edge"), ("EdgA/", "Edge"), ("EdgiOS/", "Edge"), ("Whale/", "Whale"), ("SamsungBrowser/", "Samsung Internet"),
        ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("FxiOS/", "Firefox"), ("HeadlessChrome/", "Headless Chrome"),
        ("CriOS/", "Chrome"), ("Chrome/", "Chrome"), ("Version/", "Safari"),
    ];

    // iPhone and iPad before macOS (their headers say "like Mac OS X"), Android and ChromeOS before Linux.
    private static readonly (string Token, string Name)[] Systems =
    [
        ("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("CrOS", "ChromeOS"), ("Windows", "Windows"),
        ("Mac OS X", "macOS"), ("Linux", "Linux"),
    ];

    public static string Describe(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return "";
        }
        var browser = Browser(userAgent);
        var system = Systems.FirstOrDefault(s => userAgent.Contains(s.Token, StringComparison.Ordinal)).Name;
        return (browser, system) switch
        {
            (null, null) => userAgent.Length <= 40 ? userAgent : userAgent[..40] + "…",
            (null, _) => system,
            (_, null) => browser,
            _ => $"{browser} · {system}",
        };
    }

    private static string? Browser(string userAgent)
    {
        foreach (var (token, name) in Browsers)
        {
            var at = userAgent.IndexOf(token, StringComparison.Ordinal);
            if (at < 0 || (token == "Version/" && !userAgent.Contains("Safari/", StringComparison.Ordinal)))
            {
                continue;
            }
            var digits = userAgent.AsSpan(at + token.Length);
            var end = 0;
            while (end < digits.Length && char.IsAsciiDigit(digits[end]))
            {
                end++;
            }
            // The digits as sent: a header is the client's to write, and a number too long for an int must not break the page.
            return end == 0 ? name : name + " " + digits[..Math.Min(end, 6)].ToString();
        }
        return null;
    }
}
