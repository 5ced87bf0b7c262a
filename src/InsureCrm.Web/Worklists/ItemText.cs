using System.Globalization;
using InsureCrm.Core.Worklists;
using InsureCrm.Core.Worklists.AgentDay;
using InsureCrm.Web.Localization;
using InsureCrm.Web.Shell;

namespace InsureCrm.Web.Worklists;

/// <summary>
/// An item in the reader's language: its title, the sentence that explains it (worded from its stored facts, never from
/// stored sentences, so the same item reads in Korean, English or Chinese), the best time, the script and the links a
/// phone taps.
/// </summary>
internal static class ItemText
{
    public static string Title(Text t, WorkAction action) => t["worklist.action." + action];

    /// <summary>"이 계약이 3개월 안에 실효될 확률 85% · 주요 이유: …" / "85% likely to lapse within 3 months; top reasons: …".</summary>
    public static string Explain(Text t, AgentDayItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var f = item.Facts;
        var pct = item.Probability.ToString("P0", CultureInfo.CurrentCulture);
        var family = item.Family is { } fam ? t.Enum(fam) : "";
        var product = f.ProductName ?? f.ContractNumber ?? "";
        var why = item.Action switch
        {
            WorkAction.Retention => t.Format("worklist.why.Retention", pct, product),
            WorkAction.CrossSell => t.Format("worklist.why.CrossSell", pct, family),
            WorkAction.UpSell => t.Format("worklist.why.UpSell", pct, family),
            WorkAction.LoanCrossSell => t.Format("worklist.why.LoanCrossSell", pct, family),
            WorkAction.Maturing => t.Format("worklist.why.Maturing", product, Fmt.Date(f.Date))
                + (f.Amount is { } sum ? " · " + t.Format("worklist.why.amount", Fmt.Money(sum, "KRW")) : ""),
            WorkAction.CoverageCheck => f.MonthsSince is { } months
                ? t.Format("worklist.why.CoverageCheck", months)
                : t["worklist.why.CoverageCheckNever"],
            WorkAction.ClaimFollowUp => t.Format("worklist.why.ClaimFollowUp", Fmt.Date(f.Date))
                + (f.Amount is { } paid ? " · " + t.Format("worklist.why.amount", Fmt.Money(paid, "KRW")) : ""),
            WorkAction.Birthday => t.Format("worklist.why.Birthday", Fmt.Date(f.Date)),
            WorkAction.ContactDetails => ContactDetails(t, f),
            WorkAction.Campaign => t.Format("worklist.why.Campaign", f.CampaignName ?? f.CampaignCode ?? ""),
            WorkAction.Referral => t.Format("worklist.why.Referral", family, Fmt.Date(f.Date)) + (f.Note is { Length: > 0 } note ? " · " + note : ""),
            WorkAction.Handover => t.Format("worklist.why.Handover", Fmt.Date(f.Date), f.FormerAgent ?? "", Fmt.Date(f.LeftOn)),
            WorkAction.UnpaidPremium => f.Unpaid is { } unpaid
                ? t.Format("worklist.why.UnpaidPremium", unpaid, f.UnpaidOutOf ?? unpaid, Fmt.Date(f.PaidTo), product)
                    + (f.Date is { } grace ? " · " + t.Format(grace < item.FirstListedOn.AddDays(item.AgeDays) ? "worklist.why.graceEnded" : "worklist.why.graceEnd", Fmt.Date(grace)) : "")
                : product,
            _ => "",
        };
        return f.Reasons.Count == 0 ? why : why + t.Format("worklist.why.reasons", ScoreText.Reasons(t, f.Reasons));
    }

    /// <summary>"빠진 정보: 이메일 · 반송된 연락처: 휴대전화 (2026-03-02)": what is missing, then what bounced and when.</summary>
    private static string ContactDetails(Text t, WorkFacts f)
    {
        string Word(string detail) => t.Has("worklist.missing." + detail) ? t["worklist.missing." + detail] : detail;
        var parts = new List<string>();
        if (f.Missing.Count > 0)
        {
            parts.Add(t.Format("worklist.why.ContactDetails", string.Join(", ", f.Missing.Select(Word))));
        }
        parts.AddRange(f.Bounced.Select(b => t.Format("worklist.why.bounced", Word(b.Detail), Fmt.Date(b.On))));
        return string.Join(" · ", parts);
    }

    /// <summary>"3일째" / "day 3" / "第 3 天": how long the item has been on the list (the day it was first listed is day 1).</summary>
    public static string Age(Text t, AgentDayItem item) => t.Format("worklist.age", item.AgeDays + 1);

    public static string GradeAndSegment(Text t, AgentDayItem item)
    {
        var parts = new List<string>();
        if (item.Grade is { Length: > 0 } grade)
        {
            parts.Add(t.Format("worklist.grade", grade));
        }
        if (item.Segment is { Length: > 0 } segment)
        {
            parts.Add(t.Format("worklist.segment", segment));
        }
        return string.Join(" · ", parts);
    }

    public static string Best(Text t, BestContact best)
    {
        ArgumentNullException.ThrowIfNull(best);
        var when = best.Part is { } part
            ? t.Format("worklist.best.history", t[best.Weekend == true ? "worklist.best.weekend" : "worklist.best.weekday"], t["worklist.part." + part], best.Basis)
            : best.Preferred != Core.Customers.ContactTime.Any
                ? t.Format("worklist.best.preferred", t.Enum(best.Preferred))
                : t["worklist.best.unknown"];
        return when + " · " + t["worklist.channel." + best.Channel];
    }

    /// <summary>The script of a non-campaign item: a few sentences by action, with the customer's name.</summary>
    public static string Script(Text t, AgentDayItem item) => t.Format("worklist.script." + item.Action, item.CustomerName);

    /// <summary>A handover item's orphan case page, or null for any other item.</summary>
    public static string? OrphanCase(AgentDayItem item) =>
        item.Facts.OrphanCaseId is { } id ? "/orphans/" + id.ToString(CultureInfo.InvariantCulture) : null;

    public static string Tel(string digits) => "tel:" + digits;

    /// <summary>A map search for the address (Kakao Map, which Korean agents use).</summary>
    public static string Map(string address) => "https://map.kakao.com/?q=" + Uri.EscapeDataString(address);

    /// <summary>The message for one field's error code: "다음 단계 날짜: 지난 날짜는 고를 수 없습니다".</summary>
    public static string Error(Text t, string field, string code) =>
        t.Format("worklist.error." + code, t.Has("worklist.field." + field) ? t["worklist.field." + field] : field);
}
