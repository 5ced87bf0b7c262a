using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Common;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Tests.Campaigns;

/// <summary>A plan's life: four-eyes approval, an edit after approval back to Draft, start, close with lessons, cancel, roll-out.</summary>
public sealed class CampaignStateTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Approve_ByAuthor_IsRefusedAndByColleague_Approves(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var planning = CampaignPlanKit.Planning(db);
        var created = (await planning.CreateAsync(CampaignPlanKit.Author, CampaignPlanKit.Draft())).Value!;

        var own = await planning.ApproveAsync(CampaignPlanKit.Author, created.Id, created.Version);
        var approved = await planning.ApproveAsync(CampaignPlanKit.Colleague, created.Id, created.Version);

        created.Code.ShouldBe("C-2026-001");
        own.Outcome.ShouldBe(CampaignOutcome.Conflict);
        own.Message!.ShouldContain("four eyes");
        approved.Value!.State.ShouldBe(CampaignState.Approved);
        var detail = (await CampaignPlanKit.Library(db).GetAsync(CampaignPlanKit.Admin, created.Id)).Value!;
        detail.ApprovedByUserId.ShouldBe(CampaignPlanKit.Colleague.UserId);
        detail.Scripts.Count.ShouldBe(2);
        (await CampaignPlanKit.HistoryAsync(db, created.Id)).ShouldBe([CampaignEventKind.Created, CampaignEventKind.Approved]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Edit_AfterApproval_ReturnsToDraftWithNewRuleVersion(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var planning = CampaignPlanKit.Planning(db);
        var created = (await planning.CreateAsync(CampaignPlanKit.Author, CampaignPlanKit.Draft())).Value!;
        var approved = (await planning.ApproveAsync(CampaignPlanKit.Colleague, created.Id, created.Version)).Value!;
        var wider = """{"all":[{"field":"gap.family","op":"in","values":["Health"]},{"field":"age","op":"between","values":["25","64"]}]}""";

        var stale = await planning.EditAsync(CampaignPlanKit.Author, created.Id, created.Version, CampaignPlanKit.Draft(wider));
        var edited = await planning.EditAsync(CampaignPlanKit.Author, created.Id, approved.Version, CampaignPlanKit.Draft(wider));

        stale.Outcome.ShouldBe(CampaignOutcome.Conflict);
        stale.CurrentVersion.ShouldBe(approved.Version);
        edited.Value!.State.ShouldBe(CampaignState.Draft);
        var detail = (await CampaignPlanKit.Library(db).GetAsync(CampaignPlanKit.Admin, created.Id)).Value!;
        detail.ApprovedByUserId.ShouldBeNull();
        detail.RuleDefinition!.ShouldContain("\"25\"");
        await using var ctx = db.CreateContext();
        (await ctx.TargetRuleVersions.OrderBy(v => v.Version).Select(v => v.Version).ToListAsync()).ShouldBe([1, 2]);
        (await ctx.CampaignScripts.CountAsync()).ShouldBe(2, "unchanged scripts keep their version");
        (await CampaignPlanKit.HistoryAsync(db, created.Id)).ShouldBe(
            [CampaignEventKind.Created, CampaignEventKind.Approved, CampaignEventKind.RuleChanged, CampaignEventKind.Edited]);
        // The colleague who approved before may approve the changed plan; the author still may not.
        (await planning.ApproveAsync(CampaignPlanKit.Author, created.Id, edited.Value.Version)).Outcome.ShouldBe(CampaignOutcome.Conflict);
        (await planning.ApproveAsync(CampaignPlanKit.Colleague, created.Id, edited.Value.Version)).IsOk.ShouldBeTrue();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task StartCloseCancel_FollowTheStateMachine(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var planning = CampaignPlanKit.Planning(db);
        var a = (await planning.CreateAsync(CampaignPlanKit.Author, CampaignPlanKit.Draft())).Value!;
        var approved = (await planning.ApproveAsync(CampaignPlanKit.Admin, a.Id, a.Version)).Value!;

        (await planning.StartAsync(CampaignPlanKit.Author, a.Id)).Message!.ShouldContain("Split");
        await AddSplitAsync(db, a.Id, test: 900, control: 100);
        var running = await planning.StartAsync(CampaignPlanKit.Author, a.Id);
        running.Value!.State.ShouldBe(CampaignState.Running);
        (await planning.CloseAsync(CampaignPlanKit.Author, a.Id, running.Value.Version, "배운 점")).Outcome.ShouldBe(CampaignOutcome.Conflict);

        await SetStateAsync(db, a.Id, CampaignState.Measuring);
        var measuring = await VersionAsync(db, a.Id);
        (await planning.CloseAsync(CampaignPlanKit.Author, a.Id, measuring, "  ")).Errors.Keys.ShouldBe(["lessons"]);
        var closed = await planning.CloseAsync(CampaignPlanKit.Author, a.Id, measuring, "이메일은 40대에서만 반응했다");
        closed.Value!.State.ShouldBe(CampaignState.Closed);
        (await CampaignPlanKit.Library(db).ListAsync(CampaignPlanKit.Admin, new CampaignQuery(Search: "40대에서만"))).Select(c => c.Id).ShouldBe([a.Id]);
        approved.State.ShouldBe(CampaignState.Approved);

        var b = (await planning.CreateAsync(CampaignPlanKit.Author, CampaignPlanKit.Draft())).Value!;
        await using (var ctx = db.CreateContext())
        {
            ctx.Add(new CampaignContact { CampaignId = b.Id, CustomerId = 7, Channel = CampaignChannelKind.Email, Attempt = 1, IdemKey = CampaignContact.KeyOf(b.Id, 7, CampaignChannelKind.Email, 1), State = CampaignContactState.Pending, PlannedAt = CampaignPlanKit.Now.UtcDateTime });
            ctx.Add(new CampaignContact { CampaignId = b.Id, CustomerId = 8, Channel = CampaignChannelKind.Email, Attempt = 1, IdemKey = CampaignContact.KeyOf(b.Id, 8, CampaignChannelKind.Email, 1), State = CampaignContactState.Sent, PlannedAt = CampaignPlanKit.Now.UtcDateTime });
            await ctx.SaveChangesAsync();
        }
        var cancelled = await planning.CancelAsync(CampaignPlanKit.Author, b.Id, b.Version, "예산 삭감");
        cancelled.Value!.State.ShouldBe(CampaignState.Cancelled);
        await using (var ctx = db.CreateContext())
        {
            var contacts = await ctx.CampaignContacts.Where(c => c.CampaignId == b.Id).OrderBy(c => c.CustomerId).ToListAsync();
            contacts.Select(c => (c.State, c.Reasons)).ShouldBe([(CampaignContactState.Blocked, "Cancelled"), (CampaignContactState.Sent, "")]);
        }
        (await planning.CancelAsync(CampaignPlanKit.Author, b.Id, cancelled.Value.Version, "again")).Outcome.ShouldBe(CampaignOutcome.Conflict);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RollOut_OfMeasuredPilot_IsDraftWithPilotRates(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var planning = CampaignPlanKit.Planning(db);
        var pilot = (await planning.CreateAsync(CampaignPlanKit.Author, CampaignPlanKit.Draft())).Value!;
        var nationwide = new RollOutDraft("건강보험 공백 전사 확대", new(2026, 5, 1), new(2026, 6, 30),
            """{"all":[{"field":"gap.family","op":"in","values":["Health"]}]}""");

        (await planning.RollOutAsync(CampaignPlanKit.Author, pilot.Id, nationwide)).Outcome.ShouldBe(CampaignOutcome.Conflict);

        await AddSplitAsync(db, pilot.Id, test: 1000, control: 500);
        await using (var ctx = db.CreateContext())
        {
            ctx.Add(new CampaignAttribution { CampaignId = pilot.Id, AsOf = new(2026, 4, 30), RanAt = CampaignPlanKit.Now.UtcDateTime, Responses = 60, RespondersTest = 50, RespondersControl = 10 });
            await ctx.SaveChangesAsync();
        }
        await SetStateAsync(db, pilot.Id, CampaignState.Measuring);
        var rolled = await planning.RollOutAsync(CampaignPlanKit.Author, pilot.Id, nationwide);

        rolled.Value!.State.ShouldBe(CampaignState.Draft);
        rolled.Value.IsPilot.ShouldBeFalse();
        var detail = (await CampaignPlanKit.Library(db).GetAsync(CampaignPlanKit.Admin, rolled.Value.Id)).Value!;
        detail.ParentCampaignId.ShouldBe(pilot.Id);
        detail.BaselineRate!.Value.ShouldBe(0.02, 1e-12);
        detail.ExpectedLift.ShouldBe(0.03, 1e-12);
        detail.Channels.Count.ShouldBe(2);
        detail.Scripts.Count.ShouldBe(2);
        detail.RuleDefinition!.ShouldNotContain("age");
        (await CampaignPlanKit.HistoryAsync(db, pilot.Id)).ShouldContain(CampaignEventKind.RolledOut);
    }

    private static async Task AddSplitAsync(TestDatabase db, long campaignId, int test, int control)
    {
        await using var ctx = db.CreateContext();
        ctx.Add(new CampaignSplit { CampaignId = campaignId, AsOf = new(2026, 3, 2), Seed = 42, ControlShare = 0.1m, Candidates = test + control, Test = test, Control = control, CreatedAt = CampaignPlanKit.Now.UtcDateTime, CreatedBy = "test" });
        await ctx.SaveChangesAsync();
    }

    private static async Task SetStateAsync(TestDatabase db, long campaignId, CampaignState state)
    {
        await using var ctx = db.CreateContext();
        var c = await ctx.Campaigns.SingleAsync(x => x.Id == campaignId);
        c.State = state;
        await ctx.SaveChangesAsync();
    }

    private static async Task<int> VersionAsync(TestDatabase db, long campaignId)
    {
        await using var ctx = db.CreateContext();
        return await ctx.Campaigns.Where(x => x.Id == campaignId).Select(x => x.Version).SingleAsync();
    }
}
