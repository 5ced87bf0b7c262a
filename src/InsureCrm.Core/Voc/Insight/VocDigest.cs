using System.Globalization;
using System.Net;
using System.Text;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Execution;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Voc.Insight;

/// <summary>Who receives the weekly digest (configuration <c>Voc:Digest</c>): e-mail addresses, comma-separated or a list.</summary>
public sealed class VocDigestOptions
{
    public const string Section = "Voc:Digest";

    public List<string> Recipients { get; set; } = [];

    public IEnumerable<string> Validate()
    {
        foreach (var r in Recipients)
        {
            if (!MimeKit.MailboxAddress.TryParse(r, out _) || !r.Contains('@', StringComparison.Ordinal))
            {
                yield return "Voc:Digest:Recipients holds an address that is not an e-mail address (entry " + (Recipients.IndexOf(r) + 1).ToString(CultureInfo.InvariantCulture) + ").";
            }
        }
    }
}

/// <summary>A week whose digest was sent (so the nightly step sends each week's once).</summary>
public sealed class VocDigestSent
{
    public DateOnly WeekStart { get; set; }
    public DateTime SentAt { get; set; }
    public int Recipients { get; set; }
}

internal sealed class VocDigestSentConfiguration : IEntityTypeConfiguration<VocDigestSent>
{
    public void Configure(EntityTypeBuilder<VocDigestSent> b) => b.HasKey(p => p.WeekStart);
}

/// <summary>A type's cases this week and the week before.</summary>
public sealed record VocDigestTypeLine(VocType? Type, int ThisWeek, int PreviousWeek);

/// <summary>A top category of the week with its count and up to two example texts, masked.</summary>
public sealed record VocDigestCategory(string? Code, string NameKo, string NameEn, string NameZh, int Count, IReadOnlyList<string> Examples);

/// <summary>The week's digest: what an executive reads on Monday.</summary>
public sealed record VocDigestData(DateOnly Week, DateTime From, DateTime To, IReadOnlyList<VocDigestTypeLine> Types, int Total, int PreviousTotal,
    double? FirstResponseRate, double? ResolutionRate, IReadOnlyList<VocDigestCategory> TopCategories, int Breaches, int Repeats, int Compliments,
    IReadOnlyList<string> ComplimentExamples);

/// <summary>
/// The weekly VOC digest (issue 16, item 7): volume by type against the week before, SLA compliance of the week's cases, the
/// top five categories with two example texts each (masked: <see cref="VocTextMask"/>), breaches, repeats and compliments.
/// Whole company; a handful of small queries on the week's cases (index on received_at).
/// </summary>
public sealed class VocDigest(CrmDbContext db, VocOptions options, TimeProvider time)
{
    public const int TopCategories = 5;
    public const int ExamplesPerCategory = 2;

    /// <summary>The Monday (configured zone) of the week holding <paramref name="day"/>; without a day, the last whole week.</summary>
    public DateOnly WeekOf(DateOnly? day)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        var d = day ?? DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(time.GetUtcNow().UtcDateTime, zone)).AddDays(-7);
        return d.AddDays(-(((int)d.DayOfWeek + 6) % 7));
    }

    private DateTime Utc(DateOnly day)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        return DateTime.SpecifyKind(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), zone), DateTimeKind.Utc);
    }

    public async Task<VocDigestData> BuildAsync(DateOnly week, CancellationToken ct = default)
    {
        var from = Utc(week);
        var to = Utc(week.AddDays(7));
        var previous = Utc(week.AddDays(-7));
        var now = time.GetUtcNow().UtcDateTime;
        var asOf = now < to ? now : to;
        var cases = db.VocCases.AsNoTracking();
        var thisWeek = cases.Where(c => c.ReceivedAt >= from && c.ReceivedAt < to);
        var current = await thisWeek.GroupBy(c => c.Type).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var before = await cases.Where(c => c.ReceivedAt >= previous && c.ReceivedAt < from).GroupBy(c => c.Type).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var types = current.Select(c => c.Key).Union(before.Select(b => b.Key))
            .Select(t => new VocDigestTypeLine(t, current.FirstOrDefault(c => c.Key == t)?.Count ?? 0, before.FirstOrDefault(b => b.Key == t)?.Count ?? 0))
            .OrderByDescending(l => l.ThisWeek).ThenBy(l => l.Type).ToList();
        var sla = await thisWeek.GroupBy(c => 1).Select(g => new
        {
            FrDue = g.Sum(c => c.FirstResponseDueAt != null && (c.FirstRespondedAt != null || c.FirstResponseDueAt <= asOf) ? 1 : 0),
            FrMet = g.Sum(c => c.FirstRespondedAt != null && c.FirstRespondedAt <= c.FirstResponseDueAt ? 1 : 0),
            ResDue = g.Sum(c => c.ResolutionDueAt != null && (c.ResolvedAt != null || c.ResolutionDueAt <= asOf) ? 1 : 0),
            ResMet = g.Sum(c => c.ResolvedAt != null && c.ResolvedAt <= c.ResolutionDueAt ? 1 : 0),
            Repeats = g.Sum(c => c.RepeatOfId != null ? 1 : 0),
        }).FirstOrDefaultAsync(ct);
        var top = await thisWeek.Where(c => c.Type != VocType.Compliment).GroupBy(c => c.CategoryCode)
            .Select(g => new { g.Key, Count = g.Count() }).OrderByDescending(g => g.Count).ThenBy(g => g.Key).Take(TopCategories).ToListAsync(ct);
        var names = await db.VocCategories.AsNoTracking().ToDictionaryAsync(c => c.Code, ct);
        var categories = new List<VocDigestCategory>();
        foreach (var t in top)
        {
            var examples = await ExamplesAsync(thisWeek.Where(c => c.CategoryCode == t.Key && c.Type != VocType.Compliment), ct);
            var n = t.Key is not null && names.TryGetValue(t.Key, out var cat) ? cat : null;
            categories.Add(new VocDigestCategory(t.Key, n?.NameKo ?? "미분류", n?.NameEn ?? "Unclassified", n?.NameZh ?? "未分類", t.Count, examples));
        }
        var breaches = await cases.CountAsync(c => c.Breached && c.EscalatedAt >= from && c.EscalatedAt < to, ct);
        var compliments = current.FirstOrDefault(c => c.Key == VocType.Compliment)?.Count ?? 0;
        var praise = await ExamplesAsync(thisWeek.Where(c => c.Type == VocType.Compliment), ct);
        return new VocDigestData(week, from, to, types, current.Sum(c => c.Count), before.Sum(b => b.Count),
            sla is null || sla.FrDue == 0 ? null : (double)sla.FrMet / sla.FrDue, sla is null || sla.ResDue == 0 ? null : (double)sla.ResMet / sla.ResDue,
            categories, breaches, sla?.Repeats ?? 0, compliments, praise);
    }

    /// <summary>The latest texts of the cases, masked (the customer's own name too, when the case names a customer).</summary>
    private async Task<IReadOnlyList<string>> ExamplesAsync(IQueryable<VocCase> cases, CancellationToken ct)
    {
        var rows = await (from c in cases
                          join p in db.Customers.AsNoTracking() on c.CustomerId equals p.Id into people
                          from p in people.DefaultIfEmpty()
                          orderby c.ReceivedAt descending, c.Id descending
                          select new { c.Text, Name = p == null ? null : p.Name }).Take(ExamplesPerCategory).ToListAsync(ct);
        return [.. rows.Select(r => VocTextMask.Mask(r.Text, r.Name is null ? null : [r.Name]))];
    }

    private static string Change(int now, int before) => before == 0 ? (now == 0 ? "0" : "+" + now.ToString(CultureInfo.InvariantCulture))
        : ((now - before) >= 0 ? "+" : "") + ((double)(now - before) / before).ToString("0%", CultureInfo.InvariantCulture);

    private static string Rate(double? r) => r is { } x ? x.ToString("0.0%", CultureInfo.InvariantCulture) : "-";

    private static string TypeKo(VocType? t) => t switch
    {
        VocType.Inquiry => "문의", VocType.Consultation => "상담", VocType.Suggestion => "제안", VocType.Complaint => "불만",
        VocType.Compliment => "칭찬", VocType.Report => "신고", _ => "미분류",
    };

    public static string Subject(VocDigestData d) => string.Create(CultureInfo.InvariantCulture, $"[InsureCRM] 주간 VOC 다이제스트 {d.Week:yyyy-MM-dd} 주 ({d.Total:N0}건)");

    /// <summary>The digest as plain text (the e-mail's text part and the CLI's output), in Korean.</summary>
    public static string Text(VocDigestData d)
    {
        ArgumentNullException.ThrowIfNull(d);
        var sb = new StringBuilder();
        sb.AppendLine(Subject(d)).AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"접수 {d.Total:N0}건 (전주 {d.PreviousTotal:N0}건, {Change(d.Total, d.PreviousTotal)})");
        foreach (var t in d.Types)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"  - {TypeKo(t.Type)}: {t.ThisWeek:N0}건 (전주 {t.PreviousWeek:N0}건, {Change(t.ThisWeek, t.PreviousWeek)})");
        }
        sb.AppendLine(CultureInfo.InvariantCulture, $"SLA 준수율: 1차 응대 {Rate(d.FirstResponseRate)}, 처리 완료 {Rate(d.ResolutionRate)}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"SLA 위반(에스컬레이션) {d.Breaches:N0}건, 반복 민원 {d.Repeats:N0}건, 칭찬 {d.Compliments:N0}건").AppendLine();
        sb.AppendLine("주요 분류 상위 5개");
        var i = 0;
        foreach (var c in d.TopCategories)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{++i}. {c.NameKo} ({c.Count:N0}건)");
            foreach (var e in c.Examples)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"   \"{e}\"");
            }
        }
        if (d.ComplimentExamples.Count > 0)
        {
            sb.AppendLine().AppendLine("이번 주 칭찬");
            foreach (var e in d.ComplimentExamples)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"   \"{e}\"");
            }
        }
        return sb.ToString();
    }

    /// <summary>The digest as HTML (the e-mail's HTML part), every text encoded.</summary>
    public static string Html(VocDigestData d)
    {
        ArgumentNullException.ThrowIfNull(d);
        static string E(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder("<!doctype html><html lang=\"ko\"><meta charset=\"utf-8\"><body style=\"font-family:sans-serif\">");
        sb.Append(CultureInfo.InvariantCulture, $"<h1>{E(Subject(d))}</h1><table border=\"1\" cellpadding=\"4\" style=\"border-collapse:collapse\"><tr><th>유형</th><th>이번 주</th><th>전주</th><th>증감</th></tr>");
        foreach (var t in d.Types)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(TypeKo(t.Type))}</td><td align=\"right\">{t.ThisWeek:N0}</td><td align=\"right\">{t.PreviousWeek:N0}</td><td align=\"right\">{Change(t.ThisWeek, t.PreviousWeek)}</td></tr>");
        }
        sb.Append(CultureInfo.InvariantCulture, $"<tr><th>합계</th><th align=\"right\">{d.Total:N0}</th><th align=\"right\">{d.PreviousTotal:N0}</th><th align=\"right\">{Change(d.Total, d.PreviousTotal)}</th></tr></table>");
        sb.Append(CultureInfo.InvariantCulture, $"<p>SLA 준수율: 1차 응대 <b>{Rate(d.FirstResponseRate)}</b>, 처리 완료 <b>{Rate(d.ResolutionRate)}</b><br>SLA 위반 {d.Breaches:N0}건 · 반복 민원 {d.Repeats:N0}건 · 칭찬 {d.Compliments:N0}건</p>");
        sb.Append("<h2>주요 분류 상위 5개</h2><ol>");
        foreach (var c in d.TopCategories)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<li>{E(c.NameKo)} ({c.Count:N0}건)<ul>");
            foreach (var e in c.Examples)
            {
                sb.Append("<li>“").Append(E(e)).Append("”</li>");
            }
            sb.Append("</ul></li>");
        }
        sb.Append("</ol>");
        if (d.ComplimentExamples.Count > 0)
        {
            sb.Append("<h2>이번 주 칭찬</h2><ul>");
            foreach (var e in d.ComplimentExamples)
            {
                sb.Append("<li>“").Append(E(e)).Append("”</li>");
            }
            sb.Append("</ul>");
        }
        return sb.Append("</body></html>").ToString();
    }
}

/// <summary>Sends a week's digest to the configured recipients through the mail transport Campaigns uses (SMTP or the pickup folder).</summary>
internal sealed class VocDigestSender(CrmDbContext db, VocDigest digest, VocDigestOptions options, CampaignsOptions campaigns, IEmailTransportFactory factory,
    TimeProvider time)
{
    /// <summary>Sends the week's digest (again, if asked twice) and records it; returns how many recipients; 0 when none is configured.</summary>
    public async Task<int> SendAsync(DateOnly week, CancellationToken ct = default)
    {
        if (options.Recipients.Count == 0)
        {
            return 0;
        }
        var data = await digest.BuildAsync(week, ct);
        var domain = CampaignMail.DomainOf(campaigns.Email);
        var subject = VocDigest.Subject(data);
        var text = VocDigest.Text(data);
        var html = VocDigest.Html(data);
        await using (var transport = await factory.OpenAsync(ct))
        {
            var i = 0;
            foreach (var to in options.Recipients)
            {
                var id = string.Create(CultureInfo.InvariantCulture, $"voc-digest-{week:yyyyMMdd}-{++i}@{domain}");
                await transport.SendAsync(new OutgoingEmail(0, to, id, subject, text, html, ""), ct);
            }
        }
        var sent = await db.Set<VocDigestSent>().FirstOrDefaultAsync(s => s.WeekStart == week, ct);
        if (sent is null)
        {
            db.Set<VocDigestSent>().Add(new VocDigestSent { WeekStart = week, SentAt = time.GetUtcNow().UtcDateTime, Recipients = options.Recipients.Count });
        }
        else
        {
            sent.SentAt = time.GetUtcNow().UtcDateTime;
            sent.Recipients = options.Recipients.Count;
        }
        await db.SaveChangesAsync(ct);
        return options.Recipients.Count;
    }

    public Task<bool> WasSentAsync(DateOnly week, CancellationToken ct = default) => db.Set<VocDigestSent>().AnyAsync(s => s.WeekStart == week, ct);
}

/// <summary>The nightly chain's weekly digest: on a Monday (the chain's day), the week before's digest, once.</summary>
internal sealed class VocDigestStep(IServiceScopeFactory scopes) : INightlyStep
{
    public string Name => "voc-digest";

    public int Order => 680;

    public async Task<NightlyStepResult> RunAsync(DateOnly asOf, CancellationToken ct)
    {
        if (asOf.DayOfWeek != DayOfWeek.Monday)
        {
            return new NightlyStepResult(["VOC digest: sent on Mondays only."]);
        }
        await using var scope = scopes.CreateAsyncScope();
        var sender = scope.ServiceProvider.GetRequiredService<VocDigestSender>();
        var week = asOf.AddDays(-7);
        if (await sender.WasSentAsync(week, ct))
        {
            return new NightlyStepResult([string.Create(CultureInfo.InvariantCulture, $"VOC digest of the week of {week:yyyy-MM-dd}: already sent.")]);
        }
        var n = await sender.SendAsync(week, ct);
        return new NightlyStepResult([n == 0 ? "VOC digest: no recipients configured (Voc:Digest:Recipients)."
            : string.Create(CultureInfo.InvariantCulture, $"VOC digest of the week of {week:yyyy-MM-dd} sent to {n} recipients.")]);
    }
}
