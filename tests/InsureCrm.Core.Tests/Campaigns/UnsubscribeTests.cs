using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Execution;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using InsureCrm.Tests;
using InsureCrm.Tests.Security;
using Microsoft.EntityFrameworkCore;
using static InsureCrm.Core.Tests.Campaigns.EmailSendTests;

namespace InsureCrm.Core.Tests.Campaigns;

/// <summary>The unsubscribe link: a genuine token withdraws the customer's consent at once; a forged one changes nothing.</summary>
public sealed class UnsubscribeTests
{
    private static readonly ContactPolicy Policy = new(TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul"));

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ConfirmAsync_GenuineToken_NextCheckAnswersConsentWithdrawn(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var (consents, unsubscribe, contact) = await ArrangeAsync(ctx, db);
        var token = UnsubscribeToken.Create(Seed.Protector, contact.Id);

        (await Check(consents, contact.CustomerId)).Allowed.ShouldBeTrue();
        var preview = await unsubscribe.PreviewAsync(token);
        preview.ShouldNotBeNull();
        preview.Channel.ShouldBe(CampaignChannelKind.Email);
        preview.AlreadyWithdrawn.ShouldBeFalse();
        // Looking at the page changes nothing.
        (await Check(consents, contact.CustomerId)).Allowed.ShouldBeTrue();

        (await unsubscribe.ConfirmAsync(token)).ShouldBeTrue();
        (await unsubscribe.ConfirmAsync(token)).ShouldBeTrue();

        var after = await Check(consents, contact.CustomerId);
        after.Allowed.ShouldBeFalse();
        after.Reasons.ShouldContain(ContactReason.ConsentWithdrawn);
        (await unsubscribe.PreviewAsync(token))!.AlreadyWithdrawn.ShouldBeTrue();
        (await ctx.MarketingConsents.CountAsync(c => c.CustomerId == contact.CustomerId && !c.Granted)).ShouldBe(1);
        (await ctx.CampaignEvents.CountAsync(e => e.CampaignId == contact.CampaignId && e.Kind == CampaignEventKind.Unsubscribed)).ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ConfirmAsync_ForgedToken_ChangesNothing(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var (consents, unsubscribe, contact) = await ArrangeAsync(ctx, db);
        var genuine = UnsubscribeToken.Create(Seed.Protector, contact.Id);
        var otherKey = new FieldProtector(new ProtectionOptions
        {
            Keys = new() { ["k1"] = Convert.ToBase64String(new byte[32]) },
            HashKey = Convert.ToBase64String(Enumerable.Repeat((byte)9, 32).ToArray()),
        });
        string[] forged = [UnsubscribeToken.Create(otherKey, contact.Id), genuine[..^1] + (genuine[^1] == 'A' ? 'B' : 'A'), "garbage", ""];
        var consentRows = await ctx.MarketingConsents.CountAsync();

        foreach (var token in forged)
        {
            (await unsubscribe.PreviewAsync(token)).ShouldBeNull();
            (await unsubscribe.ConfirmAsync(token)).ShouldBeFalse();
        }

        (await Check(consents, contact.CustomerId)).Allowed.ShouldBeTrue();
        (await ctx.MarketingConsents.CountAsync()).ShouldBe(consentRows);
        (await ctx.CampaignEvents.CountAsync(e => e.Kind == CampaignEventKind.Unsubscribed)).ShouldBe(0);
    }

    private static async Task<(ConsentService Consents, Unsubscribe Unsubscribe, CampaignContact Contact)> ArrangeAsync(CrmDbContext ctx, TestDatabase db)
    {
        var seed = await Seed.CampaignAsync(ctx, $"t-{Guid.NewGuid():N}.example");
        var clock = new Fixed(Noon);
        var sender = Seed.Sender(ctx, db, new EmailTransportFactory(Seed.Options("127.0.0.1", 1)), clock: clock);
        await sender.ReleaseAsync(seed.CampaignId, CampaignChannelKind.Email, Noon.UtcDateTime, CancellationToken.None);
        var contact = await ctx.CampaignContacts.AsNoTracking().FirstAsync(x => x.CustomerId == seed.ConsentedCustomers[0]);
        // A minute later, so the withdrawal recorded "now" is judged after it was made.
        clock.Now = Noon.AddMinutes(1);
        var consents = new ConsentService(ctx, Policy, Seed.Protector, clock, new CustomerScope(ctx), CoreServices.Log(db, clock));
        return (consents, new Unsubscribe(ctx, consents, Seed.Protector, clock), contact);
    }

    private static async Task<ContactDecision> Check(ConsentService consents, long customerId) =>
        (await consents.CheckAsync(new ContactRequest(customerId, ContactChannel.Email, ContactPurpose.Marketing, Noon.AddMinutes(1))))!;
}
