using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Orphans;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Web.Tests;

/// <summary>
/// The orphaned customers on the web (issue 15): /orphans for the CS consultant (their own cases only), the first contact
/// recorded from the case page changing the state and the summary, the home card, and a branch manager's reassignment over
/// the cap refused in words with nothing changed. Fictional people; the cap is 2 so that two consultants fill it.
/// </summary>
public sealed partial class OrphanPagesTests
{
    private static readonly TimeZoneInfo Seoul = TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");
    private static DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Seoul).DateTime);
    private static readonly Dictionary<string, string?> Cap2 = new() { ["Orphans:LoadCap"] = "2" };

    private sealed record Seeded(long CsA, long CsB, string CsBCode);

    /// <summary>
    /// Two CS consultants of the family's branch (the demo "cs" login is the first), an FC of the branch who left with four
    /// customers, and the assignment run five business days ago: four cases are spread two and two (the cap), all past due.
    /// </summary>
    private static async Task<Seeded> SeedAsync(CrmWebFactory factory)
    {
        var family = await CustomerApiTests.SeedAsync(factory);
        await using var ctx = factory.Database.CreateContext();
        var csA = new Agent { Code = "CS0101", Name = "윤상담", Kind = AgentKind.Cs, BranchId = family.BranchId, HireDate = new(2014, 1, 2), Status = AgentStatus.Active };
        var csB = new Agent { Code = "CS0102", Name = "서상담", Kind = AgentKind.Cs, BranchId = family.BranchId, HireDate = new(2019, 1, 2), Status = AgentStatus.Active };
        var leaver = new Agent { Code = "FC0777", Name = "한떠남", Kind = AgentKind.Fc, BranchId = family.BranchId, HireDate = new(2021, 1, 2), Status = AgentStatus.Active };
        ctx.Agents.AddRange(csA, csB, leaver);
        await ctx.SaveChangesAsync();
        var cs = await ctx.Users.SingleAsync(u => u.UserName == "cs");
        cs.AgentId = csA.Id;
        cs.BranchId = family.BranchId;
        var product = await ctx.Products.FirstAsync(p => !p.IsRider && p.Line == ProductLine.Life);
        var now = DateTime.UtcNow;
        for (var i = 0; i < 4; i++)
        {
            var c = new Customer { Name = "고아고객" + (char)('가' + i), NameScript = NameScript.Hangul, CreatedAt = now, UpdatedAt = now };
            ctx.Customers.Add(c);
            await ctx.SaveChangesAsync();
            ctx.Contracts.Add(new Contract
            {
                ContractNumber = "OR-" + i.ToString(CultureInfo.InvariantCulture), ProductId = product.Id, CustomerId = c.Id, SumAssured = 10_000_000,
                Premium = 30_000, PaymentMode = PaymentMode.Monthly, PaymentMethod = PaymentMethod.AutoDebit, IssueDate = new(2024, 4, 1),
                SellingAgentId = leaver.Id, ServicingAgentId = leaver.Id, Channel = SalesChannel.Fc, Status = ContractStatus.InForce, StatusDate = new(2024, 4, 1),
            });
        }
        await ctx.SaveChangesAsync();

        await using var scope = factory.Services.CreateAsyncScope();
        var calendar = scope.ServiceProvider.GetRequiredService<KoreanBusinessCalendar>();
        var service = scope.ServiceProvider.GetRequiredService<OrphanService>();
        var assignedOn = calendar.AddBusinessDays(Today, -5);
        await service.TerminateAgentAsync(leaver.Code, calendar.AddBusinessDays(Today, -6));
        await service.AssignAsync(assignedOn);
        return new(csA.Id, csB.Id, csB.Code);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CsConsultant_SeesOnlyOwnCases_FirstContactFromThePageChangesStateSummaryAndHome(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db, Cap2);
        var seeded = await SeedAsync(factory);
        List<long> mine, others;
        await using (var read = db.CreateContext())
        {
            mine = await read.OrphanCases.Where(c => c.ConsultantId == seeded.CsA).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync();
            others = await read.OrphanCases.Where(c => c.ConsultantId != seeded.CsA).Select(c => c.Id).ToListAsync();
        }
        mine.Count.ShouldBe(2, "the least-loaded rule spreads four cases over two consultants");
        others.ShouldNotBeEmpty();
        using var client = await factory.SignedInClientAsync("cs");

        var before = await client.GetStringAsync("/orphans");
        using var other = await client.GetAsync($"/orphans/{others[0]}");
        var form = await client.GetStringAsync($"/orphans/{mine[0]}");
        using var future = await client.PostAsync($"/orphans/{mine[0]}", Contact(form, Today.AddDays(1), "통화 예정"));
        var futureHtml = await future.Content.ReadAsStringAsync();
        using var saved = await client.PostAsync($"/orphans/{mine[0]}", Contact(form, Today, "보장 설명, 다음 주 방문 약속"));
        var after = await client.GetStringAsync("/orphans");
        var home = await client.GetStringAsync("/");

        RowIds(before).ShouldBe(mine, ignoreOrder: true);
        Testid(before, "orphans-open").ShouldBe("2");
        Testid(before, "orphans-past-due").ShouldBe("2");
        Testid(before, "orphans-contacted-week").ShouldBe("0");
        before.ShouldContain("기한 지남");
        before.ShouldContain("이전 설계사의 지점", Case.Insensitive, "the reasons are worded, not codes");
        other.StatusCode.ShouldBe(HttpStatusCode.NotFound, "another consultant's case is answered like an unknown one");
        future.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        futureHtml.ShouldContain("앞으로의 날짜는 고를 수 없습니다");
        futureHtml.ShouldContain("통화 예정</textarea>", customMessage: "what was typed is kept");
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        saved.Headers.Location!.OriginalString.ShouldEndWith($"/orphans?done={mine[0]}");
        Testid(after, "orphans-open").ShouldBe("1");
        Testid(after, "orphans-past-due").ShouldBe("1");
        Testid(after, "orphans-contacted-week").ShouldBe("1");
        home.ShouldContain("data-testid=\"home-orphans\"");
        home.ShouldContain("미접촉 1건");
        home.ShouldContain("기한 지남 1건");
        home.IndexOf("home-orphans", StringComparison.Ordinal).ShouldBeLessThan(home.IndexOf("home-today", StringComparison.Ordinal), "the card is above today's list");
        await using var check = db.CreateContext();
        var done = await check.OrphanCases.SingleAsync(c => c.Id == mine[0]);
        done.State.ShouldBe(OrphanState.Contacted);
        done.FirstContactNote.ShouldBe("보장 설명, 다음 주 방문 약속");
        done.FirstContactBy.ShouldBe("cs");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Manager_ReassignOverTheCap_RefusedInWordsKeepingTheInput_NothingChanges_ForcedGoesThrough(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db, Cap2);
        var seeded = await SeedAsync(factory);
        long caseId;
        int total;
        await using (var read = db.CreateContext())
        {
            caseId = await read.OrphanCases.Where(c => c.ConsultantId == seeded.CsA).Select(c => c.Id).FirstAsync();
            // The family's earlier leaver (최퇴사) leaves one more customer: unassigned, both consultants being at the cap.
            total = await read.OrphanCases.CountAsync();
            (await read.OrphanCases.CountAsync(c => c.State == OrphanState.Unassigned)).ShouldBe(total - 4);
        }
        using var manager = await factory.SignedInClientAsync("manager");
        using var cs = await factory.SignedInClientAsync("cs");

        var list = await manager.GetStringAsync("/orphans");
        var form = await manager.GetStringAsync($"/orphans/{caseId}");
        using var refused = await manager.PostAsync($"/orphans/{caseId}", Reassign(form, seeded.CsBCode, "고객이 서초로 이사", force: false));
        var refusedHtml = await refused.Content.ReadAsStringAsync();
        int overridesAfterRefusal;
        await using (var read = db.CreateContext())
        {
            (await read.OrphanCases.SingleAsync(c => c.Id == caseId)).ConsultantId.ShouldBe(seeded.CsA, "a refused reassignment changes nothing");
            overridesAfterRefusal = await read.OrphanOverrides.CountAsync();
        }
        var csForm = await cs.GetStringAsync($"/orphans/{caseId}");
        using var forced = await manager.PostAsync($"/orphans/{caseId}", Reassign(form, seeded.CsBCode, "고객이 서초로 이사", force: true));
        using var gone = await cs.GetAsync($"/orphans/{caseId}");

        RowIds(list).Count.ShouldBe(total, "the branch manager sees the branch's cases, unassigned ones too");
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Testid(refusedHtml, "reassign-error").ShouldContain($"{seeded.CsBCode} 상담원은 미접촉 2건으로 한도 2건에 도달했습니다");
        refusedHtml.ShouldContain($"<option value=\"{seeded.CsBCode}\" selected", Case.Sensitive, "the choice is kept");
        refusedHtml.ShouldContain("value=\"고객이 서초로 이사\"", Case.Sensitive, "the reason typed is kept");
        overridesAfterRefusal.ShouldBe(0);
        csForm.ShouldNotContain("id=\"reassign\"", Case.Sensitive, "a CS consultant has no reassignment form");
        forced.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        gone.StatusCode.ShouldBe(HttpStatusCode.NotFound, "the case left the consultant's scope with the reassignment");
        await using var check = db.CreateContext();
        (await check.OrphanCases.SingleAsync(c => c.Id == caseId)).ConsultantId.ShouldBe(seeded.CsB);
        var over = await check.OrphanOverrides.SingleAsync();
        (over.Forced, over.OverriddenBy, over.Why).ShouldBe((true, "manager", "고객이 서초로 이사"));
    }

    [Fact]
    public async Task OrphansPage_EnglishAndChinese_AndRolesWithoutIt403()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db, Cap2);
        await SeedAsync(factory);
        using var cs = await factory.SignedInClientAsync("cs");
        using var agent = await factory.SignedInClientAsync("agent");

        var en = await cs.GetStringAsync("/orphans?culture=en-US&ui-culture=en-US");
        var zh = await cs.GetStringAsync("/orphans?culture=zh-TW&ui-culture=zh-TW");
        using var refused = await agent.GetAsync("/orphans");

        en.ShouldContain("First contact due");
        // The apostrophe is HTML-encoded on the page.
        en.ShouldContain("A CS consultant of the former agent&#x27;s branch B-GN");
        zh.ShouldContain("首次聯繫期限");
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await agent.GetStringAsync("/")).ShouldNotContain("href=\"/orphans\"", Case.Sensitive, "no menu entry for a role without the page");
        (await cs.GetStringAsync("/")).ShouldContain("href=\"/orphans\"");
    }

    private static List<long> RowIds(string html) =>
        [.. RowPattern().Matches(html).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CsConsultantsToday_ShowsEachOpenHandover_WordedInEveryLanguage_LinkingTheCase(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db, Cap2);
        var seeded = await SeedAsync(factory);
        List<long> mine;
        await using (var read = db.CreateContext())
        {
            mine = await read.OrphanCases.Where(c => c.ConsultantId == seeded.CsA).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync();
        }
        await using var scope = factory.Services.CreateAsyncScope();
        var calendar = scope.ServiceProvider.GetRequiredService<KoreanBusinessCalendar>();
        var due = calendar.AddBusinessDays(calendar.AddBusinessDays(Today, -5), 3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var left = calendar.AddBusinessDays(Today, -6).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var client = await factory.SignedInClientAsync("cs");

        var ko = await client.GetStringAsync("/today?culture=ko-KR&ui-culture=ko-KR");
        var en = await client.GetStringAsync("/today?culture=en-US&ui-culture=en-US");
        var zh = await client.GetStringAsync("/today?culture=zh-TW&ui-culture=zh-TW");
        var form = await client.GetStringAsync($"/orphans/{mine[0]}");
        using var saved = await client.PostAsync($"/orphans/{mine[0]}", Contact(form, Today, "인사 통화"));
        var after = await client.GetStringAsync("/today?culture=ko-KR&ui-culture=ko-KR");

        Regex.Count(ko, "data-testid=\"work-item\"").ShouldBe(2, "the consultant's two cases, not the other consultant's");
        ko.ShouldContain("인수 고객 첫 연락");
        ko.ShouldContain($"{due}까지 (전 담당 설계사 FC0777 퇴사 {left})");
        en.ShouldContain("Handed-over customer: first contact");
        en.ShouldContain($"by {due} (former agent FC0777 left {left})");
        zh.ShouldContain("接手客戶首次聯繫");
        zh.ShouldContain($"{due}前完成（前任業務員 FC0777 於 {left} 離職）");
        foreach (var id in mine)
        {
            ko.ShouldContain($"href=\"/orphans/{id}\"");
        }
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        Regex.Count(after, "data-testid=\"work-item\"").ShouldBe(1, "the first contact recorded on the case page did the item");
        after.ShouldNotContain($"href=\"/orphans/{mine[0]}\"");
        after.ShouldContain($"href=\"/orphans/{mine[1]}\"");
    }

    private static string Testid(string html, string id)
    {
        var m = Regex.Match(html, $"data-testid=\"{id}\"[^>]*>([^<]*)<");
        m.Success.ShouldBeTrue($"no {id} on the page");
        return m.Groups[1].Value;
    }

    private static FormUrlEncodedContent Contact(string html, DateOnly on, string note) => new(new Dictionary<string, string>
    {
        ["__RequestVerificationToken"] = CrmWebFactory.Token(html),
        ["_handler"] = "contact",
        ["Contact.On"] = on.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["Contact.Note"] = note,
    });

    private static FormUrlEncodedContent Reassign(string html, string to, string why, bool force)
    {
        var fields = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = CrmWebFactory.Token(html),
            ["_handler"] = "reassign",
            ["Reassign.To"] = to,
            ["Reassign.Why"] = why,
        };
        if (force)
        {
            fields["Reassign.Force"] = "true";
        }
        return new(fields);
    }

    [GeneratedRegex("data-testid=\"orphan-row\" data-case-id=\"(\\d+)\"")]
    private static partial Regex RowPattern();
}
