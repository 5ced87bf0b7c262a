using InsureCrm.Core.Security;

namespace InsureCrm.Core.Tests.Security;

public class SessionCheckCacheTests
{
    private static readonly DateTime Noon = new(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task ClaimTouch_SixteenRequestsFindTheTouchDueAtOnce_OnlyOneWrites()
    {
        var cache = new SessionCheckCache();
        using var start = new Barrier(16);

        var claims = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return cache.ClaimTouch("s1", Noon, TimeSpan.FromMinutes(1));
        })));

        claims.Count(c => c).ShouldBe(1);
    }

    [Fact]
    public void ClaimTouch_AgainWithinTheInterval_IsRefused_AfterIt_OrForAnotherSession_IsGranted()
    {
        var cache = new SessionCheckCache();
        var interval = TimeSpan.FromMinutes(1);

        cache.ClaimTouch("s1", Noon, interval).ShouldBeTrue();
        cache.ClaimTouch("s1", Noon.AddSeconds(59), interval).ShouldBeFalse();
        cache.ClaimTouch("s2", Noon.AddSeconds(59), interval).ShouldBeTrue();
        cache.ClaimTouch("s1", Noon.AddMinutes(1), interval).ShouldBeTrue();
        // A touch interval of zero writes on every request.
        cache.ClaimTouch("s3", Noon, TimeSpan.Zero).ShouldBeTrue();
        cache.ClaimTouch("s3", Noon, TimeSpan.Zero).ShouldBeTrue();
    }
}
