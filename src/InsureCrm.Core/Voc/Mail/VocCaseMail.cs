using System.Text.Json;
using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Voc.Mail;

/// <summary>One attachment of the e-mail a case came from: its name, MIME type and decoded size (the bytes are not kept).</summary>
public sealed record VocCaseAttachment(string Name, string Type, long Size);

/// <summary>
/// What the case page shows of the e-mail a case came from (migration 0040): the attachments listed (names, types, sizes, as
/// JSON), the charset the text was read in, whether it came from HTML, and the text's original length when it was longer than
/// the intake's limit and kept cut (the page says so in the reader's language).
/// </summary>
public sealed class VocCaseMail
{
    public const int MaxAttachmentsListed = 50;

    public long CaseId { get; set; }
    /// <summary>The length of the mail's text when it was over <see cref="VocIntake.MaxTextLength"/> and kept cut; null when kept whole.</summary>
    public int? OriginalTextLength { get; set; }
    public string Charset { get; set; } = "";
    public bool BodyWasHtml { get; set; }
    public int AttachmentCount { get; set; }
    /// <summary>JSON array of <see cref="VocCaseAttachment"/> (at most <see cref="MaxAttachmentsListed"/>; <see cref="AttachmentCount"/> counts all).</summary>
    public string Attachments { get; set; } = "[]";

    public IReadOnlyList<VocCaseAttachment> AttachmentList() =>
        JsonSerializer.Deserialize<List<VocCaseAttachment>>(Attachments, JsonOptions) ?? [];

    /// <summary>The mail row of a case; null when the case did not come from an e-mail.</summary>
    public static Task<VocCaseMail?> OfCaseAsync(CrmDbContext db, long caseId, CancellationToken ct = default) =>
        db.VocCaseMails.AsNoTracking().FirstOrDefaultAsync(m => m.CaseId == caseId, ct);

    internal static string Serialize(IEnumerable<VocCaseAttachment> attachments) => JsonSerializer.Serialize(attachments, JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}

internal sealed class VocCaseMailConfiguration : IEntityTypeConfiguration<VocCaseMail>
{
    public void Configure(EntityTypeBuilder<VocCaseMail> b)
    {
        b.HasKey(p => p.CaseId);
        b.Property(p => p.CaseId).ValueGeneratedNever();
        b.Property(p => p.Charset).HasMaxLength(40);
        b.Property(p => p.Attachments).HasMaxLength(20_000);
    }
}

/// <summary>The VOC mail table of <see cref="CrmDbContext"/>.</summary>
public static class VocMailSets
{
    extension(CrmDbContext db)
    {
        public DbSet<VocCaseMail> VocCaseMails => db.Set<VocCaseMail>();
    }
}
