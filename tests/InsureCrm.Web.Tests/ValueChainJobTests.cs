using InsureCrm.Core.Common;
using InsureCrm.Core.Value;
using InsureCrm.Tests;
using InsureCrm.Web.Value;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace InsureCrm.Web.Tests;

public sealed class ValueChainJobTests
{
    private static readonly TimeZoneInfo Seoul = TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");

    [Theory]
    [InlineData("2026-11-21T16:00:00Z", 60, "2026-11-22")]
    [InlineData("2026-11-21T17:00:00Z", 24 * 60, "2026-11-23")]
    [InlineData("2026-11-21T17:30:00Z", 23 * 60 + 30, "2026-11-23")]
    public void NextRun_SeoulTwoAm_WaitsUntilTheNextLocalTwoAm(string nowUtc, int minutes, string asOf)
    {
        var (delay, date) = ValueChainJob.NextRun(DateTimeOffset.Parse(nowUtc, System.Globalization.CultureInfo.InvariantCulture), Seoul, new TimeOnly(2, 0));

        delay.ShouldBe(TimeSpan.FromMinutes(minutes));
        date.ShouldBe(DateOnly.Parse(asOf, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RunOnce_AnotherNodeHoldsTheLock_SkipsOnPostgresAndRunsWhenFree(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db, new Dictionary<string, string?> { ["Value:Schedule:Enabled"] = "false" });
        await CustomerApiTests.SeedAsync(factory);
        var job = factory.Services.GetRequiredService<ValueChainJob>();
        var asOf = new DateOnly(2026, 3, 2);

        if (provider == DatabaseProvider.Postgres)
        {
            // Unpooled, so that the lock is this session's alone.
            await using var otherNode = new NpgsqlConnection(db.ConnectionString + ";Pooling=false");
            await otherNode.OpenAsync();
            await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(7201010)", otherNode))
            {
                await take.ExecuteScalarAsync();
            }
            (await job.RunOnceAsync(asOf, CancellationToken.None)).ShouldBeFalse();
            // The other node lets go. Closing its session would too, but the server ends a closed session's backend (and
            // with it the lock) a moment later, so the next run could still find the lock held.
            await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock(7201010)", otherNode))
            {
                (await release.ExecuteScalarAsync()).ShouldBe(true);
            }
        }
        await using (var ctx = db.CreateContext())
        {
            (await ctx.Set<ValueRun>().AnyAsync()).ShouldBeFalse();
        }

        (await job.RunOnceAsync(asOf, CancellationToken.None)).ShouldBeTrue();

        await using var check = db.CreateContext();
        (await check.Set<ValueRun>().SingleAsync()).RunDate.ShouldBe(asOf);
        (await check.Set<CustomerLifecycle>().AnyAsync()).ShouldBeTrue();
    }
}
