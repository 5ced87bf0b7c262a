using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Planning;
using InsureCrm.Core.Common;
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

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
