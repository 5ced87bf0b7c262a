using System.Text;
using InsureCrm.Core.Voc.Mail;
using Microsoft.Extensions.Logging.Abstractions;
using static InsureCrm.Tests.Voc.Mail.VocMailTestKit;

namespace InsureCrm.Tests.Voc.Mail;

/// <summary>The drop folder of .eml files: read without moving, confirmed files to processed/, unreadable ones to failed/.</summary>
public sealed class VocMailDropTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "insurecrm-voc-drop-tests", Guid.NewGuid().ToString("N"));

    public VocMailDropTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, true);

    private VocMailDrop Drop(bool keepAttachments = false) =>
        new(new VocMailOptions { Source = VocMailSourceKind.Drop, DropFolder = _folder, KeepAttachmentContent = keepAttachments }, NullLogger<VocMailDrop>.Instance);

    [Fact]
    public async Task Fetch_ReadsEmlFilesWithoutMovingThem_AndMarkProcessedMovesOnlyTheConfirmed()
    {
        Write("a.eml", "<a@example.com>", "첫 편지", DateTime.UtcNow.AddMinutes(-2));
        Write("b.EML", "<b@example.com>", "둘째 편지", DateTime.UtcNow.AddMinutes(-1));
        File.WriteAllText(Path.Combine(_folder, "notes.txt"), "not a mail");
        var drop = Drop();

        var first = await drop.FetchAsync();
        var again = await drop.FetchAsync();
        await drop.MarkProcessedAsync(["a.eml"]);
        var after = await drop.FetchAsync();

        first.Messages.Select(m => (m.Id, m.Text.Trim())).ShouldBe([("a.eml", "첫 편지"), ("b.EML", "둘째 편지")]);
        again.Messages.Count.ShouldBe(2);
        after.Messages.Select(m => m.Id).ShouldBe(["b.EML"]);
        File.Exists(Path.Combine(_folder, VocMailDrop.ProcessedFolder, "a.eml")).ShouldBeTrue();
        File.Exists(Path.Combine(_folder, "notes.txt")).ShouldBeTrue();
    }

    [Fact]
    public async Task Fetch_UnreadableFile_IsReportedAndMarkFailedSetsItAside()
    {
        File.WriteAllBytes(Path.Combine(_folder, "broken.eml"), []);
        Write("good.eml", "<g@example.com>", "정상", DateTime.UtcNow);
        var drop = Drop();

        var batch = await drop.FetchAsync();
        await drop.MarkFailedAsync(batch.Unreadable);

        batch.Unreadable.ShouldBe(["broken.eml"]);
        batch.Messages.Select(m => m.Id).ShouldBe(["good.eml"]);
        File.Exists(Path.Combine(_folder, VocMailDrop.FailedFolder, "broken.eml")).ShouldBeTrue();
        (await drop.FetchAsync()).Unreadable.ShouldBeEmpty();
    }

    [Fact]
    public async Task MarkProcessed_HandleWithAPath_MovesNothingOutsideTheFolder()
    {
        var outside = Path.Combine(Path.GetDirectoryName(_folder)!, Guid.NewGuid().ToString("N") + ".eml");
        File.WriteAllText(outside, "x");
        try
        {
            await Drop().MarkProcessedAsync(["../" + Path.GetFileName(outside), outside]);

            File.Exists(outside).ShouldBeTrue();
            Directory.Exists(Path.Combine(_folder, VocMailDrop.ProcessedFolder)).ShouldBeFalse();
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [Fact]
    public async Task MarkProcessed_SameNameAlreadyProcessed_KeepsBothFiles()
    {
        Write("same.eml", "<s1@example.com>", "하나", DateTime.UtcNow);
        var drop = Drop();
        await drop.MarkProcessedAsync(["same.eml"]);
        Write("same.eml", "<s2@example.com>", "둘", DateTime.UtcNow);

        await drop.MarkProcessedAsync(["same.eml"]);

        Directory.GetFiles(Path.Combine(_folder, VocMailDrop.ProcessedFolder)).Select(Path.GetFileName).Order().ShouldBe(["same.2.eml", "same.eml"]);
    }

    [Fact]
    public async Task Fetch_KeepAttachmentContent_HoldsTheDecodedBytes()
    {
        var bytes = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();
        File.WriteAllBytes(Path.Combine(_folder, "att.eml"), Raw($"""
            From: x@example.com
            Subject: photo
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="zz"

            --zz
            Content-Type: text/plain; charset=utf-8

            사진 첨부
            --zz
            Content-Type: image/jpeg
            Content-Disposition: attachment; filename="car.jpg"
            Content-Transfer-Encoding: base64

            {Base64Lines(bytes)}--zz--
            """, []));

        var mail = (await Drop(keepAttachments: true).FetchAsync()).Messages.ShouldHaveSingleItem();

        var attachment = mail.Attachments.ShouldHaveSingleItem();
        attachment.FileName.ShouldBe("car.jpg");
        attachment.Size.ShouldBe(5000);
        attachment.Content.ShouldBe(bytes);
    }

    private void Write(string name, string messageId, string text, DateTime modified)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, Raw($"""
            From: someone@example.com
            Subject: drop
            Message-ID: {messageId}
            MIME-Version: 1.0
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: base64
            """, Encoding.ASCII.GetBytes(Base64Lines(Encoding.UTF8.GetBytes(text)))));
        File.SetLastWriteTimeUtc(path, modified);
    }
}
