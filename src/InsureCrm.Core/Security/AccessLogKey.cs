using System.Security.Cryptography;
using System.Text;

namespace InsureCrm.Core.Security;

/// <summary>
/// The HMAC-SHA256 key of the access log: each entry's hash, each purge anchor, the switch-over seal and
/// each head checkpoint are keyed with it, so someone who can write the database but not read the key
/// cannot recompute the chain after editing, inserting or removing entries. Like the field-protection
/// keys it never lives in the database: <c>Security:Protection:AccessLogKey</c>, or <c>AccessLogKey</c>
/// in the key file (added with a random value to the embedded demo's file).
/// </summary>
public sealed class AccessLogKey
{
    private readonly byte[] _key;

    public AccessLogKey(byte[] key, string checkpointFile)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 32)
        {
            throw new InvalidOperationException("Security:Protection:AccessLogKey must be at least 256 bits (base64 of 32 bytes).");
        }
        _key = key;
        CheckpointFile = checkpointFile;
    }

    /// <summary>
    /// Where the signed head checkpoint is kept unless <see cref="AccessLogOptions.CheckpointFile"/> says
    /// otherwise: beside the key file, named after it (<c>data/keys.access-log-head.json</c>).
    /// </summary>
    public string CheckpointFile { get; }

    public static AccessLogKey From(ProtectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var checkpoint = Path.ChangeExtension(Path.GetFullPath(options.KeyFile), ".access-log-head.json");
        var configured = options.AccessLogKey;
        if (string.IsNullOrEmpty(configured))
        {
            if (options.Keys.Count > 0 && !File.Exists(Path.GetFullPath(options.KeyFile)))
            {
                throw new InvalidOperationException("Security:Protection:AccessLogKey is not configured (base64 of a random 256-bit key, e.g. openssl rand -base64 32).");
            }
            configured = ProtectionKeyFile.LoadOrCreate(options).AccessLogKey
                ?? throw new InvalidOperationException($"The key file '{options.KeyFile}' has no AccessLogKey and Security:Protection:CreateKeyFileIfMissing is false: add one (openssl rand -base64 32) or set Security:Protection:AccessLogKey.");
        }
        return new AccessLogKey(Convert.FromBase64String(configured), checkpoint);
    }

    /// <summary>The key's check value for <see cref="ProtectionKeyCheck"/>.</summary>
    internal (string Name, string Check) KeyCheck() => ProtectionKeyCheck.Of("access-log", _key);

    /// <summary>Hex HMAC-SHA256 of <paramref name="text"/> (64 characters).</summary>
    public string Mac(string text) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(text)));

    /// <summary>Compares a stored MAC with the expected one in constant time.</summary>
    public static bool Same(string? stored, string expected) =>
        stored is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(expected));
}
