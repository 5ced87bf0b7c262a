using System.Text;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Voc;
using InsureCrm.Core.Voc.Import;
using InsureCrm.Tests.Customers;
using InsureCrm.Tests.Worklists;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace InsureCrm.Tests.Voc.Import;

/// <summary>
/// <c>voc import</c> into cases on both providers (issue 16): regulator referrals with their deadline, web mentions, typed-in
/// letters; customers matched by RRN, phone or contract number; rows the reader or the intake refuses in one rejects file; exit
/// codes 0, 2, 1; the same file imported again opens nothing twice. Fictional people.
/// </summary>
public sealed class VocImportServiceTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "insurecrm-voc-import-tests", Guid.NewGuid().ToString("N"));

    public VocImportServiceTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, true);

    private static VocImportService Service(CrmDbContext ctx, VocKit kit) =>
        new(kit.Intake, new VocCustomerMatch(ctx, CustomerSeed.Protector()), kit.Options, kit.Clock, NullLogger<VocImportService>.Instance);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text.ReplaceLineEndings("\n") + "\n", new UTF8Encoding(false));
        return path;
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_RegulatorFile_OpensReferralsWithTheDeadline_MatchesCustomers_RejectsBadRows_AndNothingTwice(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var rrn = Rrn.Create(new DateOnly(1980, 5, 17), Gender.Female, 1234);
        var byRrn = await WorklistKit.CustomerAsync(ctx, "박서연", "01077700001");
        byRrn.RrnHash = CustomerSeed.Protector().Hash(rrn.Digits);
        var byContract = await WorklistKit.CustomerAsync(ctx, "최도윤", "01077700002");
        var product = new Product { Code = "PV1", Name = "건강보험", Line = ProductLine.Life, Family = ProductFamily.Health };
        ctx.Products.Add(product);
        await ctx.SaveChangesAsync();
        var contract = new Contract
        {
            ContractNumber = "L2027000777", ProductId = product.Id, CustomerId = byContract.Id, SumAssured = 10_000_000m, Premium = 50_000m,
            PaymentMode = PaymentMode.Monthly, IssueDate = new DateOnly(2024, 1, 5), Status = ContractStatus.InForce, StatusDate = new DateOnly(2024, 1, 5),
        };
        ctx.Contracts.Add(contract);
        await ctx.SaveChangesAsync();
        var huge = new string('가', VocIntake.MaxTextLength + 1);
        var path = Write("fss.csv", $"""
            reference_number,received_date,deadline,customer_name,rrn,phone,contract_number,subject,text
            FSS-2027-001,2027-02-26,2027-03-12,박서연,{rrn.Digits[..6]}-{rrn.Digits[6..]},,,보험금 부지급,보험금 청구가 이유 없이 거절되었습니다.
            FSS-2027-002,2027-02-27,2027-03-13,,,,L2027000777,설명 부족,가입 때 설명을 제대로 듣지 못했습니다.
            FSS-2027-003,2027-03-01,2027-03-15,정하윤,,010-9999-0000,,연락 두절,담당자와 연락이 되지 않습니다.
            FSS-2027-004,2027-13-01,2027-03-15,,,,,,날짜가 잘못된 행
            FSS-2027-005,2027-03-01,2027-03-15,,,,,너무 긴 민원,{huge}
            """);

        var result = await Service(ctx, kit).ImportAsync(path, null, ImportEncoding.Auto);

        result.Kind.ShouldBe(VocImportKind.Regulator);
        (result.Rows, result.Opened, result.Matched, result.Duplicates, result.Rejected).ShouldBe((5, 3, 2, 0, 2));
        result.ExitCode.ShouldBe(2);
        var rejects = await File.ReadAllTextAsync(result.RejectsPath.ShouldNotBeNull());
        rejects.ShouldContain("received_date");
        rejects.ShouldContain("20,000");
        result.FirstRejects.Select(r => (r.Line, r.Column)).ShouldBe([(5, "received_date"), (6, "text")]);
        var cases = await ctx.VocCases.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
        cases.ShouldAllBe(c => c.Channel == VocChannel.Regulator && c.Type == VocType.Complaint);
        cases.Select(c => c.ExternalRef).ShouldBe(["regulator:FSS-2027-001", "regulator:FSS-2027-002", "regulator:FSS-2027-003"]);
        cases[0].CustomerId.ShouldBe(byRrn.Id);
        (cases[1].CustomerId, cases[1].ContractId).ShouldBe((byContract.Id, contract.Id));
        cases[2].CustomerId.ShouldBeNull();
        cases[2].ContactPhoneHash.ShouldNotBeNull();
        // The regulator's deadline: the end of business (18:00 Seoul) of its day; the resolution clock ends there.
        cases[0].RegulatorDueAt.ShouldBe(new DateTime(2027, 3, 12, 9, 0, 0, DateTimeKind.Utc));
        cases[0].ResolutionDueAt.ShouldBe(cases[0].RegulatorDueAt);
        cases[0].ReceivedAt.ShouldBe(new DateTime(2027, 2, 26, 0, 0, 0, DateTimeKind.Utc));

        var again = await Service(ctx, kit).ImportAsync(path, VocImportKind.Regulator, ImportEncoding.Auto);

        (again.Opened, again.Duplicates, again.Rejected).ShouldBe((0, 3, 2));
        (await ctx.VocCases.CountAsync()).ShouldBe(3);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_LettersAndMentions_OpenOnTheirChannels_MatchByPhone_AndExitZero(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var writer = await WorklistKit.CustomerAsync(ctx, "윤지호", "01066600003");
        var letters = Write("letters.csv", """
            kind,received_date,sender_name,phone,address,contract_number,subject,text
            팩스,2027-02-25,윤지호,010-6660-0003,,,청구 서류,진단서를 팩스로 다시 보냅니다. 확인 부탁드립니다.
            서신,2027-02-26,윤지호,010-6660-0003,"부산광역시 해운대구 센텀로 7, 1203호",,답신 요청,이사했습니다. 답장은 새 주소로 보내 주세요.
            엽서,2027-02-26,한결,,"서울특별시 강남구
            테헤란로 1",,,설계사님 덕분에 보험금을 잘 받았습니다. 감사합니다.
            """);
        var mentions = Write("mentions.csv", """
            site,url,posted_at,author,text
            보험 커뮤니티,https://community.example/posts/123,2027-03-01 21:30,insured77,보험금 청구 앱이 자꾸 오류가 나요 <script>alert(1)</script>
            """);

        var l = await Service(ctx, kit).ImportAsync(letters, VocImportKind.Letters, ImportEncoding.Auto);
        var m = await Service(ctx, kit).ImportAsync(mentions, null, ImportEncoding.Auto);
        var lAgain = await Service(ctx, kit).ImportAsync(letters, VocImportKind.Letters, ImportEncoding.Auto);

        (l.ExitCode, l.Opened, l.Matched, l.RejectsPath).ShouldBe((0, 3, 2, null));
        (m.ExitCode, m.Kind, m.Opened).ShouldBe((0, VocImportKind.Mentions, 1));
        (lAgain.Opened, lAgain.Duplicates).ShouldBe((0, 3));
        var cases = await ctx.VocCases.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
        cases.Select(c => c.Channel).ShouldBe([VocChannel.Fax, VocChannel.Letter, VocChannel.Postcard, VocChannel.WebMention]);
        cases[0].CustomerId.ShouldBe(writer.Id);
        cases[0].ContactProtected.ShouldBeNull();   // a known customer without an address on the paper: nothing more to keep
        cases[1].CustomerId.ShouldBe(writer.Id);
        cases[2].CustomerId.ShouldBeNull();
        cases[3].Text.ShouldContain("<script>alert(1)</script>");
        cases[3].ExternalRef.ShouldBe("url:https://community.example/posts/123");
        cases[3].ReceivedAt.ShouldBe(new DateTime(2027, 3, 1, 12, 30, 0, DateTimeKind.Utc));

        // The postal address on the paper is kept (encrypted) so the answer can be mailed there, also for a known customer,
        // and those who work the case read it.
        cases[1].ContactProtected.ShouldNotBeNull().ShouldNotContain("해운대");
        var handler = await kit.UserAsync("policy", Core.Security.Role.VocHandler);
        var managing = cases.Take(3).Select(c => c.ManagingDepartmentId).Distinct().ToList();
        foreach (var code in await ctx.VocDepartments.AsNoTracking().Where(d => managing.Contains(d.Id)).Select(d => d.Code).ToListAsync())
        {
            await kit.MemberAsync(code, handler);
        }
        (await kit.Cases.GetAsync(handler, cases[1].Id)).ShouldNotBeNull().ReplyTo.ShouldNotBeNull().Address.ShouldBe("부산광역시 해운대구 센텀로 7, 1203호");
        (await kit.Cases.GetAsync(handler, cases[2].Id)).ShouldNotBeNull().ReplyTo.ShouldNotBeNull().Address.ShouldBe("서울특별시 강남구\n테헤란로 1");
        (await kit.Cases.GetAsync(handler, cases[0].Id)).ShouldNotBeNull().ReplyTo.ShouldBeNull();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_SurveyComments_OpenOnTheSurveyChannel_TypedByScore_CountResponsesWithoutAComment_AndNothingTwice(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var answered = await WorklistKit.CustomerAsync(ctx, "서지안", "01055500004");
        var path = Write("nps.csv", """
            survey,response_id,answered_at,score,scale_max,phone,contract_number,comment
            2027-02 고객만족도,R-1,2027-02-27 10:15,1,,010-5550-0004,,보험금 지급이 너무 늦었습니다. 세 번이나 전화했습니다.
            2027-02 고객만족도,R-2,2027-02-27 11:00,10,,,,상담원이 친절하고 빨랐어요.
            2027-02 고객만족도,R-3,2027-02-27 11:20,7,,,,
            2027-02 고객만족도,R-4,2027-02-27 12:00,6,,,,앱에서 증명서를 바로 출력할 수 있으면 좋겠습니다.
            2027-02 고객만족도,R-5,2027-02-27 12:30,12,,,,점수가 척도를 넘는 행
            2027-02 고객만족도,R-6,2027-02-27 13:00,4,5,,,담당 설계사가 바뀐 줄 몰랐습니다.
            """);

        var result = await Service(ctx, kit).ImportAsync(path, null, ImportEncoding.Auto);
        var again = await Service(ctx, kit).ImportAsync(path, VocImportKind.Surveys, ImportEncoding.Auto);

        result.Kind.ShouldBe(VocImportKind.Surveys);
        (result.Rows, result.Opened, result.Matched, result.WithoutText, result.Rejected, result.ExitCode).ShouldBe((6, 4, 1, 1, 1, 2));
        result.FirstRejects.Select(r => (r.Line, r.Column)).ShouldBe([(6, "score")]);
        (again.Opened, again.Duplicates).ShouldBe((0, 4));
        var cases = await ctx.VocCases.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
        cases.ShouldAllBe(c => c.Channel == VocChannel.Survey);
        // 1 of 10: a complaint of high severity, from the customer who answered; 10 of 10 a compliment; 6 of 10 left to the classifier.
        (cases[0].Type, cases[0].Severity, cases[0].CustomerId).ShouldBe((VocType.Complaint, VocSeverity.High, (long?)answered.Id));
        cases[0].Subject.ShouldBe("2027-02 고객만족도 · 1/10");
        cases[1].Type.ShouldBe(VocType.Compliment);
        cases[2].Text.ShouldContain("증명서");
        // 4 of 5 is not a complaint.
        (cases[3].Subject, cases[3].Type == VocType.Complaint).ShouldBe(("2027-02 고객만족도 · 4/5", false));
        cases[0].ReceivedAt.ShouldBe(new DateTime(2027, 2, 27, 1, 15, 0, DateTimeKind.Utc));
    }

    [Fact]
    public async Task Import_UnreadableFile_ExitsOne_AndOpensNothing()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var path = Write("odd.csv", "name,amount\n홍길동,3\n");

        var result = await Service(ctx, kit).ImportAsync(path, null, ImportEncoding.Auto);
        var missing = await Service(ctx, kit).ImportAsync(Path.Combine(_folder, "nope.csv"), VocImportKind.Letters, ImportEncoding.Auto);

        (result.ExitCode, missing.ExitCode).ShouldBe((1, 1));
        result.Error.ShouldNotBeNull().ShouldContain("--kind");
        (await ctx.VocCases.CountAsync()).ShouldBe(0);
    }
}
