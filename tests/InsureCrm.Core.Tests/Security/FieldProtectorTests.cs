using System.Security.Cryptography;
using InsureCrm.Core.Security;

namespace InsureCrm.Core.Tests.Security;

public sealed class FieldProtectorTests
{
    private static ProtectionOptions Options(params string[] keyIds) => new()
    {
        ActiveKeyId = keyIds[^1],
        Keys = keyIds.ToDictionary(k => k, k => Convert.ToBase64String(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(k)))),
        HashKey = Convert.ToBase64String(new byte[32]),
    };

    [Fact]
    public void Encrypt_ThenDecrypt_ReturnsPlaintextAndHidesIt()
    {
        var protector = new FieldProtector(Options("k1"));
        var stored = protector.Encrypt("9001011234567");

        stored.ShouldStartWith("k1:");
        stored.ShouldNotContain("9001011234567");
        protector.Decrypt(stored).ShouldBe("9001011234567");
        protector.Encrypt("9001011234567").ShouldNotBe(stored, "a fresh nonce each time");
    }

    [Fact]
    public void Encrypt_ManyValuesOnSeveralThreads_NeverRepeatsANonce()
    {
        // Nonces come from per-thread blocks of random bytes (341 a block): across many blocks and threads, and across
        // two protectors, no nonce may be handed out twice, or AES-GCM would leak the XOR of two plaintexts.
        using var first = new FieldProtector(Options("k1"));
        using var second = new FieldProtector(Options("k1"));
        var nonces = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 8_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var stored = (i % 2 == 0 ? first : second).Encrypt("9001011234567");
            nonces.Add(Convert.ToHexString(Convert.FromBase64String(stored["k1:".Length..]).AsSpan(0, 12)));
        });

        nonces.Count.ShouldBe(8_000);
        nonces.Distinct().Count().ShouldBe(8_000);
    }

    [Theory]
    [InlineData("홍길동 서울특별시 강남구")]
    [InlineData(null)]
    public void EncryptAndHash_ShortHangulAndLongValues_RoundTripAndHashAsHmac(string? text)
    {
        // Short values are worked on the stack and long ones (an address, a note) on the heap: both must come back.
        text ??= string.Concat(Enumerable.Repeat("가나다라마바사 ", 200));
        using var protector = new FieldProtector(Options("k1"));

        protector.Decrypt(protector.Encrypt(text)).ShouldBe(text);
        protector.Hash(text).ShouldBe(Convert.ToHexStringLower(HMACSHA256.HashData(new byte[32], System.Text.Encoding.UTF8.GetBytes(text))));
    }

    [Fact]
    public void Decrypt_AfterRotation_ReadsOldKeyAndWritesNewKey()
    {
        var old = new FieldProtector(Options("k1")).Encrypt("8501012345678");
        var rotated = new FieldProtector(Options("k1", "k2"));

        rotated.Decrypt(old).ShouldBe("8501012345678");
        rotated.Encrypt("x").ShouldStartWith("k2:");
    }

    [Fact]
    public void EncryptDecryptHash_FromManyThreads_StayCorrect()
    {
        using var protector = new FieldProtector(Options("k1", "k2"));
        var expectedHash = protector.Hash("9001011234567");
        var old = new FieldProtector(Options("k1")).Encrypt("8501012345678");

        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var plain = "9001011" + (i % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            protector.Decrypt(protector.Encrypt(plain)).ShouldBe(plain);
            protector.Decrypt(old).ShouldBe("8501012345678");
            protector.Hash("9001011234567").ShouldBe(expectedHash);
        });
    }

    [Fact]
    public void Decrypt_TamperedValue_Throws()
    {
        var protector = new FieldProtector(Options("k1"));
        var stored = protector.Encrypt("9001011234567").ToCharArray();
        stored[^3] = stored[^3] == 'A' ? 'B' : 'A';

        Should.Throw<CryptographicException>(() => protector.Decrypt(new string(stored)));
    }

    [Fact]
    public void Hash_IsKeyedAndStable()
    {
        var a = new FieldProtector(Options("k1"));
        var other = Options("k1");
        other.HashKey = Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray());

        a.Hash("9001011234567").ShouldBe(a.Hash("9001011234567"));
        a.Hash("9001011234567").Length.ShouldBe(64);
        new FieldProtector(other).Hash("9001011234567").ShouldNotBe(a.Hash("9001011234567"));
    }

    [Fact]
    public void Constructor_NoKeysConfigured_CreatesKeyFileOutsideTheDatabase()
    {
        var path = Path.Combine(Path.GetTempPath(), "insurecrm-tests", Guid.NewGuid().ToString("N"), "keys.json");
        var first = new FieldProtector(new ProtectionOptions { KeyFile = path });
        var second = new FieldProtector(new ProtectionOptions { KeyFile = path, CreateKeyFileIfMissing = false });

        File.Exists(path).ShouldBeTrue();
        second.Decrypt(first.Encrypt("abc")).ShouldBe("abc");
        Should.Throw<InvalidOperationException>(() => new FieldProtector(new ProtectionOptions { KeyFile = path + ".missing", CreateKeyFileIfMissing = false }))
            .Message.ShouldContain("key file");
    }

    [Fact]
    public void AccessLogKey_KeyFileFromBeforeIt_GetsOneAddedAndKeepsTheOtherKeys()
    {
        var path = Path.Combine(Path.GetTempPath(), "insurecrm-tests", Guid.NewGuid().ToString("N"), "keys.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var k1 = Convert.ToBase64String(Enumerable.Repeat((byte)3, 32).ToArray());
        var hash = Convert.ToBase64String(Enumerable.Repeat((byte)5, 32).ToArray());
        File.WriteAllText(path, $$"""{"ActiveKeyId":"k1","Keys":{"k1":"{{k1}}"},"HashKey":"{{hash}}"}""");
        var old = new FieldProtector(new ProtectionOptions { Keys = new() { ["k1"] = k1 }, HashKey = hash, ActiveKeyId = "k1" });
        var stored = old.Encrypt("abc");
        Should.Throw<InvalidOperationException>(() => AccessLogKey.From(new ProtectionOptions { KeyFile = path, CreateKeyFileIfMissing = false }))
            .Message.ShouldContain("AccessLogKey");

        var key = AccessLogKey.From(new ProtectionOptions { KeyFile = path });

        var again = AccessLogKey.From(new ProtectionOptions { KeyFile = path, CreateKeyFileIfMissing = false });
        again.Mac("entry").ShouldBe(key.Mac("entry"));
        again.CheckpointFile.ShouldBe(Path.Combine(Path.GetDirectoryName(path)!, "keys.access-log-head.json"));
        var reopened = new FieldProtector(new ProtectionOptions { KeyFile = path, CreateKeyFileIfMissing = false });
        reopened.Decrypt(stored).ShouldBe("abc");
        reopened.Hash("9001011234567").ShouldBe(old.Hash("9001011234567"));
    }
}
