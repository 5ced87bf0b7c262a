using InsureCrm.Core.CallCenter;
using InsureCrm.Core.CallCenter.Inbound;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Core.Worklists;
using InsureCrm.Tests.Customers;
using InsureCrm.Tests.Security;
using InsureCrm.Tests.Worklists;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Tests.CallCenter;

/// <summary>
/// The inbound console's Core (issue 15, point 1) on both providers: finding the caller by number, the reason tree, a logged
/// call in the customer's history, callbacks moved out of quiet hours and closed days. Fictional people and numbers.
/// </summary>
public sealed class InboundConsoleTests
{
    /// <summary>Tuesday 2026-03-10, 10:00 in Seoul.</summary>
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 1, 0, 0, TimeSpan.Zero);

    private static readonly TimeZoneInfo Seoul = TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");
    private static readonly ContactPolicy Policy = new(Seoul);
    private static readonly CrmUser CallCenter = CoreServices.CallCenter;
    private static readonly string Reason = AccessReason.Compose(AccessReason.Inquiry)!;

    private sealed class Services(CrmDbContext ctx, TestDatabase db, DateTimeOffset now)
    {
        private readonly AccessLog _log = CoreServices.Log(db, new FixedClock(now));
        private readonly FixedClock _clock = new(now);

        private CustomerScope Scope => new(ctx, _log);
        private ConsentService Consents => new(ctx, Policy, CustomerSeed.Protector(), _clock, new CustomerScope(ctx), _log);

        public CallerLookup Lookup => new(ctx, Scope, _log);

        public InboundContacts Contacts => new(ctx, Scope, _log, Consents, new Referrals(ctx, new WorklistOptions(), Policy, _clock), _clock);

        public Callbacks Callbacks => new(ctx, Scope, _log, new CallPlanner(Consents, Policy, new KoreanBusinessCalendar(new BusinessCalendarOptions())), Policy,
            new KoreanBusinessCalendar(new BusinessCalendarOptions()), _clock);
    }

    private static DateTimeOffset SeoulTime(int year, int month, int day, int hour, int minute = 0) =>
        new(new DateTime(year, month, day, hour, minute, 0), TimeSpan.FromHours(9));

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Lookup_FindsTheCallerByTheirNumberInAnyFormat(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var mobile = await WorklistKit.CustomerAsync(ctx, "가나다", "01012345678");
        var landline = await WorklistKit.CustomerAsync(ctx, "라마바", "01099990000");
        ctx.CustomerPhones.Add(new CustomerPhone { CustomerId = landline.Id, Kind = PhoneKind.Home, Number = "025550101" });
        await WorklistKit.CustomerAsync(ctx, "사아자", "01012345679");
        await ctx.SaveChangesAsync();
        var lookup = new Services(ctx, db, Now).Lookup;

        foreach (var typed in new[] { "010-1234-5678", "01012345678", "+82 10 1234 5678", "+82 010-1234-5678", " 010.1234.5678 " })
        {
            var found = await lookup.FindByCallerNumberAsync(CallCenter, typed);
            found.Valid.ShouldBeTrue(typed);
            found.Customers.Select(c => c.Id).ShouldBe([mobile.Id], typed);
            found.Customers[0].PhoneMasked.ShouldBe("010-****-5678");
        }
        (await lookup.FindByCallerNumberAsync(CallCenter, "(02) 555-0101")).Customers.Select(c => c.Id).ShouldBe([landline.Id]);
        (await lookup.FindByCallerNumberAsync(CallCenter, "010-1111-2222")).Customers.ShouldBeEmpty();
        (await lookup.FindByCallerNumberAsync(CallCenter, "5678")).Valid.ShouldBeFalse();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Lookup_ListsEveryoneSharingTheNumber_ButNeverAnErasedOrMergedCustomer(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var husband = await WorklistKit.CustomerAsync(ctx, "홍길동", "0312345678");
        var wife = await WorklistKit.CustomerAsync(ctx, "김영희", "0312345678");
        var erased = await WorklistKit.CustomerAsync(ctx, "삭제됨", "0312345678");
        var merged = await WorklistKit.CustomerAsync(ctx, "홍길동", "0312345678");
        merged.MergedIntoId = husband.Id;
        ctx.Set<CustomerErasure>().Add(new CustomerErasure
        {
            CustomerId = erased.Id, RequestedAt = Now.UtcDateTime, RequestedBy = "compliance", Reason = "request", ErasedFields = "name", PurgeDue = new(2027, 3, 10),
        });
        await ctx.SaveChangesAsync();

        var found = await new Services(ctx, db, Now).Lookup.FindByCallerNumberAsync(CallCenter, "031-234-5678");

        found.Customers.Select(c => c.Id).Order().ShouldBe(new[] { husband.Id, wife.Id }.Order());
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Lookup_IsOneStatementServedByThePhoneNumberIndex(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        await WorklistKit.CustomerAsync(ctx, "가나다", "01012345678");
        var lookup = new Services(ctx, db, Now).Lookup;

        var plan = await QueryPlan.ExplainAsync(ctx, lookup.Query(CallCenter, "01012345678"));

        plan.ShouldContain("ix_customer_phone_number");
        plan.ShouldNotContain("ix_customer_phone_number_last4");
        if (provider == DatabaseProvider.Sqlite)
        {
            // The customers by primary key, never a walk of the customer table.
            plan.ShouldContain("SEARCH customer USING INTEGER PRIMARY KEY");
            plan.ShouldNotContain("SCAN customer");
        }
        else
        {
            plan.ShouldContain("pk_customer");
            plan.ShouldNotContain("Seq Scan");
        }
    }

    [Fact]
    public void ReasonTree_HasTwoLevelsWordedInEveryLanguage_AndFlagsComplaints()
    {
        var tree = InboundReasonTree.Current;

        tree.Version.ShouldBeGreaterThanOrEqualTo(1);
        tree.Groups.Count.ShouldBeGreaterThanOrEqualTo(6);
        foreach (var g in tree.Groups)
        {
            new[] { g.Ko, g.En, g.ZhTw }.ShouldAllBe(w => !string.IsNullOrWhiteSpace(w));
            g.Reasons.ShouldNotBeEmpty(g.Code);
            g.Reasons.ShouldAllBe(r => !string.IsNullOrWhiteSpace(r.Ko) && !string.IsNullOrWhiteSpace(r.En) && !string.IsNullOrWhiteSpace(r.ZhTw));
        }
        var documents = tree.Find("claim.documents")!.Value;
        documents.Group.Purpose.ShouldBe(InteractionPurpose.Claim);
        documents.Reason.Label("ko").ShouldBe("청구 서류 안내");
        documents.Reason.Label("en-US").ShouldBe("Documents needed for a claim");
        documents.Reason.Label("zh-TW").ShouldBe("申請文件說明");
        tree.Find("contract.address")!.Value.Reason.Ko.ShouldBe("주소 변경");
        tree.Find("product.whole-life")!.Value.Reason.Family.ShouldBe(ProductFamily.WholeLife);
        tree.Groups.Where(g => g.Complaint).Select(g => g.Code).ShouldBe(["complaint"]);
        tree.Find("claim").HasValue.ShouldBeFalse();
        tree.Find("nope.nothing").HasValue.ShouldBeFalse();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task LoggedCall_IsAnInboundCallCenterInteractionOfTheCustomersHistory(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var customer = await WorklistKit.CustomerAsync(ctx, "가나다");
        var contacts = new Services(ctx, db, Now).Contacts;

        var logged = await contacts.LogAsync(CallCenter, customer.Id, new InboundContactEntry("claim.documents", InboundOutcome.Resolved, "청구 서류 안내함"), Reason);
        var complaint = await contacts.LogAsync(CallCenter, customer.Id, new InboundContactEntry("complaint.service", InboundOutcome.Transferred, null), Reason);
        var toVoc = await contacts.LogAsync(CallCenter, customer.Id, new InboundContactEntry("payment.unpaid", InboundOutcome.ComplaintToVoc, null), Reason);

        logged.Status.ShouldBe(InboundStatus.Done);
        logged.VocRequested.ShouldBeFalse();
        complaint.VocRequested.ShouldBeTrue();
        toVoc.VocRequested.ShouldBeTrue();
        await using var read = db.CreateContext();
        var history = await read.Interactions.AsNoTracking().Where(i => i.CustomerId == customer.Id).OrderBy(i => i.Id).ToListAsync();
        history.Count.ShouldBe(3);
        history[0].Channel.ShouldBe(InteractionChannel.CallCenter);
        history[0].Direction.ShouldBe(InteractionDirection.Inbound);
        history[0].Purpose.ShouldBe(InteractionPurpose.Claim);
        history[0].Outcome.ShouldBe(InteractionOutcome.Completed);
        history[0].StaffUser.ShouldBe("callcenter");
        history[0].Notes.ShouldBe("청구 서류 안내함");
        history[1].Purpose.ShouldBe(InteractionPurpose.Complaint);
        history[2].Outcome.ShouldBe(InteractionOutcome.FollowUp);
        var rows = await read.InboundContacts.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
        rows.Select(r => r.InteractionId).ShouldBe(history.Select(h => h.Id));
        rows.Select(r => r.ReasonCode).ShouldBe(["claim.documents", "complaint.service", "payment.unpaid"]);
        rows.Select(r => r.VocRequested).ShouldBe([false, true, true]);
        rows.ShouldAllBe(r => r.ReasonTreeVersion == InboundReasonTree.Current.Version);
        (await read.Set<AccessLogEntry>().CountAsync(e => e.CustomerId == customer.Id && e.Detail == "inbound-contact")).ShouldBe(3);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task LoggedCall_WithoutAReasonOfTheTree_OrByAnotherRole_WritesNothing(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var customer = await WorklistKit.CustomerAsync(ctx, "가나다");
        var contacts = new Services(ctx, db, Now).Contacts;

        (await contacts.LogAsync(CallCenter, customer.Id, new InboundContactEntry(null, InboundOutcome.Resolved, "x"), Reason)).Errors.ShouldBe(["reason"]);
        (await contacts.LogAsync(CallCenter, customer.Id, new InboundContactEntry("claim", InboundOutcome.Resolved, "x"), Reason)).Status.ShouldBe(InboundStatus.Invalid);
        (await contacts.LogAsync(CallCenter, customer.Id, new InboundContactEntry("claim.documents", InboundOutcome.Resolved, new string('x', 2001)), Reason))
            .Errors.ShouldBe(["notes"]);
        var agent = TestUsers.Transient(Role.Agent, 1, 1, "agent");
        (await contacts.LogAsync(agent, customer.Id, new InboundContactEntry("claim.documents", InboundOutcome.Resolved, null), Reason)).Status.ShouldBe(InboundStatus.Forbidden);
        (await contacts.LogAsync(CallCenter, customer.Id + 1000, new InboundContactEntry("claim.documents", InboundOutcome.Resolved, null), Reason)).Status.ShouldBe(InboundStatus.NotFound);

        (await ctx.Interactions.CountAsync()).ShouldBe(0);
        (await ctx.InboundContacts.CountAsync()).ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Callback_InQuietHoursOrOnAClosedDay_MovesToTheNextAllowedTime(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var customer = await WorklistKit.CustomerAsync(ctx, "가나다");
        var callbacks = new Services(ctx, db, Now).Callbacks;

        async Task<ScheduleResult> At(DateTimeOffset at) =>
            await callbacks.ScheduleAsync(CallCenter, new CallbackRequest(customer.Id, at, "주소 확인", ForTeam: false), Reason);

        // Today 15:00: as asked.
        var plain = await At(SeoulTime(2026, 3, 10, 15));
        plain.Status.ShouldBe(ScheduleStatus.Scheduled);
        plain.DueAt.ShouldBe(SeoulTime(2026, 3, 10, 15));
        plain.Moved.ShouldBeNull();
        // Tuesday 22:30 is in quiet hours: Wednesday 08:00.
        var night = await At(SeoulTime(2026, 3, 10, 22, 30));
        night.DueAt.ShouldBe(SeoulTime(2026, 3, 11, 8));
        night.Moved.ShouldBe(CallbackMove.QuietHours);
        // Saturday 10:00 is no business day: Monday 08:00.
        var saturday = await At(SeoulTime(2026, 3, 14, 10));
        saturday.DueAt.ShouldBe(SeoulTime(2026, 3, 16, 8));
        saturday.Moved.ShouldBe(CallbackMove.NonBusinessDay);
        // Friday 23:00: quiet hours, then the weekend: Monday 08:00, moved for the quiet hours first.
        var friday = await At(SeoulTime(2026, 3, 13, 23));
        friday.DueAt.ShouldBe(SeoulTime(2026, 3, 16, 8));
        friday.Moved.ShouldBe(CallbackMove.QuietHours);
        // Chuseok (Thursday 9/24 to Saturday 9/26), asked for on the Tuesday before: Monday 9/28 08:00.
        var september = new Services(ctx, db, SeoulTime(2026, 9, 22, 10)).Callbacks;
        var chuseok = await september.ScheduleAsync(CallCenter, new CallbackRequest(customer.Id, SeoulTime(2026, 9, 24, 11), null, ForTeam: true), Reason);
        chuseok.DueAt.ShouldBe(SeoulTime(2026, 9, 28, 8));
        chuseok.Moved.ShouldBe(CallbackMove.NonBusinessDay);

        await using var read = db.CreateContext();
        var stored = await read.Callbacks.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
        stored.Count.ShouldBe(5);
        stored[1].RequestedAt.ShouldBe(SeoulTime(2026, 3, 10, 22, 30).UtcDateTime);
        stored[1].DueAt.ShouldBe(SeoulTime(2026, 3, 11, 8).UtcDateTime);
        stored[1].MovedBecause.ShouldBe(CallbackMove.QuietHours);
        stored[1].AssignedTo.ShouldBe("callcenter");
        stored[4].AssignedTo.ShouldBeNull();
        stored.ShouldAllBe(c => c.Status == CallbackStatus.Due);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Callback_InThePast_IsRefusedAndNothingIsStored(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var customer = await WorklistKit.CustomerAsync(ctx, "가나다");
        var callbacks = new Services(ctx, db, Now).Callbacks;

        (await callbacks.ScheduleAsync(CallCenter, new CallbackRequest(customer.Id, Now.AddHours(-1), null, false), Reason)).Status.ShouldBe(ScheduleStatus.InPast);
        (await callbacks.ScheduleAsync(CallCenter, new CallbackRequest(customer.Id, Now.AddDays(120), null, false), Reason)).Status.ShouldBe(ScheduleStatus.TooFar);

        (await ctx.Callbacks.CountAsync()).ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Callbacks_AConsultantSeesTheirOwnAndTheTeams_AndOldOnesAreMissed(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var a = await WorklistKit.CustomerAsync(ctx, "가나다");
        var b = await WorklistKit.CustomerAsync(ctx, "라마바");
        Callback Row(long customer, DateTimeOffset due, string? to) => new()
        {
            CustomerId = customer, DueAt = due.UtcDateTime, RequestedAt = due.UtcDateTime, AssignedTo = to, CreatedBy = "callcenter",
            CreatedAt = Now.UtcDateTime, Status = CallbackStatus.Due,
        };
        ctx.Callbacks.AddRange(
            Row(a.Id, SeoulTime(2026, 3, 10, 9), "callcenter"),      // overdue this morning
            Row(b.Id, SeoulTime(2026, 3, 10, 16), null),             // the team's, later today
            Row(a.Id, SeoulTime(2026, 3, 10, 11), "someone-else"),   // another consultant's
            Row(b.Id, SeoulTime(2026, 3, 12, 10), "callcenter"),     // Thursday
            Row(a.Id, SeoulTime(2026, 3, 5, 10), "callcenter"));     // last Thursday: missed
        await ctx.SaveChangesAsync();
        var callbacks = new Services(ctx, db, Now).Callbacks;

        var due = await callbacks.ListAsync(CallCenter, dueOnly: true);
        var all = await callbacks.ListAsync(CallCenter, dueOnly: false);

        due.ShouldNotBeNull();
        due.Select(c => c.DueAt).ShouldBe([SeoulTime(2026, 3, 10, 9), SeoulTime(2026, 3, 10, 16)]);
        due[0].Overdue(Now).ShouldBeTrue();
        due[1].Overdue(Now).ShouldBeFalse();
        all.ShouldNotBeNull();
        all.Count.ShouldBe(4);
        all.Single(c => c.Status == CallbackStatus.Missed).DueAt.ShouldBe(SeoulTime(2026, 3, 5, 10));

        var first = due[0];
        (await callbacks.DoneAsync(CallCenter, first.Id, first.Version)).ShouldBe(InboundStatus.Done);
        (await callbacks.DoneAsync(CallCenter, first.Id, first.Version)).ShouldBe(InboundStatus.NotFound);
        (await callbacks.ListAsync(CallCenter, dueOnly: true))!.Select(c => c.Id).ShouldNotContain(first.Id);
    }
}
