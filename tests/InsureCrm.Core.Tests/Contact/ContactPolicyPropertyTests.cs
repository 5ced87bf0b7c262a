using FsCheck;
using FsCheck.Fluent;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;

namespace InsureCrm.Tests.Contact;

/// <summary>
/// Properties of the contact policy over arbitrary consent histories, do-not-call registrations, channels,
/// purposes and times. The expectations are computed here independently of the policy's own code: local
/// time is UTC+9 by arithmetic (Korea has no daylight saving), and for histories of rows recorded live the
/// row in force is simply the latest one recorded, a withdrawal winning an exact tie.
/// </summary>
public sealed class ContactPolicyPropertyTests
{
    private static readonly ContactPolicy Policy = new(TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul"));
    private static readonly TimeSpan Kst = TimeSpan.FromHours(9);
    private static readonly DateTimeOffset Origin = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const int SpanMinutes = 8 * 365 * 24 * 60;
    private static readonly ContactChannel[] Channels = Enum.GetValues<ContactChannel>();

    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(5000);

    /// <summary>One generated situation: the history, the registrations of the customer's numbers, and the request.</summary>
    internal sealed record Case(List<MarketingConsent> History, List<DoNotCallRegistration> Registrations, ContactRequest Request)
    {
        public override string ToString() =>
            $"{Request.Purpose} {Request.Channel} at {Request.At:O} (KST {Request.At.ToOffset(Kst):yyyy-MM-dd HH:mm:ss}); rows: "
            + string.Join("; ", History.Select(r => $"#{r.Id} {r.Channel} {(r.Granted ? "grant" : "withdraw")}{(r.NightTimeAllowed ? "+night" : "")} rec {r.RecordedAt:O} eff {r.EffectiveFrom:yyyy-MM-dd} exp {r.ExpiresOn:yyyy-MM-dd}"))
            + "; dnc: " + string.Join("; ", Registrations.Select(d => $"{d.Scope} {d.RegisteredOn:yyyy-MM-dd}..{d.ExpiresOn:yyyy-MM-dd}"));
    }

    [Fact]
    public void Marketing_WhenAllowed_HasAGrantGivenAndUnexpiredAtThatTime()
    {
        // (a) over every kind of row, backdated imports included: no marketing without a grant that had been given and had not lapsed.
        Check.One(Runs, Prop.ForAll(Cases(liveOnly: false, ContactPurpose.Marketing).ToArbitrary(), c =>
        {
            var decision = Policy.Check(c.Request, c.History, c.Registrations);
            var day = LocalDay(c.Request.At);
            return !decision.Allowed || c.History.Exists(g => g.Granted && g.Channel == c.Request.Channel
                && StartOfKstDay(g.EffectiveFrom) <= c.Request.At
                && day < g.EffectiveFrom.AddYears(2) && (g.ExpiresOn is null || day < g.ExpiresOn));
        }));
    }

    [Fact]
    public void Marketing_WhenAllowed_TheLatestStatementIsAnUnexpiredGrant()
    {
        // (a), (d) for rows recorded live: the latest statement before the contact decides, and only a newer grant undoes a withdrawal.
        Check.One(Runs, Prop.ForAll(Cases(liveOnly: true, ContactPurpose.Marketing).ToArbitrary(), c =>
        {
            var decision = Policy.Check(c.Request, c.History, c.Registrations);
            var latest = LatestLive(c.History, c.Request.Channel, c.Request.At);
            var validGrant = latest is { Granted: true } && LocalDay(c.Request.At) < latest.EffectiveFrom.AddYears(2)
                && (latest.ExpiresOn is null || LocalDay(c.Request.At) < latest.ExpiresOn);
            var expectedReason = latest is null ? ContactReason.NoConsent
                : !latest.Granted ? ContactReason.ConsentWithdrawn
                : !validGrant ? ContactReason.ConsentExpired
                : (ContactReason?)null;
            return (!decision.Allowed || validGrant)
                && (expectedReason is not { } r || (!decision.Allowed && decision.Reasons.Contains(r)));
        }));
    }

    [Fact]
    public void Marketing_AfterAWithdrawal_NothingPassesUntilANewerGrant()
    {
        // (d) stated directly, and stale imports: a grant dated on or before the withdrawal's day, entered later, never resurrects consent.
        var gen =
            from c in Cases(liveOnly: true, ContactPurpose.Marketing)
            from backdays in Gen.Choose(0, 900)
            from recordLater in Gen.Choose(0, 400 * 24 * 60)
            from night in Gen.Elements(true, false)
            select (c, backdays, recordLater, night);
        Check.One(Runs, Prop.ForAll(gen.ToArbitrary(), x =>
        {
            var (c, backdays, recordLater, night) = x;
            var channel = c.Request.Channel;
            var withdrawal = c.History.Where(r => r.Channel == channel && !r.Granted && At(r) <= c.Request.At).MaxBy(At);
            if (withdrawal is null)
            {
                return true;
            }
            var newerGrant = c.History.Exists(r => r.Channel == channel && r.Granted && At(r) > At(withdrawal) && At(r) <= c.Request.At);
            var before = Policy.Check(c.Request, c.History, c.Registrations);
            // The stale import: a grant dated up to the withdrawal's own day, recorded at any later time.
            var stale = new MarketingConsent
            {
                Id = c.History.Count + 1, CustomerId = 1, Channel = channel, Granted = true, NightTimeAllowed = night, Source = "import",
                RecordedAt = withdrawal.RecordedAt.AddMinutes(recordLater), EffectiveFrom = withdrawal.EffectiveFrom.AddDays(-backdays),
                ExpiresOn = withdrawal.EffectiveFrom.AddDays(-backdays).AddYears(2),
            };
            var after = Policy.Check(c.Request, [.. c.History, stale], c.Registrations);
            return (newerGrant || !before.Allowed) && (before.Allowed || !after.Allowed);
        }));
    }

    [Fact]
    public void CallsAndVisits_AtNightInKorea_NeverPassForAnyPurpose()
    {
        // (b), and (g): night is computed here as UTC+9 arithmetic.
        Check.One(Runs, Prop.ForAll(Cases(liveOnly: false, purpose: null).ToArbitrary(), c =>
        {
            var decision = Policy.Check(c.Request, c.History, c.Registrations);
            var callOrVisit = c.Request.Channel is ContactChannel.Phone or ContactChannel.Visit;
            return !(callOrVisit && IsKstNight(c.Request.At)) || (!decision.Allowed && decision.Reasons.Contains(ContactReason.QuietHours));
        }));
    }

    [Fact]
    public void MarketingMessages_AtNight_PassOnlyWithNightTimeConsent()
    {
        // (c): an SMS or email at night needs the separate night-time consent on the grant in force.
        Check.One(Runs, Prop.ForAll(Cases(liveOnly: true, ContactPurpose.Marketing).ToArbitrary(), c =>
        {
            if (c.Request.Channel is not (ContactChannel.Sms or ContactChannel.Email) || !IsKstNight(c.Request.At))
            {
                return true;
            }
            var decision = Policy.Check(c.Request, c.History, c.Registrations);
            return !decision.Allowed || LatestLive(c.History, c.Request.Channel, c.Request.At) is { Granted: true, NightTimeAllowed: true };
        }));
    }

    [Fact]
    public void MarketingCallsAndTexts_ToARegisteredNumber_NeverPassWithinFiveYearsUnlessConsentedLater()
    {
        // (e): a registration blocks marketing calls/SMS for 5 years unless a grant in force was given on a later day.
        Check.One(Runs, Prop.ForAll(Cases(liveOnly: true, ContactPurpose.Marketing).ToArbitrary(), c =>
        {
            var day = LocalDay(c.Request.At);
            var latest = LatestLive(c.History, c.Request.Channel, c.Request.At);
            var blocking = c.Registrations.Where(r => r.RegisteredOn <= day && day < r.RegisteredOn.AddYears(5)
                && (r.Scope == DoNotCallScope.All ? c.Request.Channel is ContactChannel.Phone or ContactChannel.Sms
                    : r.Scope == DoNotCallScope.Phone ? c.Request.Channel == ContactChannel.Phone
                    : c.Request.Channel == ContactChannel.Sms)
                && !(latest is { Granted: true } && LocalDay(At(latest)) > r.RegisteredOn));
            var decision = Policy.Check(c.Request, c.History, c.Registrations);
            return !blocking.Any() || (!decision.Allowed && decision.Reasons.Contains(ContactReason.DoNotCall));
        }));
    }

    [Fact]
    public void ContractMaintenance_InDayTime_PassesWithoutConsent()
    {
        // (f): premium notices, maturity, claims and happy calls need no marketing consent and ignore the registry.
        Check.One(Runs, Prop.ForAll(Cases(liveOnly: false, ContactPurpose.ContractMaintenance).ToArbitrary(), c =>
        {
            var decision = Policy.Check(c.Request, c.History, c.Registrations);
            return IsKstNight(c.Request.At) || (decision.Allowed && decision.Reasons.Count == 0);
        }));
    }

    [Fact]
    public void Check_SameInputsInAnyOrder_GivesTheSameDecisionInKoreanTime()
    {
        // (g): deterministic, independent of row order, and judged in UTC+9 (the local time it reports is +09:00).
        var gen =
            from c in Cases(liveOnly: false, purpose: null)
            from order in Gen.Shuffle(c.History.ToArray())
            select (c, order);
        Check.One(Runs, Prop.ForAll(gen.ToArbitrary(), x =>
        {
            var (c, order) = x;
            var first = Policy.Check(c.Request, c.History, c.Registrations);
            var again = Policy.Check(c.Request, [.. order], [.. c.Registrations.AsEnumerable().Reverse()]);
            return first.Allowed == again.Allowed && first.Reasons.SequenceEqual(again.Reasons)
                && first.NextAllowedAt == again.NextAllowedAt && first.ConsentLapsesOn == again.ConsentLapsesOn
                && first.LocalAt.Offset == Kst && first.LocalAt.DateTime == c.Request.At.UtcDateTime.AddHours(9)
                && Policy.IsNight(c.Request.At) == IsKstNight(c.Request.At);
        }));
    }

    [Fact]
    public void NextAllowedAt_WhenGiven_IsEightInTheMorningAndThenPasses()
    {
        Check.One(Runs, Prop.ForAll(Cases(liveOnly: false, purpose: null).ToArbitrary(), c =>
        {
            var decision = Policy.Check(c.Request, c.History, c.Registrations);
            if (decision.NextAllowedAt is not { } next)
            {
                // Only a wrong hour yields a next time; other reasons never do.
                return decision.Allowed || decision.Reasons.Any(r => r is not (ContactReason.QuietHours or ContactReason.NightTimeNotConsented))
                    || !Policy.Check(c.Request with { At = NextKstMorning(c.Request.At) }, c.History, c.Registrations).Allowed;
            }
            var local = next.ToOffset(Kst);
            return !decision.Allowed && next > c.Request.At && next - c.Request.At <= TimeSpan.FromHours(11)
                && local.Hour == 8 && local.Minute == 0 && local.Second == 0
                && Policy.Check(c.Request with { At = next }, c.History, c.Registrations).Allowed;
        }));
    }

    // ---- generators ----

    /// <summary>Times anywhere in eight years, a third of them within two minutes of 08:00, 21:00 or midnight in Korea.</summary>
    private static Gen<DateTimeOffset> Times() =>
        Gen.Frequency(
            (2, Gen.Choose(0, SpanMinutes).SelectMany(m => Gen.Choose(0, 59), (m, s) => Origin.AddMinutes(m).AddSeconds(s))),
            (1, from day in Gen.Choose(0, 8 * 365)
                from hour in Gen.Elements(8, 21, 0)
                from seconds in Gen.Choose(-120, 120)
                select new DateTimeOffset(Origin.UtcDateTime.AddDays(day).Date.AddHours(hour - 9), TimeSpan.Zero).AddSeconds(seconds)));

    private static Gen<ContactChannel> ChannelGen() => Gen.Elements(Channels);

    /// <summary>A consent row; <paramref name="liveOnly"/> false adds backdated and future-dated rows (paper forms, imports).</summary>
    private static Gen<MarketingConsent> Row(bool liveOnly, ContactChannel focus) =>
        from channel in Gen.Frequency((4, Gen.Constant(focus)), (1, ChannelGen()))
        from granted in Gen.Frequency((3, Gen.Constant(true)), (2, Gen.Constant(false)))
        from night in Gen.Elements(true, false)
        from recorded in Times()
        from shift in liveOnly ? Gen.Constant(0) : Gen.Frequency((3, Gen.Constant(0)), (2, Gen.Choose(-900, 30)))
        from expiry in Gen.Frequency((3, Gen.Constant(730)), (1, Gen.Constant(-1)), (1, Gen.Choose(1, 800)))
        from source in liveOnly ? Gen.Constant("branch") : Gen.Elements("branch", "call-center", "import", "ins-admin")
        select MakeRow(channel, granted, night, recorded, shift, expiry, source);

    private static MarketingConsent MakeRow(ContactChannel channel, bool granted, bool night, DateTimeOffset recorded, int shift, int expiry, string source)
    {
        var from = LocalDay(recorded).AddDays(shift);
        return new MarketingConsent
        {
            CustomerId = 1, Channel = channel, Granted = granted, NightTimeAllowed = granted && night, Source = source,
            RecordedAt = recorded.UtcDateTime, EffectiveFrom = from,
            ExpiresOn = !granted || expiry < 0 ? null : expiry == 730 ? from.AddYears(2) : from.AddDays(expiry),
        };
    }

    /// <summary>A registration on any day, or around the day a consent row was recorded (where "consented on a later day" is decided).</summary>
    private static Gen<DoNotCallRegistration> Registration(List<MarketingConsent> rows) =>
        from day in Gen.Choose(-5 * 365, 8 * 365)
        from near in rows.Count == 0 ? Gen.Constant((int?)null) : Gen.Elements(rows.ToArray()).SelectMany(_ => Gen.Choose(-1, 1), (r, d) => (int?)(LocalDay(At(r)).DayNumber + d - DateOnly.FromDateTime(Origin.UtcDateTime).DayNumber))
        from useNear in Gen.Elements(true, false)
        from scope in Gen.Elements(DoNotCallScope.All, DoNotCallScope.Phone, DoNotCallScope.Sms)
        let registeredOn = DateOnly.FromDateTime(Origin.UtcDateTime).AddDays(useNear && near is { } n ? n : day)
        select new DoNotCallRegistration(registeredOn, registeredOn.AddYears(5), scope);

    private static Gen<Case> Cases(bool liveOnly, ContactPurpose? purpose) =>
        from channel in ChannelGen()
        from p in purpose is { } fixedPurpose ? Gen.Constant(fixedPurpose) : Gen.Elements(ContactPurpose.Marketing, ContactPurpose.ContractMaintenance)
        from rows in Gen.ListOf(Row(liveOnly, channel)).Resize(12)
        from registrations in Gen.Frequency((2, Gen.Constant(new List<DoNotCallRegistration>())), (1, Gen.ListOf(Registration(rows)).Resize(3).Select(l => l.ToList())))
        from at in Gen.Frequency((1, Times()), (1, NearAnEvent(rows, registrations)))
        select new Case(Number(rows), registrations, new ContactRequest(1, channel, p, at));

    /// <summary>
    /// A time within a day and a bit of something that changes the answer: a row recorded or taking effect, a
    /// grant lapsing, a registration starting or ending. Boundaries are where off-by-one mistakes live.
    /// </summary>
    private static Gen<DateTimeOffset> NearAnEvent(List<MarketingConsent> rows, List<DoNotCallRegistration> registrations)
    {
        var anchors = rows.SelectMany(r => new[]
            {
                new DateTimeOffset(DateTime.SpecifyKind(r.RecordedAt, DateTimeKind.Utc)),
                StartOfKstDay(r.EffectiveFrom),
                StartOfKstDay(r.EffectiveFrom.AddYears(2)),
                StartOfKstDay(r.ExpiresOn ?? r.EffectiveFrom),
            })
            .Concat(registrations.SelectMany(d => new[] { StartOfKstDay(d.RegisteredOn), StartOfKstDay(d.ExpiresOn) }))
            .ToList();
        return anchors.Count == 0
            ? Times()
            : from anchor in Gen.Elements(anchors.ToArray())
              from seconds in Gen.Frequency((1, Gen.Choose(-120, 120)), (1, Gen.Choose(-26 * 3600, 26 * 3600)))
              select anchor.AddSeconds(seconds);
    }

    /// <summary>Ids in the order rows were recorded, as the database assigns them.</summary>
    private static List<MarketingConsent> Number(IEnumerable<MarketingConsent> rows)
    {
        var list = rows.OrderBy(r => r.RecordedAt).ToList();
        for (var i = 0; i < list.Count; i++)
        {
            list[i].Id = i + 1;
        }
        return list;
    }

    // ---- the independent oracle ----

    private static DateOnly LocalDay(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime.AddHours(9));

    private static DateTimeOffset StartOfKstDay(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue).AddHours(-9), TimeSpan.Zero);

    private static bool IsKstNight(DateTimeOffset at) => at.UtcDateTime.AddHours(9).Hour is < 8 or >= 21;

    private static DateTimeOffset NextKstMorning(DateTimeOffset at)
    {
        var local = at.UtcDateTime.AddHours(9);
        var day = local.Hour < 8 ? local.Date : local.Date.AddDays(1);
        return new DateTimeOffset(day.AddHours(8 - 9), TimeSpan.Zero);
    }

    private static DateTimeOffset At(MarketingConsent row) => new(DateTime.SpecifyKind(row.RecordedAt, DateTimeKind.Utc));

    /// <summary>For live rows: the latest row of the channel recorded at or before <paramref name="at"/>; a withdrawal wins a tie.</summary>
    private static MarketingConsent? LatestLive(List<MarketingConsent> rows, ContactChannel channel, DateTimeOffset at) =>
        rows.Where(r => r.Channel == channel && At(r) <= at)
            .OrderBy(At).ThenBy(r => r.Granted ? 0 : 1).ThenBy(r => r.Id)
            .LastOrDefault();
}
