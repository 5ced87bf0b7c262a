using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Core.Tests.Value;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Tests.Security;

public class AccessLogTests
{
    private static readonly CrmUser Agent = new(7, "agent", Role.Agent, 11, 3, "s1", "10.0.0.7");

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Record_ConcurrentWriters_KeepOneLinearChain(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var log = CoreServices.Log(db);

        await Task.WhenAll(Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 8; i++)
            {
                await log.RecordManyAsync(Agent, [new AccessEvent(AccessAction.Search, w * 100 + i), new AccessEvent(AccessAction.Search, w * 100 + i + 50)]);
            }
        })));
        var result = await log.VerifyAsync();

        (result.Intact, result.Entries, result.FirstBrokenId).ShouldBe((true, 96L, (long?)null));
        await using var read = db.CreateContext();
        var first = await read.AccessLog.AsNoTracking().OrderBy(e => e.Id).FirstAsync();
        (first.UserName, first.Role, first.Ip, first.UserId, first.PrevHash).ShouldBe(("agent", Role.Agent, "10.0.0.7", (long?)7, ""));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Database_UpdateOrDelete_IsRefusedAndATamperedRowIsFoundByVerify(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var log = CoreServices.Log(db);
        for (var i = 1; i <= 5; i++)
        {
            await log.RecordAsync(Agent, new AccessEvent(AccessAction.View, i, AccessReason.Inquiry));
        }
        await using var ctx = db.CreateContext();
        var third = await ctx.AccessLog.AsNoTracking().OrderBy(e => e.Id).Skip(2).Select(e => e.Id).FirstAsync();

        await Should.ThrowAsync<Exception>(() => ctx.Database.ExecuteSqlAsync($"UPDATE access_log_entry SET reason = 'edited' WHERE id = {third}"));
        await Should.ThrowAsync<Exception>(() => ctx.Database.ExecuteSqlAsync($"DELETE FROM access_log_entry WHERE id = {third}"));
        (await log.VerifyAsync()).Intact.ShouldBeTrue();

        // Someone with the rights to lift the guard edits a row: the chain shows where.
        await ctx.Database.ExecuteSqlRawAsync(provider == DatabaseProvider.Postgres
            ? "ALTER TABLE access_log_entry DISABLE TRIGGER access_log_entry_append_only"
            : "DROP TRIGGER access_log_entry_append_only_update");
        await ctx.Database.ExecuteSqlAsync($"UPDATE access_log_entry SET reason = 'edited' WHERE id = {third}");

        var result = await log.VerifyAsync();
        result.Intact.ShouldBeFalse();
        result.FirstBrokenId.ShouldBe(third);
        result.Entries.ShouldBe(2);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Purge_AfterRetention_RemovesOldEntriesAndTheChainStillVerifiesFromTheAnchor(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var clock = new ManualClock(new DateTimeOffset(2024, 1, 10, 0, 0, 0, TimeSpan.Zero));
        var log = CoreServices.Log(db, clock);
        await log.RecordAsync(Agent, new AccessEvent(AccessAction.View, 1));
        await log.RecordAsync(Agent, new AccessEvent(AccessAction.View, 2));
        clock.Now = clock.Now.AddDays(400);
        await log.RecordAsync(Agent, new AccessEvent(AccessAction.View, 3));

        clock.Now = clock.Now.AddDays(340); // the first two are 740 days old, the third 340
        var purged = await log.PurgeAsync();
        await log.RecordAsync(Agent, new AccessEvent(AccessAction.View, 4));

        purged.Purged.ShouldBe(2);
        var result = await log.VerifyAsync();
        result.Intact.ShouldBeTrue();
        result.Entries.ShouldBe(2);
        await using var read = db.CreateContext();
        (await read.AccessLog.AsNoTracking().OrderBy(e => e.Id).Select(e => e.CustomerId).ToListAsync()).ShouldBe([3, 4]);
        (await read.Set<AccessLogAnchor>().AsNoTracking().SingleAsync()).PurgedCount.ShouldBe(2);
        // The guard is back after the purge.
        await Should.ThrowAsync<Exception>(() => read.Database.ExecuteSqlRawAsync("DELETE FROM access_log_entry"));
    }

    [Fact]
    public void Options_RetentionUnderTwoYears_IsRefusedAtStart() =>
        Should.Throw<InvalidOperationException>(() => new AccessLogOptions { RetentionDays = 365 }.Validate())
            .Message.ShouldContain("730");

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Review_Month_CountsPerUserOffHoursAndBusyDaysInSeoulTime(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var clock = new ManualClock(new DateTimeOffset(2026, 10, 5, 10, 0, 0, TimeSpan.FromHours(9)));
        var options = new AccessLogOptions { DailyCustomerThreshold = 2 };
        var log = CoreServices.Log(db, clock, options);
        var clerk = Agent with { UserName = "clerk", Role = Role.CallCenter };
        await log.RecordManyAsync(Agent, [new AccessEvent(AccessAction.Search, 1), new AccessEvent(AccessAction.Search, 2)]);
        await log.RecordAsync(Agent, new AccessEvent(AccessAction.View, 1, AccessReason.Inquiry));
        await log.RecordAsync(clerk, new AccessEvent(AccessAction.View, 5, AccessReason.Inquiry));
        clock.Now = new DateTimeOffset(2026, 10, 6, 22, 30, 0, TimeSpan.FromHours(9)); // 13:30 UTC, 22:30 in Seoul
        await log.RecordManyAsync(clerk, [.. Enumerable.Range(10, 3).Select(i => new AccessEvent(AccessAction.Search, i))]);
        await log.RecordAsync(clerk, new AccessEvent(AccessAction.Unmask, 10, AccessReason.Inquiry, "field=rrn"));
        clock.Now = new DateTimeOffset(2026, 11, 1, 0, 30, 0, TimeSpan.FromHours(9)); // still October in UTC, November in Seoul
        await log.RecordAsync(clerk, new AccessEvent(AccessAction.View, 99, AccessReason.Inquiry));

        await using var ctx = db.CreateContext();
        var report = await new AccessReview(ctx, log, options).BuildAsync(2026, 10);

        report.Chain.Intact.ShouldBeTrue();
        report.Users.ShouldBe(
        [
            new AccessReviewRow("agent", Role.Agent, Views: 1, Searches: 2, Changes: 0, Unmasks: 0, Downloads: 0, Other: 0, OffHours: 0, MaxCustomersPerDay: 2, DaysOverThreshold: 0),
            new AccessReviewRow("clerk", Role.CallCenter, Views: 1, Searches: 3, Changes: 0, Unmasks: 1, Downloads: 0, Other: 0, OffHours: 4, MaxCustomersPerDay: 3, DaysOverThreshold: 1),
        ]);
        report.Users[1].Flagged.ShouldBeTrue();
        report.Users[0].Flagged.ShouldBeFalse();
        AccessReview.ToCsv(report).ShouldContain("clerk,CallCenter,1,3,0,1,0,0,4,3,1,0,yes");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Review_RefusedAttempts_AreCountedAndFlaggedButAreNoCustomersReached(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var clock = new ManualClock(new DateTimeOffset(2026, 10, 5, 10, 0, 0, TimeSpan.FromHours(9)));
        var options = new AccessLogOptions { DailyCustomerThreshold = 2 };
        var log = CoreServices.Log(db, clock, options);
        await log.RecordAsync(Agent, new AccessEvent(AccessAction.View, 1));
        await log.RecordManyAsync(Agent, [.. Enumerable.Range(500, 5).Select(i => new AccessEvent(AccessAction.Denied, i, null, "view: out-of-scope"))]);

        await using var ctx = db.CreateContext();
        var report = await new AccessReview(ctx, log, options).BuildAsync(2026, 10);

        var agent = report.Users.ShouldHaveSingleItem();
        (agent.Views, agent.Denied, agent.Other, agent.MaxCustomersPerDay, agent.DaysOverThreshold, agent.Flagged).ShouldBe((1, 5, 0, 1, 0, true));
        AccessReview.ToCsv(report).ShouldContain("days_over_threshold,denied,flagged\nagent,Agent,1,0,0,0,0,0,0,1,0,5,yes\n");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task NightlyVacuum_MarksTheDaysEntriesVisible_WhileAutovacuumLeavesTheGrowingLogAlone(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var log = CoreServices.Log(db);
        for (var i = 0; i < 20; i++)
        {
            await log.RecordManyAsync(Agent, [.. Enumerable.Range(0, 50).Select(c => new AccessEvent(AccessAction.Search, i * 100 + c))]);
        }

        var result = await new AccessLogVacuumStep(db.Database).RunAsync(new DateOnly(2026, 12, 3), CancellationToken.None);

        var chain = await log.VerifyAsync();
        (chain.Intact, chain.Entries).ShouldBe((true, 1000L), "the vacuum changes no entry");
        if (provider == DatabaseProvider.Sqlite)
        {
            // An append-only file has no free pages: nothing to rewrite.
            result.Summary.ShouldHaveSingleItem().ShouldStartWith("Access log: nothing to vacuum, 0 of its file's");
            return;
        }
        result.Summary.ShouldHaveSingleItem().ShouldStartWith("Access log: vacuumed");
        await using var ctx = db.CreateContext();
        var conn = ctx.Database.GetDbConnection();
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT relallvisible, array_to_string(reloptions, ',') FROM pg_class WHERE oid = 'access_log_entry'::regclass";
        await using var reader = await cmd.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        reader.GetInt32(0).ShouldBeGreaterThan(0, "the step's vacuum marked the appended pages all-visible");
        reader.GetString(1).ShouldBe("autovacuum_vacuum_insert_threshold=-1", "appends alone never wake autovacuum on the access log");
    }

    [Fact]
    public async Task NightlyVacuum_Sqlite_AfterAPurgeFreedItsPages_RewritesTheLogsFileAloneAndTheChainStillVerifies()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var clock = new ManualClock(new DateTimeOffset(2024, 1, 10, 0, 0, 0, TimeSpan.Zero));
        var log = CoreServices.Log(db, clock);
        for (var i = 0; i < 20; i++)
        {
            await log.RecordManyAsync(Agent, [.. Enumerable.Range(0, 50).Select(c => new AccessEvent(AccessAction.Search, i * 100 + c, Detail: new string('x', 200)))]);
        }
        clock.Now = clock.Now.AddDays(800);
        await log.RecordAsync(Agent, new AccessEvent(AccessAction.View, 1));
        (await log.PurgeAsync()).Purged.ShouldBe(1000);
        var (logPages, mainPages) = (await PragmaAsync(db, "access_log.page_count"), await PragmaAsync(db, "main.page_count"));
        var freeBefore = await PragmaAsync(db, "access_log.freelist_count");
        freeBefore.ShouldBeGreaterThan(logPages / 2, "the purge freed most of the log's pages");

        var result = await new AccessLogVacuumStep(db.Database).RunAsync(new DateOnly(2026, 3, 20), CancellationToken.None);

        result.Summary.ShouldHaveSingleItem().ShouldStartWith("Access log: vacuumed its file");
        (await PragmaAsync(db, "access_log.freelist_count")).ShouldBe(0);
        (await PragmaAsync(db, "access_log.page_count")).ShouldBeLessThan(logPages);
        (await PragmaAsync(db, "main.page_count")).ShouldBe(mainPages, "the main file is not rewritten");
        var chain = await log.VerifyAsync();
        (chain.Intact, chain.Entries).ShouldBe((true, 1L));
        // The next night has nothing to do.
        (await new AccessLogVacuumStep(db.Database).RunAsync(new DateOnly(2026, 3, 21), CancellationToken.None)).Summary
            .ShouldHaveSingleItem().ShouldStartWith("Access log: nothing to vacuum, 0 of");
    }

    private static async Task<long> PragmaAsync(TestDatabase db, string pragma)
    {
        await using var connection = await db.Database.OpenConnectionAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"PRAGMA {pragma}";
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();
    }

    /// <summary>
    /// A checkpoint file that names an entry this database's log does not hold (another database's log wrote it with the
    /// same key file, or the log was tampered with) is kept as evidence, and said once: the following batches neither
    /// overwrite it nor warn about it again.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Record_CheckpointOfAnotherDatabasesLog_KeptAndReportedOnceOverManyBatches(DatabaseProvider provider)
    {
        await using var first = await TestDatabase.CreateAsync(provider);
        await using var second = await TestDatabase.CreateAsync(provider);
        var sharedKey = AccessLogKey.From(new ProtectionOptions { KeyFile = first.KeyFile });

        var firstLog = new AccessLog(first.Database, TimeProvider.System, new AccessLogOptions(), sharedKey);
        for (var i = 1; i <= 3; i++)
        {
            await firstLog.RecordAsync(Agent, new AccessEvent(AccessAction.View, i, AccessReason.Inquiry));
        }
        var written = await File.ReadAllTextAsync(firstLog.CheckpointFile);

        using var logs = new ListLoggerFactory();
        var secondLog = new AccessLog(second.Database, TimeProvider.System, new AccessLogOptions(), sharedKey, new Logger<AccessLog>(logs));
        for (var i = 1; i <= 6; i++)
        {
            await secondLog.RecordAsync(Agent, new AccessEvent(AccessAction.View, i, AccessReason.Inquiry));
        }

        secondLog.Batches.ShouldBe(6);
        (await File.ReadAllTextAsync(secondLog.CheckpointFile)).ShouldBe(written);
        logs.Lines.Count(l => l.Contains("no longer holds entry", StringComparison.Ordinal)).ShouldBe(1);
        // The verification still says what the kept checkpoint shows.
        var verified = await secondLog.VerifyAsync();
        verified.Intact.ShouldBeFalse();
        verified.Fault.ShouldBeOneOf(ChainFault.Checkpoint, ChainFault.Missing);
    }
}
