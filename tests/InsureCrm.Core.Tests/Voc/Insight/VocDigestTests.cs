using InsureCrm.Core.Campaigns.Execution;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Voc;
using InsureCrm.Core.Voc.Insight;
using InsureCrm.Core.Tests.Campaigns;
using InsureCrm.Tests.Worklists;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Tests.Voc.Insight;

/// <summary>
/// The weekly digest (issue 16, item 7): the week's volume by type against the week before, SLA, the top categories with two
/// masked examples, breaches, repeats, compliments; sent through the campaigns' SMTP transport to the configured recipients
/// (the test SMTP server and its Maildir), once per week by the nightly step. Fictional people.
/// </summary>
public sealed class VocDigestTests
{
    /// <summary>Monday 2027-03-01 in Seoul begins the week; "now" is the Monday after, 10:00 Seoul.</summary>
    private static readonly DateOnly Week = new(2027, 3, 1);

    private static readonly DateTimeOffset Now = new(2027, 3, 8, 1, 0, 0, TimeSpan.Zero);

    private static readonly DateTime Monday = new(2027, 2, 28, 15, 0, 0, DateTimeKind.Utc);

    private static async Task SeedAsync(CrmDbContext ctx)
    {
        var customer = new Customer { Name = "홍길순", NameScript = NameScript.Hangul, CreatedAt = Monday, UpdatedAt = Monday };
        ctx.Customers.Add(customer);
        await ctx.SaveChangesAsync();
        var cases = new List<VocCase>
        {
            VocDashboardTests.Case(VocType.Complaint, "claims.delay", Monday.AddHours(20)),
            VocDashboardTests.Case(VocType.Complaint, "claims.delay", Monday.AddHours(30)),
            VocDashboardTests.Case(VocType.Complaint, "claims.delay", Monday.AddHours(40)),
            VocDashboardTests.Case(VocType.Complaint, "payment.refund", Monday.AddHours(50)),
            VocDashboardTests.Case(VocType.Compliment, "service.branch", Monday.AddHours(60)),
            VocDashboardTests.Case(VocType.Complaint, "claims.delay", Monday.AddDays(-3)),   // the week before
            VocDashboardTests.Case(VocType.Inquiry, "product.terms", Monday.AddDays(8)),   // the week after
        };
        cases[2].Text = "저는 홍길순입니다. 010-1234-5678로 연락 주세요. 주민번호 900101-2345678, 메일 hong@example.com. 3주째 보험금이 안 나옵니다.";
        cases[2].CustomerId = customer.Id;
        cases[1].Breached = true;
        cases[1].EscalatedAt = Monday.AddHours(50);
        cases[3].RepeatOfId = 99;
        cases[4].Text = "김영희 설계사님이 친절하게 설명해 주셨어요.";
        ctx.VocCases.AddRange(cases);
        await ctx.SaveChangesAsync();
    }

    private static VocDigest Digest(CrmDbContext ctx) => new(ctx, new VocOptions(), new WorklistKit.Fixed(Now));

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Build_TheWeekAgainstTheOneBefore_TopCategoriesWithMaskedExamples(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        await SeedAsync(ctx);
        var digest = Digest(ctx);

        digest.WeekOf(null).ShouldBe(Week);   // the last whole week
        digest.WeekOf(new DateOnly(2027, 3, 4)).ShouldBe(Week);
        var d = await digest.BuildAsync(Week);

        d.Total.ShouldBe(5);
        d.PreviousTotal.ShouldBe(1);
        var complaints = d.Types.Single(t => t.Type == VocType.Complaint);
        (complaints.ThisWeek, complaints.PreviousWeek).ShouldBe((4, 1));
        d.TopCategories[0].Code.ShouldBe("claims.delay");
        d.TopCategories[0].Count.ShouldBe(3);
        d.TopCategories[0].NameKo.ShouldBe("지급 지연");
        d.TopCategories[0].Examples.Count.ShouldBe(2);
        d.TopCategories.ShouldNotContain(c => c.Code == "service.branch");   // compliments are not issues
        var masked = d.TopCategories[0].Examples[0];
        masked.ShouldContain("3주째 보험금이 안 나옵니다");
        masked.ShouldNotContain("홍길순");
        masked.ShouldNotContain("1234");
        masked.ShouldNotContain("2345678");
        masked.ShouldNotContain("hong@");
        d.Breaches.ShouldBe(1);
        d.Repeats.ShouldBe(1);
        d.Compliments.ShouldBe(1);
        d.ComplimentExamples.Single().ShouldBe("○○○ 설계사님이 친절하게 설명해 주셨어요.");
        var text = VocDigest.Text(d);
        text.ShouldContain("접수 5건 (전주 1건, +400%)");
        text.ShouldContain("지급 지연 (3건)");
        VocDigest.Html(d).ShouldNotContain("010-1234");
    }

    [Fact]
    public void Mask_PhonesRrnsMailsLongNumbersAndNamesBeforeTitles_KeepsTheMatter()
    {
        VocTextMask.Mask("연락처 010 9876 5432 / 02-345-6789 입니다").ShouldBe("연락처 *** / *** 입니다");
        VocTextMask.Mask("계좌 110-234-567890 으로 환급 요청").ShouldBe("계좌 *** 으로 환급 요청");
        VocTextMask.Mask("2026-11-03에 청구, 300,000원 미지급").ShouldBe("2026-11-03에 청구, 300,000원 미지급");
        VocTextMask.Mask("박철수 고객님 건, 담당 설계사님 연락 없음").ShouldBe("○○○ 고객님 건, 담당 설계사님 연락 없음");
        VocTextMask.Mask(new string('가', 500)).Length.ShouldBe(VocTextMask.ExampleLength + 1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Send_ToTheConfiguredRecipients_ThroughTheTestSmtpServer_OncePerWeekByTheNightlyStep(DatabaseProvider provider)
    {
        var (host, port, maildir) = EmailSendTests.Smtp();
        var domain = "digest-" + Guid.NewGuid().ToString("N")[..8] + ".example";
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        await SeedAsync(ctx);
        var options = new VocDigestOptions { Recipients = ["ceo@" + domain, "en:cs-head@" + domain, "zh-TW:tw-head@" + domain] };
        var sender = new VocDigestSender(ctx, Digest(ctx), options, EmailSendTests.Seed.Options(host, port),
            new EmailTransportFactory(EmailSendTests.Seed.Options(host, port)), new WorklistKit.Fixed(Now));

        (await sender.WasSentAsync(Week)).ShouldBeFalse();
        (await sender.SendAsync(Week)).ShouldBe(3);

        var received = EmailSendTests.Seed.Received(maildir, domain);
        received.Count.ShouldBe(3);
        var m = received.First(x => x.To.Mailboxes.Single().Address.StartsWith("ceo@", StringComparison.Ordinal));
        m.Subject!.ShouldContain("주간 VOC 다이제스트 2027-03-01");
        m.TextBody!.ShouldContain("지급 지연 (3건)");
        m.HtmlBody!.ShouldContain("<h2>주요 분류 상위 5개</h2>");
        m.TextBody!.ShouldNotContain("홍길순");
        m.Headers.Contains("List-Unsubscribe").ShouldBeFalse();
        // Each reader in their own language: the entries that name one get it, the others Korean.
        var english = received.Single(x => x.To.Mailboxes.Single().Address.StartsWith("cs-head@", StringComparison.Ordinal));
        english.Subject!.ShouldBe("[InsureCRM] Weekly VOC digest, week of 2027-03-01 (5 cases)");
        english.TextBody!.ShouldContain("Received 5 cases (week before 1 case, +400%)");
        english.TextBody!.ShouldContain("Payment delayed (3 cases)");
        english.TextBody!.ShouldNotContain("건");
        english.HtmlBody!.ShouldContain("<html lang=\"en\">");
        english.HtmlBody!.ShouldContain("<h2>Top 5 categories</h2>");
        var chinese = received.Single(x => x.To.Mailboxes.Single().Address.StartsWith("tw-head@", StringComparison.Ordinal));
        chinese.Subject!.ShouldContain("每週 VOC 摘要 2027-03-01");
        chinese.TextBody!.ShouldContain("申訴: 4 件");
        chinese.TextBody!.ShouldNotContain("불만");
        (await sender.WasSentAsync(Week)).ShouldBeTrue();
        (await ctx.Set<VocDigestSent>().SingleAsync()).Recipients.ShouldBe(3);
    }

    [Fact]
    public void Options_RefuseAnAddressThatIsNotOne()
    {
        new VocDigestOptions { Recipients = ["ceo@example.com"] }.Validate().ShouldBeEmpty();
        new VocDigestOptions { Recipients = ["ceo@example.com", "not an address"] }.Validate().Single().ShouldContain("entry 2");
        new VocDigestOptions { Recipients = ["en:cfo@example.com", "zh-TW:tw@example.com"] }.Validate().ShouldBeEmpty();
        new VocDigestOptions { Recipients = ["fr:cfo@example.com"] }.Validate().Single().ShouldContain("entry 1");
        VocDigestOptions.Parse(" en:cfo@example.com ").ShouldBe(("cfo@example.com", "en"));
        VocDigestOptions.Parse("ceo@example.com").ShouldBe(("ceo@example.com", "ko"));
    }
}
