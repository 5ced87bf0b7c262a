using System.Net;
using InsureCrm.Core.Common;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Core.Voc;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Web.Tests;

/// <summary>
/// The VOC pages (issue 16): the agent's intake form opens a case (bad input refused in words keeping the typing; over the
/// front-line limit the form says to route it), the handler's home lists it with its deadline, the case page shows script as
/// text, a handler outside the managing department is refused resolving in words, the owner resolves with a gap tag. Fictional people.
/// </summary>
public sealed class VocPagesTests
{
    private static FormUrlEncodedContent Intake(string html, Dictionary<string, string> fields)
    {
        var form = new Dictionary<string, string> { ["__RequestVerificationToken"] = CrmWebFactory.Token(html), ["_handler"] = "voc-new" };
        foreach (var (k, v) in fields)
        {
            form["Form." + k] = v;
        }
        return new FormUrlEncodedContent(form);
    }

    private static FormUrlEncodedContent Act(string html, Dictionary<string, string> fields)
    {
        var form = new Dictionary<string, string> { ["__RequestVerificationToken"] = CrmWebFactory.Token(html), ["_handler"] = "voc-act" };
        foreach (var (k, v) in fields)
        {
            form["Act." + k] = v;
        }
        return new FormUrlEncodedContent(form);
    }

    [Fact]
    public async Task IntakeHomeCaseResolve_AsAgentAndHandler_WorkEndToEnd()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        using var agent = await factory.SignedInClientAsync("agent");
        await using (var ctx = factory.Database.CreateContext())
        {
            var voc = await ctx.Users.SingleAsync(u => u.UserName == "voc");
            var claims = await ctx.VocDepartments.SingleAsync(d => d.Code == "CLAIMS");
            ctx.VocDepartmentMembers.Add(new VocDepartmentMember { DepartmentId = claims.Id, UserId = voc.Id });
            await ctx.SaveChangesAsync();
        }

        var page = await agent.GetStringAsync("/voc/new");
        page.ShouldContain("300,000");
        using var empty = await agent.PostAsync("/voc/new", Intake(page, new() { ["Channel"] = "Agent", ["Type"] = "Complaint", ["Category"] = "claims.delay", ["Severity"] = "Normal", ["Subject"] = "지급 지연", ["Text"] = " " }));
        empty.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var emptyHtml = await empty.Content.ReadAsStringAsync();
        emptyHtml.ShouldContain("내용이 비어 있습니다");
        emptyHtml.ShouldContain("value=\"지급 지연\"");
        using var over = await agent.PostAsync("/voc/new", Intake(page, new() { ["Channel"] = "Agent", ["Type"] = "Complaint", ["Category"] = "claims.delay", ["Severity"] = "Normal", ["Text"] = "지급이 늦습니다", ["ClaimedAmount"] = "500000", ["OnSpot"] = "true", ["Answer"] = "안내함" }));
        over.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await over.Content.ReadAsStringAsync()).ShouldContain("현장 처리 한도를 넘습니다");

        using var opened = await agent.PostAsync("/voc/new", Intake(page, new() { ["Channel"] = "Agent", ["Type"] = "Complaint", ["Category"] = "claims.delay", ["Severity"] = "High", ["Subject"] = "입원비 지급 지연", ["Text"] = "<script>alert(1)</script> 3주째 지급이 안 됩니다" }));
        opened.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var target = opened.Headers.Location!;
        var location = target.IsAbsoluteUri ? target.PathAndQuery : target.ToString();
        location.ShouldStartWith("/voc/");
        var id = long.Parse(location[5..location.IndexOf('?', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
        var agentView = await agent.GetStringAsync(location);
        agentView.ShouldContain("&lt;script&gt;alert(1)&lt;/script&gt;");
        agentView.ShouldNotContain("<script>alert(1)");
        agentView.ShouldContain("보상팀");
        (await agent.GetStringAsync("/voc")).ShouldContain("입원비 지급 지연");

        using var handler = await factory.SignedInClientAsync("voc");
        var home = await handler.GetStringAsync("/voc");
        home.ShouldContain("입원비 지급 지연");
        home.ShouldContain("data-testid=\"voc-kpi-open\">1<");
        var casePage = await handler.GetStringAsync($"/voc/{id}");
        using var noAnswer = await handler.PostAsync($"/voc/{id}", Act(casePage, new() { ["Kind"] = "resolve", ["Answer"] = "" }));
        noAnswer.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await noAnswer.Content.ReadAsStringAsync()).ShouldContain("고객에게 안내한 내용을 적어 주세요");
        using var resolved = await handler.PostAsync($"/voc/{id}", Act(casePage, new() { ["Kind"] = "resolve", ["Answer"] = "지급 완료 안내", ["Gap"] = "Delivery", ["Cause"] = "Process" }));
        resolved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var after = await handler.GetStringAsync($"/voc/{id}");
        after.ShouldContain("GAP 3: 설계대로 제공 안 됨");

        using var cs = await factory.SignedInClientAsync("cs");
        (await cs.GetAsync($"/voc/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var marketer = await factory.SignedInClientAsync("marketer");
        (await marketer.GetAsync("/voc/new")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task CasePage_ShowsSuggestionAndRepeatLinks_AndTheHandlerConfirmsTheSuggestion()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        using var handler = await factory.SignedInClientAsync("voc");
        long earlierId, repeatId;
        await using (var ctx = factory.Database.CreateContext())
        {
            var voc = await ctx.Users.SingleAsync(u => u.UserName == "voc");
            var claims = await ctx.VocDepartments.SingleAsync(d => d.Code == "CLAIMS");
            ctx.VocDepartmentMembers.Add(new VocDepartmentMember { DepartmentId = claims.Id, UserId = voc.Id });
            var received = DateTime.UtcNow.AddDays(-3);
            var earlier = new VocCase
            {
                Number = "VOC-2026-900001", Channel = VocChannel.CallCenter, Type = VocType.Complaint, CategoryCode = "claims.delay", Severity = VocSeverity.Normal,
                Subject = "입원비 지급 지연", Text = "입원비가 3주째 지급되지 않았습니다.", State = VocState.Assigned, ReceivedAt = received, CreatedBy = "test",
                ManagingDepartmentId = claims.Id, OwnerUserId = voc.Id,
            };
            ctx.VocCases.Add(earlier);
            await ctx.SaveChangesAsync();
            var repeat = new VocCase
            {
                Number = "VOC-2026-900002", Channel = VocChannel.Email, Type = VocType.Complaint, CategoryCode = "claims.delay", Severity = VocSeverity.Normal,
                Subject = "다시 문의", Text = "지난번에 말씀드린 입원비가 아직도 지급되지 않았습니다.", State = VocState.Assigned, ReceivedAt = received.AddDays(2),
                CreatedBy = "test", ManagingDepartmentId = claims.Id, OwnerUserId = voc.Id, SuggestedType = VocType.Complaint, SuggestedTypeConfidence = 0.91,
                SuggestedCategoryCode = "claims.delay", SuggestedCategoryConfidence = 0.87, ClassificationSuggested = true, RepeatOfId = earlier.Id, RepeatScore = 0.82,
            };
            ctx.VocCases.Add(repeat);
            await ctx.SaveChangesAsync();
            // The notes intake writes on the timeline (VocEventNote's invariant codes).
            ctx.VocEvents.AddRange(
                new VocEvent { CaseId = repeat.Id, Kind = VocEventKind.Suggested, At = repeat.ReceivedAt, By = "system:classifier",
                    Note = VocEventNote.OfSuggestion(VocType.Complaint, 0.91, "claims.delay", 0.87, 1, typeUsed: true, categoryUsed: true) },
                new VocEvent { CaseId = repeat.Id, Kind = VocEventKind.RepeatLinked, At = repeat.ReceivedAt, By = "system:repeats",
                    Note = VocEventNote.OfRepeat("VOC-2026-900001", 0.82) },
                new VocEvent { CaseId = repeat.Id, Kind = VocEventKind.Assigned, At = repeat.ReceivedAt, By = "system:webform", ToDepartmentId = claims.Id,
                    Note = VocRoutingNote.Join(VocRoutingNote.Rule(5, "claims", null, null, "CLAIMS"), VocRoutingNote.OwnerHead) });
            await ctx.SaveChangesAsync();
            (earlierId, repeatId) = (earlier.Id, repeat.Id);
        }

        var home = await handler.GetStringAsync("/voc");
        home.ShouldContain("data-testid=\"voc-repeat-flag\"");
        var page = await handler.GetStringAsync($"/voc/{repeatId}");
        page.ShouldContain("data-testid=\"voc-repeat-of\"");
        page.ShouldContain($"href=\"/voc/{earlierId}\"");
        page.ShouldContain("VOC-2026-900001");
        page.ShouldContain("data-testid=\"voc-suggested-badge\"");
        page.ShouldContain("분류 제안");
        page.ShouldContain("87");
        page.ShouldContain("제안 확인");
        // The system's notes in the reader's language: the suggestion, the repeat link, the routing with the category's name.
        page.ShouldContain("분류기 제안: 불만 (91%) / 지급 지연 (87%) · 확인 전까지 이 분류로 처리");
        page.ShouldContain("이전 접수 VOC-2026-900001 건의 반복으로 연결 (유사도 0.82)");
        page.ShouldContain("규칙 5 (분류 보험금 청구) → 보상팀");
        page.ShouldNotContain("used until confirmed");
        page.ShouldNotContain("(score 0.82)");
        page.ShouldNotContain("분류 claims");
        using (var _ = await handler.GetAsync("/culture?culture=en-US&returnUrl=/"))
        {
            var english = await handler.GetStringAsync($"/voc/{repeatId}");
            english.ShouldContain("Classifier suggestion: Complaint (91%) / Payment delayed (87%) · used until someone confirms it");
            english.ShouldContain("linked to earlier case VOC-2026-900001 as a repeat (similarity 0.82)");
        }
        using (var _ = await handler.GetAsync("/culture?culture=zh-TW&returnUrl=/"))
        {
            (await handler.GetStringAsync($"/voc/{repeatId}")).ShouldContain("與先前案件 VOC-2026-900001 連結為重複案件（相似度 0.82）");
        }
        using (var _ = await handler.GetAsync("/culture?culture=ko-KR&returnUrl=/")) { }
        var earlierPage = await handler.GetStringAsync($"/voc/{earlierId}");
        earlierPage.ShouldContain("data-testid=\"voc-repeats\"");
        earlierPage.ShouldContain("VOC-2026-900002");

        using var confirmed = await handler.PostAsync($"/voc/{repeatId}", Act(page, new() { ["Kind"] = "classify", ["Type"] = "Complaint", ["Category"] = "claims.delay", ["Severity"] = "Normal" }));
        confirmed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var after = await handler.GetStringAsync($"/voc/{repeatId}");
        after.ShouldNotContain("data-testid=\"voc-suggested-badge\"");
        after.ShouldContain("불만 / 지급 지연 / 보통 → 불만 / 지급 지연 / 보통 · 제안대로 확정");
        after.ShouldNotContain("suggestion confirmed");
        await using var check = factory.Database.CreateContext();
        (await check.VocCases.AsNoTracking().SingleAsync(c => c.Id == repeatId)).ClassificationSuggested.ShouldBeFalse();
    }
    [Fact]
    public async Task NewCase_FindsTheCustomerByNameAndPicksTheirContract_KeepingWhatWasTyped()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        long contractId;
        await using (var ctx = factory.Database.CreateContext())
        {
            contractId = await ctx.Contracts.Where(k => k.ContractNumber == family.HeldContract).Select(k => k.Id).SingleAsync();
        }
        using var agent = await factory.SignedInClientAsync("agent");
        var page = await agent.GetStringAsync("/voc/new");
        page.ShouldContain("data-testid=\"voc-find\"");
        page.ShouldNotContain("type=\"number\" inputmode=\"numeric\" value=\"\" data-testid=\"voc-customer\"", customMessage: "no internal id to type");

        using var none = await agent.PostAsync("/voc/new", Intake(page, new() { ["Action"] = "find", ["Find"] = "없는이름", ["Text"] = "약관 설명을 다시 듣고 싶습니다" }));
        var noneHtml = await none.Content.ReadAsStringAsync();
        noneHtml.ShouldContain("data-testid=\"voc-find-none\"");
        noneHtml.ShouldContain("(으)로 찾은 고객이 없습니다");
        noneHtml.ShouldContain("약관 설명을 다시 듣고 싶습니다");

        using var found = await agent.PostAsync("/voc/new", Intake(page, new() { ["Action"] = "find", ["Find"] = "홍길동", ["Subject"] = "약관 문의", ["Text"] = "약관 설명을 다시 듣고 싶습니다" }));
        found.StatusCode.ShouldBe(HttpStatusCode.OK);
        var hits = await found.Content.ReadAsStringAsync();
        hits.ShouldContain("data-testid=\"voc-hits\"");
        hits.ShouldContain("홍길동");
        hits.ShouldContain(family.HeldContract);
        hits.ShouldContain($"value=\"{family.HongId}:{contractId}\"");
        hits.ShouldContain("010-****-5678");
        hits.ShouldContain("value=\"약관 문의\"");

        using var picked = await agent.PostAsync("/voc/new", Intake(hits, new() { ["Action"] = "pick", ["Pick"] = $"{family.HongId}:{contractId}", ["Subject"] = "약관 문의", ["Text"] = "약관 설명을 다시 듣고 싶습니다" }));
        var pickedHtml = await picked.Content.ReadAsStringAsync();
        pickedHtml.ShouldContain("data-testid=\"voc-customer-chosen\"");
        // Enter in a field (the form's first, "auto" button) finds while a search waits for a pick, and never drops the chosen customer.
        using var enter = await agent.PostAsync("/voc/new", Intake(hits, new() { ["Action"] = "auto", ["Find"] = "홍길동", ["Text"] = "약관 설명을 다시 듣고 싶습니다" }));
        (await enter.Content.ReadAsStringAsync()).ShouldContain("data-testid=\"voc-hits\"");
        pickedHtml.ShouldContain($"<option value=\"{contractId}\" selected");
        pickedHtml.ShouldContain("약관 설명을 다시 듣고 싶습니다");

        using var opened = await agent.PostAsync("/voc/new", Intake(pickedHtml, new()
        {
            ["CustomerId"] = family.HongId.ToString(System.Globalization.CultureInfo.InvariantCulture), ["ContractId"] = contractId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Channel"] = "Agent", ["Type"] = "Inquiry", ["Category"] = "product.terms", ["Severity"] = "Normal", ["Subject"] = "약관 문의", ["Text"] = "약관 설명을 다시 듣고 싶습니다",
        }));
        opened.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await using var check = factory.Database.CreateContext();
        var c = await check.VocCases.AsNoTracking().SingleAsync(x => x.Subject == "약관 문의");
        (c.CustomerId, c.ContractId).ShouldBe(((long?)family.HongId, (long?)contractId));

        // The customer page's link still arrives with the customer chosen, now by name.
        var linked = await agent.GetStringAsync($"/voc/new?customer={family.HongId}");
        linked.ShouldContain("data-testid=\"voc-customer-chosen\"");
        linked.ShouldContain("홍길동");
    }

    [Fact]
    public async Task CasePage_ActionsOpenOnDemand_TheRefusedOneOpensWithItsError_AndTheDeadlineNamesTheHolidaysItSkips()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        using var handler = await factory.SignedInClientAsync("voc");
        long id;
        await using (var ctx = factory.Database.CreateContext())
        {
            var voc = await ctx.Users.SingleAsync(u => u.UserName == "voc");
            var claims = await ctx.VocDepartments.SingleAsync(d => d.Code == "CLAIMS");
            ctx.VocDepartmentMembers.Add(new VocDepartmentMember { DepartmentId = claims.Id, UserId = voc.Id });
            // Received on Monday 13 September 2027, 17:00 Seoul; due on Friday the 17th, 10:00 after the three days of Chuseok.
            var c = new VocCase
            {
                Number = "VOC-2027-900001", Channel = VocChannel.Letter, Type = VocType.Complaint, CategoryCode = "claims.delay", Severity = VocSeverity.Normal,
                Subject = "추석 전 접수", Text = "입원비 지급이 늦습니다.", State = VocState.Assigned, ReceivedAt = new DateTime(2027, 9, 13, 8, 0, 0, DateTimeKind.Utc),
                FirstResponseDueAt = new DateTime(2027, 9, 13, 9, 0, 0, DateTimeKind.Utc), ResolutionDueAt = new DateTime(2027, 9, 17, 1, 0, 0, DateTimeKind.Utc),
                CreatedBy = "test", ManagingDepartmentId = claims.Id, OwnerUserId = voc.Id,
            };
            ctx.VocCases.Add(c);
            await ctx.SaveChangesAsync();
            id = c.Id;
        }

        var page = await handler.GetStringAsync($"/voc/{id}");
        page.ShouldContain("2027-09-17 10:00");
        page.ShouldContain("data-testid=\"voc-due-skips\">(추석 연휴 제외)");
        page.ShouldContain("<details class=\"voc-action\" data-testid=\"voc-action-resolve\">", customMessage: "the resolve form waits to be opened");
        page.ShouldNotContain("<details class=\"voc-action\" open", customMessage: "no action is open on arrival");

        using var refused = await handler.PostAsync($"/voc/{id}", Act(page, new() { ["Kind"] = "resolve", ["Answer"] = "" }));
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var html = await refused.Content.ReadAsStringAsync();
        html.ShouldContain("<details class=\"voc-action\" open data-testid=\"voc-action-resolve\">");
        html.ShouldContain("고객에게 안내한 내용을 적어 주세요");

        using (var _ = await handler.GetAsync("/culture?culture=en-US&returnUrl=/")) { }
        (await handler.GetStringAsync($"/voc/{id}")).ShouldContain("(skips Chuseok holidays)");

        await using var check = factory.Database.CreateContext();
        var logged = await check.AccessLog.AsNoTracking().Where(e => e.Detail == "voc case VOC-2027-900001").ToListAsync();
        logged.Count.ShouldBe(3);
        logged.ShouldAllBe(e => e.Action == AccessAction.View && e.Reason == AccessReason.Complaint && e.UserName == "voc");
    }
    [Fact]
    public async Task NewCase_TypedInLetter_KeepsTheReplyAddress_ShownToTheHandlerNotToOthers()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        using var handler = await factory.SignedInClientAsync("voc");
        await using (var ctx = factory.Database.CreateContext())
        {
            var voc = await ctx.Users.SingleAsync(u => u.UserName == "voc");
            foreach (var d in await ctx.VocDepartments.Where(d => d.Code == "CLAIMS" || d.Code == "CS").ToListAsync())
            {
                ctx.VocDepartmentMembers.Add(new VocDepartmentMember { DepartmentId = d.Id, UserId = voc.Id });
            }
            await ctx.SaveChangesAsync();
        }
        var page = await handler.GetStringAsync("/voc/new");
        page.ShouldContain("data-testid=\"voc-address\"");
        using var tooLong = await handler.PostAsync("/voc/new", Intake(page, new() { ["Channel"] = "Letter", ["Text"] = "보험금이 늦습니다", ["Address"] = new string('가', 201) }));
        tooLong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var tooLongHtml = await tooLong.Content.ReadAsStringAsync();
        tooLongHtml.ShouldContain("회신 주소가 너무 깁니다");
        tooLongHtml.ShouldContain("보험금이 늦습니다");

        using var opened = await handler.PostAsync("/voc/new", Intake(page, new()
        {
            ["Channel"] = "Letter", ["Type"] = "Complaint", ["Category"] = "claims.delay", ["Severity"] = "Normal", ["Subject"] = "서신 민원",
            ["Text"] = "입원비가 한 달째 지급되지 않았습니다. 답장은 아래 주소로 보내 주십시오.", ["SenderName"] = "한결", ["Address"] = "강원특별자치도 춘천시 중앙로 1, 101호",
        }));
        opened.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var location = opened.Headers.Location!.ToString();
        var casePage = await handler.GetStringAsync(location);
        casePage.ShouldContain("data-testid=\"voc-reply-address\">강원특별자치도 춘천시 중앙로 1, 101호<");
        await using var check = factory.Database.CreateContext();
        var stored = await check.VocCases.AsNoTracking().SingleAsync(c => c.Subject == "서신 민원");
        stored.ContactProtected.ShouldNotBeNull().ShouldNotContain("춘천");

        using var agent = await factory.SignedInClientAsync("agent");
        using var refused = await agent.GetAsync(location);
        (await refused.Content.ReadAsStringAsync()).ShouldNotContain("춘천");
    }

    /// <summary>The handler opens and finds the customer of a case routed to them, and no other customer (their scope in the host).</summary>
    [Fact]
    public async Task Handler_OpensAndFindsTheCustomerOfTheirCase_NotAnotherCustomer()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        await using (var ctx = factory.Database.CreateContext())
        {
            var voc = await ctx.Users.SingleAsync(u => u.UserName == "voc");
            ctx.VocCases.Add(new VocCase
            {
                Number = "VOC-2026-900101", Channel = VocChannel.CallCenter, Type = VocType.Complaint, CategoryCode = "claims.delay", Severity = VocSeverity.Normal,
                Subject = "입원비 지급 지연", Text = "입원비가 3주째 지급되지 않았습니다.", State = VocState.InProgress, ReceivedAt = DateTime.UtcNow.AddDays(-2),
                CreatedBy = "test", OwnerUserId = voc.Id, CustomerId = family.HongId,
            });
            await ctx.SaveChangesAsync();
        }
        using var handler = await factory.SignedInClientAsync("voc");

        (await handler.GetAsync($"/customers/{family.HongId}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await handler.GetAsync($"/customers/{family.SpouseId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        // A search for the family name lists him and not his wife, who has no case.
        var found = await handler.GetStringAsync("/customers?q=" + Uri.EscapeDataString("홍"));
        found.ShouldContain($"href=\"/customers/{family.HongId}\"");
        found.ShouldNotContain($"href=\"/customers/{family.SpouseId}\"");
    }

    [Fact]
    public async Task Menu_VocSubPagesMoveUnderTheVocHome_ForRolesThatHaveIt_AndStayInTheMenuForOthers()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        static string Header(string html) => html[..html.IndexOf("</header>", StringComparison.Ordinal)];

        using var manager = await factory.SignedInClientAsync("manager");
        var home = await manager.GetStringAsync("/voc");
        Header(home).ShouldContain("href=\"/voc\"");
        foreach (var sub in new[] { "/voc/department", "/voc/dashboard", "/voc/compliments", "/voc/suggest" })
        {
            Header(home).ShouldNotContain($"href=\"{sub}\"", customMessage: "the top menu keeps one VOC entry, so it fits");
            home.ShouldContain($"href=\"{sub}\"", customMessage: "VOC's own menu offers it");
        }
        home.ShouldContain("data-testid=\"voc-subnav\"");
        (await manager.GetStringAsync("/")).ShouldContain("href=\"/voc/dashboard\"", customMessage: "the role's home still lists every page");

        using var analyst = await factory.SignedInClientAsync("analyst");
        var dashboard = await analyst.GetStringAsync("/voc/dashboard");
        Header(dashboard).ShouldContain("href=\"/voc/dashboard\"", customMessage: "without the VOC home the menu lists the page itself");
        dashboard.ShouldNotContain("data-testid=\"voc-subnav\"");
    }
}
