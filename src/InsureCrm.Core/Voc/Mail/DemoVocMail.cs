using System.Globalization;
using System.Text;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Voc.Mail;

/// <summary>
/// The demo's VOC mail, once (when the drop folder does not exist yet and the demo reads a drop folder): two Korean e-mails
/// saved as .eml files, as a mail rule would save them, which the web host's mail job then opens as cases. One is from a demo
/// customer's address (matched to the customer) in UTF-8 with a PDF attachment; the other from an unknown sender, EUC-KR encoded
/// as older Korean mailers send it, with a photo attached. Fictional people.
/// </summary>
internal sealed class DemoVocMail(CrmDbContext db, VocMailOptions options, TimeProvider time, ILogger<DemoVocMail> logger)
{
    public async Task EnsureAsync(CancellationToken ct = default)
    {
        if (options.Source != VocMailSourceKind.Drop)
        {
            return;
        }
        var root = Path.GetFullPath(options.DropFolder);
        if (Directory.Exists(root))
        {
            return;
        }
        var customerAddress = await db.Set<CustomerEmail>().AsNoTracking()
            .Where(e => db.Set<Customer>().Any(c => c.Id == e.CustomerId && c.MergedIntoId == null))
            .OrderBy(e => e.Id).Select(e => e.Address).FirstOrDefaultAsync(ct);
        Directory.CreateDirectory(root);
        var now = time.GetUtcNow();
        await File.WriteAllBytesAsync(Path.Combine(root, "demo-autodebit.eml"), Utf8WithPdf(customerAddress ?? "customer@example.com", now.AddHours(-3)), ct);
        await File.WriteAllBytesAsync(Path.Combine(root, "demo-euckr-claim.eml"), EucKrWithPhoto(now.AddHours(-1)), ct);
        logger.LogInformation("Demo VOC mail: two e-mails dropped for the mail intake");
    }

    private static string Date(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(9)).ToString("ddd, dd MMM yyyy HH:mm:ss +0900", CultureInfo.InvariantCulture);

    private static string B64(byte[] bytes) => string.Join("\r\n", Convert.ToBase64String(bytes).Chunk(76).Select(c => new string(c)));

    internal static byte[] Utf8WithPdf(string from, DateTimeOffset at)
    {
        var body = """
            안녕하세요.
            이번 달 25일에 종신보험 보험료가 자동이체로 두 번 출금되었습니다.
            통장 거래내역을 첨부합니다. 중복 출금된 금액을 환불해 주시고, 다음 달에도 같은 일이 생기지 않도록 확인 부탁드립니다.
            연락은 이 메일로 주시면 됩니다.
            """;
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
        var subject = "=?UTF-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("보험료 이중 출금 환불 요청")) + "?=";
        var fileName = "=?UTF-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("거래내역.pdf")) + "?=";
        var text = $"""
            From: {from}
            To: voc@insurer.example
            Subject: {subject}
            Date: {Date(at)}
            Message-ID: <demo-autodebit-{at.ToUnixTimeSeconds()}@mail.example>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="demo-boundary"

            --demo-boundary
            Content-Type: text/plain; charset=UTF-8
            Content-Transfer-Encoding: base64

            {B64(Encoding.UTF8.GetBytes(body))}
            --demo-boundary
            Content-Type: application/pdf; name="{fileName}"
            Content-Disposition: attachment; filename="{fileName}"
            Content-Transfer-Encoding: base64

            {B64(pdf)}
            --demo-boundary--

            """;
        return Encoding.ASCII.GetBytes(text.ReplaceLineEndings("\r\n"));
    }

    internal static byte[] EucKrWithPhoto(DateTimeOffset at)
    {
        var cp949 = Encoding.GetEncoding(949);
        var body = """
            실손보험 통원 치료비를 청구했는데 2주가 지나도록 아무 연락이 없습니다.
            콜센터에 두 번 전화했지만 담당자가 확인 후 연락 준다는 말만 들었습니다.
            진료비 영수증 사진을 다시 첨부하니 언제 지급되는지 알려 주세요.
            """;
        var photo = new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0xFF, 0xD9 };
        var subject = "=?EUC-KR?B?" + Convert.ToBase64String(cp949.GetBytes("보험금 청구 처리 지연")) + "?=";
        var name = "=?EUC-KR?B?" + Convert.ToBase64String(cp949.GetBytes("이민지")) + "?=";
        var text = $"""
            From: {name} <minji.reader@example.net>
            To: voc@insurer.example
            Subject: {subject}
            Date: {Date(at)}
            Message-ID: <demo-euckr-{at.ToUnixTimeSeconds()}@mail.example>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="demo-euckr"

            --demo-euckr
            Content-Type: text/plain; charset=EUC-KR
            Content-Transfer-Encoding: base64

            {B64(cp949.GetBytes(body))}
            --demo-euckr
            Content-Type: image/jpeg; name="receipt.jpg"
            Content-Disposition: attachment; filename="receipt.jpg"
            Content-Transfer-Encoding: base64

            {B64(photo)}
            --demo-euckr--

            """;
        return Encoding.ASCII.GetBytes(text.ReplaceLineEndings("\r\n"));
    }
}
