using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace InsureCrm.Core.Voc.Intake;

/// <summary>Why the public form refused a submission; <see cref="None"/> when it accepted it.</summary>
public enum PublicFormRefusal
{
    None,
    /// <summary>The hidden field was filled in: a bot. The page shows the usual thanks and stores nothing.</summary>
    Honeypot,
    /// <summary>No form token: the form was not served by us (a script posting directly).</summary>
    TokenMissing,
    /// <summary>A token we did not sign, or one altered.</summary>
    TokenInvalid,
    /// <summary>The form was served longer ago than the token's lifetime: reload it.</summary>
    TokenExpired,
    /// <summary>Sent sooner after the form was served than a person can write: a script.</summary>
    TooFast,
    /// <summary>This served form was already submitted once.</summary>
    TokenReused,
    /// <summary>Too many submissions from this client in the short window.</summary>
    RateLimited,
    /// <summary>Too many submissions from this client today.</summary>
    DailyLimit,
    /// <summary>The same text was submitted recently.</summary>
    DuplicateText,
}

/// <summary>One submission of the public form as the guard sees it: where from, the token served with the form, the honeypot field and the text.</summary>
internal sealed record PublicFormSubmission(IPAddress? ClientAddress, string? Token, string? Honeypot, string? Text);

/// <summary>The guard's answer. <see cref="RetryAfter"/>: when trying again can succeed (too fast, rate limits).</summary>
internal sealed record PublicFormVerdict(PublicFormRefusal Refusal, TimeSpan? RetryAfter = null)
{
    public static readonly PublicFormVerdict Accept = new(PublicFormRefusal.None);

    public bool Accepted => Refusal == PublicFormRefusal.None;

    /// <summary>Show the bot the usual thanks, so that it learns nothing; store nothing.</summary>
    public bool PretendAccepted => Refusal == PublicFormRefusal.Honeypot;
}

/// <summary>
/// The public VOC form's CAPTCHA-free anti-abuse rule. The page asks <see cref="IssueToken"/> for a signed token
/// when it serves the form (it puts it in a hidden field with the empty honeypot field), and asks
/// <see cref="CheckAsync"/> when the form comes back. In order: every submission counts against its client
/// (an HMAC of the IP address, IPv6 by its /64 network, so the store never holds an address); a filled honeypot
/// is refused; the token must be ours, unaltered, younger than its lifetime and older than the minimum fill
/// time; the client must be within both rate limits; the token must not have been used; and the same text
/// (whitespace and case aside) must not have come within the duplicate window. Empty or oversized text is the
/// intake's business, not this guard's. Pure logic on <see cref="TimeProvider"/> and <see cref="IPublicFormStore"/>.
/// </summary>
internal sealed class PublicFormGuard
{
    private const byte Version = 1;
    private const int NonceBytes = 16;
    private const int MacBytes = 16;
    private const int TokenBytes = 1 + 8 + NonceBytes + MacBytes;

    private readonly PublicFormGuardOptions _options;
    private readonly IPublicFormStore _store;
    private readonly TimeProvider _clock;
    private readonly byte[] _key;

    public PublicFormGuard(PublicFormGuardOptions options, IPublicFormStore store, TimeProvider clock)
    {
        _options = options;
        _store = store;
        _clock = clock;
        _key = string.IsNullOrWhiteSpace(options.Key) ? RandomNumberGenerator.GetBytes(32)
            : options.KeyBytes() is { Length: >= 32 } key ? key
            : throw new InvalidOperationException("Voc:PublicForm:Key must be base64 of at least 32 random bytes, or be left empty.");
    }

    /// <summary>The hidden field's name that people leave empty.</summary>
    public string HoneypotField => _options.HoneypotField;

    /// <summary>A token for a form served now: version, time served, a random nonce and an HMAC of those, in base64url.</summary>
    public string IssueToken()
    {
        Span<byte> token = stackalloc byte[TokenBytes];
        token[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(token[1..9], _clock.GetUtcNow().ToUnixTimeMilliseconds());
        RandomNumberGenerator.Fill(token.Slice(9, NonceBytes));
        Mac(token[..^MacBytes], token[^MacBytes..]);
        return Base64Url.EncodeToString(token);
    }

    public async Task<PublicFormVerdict> CheckAsync(PublicFormSubmission submission, CancellationToken ct = default)
    {
        var now = _clock.GetUtcNow();
        var (sinceShort, sinceDay) = await _store.RecordAttemptAsync(ClientKey(submission.ClientAddress), now, now - _options.ShortWindow, now.AddDays(-1), ct);

        if (!string.IsNullOrEmpty(submission.Honeypot))
        {
            return new(PublicFormRefusal.Honeypot);
        }

        if (string.IsNullOrWhiteSpace(submission.Token))
        {
            return new(PublicFormRefusal.TokenMissing);
        }
        if (!TryRead(submission.Token, out var served, out var nonce))
        {
            return new(PublicFormRefusal.TokenInvalid);
        }
        var age = now - served;
        if (age > _options.TokenLifetime)
        {
            return new(PublicFormRefusal.TokenExpired);
        }
        if (age < _options.MinimumFillTime)
        {
            // A clock skew cannot make a token from the future: we wrote the time ourselves.
            return new(PublicFormRefusal.TooFast, _options.MinimumFillTime - age);
        }

        if (sinceShort > _options.ShortWindowLimit)
        {
            return new(PublicFormRefusal.RateLimited, _options.ShortWindow);
        }
        if (sinceDay > _options.DailyLimit)
        {
            return new(PublicFormRefusal.DailyLimit, TimeSpan.FromDays(1));
        }

        if (!await _store.ClaimTokenAsync(nonce, served + _options.TokenLifetime, ct))
        {
            return new(PublicFormRefusal.TokenReused);
        }

        if (_options.DuplicateWindow > TimeSpan.Zero && Normalise(submission.Text) is { Length: > 0 } text
            && !await _store.ClaimTextAsync(Hash("text:" + text), now, now - _options.DuplicateWindow, ct))
        {
            return new(PublicFormRefusal.DuplicateText);
        }
        return PublicFormVerdict.Accept;
    }

    /// <summary>
    /// The client's key: an HMAC of its address (an IPv4-mapped IPv6 address as IPv4; IPv6 by its /64 network,
    /// which one household or phone holds whole). No address, one shared key: such requests share one limit.
    /// </summary>
    internal string ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return Hash("ip:unknown");
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            address = new IPAddress(bytes);
        }
        return Hash("ip:" + address.ToString());
    }

    private bool TryRead(string token, out DateTimeOffset served, out string nonce)
    {
        served = default;
        nonce = "";
        Span<byte> bytes = stackalloc byte[TokenBytes + 3];
        // TryDecodeFromChars throws on characters outside the alphabet: whatever a client sends is checked first.
        if (token.Length > 64 || !Base64Url.IsValid(token, out var length) || length != TokenBytes
            || !Base64Url.TryDecodeFromChars(token, bytes, out var written) || written != TokenBytes || bytes[0] != Version)
        {
            return false;
        }
        Span<byte> mac = stackalloc byte[MacBytes];
        Mac(bytes[..(TokenBytes - MacBytes)], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, bytes.Slice(TokenBytes - MacBytes, MacBytes)))
        {
            return false;
        }
        served = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(bytes[1..9]));
        nonce = Convert.ToHexString(bytes.Slice(9, NonceBytes));
        return true;
    }

    private void Mac(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        Span<byte> full = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, data, full);
        full[..destination.Length].CopyTo(destination);
    }

    private string Hash(string value)
    {
        Span<byte> full = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(value), full);
        return Convert.ToHexString(full[..16]);
    }

    /// <summary>The text as compared for duplicates: trimmed, lower-case, every run of white space one space.</summary>
    internal static string Normalise(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }
        var sb = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }
            if (space)
            {
                sb.Append(' ');
                space = false;
            }
            sb.Append(char.ToLower(c, CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
