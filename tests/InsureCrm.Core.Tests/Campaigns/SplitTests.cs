using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Planning;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Synthetic;
using InsureCrm.Tests;
using InsureCrm.Tests.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace InsureCrm.Core.Tests.Campaigns;

/// <summary>The split of an approved campaign over a generated book: reproducible by seed, stratified, holdout left out.</summary>
public sealed class SplitTests
{
    private const string Everyone = """{"all":[{"field":"kind","op":"in","values":["Individual","Corporate"]}]}""";

    private static async Task<TestDatabase> BookAsync(DatabaseProvider provider)
    {
        var db = await TestDatabase.CreateAsync(provider);
        var insurer = new SyntheticInsurer(db.Database, CustomerSeed.Protector(), TimeProvider.System, NullLogger<SyntheticInsurer>.Instance);
        await insurer.GenerateAsync(new GenerationOptions(400, 31, null, new DateOnly(2026, 2, 28), ChunkSize: 400), null, CancellationToken.None);
        return db;
    }

    /// <summary>An approved campaign with <paramref name="seed"/> over everyone, reachable by e-mail, SMS or DM.</summary>
    private static async Task<long> ApprovedAsync(TestDatabase db, long seed, decimal controlShare = 0.2m)
    {
        var planning = CampaignPlanKit.Planning(db);
        var draft = CampaignPlanKit.Draft(Everyone) with { SplitSeed = seed, ControlShare = controlShare };
        draft = draft with { Channels = [.. draft.Channels, new ChannelDraft(CampaignChannelKind.Dm, 3, null, 500m)] };
        var created = await planning.CreateAsync(CampaignPlanKit.Author, draft);
        created.IsOk.ShouldBeTrue(string.Join("; ", created.Errors.Select(e => e.Key + ": " + string.Join(",", e.Value))));
        var approved = await planning.ApproveAsync(CampaignPlanKit.Colleague, created.Value!.Id, created.Value.Version);
        approved.IsOk.ShouldBeTrue(approved.Message);
        return created.Value.Id;
    }

    private static CampaignSplitter Splitter(TestDatabase db) => new(db.Database, new CampaignsOptions(), new FixedClock(CampaignPlanKit.Now));

    private static async Task<List<CampaignMember>> MembersAsync(TestDatabase db, long campaignId)
    {
        await using var ctx = db.CreateContext();
        return await ctx.CampaignMembers.AsNoTracking().Where(m => m.CampaignId == campaignId).OrderBy(m => m.CustomerId).ToListAsync();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SplitAsync_Waterfall_PlansTheFirstChannelWithAddressAndConsentInEffect(DatabaseProvider provider)
    {
        await using var db = await BookAsync(provider);
        var id = await ApprovedAsync(db, seed: 8);
        (await Splitter(db).SplitAsync(CampaignPlanKit.Author, id)).IsOk.ShouldBeTrue();

        await using var ctx = db.CreateContext();
        var today = DateOnly.FromDateTime(CampaignPlanKit.Now.UtcDateTime.AddHours(9));
        var consents = await ctx.MarketingConsents.AsNoTracking().ToListAsync();
        // The contact policy's consent test: the newest row in effect today is an unexpired grant.
        bool Consented(long customer, ContactChannel channel) => consents
            .Where(c => c.CustomerId == customer && c.Channel == channel && c.EffectiveFrom <= today)
            .OrderByDescending(c => c.EffectiveFrom).ThenByDescending(c => c.Id)
            .FirstOrDefault() is { Granted: true } newest && (newest.ExpiresOn is null || newest.ExpiresOn > today);
        var emails = (await ctx.CustomerEmails.AsNoTracking().Where(e => e.IsPrimary).Select(e => e.CustomerId).ToListAsync()).ToHashSet();
        var mobiles = (await ctx.CustomerPhones.AsNoTracking().Where(p => p.Kind == PhoneKind.Mobile).Select(p => p.CustomerId).ToListAsync()).ToHashSet();
        var addresses = (await ctx.CustomerAddresses.AsNoTracking().Where(a => a.IsPrimary).Select(a => a.CustomerId).ToListAsync()).ToHashSet();
        CampaignChannelKind? Expected(long c) =>
            emails.Contains(c) && Consented(c, ContactChannel.Email) ? CampaignChannelKind.Email
            : mobiles.Contains(c) && Consented(c, ContactChannel.Sms) ? CampaignChannelKind.Sms
            : addresses.Contains(c) && Consented(c, ContactChannel.Dm) ? CampaignChannelKind.Dm
            : null;

        var members = (await MembersAsync(db, id)).Where(m => m.Exclusion is null or MemberExclusion.NoChannel).ToList();
        members.Where(m => m.Exclusion == MemberExclusion.NoChannel).Select(m => Expected(m.CustomerId)).ShouldAllBe(e => e == null);
        members.Where(m => m.Exclusion is null).Select(m => (Planned: m.PlannedChannel, Expected: Expected(m.CustomerId))).ShouldAllBe(p => p.Planned == p.Expected);
        // Some customers have an e-mail address but no e-mail consent in effect, and fall through to a later channel or none.
        members.Count(m => emails.Contains(m.CustomerId) && m.PlannedChannel != CampaignChannelKind.Email).ShouldBeGreaterThan(0);
        members.Count(m => m.PlannedChannel == CampaignChannelKind.Email).ShouldBeGreaterThan(0);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SplitAsync_SameSeed_SameArms_OtherSeed_Differs(DatabaseProvider provider)
    {
        await using var db = await BookAsync(provider);
        var first = await ApprovedAsync(db, seed: 42);
        var again = await ApprovedAsync(db, seed: 42);
        var other = await ApprovedAsync(db, seed: 43);
        // Each list is compared with the others as if alone: a split campaign goes back to Draft so that the next does not see it as overlapping.
        async Task<CampaignResult<SplitSummary>> SplitAloneAsync(long id)
        {
            var result = await Splitter(db).SplitAsync(CampaignPlanKit.Author, id);
            await using var ctx = db.CreateContext();
            await ctx.Campaigns.Where(x => x.Id == id).ExecuteUpdateAsync(s => s.SetProperty(x => x.State, CampaignState.Draft));
            return result;
        }

        var a = await SplitAloneAsync(first);
        var b = await SplitAloneAsync(again);
        var c = await SplitAloneAsync(other);

        a.IsOk.ShouldBeTrue(a.Message);
        b.IsOk.ShouldBeTrue(b.Message);
        c.IsOk.ShouldBeTrue(c.Message);
        var armsA = (await MembersAsync(db, first)).Select(m => (m.CustomerId, m.Arm)).ToList();
        var armsB = (await MembersAsync(db, again)).Select(m => (m.CustomerId, m.Arm)).ToList();
        var armsC = (await MembersAsync(db, other)).Select(m => (m.CustomerId, m.Arm)).ToList();
        armsA.Count(x => x.Arm == CampaignArm.Control).ShouldBeGreaterThan(10);
        armsB.ShouldBe(armsA);
        armsC.Select(x => x.CustomerId).ShouldBe(armsA.Select(x => x.CustomerId));
        armsC.ShouldNotBe(armsA);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SplitAsync_Strata_EachWithinOneOfControlShare_TotalRounded(DatabaseProvider provider)
    {
        await using var db = await BookAsync(provider);
        var id = await ApprovedAsync(db, seed: 7, controlShare: 0.15m);

        var summary = (await Splitter(db).SplitAsync(CampaignPlanKit.Author, id)).Value.ShouldNotBeNull();

        var members = await MembersAsync(db, id);
        var randomised = members.Where(m => m.Arm != CampaignArm.Excluded).ToList();
        randomised.Count(m => m.Arm == CampaignArm.Control).ShouldBe((int)Math.Round(randomised.Count * 0.15m, MidpointRounding.AwayFromZero));
        summary.Control.ShouldBe(randomised.Count(m => m.Arm == CampaignArm.Control));
        foreach (var stratum in randomised.GroupBy(m => m.Stratum))
        {
            var control = stratum.Count(m => m.Arm == CampaignArm.Control);
            Math.Abs(control - (stratum.Count() * 0.15)).ShouldBeLessThan(1.0, stratum.Key);
            // The first members in hash order are the control.
            var ordered = stratum.OrderBy(m => m.SplitHash).ThenBy(m => m.CustomerId).ToList();
            ordered.Take(control).ShouldAllBe(m => m.Arm == CampaignArm.Control);
        }
        members.ShouldAllBe(m => m.SplitHash == SplitHash.Key(7, m.CustomerId));
        members.Where(m => m.Arm != CampaignArm.Excluded).ShouldAllBe(m => m.PlannedChannel != null);
        (await CampaignPlanKit.HistoryAsync(db, id)).ShouldContain(CampaignEventKind.Split);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SplitAsync_UniversalHoldout_ExcludedAndNeverInAnArm(DatabaseProvider provider)
    {
        await using var db = await BookAsync(provider);
        var id = await ApprovedAsync(db, seed: 11);

        var summary = (await Splitter(db).SplitAsync(CampaignPlanKit.Author, id)).Value.ShouldNotBeNull();

        await using var ctx = db.CreateContext();
        var year = await ctx.HoldoutYears.SingleAsync(h => h.Year == 2026);
        var members = await MembersAsync(db, id);
        var held = members.Where(m => UniversalHoldout.Contains(year, m.CustomerId)).ToList();
        held.ShouldNotBeEmpty();
        held.ShouldAllBe(m => m.Arm == CampaignArm.Excluded && m.Exclusion == MemberExclusion.UniversalHoldout);
        members.Where(m => m.Exclusion == MemberExclusion.UniversalHoldout).Count().ShouldBe(held.Count);
        summary.ExcludedHoldout.ShouldBe(held.Count);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SplitAsync_AfterContactReleased_Conflict(DatabaseProvider provider)
    {
        await using var db = await BookAsync(provider);
        var id = await ApprovedAsync(db, seed: 5);
        (await Splitter(db).SplitAsync(CampaignPlanKit.Author, id)).IsOk.ShouldBeTrue();
        var before = await MembersAsync(db, id);
        await using (var ctx = db.CreateContext())
        {
            var m = before.First(x => x.Arm == CampaignArm.Test);
            ctx.CampaignContacts.Add(new CampaignContact
            {
                CampaignId = id, CustomerId = m.CustomerId, Channel = CampaignChannelKind.Email, Attempt = 1,
                IdemKey = CampaignContact.KeyOf(id, m.CustomerId, CampaignChannelKind.Email, 1), State = CampaignContactState.Sent,
                PlannedAt = CampaignPlanKit.Now.UtcDateTime,
            });
            await ctx.SaveChangesAsync();
        }

        var again = await Splitter(db).SplitAsync(CampaignPlanKit.Author, id);

        again.Outcome.ShouldBe(CampaignOutcome.Conflict);
        (await MembersAsync(db, id)).Select(m => (m.CustomerId, m.Arm)).ShouldBe(before.Select(m => (m.CustomerId, m.Arm)));
    }

    /// <summary>
    /// An approved campaign over everyone with <paramref name="rule"/> and <paramref name="priority"/>, approved a day
    /// before the clock's now, or <paramref name="daysEarlier"/> days before that.
    /// </summary>
    private static async Task<long> ApprovedAsync(TestDatabase db, long seed, OverlapRule rule, int priority, int daysEarlier = 0)
    {
        var planning = CampaignPlanKit.Planning(db);
        var draft = CampaignPlanKit.Draft(Everyone) with { SplitSeed = seed, ControlShare = 0.2m, OverlapRule = rule, Priority = priority };
        var created = await planning.CreateAsync(CampaignPlanKit.Author, draft);
        created.IsOk.ShouldBeTrue(string.Join("; ", created.Errors.Select(e => e.Key + ": " + string.Join(",", e.Value))));
        (await planning.ApproveAsync(CampaignPlanKit.Colleague, created.Value!.Id, created.Value.Version)).IsOk.ShouldBeTrue();
        var approvedAt = CampaignPlanKit.Now.UtcDateTime.AddDays(-1 - daysEarlier);
        await using var ctx = db.CreateContext();
        await ctx.Campaigns.Where(c => c.Id == created.Value.Id).ExecuteUpdateAsync(u => u.SetProperty(c => c.ApprovedAt, approvedAt));
        return created.Value.Id;
    }

    private static async Task<CampaignSplit> SplitRowAsync(TestDatabase db, long campaignId)
    {
        await using var ctx = db.CreateContext();
        return await ctx.CampaignSplits.AsNoTracking().SingleAsync(s => s.CampaignId == campaignId);
    }

    private static void ShouldMatchMembers(CampaignSplit split, List<CampaignMember> members)
    {
        split.Test.ShouldBe(members.Count(m => m.Arm == CampaignArm.Test));
        split.Control.ShouldBe(members.Count(m => m.Arm == CampaignArm.Control));
        split.ExcludedOverlap.ShouldBe(members.Count(m => m.Exclusion == MemberExclusion.Overlap));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SplitAsync_Prioritise_HigherPriorityTakesUncontactedCustomers_ContactedStay(DatabaseProvider provider)
    {
        await using var db = await BookAsync(provider);
        var low = await ApprovedAsync(db, seed: 3, OverlapRule.Exclude, priority: 1);
        (await Splitter(db).SplitAsync(CampaignPlanKit.Author, low)).IsOk.ShouldBeTrue();
        var lowBefore = await MembersAsync(db, low);
        var lowTest = lowBefore.Where(m => m.Arm == CampaignArm.Test).ToList();
        var contacted = lowTest[0].CustomerId;
        var pending = lowTest[1].CustomerId;
        var control = lowBefore.First(m => m.Arm == CampaignArm.Control).CustomerId;
        await using (var ctx = db.CreateContext())
        {
            CampaignContact Contact(long customer, CampaignContactState state) => new()
            {
                CampaignId = low, CustomerId = customer, Channel = CampaignChannelKind.Email, Attempt = 1,
                IdemKey = CampaignContact.KeyOf(low, customer, CampaignChannelKind.Email, 1), State = state, PlannedAt = CampaignPlanKit.Now.UtcDateTime,
            };
            ctx.CampaignContacts.AddRange(Contact(contacted, CampaignContactState.Sent), Contact(pending, CampaignContactState.Pending));
            await ctx.SaveChangesAsync();
        }
        var high = await ApprovedAsync(db, seed: 4, OverlapRule.Prioritise, priority: 5);

        var summary = (await Splitter(db).SplitAsync(CampaignPlanKit.Author, high)).Value.ShouldNotBeNull();

        var lowAfter = (await MembersAsync(db, low)).ToDictionary(m => m.CustomerId);
        var highAfter = (await MembersAsync(db, high)).ToDictionary(m => m.CustomerId);
        // The contacted customer stays in the campaign that contacted them, and the higher priority leaves them out.
        lowAfter[contacted].Arm.ShouldBe(CampaignArm.Test);
        highAfter[contacted].Exclusion.ShouldBe(MemberExclusion.Overlap);
        summary.ExcludedOverlap.ShouldBe(1);
        // Everyone else the higher priority places in an arm is taken, Test or Control alike, with a pending contact too.
        highAfter[pending].Arm.ShouldNotBe(CampaignArm.Excluded);
        lowAfter[pending].Exclusion.ShouldBe(MemberExclusion.Overlap);
        lowAfter[control].Exclusion.ShouldBe(MemberExclusion.Overlap);
        foreach (var m in highAfter.Values.Where(m => m.Arm != CampaignArm.Excluded))
        {
            lowAfter.TryGetValue(m.CustomerId, out var other).ShouldBeTrue();
            other!.Arm.ShouldBe(CampaignArm.Excluded);
        }
        await using (var ctx = db.CreateContext())
        {
            var blocked = await ctx.CampaignContacts.AsNoTracking().SingleAsync(c => c.CampaignId == low && c.CustomerId == pending);
            blocked.State.ShouldBe(CampaignContactState.Blocked);
            blocked.Reasons.ShouldBe(nameof(CampaignBlockReason.Superseded));
            (await ctx.CampaignContacts.AsNoTracking().SingleAsync(c => c.CampaignId == low && c.CustomerId == contacted)).State.ShouldBe(CampaignContactState.Sent);
        }
        // The loser's split still counts its members, and its history says who took them.
        var lowSplit = await SplitRowAsync(db, low);
        ShouldMatchMembers(lowSplit, [.. lowAfter.Values]);
        lowSplit.Test.ShouldBeLessThan(lowTest.Count);
        (await CampaignPlanKit.HistoryAsync(db, low)).Count(k => k == CampaignEventKind.Split).ShouldBe(2);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SplitAsync_Prioritise_LowerPriorityOrLaterApprovalOnTie_LeavesCustomersOut(DatabaseProvider provider)
    {
        await using var db = await BookAsync(provider);
        var first = await ApprovedAsync(db, seed: 3, OverlapRule.Exclude, priority: 2, daysEarlier: 1);
        (await Splitter(db).SplitAsync(CampaignPlanKit.Author, first)).IsOk.ShouldBeTrue();
        var before = (await MembersAsync(db, first)).Select(m => (m.CustomerId, m.Arm)).ToList();
        var lower = await ApprovedAsync(db, seed: 4, OverlapRule.Prioritise, priority: 1);
        var tiedLater = await ApprovedAsync(db, seed: 5, OverlapRule.Prioritise, priority: 2);

        var a = (await Splitter(db).SplitAsync(CampaignPlanKit.Author, lower)).Value.ShouldNotBeNull();
        var b = (await Splitter(db).SplitAsync(CampaignPlanKit.Author, tiedLater)).Value.ShouldNotBeNull();

        // The first campaign keeps everyone in an arm; the others leave out each of them.
        (await MembersAsync(db, first)).Select(m => (m.CustomerId, m.Arm)).ShouldBe(before);
        var kept = before.Where(m => m.Arm != CampaignArm.Excluded).Select(m => m.CustomerId).ToHashSet();
        kept.Count.ShouldBeGreaterThan(50);  // of 400: those with an address and the channel's consent in effect
        foreach (var id in new[] { lower, tiedLater })
        {
            var members = await MembersAsync(db, id);
            members.Where(m => kept.Contains(m.CustomerId)).ShouldAllBe(m => m.Exclusion == MemberExclusion.Overlap);
        }
        a.ExcludedOverlap.ShouldBeGreaterThanOrEqualTo(kept.Count);
        b.ExcludedOverlap.ShouldBeGreaterThanOrEqualTo(kept.Count);
        ShouldMatchMembers(await SplitRowAsync(db, first), await MembersAsync(db, first));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SplitAsync_Prioritise_TieOnPriority_EarlierApprovalTakes(DatabaseProvider provider)
    {
        await using var db = await BookAsync(provider);
        var later = await ApprovedAsync(db, seed: 3, OverlapRule.Exclude, priority: 2);
        (await Splitter(db).SplitAsync(CampaignPlanKit.Author, later)).IsOk.ShouldBeTrue();
        var earlier = await ApprovedAsync(db, seed: 4, OverlapRule.Prioritise, priority: 2, daysEarlier: 3);

        var summary = (await Splitter(db).SplitAsync(CampaignPlanKit.Author, earlier)).Value.ShouldNotBeNull();

        summary.ExcludedOverlap.ShouldBe(0);
        var laterMembers = await MembersAsync(db, later);
        laterMembers.Where(m => m.Arm != CampaignArm.Excluded).ShouldBeEmpty();
        ShouldMatchMembers(await SplitRowAsync(db, later), laterMembers);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
