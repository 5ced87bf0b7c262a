using System.Globalization;
using System.Text.Json;

namespace InsureCrm.Web.Localization;

/// <summary>
/// Every UI string of the three languages: the shared words in Resources/Strings.{ko,en,zh-TW}.json and a feature's
/// own words in its folder's Strings.{ko,en,zh-TW}.json, all embedded and merged per language. Enum values are keys too (<c>ContractStatus.InForce</c>), so statuses and roles are translated.
/// Korean is the default and the fallback.
/// </summary>
internal sealed class Text
{
    public const string DefaultCulture = "ko-KR";
    public static readonly string[] Cultures = ["ko-KR", "en-US", "zh-TW"];

    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _byCulture;

    public Text()
    {
        _byCulture = new(StringComparer.OrdinalIgnoreCase)
        {
            ["ko-KR"] = Load("ko"),
            ["en-US"] = Load("en"),
            ["zh-TW"] = Load("zh-TW"),
        };
    }

    /// <summary>The strings of one culture (for the completeness test).</summary>
    public IReadOnlyDictionary<string, string> For(string culture) => _byCulture[culture];

    public string this[string key] => Lookup(key);

    public string Format(string key, params object?[] args) => string.Format(CultureInfo.CurrentCulture, Lookup(key), args);

    public string Enum<TEnum>(TEnum value) where TEnum : struct, System.Enum =>
        Lookup(typeof(TEnum).Name + "." + value.ToString());

    public string Enum<TEnum>(TEnum? value) where TEnum : struct, System.Enum =>
        value is { } v ? Enum(v) : "—";

    /// <summary>A [Flags] value as its translated parts, comma-separated.</summary>
    public string Flags<TEnum>(TEnum value) where TEnum : struct, System.Enum =>
        string.Join(", ", System.Enum.GetValues<TEnum>()
            .Where(f => Convert.ToInt64(f, CultureInfo.InvariantCulture) != 0 && value.HasFlag(f))
            .Select(Enum));

    /// <summary>Whether a key exists (for labels that come from data and are translated when known).</summary>
    public bool Has(string key) => _byCulture[DefaultCulture].ContainsKey(key);

    private string Lookup(string key)
    {
        var culture = CultureInfo.CurrentUICulture.Name;
        if (_byCulture.TryGetValue(culture, out var strings) && strings.TryGetValue(key, out var s))
        {
            return s;
        }
        return _byCulture[DefaultCulture].TryGetValue(key, out var fallback) ? fallback : key;
    }

    /// <summary>
    /// The shared file (<c>Resources/Strings.{language}.json</c>) merged with each feature's own (<c>Worklists/Strings.{language}.json</c>);
    /// a key that two files define is a mistake that would make one of them silently win, so it stops the start.
    /// </summary>
    private static Dictionary<string, string> Load(string language)
    {
        var suffix = $".{language}.json";
        var names = typeof(Text).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("Strings/", StringComparison.Ordinal) && n.EndsWith(suffix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
        if (!names.Contains($"Strings/Resources/Strings{suffix}"))
        {
            throw new InvalidOperationException($"Missing embedded resource Resources/Strings{suffix}.");
        }
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            using var stream = typeof(Text).Assembly.GetManifestResourceStream(name)!;
            var strings = JsonSerializer.Deserialize<Dictionary<string, string>>(stream)
                ?? throw new InvalidOperationException($"{name} is empty.");
            foreach (var (key, value) in strings)
            {
                if (!merged.TryAdd(key, value))
                {
                    throw new InvalidOperationException($"The string key '{key}' is defined twice; {name} repeats it.");
                }
            }
        }
        return merged;
    }
}
