using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using Microsoft.EntityFrameworkCore;

using InsureCrm.Core.Policies;
using InsureCrm.Tests.Security;

namespace InsureCrm.Tests.Customers;

public class CustomerSearchTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Search_HangulNamePrefix_FindsLiveCustomersAndNotTheMergedDuplicate(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var protector = CustomerSeed.Protector();
        SeededFamily family;
        await using (var ctx = db.CreateContext())
        {
            family = await CustomerSeed.AddFamilyAsync(ctx, protector);
            await CustomerSeed.AddNamedAsync(ctx, ["홍석천", "홍", "황보민", "김홍도"]);
        }

        await using var read = db.CreateContext();
        var page = await CoreServices.Search(read, protector, db).SearchAsync(CoreServices.CallCenter, "홍길");

        page.ShouldNotBeNull();
        page.Kind.ShouldBe(SearchKind.Name);
        page.Items.Select(i => i.Id).ShouldBe([family.HongId, family.SpouseId]);
        page.Items[0].RrnMasked.ShouldBe(family.HongRrnMasked);
        page.Items[0].PhoneMasked.ShouldBe("010-****-5678");
        page.Items[0].Region.ShouldBe("서울특별시 강남구");
        page.Next.ShouldBeNull();
        var broader = await CoreServices.Search(read, protector, db).SearchAsync(CoreServices.CallCenter, "홍");
        broader!.Items.Select(i => i.Name).ShouldBe(["홍", "홍길동", "홍길순", "홍석천"]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Search_PhoneContractOrRrnInAnyFormat_FindsTheCustomer(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var protector = CustomerSeed.Protector();
        SeededFamily family;
        await using (var ctx = db.CreateContext())
        {
            family = await CustomerSeed.AddFamilyAsync(ctx, protector);
        }
        await using var read = db.CreateContext();
        var search = CoreServices.Search(read, protector, db);

        foreach (var typed in new[] { "010-1234-5678", "01012345678", "+82 10 1234 5678", "010 1234 5678" })
        {
            var byPhone = await search.SearchAsync(CoreServices.CallCenter, typed);
            byPhone!.Kind.ShouldBe(SearchKind.Phone);
            byPhone.Items.Select(i => i.Id).ShouldBe([family.HongId], typed);
        }
        var byContract = await search.SearchAsync(CoreServices.CallCenter, family.SpouseContract);
        byContract!.Kind.ShouldBe(SearchKind.ContractNumber);
        byContract.Items.Select(i => i.Id).ShouldBe([family.HongId, family.SpouseId], ignoreOrder: true);
        var byRrn = await search.SearchAsync(CoreServices.CallCenter, family.HongRrn);
        byRrn!.Kind.ShouldBe(SearchKind.Rrn);
        byRrn.Items.Select(i => i.Id).ShouldBe([family.HongId]);
        var wrongRrn = await search.SearchAsync(CoreServices.CallCenter, "800515-1000000");
        wrongRrn!.Items.ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Search_PartialPhoneNumber_FindsByLastFourDigitsOrBeginning(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var protector = CustomerSeed.Protector();
        SeededFamily family;
        await using (var ctx = db.CreateContext())
        {
            // 홍길동: 010-1234-5678 and 02-3456-7890 (home); 홍길순: 010-9876-5432.
            family = await CustomerSeed.AddFamilyAsync(ctx, protector);
        }
        await using var read = db.CreateContext();
        var search = CoreServices.Search(read, protector, db);

        foreach (var (typed, expected) in new (string, long[])[]
        {
            ("5678", [family.HongId]),              // the last four digits of his mobile
            ("7890", [family.HongId]),              // ... and of his home number
            ("5432", [family.SpouseId]),
            ("1234-5678", [family.HongId]),         // the last eight, with a dash or without
            ("12345678", [family.HongId]),
            ("010-1234", [family.HongId]),          // the beginning, with a dash or without
            ("0101234", [family.HongId]),
            ("010 9876", [family.SpouseId]),
            ("02-3456", [family.HongId]),
            ("010-98", []),                         // too short a beginning, and no number ends in 01098
            ("9999", []),
        })
        {
            var page = await search.SearchAsync(CoreServices.CallCenter, typed);
            page!.Kind.ShouldBe(SearchKind.PhoneOrContract, typed);
            page.Items.Select(i => i.Id).ShouldBe(expected, typed);
        }
        var chosen = await search.SearchAsync(CoreServices.CallCenter, "5678", SearchKind.Phone);
        chosen!.Items.Select(i => i.Id).ShouldBe([family.HongId]);
        var partOfFull = await search.SearchAsync(CoreServices.CallCenter, "010-1234-567");
        partOfFull!.Kind.ShouldBe(SearchKind.Phone);
        partOfFull.Items.Select(i => i.Id).ShouldBe([family.HongId]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Search_DigitsThatAreAlsoAContractNumber_MergesPhoneAndContractMatches(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var protector = CustomerSeed.Protector();
        SeededFamily family;
        await using (var ctx = db.CreateContext())
        {
            family = await CustomerSeed.AddFamilyAsync(ctx, protector);
            // A source system whose contract numbers are digits only: 홍길순's contract is numbered like the end of her mobile.
            await ctx.Contracts.Where(k => k.ContractNumber == family.SpouseContract)
                .ExecuteUpdateAsync(u => u.SetProperty(k => k.ContractNumber, "5432"));
        }
        await using var read = db.CreateContext();
        var search = CoreServices.Search(read, protector, db);

        // 5432 ends 홍길순's mobile and is her contract's number, on which 홍길동 is the insured.
        var merged = await search.SearchAsync(CoreServices.CallCenter, "5432");
        merged!.Kind.ShouldBe(SearchKind.PhoneOrContract);
        merged.Items.Select(i => i.Id).ShouldBe([family.HongId, family.SpouseId]);
        var phoneOnly = await search.SearchAsync(CoreServices.CallCenter, "5432", SearchKind.Phone);
        phoneOnly!.Items.Select(i => i.Id).ShouldBe([family.SpouseId]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task PhoneOwners_LastFourDigitsOrBeginning_IsServedByAnIndexNotAScan(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var read = db.CreateContext();

        foreach (var (pattern, index) in new[]
        {
            (SearchText.PhonePart("9262")!, "ix_customer_phone_number_last4"),
            (SearchText.PhonePart("4113-9262")!, "ix_customer_phone_number_last4"),
            (SearchText.PhonePart("010-4113")!, "ix_customer_phone_number_last4"),
            (SearchText.PhonePart("010-4113")!, "ix_customer_phone_number"),
            (SearchText.PhonePart("010-4113-9262")!, "ix_customer_phone_number"),
        })
        {
            var plan = await QueryPlan.ExplainAsync(read, CustomerSearch.PhoneOwners(read, pattern));
            plan.ShouldContain(index, Case.Sensitive, $"{pattern}: {plan}");
            plan.ShouldNotContain(provider == DatabaseProvider.Sqlite ? "SCAN customer_phone" : "Seq Scan", Case.Sensitive, $"{pattern}: {plan}");
        }
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Search_KeysetPages_CoverEveryMatchOnceInNameIdOrder(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var protector = CustomerSeed.Protector();
        // Repeated names make the id the tie-breaker across page boundaries.
        string[] given = ["민준", "서연", "하준", "서윤", "도윤"];
        var names = Enumerable.Range(0, 47).Select(i => "이" + given[i % given.Length]).ToList();
        List<long> ids;
        await using (var ctx = db.CreateContext())
        {
            ids = await CustomerSeed.AddNamedAsync(ctx, names);
            await CustomerSeed.AddNamedAsync(ctx, ["임꺽정", "유관순"]);
        }
        var expected = ids.Zip(names).OrderBy(x => x.Second, StringComparer.Ordinal).ThenBy(x => x.First).Select(x => x.First).ToList();

        await using var read = db.CreateContext();
        var search = CoreServices.Search(read, protector, db);
        var seen = new List<long>();
        var pages = 0;
        string? after = null;
        do
        {
            var page = await search.SearchAsync(CoreServices.CallCenter, "이", SearchKind.Name, after);
            page!.Items.Count.ShouldBeLessThanOrEqualTo(CustomerSearch.PageSize);
            seen.AddRange(page.Items.Select(i => i.Id));
            after = page.Next;
            pages++;
        }
        while (after is not null && pages < 10);

        pages.ShouldBe(3);
        seen.ShouldBe(expected);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Search_TamperedCursor_IsRefused(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var read = db.CreateContext();

        var page = await CoreServices.Search(read, CustomerSeed.Protector(), db).SearchAsync(CoreServices.CallCenter, "홍", SearchKind.Name, "not-a-cursor!");

        page.ShouldBeNull();
    }

    [Theory]
    [InlineData("홍길동", SearchKind.Name)]
    [InlineData("Chen Wei", SearchKind.Name)]
    [InlineData("陳大文", SearchKind.Name)]
    [InlineData("800515-1234567", SearchKind.Rrn)]
    [InlineData("0105153234567", SearchKind.Rrn)]
    [InlineData("010-1234-5678", SearchKind.Phone)]
    [InlineData("02-345-6789", SearchKind.Phone)]
    [InlineData("+82 10-1234-5678", SearchKind.Phone)]
    [InlineData("L2024000001", SearchKind.ContractNumber)]
    [InlineData("2024-000123", SearchKind.ContractNumber)]
    [InlineData("9262", SearchKind.PhoneOrContract)]
    [InlineData("010-4113", SearchKind.PhoneOrContract)]
    [InlineData("4113-9262", SearchKind.PhoneOrContract)]
    [InlineData("+82 10-4113", SearchKind.Phone)]
    [InlineData("123", SearchKind.ContractNumber)]
    public void Detect_TypedText_PicksTheKind(string text, SearchKind expected) =>
        SearchText.Detect(text).ShouldBe(expected);

    [Theory]
    [InlineData("01012345678", "010-****-5678")]
    [InlineData("0111234567", "011-***-4567")]
    [InlineData("0234567890", "02-****-7890")]
    public void MaskPhone_Digits_KeepsOnlyPrefixAndLastFour(string digits, string expected) =>
        SearchText.MaskPhone(digits).ShouldBe(expected);
}
