using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using InsureCrm.Core.Synthetic;
using InsureCrm.Core.Value;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Web.Tests;

public sealed partial class ValueAnalyticsPageTests
{
    private static readonly DateOnly AsOf = new(2025, 6, 30);

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ValuePage_AfterRunForAnalyst_ShowsSevenGradesSummingToRunAndDecilesToWhole(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        using var analyst = await factory.SignedInClientAsync("analyst");

        var before = await analyst.GetStringAsync("/analytics/value");
        before.ShouldContain("insurecrm value run");
        before.ShouldNotContain("data-testid=\"analytics-grades\"");

        var run = await GenerateAndRunAsync(factory);
        var html = await analyst.GetStringAsync("/analytics/value");

        html.ShouldContain("data-testid=\"analytics-run\"");
        html.ShouldContain("2025-06-30");
        GradeRow().Matches(html).Select(m => m.Groups[1].Value).ShouldBe(["A", "B", "C", "D", "E", "F", "G"]);
        GradeCount().Matches(html).Sum(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ShouldBe(run.Customers);
        var shares = DecileShare().Matches(html).Select(m => decimal.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        shares.Count.ShouldBe(10);
        shares.Sum().ShouldBe(1m, 0.0001m);
        shares[0].ShouldBeGreaterThan(shares[9]);
        html.Split("data-chart=\"bar\"").Length.ShouldBe(5);
        html.ShouldContain("<script src=\"lib/chart.js/chart.umd.js\"></script>");
    }

    [Fact]
    public async Task ValuePage_InEachLanguage_FormatsAmountsAndHistogramRangesWithTheCurrencyNamed()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        await GenerateAndRunAsync(factory);
        using var analyst = await factory.SignedInClientAsync("analyst");

        var korean = WebUtility.HtmlDecode(await analyst.GetStringAsync("/analytics/value"));
        using var toEnglish = await analyst.GetAsync("/culture?culture=en-US&returnUrl=/");
        var english = WebUtility.HtmlDecode(await analyst.GetStringAsync("/analytics/value"));
        using var toChinese = await analyst.GetAsync("/culture?culture=zh-TW&returnUrl=/");
        var chinese = WebUtility.HtmlDecode(await analyst.GetStringAsync("/analytics/value"));

        // The histogram's axis: ranges in millions with the unit named in the reader's language, never a bare "-56M–46.7M".
        HistogramLabels(korean).ShouldAllBe(l => l.EndsWith("백만 원", StringComparison.Ordinal) && l.Contains('~', StringComparison.Ordinal));
        HistogramLabels(english).ShouldAllBe(l => l.StartsWith("KRW ", StringComparison.Ordinal));
        HistogramLabels(chinese).ShouldAllBe(l => l.EndsWith("百萬韓圓", StringComparison.Ordinal));
        HistogramLabels(korean).ShouldNotBeEmpty();
        // The antiforgery tokens are random base64 and hold "krw" now and then; everything else a reader sees or a chart draws counts.
        AntiforgeryToken().Replace(korean, "").ShouldNotContain("KRW");
        GradeTotal().Match(korean).Groups[1].Value.ShouldEndWith("원");
        GradeTotal().Match(english).Groups[1].Value.ShouldStartWith("KRW ");
        GradeTotal().Match(chinese).Groups[1].Value.ShouldEndWith(" 韓圓");
        VisibleText.EnglishWords(korean, "analyst").ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task GradeDrillDown_ListsPseudonymisedIdsWithoutNamesAndLogsTheSearch(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        await GenerateAndRunAsync(factory);
        using var marketer = await factory.SignedInClientAsync("marketer");

        var html = await marketer.GetStringAsync("/analytics/value?grade=B");

        var ids = MemberId().Matches(html).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        ids.Count.ShouldBeGreaterThan(0);
        ids.ShouldBe([.. ids.Order()]);
        await using var ctx = db.Database.CreateContext();
        var gradeB = await ctx.Set<CustomerValue>().Where(v => v.Grade == "B").Select(v => v.CustomerId).ToListAsync();
        ids.ShouldAllBe(id => gradeB.Contains(id));
        var names = await ctx.Customers.Where(c => ids.Contains(c.Id)).Select(c => c.Name).ToListAsync();
        names.Count.ShouldBe(ids.Count);
        var leaked = names.Where(n => html.Contains(n, StringComparison.Ordinal)).ToList();
        leaked.Count.ShouldBe(0, "customer names appear in the drill-down page");
        var phones = await ctx.Set<InsureCrm.Core.Customers.CustomerPhone>().Where(p => ids.Contains(p.CustomerId)).Select(p => p.Number).ToListAsync();
        phones.Count(p => html.Contains(p, StringComparison.Ordinal)).ShouldBe(0);

        var logged = await ctx.AccessLog.Where(e => e.Detail == "analytics grade B" && e.Action == AccessAction.Search).Select(e => e.CustomerId).ToListAsync();
        logged.Order().ShouldBe(ids.Select(i => (long?)i));

        if (html.Contains("data-testid=\"analytics-next\"", StringComparison.Ordinal))
        {
            var last = ids[^1];
            var next = await marketer.GetStringAsync($"/analytics/value?grade=B&after={last}");
            MemberId().Matches(next).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ShouldAllBe(id => id > last);
        }
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("admin")]
    public async Task ValuePage_AgentOrAdmin_Gets403(string user)
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        using var client = await factory.SignedInClientAsync(user);

        using var page = await client.GetAsync("/analytics/value");
        using var drill = await client.GetAsync("/analytics/value?grade=A");

        page.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        drill.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.GetStringAsync("/")).ShouldNotContain("href=\"/analytics/value\"");
    }

    [Fact]
    public async Task ValuePage_WithChartsAndDrillDown_HasNoInlineScriptStyleOrEventHandlers()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        await GenerateAndRunAsync(factory);
        using var analyst = await factory.SignedInClientAsync("analyst");

        foreach (var html in new[] { await analyst.GetStringAsync("/analytics/value"), await analyst.GetStringAsync("/analytics/value?grade=G") })
        {
            html.ShouldContain("href=\"/analytics/value\"");
            StrictMarkup.ShouldHaveNoInlineScriptOrStyle(html);
            html.ShouldNotContain("<style");
        }
        using var js = await analyst.GetAsync("/lib/chart.js/chart.umd.js");
        js.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await analyst.GetStringAsync("/js/charts.js")).ShouldContain("data-chart");
    }

    private static async Task<ValueRun> GenerateAndRunAsync(CrmWebFactory factory)
    {
        await factory.Services.GetRequiredService<SyntheticInsurer>()
            .GenerateAsync(new GenerationOptions(400, 7, null, AsOf, ChunkSize: 500), null, CancellationToken.None);
        await factory.Services.GetRequiredService<ValueRunner>().RunAsync(AsOf);
        await using var ctx = factory.Database.Database.CreateContext();
        return (await ValueRunReports.LatestRunAsync(ctx))!;
    }

    /// <summary>The labels of the histogram's chart (the second chart of the page).</summary>
    private static List<string> HistogramLabels(string decodedHtml)
    {
        var data = ChartData().Matches(decodedHtml)[1].Groups[1].Value;
        return [.. System.Text.Json.JsonDocument.Parse(data).RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!)];
    }

    [GeneratedRegex("data-chart-data=\"(\\{.*?\\})\"></canvas>")]
    private static partial Regex ChartData();

    [GeneratedRegex("<tr data-grade=\"A\">\\s*<td>A</td>\\s*<td[^>]*>\\d+</td>\\s*<td class=\"num\">[^<]*</td>\\s*<td class=\"num\">([^<]*)</td>")]
    private static partial Regex GradeTotal();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"[^\"]*\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("<tr data-grade=\"([A-G])\"")]
    private static partial Regex GradeRow();

    [GeneratedRegex("data-testid=\"grade-count\">(\\d+)<")]
    private static partial Regex GradeCount();

    [GeneratedRegex("data-share=\"(-?[0-9.E+-]+)\"")]
    private static partial Regex DecileShare();

    [GeneratedRegex("<tr data-customer-id=\"(\\d+)\"")]
    private static partial Regex MemberId();
}
