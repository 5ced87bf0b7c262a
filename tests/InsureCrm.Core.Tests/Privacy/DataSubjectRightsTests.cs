using System.Text.Json;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Identity;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Privacy;
using InsureCrm.Core.Security;
using InsureCrm.Core.Tests.DataSubject;
using InsureCrm.Tests;
using InsureCrm.Tests.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace InsureCrm.Core.Tests.Privacy;

public sealed class DataSubjectRightsTests
{
    private const string Reason = "정보주체 열람 청구 2026-0042";

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Export_Customer_ContainsContractsAndDecryptedIdentifiersAndIsLoggedAsDownload(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var kit = new DataSubjectKit(database);
        var family = await CustomerSeed.AddFamilyAsync(kit.Context(), kit.Protector);
        (await kit.Identifiers().AddAsync(family.HongId, IdentifierKind.Passport, "M12345678")).Error.ShouldBeNull();
        (await kit.Identifiers().AddAsync(family.HongId, IdentifierKind.BankAccount, "110-123-454567", "088")).Error.ShouldBeNull();

        var result = await kit.Rights().ExportAsync(family.HongId, Reason);

        result.Status.ShouldBe(SubjectStatus.Ok);
        result.Value!.ContentType.ShouldBe("application/json");
        var export = JsonSerializer.Deserialize<SubjectExport>(result.Value.Content, DataSubjectRights.Json)!;
        export.CustomerId.ShouldBe(family.HongId);
        export.Identity.Rrn.ShouldBe(family.HongRrn, "the export is the one place the RRN is unmasked");
        export.Contracts.Select(k => k.ContractNumber).ShouldBe([family.HeldContract, family.SpouseContract], ignoreOrder: true);
        var held = export.Contracts.Single(k => k.ContractNumber == family.HeldContract);
        held.Roles.ShouldBe([ContractRoleKind.Policyholder, ContractRoleKind.Insured]);
        held.Riders.ShouldHaveSingleItem().ProductCode.ShouldBe("RC01");
        held.StatusHistory.Select(h => h.To).ShouldBe([ContractStatus.Applied, ContractStatus.InForce]);
        held.Claims.ShouldHaveSingleItem().ClaimNumber.ShouldBe("CL-0001");
        export.Contracts.Single(k => k.ContractNumber == family.SpouseContract).Roles.ShouldBe([ContractRoleKind.Insured]);
        export.Loans.ShouldHaveSingleItem().LoanNumber.ShouldBe("LN-0001");
        export.Identifiers.Select(i => (i.Kind, i.Value)).ShouldBe(
            [(IdentifierKind.Passport, "M12345678"), (IdentifierKind.BankAccount, "110123454567")], ignoreOrder: true);
        export.Contact.Phones.Select(p => p.Number).ShouldContain(family.HongPhone);
        export.Consents.Count.ShouldBe(3, "the whole consent history, not only the newest per channel");
        export.Interactions.Count.ShouldBe(2);
        export.Merges.ShouldHaveSingleItem().MergedId.ShouldBe(family.DuplicateId);
        export.Households.ShouldHaveSingleItem().Role.ShouldBe(HouseholdRole.Head);

        await using var db = kit.Context();
        var logged = await db.AccessLog.AsNoTracking().Where(a => a.CustomerId == family.HongId).ToListAsync();
        var download = logged.ShouldHaveSingleItem();
        download.Action.ShouldBe(AccessAction.Download);
        download.Reason.ShouldBe(Reason);
        download.UserName.ShouldBe("compliance");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Correct_NewRrn_SearchFindsNewRrnNotOldAndLogsFieldNamesOnly(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var kit = new DataSubjectKit(database);
        var family = await CustomerSeed.AddFamilyAsync(kit.Context(), kit.Protector);
        var version = await kit.Context().Customers.Where(c => c.Id == family.HongId).Select(c => c.Version).SingleAsync();
        var newRrn = Rrn.Create(new DateOnly(1980, 5, 16), Gender.Male, 777);

        var result = await kit.Rights().CorrectAsync(family.HongId,
            new IdentityCorrection(version, "홍길동", new DateOnly(1980, 5, 16), Gender.Male, newRrn.Formatted), Reason);

        result.Status.ShouldBe(SubjectStatus.Ok);
        result.Value!.ChangedFields.ShouldBe(["birthDate", "rrn"]);
        (await kit.SearchIdsAsync(newRrn.Formatted, SearchKind.Rrn)).ShouldBe([family.HongId]);
        (await kit.SearchIdsAsync(family.HongRrn, SearchKind.Rrn)).ShouldNotContain(family.HongId);
        var stored = await kit.Context().Customers.AsNoTracking().SingleAsync(c => c.Id == family.HongId);
        stored.RrnMasked.ShouldBe(newRrn.Masked);
        kit.Protector.Decrypt(stored.RrnCipher!).ShouldBe(newRrn.Digits);
        var change = await kit.Context().AccessLog.AsNoTracking().SingleAsync(a => a.CustomerId == family.HongId && a.Action == AccessAction.Change);
        change.Detail.ShouldBe("corrected: birthDate,rrn");
        change.Reason.ShouldBe(Reason);

        var stale = await kit.Rights().CorrectAsync(family.HongId,
            new IdentityCorrection(version, "홍길동", new DateOnly(1980, 5, 16), Gender.Male, null), Reason);
        stale.Status.ShouldBe(SubjectStatus.Conflict, "a correction read at an older version is refused");
        stale.CurrentVersion.ShouldBe(result.Value.Version);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Erase_ActiveContract_RefusedNamingTheContractsAndChangesNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var kit = new DataSubjectKit(database);
        var family = await CustomerSeed.AddFamilyAsync(kit.Context(), kit.Protector);

        var result = await kit.Rights().EraseAsync(family.HongId, Reason);

        result.Status.ShouldBe(SubjectStatus.Refused);
        result.Blockers.ShouldBe([family.SpouseContract, family.HeldContract, "LN-0001"], ignoreOrder: true);
        var hong = await kit.Context().Customers.AsNoTracking().Include(c => c.Phones).SingleAsync(c => c.Id == family.HongId);
        hong.Name.ShouldBe("홍길동");
        hong.Phones.ShouldNotBeEmpty();
        (await kit.Context().Set<CustomerErasure>().AnyAsync()).ShouldBeFalse();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Erase_LapsedOnlyCustomer_ClearsOptionalDataAtOnceAndPurgeAfterRetentionRemovesRrn(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var kit = new DataSubjectKit(database) { RetentionYears = 3 };
        var family = await CustomerSeed.AddFamilyAsync(kit.Context(), kit.Protector);
        await EndRelationshipAsync(kit, family, new DateOnly(2025, 9, 30));
        await kit.Identifiers().AddAsync(family.HongId, IdentifierKind.Passport, "M12345678");

        var result = await kit.Rights().EraseAsync(family.HongId, Reason);

        result.Status.ShouldBe(SubjectStatus.Ok);
        result.Value!.PurgeDue.ShouldBe(new DateOnly(2028, 9, 30), "relationship end + Privacy:RetentionYears");
        await using (var db = kit.Context())
        {
            var hong = await db.Customers.AsNoTracking().Include(c => c.Phones).Include(c => c.Emails).Include(c => c.Addresses)
                .AsSplitQuery().SingleAsync(c => c.Id == family.HongId);
            hong.Name.ShouldBe(DataSubjectRights.Pseudonym(family.HongId));
            hong.Phones.ShouldBeEmpty();
            hong.Emails.ShouldBeEmpty();
            hong.Addresses.ShouldBeEmpty();
            hong.Occupation.ShouldBeNull();
            hong.PreferredChannel.ShouldBeNull();
            hong.IncomeBand.ShouldBe(IncomeBand.Unknown);
            hong.MaritalStatus.ShouldBe(MaritalStatus.Unknown);
            hong.RrnCipher.ShouldNotBeNull("the RRN is kept apart for the legal retention period");
            (await db.Set<CustomerIdentifier>().AnyAsync(i => i.CustomerId == family.HongId)).ShouldBeFalse();
            var consents = await db.MarketingConsents.AsNoTracking().Where(m => m.CustomerId == family.HongId).ToListAsync();
            consents.GroupBy(m => m.Channel).Select(g => g.OrderByDescending(m => m.RecordedAt).ThenByDescending(m => m.Id).First())
                .ShouldAllBe(m => !m.Granted);
            (await db.Contracts.AsNoTracking().CountAsync(k => k.CustomerId == family.HongId)).ShouldBe(1, "contracts are kept");
            (await db.Claims.AsNoTracking().CountAsync(k => k.CustomerId == family.HongId)).ShouldBe(1);
            (await db.Set<CustomerRetention>().AsNoTracking().SingleAsync()).RetainUntil.ShouldBe(new DateOnly(2028, 9, 30));
        }
        (await kit.SearchIdsAsync(family.HongRrn, SearchKind.Rrn)).ShouldBeEmpty("an erased customer is not found");
        (await kit.SearchIdsAsync(DataSubjectRights.PseudonymPrefix, SearchKind.Name)).ShouldBeEmpty();

        // A later record of the same person (same RRN) from another source system is not merged into the
        // erased one: erasure dropped the search hash that identity resolution matches on.
        long newcomer;
        await using (var db = kit.Context())
        {
            Rrn.TryParse(family.HongRrn, out var rrn, out _).ShouldBeTrue();
            var again = new Customer
            {
                Name = "홍길동", RrnCipher = kit.Protector.Encrypt(rrn!.Value.Digits), RrnHash = kit.Protector.Hash(rrn.Value.Digits),
                RrnMasked = rrn.Value.Masked, CreatedAt = CustomerSeed.Now, UpdatedAt = CustomerSeed.Now,
            };
            db.Customers.Add(again);
            await db.SaveChangesAsync();
            newcomer = again.Id;
        }
        var resolved = await new IdentityResolution(database.Database, kit.Clock, NullLogger<IdentityResolution>.Instance).ResolveAllAsync("test");
        resolved.Merged.ShouldBe(0);
        (await kit.Context().Customers.AsNoTracking().SingleAsync(c => c.Id == newcomer)).MergedIntoId.ShouldBeNull();

        (await kit.Purge().PurgeDueAsync(DataSubjectKit.Compliance))!.Purged.ShouldBe(0, "retention has not ended");
        (await kit.Context().Customers.AsNoTracking().SingleAsync(c => c.Id == family.HongId)).RrnCipher.ShouldNotBeNull();

        kit.Clock.Now = new DateTime(2028, 10, 1, 0, 0, 0, DateTimeKind.Utc);
        var purge = await kit.Purge().PurgeDueAsync(DataSubjectKit.Compliance);

        purge!.Purged.ShouldBe(1);
        await using (var db = kit.Context())
        {
            var hong = await db.Customers.AsNoTracking().Include(c => c.SourceKeys).SingleAsync(c => c.Id == family.HongId);
            hong.RrnCipher.ShouldBeNull();
            hong.RrnHash.ShouldBeNull();
            hong.RrnMasked.ShouldBeNull();
            hong.BirthDate.ShouldBeNull();
            hong.SourceKeys.ShouldBeEmpty();
            (await db.Contracts.AsNoTracking().CountAsync(k => k.CustomerId == family.HongId)).ShouldBe(1, "anonymous contract rows stay for statistics");
            (await db.Set<CustomerErasure>().AsNoTracking().SingleAsync()).PurgedAt.ShouldNotBeNull();
            (await db.AccessLog.AsNoTracking().CountAsync(a => a.CustomerId == family.HongId && a.Action == AccessAction.Delete)).ShouldBe(1);
        }
        (await kit.Purge().PurgeDueAsync(DataSubjectKit.Compliance))!.Purged.ShouldBe(0, "a purge is done once");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Usage_EarlierViewByAgent_ListedByRoleAndBranchWithoutTheEmployeeName(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var kit = new DataSubjectKit(database);
        var family = await CustomerSeed.AddFamilyAsync(kit.Context(), kit.Protector);
        await using (var db = kit.Context())
        {
            db.Users.Add(new AppUser { Id = 501, UserName = "kim.agent", DisplayName = "김설계", Role = Role.Agent, BranchId = family.BranchId, CreatedAt = CustomerSeed.Now });
            await db.SaveChangesAsync();
        }
        var agent = new CrmUser(501, "kim.agent", Role.Agent, family.AgentId, family.BranchId, null, "10.1.1.1");
        kit.Clock.Now = CustomerSeed.Now.AddYears(-4);
        await kit.Log.RecordAsync(agent, new AccessEvent(AccessAction.View, family.HongId, "coverage check"));
        kit.Clock.Now = CustomerSeed.Now.AddDays(-10);
        await kit.Log.RecordAsync(agent, new AccessEvent(AccessAction.View, family.HongId, "coverage check"));
        await kit.Log.RecordAsync(agent, new AccessEvent(AccessAction.Download, family.HongId, "claim documents"));
        kit.Clock.Now = CustomerSeed.Now;

        var result = await kit.Rights().UsageAsync(family.HongId, Reason);

        result.Status.ShouldBe(SubjectStatus.Ok);
        var entries = result.Value!.Entries;
        entries.Count.ShouldBe(2, "only the last three years");
        entries.ShouldAllBe(e => e.Role == Role.Agent && e.OrgUnit == "강남지점");
        entries.Single(e => e.Action == AccessAction.View).Reason.ShouldBe("coverage check");
        entries.Single(e => e.Action == AccessAction.Download).Provision.ShouldBeTrue();
        var csv = System.Text.Encoding.UTF8.GetString(result.Value.ToCsv());
        csv.ShouldContain("강남지점");
        csv.ShouldNotContain("kim.agent");
        csv.ShouldNotContain("김설계");
        (await kit.Context().AccessLog.AsNoTracking().CountAsync(a => a.UserName == "compliance" && a.Action == AccessAction.View))
            .ShouldBe(1, "reading the report is itself logged");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Actions_NonComplianceRole_ForbiddenAndNothingLogged(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var kit = new DataSubjectKit(database);
        var family = await CustomerSeed.AddFamilyAsync(kit.Context(), kit.Protector);
        foreach (var role in Enum.GetValues<Role>().Where(r => r != Role.Compliance))
        {
            kit.Current.User = new CrmUser(77, "someone", role, family.AgentId, family.BranchId, null, "10.0.0.1");
            var rights = kit.Rights();
            (await rights.ExportAsync(family.HongId, Reason)).Status.ShouldBe(SubjectStatus.Forbidden, role.ToString());
            (await rights.CorrectAsync(family.HongId, new IdentityCorrection(0, "x", null, Gender.Male, null), Reason)).Status.ShouldBe(SubjectStatus.Forbidden);
            (await rights.EraseAsync(family.SpouseId, Reason)).Status.ShouldBe(SubjectStatus.Forbidden);
            (await rights.UsageAsync(family.HongId, Reason)).Status.ShouldBe(SubjectStatus.Forbidden);
            (await rights.SummaryAsync(family.HongId, Reason)).Status.ShouldBe(SubjectStatus.Forbidden);
        }
        kit.Current.User = null;
        (await kit.Rights().ExportAsync(family.HongId, Reason)).Status.ShouldBe(SubjectStatus.Forbidden, "nobody signed in");
        (await kit.Context().AccessLog.AnyAsync()).ShouldBeFalse();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Export_WithoutReason_InvalidAndNotLogged(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var kit = new DataSubjectKit(database);
        var family = await CustomerSeed.AddFamilyAsync(kit.Context(), kit.Protector);

        var result = await kit.Rights().ExportAsync(family.HongId, "  ");

        result.Status.ShouldBe(SubjectStatus.Invalid);
        result.Errors.Keys.ShouldBe(["reason"]);
        (await kit.Context().AccessLog.AnyAsync()).ShouldBeFalse();
        (await kit.Rights().ExportAsync(987654, Reason)).Status.ShouldBe(SubjectStatus.NotFound);
    }

    /// <summary>Lapses both contracts the customer is party to and repays the loan.</summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Erase_JustAfterMidnightInKorea_WithdrawsConsentFromTheKoreanDayNotTheDayBefore(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var kit = new DataSubjectKit(database);
        var family = await CustomerSeed.AddFamilyAsync(kit.Context(), kit.Protector);
        await EndRelationshipAsync(kit, family, new DateOnly(2025, 9, 30));
        // 2026-03-03 01:00 in Korea, still 2 March in UTC.
        kit.Clock.Now = new DateTime(2026, 3, 2, 16, 0, 0, DateTimeKind.Utc);

        (await kit.Rights().EraseAsync(family.HongId, Reason)).Status.ShouldBe(SubjectStatus.Ok);

        await using var db = kit.Context();
        var rows = await db.MarketingConsents.AsNoTracking().Where(m => m.CustomerId == family.HongId).ToListAsync();
        rows.Single(m => m.Source == "erasure").EffectiveFrom.ShouldBe(new DateOnly(2026, 3, 3), "consent dates are Korean dates");
        // An email sent on the afternoon of 2 March in Korea, under the grant then in force, stays lawful in the record.
        var policy = new ContactPolicy(TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul"));
        var sentBefore = new DateTimeOffset(2026, 3, 2, 14, 0, 0, TimeSpan.FromHours(9));
        policy.Check(new ContactRequest(family.HongId, ContactChannel.Email, ContactPurpose.Marketing, sentBefore), rows, []).Allowed.ShouldBeTrue();
    }

    private static async Task EndRelationshipAsync(DataSubjectKit kit, SeededFamily family, DateOnly ended)
    {
        await using var db = kit.Context();
        foreach (var k in await db.Contracts.ToListAsync())
        {
            k.Status = ContractStatus.Lapsed;
            k.StatusDate = ended;
        }
        var loan = await db.Loans.SingleAsync();
        loan.Status = LoanStatus.EarlyRepaid;
        loan.StatusDate = ended.AddMonths(-2);
        await db.SaveChangesAsync();
    }
}
