using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Planning;
using InsureCrm.Core.Common;
using InsureCrm.Tests;

namespace InsureCrm.Core.Tests.Campaigns.Planning;

public sealed class UniversalHoldoutTests
{
    private const int Book = 200_000;
    private static readonly DateTime Now = new(2026, 3, 2, 1, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Contains_AYearsSaltAndShare_HoldsOutAboutTheShareAndTheSameCustomersEachTime()
    {
        var year = new HoldoutYear { Year = 2026, Share = 0.05m, Salt = 123_456_789 };

        var first = Enumerable.Range(1, Book).Where(id => UniversalHoldout.Contains(year, id)).ToList();
        var again = Enumerable.Range(1, Book).Where(id => UniversalHoldout.Contains(year, id)).ToList();

        again.ShouldBe(first);
        ((double)first.Count / Book).ShouldBe(0.05, 5 * Math.Sqrt(0.05 * 0.95 / Book));
    }

    [Fact]
    public void Contains_NextYearsSalt_RedrawsTheHoldout()
    {
        var thisYear = Enumerable.Range(1, Book).Where(id => UniversalHoldout.Contains(1L, 0.05m, id)).ToHashSet();
        var nextYear = Enumerable.Range(1, Book).Where(id => UniversalHoldout.Contains(2L, 0.05m, id)).ToHashSet();

        // Independent draws: about 5 % of one year's holdout is in the next one's too (≈ 500 of ≈ 10,000).
        var both = thisYear.Intersect(nextYear).Count();
        ((double)both / thisYear.Count).ShouldBe(0.05, 0.01);
    }

    [Fact]
    public void Contains_ShareZero_HoldsOutNobody() =>
        Enumerable.Range(1, 10_000).Any(id => UniversalHoldout.Contains(77L, 0m, id)).ShouldBeFalse();

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task EnsureYearAsync_FirstUse_FreezesShareAndSaltForTheYear(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using (var ctx = db.CreateContext())
        {
            var created = await UniversalHoldout.EnsureYearAsync(ctx, 2026, 0.05m, 111, "marketer", Now);
            created.Share.ShouldBe(0.05m);
            created.Salt.ShouldBe(111);
        }

        // A later configuration change (share 0.10) and another drawn salt do not move this year's holdout.
        await using (var ctx = db.CreateContext())
        {
            var stored = await UniversalHoldout.EnsureYearAsync(ctx, 2026, 0.10m, 222, "admin", Now.AddDays(30));
            stored.Share.ShouldBe(0.05m);
            stored.Salt.ShouldBe(111);
            stored.CreatedBy.ShouldBe("marketer");
        }

        // The next year is drawn anew, with the share configured by then.
        await using (var ctx = db.CreateContext())
        {
            var next = await UniversalHoldout.EnsureYearAsync(ctx, 2027, 0.10m, 333, "admin", Now.AddYears(1));
            next.Share.ShouldBe(0.10m);
            next.Salt.ShouldBe(333);
            ctx.HoldoutYears.Count().ShouldBe(2);
        }
    }

    [Fact]
    public async Task EnsureYearAsync_ShareOverTwentyPercent_IsRefused()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var ctx = db.CreateContext();

        await Should.ThrowAsync<ArgumentOutOfRangeException>(() => UniversalHoldout.EnsureYearAsync(ctx, 2026, 0.25m, 1, "marketer", Now));
        ctx.HoldoutYears.Count().ShouldBe(0);
    }
}
