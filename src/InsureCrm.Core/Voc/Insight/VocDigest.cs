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

/// <summary>
/// Who receives the weekly digest (configuration <c>Voc:Digest</c>): e-mail addresses, comma-separated or a list, each in
/// Korean unless it names its reader's language first: <c>en:cfo@example.com</c>, <c>zh-TW:tw-head@example.com</c> (the
/// product's three languages; staff accounts hold no e-mail address or language of their own, so the list says it).
/// </summary>
public sealed class VocDigestOptions
{
    public const string Section = "Voc:Digest";

    public List<string> Recipients { get; set; } = [];

    /// <summary>A recipient entry's address and language (<c>ko</c>, <c>en</c> or <c>zh-TW</c>; Korean when it names none).</summary>
    public static (string Address, string Language) Parse(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var e = entry.Trim();
        foreach (var language in VocDigest.Languages)
        {
            if (e.StartsWith(language + ":", StringComparison.OrdinalIgnoreCase))
            {
                return (e[(language.Length + 1)..].Trim(), language);
            }
        }
        return (e, VocDigest.Languages[0]);
    }

    public IEnumerable<string> Validate()
    {
        for (var i = 0; i < Recipients.Count; i++)
        {
            var (address, _) = Parse(Recipients[i]);
            if (!MimeKit.MailboxAddress.TryParse(address, out _) || !address.Contains('@', StringComparison.Ordinal) || address.Contains(':', StringComparison.Ordinal))
            {
                yield return "Voc:Digest:Recipients holds an address that is not an e-mail address (entry " + (i + 1).ToString(CultureInfo.InvariantCulture)
                    + "; a language goes first, as in en:name@example.com).";
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
        // Five counts over the week's cases (the received_at index bounds each); a GroupBy on a constant with FirstOrDefault
        // made EF warn of a First without an OrderBy and its SQL differed between the providers.
        var frDue = await thisWeek.CountAsync(c => c.FirstResponseDueAt != null && (c.FirstRespondedAt != null || c.FirstResponseDueAt <= asOf), ct);
        var frMet = await thisWeek.CountAsync(c => c.FirstRespondedAt != null && c.FirstRespondedAt <= c.FirstResponseDueAt, ct);
        var resDue = await thisWeek.CountAsync(c => c.ResolutionDueAt != null && (c.ResolvedAt != null || c.ResolutionDueAt <= asOf), ct);
        var resMet = await thisWeek.CountAsync(c => c.ResolvedAt != null && c.ResolvedAt <= c.ResolutionDueAt, ct);
        var repeats = await thisWeek.CountAsync(c => c.RepeatOfId != null, ct);
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
            frDue == 0 ? null : (double)frMet / frDue, resDue == 0 ? null : (double)resMet / resDue,
            categories, breaches, repeats, compliments, praise);
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

    /// <summary>The languages a digest is written in, the default first.</summary>
    public static readonly IReadOnlyList<string> Languages = ["ko", "en", "zh-TW"];

    private static string Pick(string? language, string ko, string en, string zh) =>
        language is not null && language.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? en
        : language is not null && language.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? zh
        : ko;

    private static string TypeName(VocType? t, string? language) => t switch
    {
        VocType.Inquiry => Pick(language, "문의", "Inquiry", "諮詢"),
        VocType.Consultation => Pick(language, "상담", "Consultation", "洽詢"),
        VocType.Suggestion => Pick(language, "제안", "Suggestion", "建議"),
        VocType.Complaint => Pick(language, "불만", "Complaint", "申訴"),
        VocType.Compliment => Pick(language, "칭찬", "Compliment", "讚美"),
        VocType.Report => Pick(language, "신고", "Report", "檢舉"),
        _ => Pick(language, "미분류", "Unclassified", "未分類"),
    };

    private static string CategoryName(VocDigestCategory c, string? language) => Pick(language, c.NameKo, c.NameEn, c.NameZh);

    /// <summary>"12건" / "12 cases" / "12 件".</summary>
    private static string Cases(int n, string? language) =>
        string.Format(CultureInfo.InvariantCulture, Pick(language, "{0:N0}건", n == 1 ? "{0:N0} case" : "{0:N0} cases", "{0:N0} 件"), n);

    /// <summary>The mail's subject in <paramref name="language"/> (ko, en or zh-TW; Korean for anything else).</summary>
    public static string Subject(VocDigestData d, string? language = null)
    {
        ArgumentNullException.ThrowIfNull(d);
        return string.Format(CultureInfo.InvariantCulture, Pick(language, "[InsureCRM] 주간 VOC 다이제스트 {0:yyyy-MM-dd} 주 ({1})",
            "[InsureCRM] Weekly VOC digest, week of {0:yyyy-MM-dd} ({1})", "[InsureCRM] 每週 VOC 摘要 {0:yyyy-MM-dd} 當週（{1}）"), d.Week, Cases(d.Total, language));
    }

    private static string Received(VocDigestData d, string? language) => string.Format(CultureInfo.InvariantCulture,
        Pick(language, "접수 {0} (전주 {1}, {2})", "Received {0} (week before {1}, {2})", "受理 {0}（前一週 {1}，{2}）"),
        Cases(d.Total, language), Cases(d.PreviousTotal, language), Change(d.Total, d.PreviousTotal));

    private static string SlaLine(VocDigestData d, string? language, string strongOpen = "", string strongClose = "") => string.Format(CultureInfo.InvariantCulture,
        Pick(language, "SLA 준수율: 1차 응대 {0}, 처리 완료 {1}", "SLA met: first response {0}, resolution {1}", "SLA 達成率：首次回應 {0}，處理完成 {1}"),
        strongOpen + Rate(d.FirstResponseRate) + strongClose, strongOpen + Rate(d.ResolutionRate) + strongClose);

    private static string CountsLine(VocDigestData d, string? language) => string.Format(CultureInfo.InvariantCulture,
        Pick(language, "SLA 위반(에스컬레이션) {0} · 반복 민원 {1} · 칭찬 {2}", "SLA breaches (escalated) {0} · repeats {1} · compliments {2}",
            "SLA 逾期（已呈報）{0} · 重複申訴 {1} · 讚美 {2}"),
        Cases(d.Breaches, language), Cases(d.Repeats, language), Cases(d.Compliments, language));

    private static string TopTitle(string? language) => Pick(language, "주요 분류 상위 5개", "Top 5 categories", "前 5 大類別");

    private static string PraiseTitle(string? language) => Pick(language, "이번 주 칭찬", "Compliments this week", "本週讚美");

    /// <summary>The digest as plain text (the e-mail's text part and the CLI's output), in <paramref name="language"/> (Korean by default).</summary>
    public static string Text(VocDigestData d, string? language = null)
    {
        ArgumentNullException.ThrowIfNull(d);
        var sb = new StringBuilder();
        sb.AppendLine(Subject(d, language)).AppendLine();
        sb.AppendLine(Received(d, language));
        foreach (var t in d.Types)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"  - {TypeName(t.Type, language)}: {Cases(t.ThisWeek, language)} ({Pick(language, "전주", "week before", "前一週")} {Cases(t.PreviousWeek, language)}, {Change(t.ThisWeek, t.PreviousWeek)})");
        }
        sb.AppendLine(SlaLine(d, language));
        sb.AppendLine(CountsLine(d, language)).AppendLine();
        sb.AppendLine(TopTitle(language));
        var i = 0;
        foreach (var c in d.TopCategories)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{++i}. {CategoryName(c, language)} ({Cases(c.Count, language)})");
            foreach (var e in c.Examples)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"   \"{e}\"");
            }
        }
        if (d.ComplimentExamples.Count > 0)
        {
            sb.AppendLine().AppendLine(PraiseTitle(language));
            foreach (var e in d.ComplimentExamples)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"   \"{e}\"");
            }
        }
        return sb.ToString();
    }

    /// <summary>The digest as HTML (the e-mail's HTML part), every text encoded, in <paramref name="language"/> (Korean by default).</summary>
    public static string Html(VocDigestData d, string? language = null)
    {
        ArgumentNullException.ThrowIfNull(d);
        static string E(string s) => WebUtility.HtmlEncode(s);
        var lang = Pick(language, "ko", "en", "zh-TW");
        var sb = new StringBuilder("<!doctype html><html lang=\"").Append(lang).Append("\"><meta charset=\"utf-8\"><body style=\"font-family:sans-serif\">");
        sb.Append(CultureInfo.InvariantCulture, $"<h1>{E(Subject(d, language))}</h1><table border=\"1\" cellpadding=\"4\" style=\"border-collapse:collapse\"><tr><th>{E(Pick(language, "유형", "Type", "類型"))}</th><th>{E(Pick(language, "이번 주", "This week", "本週"))}</th><th>{E(Pick(language, "전주", "Week before", "前一週"))}</th><th>{E(Pick(language, "증감", "Change", "增減"))}</th></tr>");
        foreach (var t in d.Types)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(TypeName(t.Type, language))}</td><td align=\"right\">{t.ThisWeek:N0}</td><td align=\"right\">{t.PreviousWeek:N0}</td><td align=\"right\">{Change(t.ThisWeek, t.PreviousWeek)}</td></tr>");
        }
        sb.Append(CultureInfo.InvariantCulture, $"<tr><th>{E(Pick(language, "합계", "Total", "合計"))}</th><th align=\"right\">{d.Total:N0}</th><th align=\"right\">{d.PreviousTotal:N0}</th><th align=\"right\">{Change(d.Total, d.PreviousTotal)}</th></tr></table>");
        sb.Append(CultureInfo.InvariantCulture, $"<p>{E(SlaLine(d, language, "\u0001", "\u0002")).Replace("\u0001", "<b>", StringComparison.Ordinal).Replace("\u0002", "</b>", StringComparison.Ordinal)}<br>{E(CountsLine(d, language))}</p>");
        sb.Append(CultureInfo.InvariantCulture, $"<h2>{E(TopTitle(language))}</h2><ol>");
        foreach (var c in d.TopCategories)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<li>{E(CategoryName(c, language))} ({E(Cases(c.Count, language))})<ul>");
            foreach (var e in c.Examples)
            {
                sb.Append("<li>“").Append(E(e)).Append("”</li>");
            }
            sb.Append("</ul></li>");
        }
        sb.Append("</ol>");
        if (d.ComplimentExamples.Count > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<h2>{E(PraiseTitle(language))}</h2><ul>");
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
        await using (var transport = await factory.OpenAsync(ct))
        {
            var i = 0;
            foreach (var entry in options.Recipients)
            {
                // Each reader gets the digest in their own language (Korean unless the entry names another).
                var (to, language) = VocDigestOptions.Parse(entry);
                var id = string.Create(CultureInfo.InvariantCulture, $"voc-digest-{week:yyyyMMdd}-{++i}@{domain}");
                await transport.SendAsync(new OutgoingEmail(0, to, id, VocDigest.Subject(data, language), VocDigest.Text(data, language),
                    VocDigest.Html(data, language), ""), ct);
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
