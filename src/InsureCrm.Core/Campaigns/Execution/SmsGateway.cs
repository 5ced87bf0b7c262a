using System.Net.Http.Json;
using System.Text;

namespace InsureCrm.Core.Campaigns.Execution;

/// <summary>What kind of Korean text message a body makes, by its length in CP949 bytes.</summary>
internal enum SmsKind { Sms, Lms, TooLong }

/// <summary>The Korean 90-byte SMS / 2,000-byte LMS rule, counted in CP949 (Hangul 2 bytes, ASCII 1).</summary>
internal static class SmsLength
{
    public const int SmsBytes = 90;
    public const int LmsBytes = 2000;
    public const int LmsSubjectBytes = 40;

    private static readonly Encoding Cp949 = CreateCp949();

    public static int Bytes(string text) => Cp949.GetByteCount(text);

    public static SmsKind Classify(string text) => Bytes(text) switch
    {
        <= SmsBytes => SmsKind.Sms,
        <= LmsBytes => SmsKind.Lms,
        _ => SmsKind.TooLong,
    };

    private static Encoding CreateCp949() => Encoding.GetEncoding(949);
}

/// <summary>One text message for the gateway; <see cref="ClientRef"/> is the contact's idempotency key, so the gateway can de-duplicate a re-send.</summary>
internal sealed record OutgoingSms(string To, string Text, string? Subject, string ClientRef);

/// <summary>A gateway that takes text messages; throws when it did not confirm taking one.</summary>
internal interface ISmsGateway
{
    /// <summary>Sends one message and returns the gateway's reference (the client reference when it gives none).</summary>
    Task<string> SendAsync(OutgoingSms message, CancellationToken ct = default);
}

/// <summary>
/// The HTTP adapter (<c>Campaigns:Sms</c>): one POST of JSON <c>{to, from, type, subject?, text, clientRef}</c> per
/// message with the API key as a bearer token; never retried by itself once the request went out (at most once).
/// </summary>
internal sealed class HttpSmsGateway(HttpClient http, SmsOptions options) : ISmsGateway
{
    public async Task<string> SendAsync(OutgoingSms message, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrWhiteSpace(options.Url))
        {
            throw new InvalidOperationException("Campaigns:Sms:Url is not set: there is no SMS gateway.");
        }
        var kind = SmsLength.Classify(message.Text);
        if (kind == SmsKind.TooLong)
        {
            throw new ArgumentException($"The message is {SmsLength.Bytes(message.Text)} bytes in CP949; an LMS holds at most {SmsLength.LmsBytes}.", nameof(message));
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Url)
        {
            Content = JsonContent.Create(new
            {
                to = message.To, from = options.Sender ?? "", type = kind == SmsKind.Sms ? "SMS" : "LMS",
                subject = kind == SmsKind.Lms ? message.Subject : null, text = message.Text, clientRef = message.ClientRef,
            }),
        };
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            request.Headers.Authorization = new("Bearer", options.ApiKey);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        using var response = await http.SendAsync(request, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The SMS gateway answered {(int)response.StatusCode}.", null, response.StatusCode);
        }
        return message.ClientRef;
    }
}

/// <summary>The marks a marketing text message must carry (정보통신망법 §50).</summary>
internal static class SmsAdvertising
{
    public const string Mark = "(광고)";

    /// <summary>
    /// <paramref name="text"/> beginning with <c>(광고)</c> and ending with the free opt-out number, each added only where
    /// the script does not already carry it (scripts are checked for the mark at save; the number may be a placeholder).
    /// </summary>
    public static string Apply(string text, string language, string optOutNumber)
    {
        var result = text.Trim();
        if (!result.StartsWith(Mark, StringComparison.Ordinal))
        {
            result = Mark + " " + result;
        }
        if (!result.EndsWith(optOutNumber, StringComparison.Ordinal))
        {
            var label = language switch
            {
                ScriptLanguage.English => "Opt out free",
                ScriptLanguage.TraditionalChinese => "免費拒收",
                _ => "무료수신거부",
            };
            result += "\n" + label + " " + optOutNumber;
        }
        return result;
    }

    /// <summary>The LMS subject cut to <see cref="SmsLength.LmsSubjectBytes"/> CP949 bytes, never in the middle of a character.</summary>
    public static string Subject(string subject)
    {
        var s = subject.Trim();
        while (s.Length > 0 && SmsLength.Bytes(s) > SmsLength.LmsSubjectBytes)
        {
            s = s[..^(s.Length > 1 && char.IsLowSurrogate(s[^1]) ? 2 : 1)];
        }
        return s;
    }
}
