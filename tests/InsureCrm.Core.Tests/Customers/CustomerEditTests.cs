using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using Microsoft.EntityFrameworkCore;

using InsureCrm.Tests.Security;

namespace InsureCrm.Tests.Customers;

public class CustomerEditTests
{
    private static readonly TimeProvider Clock = new FixedClock(CustomerSeed.Now.AddDays(1));

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task UpdateContact_CurrentVersion_SavesNormalisedPhonesAndBumpsVersion(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (id, version) = await SeedAsync(db);
        var update = new CustomerContactUpdate(version, [new PhoneInput(PhoneKind.Mobile, "010-5555-0001", true), new PhoneInput(PhoneKind.Work, "02 333 4444")],
            "new@example.com", ContactChannel.Sms, ContactTime.Morning, "교사");

        EditResult result;
        await using (var ctx = db.CreateContext())
        {
            result = await CoreServices.Edit(ctx, Clock, db).UpdateContactAsync(CoreServices.CallCenter, id, update, CoreServices.Reason);
        }

        result.Status.ShouldBe(EditStatus.Saved);
        result.Version.ShouldBe(version + 1);
        await using var read = db.CreateContext();
        var stored = await read.Customers.Include(c => c.Phones).Include(c => c.Emails).SingleAsync(c => c.Id == id);
        stored.Phones.OrderBy(p => p.Number, StringComparer.Ordinal).Select(p => (p.Number, p.IsPrimary)).ShouldBe([("01055550001", true), ("023334444", false)]);
        stored.Emails.Single().Address.ShouldBe("new@example.com");
        stored.Occupation.ShouldBe("교사");
        stored.PreferredChannel.ShouldBe(ContactChannel.Sms);
        stored.Version.ShouldBe(version + 1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task UpdateContact_StaleVersion_ConflictsAndChangesNothing(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (id, version) = await SeedAsync(db);
        // Someone else saves first.
        await using (var ctx = db.CreateContext())
        {
            var first = await CoreServices.Edit(ctx, Clock, db).UpdateContactAsync(CoreServices.CallCenter, id,
                new CustomerContactUpdate(version, [new PhoneInput(PhoneKind.Mobile, "01011112222", true)], null, null, ContactTime.Any, "의사"), CoreServices.Reason);
            first.Status.ShouldBe(EditStatus.Saved);
        }

        EditResult stale;
        await using (var ctx = db.CreateContext())
        {
            stale = await CoreServices.Edit(ctx, Clock, db).UpdateContactAsync(CoreServices.CallCenter, id,
                new CustomerContactUpdate(version, [new PhoneInput(PhoneKind.Mobile, "01099990000", true)], "late@example.com", ContactChannel.Email, ContactTime.Weekend, "변호사"), CoreServices.Reason);
        }

        stale.Status.ShouldBe(EditStatus.Conflict);
        stale.Version.ShouldBe(version + 1);
        await using var read = db.CreateContext();
        var stored = await read.Customers.Include(c => c.Phones).Include(c => c.Emails).SingleAsync(c => c.Id == id);
        stored.Occupation.ShouldBe("의사");
        stored.Phones.Single().Number.ShouldBe("01011112222");
        stored.Emails.ShouldBeEmpty();
        stored.Version.ShouldBe(version + 1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task UpdateContact_SaveRacingAnotherSave_IsRefusedByTheVersionColumn(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (id, version) = await SeedAsync(db);
        await using var ctx = db.CreateContext();
        // This context read the customer at `version`; another user saves before it does.
        var tracked = await ctx.Customers.SingleAsync(c => c.Id == id);
        await using (var other = db.CreateContext())
        {
            (await CoreServices.Edit(other, Clock, db).UpdateContactAsync(CoreServices.CallCenter, id,
                new CustomerContactUpdate(version, [], null, null, ContactTime.Any, "의사"), CoreServices.Reason)).Status.ShouldBe(EditStatus.Saved);
        }

        var result = await CoreServices.Edit(ctx, Clock, db).UpdateContactAsync(CoreServices.CallCenter, id,
            new CustomerContactUpdate(version, [], null, null, ContactTime.Any, "변호사"), CoreServices.Reason);

        tracked.ShouldNotBeNull();
        result.Status.ShouldBe(EditStatus.Conflict);
        await using var read = db.CreateContext();
        (await read.Customers.SingleAsync(c => c.Id == id)).Occupation.ShouldBe("의사");
    }

    [Theory]
    [InlineData("12345", "phones[0].number")]
    [InlineData("010-12ab-5678", "phones[0].number")]
    public void Validate_BadPhone_NamesTheField(string number, string field) =>
        CustomerEdit.Validate(new CustomerContactUpdate(1, [new PhoneInput(PhoneKind.Mobile, number)], null, null, ContactTime.Any, null))
            .Keys.ShouldBe([field]);

    [Fact]
    public void Validate_BadEmailAndLongOccupation_NameBothFields() =>
        CustomerEdit.Validate(new CustomerContactUpdate(1, [], "no-at-sign", null, ContactTime.Any, new string('가', 41)))
            .Keys.ShouldBe(["email", "occupation"], ignoreOrder: true);

    [Theory]
    [InlineData("a@x.com<script>")]
    [InlineData("a@x.com\"><img src=x>")]
    [InlineData("a@x..com")]
    public void Validate_EmailWithMarkupOrMalformedDomain_NamesTheEmailField(string email) =>
        CustomerEdit.Validate(new CustomerContactUpdate(1, [], email, null, ContactTime.Any, null)).Keys.ShouldBe(["email"]);

    private static async Task<(long Id, int Version)> SeedAsync(TestDatabase db)
    {
        await using var ctx = db.CreateContext();
        var family = await CustomerSeed.AddFamilyAsync(ctx, CustomerSeed.Protector());
        var version = await ctx.Customers.Where(c => c.Id == family.HongId).Select(c => c.Version).SingleAsync();
        return (family.HongId, version);
    }

    private sealed class FixedClock(DateTime utc) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(utc);
    }
}
