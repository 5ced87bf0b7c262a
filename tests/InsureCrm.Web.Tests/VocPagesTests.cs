using System.Net;
using InsureCrm.Core.Common;
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
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, migrate: false);
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
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, migrate: false);
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
        var earlierPage = await handler.GetStringAsync($"/voc/{earlierId}");
        earlierPage.ShouldContain("data-testid=\"voc-repeats\"");
        earlierPage.ShouldContain("VOC-2026-900002");

        using var confirmed = await handler.PostAsync($"/voc/{repeatId}", Act(page, new() { ["Kind"] = "classify", ["Type"] = "Complaint", ["Category"] = "claims.delay", ["Severity"] = "Normal" }));
        confirmed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var after = await handler.GetStringAsync($"/voc/{repeatId}");
        after.ShouldNotContain("data-testid=\"voc-suggested-badge\"");
        after.ShouldContain("suggestion confirmed");
        await using var check = factory.Database.CreateContext();
        (await check.VocCases.AsNoTracking().SingleAsync(c => c.Id == repeatId)).ClassificationSuggested.ShouldBeFalse();
    }
}
