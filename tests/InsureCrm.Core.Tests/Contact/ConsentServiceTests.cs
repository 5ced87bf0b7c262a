using System.Text;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using InsureCrm.Tests.Customers;
using InsureCrm.Tests.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace InsureCrm.Tests.Contact;

/// <summary>Consent recording, opt-out precedence and the do-not-call import on SQLite and PostgreSQL.</summary>
public sealed class ConsentServiceTests
{
    private static readonly ContactPolicy Policy = new(TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul"));
    /// <summary>2026-03-02 14:00 in Korea: day time.</summary>
    private static readonly DateTimeOffset Noon = new(2026, 3, 2, 5, 0, 0, TimeSpan.Zero);

    private static ConsentService Service(CrmDbContext ctx, TestDatabase db, FieldProtector protector, TimeProvider clock) =>
        new(ctx, Policy, protector, clock, new CustomerScope(ctx), CoreServices.Log(db, clock));

    private static FieldProtector Protector() => new(new ProtectionOptions
    {
        Keys = new() { ["k1"] = Convert.ToBase64String(new byte[32]) },
        HashKey = Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray()),
    });

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RecordAsync_GrantThenWithdrawal_AllowsThenRefusesAtOnce_AndLogsBothChanges(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var protector = Protector();
        await using var ctx = db.CreateContext();
        var family = await CustomerSeed.AddFamilyAsync(ctx, protector);
        var agent = CoreServices.AgentOf(family);
        var clock = new StepClock(Noon);
        var consents = Service(ctx, db, protector, clock);
        var call = new ContactRequest(family.HongId, ContactChannel.Phone, ContactPurpose.Marketing, Noon.AddHours(1));

        (await consents.CheckAsync(call))!.Reasons.ShouldBe([ContactReason.NoConsent]);
        var grant = await consents.RecordAsync(agent, family.HongId, new ConsentChange(ContactChannel.Phone, true, false, "branch"));
        grant.Status.ShouldBe(ConsentRecordStatus.Recorded);
        (await consents.CheckAsync(call))!.Allowed.ShouldBeTrue();

        clock.Advance(TimeSpan.FromMinutes(5));
        var optOut = await consents.RecordAsync(agent, family.HongId, new ConsentChange(ContactChannel.Phone, false, false, "call-center"));
        optOut.Status.ShouldBe(ConsentRecordStatus.Recorded);
        (await consents.CheckAsync(call))!.Reasons.ShouldBe([ContactReason.ConsentWithdrawn]);
        (await consents.StatusAsync(family.HongId, clock.GetUtcNow())).Single(c => c.Channel == ContactChannel.Phone).State.ShouldBe(ConsentState.Withdrawn);

        await using var read = db.CreateContext();
        var logged = await read.AccessLog.AsNoTracking().Where(e => e.CustomerId == family.HongId && e.Action == AccessAction.Change).ToListAsync();
        logged.Count.ShouldBe(2);
        logged.ShouldAllBe(e => e.UserName == agent.UserName && e.Detail!.StartsWith("consent Phone", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RecordAsync_GrantFromAStaleView_IsRefusedAndTheOptOutStands(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var protector = Protector();
        await using var ctx = db.CreateContext();
        var family = await CustomerSeed.AddFamilyAsync(ctx, protector);
        var agent = CoreServices.AgentOf(family);
        var consents = Service(ctx, db, protector, new StepClock(Noon));

        // The agent reads the page while the Email grant is in force; the customer then opts out by phone.
        var seen = (await consents.StatusAsync(family.HongId, Noon)).Single(c => c.Channel == ContactChannel.Email);
        seen.State.ShouldBe(ConsentState.Granted);
        (await consents.RecordAsync(CoreServices.CallCenter, family.HongId, new ConsentChange(ContactChannel.Email, false, false, "call-center")))
            .Status.ShouldBe(ConsentRecordStatus.Recorded);

        var stale = await consents.RecordAsync(agent, family.HongId, new ConsentChange(ContactChannel.Email, true, true, "branch", seen.LatestId));
        stale.Status.ShouldBe(ConsentRecordStatus.Conflict);
        var email = new ContactRequest(family.HongId, ContactChannel.Email, ContactPurpose.Marketing, Noon.AddHours(2));
        (await consents.CheckAsync(email))!.Reasons.ShouldBe([ContactReason.ConsentWithdrawn]);

        // A withdrawal is never refused, however stale the view it came from.
        (await consents.RecordAsync(agent, family.HongId, new ConsentChange(ContactChannel.Email, false, false, "branch", seen.LatestId)))
            .Status.ShouldBe(ConsentRecordStatus.Recorded);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RecordAsync_CustomerOutsideTheAgentsScope_AnswersNotFoundAndWritesNothing(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var protector = Protector();
        await using var ctx = db.CreateContext();
        var family = await CustomerSeed.AddFamilyAsync(ctx, protector);
        var stranger = TestUsers.Transient(Role.Agent, family.TerminatedAgentId + 1000, family.BranchId, "other-agent");
        var consents = Service(ctx, db, protector, new StepClock(Noon));
        var before = await ctx.MarketingConsents.CountAsync();

        var result = await consents.RecordAsync(stranger, family.HongId, new ConsentChange(ContactChannel.Phone, true, true, "branch"));

        result.Status.ShouldBe(ConsentRecordStatus.NotFound);
        (await ctx.MarketingConsents.CountAsync()).ShouldBe(before);
        (await consents.CheckForAsync(stranger, new ContactRequest(family.HongId, ContactChannel.Phone, ContactPurpose.Marketing, Noon), null)).Reach.ShouldBe(Reach.NotFound);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task DoNotCallImport_SameFileTwice_StoresOnceWithoutTheNumber_AndBlocksMarketingCalls(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var protector = Protector();
        await using var ctx = db.CreateContext();
        var family = await CustomerSeed.AddFamilyAsync(ctx, protector);
        var agent = CoreServices.AgentOf(family);
        var clock = new StepClock(Noon);
        var consents = Service(ctx, db, protector, clock);
        await consents.RecordAsync(agent, family.HongId, new ConsentChange(ContactChannel.Phone, true, false, "branch"));
        var call = new ContactRequest(family.HongId, ContactChannel.Phone, ContactPurpose.Marketing, Noon.AddHours(1));
        (await consents.CheckAsync(call))!.Allowed.ShouldBeTrue();

        var dir = Directory.CreateTempSubdirectory("dnc-");
        var path = Path.Combine(dir.FullName, "dnc.csv");
        // Registered today, the day the customer consented: the registration wins (only a later day's consent lifts it).
        // CP949 with the registry's Korean headers; one number in +82 form, one bad date, one duplicate.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        await File.WriteAllTextAsync(path, "전화번호,등록일,범위\n+82 10-1234-5678,2026-03-02,전체\n010-5555-0000,2026-13-01,전체\n010-1234-5678,20260302,all\n", Encoding.GetEncoding(949));
        var import = new DoNotCallImport(db.Database, protector, Policy, clock, NullLogger<DoNotCallImport>.Instance);

        var first = await import.ImportAsync(path, "cli:test");
        first.ExitCode.ShouldBe(2);
        (first.Read, first.Inserted, first.Unchanged, first.Rejected).ShouldBe((3, 1, 1, 1));
        first.FirstRejects.Single().ShouldBe((3, "registered_on", "not a date (yyyy-MM-dd)"));
        first.Encoding.ShouldBe("ks_c_5601-1987");
        var second = await import.ImportAsync(path, "cli:test");
        (second.Inserted, second.Unchanged, second.Rejected).ShouldBe((0, 2, 1));

        await using var read = db.CreateContext();
        var stored = await read.Set<DoNotCall>().AsNoTracking().SingleAsync();
        stored.PhoneHash.ShouldNotContain("1234");
        stored.ExpiresOn.ShouldBe(new DateOnly(2031, 3, 2));
        stored.SourceFile.ShouldBe("dnc.csv");
        (await consents.CheckAsync(call))!.Reasons.ShouldBe([ContactReason.DoNotCall]);
        (await consents.CheckAsync(call with { Purpose = ContactPurpose.ContractMaintenance }))!.Allowed.ShouldBeTrue();

        // Consent given again after the registration lifts it.
        clock.Advance(TimeSpan.FromDays(3));
        await consents.RecordAsync(agent, family.HongId, new ConsentChange(ContactChannel.Phone, true, false, "branch"));
        (await consents.CheckAsync(call with { At = clock.GetUtcNow().AddHours(1) }))!.Allowed.ShouldBeTrue();
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task DoNotCallImport_FileWithoutThePhoneColumn_FailsAndWritesNothing()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var dir = Directory.CreateTempSubdirectory("dnc-");
        var path = Path.Combine(dir.FullName, "customers.csv");
        await File.WriteAllTextAsync(path, "name,registered_on\nx,2026-01-01\n");
        var import = new DoNotCallImport(db.Database, Protector(), Policy, new StepClock(Noon), NullLogger<DoNotCallImport>.Instance);

        var result = await import.ImportAsync(path, "cli:test");

        result.ExitCode.ShouldBe(1);
        result.Error!.ShouldContain("phone");
        await using var read = db.CreateContext();
        (await read.Set<DoNotCall>().CountAsync()).ShouldBe(0);
        dir.Delete(recursive: true);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ConsentDncImportVerb_ExitsZeroTwoOrOne_AndNeedsAnImportAccount(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var good = Imports.ImportTestKit.WriteCsv("dnc.csv", "phone,registered_on,scope\n010-1111-2222,2025-01-02,sms\n02-345-6789,2024-12-31,phone\n");
        var mixed = Imports.ImportTestKit.WriteCsv("dnc-bad.csv", "phone,registered_on\n010-1111-3333,2025-01-02\n12345,2025-01-02\n");
        var wrong = Imports.ImportTestKit.WriteCsv("not-dnc.csv", "name,birth_date\nx,1980-01-01\n");

        (await Imports.ImportTestKit.RunAsync(db, "consent", "dnc-import", good)).ShouldBe(0);
        (await Imports.ImportTestKit.RunAsync(db, "consent", "dnc-import", good)).ShouldBe(0);
        (await Imports.ImportTestKit.RunAsync(db, "consent", "dnc-import", mixed)).ShouldBe(2);
        File.Exists(mixed + ".rejects.csv").ShouldBeTrue();
        (await Imports.ImportTestKit.RunAsync(db, "consent", "dnc-import", wrong)).ShouldBe(1);

        await TestUsers.AddAsync(db, "agent-x", Role.Agent);
        var asAgent = await Cli.CliApp.RunAsync(["consent", "dnc-import", good, "--as", "agent-x"],
            new ConfigurationBuilder().AddInMemoryCollection(db.Settings).Build());
        asAgent.ShouldBe(1);

        await using var read = db.CreateContext();
        (await read.Set<DoNotCall>().CountAsync()).ShouldBe(3);
        (await read.AccessLog.AsNoTracking().Select(e => e.Detail).ToListAsync()).Count(d => d!.StartsWith("dnc-import", StringComparison.Ordinal)).ShouldBe(3);
    }

    private sealed class StepClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
