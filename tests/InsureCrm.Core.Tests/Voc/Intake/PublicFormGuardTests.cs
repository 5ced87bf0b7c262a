using System.Net;
using InsureCrm.Core.Voc.Intake;

namespace InsureCrm.Tests.Voc.Intake;

/// <summary>The public form's CAPTCHA-free rule, one test per way it refuses, on a clock the test moves.</summary>
public sealed class PublicFormGuardTests
{
    private static readonly IPAddress Home = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress Office = IPAddress.Parse("198.51.100.20");

    private readonly Clock _clock = new(new DateTimeOffset(2026, 12, 5, 1, 0, 0, TimeSpan.Zero));
    private readonly PublicFormGuardOptions _options = new() { Key = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()) };
    private readonly InMemoryPublicFormStore _store = new();

    private PublicFormGuard Guard() => new(_options, _store, _clock);

    /// <summary>Serves a form, lets a person take 30 seconds, and submits it.</summary>
    private async Task<PublicFormVerdict> SubmitAsync(string text, IPAddress? from = null, string? honeypot = null, PublicFormGuard? guard = null)
    {
        guard ??= Guard();
        var token = guard.IssueToken();
        _clock.Advance(TimeSpan.FromSeconds(30));
        return await guard.CheckAsync(new PublicFormSubmission(from ?? Home, token, honeypot, text));
    }

    [Fact]
    public async Task Check_APersonFillingTheFormOnce_IsAccepted()
    {
        var verdict = await SubmitAsync("보험금 지급이 늦어지고 있습니다.");

        verdict.Accepted.ShouldBeTrue();
        verdict.Refusal.ShouldBe(PublicFormRefusal.None);
    }

    [Fact]
    public async Task Check_HoneypotFilled_IsRefusedButLooksAccepted()
    {
        var verdict = await SubmitAsync("buy cheap pills", honeypot: "http://spam.example");

        verdict.Accepted.ShouldBeFalse();
        verdict.Refusal.ShouldBe(PublicFormRefusal.Honeypot);
        verdict.PretendAccepted.ShouldBeTrue();
    }

    [Fact]
    public async Task Check_SentFasterThanAPersonCanWrite_IsRefusedAndCanBeSentAgainLater()
    {
        var guard = Guard();
        var token = guard.IssueToken();
        _clock.Advance(TimeSpan.FromSeconds(1));

        var fast = await guard.CheckAsync(new PublicFormSubmission(Home, token, null, "빠른 제출"));
        _clock.Advance(TimeSpan.FromSeconds(10));
        var later = await guard.CheckAsync(new PublicFormSubmission(Home, token, null, "빠른 제출"));

        fast.Refusal.ShouldBe(PublicFormRefusal.TooFast);
        fast.RetryAfter.ShouldBe(TimeSpan.FromSeconds(4));
        later.Accepted.ShouldBeTrue();
    }

    [Fact]
    public async Task Check_MissingForgedExpiredOrReusedToken_IsRefused()
    {
        var guard = Guard();
        var token = guard.IssueToken();
        var otherKey = new PublicFormGuard(new PublicFormGuardOptions { Key = Convert.ToBase64String(new byte[32]) }, _store, _clock).IssueToken();
        var altered = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];
        _clock.Advance(TimeSpan.FromMinutes(1));

        (await guard.CheckAsync(new PublicFormSubmission(Office, null, null, "a"))).Refusal.ShouldBe(PublicFormRefusal.TokenMissing);
        (await guard.CheckAsync(new PublicFormSubmission(Office, otherKey, null, "b"))).Refusal.ShouldBe(PublicFormRefusal.TokenInvalid);
        (await guard.CheckAsync(new PublicFormSubmission(Office, altered, null, "c"))).Refusal.ShouldBe(PublicFormRefusal.TokenInvalid);
        (await guard.CheckAsync(new PublicFormSubmission(Office, "not a token at all", null, "d"))).Refusal.ShouldBe(PublicFormRefusal.TokenInvalid);
        (await guard.CheckAsync(new PublicFormSubmission(Home, token, null, "e"))).Accepted.ShouldBeTrue();
        (await guard.CheckAsync(new PublicFormSubmission(Home, token, null, "f"))).Refusal.ShouldBe(PublicFormRefusal.TokenReused);
        var old = guard.IssueToken();
        _clock.Advance(TimeSpan.FromHours(2) + TimeSpan.FromSeconds(1));
        (await guard.CheckAsync(new PublicFormSubmission(Home, old, null, "g"))).Refusal.ShouldBe(PublicFormRefusal.TokenExpired);
    }

    [Fact]
    public async Task Check_SixthSubmissionInTenMinutes_IsRateLimitedForThatClientOnly()
    {
        var verdicts = new List<PublicFormVerdict>();
        for (var i = 0; i < 6; i++)
        {
            verdicts.Add(await SubmitAsync($"민원 {i}"));
        }
        var office = await SubmitAsync("다른 곳에서 보낸 민원", Office);
        _clock.Advance(TimeSpan.FromMinutes(10));
        var afterWindow = await SubmitAsync("십 분 뒤의 민원");

        verdicts.Take(5).ShouldAllBe(v => v.Accepted);
        verdicts[5].Refusal.ShouldBe(PublicFormRefusal.RateLimited);
        verdicts[5].RetryAfter.ShouldBe(TimeSpan.FromMinutes(10));
        office.Accepted.ShouldBeTrue();
        afterWindow.Accepted.ShouldBeTrue();
    }

    [Fact]
    public async Task Check_TwentyFirstSubmissionInADay_IsRefusedUntilTheDayHasPassed()
    {
        var accepted = 0;
        PublicFormVerdict last = PublicFormVerdict.Accept;
        for (var i = 0; i < 21; i++)
        {
            last = await SubmitAsync($"하루 민원 {i}");
            accepted += last.Accepted ? 1 : 0;
            _clock.Advance(TimeSpan.FromMinutes(30));
        }
        _clock.Advance(TimeSpan.FromHours(24));
        var tomorrow = await SubmitAsync("다음 날 민원");

        accepted.ShouldBe(20);
        last.Refusal.ShouldBe(PublicFormRefusal.DailyLimit);
        tomorrow.Accepted.ShouldBeTrue();
    }

    [Fact]
    public async Task Check_SameTextAgainWithinTheWindow_IsRefusedWhateverItsSpacingOrCase()
    {
        var first = await SubmitAsync("Claim  denied   again.\n보험금 부지급");
        var again = await SubmitAsync("claim denied again. 보험금 부지급 ", Office);
        _clock.Advance(TimeSpan.FromHours(25));
        var nextDay = await SubmitAsync("claim denied again. 보험금 부지급", Office);

        first.Accepted.ShouldBeTrue();
        again.Refusal.ShouldBe(PublicFormRefusal.DuplicateText);
        nextDay.Accepted.ShouldBeTrue();
    }

    [Fact]
    public void ClientKey_HidesTheAddressAndGroupsAnIpv6Network()
    {
        var guard = Guard();

        var key = guard.ClientKey(Home);
        var a = guard.ClientKey(IPAddress.Parse("2001:db8:1:2:aaaa::1"));
        var b = guard.ClientKey(IPAddress.Parse("2001:db8:1:2:bbbb::9"));
        var c = guard.ClientKey(IPAddress.Parse("2001:db8:1:3::1"));

        key.ShouldNotContain("203.0.113.7");
        key.Length.ShouldBe(32);
        guard.ClientKey(IPAddress.Parse("::ffff:203.0.113.7")).ShouldBe(key);
        a.ShouldBe(b);
        a.ShouldNotBe(c);
    }

    [Fact]
    public void Options_AShortKeyIsRefusedOnStart_NoKeyGivesAProcessKey()
    {
        new PublicFormGuardOptions { Key = "c2hvcnQ=" }.Validate().ShouldContain(e => e.Contains("Voc:PublicForm:Key"));
        _options.Validate().ShouldBeEmpty();
        new PublicFormGuardOptions().Validate().ShouldBeEmpty();
        Should.Throw<InvalidOperationException>(() => new PublicFormGuard(new PublicFormGuardOptions { Key = "c2hvcnQ=" }, _store, _clock));
    }

    [Fact]
    public async Task Check_WithAProcessKey_AcceptsItsOwnTokensButNotAnotherProcesssTokens()
    {
        var one = new PublicFormGuard(new PublicFormGuardOptions(), _store, _clock);
        var other = new PublicFormGuard(new PublicFormGuardOptions(), new InMemoryPublicFormStore(), _clock);

        var own = await SubmitAsync("첫 서버의 양식", guard: one);
        var token = other.IssueToken();
        _clock.Advance(TimeSpan.FromSeconds(30));
        var foreign = await one.CheckAsync(new PublicFormSubmission(Office, token, null, "다른 서버의 양식"));

        own.Accepted.ShouldBeTrue();
        foreign.Refusal.ShouldBe(PublicFormRefusal.TokenInvalid);
    }

    [Fact]
    public void Texts_ExistInEveryLanguageForTheConsentAndEveryRefusal()
    {
        foreach (var language in PublicFormTexts.Languages)
        {
            PublicFormTexts.Consent(language).ShouldContain("5");
            PublicFormTexts.ConsentTitle(language).ShouldNotBeNullOrWhiteSpace();
            PublicFormTexts.ConsentCheckbox(language).ShouldNotBeNullOrWhiteSpace();
            foreach (var refusal in Enum.GetValues<PublicFormRefusal>())
            {
                PublicFormTexts.Refusal(refusal, language).ShouldNotBeNullOrWhiteSpace();
            }
        }
        PublicFormTexts.Consent("ko").ShouldContain("동의를 거부할 권리");
        PublicFormTexts.Consent("en").ShouldContain("refuse");
        PublicFormTexts.Consent("zh-TW").ShouldContain("拒絕");
        PublicFormTexts.Refusal(PublicFormRefusal.Honeypot, "ko").ShouldBe(PublicFormTexts.Refusal(PublicFormRefusal.None, "ko"));
    }

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
