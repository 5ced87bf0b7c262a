using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Tests;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace InsureCrm.Web.Tests;

public sealed partial class CampaignPagesTests
{
    private static readonly DateTime Now = new(2026, 11, 2, 1, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task CampaignPages_ByRole_MarketerEditsAnalystOnlyViewsAgentIsRefused()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        using var marketer = await factory.SignedInClientAsync("marketer");
        using var analyst = await factory.SignedInClientAsync("analyst");
        using var agent = await factory.SignedInClientAsync("agent");
        using var admin = await factory.SignedInClientAsync("admin");
        var id = await InsertCampaignAsync(db, "marketer", CampaignState.Draft, "C-2026-001", "연금 교차판매 파일럿", "저축 보유 고객은 연금 제안에 반응한다");

        // The marketer plans: the library offers a new campaign, the record its edit and target pages, and both open.
        (await marketer.GetStringAsync("/campaigns")).ShouldContain("href=\"/campaigns/new\"");
        var record = await marketer.GetStringAsync($"/campaigns/{id}");
        record.ShouldContain($"href=\"/campaigns/{id}/edit\"");
        record.ShouldContain($"href=\"/campaigns/{id}/target\"");
        record.ShouldNotContain("data-testid=\"campaign-action-approve\"", Case.Sensitive, "the author never approves their own plan");
        (await GetAsync(marketer, "/campaigns/new")).ShouldBe(HttpStatusCode.OK);
        (await GetAsync(marketer, $"/campaigns/{id}/edit")).ShouldBe(HttpStatusCode.OK);
        (await GetAsync(marketer, $"/campaigns/{id}/target")).ShouldBe(HttpStatusCode.OK);

        // The analyst follows: the library and the record, without a single editing control; the editing pages are refused.
        var library = await analyst.GetStringAsync("/campaigns");
        library.ShouldContain("연금 교차판매 파일럿");
        library.ShouldNotContain("href=\"/campaigns/new\"");
        var seen = await analyst.GetStringAsync($"/campaigns/{id}");
        seen.ShouldContain("저축 보유 고객은 연금 제안에 반응한다");
        seen.ShouldNotContain($"href=\"/campaigns/{id}/edit\"");
        seen.ShouldNotContain("data-testid=\"campaign-action-");
        (await GetAsync(analyst, "/campaigns/new")).ShouldBe(HttpStatusCode.Forbidden);
        (await GetAsync(analyst, $"/campaigns/{id}/edit")).ShouldBe(HttpStatusCode.Forbidden);
        (await GetAsync(analyst, $"/campaigns/{id}/target")).ShouldBe(HttpStatusCode.Forbidden);
        using (var count = await PostFormAsync(analyst, "/api/campaigns/rules/count", [("field", "value.grade"), ("op", "in"), ("values", "A")]))
        {
            count.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }
        using (var approve = await PostFormAsync(analyst, $"/campaigns/{id}/actions/approve", [("version", "1")]))
        {
            approve.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        // An admin approves colleagues' plans (four eyes) but does not plan.
        var forAdmin = await admin.GetStringAsync($"/campaigns/{id}");
        forAdmin.ShouldContain("data-testid=\"campaign-action-approve\"");
        forAdmin.ShouldNotContain($"href=\"/campaigns/{id}/edit\"");

        // An agent works lists, not campaigns: every campaign page is refused and none is on the menu.
        (await GetAsync(agent, "/campaigns")).ShouldBe(HttpStatusCode.Forbidden);
        (await GetAsync(agent, $"/campaigns/{id}")).ShouldBe(HttpStatusCode.Forbidden);
        (await GetAsync(agent, "/campaigns/new")).ShouldBe(HttpStatusCode.Forbidden);
        (await agent.GetStringAsync("/")).ShouldNotContain("href=\"/campaigns\"");
        (await marketer.GetStringAsync("/")).ShouldContain("href=\"/campaigns\"");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Library_StatesAndSearch_CountEachStateAndFindByHypothesisAndLessons(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        using var marketer = await factory.SignedInClientAsync("marketer");
        var draft = await InsertCampaignAsync(db, "marketer", CampaignState.Draft, "C-2026-011", "Protection gap pilot", "Young parents without protection answer a call");
        var running = await InsertCampaignAsync(db, "marketer", CampaignState.Running, "C-2026-012", "Loan win-back", "Former borrowers come back for a rate offer");
        var closed = await InsertCampaignAsync(db, "marketer", CampaignState.Closed, "C-2026-013", "Reinstatement SMS", "Lapsed in 90 days reinstate after a reminder",
            lessons: "SMS alone did not move Retain cells; agents did");

        var page = await marketer.GetStringAsync("/campaigns");

        foreach (var state in Enum.GetValues<CampaignState>())
        {
            var expected = state is CampaignState.Draft or CampaignState.Running or CampaignState.Closed ? 1 : 0;
            StateCount(page, state).ShouldBe(expected, state.ToString());
        }
        Rows(page).ShouldBe([draft, running, closed], ignoreOrder: true);
        // The search reads hypotheses and lessons too, whatever the case.
        Rows(await marketer.GetStringAsync("/campaigns?q=" + Uri.EscapeDataString("retain cells"))).ShouldBe([closed]);
        Rows(await marketer.GetStringAsync("/campaigns?q=BORROWERS")).ShouldBe([running]);
        Rows(await marketer.GetStringAsync("/campaigns?state=Draft")).ShouldBe([draft]);
        var none = await marketer.GetStringAsync("/campaigns?q=nothing-like-this");
        none.ShouldContain("data-testid=\"campaign-none\"");
        using var bad = await marketer.GetAsync("/campaigns?state=Sleeping");
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync()).ShouldContain("Sleeping");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Record_RunningCampaign_ShowsHighlightsPlanSplitResultsAndHistory(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        using var analyst = await factory.SignedInClientAsync("analyst");
        var id = await InsertCampaignAsync(db, "marketer", CampaignState.Running, "C-2026-021", "Health cross-sell", "Savings holders buy health cover");
        await using (var ctx = db.Database.CreateContext())
        {
            var rule = new TargetRule { Name = "health gap", OwnerUserId = 1, CreatedAt = Now };
            ctx.TargetRules.Add(rule);
            await ctx.SaveChangesAsync();
            var version = new TargetRuleVersion
            {
                RuleId = rule.Id, Version = 1, CreatedBy = "marketer", CreatedAt = Now,
                Definition = """{"all":[{"field":"gap.family","op":"in","values":["Health"]},{"field":"age","op":"between","values":["30","59"]}],"any":[{"field":"consent.email","op":"is","values":["true"]}]}""",
            };
            ctx.TargetRuleVersions.Add(version);
            await ctx.SaveChangesAsync();
            (await ctx.Campaigns.SingleAsync(c => c.Id == id)).RuleVersionId = version.Id;
            ctx.CampaignChannels.Add(new CampaignChannel { CampaignId = id, Channel = CampaignChannelKind.Email, Rank = 1, UnitCost = 12.5m });
            ctx.CampaignChannels.Add(new CampaignChannel { CampaignId = id, Channel = CampaignChannelKind.CallList, Rank = 2, UnitCost = 1800m });
            ctx.CampaignSplits.Add(new CampaignSplit
            {
                CampaignId = id, AsOf = new DateOnly(2026, 10, 31), Seed = 42, ControlShare = 0.2m, Candidates = 12_500, Test = 9_600, Control = 2_400,
                ExcludedHoldout = 310, ExcludedOverlap = 120, ExcludedCap = 50, ExcludedNoChannel = 20, CreatedAt = Now, CreatedBy = "marketer",
            });
            ctx.CampaignAttributions.Add(new CampaignAttribution
            {
                CampaignId = id, AsOf = new DateOnly(2026, 11, 1), RanAt = Now, Responses = 700, RespondersTest = 576, RespondersControl = 96,
            });
            ctx.CampaignEvents.AddRange(
                new CampaignEvent { CampaignId = id, At = Now.AddDays(-3), UserName = "marketer", Kind = CampaignEventKind.Created },
                new CampaignEvent { CampaignId = id, At = Now.AddDays(-2), UserName = "admin", Kind = CampaignEventKind.Approved },
                new CampaignEvent { CampaignId = id, At = Now.AddDays(-1), UserName = "marketer", Kind = CampaignEventKind.Started });
            await ctx.SaveChangesAsync();
        }

        var html = await analyst.GetStringAsync($"/campaigns/{id}");

        Testid(html, "campaign-state").ShouldBe("진행 중");
        Testid(html, "campaign-list-size").ShouldBe("12,500");
        Testid(html, "campaign-arms").ShouldBe("9,600 / 2,400");
        // 576 / 9,600 − 96 / 2,400 = 6 % − 4 % = +2 percentage points.
        Testid(html, "campaign-uplift").ShouldBe("+2.00%");
        // The rule in words, each field, operator and value by its Korean label; the JSON only on demand.
        var summary = WebUtility.HtmlDecode(Regex.Match(html, "data-testid=\"rule-summary\">(.*?)</div>", RegexOptions.Singleline).Groups[1].Value);
        summary.ShouldContain("미보유 상품군 포함 건강보험");
        summary.ShouldContain("나이 사이 30–59");
        summary.ShouldContain("수신 동의: 이메일 같음 예");
        html.ShouldContain("data-testid=\"campaign-rule\"");
        html.ShouldContain("data-testid=\"plan-channel-Email\"");
        html.ShouldContain("data-testid=\"plan-channel-CallList\"");
        Regex.Count(html, "data-testid=\"history-row\"").ShouldBe(3);
        html.IndexOf("생성", StringComparison.Ordinal).ShouldBeLessThan(html.LastIndexOf("시작", StringComparison.Ordinal));
        html.ShouldContain($"href=\"/campaigns/{id}/results\"");
        StrictMarkup.ShouldHaveNoInlineScriptOrStyle(html);

        (await GetAsync(analyst, "/campaigns/999999")).ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task NewCampaign_BadFields_ShowsTheNamedErrorBesideItsFieldAndKeepsEverythingTyped(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var planning = new RecordingPlanning();
        await using var factory = new CrmWebFactory(db, configure: b => b.ConfigureTestServices(s => s.AddSingleton<ICampaignPlanning>(planning)));
        using var marketer = await factory.SignedInClientAsync("marketer");
        var form = await marketer.GetStringAsync("/campaigns/new");
        form.ShouldContain("data-testid=\"campaign-form\"");

        // A budget that is not a number never reaches Core; the page names it and keeps every other value.
        var typed = Fields(form, ("Form.Name", "종신보험 갭 파일럿"), ("Form.Theme", "보장 공백"), ("Form.Hypothesis", "자녀가 있는 30대는 종신 제안에 반응한다"),
            ("Form.Budget", "12만"), ("Form.ControlShare", "0.25"), ("Form.Channels[2].On", "true"), ("Form.Channels[2].UnitCost", "15"),
            ("Form.Scripts[6].Subject", "(광고) 가족을 위한 보장"), ("Form.Scripts[6].Body", "{{name}}님 안녕하세요 {{unsubscribe_url}}"));
        using (var refused = await PostFormAsync(marketer, "/campaigns/new", typed))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            var html = await refused.Content.ReadAsStringAsync();
            FieldError(html, "budget").ShouldBe("'12만'은(는) 숫자가 아닙니다.");
            html.ShouldContain("value=\"종신보험 갭 파일럿\"");
            html.ShouldContain("value=\"보장 공백\"");
            html.ShouldContain("자녀가 있는 30대는 종신 제안에 반응한다</textarea>");
            html.ShouldContain("value=\"0.25\"");
            html.ShouldContain("value=\"(광고) 가족을 위한 보장\"");
            html.ShouldContain("{{name}}님 안녕하세요 {{unsubscribe_url}}</textarea>");
            Regex.IsMatch(html, "name=\"Form.Channels\\[2\\].On\" value=\"true\" checked").ShouldBeTrue("the ticked e-mail channel stays ticked");
        }
        planning.Drafts.ShouldBeEmpty();

        // Core refuses a control share of 0 and a script's placeholder: each shown beside its own field, the rest kept.
        var toCore = Fields(form, ("Form.Name", "종신보험 갭 파일럿"), ("Form.Budget", "1,000,000"), ("Form.ControlShare", "0"),
            ("Form.Channels[2].On", "true"), ("Form.Channels[2].UnitCost", "15"), ("Form.Scripts[6].Body", "{{agnet_name}} {{unsubscribe_url}}"));
        using (var invalid = await PostFormAsync(marketer, "/campaigns/new", toCore))
        {
            invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            var html = await invalid.Content.ReadAsStringAsync();
            FieldError(html, "controlShare").ShouldContain("controlShare 0");
            FieldError(html, "script.Email.ko").ShouldContain("{{agnet_name}}");
            html.ShouldContain("value=\"종신보험 갭 파일럿\"");
            html.ShouldContain("value=\"1,000,000\"");
        }
        var sent = planning.Drafts.ShouldHaveSingleItem();
        sent.Budget.ShouldBe(1_000_000m);
        sent.Channels.ShouldHaveSingleItem().ShouldBe(new ChannelDraft(CampaignChannelKind.Email, 3, null, 15m, null));
        sent.Scripts.ShouldHaveSingleItem().Language.ShouldBe(ScriptLanguage.Korean);

        // A plan Core accepts goes to its record.
        using var saved = await PostFormAsync(marketer, "/campaigns/new", Fields(form, ("Form.Name", "종신보험 갭 파일럿"), ("Form.Budget", "500000")));
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        saved.Headers.Location!.PathAndQuery.ShouldBe($"/campaigns/{RecordingPlanning.CreatedId}?saved=1");
    }

    [Fact]
    public async Task RuleCount_Rows_SendsTheRuleAsJsonAndShowsCountShareAndProfileOrTheNamedRow()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var targeting = new RecordingTargeting();
        await using var factory = new CrmWebFactory(db, configure: b => b.ConfigureTestServices(s => s.AddSingleton<ICampaignTargeting>(targeting)));
        using var marketer = await factory.SignedInClientAsync("marketer");

        using var counted = await PostFormAsync(marketer, "/api/campaigns/rules/count",
        [
            ("group", "all"), ("field", "value.grade"), ("op", "in"), ("values", "A, B"),
            ("group", "all"), ("field", "age"), ("op", "between"), ("values", "30,39"),
            ("group", "any"), ("field", "gap.family"), ("op", "in"), ("values", "Health"),
            ("group", "all"), ("field", ""), ("op", "in"), ("values", ""),
        ]);

        counted.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await counted.Content.ReadAsStringAsync();
        using (var rule = JsonDocument.Parse(targeting.Definitions.ShouldHaveSingleItem()))
        {
            var all = rule.RootElement.GetProperty("all");
            all.GetArrayLength().ShouldBe(2, "the blank row is dropped");
            all[0].GetProperty("field").GetString().ShouldBe("value.grade");
            all[0].GetProperty("values").EnumerateArray().Select(v => v.GetString()).ShouldBe(["A", "B"]);
            all[1].GetProperty("values").EnumerateArray().Select(v => v.GetDecimal()).ShouldBe([30m, 39m]);
            rule.RootElement.GetProperty("any")[0].GetProperty("field").GetString().ShouldBe("gap.family");
        }
        // The fake matches 37 customers per condition of a book of 1,000: 3 conditions → 111, 11.1 %.
        Testid(html, "rule-count-matching").ShouldBe("111");
        Testid(html, "rule-count-share").ShouldBe("11.1%");
        // The targeting mart the count read, in Seoul time (17:30 UTC is 02:30 the next day).
        Testid(html, "rule-count-asof").ShouldContain("2026-03-02 02:30");
        html.ShouldContain("data-testid=\"rule-profile-grade\"");

        // A field Core's catalogue does not know is named with its row, in the page's language, and nothing is counted.
        (string, string)[] misspelt = [("group", "all"), ("field", "value.grade"), ("op", "in"), ("values", "A"), ("group", "all"), ("field", "segment.cel"), ("op", "in"), ("values", "Retain")];
        using var refused = await PostFormAsync(marketer, "/api/campaigns/rules/count", misspelt);
        var errors = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        errors.ShouldContain("data-testid=\"rule-count-errors\"");
        errors.ShouldContain("2행: 알 수 없는 항목 'segment.cel'입니다.");
        errors.ShouldNotContain("unknown field");
        targeting.Definitions.Count.ShouldBe(1, "an invalid rule is not counted");

        using var toEnglish = await marketer.GetAsync("/culture?culture=en-US&returnUrl=%2Fcampaigns");
        toEnglish.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using var inEnglish = await PostFormAsync(marketer, "/api/campaigns/rules/count", misspelt);
        WebUtility.HtmlDecode(await inEnglish.Content.ReadAsStringAsync()).ShouldContain("Row 2: unknown field 'segment.cel'.");
    }

    [Fact]
    public async Task Results_ByStratum_ShowRatesWithIntervalsFlagNotSignificantAndDownloadTheFile()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var results = new FixedResults();
        await using var factory = new CrmWebFactory(db, configure: b => b.ConfigureTestServices(s => s.AddSingleton<ICampaignResults>(results)));
        using var analyst = await factory.SignedInClientAsync("analyst");
        using var agent = await factory.SignedInClientAsync("agent");

        var html = await analyst.GetStringAsync("/campaigns/7/results?by=Stratum");

        results.AskedBy.ShouldBe([ResultBreakdown.Stratum]);
        Regex.Count(html, "data-testid=\"results-row\"").ShouldBe(3);
        html.ShouldContain("6.00% [5.50%, 6.50%]");
        // Only the row whose interval includes zero carries the flag.
        Regex.Count(html, "data-testid=\"not-significant\"").ShouldBe(1);
        // Strata by their labels: the segment cell in Korean, then the grade; the total row by its name.
        var text = WebUtility.HtmlDecode(html);
        text.IndexOf("교차판매 (저현재·고잠재) / B", StringComparison.Ordinal).ShouldBeInRange(0, text.IndexOf("data-testid=\"not-significant\"", StringComparison.Ordinal));
        text.ShouldNotContain(">total<");
        html.ShouldContain("action=\"/campaigns/7/results.csv\"");
        using (var noReason = await analyst.GetAsync("/campaigns/7/results.csv"))
        {
            noReason.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }
        using var csv = await analyst.GetAsync("/campaigns/7/results.csv?reason=campaign");
        csv.StatusCode.ShouldBe(HttpStatusCode.OK);
        csv.Content.Headers.ContentDisposition!.FileNameStar.ShouldBe("C-2026-007-results.csv");
        (await csv.Content.ReadAsStringAsync()).ShouldStartWith("key,uplift");
        await using (var ctx = db.Database.CreateContext())
        {
            (await ctx.AccessLog.AsNoTracking().CountAsync(e => e.UserName == "analyst" && e.Action == AccessAction.Download && e.Reason == "campaign"
                && e.Detail == "campaign 7 results.csv")).ShouldBe(1);
        }
        (await GetAsync(agent, "/campaigns/7/results")).ShouldBe(HttpStatusCode.Forbidden);
        (await GetAsync(agent, "/campaigns/7/results.csv")).ShouldBe(HttpStatusCode.Forbidden);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Dashboard_RunningCampaign_SummaryFirstThenChartTablesAndRevisions_PerDayOrWeek(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var dashboard = new FixedDashboard();
        await using var factory = new CrmWebFactory(db, configure: b => b.ConfigureTestServices(s => s.AddSingleton<ICampaignDashboard>(dashboard)));
        using var analyst = await factory.SignedInClientAsync("analyst");
        using var agent = await factory.SignedInClientAsync("agent");
        var id = await InsertCampaignAsync(db, "marketer", CampaignState.Running, "C-2026-041", "Health gap e-mail", "Savings holders buy health cover");
        dashboard.CampaignId = id;

        (await analyst.GetStringAsync($"/campaigns/{id}")).ShouldContain($"href=\"/campaigns/{id}/dashboard\"");
        var html = await analyst.GetStringAsync($"/campaigns/{id}/dashboard");

        // Today: e-mail 120 and SMS 30; on this week's Monday 40 more e-mails (the same day when today is Monday); 8 days ago 500.
        var mondayIsToday = FixedDashboard.Monday == FixedDashboard.Today;
        Testid(html, "dashboard-contacts-today").ShouldBe(mondayIsToday ? "190" : "150");
        Testid(html, "dashboard-contacts-week").ShouldBe("190");
        Testid(html, "dashboard-blocked").ShouldBe("37");
        Testid(html, "dashboard-responders").ShouldBe("576 / 96");
        Testid(html, "dashboard-uplift").ShouldBe("+2.00% [-0.50%, 4.50%]");
        html.ShouldContain("data-testid=\"not-significant\"", Case.Sensitive, "an interval that includes zero is said to be not significant");
        html.IndexOf("data-testid=\"dashboard-summary\"", StringComparison.Ordinal)
            .ShouldBeLessThan(html.IndexOf("data-testid=\"dashboard-chart\"", StringComparison.Ordinal), "the summary comes before the chart");
        // The chart stacks contacts by channel, named in the user's language, with the exact figures in the tables beneath.
        var chart = WebUtility.HtmlDecode(Regex.Match(html, "data-chart-data=\"([^\"]*)\"").Groups[1].Value);
        using (var data = JsonDocument.Parse(chart))
        {
            data.RootElement.GetProperty("datasets").EnumerateArray().Select(d => d.GetProperty("label").GetString()).ShouldBe(["이메일", "문자"]);
            data.RootElement.GetProperty("datasets")[0].GetProperty("values").EnumerateArray().Sum(v => v.GetInt64()).ShouldBe(660);
        }
        RowTotal(html, "channel", "Email").ShouldBe("660");
        RowTotal(html, "agent", "A-0007").ShouldBe("95");
        RowTotal(html, "branch", "B-SEOUL").ShouldBe("150");
        RowTotal(html, "blocked", "NoConsent").ShouldBe("25");
        html.ShouldContain("마케팅 동의 없음");
        html.ShouldContain("접촉 상한 초과");
        RowTotal(html, "outcome", "Appointment").ShouldBe("4");
        html.ShouldContain("약속");
        Regex.Count(html, "data-testid=\"revision-row\"").ShouldBe(2);
        html.ShouldContain("스크립트 개정");
        html.ShouldContain("오퍼 변경");
        StrictMarkup.ShouldHaveNoInlineScriptOrStyle(html);

        var weekly = await analyst.GetStringAsync($"/campaigns/{id}/dashboard?period=Week");
        dashboard.Asked.ShouldBe([DashboardPeriod.Day, DashboardPeriod.Day, DashboardPeriod.Week]);
        weekly.ShouldContain("aria-current=\"page\" data-testid=\"dashboard-period-Week\"");
        weekly.ShouldContain($">{FixedDashboard.Monday:yyyy-MM-dd}</th>");
        Testid(weekly, "dashboard-contacts-week").ShouldBe("190", "the summary still counts days");

        (await GetAsync(analyst, "/campaigns/999999/dashboard")).ShouldBe(HttpStatusCode.NotFound);
        (await GetAsync(agent, $"/campaigns/{id}/dashboard")).ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Dashboard_WithoutTheMeasurementService_SaysItIsNotAvailable()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db, configure: b => b.ConfigureTestServices(s => s.RemoveAll<ICampaignDashboard>()));
        using var marketer = await factory.SignedInClientAsync("marketer");
        var id = await InsertCampaignAsync(db, "marketer", CampaignState.Running, "C-2026-042", "Loan win-back", "Former borrowers come back");

        var html = await marketer.GetStringAsync($"/campaigns/{id}/dashboard");

        Testid(html, "dashboard-unavailable").ShouldBe("이 설치본에는 캠페인 대시보드 기능이 아직 없습니다. 관리자에게 문의하세요.");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RollOut_ClosedPilot_BadInputShownBesideItsFieldWithEverythingTypedKept_GoodInputOpensTheDraft(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var planning = new RecordingPlanning();
        await using var factory = new CrmWebFactory(db, configure: b => b.ConfigureTestServices(s => s.AddSingleton<ICampaignPlanning>(planning)));
        using var marketer = await factory.SignedInClientAsync("marketer");
        using var analyst = await factory.SignedInClientAsync("analyst");
        const string rule = """{"all":[{"field":"age","op":"between","values":[30,59]}]}""";
        var pilot = await InsertCampaignAsync(db, "marketer", CampaignState.Closed, "C-2026-051", "건강 공백 파일럿", "건강보험 없는 30~50대는 이메일에 반응한다",
            lessons: "이메일만으로는 약했고 설계사 방문이 효과적이었다");
        await UseRuleAsync(db, pilot, rule);
        var running = await InsertCampaignAsync(db, "marketer", CampaignState.Running, "C-2026-052", "Running pilot", "Not yet measured");

        var page = await marketer.GetStringAsync($"/campaigns/{pilot}");
        var form = Regex.Match(page, "<form[^>]*data-testid=\"rollout-form\".*?</form>", RegexOptions.Singleline).Value;
        form.ShouldNotBeEmpty();
        form.ShouldContain("value=\"건강 공백 파일럿 전사 확산\"");
        WebUtility.HtmlDecode(form).ShouldContain(rule + "</textarea>", Case.Sensitive, "the pilot's rule by default");
        (await marketer.GetStringAsync($"/campaigns/{running}")).ShouldNotContain("data-testid=\"rollout-form\"");
        (await analyst.GetStringAsync($"/campaigns/{pilot}")).ShouldNotContain("data-testid=\"rollout-form\"");

        // Core refuses a period that ends before it starts: beside the end date, with every typed value kept.
        using (var refused = await PostFormAsync(marketer, $"/campaigns/{pilot}", Fields(form,
            ("RollOut.Name", "건강 공백 전국 확산"), ("RollOut.StartsOn", "2027-02-01"), ("RollOut.EndsOn", "2027-01-15"), ("RollOut.Budget", "80,000,000"))))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            var html = await refused.Content.ReadAsStringAsync();
            FieldError(html, "endsOn").ShouldBe("종료일 2027-01-15이(가) 시작일 2027-02-01보다 앞섭니다.");
            html.ShouldContain("value=\"건강 공백 전국 확산\"");
            html.ShouldContain("value=\"2027-02-01\"");
            html.ShouldContain("value=\"2027-01-15\"");
            html.ShouldContain("value=\"80,000,000\"");
            html.ShouldContain("data-testid=\"rollout-message\"");
        }
        // A rule naming an unknown field is shown beside the rule; a budget that is no number never reaches Core.
        using (var badRule = await PostFormAsync(marketer, $"/campaigns/{pilot}", Fields(form, ("RollOut.RuleDefinition", """{"all":[{"field":"segment.cel","op":"in","values":["Retain"]}]}"""))))
        {
            badRule.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            FieldError(await badRule.Content.ReadAsStringAsync(), "ruleDefinition").ShouldBe("알 수 없는 항목 'segment.cel'입니다.");
        }
        using (var badBudget = await PostFormAsync(marketer, $"/campaigns/{pilot}", Fields(form, ("RollOut.Budget", "8천만"))))
        {
            badBudget.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            var html = await badBudget.Content.ReadAsStringAsync();
            FieldError(html, "budget").ShouldContain("'8천만'");
            html.ShouldContain("value=\"8천만\"");
        }
        planning.RollOuts.Count.ShouldBe(2);

        using var saved = await PostFormAsync(marketer, $"/campaigns/{pilot}", Fields(form, ("RollOut.StartsOn", "2027-02-01"), ("RollOut.EndsOn", "2027-03-31")));
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        saved.Headers.Location!.PathAndQuery.ShouldBe($"/campaigns/{RecordingPlanning.CreatedId}?done=rollout");
        var (pilotId, draft) = planning.RollOuts[^1];
        pilotId.ShouldBe(pilot);
        draft.ShouldBe(new RollOutDraft("건강 공백 파일럿 전사 확산", new DateOnly(2027, 2, 1), new DateOnly(2027, 3, 31), rule, null));
    }

    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task RollOut_ByUplift_OfferedOnlyWithAnUpliftModel_TopNThatIsNoNumberKeptBesideItsField_GoodInputReachesCore()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var planning = new RecordingPlanning();
        await using var factory = new CrmWebFactory(db, configure: b => b.ConfigureTestServices(s => s.AddSingleton<ICampaignPlanning>(planning)));
        using var marketer = await factory.SignedInClientAsync("marketer");
        const string rule = """{"all":[{"field":"age","op":"between","values":[30,59]}]}""";
        var pilot = await InsertCampaignAsync(db, "marketer", CampaignState.Closed, "C-2026-061", "건강 공백 파일럿", "건강보험 없는 30~50대는 이메일에 반응한다");
        await UseRuleAsync(db, pilot, rule);

        // Without a learnt model the choice is there but disabled, with the way to learn one.
        var before = await marketer.GetStringAsync($"/campaigns/{pilot}");
        Regex.Match(before, "<input[^>]*data-testid=\"rollout-by-uplift\"[^>]*>").Value.ShouldContain("disabled");
        before.ShouldContain("data-testid=\"rollout-no-uplift\"");
        before.ShouldContain($"href=\"/campaigns/{pilot}/uplift\"");

        await using (var ctx = db.CreateContext())
        {
            ctx.Add(new InsureCrm.Core.Campaigns.Uplift.CampaignUpliftModel
            {
                CampaignId = pilot, Version = 1, Algorithm = "uplift-tree", Classifier = "logistic", FeaturesAsOf = new DateOnly(2026, 3, 1), Rows = 2000,
                Treated = 1600, TreatedResponders = 48, Control = 400, ControlResponders = 6, HeldOutRows = 600, Qini = 0.214, TrainedBy = "marketer",
                TrainedAt = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc),
            });
            await ctx.SaveChangesAsync();
        }
        var page = await marketer.GetStringAsync($"/campaigns/{pilot}");
        Regex.Match(page, "<input[^>]*data-testid=\"rollout-by-uplift\"[^>]*>").Value.ShouldNotContain("disabled");
        page.ShouldContain("Qini 계수 0.214");
        page.ShouldNotContain("data-testid=\"rollout-uplift-random\"", customMessage: "no warning without a recorded random-order test");

        // A model whose order did not beat random orders of the held-out members: the form says so beside "top N by uplift".
        var arms = new InsureCrm.Core.Campaigns.Uplift.UpliftArms(480, 14, 120, 2);
        var measures = new InsureCrm.Core.Campaigns.Uplift.UpliftMeasures(arms, 0.214, [], [], [], arms, arms, arms, [], RandomOrderP: 0.368);
        await using (var ctx = db.CreateContext())
        {
            var model = await ctx.Set<InsureCrm.Core.Campaigns.Uplift.CampaignUpliftModel>().SingleAsync(m => m.CampaignId == pilot);
            model.Evaluation = JsonSerializer.Serialize(measures, WebJson);
            await ctx.SaveChangesAsync();
        }
        Testid(await marketer.GetStringAsync($"/campaigns/{pilot}"), "rollout-uplift-random").ShouldStartWith("파일럿 검증 고객에서 이 모델의 순서는 무작위 순서와 구별되지 않았습니다 (p = 0.368).");
        var form = Regex.Match(page, "<form[^>]*data-testid=\"rollout-form\".*?</form>", RegexOptions.Singleline).Value;
        var byUplift = Fields(form, ("RollOut.StartsOn", "2027-02-01"), ("RollOut.EndsOn", "2027-03-31"))
            .Where(f => f.Item1 != "RollOut.Targeting").Append(("RollOut.Targeting", "uplift")).ToList();

        using (var refused = await PostFormAsync(marketer, $"/campaigns/{pilot}", [.. byUplift.Where(f => f.Item1 != "RollOut.TopN"), ("RollOut.TopN", "오백")]))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            var html = await refused.Content.ReadAsStringAsync();
            FieldError(html, "upliftTopN").ShouldContain("'오백'");
            html.ShouldContain("value=\"오백\"");
        }
        planning.RollOuts.ShouldBeEmpty();

        using var saved = await PostFormAsync(marketer, $"/campaigns/{pilot}", [.. byUplift.Where(f => f.Item1 != "RollOut.TopN"), ("RollOut.TopN", "5,000")]);
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        planning.RollOuts[^1].Draft.ShouldBe(new RollOutDraft("건강 공백 파일럿 전사 확산", new DateOnly(2027, 2, 1), new DateOnly(2027, 3, 31), rule, null, 5000, false));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Offers_WithoutCost_RefusedInWordsWithTheTypedKept_FreeAndEditedOffersListed(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        using var marketer = await factory.SignedInClientAsync("marketer");
        using var analyst = await factory.SignedInClientAsync("analyst");
        using var agent = await factory.SignedInClientAsync("agent");
        (await marketer.GetStringAsync("/campaigns")).ShouldContain("href=\"/campaigns/offers\"");
        var page = await marketer.GetStringAsync("/campaigns/offers");
        var form = Regex.Match(page, "<form[^>]*data-testid=\"offer-form\".*?</form>", RegexOptions.Singleline).Value;
        form.ShouldNotBeEmpty();

        using (var refused = await PostFormAsync(marketer, "/campaigns/offers", Fields(form,
            ("Form.Code", "GIFT-COFFEE"), ("Form.Name", "커피 쿠폰"), ("Form.Family", "Health"), ("Form.Cost", ""), ("Form.CostBasis", "PerResponse"))))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            var html = await refused.Content.ReadAsStringAsync();
            FieldError(html, "cost").ShouldBe("비용이 없는 오퍼는 저장할 수 없습니다. 비용을 입력하세요 (무료 오퍼는 0).");
            html.ShouldContain("value=\"GIFT-COFFEE\"");
            html.ShouldContain("value=\"커피 쿠폰\"");
            html.ShouldContain("<option value=\"Health\" selected");
            html.ShouldContain("<option value=\"PerResponse\" selected");
        }
        await using (var ctx = db.Database.CreateContext())
        {
            (await ctx.Offers.CountAsync()).ShouldBe(0, "nothing saved");
        }

        using (var free = await PostFormAsync(marketer, "/campaigns/offers", Fields(form, ("Form.Code", "GIFT-COFFEE"), ("Form.Name", "커피 쿠폰"), ("Form.Cost", "0"))))
        {
            free.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            free.Headers.Location!.PathAndQuery.ShouldBe("/campaigns/offers?saved=GIFT-COFFEE");
        }
        var list = await marketer.GetStringAsync("/campaigns/offers?saved=GIFT-COFFEE");
        list.ShouldContain("data-testid=\"offer-saved\"");
        OfferCost(list, "GIFT-COFFEE").ShouldBe("무료");

        long offerId;
        await using (var ctx = db.Database.CreateContext())
        {
            offerId = (await ctx.Offers.AsNoTracking().SingleAsync()).Id;
        }
        var editPage = await marketer.GetStringAsync($"/campaigns/offers?edit={offerId}");
        var editForm = Regex.Match(editPage, "<form[^>]*data-testid=\"offer-form\".*?</form>", RegexOptions.Singleline).Value;
        editForm.ShouldContain("value=\"커피 쿠폰\"");
        using (var edited = await PostFormAsync(marketer, "/campaigns/offers", Fields(editForm, ("Form.Name", "커피 쿠폰 2잔"), ("Form.Cost", "4,500"))))
        {
            edited.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }
        var after = await analyst.GetStringAsync("/campaigns/offers");
        after.ShouldContain("커피 쿠폰 2잔");
        OfferCost(after, "GIFT-COFFEE").ShouldBe("4,500원");
        Regex.Count(after, "data-testid=\"offer-row\"").ShouldBe(1, "an edit changes the offer, it adds none");
        after.ShouldNotContain("data-testid=\"offer-form\"", Case.Sensitive, "an analyst reads the catalogue only");
        using (var byAnalyst = await PostFormAsync(analyst, "/campaigns/offers", Fields(form, ("Form.Code", "X-1"), ("Form.Name", "x"), ("Form.Cost", "1"))))
        {
            byAnalyst.IsSuccessStatusCode.ShouldBeFalse();
        }
        await using (var ctx = db.Database.CreateContext())
        {
            (await ctx.Offers.CountAsync()).ShouldBe(1, "an analyst's post saves nothing");
        }
        (await GetAsync(agent, "/campaigns/offers")).ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task DmDownload_WithoutReason_Refused_WithOne_TheVendorFileInTheAskedCharset()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var export = new RecordingDmExport();
        await using var factory = new CrmWebFactory(db, configure: b => b.ConfigureTestServices(s => s.AddSingleton<IDmExport>(export)));
        using var marketer = await factory.SignedInClientAsync("marketer");
        using var analyst = await factory.SignedInClientAsync("analyst");
        var id = await InsertCampaignAsync(db, "marketer", CampaignState.Running, "C-2026-061", "DM 부활 안내", "실효 고객은 우편 안내에 반응한다");
        var emailOnly = await InsertCampaignAsync(db, "marketer", CampaignState.Running, "C-2026-062", "E-mail only", "No paper");
        await using (var ctx = db.Database.CreateContext())
        {
            ctx.CampaignChannels.Add(new CampaignChannel { CampaignId = id, Channel = CampaignChannelKind.Dm, Rank = 1, UnitCost = 700m });
            ctx.CampaignChannels.Add(new CampaignChannel { CampaignId = emailOnly, Channel = CampaignChannelKind.Email, Rank = 1, UnitCost = 10m });
            await ctx.SaveChangesAsync();
        }

        var record = await marketer.GetStringAsync($"/campaigns/{id}");
        record.ShouldContain($"action=\"/campaigns/{id}/dm.csv\"");
        record.ShouldContain("<select name=\"reason\" required");
        (await marketer.GetStringAsync($"/campaigns/{emailOnly}")).ShouldNotContain("dm.csv");

        using (var noReason = await marketer.GetAsync($"/campaigns/{id}/dm.csv?charset=cp949"))
        {
            noReason.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await noReason.Content.ReadAsStringAsync()).ShouldContain("reason");
        }
        export.Requests.ShouldBeEmpty();

        using var file = await marketer.GetAsync($"/campaigns/{id}/dm.csv?reason=campaign&charset=cp949");
        file.StatusCode.ShouldBe(HttpStatusCode.OK);
        file.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        file.Content.Headers.ContentDisposition.FileNameStar.ShouldBe("C-2026-061-dm-cp949.csv");
        (await file.Content.ReadAsByteArrayAsync()).ShouldBe(RecordingDmExport.Body);
        export.Requests.ShouldHaveSingleItem().ShouldBe(new DmExportRequest(id, "campaign", DmEncoding.Cp949));

        using (var utf8 = await marketer.GetAsync($"/campaigns/{id}/dm.csv?reason=other&note=vendor%20proof"))
        {
            utf8.StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        export.Requests[^1].ShouldBe(new DmExportRequest(id, "other: vendor proof", DmEncoding.Utf8Bom));
        (await GetAsync(marketer, $"/campaigns/{id}/dm.csv?reason=campaign&charset=latin1")).ShouldBe(HttpStatusCode.BadRequest);
        (await GetAsync(analyst, $"/campaigns/{id}/dm.csv?reason=campaign")).ShouldBe(HttpStatusCode.Forbidden);
        export.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Simulation_FullResult_ShowsEveryFigureWithAssumedBadgesAndRedFlags_AndSaysWhenNotAvailable()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using (var factory = new CrmWebFactory(db, configure: b => b.ConfigureTestServices(s => s.AddSingleton<ICampaignSimulation>(new FixedSimulation()))))
        {
            using var marketer = await factory.SignedInClientAsync("marketer");
            var id = await InsertCampaignAsync(db, "marketer", CampaignState.Draft, "C-2026-071", "Savings up-sell", "Savers top up");
            (await marketer.GetStringAsync($"/campaigns/{id}")).ShouldContain($"hx-post=\"/campaigns/{id}/simulate\"");

            using var response = await PostFormAsync(marketer, $"/campaigns/{id}/simulate", []);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            var html = await response.Content.ReadAsStringAsync();

            Testid(html, "simulation-list").ShouldBe("12,000 (실험군 9,600 / 대조군 2,400)");
            Testid(html, "simulation-responders").ShouldBe("422 (증분 96)");
            Testid(html, "simulation-value").ShouldBe("350,000원");
            html.ShouldContain("data-testid=\"value-assumed\"", Case.Sensitive, "a value the value engine did not price is marked as assumed");
            html.ShouldNotContain("data-testid=\"baseline-assumed\"");
            Testid(html, "simulation-cost").ShouldBe("30,000,000원");
            Testid(html, "simulation-profit").ShouldBe("3,600,000원");
            Testid(html, "simulation-roi").ShouldBe("12.00%");
            Testid(html, "simulation-break-even-lift").ShouldBe("0.89%");
            Testid(html, "simulation-break-even").ShouldBe("4.39%");
            var power = Testid(html, "simulation-power");
            power.ShouldContain("대조군 20.00%이면 검정력 83.00%");
            power.ShouldContain("α 0.05");
            power.ShouldContain("1−β 0.8");
            html.ShouldContain("data-testid=\"simulation-flags\"");
            Testid(html, "flag-over-budget").ShouldBe("예산 초과");
            html.ShouldNotContain("data-testid=\"flag-below-break-even\"");
            Regex.Count(html, "data-testid=\"simulation-channel\"").ShouldBe(2);
        }

        await using var without = new CrmWebFactory(db, configure: b => b.ConfigureTestServices(s => s.RemoveAll<ICampaignSimulation>()));
        using var client = await without.SignedInClientAsync("marketer");
        using var none = await PostFormAsync(client, "/campaigns/1/simulate", []);
        Testid(await none.Content.ReadAsStringAsync(), "simulation-unavailable").ShouldBe("이 설치본에는 손익 시뮬레이션이 아직 없습니다.");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task MarketerHome_FromTheDashboardService_TodaysFiguresApprovalsAndResultsEachLinkedToItsRows(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var dashboard = new FixedDashboard();
        await using var factory = new CrmWebFactory(db, configure: b => b.ConfigureTestServices(s => s.AddSingleton<ICampaignDashboard>(dashboard)));
        using var marketer = await factory.SignedInClientAsync("marketer");
        var running = await InsertCampaignAsync(db, "marketer", CampaignState.Running, "C-2026-081", "연금 교차판매", "저축 고객은 연금에 반응한다");
        var draft = await InsertCampaignAsync(db, "admin", CampaignState.Draft, "C-2026-082", "대출 재유치", "이전 대출 고객은 금리 제안에 돌아온다");
        var closed = await InsertCampaignAsync(db, "marketer", CampaignState.Closed, "C-2026-083", "부활 문자", "실효 90일 이내 고객은 안내 후 부활한다");
        dashboard.Home = new MarketerHome(
            new Dictionary<CampaignState, int> { [CampaignState.Draft] = 3, [CampaignState.Running] = 1, [CampaignState.Closed] = 5 },
            [new CampaignToday(Summary(running, "C-2026-081", "연금 교차판매", CampaignState.Running), 1_345, 12, 3)],
            [Summary(draft, "C-2026-082", "대출 재유치", CampaignState.Draft)],
            [new AttributionSummary(closed, new DateOnly(2026, 11, 1), new DateOnly(2026, 9, 1), new DateOnly(2026, 11, 1), 55, 40, 10, Now)]);

        var home = await marketer.GetStringAsync("/");

        dashboard.HomeAskedSince.ShouldHaveSingleItem().ShouldNotBeNull("new results are those since a moment, not every one");
        Kpi(home, CampaignState.Draft).ShouldBe("3");
        Kpi(home, CampaignState.Closed).ShouldBe("5");
        home.ShouldContain($"<a href=\"/campaigns/{running}/dashboard\" data-testid=\"home-contacts-today\">1,345</a>");
        home.ShouldContain($"<a href=\"/campaigns/{running}/results\" data-testid=\"home-responders-test\">12</a>");
        home.ShouldContain($"<a href=\"/campaigns/{running}/results\" data-testid=\"home-responders-control\">3</a>");
        home.ShouldContain($"<a href=\"/campaigns/{draft}#approve\">대출 재유치</a>");
        var results = Regex.Match(home, "data-testid=\"home-campaigns-results\">(.*?)</ul>", RegexOptions.Singleline).Groups[1].Value;
        results.ShouldContain($"<a href=\"/campaigns/{closed}/results\">부활 문자</a>");
        WebUtility.HtmlDecode(results).ShouldContain("2026-11-01 기준 · 반응자 실험군 40 / 대조군 10");
    }

    [Fact]
    public async Task MarketerHome_HoldoutPanel_ShowsTheYearsEffectFirstAndDetailsOnDemandInEachLanguage()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var results = new FixedResults();
        await using var factory = new CrmWebFactory(db, configure: b => b.ConfigureTestServices(s => s.AddSingleton<ICampaignResults>(results)));
        using var marketer = await factory.SignedInClientAsync("marketer");
        using var manager = await factory.SignedInClientAsync("manager");

        var home = WebUtility.HtmlDecode(await marketer.GetStringAsync("/"));

        var year = results.HoldoutYears.ShouldHaveSingleItem();
        year.ShouldBe(DateTime.UtcNow.AddHours(9).Year);
        Testid(home, "holdout-incremental-responses").ShouldBe("190");
        Testid(home, "holdout-incremental-profit").ShouldBe("70,000,000원");
        Testid(home, "holdout-roi").ShouldBe("280.0%");
        home.ShouldContain("전체 마케팅 효과 (유니버설 홀드아웃)");
        home.ShouldContain("[-15,000,000원, 155,000,000원]");
        home.ShouldContain("[-60.0%, 620.0%]");
        home.IndexOf("data-testid=\"holdout-summary\"", StringComparison.Ordinal).ShouldBeLessThan(home.IndexOf("data-testid=\"holdout-details\"", StringComparison.Ordinal));
        home.ShouldContain("<option value=\"" + (year - 1) + "\"");

        using (await marketer.GetAsync("/culture?culture=en-US&returnUrl=%2F")) { }
        var earlier = WebUtility.HtmlDecode(await marketer.GetStringAsync("/?holdoutYear=" + (year - 1)));
        Testid(earlier, "holdout-none").ShouldBe($"No universal holdout was drawn for {year - 1}: it is drawn when the year's first campaign is split.");
        using (await marketer.GetAsync("/culture?culture=zh-TW&returnUrl=%2F")) { }
        var chinese = WebUtility.HtmlDecode(await marketer.GetStringAsync("/"));
        chinese.ShouldContain("整體行銷成效（通用保留組）");
        Testid(chinese, "holdout-incremental-profit").ShouldBe("70,000,000 韓圓");

        // Company-wide figures are not a branch manager's.
        (await manager.GetStringAsync("/")).ShouldNotContain("data-testid=\"home-holdout\"");
    }

    internal static async Task UseRuleAsync(TestDatabase db, long campaignId, string definition)
    {
        await using var ctx = db.Database.CreateContext();
        var rule = new TargetRule { Name = "rule of " + campaignId, OwnerUserId = 1, CreatedAt = Now };
        ctx.TargetRules.Add(rule);
        await ctx.SaveChangesAsync();
        var version = new TargetRuleVersion { RuleId = rule.Id, Version = 1, Definition = definition, CreatedBy = "marketer", CreatedAt = Now };
        ctx.TargetRuleVersions.Add(version);
        await ctx.SaveChangesAsync();
        var campaign = await ctx.Campaigns.SingleAsync(c => c.Id == campaignId);
        campaign.RuleVersionId = version.Id;
        await ctx.SaveChangesAsync();
    }

    private static CampaignSummary Summary(long id, string code, string name, CampaignState state) =>
        new(id, code, name, "theme", CampaignObjective.NewContract, state, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), true, 1, 1, 1);

    /// <summary>The total of one key's row in one dimension's table of the dashboard.</summary>
    private static string RowTotal(string html, string dimension, string key)
    {
        var m = Regex.Match(html, $"data-testid=\"dashboard-row-{dimension}\" data-key=\"{Regex.Escape(key)}\">.*?data-testid=\"dashboard-row-total\">([^<]*)<", RegexOptions.Singleline);
        m.Success.ShouldBeTrue($"{dimension}/{key}");
        return m.Groups[1].Value;
    }

    private static string OfferCost(string html, string code)
    {
        var m = Regex.Match(html, $"data-testid=\"offer-row\" data-code=\"{Regex.Escape(code)}\".*?data-testid=\"offer-cost\">([^<]*)<", RegexOptions.Singleline);
        m.Success.ShouldBeTrue(code);
        return WebUtility.HtmlDecode(m.Groups[1].Value);
    }

    private static string Kpi(string html, CampaignState state)
    {
        var m = Regex.Match(html, $"data-testid=\"home-campaigns-{state}\">\\s*<span class=\"label\">[^<]*</span>\\s*<span class=\"big\">([^<]*)</span>");
        m.Success.ShouldBeTrue(state.ToString());
        return m.Groups[1].Value;
    }

    internal static async Task<long> InsertCampaignAsync(
        TestDatabase db, string author, CampaignState state, string code, string name, string hypothesis, string? lessons = null)
    {
        await using var ctx = db.Database.CreateContext();
        var user = await ctx.Users.AsNoTracking().SingleAsync(u => u.UserName == author);
        var campaign = new Campaign
        {
            Code = code, Name = name, Theme = "test theme", Hypothesis = hypothesis, Objective = CampaignObjective.NewContract, WindowDays = 60,
            OwnerUserId = user.Id, AuthorUserId = user.Id, State = state, StartsOn = new DateOnly(2026, 11, 1), EndsOn = new DateOnly(2026, 11, 30),
            Budget = 5_000_000m, Currency = "KRW", ControlShare = 0.2m, SplitSeed = 7, Alpha = 0.05, Power = 0.8, ExpectedLift = 0.01,
            OverlapRule = OverlapRule.Exclude, FrequencyCap = 4, IsPilot = true, Lessons = lessons, CreatedAt = Now, UpdatedAt = Now, Version = 1,
        };
        ctx.Campaigns.Add(campaign);
        await ctx.SaveChangesAsync();
        return campaign.Id;
    }

    private static async Task<HttpStatusCode> GetAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        return response.StatusCode;
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string url, IEnumerable<(string Key, string Value)> fields)
    {
        using var content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));
        return await client.PostAsync(url, content);
    }

    /// <summary>What a browser posts of the form (inputs, ticked boxes, text areas, chosen options), with the given values typed over it.</summary>
    private static List<(string, string)> Fields(string form, params (string Key, string Value)[] typed)
    {
        var fields = new List<(string Key, string Value)>();
        foreach (Match input in Regex.Matches(form, "<input([^>]*)>"))
        {
            var attrs = input.Groups[1].Value;
            var name = Attr(attrs, "name");
            // As a browser posts a form: no unchecked box or radio button, nothing disabled.
            if (name is null || name == "__RequestVerificationToken" || (Attr(attrs, "type") is "checkbox" or "radio" && !Regex.IsMatch(attrs, "\\schecked\\b"))
                || Regex.IsMatch(attrs, "\\sdisabled\\b"))
            {
                continue;
            }
            fields.Add((name, Attr(attrs, "value") ?? ""));
        }
        foreach (Match area in Regex.Matches(form, "<textarea[^>]*name=\"([^\"]+)\"[^>]*>([^<]*)</textarea>"))
        {
            fields.Add((area.Groups[1].Value, WebUtility.HtmlDecode(area.Groups[2].Value)));
        }
        foreach (Match select in Regex.Matches(form, "<select name=\"([^\"]+)\"[^>]*>(.*?)</select>", RegexOptions.Singleline))
        {
            var chosen = Regex.Match(select.Groups[2].Value, "<option value=\"([^\"]*)\" selected");
            fields.Add((select.Groups[1].Value, chosen.Success ? chosen.Groups[1].Value : Regex.Match(select.Groups[2].Value, "<option value=\"([^\"]*)\"").Groups[1].Value));
        }
        foreach (var (key, value) in typed)
        {
            fields.RemoveAll(f => f.Key == key);
            fields.Add((key, value));
        }
        return [.. fields.Select(f => (f.Key, f.Value))];
    }

    private static string? Attr(string attrs, string name)
    {
        var m = Regex.Match(attrs, $"\\s{name}=\"([^\"]*)\"");
        return m.Success ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;
    }

    private static string FieldError(string html, string field)
    {
        var m = Regex.Match(html, $"<span class=\"field-error\" role=\"alert\" data-field=\"{Regex.Escape(field)}\">([^<]*)</span>");
        m.Success.ShouldBeTrue($"an error beside {field} in {string.Join(" | ", Regex.Matches(html, "class=\"field-error\"[^>]*>[^<]*").Select(x => x.Value))}");
        return WebUtility.HtmlDecode(m.Groups[1].Value);
    }

    private static string Testid(string html, string id)
    {
        var m = Regex.Match(html, $"data-testid=\"{Regex.Escape(id)}\">([^<]*)<");
        m.Success.ShouldBeTrue(id);
        return WebUtility.HtmlDecode(m.Groups[1].Value).Trim();
    }

    private static int StateCount(string html, CampaignState state)
    {
        var m = Regex.Match(html, $"data-testid=\"campaign-state-{state}\">\\s*<span class=\"label\">[^<]*</span>\\s*<span class=\"big\">([^<]*)</span>");
        m.Success.ShouldBeTrue(state.ToString());
        return int.Parse(m.Groups[1].Value, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static List<long> Rows(string html) =>
        [.. Regex.Matches(html, "data-testid=\"campaign-row\" data-campaign-id=\"(\\d+)\"").Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>Planning as Core will answer it: a control share outside (0, 1) and an unknown placeholder are refused by name.</summary>
    private sealed class RecordingPlanning : ICampaignPlanning
    {
        public const long CreatedId = 4242;

        public List<CampaignDraft> Drafts { get; } = [];

        public Task<CampaignResult<CampaignSummary>> CreateAsync(CrmUser user, CampaignDraft draft, CancellationToken ct = default)
        {
            Drafts.Add(draft);
            var errors = new Dictionary<string, string[]>();
            if (draft.ControlShare is <= 0 or >= 1)
            {
                errors["controlShare"] = [$"controlShare {draft.ControlShare} must lie strictly between 0 and 1."];
            }
            for (var i = 0; i < draft.Scripts.Count; i++)
            {
                foreach (Match m in Regex.Matches(draft.Scripts[i].Body, "\\{\\{(\\w+)\\}\\}"))
                {
                    if (m.Groups[1].Value is not ("name" or "unsubscribe_url" or "agent_name"))
                    {
                        errors[$"scripts[{i}].body"] = [$"unknown placeholder '{m.Value}'"];
                    }
                }
            }
            return Task.FromResult(errors.Count > 0
                ? CampaignResult.Invalid<CampaignSummary>(errors)
                : CampaignResult.Ok(new CampaignSummary(CreatedId, "C-2026-099", draft.Name, draft.Theme, draft.Objective, CampaignState.Draft,
                    draft.StartsOn, draft.EndsOn, draft.IsPilot, user.UserId, user.UserId, 1)));
        }

        public Task<CampaignResult<CampaignSummary>> EditAsync(CrmUser user, long campaignId, int version, CampaignDraft draft, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<CampaignResult<CampaignSummary>> ApproveAsync(CrmUser user, long campaignId, int version, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<CampaignResult<CampaignSummary>> StartAsync(CrmUser user, long campaignId, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<CampaignResult<CampaignSummary>> CloseAsync(CrmUser user, long campaignId, int version, string lessons, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<CampaignResult<CampaignSummary>> CancelAsync(CrmUser user, long campaignId, int version, string reason, CancellationToken ct = default) => throw new NotSupportedException();
        public List<(long PilotId, RollOutDraft Draft)> RollOuts { get; } = [];

        public Task<CampaignResult<CampaignSummary>> RollOutAsync(CrmUser user, long pilotId, RollOutDraft draft, CancellationToken ct = default)
        {
            RollOuts.Add((pilotId, draft));
            var errors = new CampaignErrors();
            if (draft.EndsOn < draft.StartsOn)
            {
                errors.Add("endsOn", "period.endsBeforeStart", draft.EndsOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    draft.StartsOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            }
            if (draft.RuleDefinition.Contains("segment.cel", StringComparison.Ordinal))
            {
                errors.Add("rules[0].field", "condition.unknownField", "segment.cel");
            }
            return Task.FromResult(errors.Count > 0
                ? CampaignResult.Invalid<CampaignSummary>(errors)
                : CampaignResult.Ok(new CampaignSummary(CreatedId, "C-2026-099", draft.Name, "theme", CampaignObjective.NewContract, CampaignState.Draft,
                    draft.StartsOn, draft.EndsOn, false, user.UserId, user.UserId, 1)));
        }
        public Task<CampaignResult<ScriptView>> ReviseScriptAsync(CrmUser user, long campaignId, ScriptRevision revision, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<CampaignResult<ChannelView>> ChangeOfferAsync(CrmUser user, long campaignId, OfferChange change, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<CampaignResult<OfferView>> SaveOfferAsync(CrmUser user, long? offerId, int? version, OfferDraft draft, CancellationToken ct = default) => throw new NotSupportedException();
    }

    /// <summary>Results of campaign 7: a significant total and retain stratum, a cross-sell stratum whose uplift interval includes zero.</summary>
    private sealed class FixedResults : ICampaignResults
    {
        public List<ResultBreakdown> AskedBy { get; } = [];

        public Task<CampaignResult<CampaignResults>> ResultsAsync(CrmUser user, long campaignId, ResultBreakdown by, CancellationToken ct = default)
        {
            AskedBy.Add(by);
            if (campaignId != 7)
            {
                return Task.FromResult(CampaignResult.NotFound<CampaignResults>());
            }
            static ResultRow Row(string key, double test, double control, double lower)
            {
                var arm = (double rate) => new ArmFigures(1000, 900, (long)(rate * 1000), (long)(rate * 1000), 1_000_000m, new Estimate(rate, rate - 0.005, rate + 0.005), null);
                var uplift = new Estimate(test - control, lower, test - control + 0.01);
                return new ResultRow(key, arm(test), arm(control), new Comparison(uplift, uplift.ExcludesZero ? 0.01 : 0.4, uplift.ExcludesZero, 10, new Estimate(0, 0, 0), 100m, 0.5, 0.01, null));
            }
            var total = Row("total", 0.06, 0.04, 0.005);
            return Task.FromResult(CampaignResult.Ok(new CampaignResults(7, "C-2026-007", "KRW", 0.05, null, by, total,
                [Row("Retain/A", 0.08, 0.05, 0.01), Row("CrossSell/B", 0.05, 0.045, -0.01)], true)));
        }

        public async Task<CampaignResult<string>> ExportAsync(CrmUser user, long campaignId, ResultFileFormat format, Stream output, CancellationToken ct = default)
        {
            await output.WriteAsync("key,uplift\nTotal,0.02\n"u8.ToArray(), ct);
            return CampaignResult.Ok($"C-2026-00{campaignId}-results.csv");
        }

        public List<int> HoldoutYears { get; } = [];

        /// <summary>The first year asked for (the page's this year): 500 held out, 9,500 marketed, 2 points apart; any other has no holdout.</summary>
        public Task<CampaignResult<HoldoutReport>> HoldoutAsync(CrmUser user, int year, CancellationToken ct = default)
        {
            HoldoutYears.Add(year);
            if (year != HoldoutYears[0])
            {
                var error = new FieldError("holdout.noYear", [year.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                return Task.FromResult(CampaignResult.Conflict<HoldoutReport>(error.English) with
                {
                    ErrorCodes = new Dictionary<string, FieldError[]> { ["year"] = [error] },
                });
            }
            var held = new ArmFigures(500, 0, 20, 20, 10_000_000m, new Estimate(0.04, 0.026, 0.061), null);
            var rest = new ArmFigures(9_500, 0, 570, 600, 285_000_000m, new Estimate(0.06, 0.055, 0.065), null);
            var comparison = new Comparison(new Estimate(0.02, 0.001, 0.036), 0.04, true, 190, new Estimate(95_000_000, 10_000_000, 180_000_000),
                25_000_000m, 2.8, null, null);
            var totals = new HoldoutTotals(new Estimate(190, 9.5, 342), 20_000m, 30_000m, new Estimate(70_000_000, -15_000_000, 155_000_000),
                new Estimate(2.8, -0.6, 6.2));
            return Task.FromResult(CampaignResult.Ok(new HoldoutReport(year, 0.05m, new DateOnly(year, 1, 1), new DateOnly(year, 11, 2), "KRW", 0.05,
                ["NewContract"], 3, held, rest, comparison, totals)));
        }
    }

    /// <summary>Targeting that matches 37 of a 1,000-customer book per condition and refuses a field it does not know, by its position.</summary>
    private sealed class RecordingTargeting : ICampaignTargeting
    {
        private static readonly string[] Known = ["value.grade", "age", "gap.family"];

        public List<string> Definitions { get; } = [];

        public Task<CampaignResult<TargetCount>> CountAsync(CrmUser user, string ruleDefinition, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<CampaignResult<TargetingMartRefresh>> RefreshMartAsync(CrmUser user, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<CampaignResult<TargetProfile>> ProfileAsync(CrmUser user, string ruleDefinition, CancellationToken ct = default)
        {
            Definitions.Add(ruleDefinition);
            using var rule = JsonDocument.Parse(ruleDefinition);
            var conditions = rule.RootElement.EnumerateObject().SelectMany(g => g.Value.EnumerateArray()).Select(c => c.GetProperty("field").GetString()!).ToList();
            var unknown = conditions.FindIndex(f => !Known.Contains(f));
            if (unknown >= 0)
            {
                return Task.FromResult(CampaignResult.Invalid<TargetProfile>(new Dictionary<string, string[]>
                {
                    [$"rules[{unknown}].field"] = [$"rules[{unknown}].field: unknown field '{conditions[unknown]}'"],
                }));
            }
            var matching = 37L * conditions.Count;
            return Task.FromResult(CampaignResult.Ok(new TargetProfile(new TargetCount(matching, 1000, new DateTime(2026, 3, 1, 17, 30, 0, DateTimeKind.Utc)),
                [new ProfileRow("grade", "A", matching, 400), new ProfileRow("grade", "B", 0, 600)])));
        }
    }

    /// <summary>
    /// A running campaign's feedback relative to today in Seoul: e-mail and SMS today, 40 e-mails on this week's Monday,
    /// 500 e-mails eight days ago (never this week), agents, a branch, outcomes, refusals, early responses and two revisions.
    /// </summary>
    internal sealed class FixedDashboard : ICampaignDashboard
    {
        public static readonly DateOnly Today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul")));
        public static readonly DateOnly Monday = Today.AddDays(-(((int)Today.DayOfWeek + 6) % 7));

        public long CampaignId { get; set; }
        public List<DashboardPeriod> Asked { get; } = [];
        public MarketerHome? Home { get; set; }
        public List<DateTime?> HomeAskedSince { get; } = [];

        public Task<CampaignResult<CampaignDashboard>> DashboardAsync(CrmUser user, long campaignId, DashboardPeriod period, CancellationToken ct = default)
        {
            Asked.Add(period);
            if (campaignId != CampaignId)
            {
                return Task.FromResult(CampaignResult.NotFound<CampaignDashboard>());
            }
            var d8 = Today.AddDays(-8);
            DateOnly P(DateOnly day) => period == DashboardPeriod.Day ? day : day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
            DashboardCount[] counts =
            [
                new(P(Today), "channel", "Email", 120), new(P(Today), "channel", "Sms", 30), new(P(Monday), "channel", "Email", 40), new(P(d8), "channel", "Email", 500),
                new(P(Today), "agent", "A-0007", 95), new(P(Today), "agent", "A-0012", 55), new(P(Today), "branch", "B-SEOUL", 150),
                new(P(Today), "outcome", "Appointment", 4), new(P(Today), "outcome", "NotReached", 20),
                new(P(Today), "blocked", "NoConsent", 25), new(P(d8), "blocked", "FrequencyCap", 12),
                new(P(Today), "response", "Test", 30), new(P(Today), "response", "Control", 5),
            ];
            var sofar = new ResultRow("Total",
                new ArmFigures(9_600, 9_000, 576, 600, 0m, new Estimate(0.06, 0.055, 0.065), 0.064),
                new ArmFigures(2_400, 0, 96, 100, 0m, new Estimate(0.04, 0.033, 0.048), null),
                new Comparison(new Estimate(0.02, -0.005, 0.045), 0.09, false, 192, new Estimate(0, 0, 0), 0m, null, null, null));
            CampaignEventView[] revisions =
            [
                new(Now.AddDays(-2), "marketer", CampaignEventKind.ScriptRevised, """{"channel":"Email","language":"ko","version":2}"""),
                new(Now.AddDays(-1), "marketer", CampaignEventKind.OfferChanged, """{"channel":"Email","from":1,"to":2}"""),
            ];
            return Task.FromResult(CampaignResult.Ok(new CampaignDashboard(campaignId, period, counts, sofar, revisions)));
        }

        public Task<MarketerHome> HomeAsync(CrmUser user, DateTime? lastVisit, CancellationToken ct = default)
        {
            HomeAskedSince.Add(lastVisit);
            return Task.FromResult(Home ?? new MarketerHome(new Dictionary<CampaignState, int>(), [], [], []));
        }
    }

    /// <summary>A plan of 12,000 whose response value is assumed and whose cost is over budget, with enough power at a 20 % control.</summary>
    internal sealed class FixedSimulation : ICampaignSimulation
    {
        public Task<CampaignResult<SimulationResult>> SimulateAsync(CrmUser user, long campaignId, CancellationToken ct = default) =>
            Task.FromResult(CampaignResult.Ok(new SimulationResult(
                12_000, 9_600, 2_400, 0.034, false, 0.01,
                [new ChannelSimulation(CampaignChannelKind.Email, 6_000, 0.8, 4_800, 48_000m, 0m), new ChannelSimulation(CampaignChannelKind.Agent, 3_600, 1, 3_600, 29_952_000m, 0m)],
                422.4, 96, 350_000m, true, 30_000_000m, 3_600_000m, 0.12, 0.0089, 0.0439, true, false, "KRW",
                new PowerPlan(0.05, 0.8, 0.2, 0.83, 2_100, 9_000))));
    }

    /// <summary>A DM export that writes a fixed file and remembers what it was asked.</summary>
    private sealed class RecordingDmExport : IDmExport
    {
        public static readonly byte[] Body = [0xEF, 0xBB, 0xBF, .. "contact_id,name,postal_code\n1,x,04524\n"u8];

        public List<DmExportRequest> Requests { get; } = [];

        public async Task<CampaignResult<DmExportResult>> WriteAsync(CrmUser user, DmExportRequest request, Stream output, CancellationToken ct = default)
        {
            Requests.Add(request);
            await output.WriteAsync(Body, ct);
            return CampaignResult.Ok(new DmExportResult("E-1", 1, request.Encoding == DmEncoding.Cp949 ? "C-2026-061-dm-cp949.csv" : "C-2026-061-dm.csv"));
        }
    }
}
