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

public sealed partial class SegmentAnalyticsPageTests
{
    private static readonly DateOnly FirstAsOf = new(2025, 6, 30);
    private static readonly DateOnly SecondAsOf = new(2025, 9, 30);

    /// <summary>The Korean names of the profile features, as the page words them.</summary>
    private static readonly Dictionary<string, string> FeatureKo = new()
    {
        ["age"] = "나이", ["incomeBand"] = "소득 구간", ["married"] = "기혼", ["children"] = "자녀 수", ["activeProtection"] = "보장성 계약",
        ["activeSavings"] = "저축·연금 계약", ["activeNonLife"] = "자동차·화재 계약", ["monthlyPremium"] = "월 보험료", ["tenureMonths"] = "거래 기간(개월)",
        ["contacts12m"] = "최근 12개월 접촉", ["hasLoan"] = "대출 보유",
    };

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SegmentsPage_ForMarketer_ShowsCellCountsGroupProfilesAndMigrationOfTheStoredRuns(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        using var marketer = await factory.SignedInClientAsync("marketer");

        (await marketer.GetStringAsync("/analytics/segments")).ShouldContain("data-testid=\"segments-no-run\"");
        await GenerateAsync(factory);
        var first = await ChainAsync(factory, FirstAsOf);
        var onlyOne = await marketer.GetStringAsync("/analytics/segments");
        onlyOne.ShouldContain("data-testid=\"migration-one-run\"");
        onlyOne.ShouldNotContain("data-testid=\"segment-migration\"");
        var second = await ChainAsync(factory, SecondAsOf);

        var html = await marketer.GetStringAsync("/analytics/segments");

        await using var ctx = db.Database.CreateContext();
        var segments = await ctx.Set<CustomerSegment>().AsNoTracking().Where(s => s.RunId == second).ToListAsync();
        var earlier = await ctx.Set<CustomerSegment>().AsNoTracking().Where(s => s.RunId == first).ToDictionaryAsync(s => s.CustomerId, s => s.GridCell);
        var profiles = await ctx.Set<SegmentProfile>().AsNoTracking().Where(p => p.RunId == second).OrderBy(p => p.NeedsGroup).ToListAsync();
        html.ShouldContain("2025-09-30");

        // The grid: every cell's count is the stored count of the newest run, in the five cells in order.
        var cells = CellCount().Matches(html).Select(m => (Enum.Parse<SegmentCell>(m.Groups[1].Value), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
        cells.Select(c => c.Item1).ShouldBe(Enum.GetValues<SegmentCell>());
        foreach (var (cell, count) in cells)
        {
            count.ShouldBe(segments.Count(s => s.GridCell == cell), cell.ToString());
        }
        cells.Count(c => c.Item2 > 0).ShouldBeGreaterThan(2);
        html.ShouldContain("data-testid=\"strategic-grid\"");

        // The needs groups: sizes as stored, and each profile worded with its features, leaning the stored way.
        var groups = GroupRow().Matches(html).ToDictionary(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m => m.Groups[2].Value);
        groups.Keys.Order().ShouldBe(profiles.Select(p => p.NeedsGroup));
        foreach (var p in profiles)
        {
            GroupSize().Match(groups[p.NeedsGroup]).Groups[1].Value.ShouldBe(segments.Count(s => s.NeedsGroup == p.NeedsGroup).ToString(CultureInfo.InvariantCulture));
            var features = SegmentRunner.ReadProfile(p.Profile);
            features.ShouldNotBeEmpty();
            foreach (var f in features)
            {
                groups[p.NeedsGroup].ShouldContain($"{FeatureKo[f.Name]} 평균보다 {(f.Z >= 0 ? "높음" : "낮음")}");
            }
        }

        // The migration from the run before to the newest: every cell of the matrix as the stored segments say.
        html.ShouldContain("data-testid=\"segment-migration\"");
        var matrix = MigrationCell().Matches(html).ToDictionary(
            m => (Enum.Parse<SegmentCell>(m.Groups[1].Value), Enum.Parse<SegmentCell>(m.Groups[2].Value)), m => int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
        matrix.Count.ShouldBe(25);
        foreach (var ((from, to), count) in matrix)
        {
            count.ShouldBe(segments.Count(s => earlier.TryGetValue(s.CustomerId, out var was) && was == from && s.GridCell == to), $"{from} → {to}");
        }
        matrix.Where(m => m.Key.Item1 != m.Key.Item2).Sum(m => m.Value).ShouldBeGreaterThan(0);

        // Charts go through the data-attribute wiring, and nothing inline breaks the CSP.
        html.Split("data-chart=\"bar\"").Length.ShouldBe(4);
        StrictMarkup.ShouldHaveNoInlineScriptOrStyle(html);
        html.ShouldNotContain("<style");
        html.ShouldContain("href=\"/analytics/segments\"");
        (await marketer.GetStringAsync("/analytics/value")).ShouldContain("href=\"/analytics/segments\"");
        html.ShouldNotContain("data-testid=\"segments-company-wide\"");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SegmentDrillDowns_ForMarketer_ListExactlyTheSelectionPagedByIdAndLogEveryCustomer(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        await GenerateAsync(factory);
        var first = await ChainAsync(factory, FirstAsOf);
        var second = await ChainAsync(factory, SecondAsOf);
        using var marketer = await factory.SignedInClientAsync("marketer");
        await using var ctx = db.Database.CreateContext();
        var segments = await ctx.Set<CustomerSegment>().AsNoTracking().Where(s => s.RunId == second).ToListAsync();
        var earlier = await ctx.Set<CustomerSegment>().AsNoTracking().Where(s => s.RunId == first).ToDictionaryAsync(s => s.CustomerId, s => s.GridCell);

        // A migration cell off the diagonal: exactly those who were in one cell and are now in another, over all pages.
        var move = segments.Where(s => earlier.ContainsKey(s.CustomerId) && earlier[s.CustomerId] != s.GridCell)
            .GroupBy(s => (From: earlier[s.CustomerId], To: s.GridCell)).OrderByDescending(g => g.Count()).First();
        var moved = await AllPagesAsync(marketer, $"/analytics/segments?from={first}&to={second}&fromCell={move.Key.From}&toCell={move.Key.To}");
        moved.ShouldBe([.. move.Select(s => s.CustomerId).Order()]);
        var detail = $"analytics migration {move.Key.From}->{move.Key.To} runs {first}->{second}";
        var logged = await ctx.AccessLog.AsNoTracking().Where(e => e.Detail == detail && e.Action == AccessAction.Search && e.UserName == "marketer").Select(e => e.CustomerId).ToListAsync();
        logged.Order().ShouldBe(moved.Select(i => (long?)i));

        // A needs group, paged by id (the largest group has more than one page of 50).
        var group = segments.GroupBy(s => s.NeedsGroup).OrderByDescending(g => g.Count()).First();
        group.Count().ShouldBeGreaterThan(SegmentAnalytics.PageSize);
        var page = await marketer.GetStringAsync($"/analytics/segments?group={group.Key}");
        page.ShouldContain("data-testid=\"segments-next\"");
        var members = await AllPagesAsync(marketer, $"/analytics/segments?group={group.Key}");
        members.ShouldBe([.. group.Select(s => s.CustomerId).Order()]);
        (await ctx.AccessLog.AsNoTracking().CountAsync(e => e.Detail == $"analytics segment group {group.Key} run {second}" && e.CustomerId != null))
            .ShouldBe(members.Count + Math.Min(SegmentAnalytics.PageSize, members.Count));

        // Pseudonymised: no names, and no link to a customer page the marketer could not open anyway.
        var names = await ctx.Customers.AsNoTracking().Where(c => members.Take(SegmentAnalytics.PageSize).Contains(c.Id)).Select(c => c.Name).ToListAsync();
        names.Where(n => page.Contains(n, StringComparison.Ordinal)).ShouldBeEmpty();
        page.ShouldNotContain("href=\"/customers/");
        StrictMarkup.InlineScript().IsMatch(page).ShouldBeFalse();
        page.ShouldNotContain(" style=");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SegmentDrillDown_BranchManager_ListsOnlyTheBranchsCustomersOfTheCellAndLogsThem(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        await GenerateAsync(factory);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DemoUsers>().EnsureAsync();
        }
        var first = await ChainAsync(factory, FirstAsOf);
        var second = await ChainAsync(factory, SecondAsOf);
        using var manager = await factory.SignedInClientAsync("manager");
        await using var ctx = db.Database.CreateContext();
        var account = await ctx.Users.AsNoTracking().SingleAsync(u => u.UserName == "manager");
        account.BranchId.ShouldNotBeNull();
        var user = new CrmUser(account.Id, account.UserName, Role.BranchManager, null, account.BranchId, null, "test");
        var inScope = (await new CustomerScope(ctx).Filter(ctx.Customers.AsNoTracking().Where(c => c.MergedIntoId == null), user).Select(c => c.Id).ToListAsync()).ToHashSet();
        var segments = await ctx.Set<CustomerSegment>().AsNoTracking().Where(s => s.RunId == second).ToListAsync();
        // The cell with the most of the branch's customers that also holds customers of other branches.
        var cell = segments.GroupBy(s => s.GridCell)
            .Where(g => g.Any(s => !inScope.Contains(s.CustomerId)))
            .OrderByDescending(g => g.Count(s => inScope.Contains(s.CustomerId))).First();
        var expected = cell.Where(s => inScope.Contains(s.CustomerId)).Select(s => s.CustomerId).Order().ToList();
        var outsiders = cell.Where(s => !inScope.Contains(s.CustomerId)).Select(s => s.CustomerId).ToList();
        expected.ShouldNotBeEmpty();
        outsiders.ShouldNotBeEmpty();

        var listed = await AllPagesAsync(manager, $"/analytics/segments?cell={cell.Key}");

        listed.ShouldBe(expected);
        listed.Intersect(outsiders).ShouldBeEmpty();
        var logged = await ctx.AccessLog.AsNoTracking()
            .Where(e => e.Detail == $"analytics segment cell {cell.Key} run {second}" && e.Action == AccessAction.Search && e.UserName == "manager")
            .Select(e => e.CustomerId).ToListAsync();
        logged.Order().ShouldBe(listed.Select(i => (long?)i));

        var html = await manager.GetStringAsync($"/analytics/segments?cell={cell.Key}");
        html.ShouldContain($"href=\"/customers/{expected[0]}\"");
        html.ShouldContain("data-testid=\"segments-company-wide\"");
        foreach (var outsider in outsiders)
        {
            html.ShouldNotContain($"data-customer-id=\"{outsider}\"");
        }
        // The migration drill-down is scoped alike.
        var moved = await AllPagesAsync(manager, $"/analytics/segments?from={first}&to={second}&fromCell={cell.Key}&toCell={cell.Key}");
        moved.ShouldAllBe(id => inScope.Contains(id));
        (await manager.GetStringAsync("/analytics/value")).ShouldContain("data-testid=\"analytics-company-wide\"");
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("admin")]
    [InlineData("callcenter")]
    public async Task SegmentsPage_RoleWithoutAnalytics_Gets403AndNoMenu(string userName)
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        using var client = await factory.SignedInClientAsync(userName);

        using var page = await client.GetAsync("/analytics/segments");
        using var drill = await client.GetAsync("/analytics/segments?cell=Retain");

        page.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        drill.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.GetStringAsync("/")).ShouldNotContain("href=\"/analytics/segments\"");
    }

    private static async Task<List<long>> AllPagesAsync(HttpClient client, string url)
    {
        var ids = new List<long>();
        var next = url;
        while (next is not null)
        {
            var html = await client.GetStringAsync(next);
            html.ShouldContain("id=\"members\"");
            var page = MemberId().Matches(html).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
            page.Count.ShouldBeLessThanOrEqualTo(SegmentAnalytics.PageSize);
            ids.AddRange(page);
            var link = NextLink().Match(html);
            next = link.Success ? WebUtility.HtmlDecode(link.Groups[1].Value) : null;
        }
        return ids;
    }

    private static async Task GenerateAsync(CrmWebFactory factory) =>
        await factory.Services.GetRequiredService<SyntheticInsurer>()
            .GenerateAsync(new GenerationOptions(400, 7, null, FirstAsOf, ChunkSize: 500), null, CancellationToken.None);

    /// <summary>The nightly chain for one date: value, lifecycle, segments; returns the run id.</summary>
    private static async Task<long> ChainAsync(CrmWebFactory factory, DateOnly asOf)
    {
        var run = await factory.Services.GetRequiredService<ValueRunner>().RunAsync(asOf);
        await factory.Services.GetRequiredService<LifecycleRunner>().RunAsync(asOf, CancellationToken.None, run.RunId);
        await factory.Services.GetRequiredService<SegmentRunner>().RunAsync(run.RunId, asOf, CancellationToken.None);
        return run.RunId;
    }

    [GeneratedRegex("<tr data-cell=\"(\\w+)\">\\s*<td>[^<]*</td>\\s*<td class=\"num\" data-testid=\"cell-count\">(\\d+)<")]
    private static partial Regex CellCount();

    [GeneratedRegex("<tr data-group=\"(\\d+)\">(.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex GroupRow();

    [GeneratedRegex("data-testid=\"group-size\">(\\d+)<")]
    private static partial Regex GroupSize();

    [GeneratedRegex("<td[^>]*data-from=\"(\\w+)\" data-to=\"(\\w+)\" data-count=\"(\\d+)\"")]
    private static partial Regex MigrationCell();

    [GeneratedRegex("<tr data-customer-id=\"(\\d+)\"")]
    private static partial Regex MemberId();

    [GeneratedRegex("data-testid=\"segments-next\" href=\"([^\"#]+)")]
    private static partial Regex NextLink();
}
