using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;

namespace InsureCrm.Tests.Contact;

/// <summary>One example per rule and reason code of docs/consent.md; times are written in Korean time.</summary>
public sealed class ContactPolicyTests
{
    private static readonly ContactPolicy Policy = new(TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul"));
    private static readonly TimeSpan Kst = TimeSpan.FromHours(9);

    private static DateTimeOffset K(int y, int mo, int d, int h, int mi = 0) => new(y, mo, d, h, mi, 0, Kst);

    private static MarketingConsent Row(long id, ContactChannel channel, bool granted, DateTimeOffset recorded, bool night = false,
        string source = "branch", DateOnly? effectiveFrom = null)
    {
        var from = effectiveFrom ?? DateOnly.FromDateTime(recorded.DateTime);
        return new MarketingConsent
        {
            Id = id, CustomerId = 7, Channel = channel, Granted = granted, NightTimeAllowed = night, Source = source,
            RecordedAt = recorded.UtcDateTime, EffectiveFrom = from, ExpiresOn = granted ? from.AddYears(2) : null,
        };
    }

    private static ContactDecision Check(ContactChannel channel, ContactPurpose purpose, DateTimeOffset at,
        IEnumerable<MarketingConsent> rows, params DoNotCallRegistration[] dnc) =>
        Policy.Check(new ContactRequest(7, channel, purpose, at), rows, dnc);

    [Fact]
    public void Check_MarketingCallWithValidGrantInDayTime_IsAllowedUntilTheLapseDay()
    {
        var decision = Check(ContactChannel.Phone, ContactPurpose.Marketing, K(2025, 3, 4, 10),
            [Row(1, ContactChannel.Phone, true, K(2024, 5, 2, 11))]);
        decision.Allowed.ShouldBeTrue();
        decision.Reasons.ShouldBeEmpty();
        decision.ConsentLapsesOn.ShouldBe(new DateOnly(2026, 5, 2));
        decision.LocalAt.ShouldBe(K(2025, 3, 4, 10));
    }

    /// <summary>An older import stored an opt-out dated 9999-12-31: it counts from when it was recorded and the check does not throw.</summary>
    [Fact]
    public void Check_ImportedWithdrawalDatedTheCalendarsLastDay_IsRefusedAsWithdrawnInsteadOfThrowing()
    {
        var decision = Check(ContactChannel.Phone, ContactPurpose.Marketing, K(2025, 3, 4, 10),
        [
            Row(1, ContactChannel.Phone, true, K(2024, 5, 2, 11)),
            Row(2, ContactChannel.Phone, false, K(2024, 6, 1, 9), source: "import", effectiveFrom: DateOnly.MaxValue),
        ]);

        decision.Allowed.ShouldBeFalse();
        ContactPolicy.LapsesOn(new MarketingConsent { Id = 3, Channel = ContactChannel.Sms, Granted = true, Source = "import", EffectiveFrom = DateOnly.MaxValue })
            .ShouldBe(DateOnly.MaxValue);
    }

    [Fact]
    public void Check_MarketingWithoutAnyRow_IsRefusedWithNoConsent()
    {
        var decision = Check(ContactChannel.Email, ContactPurpose.Marketing, K(2025, 3, 4, 10), []);
        decision.Allowed.ShouldBeFalse();
        decision.Reasons.ShouldBe([ContactReason.NoConsent]);
        decision.NextAllowedAt.ShouldBeNull();
    }

    [Fact]
    public void Check_GrantForAnotherChannel_DoesNotCoverThisOne()
    {
        var decision = Check(ContactChannel.Sms, ContactPurpose.Marketing, K(2025, 3, 4, 10),
            [Row(1, ContactChannel.Phone, true, K(2025, 1, 2, 11))]);
        decision.Reasons.ShouldBe([ContactReason.NoConsent]);
    }

    [Fact]
    public void Check_GrantTwoYearsOld_IsRefusedWithConsentExpired_AndARowOfReconfirmationRenewsIt()
    {
        var grant = Row(1, ContactChannel.Dm, true, K(2023, 3, 4, 11));
        Check(ContactChannel.Dm, ContactPurpose.Marketing, K(2025, 3, 3, 23), [grant]).Allowed.ShouldBeTrue();
        Check(ContactChannel.Dm, ContactPurpose.Marketing, K(2025, 3, 4, 0, 1), [grant]).Reasons.ShouldBe([ContactReason.ConsentExpired]);

        var reconfirmed = Row(2, ContactChannel.Dm, true, K(2025, 2, 20, 15));
        Check(ContactChannel.Dm, ContactPurpose.Marketing, K(2025, 3, 4, 10), [grant, reconfirmed]).Allowed.ShouldBeTrue();
    }

    [Fact]
    public void Check_AfterWithdrawal_IsRefusedAtOnce_AndANewerGrantRestoresIt()
    {
        var grant = Row(1, ContactChannel.Phone, true, K(2025, 1, 2, 11));
        var withdrawal = Row(2, ContactChannel.Phone, false, K(2025, 3, 4, 14, 30));
        Check(ContactChannel.Phone, ContactPurpose.Marketing, K(2025, 3, 4, 14, 29), [grant, withdrawal]).Allowed.ShouldBeTrue();
        Check(ContactChannel.Phone, ContactPurpose.Marketing, K(2025, 3, 4, 14, 30), [grant, withdrawal]).Reasons.ShouldBe([ContactReason.ConsentWithdrawn]);

        var regrant = Row(3, ContactChannel.Phone, true, K(2025, 3, 4, 16));
        Check(ContactChannel.Phone, ContactPurpose.Marketing, K(2025, 3, 4, 17), [grant, withdrawal, regrant]).Allowed.ShouldBeTrue();
    }

    [Fact]
    public void Check_StaleImportOfAnOlderGrant_DoesNotUndoAnOptOut()
    {
        var withdrawal = Row(1, ContactChannel.Sms, false, K(2025, 3, 4, 14));
        // Imported a month later, dated the morning of the opt-out day: known by its date only, it ranks below the opt-out.
        var imported = Row(2, ContactChannel.Sms, true, K(2025, 4, 4, 9), source: "import", effectiveFrom: new DateOnly(2025, 3, 4));
        Check(ContactChannel.Sms, ContactPurpose.Marketing, K(2025, 4, 5, 10), [withdrawal, imported]).Reasons.ShouldBe([ContactReason.ConsentWithdrawn]);
    }

    [Fact]
    public void Check_ImportedWithdrawalDatedTheSameDay_BeatsAGrantCapturedThatDay()
    {
        var grant = Row(1, ContactChannel.Email, true, K(2025, 3, 4, 15));
        var imported = Row(2, ContactChannel.Email, false, K(2025, 3, 9, 9), source: "import", effectiveFrom: new DateOnly(2025, 3, 4));
        Check(ContactChannel.Email, ContactPurpose.Marketing, K(2025, 3, 10, 10), [grant, imported]).Reasons.ShouldBe([ContactReason.ConsentWithdrawn]);
    }

    [Theory]
    [InlineData(ContactChannel.Sms)]
    [InlineData(ContactChannel.Email)]
    public void Check_MarketingMessageAtNightWithoutNightConsent_IsRefusedUntilEight(ContactChannel channel)
    {
        var grant = Row(1, channel, true, K(2025, 1, 2, 11));
        var decision = Check(channel, ContactPurpose.Marketing, K(2025, 3, 4, 21, 0), [grant]);
        decision.Reasons.ShouldBe([ContactReason.NightTimeNotConsented]);
        decision.NextAllowedAt.ShouldBe(K(2025, 3, 5, 8));

        var withNight = Row(2, channel, true, K(2025, 2, 2, 11), night: true);
        Check(channel, ContactPurpose.Marketing, K(2025, 3, 4, 23, 30), [grant, withNight]).Allowed.ShouldBeTrue();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Check_CallOrVisitAtNight_IsRefusedWithQuietHoursWhateverThePurpose(bool marketing)
    {
        var purpose = marketing ? ContactPurpose.Marketing : ContactPurpose.ContractMaintenance;
        var rows = new[] { Row(1, ContactChannel.Phone, true, K(2025, 1, 2, 11), night: true), Row(2, ContactChannel.Visit, true, K(2025, 1, 2, 11), night: true) };
        var call = Check(ContactChannel.Phone, purpose, K(2025, 3, 4, 7, 59), rows);
        call.Reasons.ShouldBe([ContactReason.QuietHours]);
        call.NextAllowedAt.ShouldBe(K(2025, 3, 4, 8));
        Check(ContactChannel.Visit, purpose, K(2025, 3, 4, 21), rows).Reasons.ShouldBe([ContactReason.QuietHours]);
        Check(ContactChannel.Phone, purpose, K(2025, 3, 4, 20, 59), rows).Allowed.ShouldBeTrue();
    }

    [Fact]
    public void Check_ContractMaintenance_NeedsNoConsentButRespectsQuietHoursForCallsAndTexts()
    {
        var withdrawn = new[] { Row(1, ContactChannel.Phone, false, K(2025, 1, 2, 11)) };
        Check(ContactChannel.Phone, ContactPurpose.ContractMaintenance, K(2025, 3, 4, 10), withdrawn).Allowed.ShouldBeTrue();
        Check(ContactChannel.Sms, ContactPurpose.ContractMaintenance, K(2025, 3, 4, 22), []).Reasons.ShouldBe([ContactReason.QuietHours]);
        Check(ContactChannel.Email, ContactPurpose.ContractMaintenance, K(2025, 3, 4, 22), []).Allowed.ShouldBeTrue();
    }

    [Fact]
    public void Check_NumberOnDoNotCallRegistry_BlocksMarketingCallsForFiveYears_UnlessConsentedOnALaterDay()
    {
        var grant = Row(1, ContactChannel.Phone, true, K(2025, 1, 2, 11));
        var registration = new DoNotCallRegistration(new DateOnly(2025, 2, 1), new DateOnly(2030, 2, 1), DoNotCallScope.All);
        Check(ContactChannel.Phone, ContactPurpose.Marketing, K(2025, 3, 4, 10), [grant], registration).Reasons.ShouldBe([ContactReason.DoNotCall]);
        Check(ContactChannel.Phone, ContactPurpose.Marketing, K(2025, 1, 31, 10), [grant], registration).Allowed.ShouldBeTrue();
        Check(ContactChannel.Phone, ContactPurpose.ContractMaintenance, K(2025, 3, 4, 10), [grant], registration).Allowed.ShouldBeTrue();
        Check(ContactChannel.Email, ContactPurpose.Marketing, K(2025, 3, 4, 10), [Row(2, ContactChannel.Email, true, K(2025, 1, 2, 11))], registration).Allowed.ShouldBeTrue();

        var later = Row(3, ContactChannel.Phone, true, K(2025, 2, 10, 11));
        Check(ContactChannel.Phone, ContactPurpose.Marketing, K(2025, 3, 4, 10), [grant, later], registration).Allowed.ShouldBeTrue();
    }

    [Fact]
    public void Check_RegistrationScopedToSms_LeavesCallsAlone()
    {
        var grants = new[] { Row(1, ContactChannel.Phone, true, K(2025, 1, 2, 11)), Row(2, ContactChannel.Sms, true, K(2025, 1, 2, 11)) };
        var sms = new DoNotCallRegistration(new DateOnly(2025, 2, 1), new DateOnly(2030, 2, 1), DoNotCallScope.Sms);
        Check(ContactChannel.Phone, ContactPurpose.Marketing, K(2025, 3, 4, 10), grants, sms).Allowed.ShouldBeTrue();
        Check(ContactChannel.Sms, ContactPurpose.Marketing, K(2025, 3, 4, 10), grants, sms).Reasons.ShouldBe([ContactReason.DoNotCall]);
    }

    [Fact]
    public void Check_SeveralProblems_ListsEveryReasonAndNoNextTime()
    {
        var registration = new DoNotCallRegistration(new DateOnly(2025, 2, 1), new DateOnly(2030, 2, 1), DoNotCallScope.All);
        var decision = Check(ContactChannel.Phone, ContactPurpose.Marketing, K(2025, 3, 4, 22), [], registration);
        decision.Reasons.ShouldBe([ContactReason.QuietHours, ContactReason.NoConsent, ContactReason.DoNotCall]);
        decision.NextAllowedAt.ShouldBeNull();
    }

    [Fact]
    public void Check_NightOnTheLastDayOfAGrant_GivesNoNextTimeBecauseTheGrantLapsesOvernight()
    {
        var grant = Row(1, ContactChannel.Phone, true, K(2023, 3, 5, 11));
        var decision = Check(ContactChannel.Phone, ContactPurpose.Marketing, K(2025, 3, 4, 22), [grant]);
        decision.Reasons.ShouldBe([ContactReason.QuietHours]);
        decision.NextAllowedAt.ShouldBeNull();
    }
}
