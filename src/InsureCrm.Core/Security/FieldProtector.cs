using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace InsureCrm.Core.Security;

/// <summary>
/// Options of the <c>Security:Protection</c> section. Keys never live in the database: they come from
/// configuration (<see cref="Keys"/>, <see cref="HashKey"/>) or from a key file.
/// </summary>
public sealed class ProtectionOptions
{
    public const string Section = "Security:Protection";

    /// <summary>Key id used for new values; older ids stay readable while their keys are listed.</summary>
    public string? ActiveKeyId { get; set; }
    /// <summary>Key id → base64 of a 256-bit AES key.</summary>
    public Dictionary<string, string> Keys { get; set; } = [];
    /// <summary>Base64 of the HMAC-SHA256 key behind exact-match search hashes.</summary>
    public string? HashKey { get; set; }
    /// <summary>
    /// Base64 of the HMAC-SHA256 key of the access log's chain and checkpoints (<see cref="AccessLogKey"/>);
    /// from the key file when not configured here.
    /// </summary>
    public string? AccessLogKey { get; set; }
    /// <summary>JSON file with the same fields, used when <see cref="Keys"/> (or <see cref="AccessLogKey"/>) is not configured.</summary>
    public string KeyFile { get; set; } = "data/keys.json";
    /// <summary>Create the key file with fresh random keys when it is missing (embedded demo only).</summary>
    public bool CreateKeyFileIfMissing { get; set; } = true;
}

/// <summary>
/// Encrypts personal identifiers at rest (AES-256-GCM, the key id stored with each value so keys can
/// rotate) and computes keyed hashes so exact search never needs decryption.
/// </summary>
public sealed class FieldProtector : IDisposable
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly Dictionary<string, byte[]> _keys;
    private readonly string _activeKeyId;
    /// <summary>The active key id's bytes, the associated data of every encryption.</summary>
    private readonly byte[] _activeKeyIdAscii;
    private readonly byte[] _hashKey;
    // AesGcm and HMAC instances are not thread-safe but cost more to set up than to use (bulk imports
    // encrypt millions of values): one per thread and key.
    private readonly ThreadLocal<Dictionary<string, AesGcm>> _ciphers;
    private readonly ThreadLocal<HMACSHA256> _hmac;

    public FieldProtector(ProtectionOptions options)
    {
        if (options.Keys.Count == 0)
        {
            options = LoadOrCreateKeyFile(options);
        }
        _keys = options.Keys.ToDictionary(k => k.Key, k => Convert.FromBase64String(k.Value), StringComparer.Ordinal);
        _activeKeyId = options.ActiveKeyId ?? _keys.Keys.Order(StringComparer.Ordinal).Last();
        if (!_keys.TryGetValue(_activeKeyId, out var active) || active.Length != 32)
        {
            throw new InvalidOperationException($"Security:Protection: the active key '{_activeKeyId}' is missing or not 256 bits.");
        }
        _activeKeyIdAscii = Encoding.ASCII.GetBytes(_activeKeyId);
        _hashKey = Convert.FromBase64String(options.HashKey
            ?? throw new InvalidOperationException("Security:Protection:HashKey is not configured."));
        _ciphers = new(() => new Dictionary<string, AesGcm>(StringComparer.Ordinal), trackAllValues: true);
        _hmac = new(() => new HMACSHA256(_hashKey), trackAllValues: true);
    }

    public string ActiveKeyId => _activeKeyId;

    /// <summary>"&lt;key id&gt;:&lt;base64 of nonce, tag and ciphertext&gt;", built as one string: imports encrypt a field of every row.</summary>
    public string Encrypt(string plaintext)
    {
        var size = Encoding.UTF8.GetByteCount(plaintext);
        var total = size + NonceSize + TagSize + size;
        var bytes = total <= 1024 ? stackalloc byte[total] : new byte[total];
        var output = bytes[size..];
        var data = bytes[..size];
        Encoding.UTF8.GetBytes(plaintext, data);
        // The plaintext, then the stored bytes (nonce, tag, ciphertext): the ciphertext does not overlap its plaintext.
        FillNonce(output[..NonceSize]);
        Cipher(_activeKeyId).Encrypt(output[..NonceSize], data, output[(NonceSize + TagSize)..], output.Slice(NonceSize, TagSize), _activeKeyIdAscii);
        var prefix = _activeKeyId.Length + 1;
        var length = prefix + (output.Length + 2) / 3 * 4;
        var chars = length <= 1024 ? stackalloc char[length] : new char[length];
        _activeKeyId.CopyTo(chars);
        chars[_activeKeyId.Length] = ':';
        Convert.TryToBase64Chars(output, chars[prefix..], out _);
        return new string(chars);
    }

    // Each encryption's nonce: 12 bytes of the system CSPRNG, as before, but drawn from a per-thread block of 4,092
    // (341 nonces) filled in one call. A call for 12 bytes costs about 2 µs, more than the encryption and the hash of a
    // resident registration number together: an import of a million rows spent 2 s of CPU only asking for nonces. Each
    // byte is handed out once; nonces are public (stored beside the ciphertext), so the block needs no clearing.
    [ThreadStatic] private static byte[]? t_nonces;
    [ThreadStatic] private static int t_noncesUsed;

    private static void FillNonce(Span<byte> nonce)
    {
        var block = t_nonces;
        if (block is null || t_noncesUsed + NonceSize > block.Length)
        {
            block = t_nonces ??= new byte[NonceSize * 341];
            RandomNumberGenerator.Fill(block);
            t_noncesUsed = 0;
        }
        block.AsSpan(t_noncesUsed, NonceSize).CopyTo(nonce);
        t_noncesUsed += NonceSize;
    }

    /// <summary>
    /// A check value of each key (<see cref="ProtectionKeyCheck"/>): "field:&lt;id&gt;" per encryption key and "hash" for the
    /// search-hash key, each an HMAC of its own name under the key, which tells keys apart and reveals nothing of them.
    /// </summary>
    internal IEnumerable<(string Name, string Check)> KeyChecks()
    {
        foreach (var (id, key) in _keys)
        {
            yield return ProtectionKeyCheck.Of($"field:{id}", key);
        }
        yield return ProtectionKeyCheck.Of("hash", _hashKey);
    }

    public string Decrypt(string stored)
    {
        var colon = stored.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new CryptographicException("Protected value has no key id.");
        }
        var keyId = stored[..colon];
        if (!_keys.ContainsKey(keyId))
        {
            throw new CryptographicException($"Key '{keyId}' is not configured.");
        }
        var bytes = Convert.FromBase64String(stored[(colon + 1)..]);
        var plain = new byte[bytes.Length - NonceSize - TagSize];
        Cipher(keyId).Decrypt(bytes.AsSpan(0, NonceSize), bytes.AsSpan(NonceSize + TagSize), bytes.AsSpan(NonceSize, TagSize), plain, Encoding.ASCII.GetBytes(keyId));
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>Hex HMAC-SHA256 of an already normalised value (64 characters).</summary>
    public string Hash(string normalised)
    {
        Span<byte> hash = stackalloc byte[32];
        var size = Encoding.UTF8.GetByteCount(normalised);
        var data = size <= 512 ? stackalloc byte[size] : new byte[size];
        Encoding.UTF8.GetBytes(normalised, data);
        _hmac.Value!.TryComputeHash(data, hash, out _);
        return Convert.ToHexStringLower(hash);
    }

    public void Dispose()
    {
        foreach (var ciphers in _ciphers.Values)
        {
            foreach (var cipher in ciphers.Values)
            {
                cipher.Dispose();
            }
        }
        foreach (var hmac in _hmac.Values)
        {
            hmac.Dispose();
        }
        _ciphers.Dispose();
        _hmac.Dispose();
    }

    private AesGcm Cipher(string keyId)
    {
        var ciphers = _ciphers.Value!;
        if (!ciphers.TryGetValue(keyId, out var cipher))
        {
            cipher = new AesGcm(_keys[keyId], TagSize);
            ciphers[keyId] = cipher;
        }
        return cipher;
    }

    private static ProtectionOptions LoadOrCreateKeyFile(ProtectionOptions options)
    {
        var file = ProtectionKeyFile.LoadOrCreate(options);
        return new ProtectionOptions { ActiveKeyId = file.ActiveKeyId, Keys = file.Keys, HashKey = file.HashKey };
    }
}

/// <summary>
/// The key file (<see cref="ProtectionOptions.KeyFile"/>): created with random keys when missing, and a key
/// it lacks (the access-log key, added after the file's first release) is added with a random value, both
/// only where <see cref="ProtectionOptions.CreateKeyFileIfMissing"/> allows it (the embedded demo).
/// </summary>
internal static class ProtectionKeyFile
{
    public sealed record Contents(string ActiveKeyId, Dictionary<string, string> Keys, string HashKey, string? AccessLogKey = null);

    public static Contents LoadOrCreate(ProtectionOptions options)
    {
        var path = Path.GetFullPath(options.KeyFile);
        if (File.Exists(path) && Read(path, options) is { AccessLogKey: not null } complete)
        {
            return complete;
        }
        if (!options.CreateKeyFileIfMissing)
        {
            return File.Exists(path)
                ? Read(path, options)
                : throw new InvalidOperationException($"No encryption keys configured and the key file '{options.KeyFile}' does not exist.");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Two processes (the web host and the CLI) or two services of one process may start on a new or
        // older file at once: one writes under the lock, the other then reads what it wrote.
        using var exclusive = Lock(path);
        var existing = File.Exists(path) ? Read(path, options) : null;
        if (existing is { AccessLogKey: not null })
        {
            return existing;
        }
        var contents = existing is null
            ? new Contents("k1", new() { ["k1"] = RandomKey() }, RandomKey(), RandomKey())
            : existing with { AccessLogKey = RandomKey() };
        // Write beside and rename over: a crash never leaves a half-written key file.
        var temp = path + ".new";
        File.WriteAllText(temp, JsonSerializer.Serialize(contents));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.Move(temp, path, overwrite: true);
        return contents;
    }

    private static Contents Read(string path, ProtectionOptions options) =>
        JsonSerializer.Deserialize<Contents>(File.ReadAllText(path))
        ?? throw new InvalidOperationException($"Key file '{options.KeyFile}' is empty.");

    private static string RandomKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static FileStream Lock(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (attempt < 200)
            {
                Thread.Sleep(25);
            }
        }
    }
}
