namespace InsureCrm.Web.Security;

/// <summary>
/// The one check of a return URL that a request names (the login form, the language switch): a path on this site,
/// nothing a browser could read as another host. Every endpoint and page that takes one goes through it.
/// </summary>
internal static class ReturnUrl
{
    /// <summary>The longest return URL kept; a longer one is not a page of ours.</summary>
    public const int MaxLength = 2048;

    /// <summary>
    /// True for a local path: starts with one '/', not "//" or "/\" (protocol-relative, another host), and no control
    /// character anywhere (browsers drop tabs and newlines, so "/\t/evil.example" would become "//evil.example").
    /// </summary>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.Length <= MaxLength && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl);

    /// <summary><paramref name="url"/> when <see cref="IsLocal"/>, else <paramref name="fallback"/>.</summary>
    public static string LocalOr(string? url, string fallback = "/") => IsLocal(url) ? url! : fallback;
}
