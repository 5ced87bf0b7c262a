namespace InsureCrm.Core.Voc.Intake;

/// <summary>
/// The public VOC form's anti-abuse rule (configuration section <c>Voc:PublicForm</c>), CAPTCHA-free: a rate
/// limit per client, a time trap in a signed form token, a honeypot field and a duplicate-text refusal.
/// <see cref="Key"/> signs the form tokens and keys the client hashes; it comes from configuration like every
/// secret (environment variable <c>Voc__PublicForm__Key</c>), at least 32 bytes in base64, or is left empty.
/// </summary>
public sealed class PublicFormGuardOptions
{
    public const string Section = "Voc:PublicForm";

    /// <summary>Submissions one client may make within <see cref="ShortWindow"/>.</summary>
    public int ShortWindowLimit { get; set; } = 5;
    public TimeSpan ShortWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Submissions one client may make within 24 hours.</summary>
    public int DailyLimit { get; set; } = 20;

    /// <summary>A person takes longer than this to read the form and write a complaint; a script does not.</summary>
    public TimeSpan MinimumFillTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a served form stays valid.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>The same text (whitespace and case aside) submitted again within this window is refused.</summary>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The name of the hidden field people never fill in (the page hides it from sight and from screen readers).</summary>
    public string HoneypotField { get; set; } = "website";

    /// <summary>
    /// Base64 of at least 32 random bytes. Empty: a random key for the life of the process, enough for one web
    /// server (forms served before a restart then ask to be reloaded); several servers behind a balancer need one
    /// configured key.
    /// </summary>
    public string? Key { get; set; }

    public IEnumerable<string> Validate()
    {
        if (ShortWindowLimit < 1 || DailyLimit < ShortWindowLimit)
        {
            yield return "Voc:PublicForm:ShortWindowLimit must be at least 1 and Voc:PublicForm:DailyLimit at least as large.";
        }
        if (ShortWindow <= TimeSpan.Zero || ShortWindow > TimeSpan.FromDays(1))
        {
            yield return "Voc:PublicForm:ShortWindow must be between a second and a day.";
        }
        if (MinimumFillTime < TimeSpan.Zero || TokenLifetime <= MinimumFillTime)
        {
            yield return "Voc:PublicForm:TokenLifetime must be longer than Voc:PublicForm:MinimumFillTime.";
        }
        if (DuplicateWindow < TimeSpan.Zero)
        {
            yield return "Voc:PublicForm:DuplicateWindow must not be negative.";
        }
        if (string.IsNullOrWhiteSpace(HoneypotField))
        {
            yield return "Voc:PublicForm:HoneypotField must name a form field.";
        }
        if (!string.IsNullOrWhiteSpace(Key) && KeyBytes() is not { Length: >= 32 })
        {
            yield return "Voc:PublicForm:Key must be base64 of at least 32 random bytes (set it from an environment variable or user secrets), or be left empty.";
        }
    }

    /// <summary>The configured key's bytes; null when none is configured or it is not base64.</summary>
    internal byte[]? KeyBytes()
    {
        if (string.IsNullOrWhiteSpace(Key))
        {
            return null;
        }
        try
        {
            return Convert.FromBase64String(Key);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
