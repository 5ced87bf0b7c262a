using System.Globalization;
using InsureCrm.Core.Worklists;

namespace InsureCrm.Cli.Worklists;

/// <summary>An item's reason in English for the terminal (the pages say it in the reader's language).</summary>
internal static class WorkItemWords
{
    public static string English(WorkItem item, WorkFacts f)
    {
        var p = item.Probability.ToString("P0", CultureInfo.InvariantCulture);
        var why = item.Action switch
        {
            WorkAction.Retention => $"{p} likely to lapse within 3 months{Contract(f)}",
            WorkAction.CrossSell => $"{p} likely to buy {item.Family} within 3 months",
            WorkAction.UpSell => $"{p} likely to add {item.Family} cover within 3 months",
            WorkAction.LoanCrossSell => $"{p} likely to take a loan within 3 months",
            WorkAction.Maturing => $"{f.ProductName} {f.ContractNumber} matures on {f.Date:yyyy-MM-dd}",
            WorkAction.CoverageCheck => f.MonthsSince is { } m ? $"no coverage check for {m} months" : "no coverage check on record",
            WorkAction.ClaimFollowUp => $"claim paid on {f.Date:yyyy-MM-dd}",
            WorkAction.Birthday => $"birthday on {f.Date:MM-dd}",
            WorkAction.ContactDetails => string.Join("; ", new[]
            {
                f.Missing.Count == 0 ? null : "missing: " + string.Join(", ", f.Missing),
                f.Bounced.Count == 0 ? null : "bounced: " + string.Join(", ", f.Bounced.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Detail} on {b.On:yyyy-MM-dd}"))),
            }.OfType<string>()),
            WorkAction.Campaign => $"campaign {f.CampaignCode} {f.CampaignName}",
            WorkAction.Referral => $"asked the call center about {item.Family} on {f.Date:yyyy-MM-dd}",
            WorkAction.Handover => $"handed-over customer: first contact by {f.Date:yyyy-MM-dd} (former agent {f.FormerAgent} left {f.LeftOn:yyyy-MM-dd}; orphan case {f.OrphanCaseId})",
            WorkAction.UnpaidPremium => $"{f.Unpaid} of the last {f.UnpaidOutOf} premiums unpaid (paid to {f.PaidTo:yyyy-MM-dd}; lapses if unpaid by {f.Date:yyyy-MM-dd}){Contract(f)}",
            _ => item.Action.ToString(),
        };
        var reasons = f.Reasons.Count == 0 ? "" : "; top reasons: " + string.Join(", ", f.Reasons.Select(r => $"{r.Feature}={r.Value}"));
        var grade = f.Grade is null ? "" : $"; grade {f.Grade}";
        return FormattableString.Invariant($"{why}{reasons}{grade}");
    }

    private static string Contract(WorkFacts f) => f.ContractNumber is null ? "" : $" ({f.ProductName} {f.ContractNumber})";
}
