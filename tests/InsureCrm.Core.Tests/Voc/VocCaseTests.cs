using InsureCrm.Core.CallCenter.Inbound;
using InsureCrm.Core.Common;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Security;
using InsureCrm.Core.Voc;
using InsureCrm.Tests.Worklists;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Tests.Voc;

/// <summary>
/// VOC's core on both providers (issue 16): intake from any channel with its validation, routing to departments and an owner,
/// accountability for resolving, front-line authority, SLA clocks with pause, warning and escalation, the console's sweep.
/// Fictional people.
/// </summary>
public sealed class VocCaseTests
{
    private static DateTime Seoul(int y, int m, int d, int h, int min = 0) => new DateTime(y, m, d, h, min, 0, DateTimeKind.Utc).AddHours(-9);

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Open_EmptyOrOversizedText_IsRefusedNamingTheLimit(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);

        var empty = await kit.Intake.OpenAsync(VocKit.Complaint("   "), null);
        empty.Status.ShouldBe(VocIntakeStatus.Invalid);
        empty.ErrorList.Single().Code.ShouldBe("text.empty");

        var huge = await kit.Intake.OpenAsync(VocKit.Complaint(new string('가', VocIntake.MaxTextLength + 1)), null);
        huge.Status.ShouldBe(VocIntakeStatus.Invalid);
        huge.ErrorList.Single().Code.ShouldBe("text.too-long");
        huge.ErrorList.Single().Message.ShouldContain("20,000");

        var wrong = await kit.Intake.OpenAsync(VocKit.Complaint(category: "claims.nonsense") with { Channel = VocChannel.Regulator }, null);
        wrong.ErrorList.Select(e => e.Code).ShouldBe(["category.unknown", "regulator.due-missing"], ignoreOrder: true);
        (await ctx.VocCases.CountAsync()).ShouldBe(0);

        var exact = await kit.Intake.OpenAsync(VocKit.Complaint(new string('가', VocIntake.MaxTextLength)), null);
        exact.Status.ShouldBe(VocIntakeStatus.Opened);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Open_Complaint_RoutesToTheCategorysDepartment_OwnerWithFewestOpenCases_AndStartsTheClocks(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var busy = await kit.UserAsync("claims-busy", Role.VocHandler);
        var free = await kit.UserAsync("claims-free", Role.VocHandler);
        await kit.MemberAsync("CLAIMS", busy);
        await kit.MemberAsync("CLAIMS", free);
        var customer = await WorklistKit.CustomerAsync(ctx, "가나다");
        var first = await kit.Intake.OpenAsync(VocKit.Complaint(), null);
        (await kit.CaseAsync(first.CaseId!.Value)).OwnerUserId.ShouldBe(busy.UserId);   // both at 0: the lower id

        var result = await kit.Intake.OpenAsync(VocKit.Complaint() with { CustomerId = customer.Id }, null);

        result.Status.ShouldBe(VocIntakeStatus.Opened);
        result.Number.ShouldBe($"VOC-2027-{result.CaseId:000000}");
        var c = await kit.CaseAsync(result.CaseId!.Value);
        c.ManagingDepartmentId.ShouldBe((await kit.DepartmentAsync("CLAIMS")).Id);
        c.ReceivingDepartmentId.ShouldBe((await kit.DepartmentAsync("CALLCENTER")).Id);
        c.OwnerUserId.ShouldBe(free.UserId);
        c.State.ShouldBe(VocState.Assigned);
        VocRoutingNote.Describe(c.RoutingNote.ShouldNotBeNull()).ShouldContain("category claims");
        // Complaint, normal: first response in 4 business hours, resolution in 27 (Tuesday 10:00 → Friday 10:00), warning at 80 %.
        c.FirstResponseDueAt.ShouldBe(Seoul(2027, 3, 2, 14));
        c.ResolutionDueAt.ShouldBe(Seoul(2027, 3, 5, 10));
        c.WarnAt.ShouldBe(Seoul(2027, 3, 4, 13, 36));
        (await kit.EventsAsync(c.Id)).Select(e => e.Kind).ShouldBe([VocEventKind.Created, VocEventKind.Assigned]);
        var complaint = await ctx.Interactions.AsNoTracking().SingleAsync(i => i.CustomerId == customer.Id);
        (complaint.Purpose, complaint.Direction).ShouldBe((InteractionPurpose.Complaint, InteractionDirection.Inbound));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Get_OpeningACase_IsAccessLoggedForComplaintHandling_WithoutItsText_AndARefusedOneIsNot(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var handler = await kit.UserAsync("claims", Role.VocHandler);
        await kit.MemberAsync("CLAIMS", handler);
        var outsider = await kit.UserAsync("outsider", Role.VocHandler);
        var customer = await WorklistKit.CustomerAsync(ctx, "가나다");
        var opened = await kit.Intake.OpenAsync(VocKit.Complaint("입원비가 3주째 지급되지 않았습니다") with { CustomerId = customer.Id }, null);

        (await kit.Cases.GetAsync(handler, opened.CaseId!.Value)).ShouldNotBeNull();
        (await kit.Cases.GetAsync(outsider, opened.CaseId!.Value)).ShouldBeNull();

        var (user, access) = kit.AccessLog.Entries.ShouldHaveSingleItem();
        user.UserId.ShouldBe(handler.UserId);
        (access.Action, access.CustomerId, access.Reason).ShouldBe((AccessAction.View, (long?)customer.Id, (string?)AccessReason.Complaint));
        access.Detail.ShouldBe("voc case " + opened.Number);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task MyKpis_CountEveryOpenCase_NotOnlyTheOnesTheListShows(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var handler = await kit.UserAsync("claims", Role.VocHandler);
        await kit.MemberAsync("CLAIMS", handler);
        for (var i = 0; i < 4; i++)
        {
            (await kit.Intake.OpenAsync(VocKit.Complaint(), null)).Status.ShouldBe(VocIntakeStatus.Opened);
        }
        var lateId = (await kit.Intake.OpenAsync(VocKit.Complaint(), null)).CaseId!.Value;
        var late = await ctx.VocCases.SingleAsync(c => c.Id == lateId);
        late.Breached = true;
        await ctx.SaveChangesAsync();

        (await kit.Cases.MyCasesAsync(handler, take: 2)).Count.ShouldBe(2);
        var kpis = await kit.Cases.MyKpisAsync(handler, TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul"));
        (kpis.Open, kpis.Breached, kpis.Waiting).ShouldBe((5, 1, 0));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Open_SameExternalReferenceTwice_OpensOneCase_AndKeepsAnUnknownSenderEncrypted(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var mail = new VocIntakeRequest(VocChannel.Email, null, null, VocSeverity.Normal, "문의", "<script>alert(1)</script> 약관 문의드립니다")
        {
            ExternalRef = "<abc@mail.example>", Contact = new VocContact("홍길동", "010-5550-1234", "hong@example.com"),
        };

        var first = await kit.Intake.OpenAsync(mail, null);
        var again = await kit.Intake.OpenAsync(mail, null);

        again.Status.ShouldBe(VocIntakeStatus.Duplicate);
        again.CaseId.ShouldBe(first.CaseId);
        (await ctx.VocCases.CountAsync()).ShouldBe(1);
        var c = await kit.CaseAsync(first.CaseId!.Value);
        c.Text.ShouldStartWith("<script>");   // kept as text; pages encode it
        c.CustomerId.ShouldBeNull();
        c.ContactProtected.ShouldNotBeNull().ShouldNotContain("5550");
        c.ContactProtected.ShouldNotContain("홍길동");
        c.ContactPhoneHash.ShouldBe(Customers.CustomerSeed.Protector().Hash("01055501234"));
        c.Type.ShouldBeNull();
        c.ManagingDepartmentId.ShouldBe((await kit.DepartmentAsync("CS")).Id);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Resolve_OnlyOwnerHeadOrAdmin_AndWritesTheCompletedComplaintInteraction(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var owner = await kit.UserAsync("owner", Role.VocHandler);
        var colleague = await kit.UserAsync("colleague", Role.VocHandler);
        var head = await kit.UserAsync("head", Role.VocHandler);
        var outsider = await kit.UserAsync("outsider", Role.VocHandler);
        await kit.MemberAsync("CLAIMS", owner);
        await kit.HeadAsync("CLAIMS", head);
        var customer = await WorklistKit.CustomerAsync(ctx, "가나다");
        var id = (await kit.Intake.OpenAsync(VocKit.Complaint() with { CustomerId = customer.Id }, null)).CaseId!.Value;
        await kit.MemberAsync("CLAIMS", colleague);
        var resolution = new VocResolution("지급 지연 사유를 설명하고 오늘 지급을 완료했습니다.", true, VocCause.Process, "서류 검토 대기열 누락", ServiceGap.Delivery);

        (await kit.Cases.ResolveAsync(colleague, id, resolution)).ShouldBe(VocActionResult.Forbidden("not-owner"));
        (await kit.Cases.ResolveAsync(outsider, id, resolution)).Status.ShouldBe(VocActionStatus.NotFound);
        (await kit.Cases.ResolveAsync(owner, id, resolution with { Answer = " " })).Error.ShouldBe("answer.empty");
        (await kit.Cases.CloseAsync(owner, id)).Error.ShouldBe("state.not-resolved");
        (await kit.Cases.RespondAsync(colleague, id, "고객에게 전화함")).Status.ShouldBe(VocActionStatus.Done);

        kit.Clock.Now = kit.Clock.Now.AddHours(3);
        (await kit.Cases.ResolveAsync(owner, id, resolution)).Status.ShouldBe(VocActionStatus.Done);
        (await kit.Cases.CloseAsync(head, id)).Status.ShouldBe(VocActionStatus.Done);

        var c = await kit.CaseAsync(id);
        (c.State, c.Gap, c.Cause, c.CallbackDone, c.ResolvedBy).ShouldBe((VocState.Closed, ServiceGap.Delivery, VocCause.Process, (bool?)true, "owner"));
        c.FirstRespondedAt.ShouldBe(VocKit.Start.UtcDateTime);
        var history = await ctx.Interactions.AsNoTracking().Where(i => i.CustomerId == customer.Id).OrderBy(i => i.Id).ToListAsync();
        history.Select(i => (i.Purpose, i.Direction, i.Outcome)).ShouldBe([
            (InteractionPurpose.Complaint, InteractionDirection.Inbound, InteractionOutcome.FollowUp),
            (InteractionPurpose.Complaint, InteractionDirection.Outbound, InteractionOutcome.Completed)]);
        (await kit.Cases.ReopenAsync(outsider, id, "재민원")).Status.ShouldBe(VocActionStatus.NotFound);
        (await kit.Cases.ReopenAsync(owner, id, "고객이 지급액에 이의 제기")).Status.ShouldBe(VocActionStatus.Done);
        (await kit.CaseAsync(id)).State.ShouldBe(VocState.Reopened);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Transfer_KeepsTheHistory_AndTheNewOwnerMayResolve(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var claims = await kit.UserAsync("claims", Role.VocHandler);
        var policy = await kit.UserAsync("policy", Role.VocHandler);
        await kit.MemberAsync("CLAIMS", claims);
        await kit.MemberAsync("POLICY", policy);
        var id = (await kit.Intake.OpenAsync(VocKit.Complaint(), null)).CaseId!.Value;

        (await kit.Cases.TransferAsync(claims, id, "POLICY", null, " ")).Error.ShouldBe("reason.empty");
        (await kit.Cases.TransferAsync(claims, id, "NOPE", null, "잘못 배정")).Error.ShouldBe("department.unknown");
        (await kit.Cases.TransferAsync(claims, id, "POLICY", null, "자동이체 오류 건으로 계약관리팀 소관")).Status.ShouldBe(VocActionStatus.Done);

        var c = await kit.CaseAsync(id);
        c.OwnerUserId.ShouldBe(policy.UserId);
        var transfer = (await kit.EventsAsync(id)).Single(e => e.Kind == VocEventKind.Transferred);
        (transfer.FromDepartmentId, transfer.ToDepartmentId, transfer.FromUserId, transfer.ToUserId)
            .ShouldBe(((await kit.DepartmentAsync("CLAIMS")).Id, (long?)(await kit.DepartmentAsync("POLICY")).Id, (long?)claims.UserId, (long?)policy.UserId));
        transfer.Note.ShouldBe("자동이체 오류 건으로 계약관리팀 소관");
        (await kit.Cases.ResolveAsync(claims, id, new VocResolution("처리함", false, null, null, null))).Status.ShouldBe(VocActionStatus.NotFound);
        (await kit.Cases.ResolveAsync(policy, id, new VocResolution("처리함", false, null, null, null))).Status.ShouldBe(VocActionStatus.Done);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Open_FrontLine_ResolvesWithinAuthority_AndRefusesAComplaintOverTheLimit(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var agent = await kit.UserAsync("fc", Role.Agent);
        var handler = await kit.UserAsync("handler", Role.VocHandler);
        var answer = new VocSpotResolution("해지환급금 조회 방법을 안내함");

        var inquiry = await kit.Intake.OpenAsync(new VocIntakeRequest(VocChannel.Agent, VocType.Inquiry, "payment.refund", VocSeverity.Low, null, "해지환급금이 얼마인지 궁금합니다")
            { ResolveOnSpot = answer }, agent);
        inquiry.Status.ShouldBe(VocIntakeStatus.Opened);
        var c = await kit.CaseAsync(inquiry.CaseId!.Value);
        (c.State, c.FrontLine, c.OwnerUserId, c.ResolutionDueAt).ShouldBe((VocState.Resolved, true, (long?)agent.UserId, (DateTime?)null));

        var small = await kit.Intake.OpenAsync(VocKit.Complaint() with { ClaimedAmount = 300_000m, ResolveOnSpot = answer }, agent);
        small.Status.ShouldBe(VocIntakeStatus.Opened);
        var large = await kit.Intake.OpenAsync(VocKit.Complaint() with { ClaimedAmount = 300_001m, ResolveOnSpot = answer }, agent);
        large.ErrorList.Single().Code.ShouldBe("frontline.amount");
        large.ErrorList.Single().Message.ShouldContain("300,000 KRW");
        (await kit.Intake.OpenAsync(VocKit.Complaint() with { ResolveOnSpot = answer }, handler)).ErrorList.Single().Code.ShouldBe("frontline.role");
        var marketer = await kit.UserAsync("marketer", Role.Marketer);
        (await kit.Intake.OpenAsync(VocKit.Complaint(), marketer)).Status.ShouldBe(VocIntakeStatus.Forbidden);
        (await ctx.VocCases.CountAsync()).ShouldBe(2);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SlaRun_WarnsThenEscalatesToTheHead_PausedClocksStandStill_RerunChangesNothing(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var owner = await kit.UserAsync("owner", Role.VocHandler);
        var head = await kit.UserAsync("head", Role.VocHandler);
        await kit.MemberAsync("CLAIMS", owner);
        await kit.HeadAsync("CLAIMS", head);
        var running = (await kit.Intake.OpenAsync(VocKit.Complaint(), null)).CaseId!.Value;
        var waiting = (await kit.Intake.OpenAsync(VocKit.Complaint(), null)).CaseId!.Value;
        (await kit.Cases.RespondAsync(owner, running, null)).Status.ShouldBe(VocActionStatus.Done);
        (await kit.Cases.RespondAsync(owner, waiting, null)).Status.ShouldBe(VocActionStatus.Done);
        kit.Clock.Now = new DateTimeOffset(Seoul(2027, 3, 3, 10), TimeSpan.Zero);   // 9 business hours in
        (await kit.Cases.PauseAsync(owner, waiting, "고객 서류 회신 대기")).Status.ShouldBe(VocActionStatus.Done);

        // Thursday 14:00: past the warning (13:36).
        var warn = await kit.Sla.RunAsync(new DateTimeOffset(Seoul(2027, 3, 4, 14), TimeSpan.Zero));
        (warn.Warned, warn.Escalated).ShouldBe((1, 0));
        // Friday 10:30: past the resolution (10:00).
        var breach = await kit.Sla.RunAsync(new DateTimeOffset(Seoul(2027, 3, 5, 10, 30), TimeSpan.Zero));
        (breach.Warned, breach.Escalated).ShouldBe((0, 1));
        var again = await kit.Sla.RunAsync(new DateTimeOffset(Seoul(2027, 3, 5, 11), TimeSpan.Zero));
        (again.Warned, again.Escalated).ShouldBe((0, 0));

        ctx.ChangeTracker.Clear();
        var c = await kit.CaseAsync(running);
        c.Breached.ShouldBeTrue();
        var escalation = (await kit.EventsAsync(running)).Single(e => e.Kind == VocEventKind.Escalated);
        (escalation.ToUserId, escalation.Note).ShouldBe(((long?)head.UserId, "resolution"));
        (await kit.Cases.DepartmentCasesAsync(head)).First().Id.ShouldBe(running);

        // The paused case: 18 business hours were left on Wednesday 10:00; resumed on Monday 8 March 09:00 it is due Tuesday 18:00.
        var w = await kit.CaseAsync(waiting);
        (w.Breached, w.WarnedAt, w.State).ShouldBe((false, (DateTime?)null, VocState.WaitingForCustomer));
        kit.Clock.Now = new DateTimeOffset(Seoul(2027, 3, 8, 9), TimeSpan.Zero);
        (await kit.Cases.ResumeAsync(owner, waiting, "서류 도착")).Status.ShouldBe(VocActionStatus.Done);
        ctx.ChangeTracker.Clear();
        (await kit.CaseAsync(waiting)).ResolutionDueAt.ShouldBe(Seoul(2027, 3, 9, 18));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Open_RegulatorReferral_IsDueOnTheRegulatorsDeadline_ManagedByCompliance(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var deadline = new DateTimeOffset(Seoul(2027, 3, 12, 18), TimeSpan.Zero);
        var result = await kit.Intake.OpenAsync(new VocIntakeRequest(VocChannel.Regulator, VocType.Complaint, "misselling.explanation", VocSeverity.High,
            "금융감독원 이첩 민원", "가입 당시 원금 보장이라고 설명을 들었습니다") { ExternalRef = "FSS-2027-001234", RegulatorDueAt = deadline }, null);

        var c = await kit.CaseAsync(result.CaseId!.Value);
        c.ResolutionDueAt.ShouldBe(deadline.UtcDateTime);
        c.ManagingDepartmentId.ShouldBe((await kit.DepartmentAsync("COMPLIANCE")).Id);
        VocRoutingNote.Describe(c.RoutingNote.ShouldNotBeNull()).ShouldStartWith("regulator referral");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SlaRun_OpensACaseForEachInboundComplaintOnce(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var customer = await WorklistKit.CustomerAsync(ctx, "가나다");
        var interaction = new Interaction
        {
            CustomerId = customer.Id, OccurredAt = VocKit.Start.UtcDateTime, Channel = InteractionChannel.CallCenter, Direction = InteractionDirection.Inbound,
            Purpose = InteractionPurpose.Complaint, Outcome = InteractionOutcome.FollowUp, Notes = "설계사가 연락을 받지 않는다는 불만",
        };
        ctx.Interactions.Add(interaction);
        await ctx.SaveChangesAsync();
        var flagged = new InboundContact
        {
            CustomerId = customer.Id, InteractionId = interaction.Id, ReasonCode = "complaint.agent", ReasonTreeVersion = 1, Outcome = InboundOutcome.ComplaintToVoc,
            VocRequested = true, LoggedBy = "callcenter", LoggedAt = VocKit.Start.UtcDateTime,
        };
        ctx.InboundContacts.Add(flagged);
        ctx.InboundContacts.Add(new InboundContact
        {
            CustomerId = customer.Id, InteractionId = interaction.Id, ReasonCode = "claim.documents", ReasonTreeVersion = 1, Outcome = InboundOutcome.Resolved,
            LoggedBy = "callcenter", LoggedAt = VocKit.Start.UtcDateTime,
        });
        await ctx.SaveChangesAsync();

        (await kit.Sla.RunAsync(null)).OpenedFromInbound.ShouldBe(1);
        (await kit.Sla.RunAsync(null)).OpenedFromInbound.ShouldBe(0);

        var c = await ctx.VocCases.AsNoTracking().SingleAsync();
        (c.InboundContactId, c.CustomerId, c.CategoryCode, c.Type).ShouldBe(((long?)flagged.Id, (long?)customer.Id, "agent", (VocType?)VocType.Complaint));
        c.Text.ShouldBe("설계사가 연락을 받지 않는다는 불만");
        c.ManagingDepartmentId.ShouldBe((await kit.DepartmentAsync("SALES")).Id);
        // The console's interaction already counts the complaint: none is added.
        (await ctx.Interactions.CountAsync()).ShouldBe(1);
    }
}
