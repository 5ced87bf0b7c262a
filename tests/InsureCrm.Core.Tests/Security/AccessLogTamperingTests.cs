using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using InsureCrm.Cli.Security;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Tests.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace InsureCrm.Tests.Security;

/// <summary>
/// Each way someone with write access to the database (but not to the key file) could rewrite the access
/// log is either refused by the database or reported by <c>access-log verify</c>.
/// </summary>
[Collection(nameof(ConsoleSwappingTests))]
public class AccessLogTamperingTests
{
    private static readonly CrmUser Agent = new(7, "agent", Role.Agent, 11, 3, "s1", "10.0.0.7");

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Replace_OfAnExistingEntry_IsRefusedByTheDatabase(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var log = CoreServices.Log(db);
        await RecordAsync(log, 5);
        await using var ctx = db.CreateContext();
        var third = await ctx.AccessLog.AsNoTracking().OrderBy(e => e.Id).Skip(2).FirstAsync();
        var forged = Forge(third, "intruder", "edited");

        var replace = provider == DatabaseProvider.Sqlite
            ? ctx.Database.ExecuteSqlAsync($"""
                INSERT OR REPLACE INTO access_log_entry (id, at, user_id, user_name, role, ip, customer_id, action, reason, detail, prev_hash, hash)
                VALUES ({forged.Id}, {forged.At}, {forged.UserId}, {forged.UserName}, {forged.Role.ToString()}, {forged.Ip}, {forged.CustomerId}, {forged.Action.ToString()}, {forged.Reason}, {forged.Detail}, {forged.PrevHash}, {forged.Hash})
                """)
            : ctx.Database.ExecuteSqlAsync($"""
                INSERT INTO access_log_entry (id, at, user_id, user_name, role, ip, customer_id, action, reason, detail, prev_hash, hash)
                VALUES ({forged.Id}, {forged.At}, {forged.UserId}, {forged.UserName}, {forged.Role.ToString()}, {forged.Ip}, {forged.CustomerId}, {forged.Action.ToString()}, {forged.Reason}, {forged.Detail}, {forged.PrevHash}, {forged.Hash})
                ON CONFLICT (id) DO UPDATE SET user_name = excluded.user_name, reason = excluded.reason, hash = excluded.hash
                """);
        (await Should.ThrowAsync<Exception>(() => replace)).Message.ShouldContain("access_log_entry is append-only");
        if (provider == DatabaseProvider.Sqlite)
        {
            (await Should.ThrowAsync<Exception>(() => ctx.Database.ExecuteSqlAsync($"""
                INSERT INTO access_log_entry (id, at, user_id, user_name, role, ip, customer_id, action, reason, detail, prev_hash, hash)
                VALUES ({forged.Id}, {forged.At}, {forged.UserId}, {forged.UserName}, {forged.Role.ToString()}, {forged.Ip}, {forged.CustomerId}, {forged.Action.ToString()}, {forged.Reason}, {forged.Detail}, {forged.PrevHash}, {forged.Hash})
                ON CONFLICT (id) DO UPDATE SET user_name = excluded.user_name, reason = excluded.reason, hash = excluded.hash
                """))).Message.ShouldContain("access_log_entry is append-only");
        }

        var kept = await ctx.AccessLog.AsNoTracking().SingleAsync(e => e.Id == third.Id);
        (kept.UserName, kept.Reason).ShouldBe(("agent", AccessReason.Inquiry));
        (await log.VerifyAsync()).Intact.ShouldBeTrue();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Verify_EntryRewrittenAndChainRecomputedWithoutTheKey_IsBroken(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var log = CoreServices.Log(db);
        await RecordAsync(log, 6);
        await using var ctx = db.CreateContext();
        var entries = await ctx.AccessLog.AsNoTracking().OrderBy(e => e.Id).ToListAsync();

        await LiftGuardAsync(ctx, provider);
        await RewriteFromAsync(ctx, entries, index: 2, "intruder", "edited");

        var result = await log.VerifyAsync();
        result.Intact.ShouldBeFalse();
        result.FirstBrokenId.ShouldBe(entries[2].Id);
        result.Entries.ShouldBe(2);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Verify_LastEntriesDeletedWithTheGuardLifted_IsBroken(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var log = CoreServices.Log(db);
        await RecordAsync(log, 5);
        await using var ctx = db.CreateContext();
        var entries = await ctx.AccessLog.AsNoTracking().OrderBy(e => e.Id).ToListAsync();

        await LiftGuardAsync(ctx, provider);
        await ctx.Database.ExecuteSqlAsync($"DELETE FROM access_log_entry WHERE id >= {entries[3].Id}");

        var result = await log.VerifyAsync();
        result.Intact.ShouldBeFalse();
        result.FirstBrokenId.ShouldBe(entries[4].Id);
        result.Entries.ShouldBe(3);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Verify_LastEntriesDeletedThenMoreAppended_StaysBroken(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var log = CoreServices.Log(db);
        await RecordAsync(log, 5);
        await using var ctx = db.CreateContext();
        var entries = await ctx.AccessLog.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
        await LiftGuardAsync(ctx, provider);
        await ctx.Database.ExecuteSqlAsync($"DELETE FROM access_log_entry WHERE id >= {entries[3].Id}");

        // The log goes on past the removed entries' positions: the checkpoint of entry 5 is not replaced.
        await RecordAsync(CoreServices.Log(db), 6);

        var result = await log.VerifyAsync();
        result.Intact.ShouldBeFalse();
        result.Fault.ShouldBe(ChainFault.Missing);
        result.FirstBrokenId.ShouldBe(entries[4].Id);
        result.Entries.ShouldBe(9);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Verify_EveryEntryDeletedWithTheGuardLifted_IsBroken(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var log = CoreServices.Log(db);
        await RecordAsync(log, 3);
        await using var ctx = db.CreateContext();

        await LiftGuardAsync(ctx, provider);
        await ctx.Database.ExecuteSqlRawAsync("DELETE FROM access_log_entry");

        (await log.VerifyAsync()).Intact.ShouldBeFalse();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Verify_UntamperedLogAfterManyAppendsAndAPurge_IsIntact(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var clock = new ManualClock(new DateTimeOffset(2024, 1, 10, 0, 0, 0, TimeSpan.Zero));
        var log = CoreServices.Log(db, clock);
        for (var i = 0; i < 40; i++)
        {
            await log.RecordManyAsync(Agent, [new AccessEvent(AccessAction.Search, i), new AccessEvent(AccessAction.View, i, AccessReason.Inquiry)]);
            clock.Now = clock.Now.AddDays(1);
        }
        clock.Now = clock.Now.AddDays(730 - 20); // the first 20 days are past retention
        (await log.PurgeAsync()).Purged.ShouldBe(40);
        await RecordAsync(log, 5);

        var result = await log.VerifyAsync();

        result.Intact.ShouldBeTrue();
        result.Entries.ShouldBe(80 - 40 + 5);
        // A second reader (another node or the CLI) with the same key file agrees.
        (await CoreServices.Log(db, clock).VerifyAsync()).Intact.ShouldBeTrue();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Purge_AnchorForgedAfterDeletingTheFirstEntries_IsBroken(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var log = CoreServices.Log(db);
        await RecordAsync(log, 5);
        await using var ctx = db.CreateContext();
        var entries = await ctx.AccessLog.AsNoTracking().OrderBy(e => e.Id).ToListAsync();

        await LiftGuardAsync(ctx, provider);
        await ctx.Database.ExecuteSqlAsync($"DELETE FROM access_log_entry WHERE id <= {entries[1].Id}");
        ctx.Set<AccessLogAnchor>().Add(new AccessLogAnchor { At = DateTime.UtcNow, PurgedThroughId = entries[1].Id, PurgedCount = 2, Hash = entries[1].Hash });
        await ctx.SaveChangesAsync();

        (await log.VerifyAsync()).Intact.ShouldBeFalse();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Cli_VerifyOfARewrittenLog_SaysBrokenAtTheEntryAndExits3(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var log = CoreServices.Log(db);
        await RecordAsync(log, 4);
        (await RunAsync(db, "access-log", "verify")).ShouldBe((0, "Access log intact: 4 entries verified.\n", ""));
        await using var ctx = db.CreateContext();
        var entries = await ctx.AccessLog.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
        await LiftGuardAsync(ctx, provider);
        await RewriteFromAsync(ctx, entries, index: 1, "intruder", "edited");

        var (exit, output, error) = await RunAsync(db, "access-log", "verify");

        exit.ShouldBe(AccessLogCommands.ChainBroken);
        output.ShouldBeEmpty();
        error.ShouldStartWith(string.Create(CultureInfo.InvariantCulture, $"Access log BROKEN at entry {entries[1].Id} (after 1 good entries)"));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Cli_VerifyAfterTheLastEntriesWereDeleted_SaysEntriesAreMissingAndExits3(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var log = CoreServices.Log(db);
        await RecordAsync(log, 4);
        await using var ctx = db.CreateContext();
        var entries = await ctx.AccessLog.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
        await LiftGuardAsync(ctx, provider);
        await ctx.Database.ExecuteSqlAsync($"DELETE FROM access_log_entry WHERE id = {entries[3].Id}");

        var (exit, output, error) = await RunAsync(db, "access-log", "verify");

        exit.ShouldBe(AccessLogCommands.ChainBroken);
        output.ShouldBeEmpty();
        error.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"entry {entries[3].Id}"));
        error.ShouldContain("missing");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Migrate_LogFromBeforeTheKeyedChain_IsSealedKeepsVerifyingAndARewriteOfItIsFound(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider, migrate: false);
        await using var ctx = db.CreateContext();
        // A database as it was before migration 0016, with three entries chained the old way (SHA-256).
        await ctx.Database.ExecuteSqlRawAsync("CREATE TABLE schema_history (version varchar(20) PRIMARY KEY, name varchar(200) NOT NULL, applied_at varchar(40) NOT NULL)");
        foreach (var script in Migrator.Scripts(provider).Where(s => string.CompareOrdinal(s.Version, "0016") < 0))
        {
            await ctx.Database.ExecuteSqlRawAsync(script.Sql);
            await ctx.Database.ExecuteSqlAsync($"INSERT INTO schema_history (version, name, applied_at) VALUES ({script.Version}, {script.Name}, '2026-01-01')");
        }
        var legacy = new List<AccessLogEntry>();
        var prev = "";
        for (var i = 1; i <= 3; i++)
        {
            var e = new AccessLogEntry
            {
                Id = i, At = new DateTime(2026, 1, i, 9, 0, 0, DateTimeKind.Utc), UserId = 7, UserName = "agent", Role = Role.Agent, Ip = "10.0.0.7",
                CustomerId = i, Action = AccessAction.View, Reason = AccessReason.Inquiry, PrevHash = prev,
            };
            e.Hash = Sha256Chain(e);
            prev = e.Hash;
            legacy.Add(e);
            await ctx.Database.ExecuteSqlAsync($"""
                INSERT INTO access_log_entry (id, at, user_id, user_name, role, ip, customer_id, action, reason, detail, prev_hash, hash)
                VALUES ({e.Id}, {e.At}, {e.UserId}, {e.UserName}, {e.Role.ToString()}, {e.Ip}, {e.CustomerId}, {e.Action.ToString()}, {e.Reason}, {e.Detail}, {e.PrevHash}, {e.Hash})
                """);
        }
        if (provider == DatabaseProvider.Postgres)
        {
            await ctx.Database.ExecuteSqlRawAsync("SELECT setval(pg_get_serial_sequence('access_log_entry', 'id'), 3)");
        }
        var key = AccessLogKey.From(new ProtectionOptions { KeyFile = db.KeyFile });

        (await new Migrator(db.Database, TimeProvider.System, NullLogger<Migrator>.Instance, [new AccessLogSealStep(() => key)]).MigrateAsync())
            .ShouldContain(n => n.StartsWith("0016_", StringComparison.Ordinal));
        var log = CoreServices.Log(db);
        (await log.VerifyAsync()).ShouldSatisfyAllConditions(r => r.Intact.ShouldBeTrue(), r => r.Entries.ShouldBe(3));
        await RecordAsync(log, 2);

        (await log.VerifyAsync()).ShouldSatisfyAllConditions(r => r.Intact.ShouldBeTrue(), r => r.Entries.ShouldBe(5));
        (await ctx.AccessLog.AsNoTracking().OrderBy(e => e.Id).Select(e => e.Seq).ToListAsync()).ShouldBe([null, null, null, 4, 5]);

        // The entries from before keep their unkeyed chain, but the signed seal pins its last hash.
        await LiftGuardAsync(ctx, provider);
        await RewriteFromAsync(ctx, legacy, index: 1, "intruder", "edited");
        var result = await log.VerifyAsync();
        result.Intact.ShouldBeFalse();
        result.FirstBrokenId.ShouldBe(3);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AccessRightChange_RewriteByUpdateOrReplace_IsRefusedWhileTheRetentionPurgeStillDeletes(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var change = new AccessRightChange
        {
            At = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), ActorUserName = "boss", TargetUserId = 9, TargetUserName = "lee",
            Kind = AccessRightChangeKind.RoleChanged, OldRole = Role.Agent, NewRole = Role.Admin,
        };
        ctx.Add(change);
        await ctx.SaveChangesAsync();

        (await Should.ThrowAsync<Exception>(() => ctx.Database.ExecuteSqlAsync($"UPDATE access_right_change SET actor_user_name = 'someone' WHERE id = {change.Id}")))
            .Message.ShouldContain("access_right_change is append-only");
        (await Should.ThrowAsync<Exception>(() => provider == DatabaseProvider.Sqlite
            ? ctx.Database.ExecuteSqlAsync($"""
                INSERT OR REPLACE INTO access_right_change (id, at, actor_user_name, target_user_id, target_user_name, kind, old_role, new_role)
                VALUES ({change.Id}, {change.At}, 'someone', 9, 'lee', 'RoleChanged', 'Agent', 'Admin')
                """)
            : ctx.Database.ExecuteSqlAsync($"""
                INSERT INTO access_right_change (id, at, actor_user_name, target_user_id, target_user_name, kind, old_role, new_role)
                VALUES ({change.Id}, {change.At}, 'someone', 9, 'lee', 'RoleChanged', 'Agent', 'Admin')
                ON CONFLICT (id) DO UPDATE SET actor_user_name = excluded.actor_user_name
                """))).Message.ShouldContain("access_right_change is append-only");
        (await ctx.Set<AccessRightChange>().AsNoTracking().SingleAsync()).ActorUserName.ShouldBe("boss");

        (await ctx.Set<AccessRightChange>().Where(c => c.At < new DateTime(2021, 1, 1, 0, 0, 0, DateTimeKind.Utc)).ExecuteDeleteAsync()).ShouldBe(1);
    }

    private static async Task RecordAsync(AccessLog log, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            await log.RecordAsync(Agent, new AccessEvent(AccessAction.View, i, AccessReason.Inquiry));
        }
    }

    /// <summary>What someone with the rights to lift the append-only guard does first.</summary>
    private static async Task LiftGuardAsync(CrmDbContext ctx, DatabaseProvider provider) =>
        await ctx.Database.ExecuteSqlRawAsync(provider == DatabaseProvider.Postgres
            ? "ALTER TABLE access_log_entry DISABLE TRIGGER USER"
            : """
                DROP TRIGGER IF EXISTS access_log_entry_append_only_update;
                DROP TRIGGER IF EXISTS access_log_entry_append_only_delete;
                """);

    /// <summary>Changes the user and reason of entries[index] and recomputes the chain from there, as the published scheme says.</summary>
    private static async Task RewriteFromAsync(CrmDbContext ctx, List<AccessLogEntry> entries, int index, string user, string reason)
    {
        var prev = entries[index].PrevHash;
        for (var i = index; i < entries.Count; i++)
        {
            var e = i == index ? Forge(entries[i], user, reason) : entries[i];
            e.PrevHash = prev;
            e.Hash = Sha256Chain(e);
            prev = e.Hash;
            await ctx.Database.ExecuteSqlAsync(
                $"UPDATE access_log_entry SET user_name = {e.UserName}, reason = {e.Reason}, prev_hash = {e.PrevHash}, hash = {e.Hash} WHERE id = {e.Id}");
        }
    }

    private static AccessLogEntry Forge(AccessLogEntry e, string user, string reason)
    {
        var forged = new AccessLogEntry
        {
            Id = e.Id, At = e.At, UserId = e.UserId, UserName = user, Role = e.Role, Ip = e.Ip, CustomerId = e.CustomerId,
            Action = e.Action, Reason = reason, Detail = e.Detail, PrevHash = e.PrevHash,
        };
        forged.Hash = Sha256Chain(forged);
        return forged;
    }

    /// <summary>The unkeyed chain as an attacker computes it: SHA-256 over the previous hash and the length-prefixed fields.</summary>
    private static string Sha256Chain(AccessLogEntry e)
    {
        var sb = new StringBuilder();
        foreach (var value in new[]
        {
            e.PrevHash, e.At.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture), e.UserId?.ToString(CultureInfo.InvariantCulture),
            e.UserName, e.Role.ToString(), e.Ip, e.CustomerId?.ToString(CultureInfo.InvariantCulture), e.Action.ToString(), e.Reason, e.Detail,
        })
        {
            sb.Append(value is null ? "-;" : string.Create(CultureInfo.InvariantCulture, $"{value.Length}:{value};"));
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    private static Task<(int Exit, string Output, string Error)> RunAsync(TestDatabase db, params string[] args) =>
        Models.CliConsole.RunAsync(new ConfigurationBuilder().AddInMemoryCollection(db.Settings).Build(), args);

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();
    }
}
