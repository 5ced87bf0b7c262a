using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using InsureCrm.Tests;
using InsureCrm.Tests.Customers;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Tests.DataSubject;

public sealed class IdentifierAndRotationTests
{
    private static readonly CrmUser Admin = new(1, "admin", Role.Admin, null, null, null, "cli");

    [Theory]
    [InlineData(IdentifierKind.Passport, "m1234 5678", null, "M1234****")]
    [InlineData(IdentifierKind.DriverLicence, "11-22-333333-44", null, "11-22-******-**")]
    [InlineData(IdentifierKind.BankAccount, "110-123-454567", "088", "110-***-**4567")]
    [InlineData(IdentifierKind.BankAccount, "3333012345678", "090", "333******5678")]
    public void TryNormalise_WellFormed_MasksAsShown(IdentifierKind kind, string typed, string? bank, string masked)
    {
        IdentifierFormat.TryNormalise(kind, typed, bank, out var value, out var error).ShouldBeTrue(error);
        value!.Masked.ShouldBe(masked);
    }

    [Theory]
    [InlineData(IdentifierKind.Passport, "12345678", null)]
    [InlineData(IdentifierKind.DriverLicence, "11-22-3333-44", null)]
    [InlineData(IdentifierKind.BankAccount, "110-123-454567", null)]
    [InlineData(IdentifierKind.BankAccount, "12345", "088")]
    public void TryNormalise_Malformed_RefusedWithMessage(IdentifierKind kind, string typed, string? bank)
    {
        IdentifierFormat.TryNormalise(kind, typed, bank, out _, out var error).ShouldBeFalse();
        error.ShouldNotBeNullOrEmpty();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task FindCustomers_PassportTypedDifferently_FindsTheHolderThroughTheHashOnly(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var kit = new DataSubjectKit(database);
        var family = await CustomerSeed.AddFamilyAsync(kit.Context(), kit.Protector);
        await kit.Identifiers().AddAsync(family.HongId, IdentifierKind.Passport, "M12345678");
        await kit.Identifiers().AddAsync(family.SpouseId, IdentifierKind.Passport, "M87654321");

        (await kit.Identifiers().FindCustomersAsync(IdentifierKind.Passport, "m1234-5678")).ShouldBe([family.HongId]);
        (await kit.Identifiers().FindCustomersAsync(IdentifierKind.Passport, "M00000000")).ShouldBeEmpty();
        var stored = await kit.Context().Set<CustomerIdentifier>().AsNoTracking().SingleAsync(i => i.CustomerId == family.HongId);
        stored.Cipher.ShouldStartWith("t1:");
        stored.Masked.ShouldBe("M1234****");
        (await kit.Identifiers().ListAsync(family.HongId)).ShouldHaveSingleItem().Masked.ShouldBe("M1234****");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Rotate_NewActiveKey_ReencryptsEveryValueResumablyAndOldKeyCanBeRemoved(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var kit = new DataSubjectKit(database);
        var family = await CustomerSeed.AddFamilyAsync(kit.Context(), kit.Protector);
        await kit.Identifiers().AddAsync(family.HongId, IdentifierKind.BankAccount, "110-123-454567", "088");
        var before = await PlaintextsAsync(kit.Context(), kit.Protector);
        var t1 = Convert.ToBase64String(new byte[32]);
        var t2 = Convert.ToBase64String(Enumerable.Repeat((byte)9, 32).ToArray());
        var hashKey = Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray());
        var both = new FieldProtector(new ProtectionOptions { ActiveKeyId = "t2", Keys = new() { ["t1"] = t1, ["t2"] = t2 }, HashKey = hashKey });
        var rotation = new KeyRotation(database.Database, both, kit.Log);

        (await rotation.RotateAsync(DataSubjectKit.Compliance)).ShouldBeNull("only an admin rotates keys");
        using var stop = new CancellationTokenSource();
        await Should.ThrowAsync<OperationCanceledException>(() =>
            rotation.RotateAsync(Admin, batchSize: 1, new StopAfterFirst(stop), stop.Token));
        var partway = await rotation.UsageAsync();
        partway.ShouldContain(u => u.KeyId == "t1", "the stopped run left values on the old key");
        partway.ShouldContain(u => u.KeyId == "t2");

        var result = await rotation.RotateAsync(Admin, batchSize: 2);

        result!.Remaining.ShouldBe(0);
        result.Reencrypted.ShouldBe(before.Count - 1, "the resumed run re-encrypts only what the first run did not");
        (await rotation.UsageAsync()).ShouldAllBe(u => u.KeyId == "t2");
        var onlyNew = new FieldProtector(new ProtectionOptions { ActiveKeyId = "t2", Keys = new() { ["t2"] = t2 }, HashKey = hashKey });
        (await PlaintextsAsync(kit.Context(), onlyNew)).ShouldBe(before, "every value reads with the new key alone");
        (await kit.Context().AccessLog.AsNoTracking().CountAsync(a => a.Action == AccessAction.Change && a.UserName == "admin")).ShouldBe(1);
    }

    private static async Task<List<string>> PlaintextsAsync(CrmDbContext db, FieldProtector protector)
    {
        var rrns = await db.Customers.AsNoTracking().Where(c => c.RrnCipher != null).OrderBy(c => c.Id).Select(c => c.RrnCipher!).ToListAsync();
        var ids = await db.Set<CustomerIdentifier>().AsNoTracking().OrderBy(i => i.Id).Select(i => i.Cipher).ToListAsync();
        await db.DisposeAsync();
        return [.. rrns.Concat(ids).Select(protector.Decrypt)];
    }

    /// <summary>Cancels the run as soon as the first batch is committed (synchronously, unlike Progress&lt;T&gt;).</summary>
    private sealed class StopAfterFirst(CancellationTokenSource stop) : IProgress<long>
    {
        public void Report(long value) => stop.Cancel();
    }
}
