using System.Net;
using System.Text.RegularExpressions;
using InsureCrm.Core.Common;
using InsureCrm.Tests;
using InsureCrm.Tests.Customers;

namespace InsureCrm.Web.Tests;

/// <summary>The customer search page (<c>/customers</c>): what a call-center user sees and can page through.</summary>
public sealed partial class SearchPageTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SearchPage_OpenedFromAUrl_NextPageCarriesTheQueryTyped(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        _ = factory.Services;
        await using (var ctx = db.CreateContext())
        {
            await CustomerSeed.AddNamedAsync(ctx, Enumerable.Range(0, 25).Select(i => i % 2 == 0 ? "남궁민" : "남궁선"));
        }
        using var client = await factory.SignedInClientAsync("callcenter");

        // The home page's search box and a reload both arrive as a full page at /customers?q=…, not as an htmx fragment.
        var first = await client.GetStringAsync("/customers?q=" + Uri.EscapeDataString("남궁"));
        var next = WebUtility.HtmlDecode(NextLink().Match(first).Groups[1].Value);
        var fragmentNext = WebUtility.HtmlDecode(NextFragment().Match(first).Groups[1].Value);
        var second = await client.GetStringAsync(next);
        var secondFragment = await client.GetStringAsync(fragmentNext);

        Rows().Count(first).ShouldBe(20);
        next.ShouldStartWith("/customers?q=" + Uri.EscapeDataString("남궁") + "&after=");
        Rows().Count(second).ShouldBe(5);
        second.ShouldContain("남궁선");
        second.ShouldNotContain("검색 결과가 없습니다");
        Rows().Count(secondFragment).ShouldBe(5);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SearchPage_LastFourDigits_FindsTheCustomerAndTheHelpSaysHowDigitsAreRead(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        using var client = await factory.SignedInClientAsync("callcenter");

        var page = await client.GetStringAsync("/customers?q=5678");
        var prefix = await client.GetStringAsync("/customers?q=" + Uri.EscapeDataString("010-1234"));

        page.ShouldContain($"href=\"/customers/{family.HongId}\"");
        page.ShouldContain("검색 유형: 전화번호 일부·증권번호");
        page.ShouldContain("뒤 4자리");
        prefix.ShouldContain($"href=\"/customers/{family.HongId}\"");
        VisibleText.EnglishWords(page, "callcenter").ShouldBeEmpty();
    }

    [GeneratedRegex("<a class=\"button\" rel=\"next\" href=\"([^\"]+)\"")]
    private static partial Regex NextLink();

    [GeneratedRegex("rel=\"next\" href=\"[^\"]+\"\\s+hx-get=\"([^\"]+)\"")]
    private static partial Regex NextFragment();

    [GeneratedRegex("<td><a href=\"/customers/\\d+\">")]
    private static partial Regex Rows();
}
