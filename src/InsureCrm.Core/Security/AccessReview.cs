using System.Globalization;
using System.Text;
using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Security;

/// <summary>
/// One user's use of personal data in the reviewed month: counts per kind of access; accesses outside
/// business hours (08:00–21:00 in the configured zone by default); the most distinct customers reached
/// on one day, and the days on which that exceeded the review threshold (the unusual pattern to ask about);
/// and <see cref="Denied"/>, the refused attempts on customer ids outside the user's reach (probing).
/// </summary>
public sealed record AccessReviewRow(
    string UserName, Role Role, int Views, int Searches, int Changes, int Unmasks, int Downloads, int Other,
    int OffHours, int MaxCustomersPerDay, int DaysOverThreshold, int Denied = 0)
{
    /// <summary>Worth asking the user about: off-hours access, a day over the threshold, or a refused attempt on a customer id.</summary>
    public bool Flagged => DaysOverThreshold > 0 || OffHours > 0 || Denied > 0;
}

/// <summary>The monthly access review for compliance: per user, and whether the log's chain is intact.</summary>
public sealed record AccessReviewReport(
    int Year, int Month, DateTime FromUtc, DateTime ToUtc, int DailyCustomerThreshold,
    IReadOnlyList<AccessReviewRow> Users, ChainVerification Chain);

/// <summary>
/// Builds the monthly access review (PIPA safeguard standard: access records are checked at least monthly):
/// per user the views, searches, changes, unmasks and downloads, the accesses outside business hours,
/// the days on which they reached more distinct customers than usual, and the refused attempts on customer
/// ids outside their reach; plus the chain verification.
/// Reading the review is itself logged (<see cref="AccessAction.View"/>, or <see cref="AccessAction.Download"/> for the CSV).
/// </summary>
public sealed class AccessReview(CrmDbContext db, AccessLog log, AccessLogOptions options)
{
    /// <summary>Parses "2026-10" into a year and month.</summary>
    public static bool TryParseMonth(string? text, out int year, out int month)
    {
        year = month = 0;
        if (!DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return false;
        }
        (year, month) = (date.Year, date.Month);
        return true;
    }

    public async Task<AccessReviewReport> BuildAsync(int year, int month, CancellationToken ct = default)
    {
        var zone = options.Zone;
        var firstDay = new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        var from = TimeZoneInfo.ConvertTimeToUtc(firstDay, zone);
        var to = TimeZoneInfo.ConvertTimeToUtc(firstDay.AddMonths(1), zone);

        var perUser = new Dictionary<string, Tally>(StringComparer.Ordinal);
        var rows = db.AccessLog.AsNoTracking()
            .Where(e => e.At >= from && e.At < to)
            .OrderBy(e => e.Id)
            .Select(e => new { e.UserName, e.Role, e.At, e.Action, e.CustomerId })
            .AsAsyncEnumerable();
        await foreach (var e in rows.WithCancellation(ct))
        {
            if (!perUser.TryGetValue(e.UserName, out var tally))
            {
                perUser[e.UserName] = tally = new Tally(e.Role);
            }
            var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(e.At, DateTimeKind.Utc), zone);
            tally.Add(e.Action, local, e.CustomerId, options);
        }
        var users = perUser.OrderBy(u => u.Key, StringComparer.Ordinal)
            .Select(u => u.Value.ToRow(u.Key, options.DailyCustomerThreshold))
            .ToList();
        return new AccessReviewReport(year, month, from, to, options.DailyCustomerThreshold, users, await log.VerifyAsync(ct));
    }

    /// <summary>The report as CSV (UTF-8, invariant formats); user names and counts only, no customer data.</summary>
    public static string ToCsv(AccessReviewReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"month,{report.Year:D4}-{report.Month:D2}\n");
        sb.Append(inv, $"chain,{(report.Chain.Intact ? "intact" : "broken")},{report.Chain.Entries},{report.Chain.FirstBrokenId}\n");
        sb.Append("user,role,views,searches,changes,unmasks,downloads,other,off_hours,max_customers_per_day,days_over_threshold,denied,flagged\n");
        foreach (var r in report.Users)
        {
            sb.Append(inv, $"{Csv(r.UserName)},{r.Role},{r.Views},{r.Searches},{r.Changes},{r.Unmasks},{r.Downloads},{r.Other},{r.OffHours},{r.MaxCustomersPerDay},{r.DaysOverThreshold},{r.Denied},{(r.Flagged ? "yes" : "no")}\n");
        }
        return sb.ToString();
    }

    private static string Csv(string value) => CsvCell.Field(value);

    private sealed class Tally(Role role)
    {
        private readonly Dictionary<DateOnly, HashSet<long>> _customersByDay = [];
        private int _views, _searches, _changes, _unmasks, _downloads, _other, _offHours, _denied;

        public void Add(AccessAction action, DateTime local, long? customerId, AccessLogOptions options)
        {
            switch (action)
            {
                case AccessAction.View: _views++; break;
                case AccessAction.Search: _searches++; break;
                case AccessAction.Change or AccessAction.Insert or AccessAction.Delete or AccessAction.Erase: _changes++; break;
                case AccessAction.Unmask: _unmasks++; break;
                case AccessAction.Download or AccessAction.Export or AccessAction.Print: _downloads++; break;
                case AccessAction.Denied: _denied++; break;
                default: _other++; break;
            }
            if (local.Hour < options.BusinessHoursStart || local.Hour >= options.BusinessHoursEnd)
            {
                _offHours++;
            }
            // A refused id is not a customer reached (it may not even exist).
            if (customerId is { } id && action != AccessAction.Denied)
            {
                var day = DateOnly.FromDateTime(local);
                if (!_customersByDay.TryGetValue(day, out var set))
                {
                    _customersByDay[day] = set = [];
                }
                set.Add(id);
            }
        }

        public AccessReviewRow ToRow(string userName, int threshold) => new(
            userName, role, _views, _searches, _changes, _unmasks, _downloads, _other, _offHours,
            _customersByDay.Count == 0 ? 0 : _customersByDay.Values.Max(s => s.Count),
            _customersByDay.Values.Count(s => s.Count > threshold), _denied);
    }
}
