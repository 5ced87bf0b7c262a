using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Security;
using InsureCrm.Core.Synthetic;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Tests.Synthetic;

/// <summary>The generator's planted campaigns: the plan's states, lists and contacts, and agreement with the truth files.</summary>
public sealed class PlantedCampaignsTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task GenerateAsync_Campaigns_WritesThePlansCampaignsWithListsAndContactsMatchingTheTruth(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var book = await PlantedBook.CreateAsync(db, 2000,
            before: sp => sp.GetRequiredService<DemoUsers>().EnsureAsync());
        var truth = book.Members;
        var effects = book.Effects;
        await using var ctx = db.CreateContext();

        var campaigns = await ctx.Campaigns.AsNoTracking().OrderBy(c => c.Code).ToListAsync();
        var plan = CampaignPlan.For(PlantedBook.AsOf);
        campaigns.Select(c => (c.Code, c.State, c.StartsOn, c.EndsOn, c.IsPilot))
            .ShouldBe(plan.Select(p => (p.Code, p.State, p.StartsOn, p.EndsOn, p.IsPilot)));
        campaigns[1].ParentCampaignId.ShouldBe(campaigns[0].Id);
        var users = await ctx.Users.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.UserName);
        campaigns.ShouldAllBe(c => users[c.AuthorUserId] == DemoCampaigns.Author && users[c.ApprovedByUserId!.Value] == DemoCampaigns.Approver);
        campaigns.Where(c => c.State == CampaignState.Closed).ShouldAllBe(c => !string.IsNullOrWhiteSpace(c.Lessons));
        book.Summary.Campaigns.ShouldBe(3);

        foreach (var c in campaigns)
        {
            var rows = truth.Where(r => r["campaign_id"] == c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
            var members = await ctx.CampaignMembers.AsNoTracking().Where(m => m.CampaignId == c.Id).ToListAsync();
            members.Count.ShouldBeGreaterThan(100, c.Code);
            // The truth lists exactly the members, each in the same arm.
            members.Select(m => (m.CustomerId, m.Arm)).ShouldBe(
                rows.Select(r => (long.Parse(r["customer_id"], System.Globalization.CultureInfo.InvariantCulture),
                    r["arm"] switch { "Test" => CampaignArm.Test, "Control" => CampaignArm.Control, _ => CampaignArm.Excluded })),
                ignoreOrder: true);
            members.Where(m => m.Arm == CampaignArm.Excluded).ShouldAllBe(m => m.Exclusion == MemberExclusion.UniversalHoldout && m.PlannedChannel == null);
            var split = await ctx.CampaignSplits.AsNoTracking().SingleAsync(s => s.CampaignId == c.Id);
            (split.Test, split.Control, split.ExcludedHoldout).ShouldBe(
                (members.Count(m => m.Arm == CampaignArm.Test), members.Count(m => m.Arm == CampaignArm.Control), members.Count(m => m.Arm == CampaignArm.Excluded)));
            ((double)split.Control / (split.Test + split.Control)).ShouldBe((double)c.ControlShare, 0.05, c.Code);

            // One contact per Test member: reached ones sent (or made) with a CMP- interaction, the others blocked with reasons.
            var contacts = await ctx.CampaignContacts.AsNoTracking().Where(x => x.CampaignId == c.Id).ToListAsync();
            contacts.Select(x => x.CustomerId).ShouldBe(members.Where(m => m.Arm == CampaignArm.Test).Select(m => m.CustomerId), ignoreOrder: true);
            var reached = contacts.Where(x => x.State is CampaignContactState.Sent or CampaignContactState.Done).ToList();
            reached.Select(x => x.CustomerId).ShouldBe(
                rows.Where(r => r["arm"] == "Test" && r["reachable"] == "1").Select(r => long.Parse(r["customer_id"], System.Globalization.CultureInfo.InvariantCulture)),
                ignoreOrder: true);
            reached.ShouldNotBeEmpty(c.Code);
            contacts.Where(x => x.State == CampaignContactState.Blocked).ShouldAllBe(x => x.Reasons != "");
            var keys = reached.Select(x => "CMP-" + x.Id).ToList();
            (await ctx.Interactions.CountAsync(i => i.Purpose == InteractionPurpose.Campaign && keys.Contains(i.SourceKey!))).ShouldBe(reached.Count);
            var all = effects.Single(e => e["campaign_id"] == c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) && e["stratum"] == "all");
            all["members"].ShouldBe(split.Test.ToString(System.Globalization.CultureInfo.InvariantCulture));
            PlantedBook.D(all, "mean_true_uplift").ShouldBe(rows.Where(r => r["arm"] == "Test").Average(r => PlantedBook.D(r, "true_uplift")), 1e-5);
        }

        // Sent and blocked are what the product's own consent check answers at the contact's time.
        await using var scope = book.Services.CreateAsyncScope();
        var consents = scope.ServiceProvider.GetRequiredService<ConsentService>();
        var pilot = await ctx.CampaignContacts.AsNoTracking().Where(x => x.CampaignId == campaigns[0].Id).OrderBy(x => x.Id).Take(40).ToListAsync();
        foreach (var x in pilot.Where(x => x.Reasons != nameof(CampaignBlockReason.NoAddress)))
        {
            var channel = x.Channel == CampaignChannelKind.Email ? ContactChannel.Email : ContactChannel.Sms;
            var decision = (await consents.CheckAsync(new ContactRequest(x.CustomerId, channel, ContactPurpose.Marketing, new DateTimeOffset(x.PlannedAt, TimeSpan.Zero))))!;
            decision.Allowed.ShouldBe(x.State == CampaignContactState.Sent, $"contact {x.Id}");
        }
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task GenerateAsync_CampaignsOff_WritesNoCampaignListContactOrCampaignTruth(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var book = await PlantedBook.CreateAsync(db, 300, campaigns: false);
        await using var ctx = db.CreateContext();

        (await ctx.Customers.CountAsync()).ShouldBe(300);
        (await ctx.Campaigns.CountAsync()).ShouldBe(0);
        (await ctx.CampaignMembers.CountAsync()).ShouldBe(0);
        (await ctx.CampaignContacts.CountAsync()).ShouldBe(0);
        (await ctx.Interactions.CountAsync(i => i.SourceKey!.StartsWith("CMP-"))).ShouldBe(0);
        File.Exists(book.TruthFile).ShouldBeTrue();
        File.Exists(GenerationOptions.CampaignTruthFile(book.TruthFile)).ShouldBeFalse();
        File.Exists(GenerationOptions.CampaignEffectTruthFile(book.TruthFile)).ShouldBeFalse();
        book.Summary.Campaigns.ShouldBe(0);
    }
}
