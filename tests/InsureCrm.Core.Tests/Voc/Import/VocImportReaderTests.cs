using System.Text;
using InsureCrm.Core.Common;
using InsureCrm.Core.Voc.Import;

namespace InsureCrm.Tests.Voc.Import;

/// <summary>
/// The rows of <c>voc import</c>: regulator referrals, web mentions and typed-in letters read with the conventions
/// of every import (encoding from evidence, header checked, each bad row refused with line, column and reason).
/// </summary>
public sealed class VocImportReaderTests
{
    /// <summary>2026-12-05 10:00 in Seoul.</summary>
    private static readonly TimeProvider Clock = new Fixed(new DateTimeOffset(2026, 12, 5, 1, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Read_RegulatorFile_GivesTypedRowsWithTheCustomerFieldsOptional()
    {
        var path = Write("""
            reference_number,received_date,deadline,customer_name,rrn,phone,contract_number,subject,text
            FSS-2026-001,2026-11-30,2026-12-14,김민수,900101-1234567,010-1234-5678,C000123,보험금 부지급,"보험금 청구를 했는데
            이유 없이 거절되었습니다."
            FSS-2026-002,2026-12-01,2026-12-15,,,,,,고객 정보 없는 민원도 받아 둡니다
            """);

        var read = VocImportReader.Read(path, VocImportKind.Regulator, ImportEncoding.Auto, Clock);

        read.Error.ShouldBeNull();
        read.Status.ShouldBe(ImportStatus.Completed);
        read.Lines.ShouldBe(4);
        var rows = read.Rows.Cast<RegulatorReferralRow>().ToList();
        rows.Count.ShouldBe(2);
        rows[0].ShouldBe(new RegulatorReferralRow(2, "FSS-2026-001", new DateOnly(2026, 11, 30), new DateOnly(2026, 12, 14),
            "김민수", "9001011234567", "01012345678", "C000123", "보험금 부지급", "보험금 청구를 했는데\n이유 없이 거절되었습니다."));
        rows[1].Line.ShouldBe(4);
        rows[1].CustomerName.ShouldBeNull();
        rows[1].Rrn.ShouldBeNull();
    }

    [Fact]
    public void Read_BadRows_AreRefusedWithLineColumnAndReason_AndTheGoodOnesKept()
    {
        var path = Write("""
            reference_number,received_date,deadline,customer_name,rrn,phone,contract_number,subject,text
            R1,2026-11-30,2026-12-14,,,,,,좋은 행
            R2,2026-11-30,2026-12-14,,,,,,
            R3,2026-13-01,2026-12-14,,,,,,날짜가 잘못됨
            R4,2026-12-01,2026-11-20,,,,,,기한이 접수일보다 앞섬
            R5,2026-12-24,2026-12-30,,,,,,접수일이 미래
            R6,2026-11-30,2026-12-14,,900231-1234567,,,,주민번호 날짜가 없는 날
            R1,2026-11-30,2026-12-14,,,,,,같은 참조번호
            """);

        var read = VocImportReader.Read(path, VocImportKind.Regulator, ImportEncoding.Auto, Clock);

        read.Status.ShouldBe(ImportStatus.CompletedWithRejects);
        read.Rows.Select(r => r.Line).ShouldBe([2]);
        read.Rejects.Select(r => (r.Line, r.Errors.Single().Column)).ShouldBe(
        [
            (3, "text"), (4, "received_date"), (5, "deadline"), (6, "received_date"), (7, "rrn"), (8, "reference_number"),
        ]);
        read.Rejects[0].Errors[0].Reason.ShouldBe("required value is missing");
        read.Rejects[1].Errors[0].Reason.ShouldContain("yyyy-MM-dd");
        read.Rejects[2].Errors[0].Reason.ShouldContain("before received_date");
        read.Rejects[3].Errors[0].Reason.ShouldContain("future");
        read.Rejects.SelectMany(r => r.Errors).ShouldAllBe(e => !e.Reason.Contains("900231"));
    }

    [Fact]
    public void Read_LettersFile_AcceptsKoreanKindNamesAndRefusesUnknownKinds()
    {
        var path = Write("""
            kind,received_date,sender_name,phone,address,contract_number,subject,text
            편지,2026-12-01,박영희,,"서울특별시 중구
            세종대로 1",C0009,감사 편지,담당 설계사님께 감사드립니다
            Fax,2026-12-02,,02-123-4567,,,,팩스로 보낸 해지 요청
            엽서,2026-12-03,,,,,,엽서 한 장
            telegram,2026-12-03,,,,,,전보는 없습니다
            """);

        var read = VocImportReader.Read(path, VocImportKind.Letters, ImportEncoding.Auto, Clock);

        var rows = read.Rows.Cast<TypedLetterRow>().ToList();
        rows.Select(r => r.Kind).ShouldBe([VocLetterKind.Letter, VocLetterKind.Fax, VocLetterKind.Postcard]);
        rows[0].Address.ShouldBe("서울특별시 중구\n세종대로 1");
        rows[1].Phone.ShouldBe("021234567");
        var reject = read.Rejects.ShouldHaveSingleItem();
        reject.Line.ShouldBe(6);
        reject.Errors.Single().Column.ShouldBe("kind");
        reject.Errors.Single().Reason.ShouldContain("unknown kind");
    }

    [Fact]
    public void Read_MentionsFile_ParsesTimesInSeoulAndRefusesBadAddresses()
    {
        var path = Write("""
            site,url,posted_at,author,text
            보험카페,https://cafe.example.com/post/1,2026-12-04 21:30,user_77,설계사가 연락을 안 받아요
            블로그,ftp://blog.example.com/2,2026-12-04 21:30,,주소가 http가 아님
            커뮤니티,https://community.example.com/3,2026-12-04T12:00:00Z,,시간대가 있는 시각
            """);

        var read = VocImportReader.Read(path, kind: null, ImportEncoding.Auto, Clock);

        read.Kind.ShouldBe(VocImportKind.Mentions);
        var rows = read.Rows.Cast<WebMentionRow>().ToList();
        rows[0].PostedAtUtc.ShouldBe(new DateTime(2026, 12, 4, 12, 30, 0, DateTimeKind.Utc));
        rows[0].Url.ShouldBe(new Uri("https://cafe.example.com/post/1"));
        rows[1].PostedAtUtc.ShouldBe(new DateTime(2026, 12, 4, 12, 0, 0, DateTimeKind.Utc));
        read.Rejects.ShouldHaveSingleItem().Errors.Single().Column.ShouldBe("url");
    }

    [Fact]
    public void Read_Cp949File_IsDecodedFromEvidence()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var path = Write("""
            kind,received_date,sender_name,phone,address,contract_number,subject,text
            편지,2026-12-01,최수진,,,,,보험료가 너무 올랐습니다. 똠방각하
            """, Encoding.GetEncoding(949));

        var read = VocImportReader.Read(path, VocImportKind.Letters, ImportEncoding.Auto, Clock);

        read.Encoding.ShouldBe("cp949");
        var row = read.Rows.Cast<TypedLetterRow>().ShouldHaveSingleItem();
        row.SenderName.ShouldBe("최수진");
        row.Text.ShouldBe("보험료가 너무 올랐습니다. 똠방각하");
    }

    [Fact]
    public void Read_WrongHeaderOrUnknownFileKind_IsFatalAndNamesTheColumns()
    {
        var wrong = VocImportReader.Read(Write("reference_number,received_date,text,colour\nR1,2026-11-30,x,red\n"), VocImportKind.Regulator, ImportEncoding.Auto, Clock);
        var unknown = VocImportReader.Read(Write("foo,bar\n1,2\n"), kind: null, ImportEncoding.Auto, Clock);
        var headerless = VocImportReader.Read(Write("900101-1234567,김민수\n"), VocImportKind.Regulator, ImportEncoding.Auto, Clock);

        wrong.Status.ShouldBe(ImportStatus.Failed);
        wrong.Error!.ShouldContain("missing required column(s): deadline");
        wrong.Error!.ShouldContain("unknown column(s): colour");
        unknown.Error!.ShouldContain("--kind regulator, mentions, letters or surveys");
        unknown.Error!.ShouldContain("surveys: survey, response_id, answered_at, score?");
        headerless.Error!.ShouldContain("not a header row");
        headerless.Error!.ShouldNotContain("900101");
        headerless.Error!.ShouldNotContain("김민수");
    }

    [Fact]
    public void WriteRejects_WritesLineColumnReasonAndTheOriginalFields()
    {
        var path = Write("""
            kind,received_date,sender_name,phone,address,contract_number,subject,text
            pigeon,2026-12-01,=cmd,,,,,비둘기
            """);
        var read = VocImportReader.Read(path, VocImportKind.Letters, ImportEncoding.Auto, Clock);

        var rejects = VocImportReader.WriteRejects(path, read.Header, read.Rejects);

        rejects.ShouldBe(path + ".rejects.csv");
        var lines = File.ReadAllLines(rejects!, Encoding.UTF8);
        lines[0].ShouldBe("line,column,reason,kind,received_date,sender_name,phone,address,contract_number,subject,text");
        lines[1].ShouldStartWith("2,kind,");
        lines[1].ShouldContain(",'=cmd,");
        VocImportReader.WriteRejects(path, read.Header, []).ShouldBeNull();
        File.Exists(rejects!).ShouldBeFalse();
    }

    private static string Write(string content, Encoding? encoding = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "insurecrm-voc-import-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "voc.csv");
        File.WriteAllText(path, content.ReplaceLineEndings("\n"), encoding ?? new UTF8Encoding(false));
        return path;
    }

    private sealed class Fixed(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
