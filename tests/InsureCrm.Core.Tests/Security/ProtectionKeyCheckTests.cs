using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Tests.Imports;
using InsureCrm.Tests.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace InsureCrm.Tests.Security;

[Collection(nameof(ConsoleSwappingTests))]
public class ProtectionKeyCheckTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Verify_KeysOfAnotherKeyFile_IsRefusedNamingThemAndRecordsNothing(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var own = new ProtectionOptions { KeyFile = db.KeyFile };
        await Check(db, own).VerifyAsync();
        await Check(db, own).VerifyAsync();
        (await Recorded(db)).ShouldBe(["access-log", "field:k1", "hash"]);

        // A process pointed at no key file makes one with new keys: the database's data is not protected with them.
        var elsewhere = Path.Combine(Path.GetTempPath(), $"keys-elsewhere-{Guid.NewGuid():N}.json");
        try
        {
            var ex = await Should.ThrowAsync<ProtectionKeyMismatchException>(() => Check(db, new ProtectionOptions { KeyFile = elsewhere }).VerifyAsync());

            ex.Differing.ShouldBe(["field:k1", "hash", "access-log"]);
            ex.Message.ShouldContain(elsewhere);
            ex.Message.ShouldContain("Security__Protection__KeyFile");
        }
        finally
        {
            File.Delete(elsewhere);
        }
        (await Recorded(db)).ShouldBe(["access-log", "field:k1", "hash"]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Verify_RotatedKeysWithANewKeyId_RecordsTheNewKeyAndStillRefusesAChangedOne(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var file = ProtectionKeyFile.LoadOrCreate(new ProtectionOptions { KeyFile = db.KeyFile });
        await Check(db, new ProtectionOptions { KeyFile = db.KeyFile }).VerifyAsync();
        var k2 = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

        var rotated = Configured(file, new Dictionary<string, string>(file.Keys) { ["k2"] = k2 });
        await Check(db, rotated).VerifyAsync();
        (await Recorded(db)).ShouldBe(["access-log", "field:k1", "field:k2", "hash"]);

        // The same id with another key (k1 replaced, not rotated) is refused.
        var replaced = Configured(file, new Dictionary<string, string> { ["k1"] = k2, ["k2"] = k2 });
        (await Should.ThrowAsync<ProtectionKeyMismatchException>(() => Check(db, replaced).VerifyAsync())).Differing.ShouldBe(["field:k1"]);
    }

    private static ProtectionOptions Configured(ProtectionKeyFile.Contents file, Dictionary<string, string> keys) => new()
    {
        ActiveKeyId = keys.Keys.Max(StringComparer.Ordinal),
        Keys = keys,
        HashKey = file.HashKey,
        AccessLogKey = file.AccessLogKey,
    };

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Verify_DataFromBeforeTheCheck_TakesOnlyKeysThatReadIt(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await TestUsers.AddAsync(db, "officer", Role.Compliance);
        var csv = ImportTestKit.WriteCsv("customers.csv",
            "source_id,kind,name,birth_date,gender,rrn\nS1,Individual,김민준,1980-05-15,Male,800515-1234567\n");
        var config = new ConfigurationBuilder().AddInMemoryCollection(db.Settings).Build();
        (await CliConsole.RunAsync(config, "import", "customers", csv, "--source", "PAS", "--as", "officer")).Exit.ShouldBe(0);
        // As a database migrated to 0045 holds it before any process recorded its keys: an RRN and an access-log entry.
        await using (var ctx = db.CreateContext())
        {
            await ctx.Set<ProtectionKeyRecord>().ExecuteDeleteAsync();
        }

        var elsewhere = Path.Combine(Path.GetTempPath(), $"keys-elsewhere-{Guid.NewGuid():N}.json");
        try
        {
            (await Should.ThrowAsync<ProtectionKeyMismatchException>(() => Check(db, new ProtectionOptions { KeyFile = elsewhere }).VerifyAsync()))
                .Differing.ShouldBe(["field:k1", "access-log"]);
        }
        finally
        {
            File.Delete(elsewhere);
        }
        (await Recorded(db)).ShouldBeEmpty();

        await Check(db, new ProtectionOptions { KeyFile = db.KeyFile }).VerifyAsync();
        (await Recorded(db)).ShouldBe(["access-log", "field:k1", "hash"]);
    }

    private static ProtectionKeyCheck Check(TestDatabase db, ProtectionOptions options)
    {
        var key = AccessLogKey.From(options);
        return new(db.Database, new FieldProtector(options), key, new AccessLog(db.Database, TimeProvider.System, new AccessLogOptions(), key), options,
            TimeProvider.System);
    }

    private static async Task<List<string>> Recorded(TestDatabase db)
    {
        await using var ctx = db.CreateContext();
        return await ctx.Set<ProtectionKeyRecord>().Select(r => r.Name).OrderBy(n => n).ToListAsync();
    }
}
