using System.Text;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Voc;
using InsureCrm.Core.Voc.Mail;
using InsureCrm.Tests.Customers;
using InsureCrm.Tests.Worklists;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using static InsureCrm.Tests.Voc.Mail.VocMailTestKit;

namespace InsureCrm.Tests.Voc.Mail;

/// <summary>
/// E-mail into cases (issue 16): a drop folder and the test IMAP server read into cases through the intake: Korean in UTF-8 and
/// EUC-KR, attachments listed on the case, the sender matched by e-mail address or kept encrypted, a mail fetched twice opened
/// once, a text over the limit kept cut with its length, a mail the intake refuses set aside. Fictional people.
/// </summary>
public sealed class VocMailIntakeTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "insurecrm-voc-mail-intake-tests", Guid.NewGuid().ToString("N"));

    public VocMailIntakeTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, true);

    private static VocMailIntake Intake(CrmDbContext ctx, VocKit kit, IVocMailSource source) =>
        new(ctx, kit.Intake, new VocCustomerMatch(ctx, CustomerSeed.Protector()), source, kit.Clock, NullLogger<VocMailIntake>.Instance);

    private VocMailDrop Drop() => new(new VocMailOptions { Source = VocMailSourceKind.Drop, DropFolder = _folder }, NullLogger<VocMailDrop>.Instance);

    private static async Task<Customer> CustomerWithEmailAsync(CrmDbContext ctx, string address)
    {
        var customer = await WorklistKit.CustomerAsync(ctx, "김하늘");
        ctx.Set<CustomerEmail>().Add(new CustomerEmail { CustomerId = customer.Id, Address = address, IsPrimary = true });
        await ctx.SaveChangesAsync();
        return customer;
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Fetch_DropFolder_OpensACasePerMail_MatchesTheSenderByAddress_ListsAttachments_AndNeverOpensAMailTwice(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var customer = await CustomerWithEmailAsync(ctx, "Haneul.Kim@Example.com");
        var at = VocKit.Start.AddHours(-2);
        await File.WriteAllBytesAsync(Path.Combine(_folder, "a.eml"), DemoVocMail.Utf8WithPdf("haneul.kim@example.com", at));
        var eucKr = DemoVocMail.EucKrWithPhoto(at.AddMinutes(30));
        await File.WriteAllBytesAsync(Path.Combine(_folder, "b.eml"), eucKr);

        var round = await Intake(ctx, kit, Drop()).FetchAsync();

        round.ShouldBe(new VocMailRound(2, 2, 1, 0, 0, 0));
        var cases = await ctx.VocCases.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
        cases.Select(c => c.Channel).ShouldAllBe(c => c == VocChannel.Email);
        var known = cases.Single(c => c.Subject == "보험료 이중 출금 환불 요청");
        known.CustomerId.ShouldBe(customer.Id);
        known.ContactProtected.ShouldBeNull();
        known.Text.ShouldContain("자동이체로 두 번 출금되었습니다");
        known.ReceivedAt.ShouldBe(at.UtcDateTime);
        known.ExternalRef.ShouldNotBeNull().ShouldStartWith("demo-autodebit-");
        var unknown = cases.Single(c => c.Subject == "보험금 청구 처리 지연");
        unknown.CustomerId.ShouldBeNull();
        unknown.Text.ShouldContain("실손보험 통원 치료비를 청구했는데");
        var contact = System.Text.Json.JsonSerializer.Deserialize<VocContact>(CustomerSeed.Protector().Decrypt(unknown.ContactProtected.ShouldNotBeNull()));
        contact.ShouldBe(new VocContact("이민지", null, "minji.reader@example.net"));
        var mails = await ctx.VocCaseMails.AsNoTracking().ToDictionaryAsync(m => m.CaseId);
        mails[known.Id].AttachmentList().ShouldBe([new VocCaseAttachment("거래내역.pdf", "application/pdf", 77)]);
        mails[unknown.Id].Charset.ShouldBe("euc-kr");
        mails[unknown.Id].AttachmentList().Single().Type.ShouldBe("image/jpeg");
        Directory.GetFiles(_folder, "*.eml").ShouldBeEmpty();
        Directory.GetFiles(Path.Combine(_folder, VocMailDrop.ProcessedFolder)).Length.ShouldBe(2);

        // The same mail saved again (a mail rule that runs twice): its Message-ID is known, nothing new is opened.
        await File.WriteAllBytesAsync(Path.Combine(_folder, "b-again.eml"), eucKr);
        var again = await Intake(ctx, kit, Drop()).FetchAsync();

        again.ShouldBe(new VocMailRound(1, 0, 0, 1, 0, 0));
        (await ctx.VocCases.CountAsync()).ShouldBe(2);
        Directory.GetFiles(_folder, "*.eml").ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Fetch_TextOverTheLimit_IsKeptCutWithItsLength_AndAnEmptyMailIsSetAside(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var longText = string.Concat(Enumerable.Repeat("보험금 지급이 늦어져 생활이 어렵습니다. ", 1500)).Trim();
        longText.Length.ShouldBeGreaterThan(VocIntake.MaxTextLength);
        await File.WriteAllBytesAsync(Path.Combine(_folder, "long.eml"), Raw("""
            From: long@example.com
            Subject: long
            Message-ID: <long-1@example.com>
            Date: Mon, 01 Mar 2027 10:00:00 +0900
            Content-Type: text/plain; charset=UTF-8
            Content-Transfer-Encoding: base64
            """, Encoding.ASCII.GetBytes(Base64Lines(Encoding.UTF8.GetBytes(longText)))));
        await File.WriteAllBytesAsync(Path.Combine(_folder, "empty.eml"), Raw("""
            From: empty@example.com
            Message-ID: <empty-1@example.com>
            Content-Type: text/plain; charset=UTF-8
            """, "\r\n"u8.ToArray()));

        var round = await Intake(ctx, kit, Drop()).FetchAsync();

        round.Opened.ShouldBe(1);
        round.Refused.ShouldBe(1);
        var c = await ctx.VocCases.AsNoTracking().SingleAsync();
        c.Text.Length.ShouldBe(VocIntake.MaxTextLength);
        c.Text.ShouldEndWith(VocMailIntake.CutMark);
        longText.ShouldStartWith(c.Text[..^VocMailIntake.CutMark.Length]);
        (await ctx.VocCaseMails.AsNoTracking().SingleAsync()).OriginalTextLength.ShouldBe(longText.Length);
        File.Exists(Path.Combine(_folder, VocMailDrop.FailedFolder, "empty.eml")).ShouldBeTrue();
        File.Exists(Path.Combine(_folder, VocMailDrop.ProcessedFolder, "long.eml")).ShouldBeTrue();
    }

    [Fact]
    public async Task Fetch_ImapInbox_OpensTheCase_AndConfirmsTheMail()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var options = await NewFolderAsync(processedFolder: "done");
        await DeliverAsync(options, DemoVocMail.EucKrWithPhoto(VocKit.Start.AddHours(-1)));

        var round = await Intake(ctx, kit, Mailbox(options)).FetchAsync();
        var again = await Intake(ctx, kit, Mailbox(options)).FetchAsync();

        round.ShouldBe(new VocMailRound(1, 1, 0, 0, 0, 0));
        again.Fetched.ShouldBe(0);
        var c = await ctx.VocCases.AsNoTracking().SingleAsync();
        (c.Channel, c.Subject).ShouldBe((VocChannel.Email, "보험금 청구 처리 지연"));
        c.Text.ShouldContain("진료비 영수증 사진을 다시 첨부하니");
        (await ctx.VocCaseMails.AsNoTracking().SingleAsync()).AttachmentList().Single().Name.ShouldBe("receipt.jpg");
        (await CountAsync(options.Imap.Folder)).Count.ShouldBe(0);
        (await CountAsync(options.Imap.ProcessedFolder!)).Count.ShouldBe(1);
    }
}
