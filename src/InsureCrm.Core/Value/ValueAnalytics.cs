using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Value;

/// <summary>One bar of the value histogram: customers whose total value is in [From, To) (the last bar includes To).</summary>
public sealed record ValueBucket(decimal From, decimal To, int Customers);

/// <summary>Customers and value in one grade, with their shares of the run.</summary>
public sealed record GradeSummary(char Grade, int Customers, decimal TotalValue, decimal CustomerShare, decimal ValueShare);

/// <summary>The aggregates of one value run: no customer is named or identifiable.</summary>
public sealed record ValueOverview(
    long RunId, DateOnly RunDate, int Customers, IReadOnlyList<ValueBucket> Histogram, IReadOnlyList<GradeSummary> Grades,
    IReadOnlyList<ValueDecile> Deciles, decimal Experience, decimal Current, decimal Potential, decimal Total);

/// <summary>A pseudonymised customer of a grade: id, age band (decade, null when unknown), 시/도 and the values.</summary>
public sealed record GradeMember(long CustomerId, int? AgeBand, string? Region, char Grade, decimal Experience, decimal Current, decimal Potential, decimal Total);

/// <summary>One page of a grade's customers by ascending id; <see cref="NextAfter"/> is the keyset cursor of the next page.</summary>
public sealed record GradeMemberPage(long RunId, char Grade, IReadOnlyList<GradeMember> Rows, long? NextAfter);

/// <summary>
/// Aggregates over the newest completed value run for marketers, analysts and branch managers
/// (<see cref="Capability.AnalyticsView"/>), and the pseudonymised drill-down into one grade. Grade counts,
/// sums and the three parts are grouped in the database; the histogram and deciles read the one column of
/// totals, sorted (as <see cref="ValueRunReports.ConcentrationAsync"/> does).
/// </summary>
public sealed class ValueAnalytics(CrmDbContext db, CustomerScope scope, IAccessLog log)
{
    public const int HistogramBuckets = 20;
    public const int PageSize = 50;

    /// <summary>The newest completed run's aggregates, or null when no run has completed.</summary>
    public async Task<ValueOverview?> OverviewAsync(CancellationToken ct = default)
    {
        var run = await ValueRunReports.LatestRunAsync(db, ct);
        if (run is null)
        {
            return null;
        }
        var values = db.Set<CustomerValue>().AsNoTracking().Where(v => v.RunId == run.Id);
        var groups = await values.GroupBy(v => v.Grade)
            .Select(g => new
            {
                Grade = g.Key, Count = g.Count(), Total = g.Sum(v => v.TotalValue),
                Experience = g.Sum(v => v.ExperienceValue), Current = g.Sum(v => v.CurrentValue), Potential = g.Sum(v => v.PotentialValue),
            })
            .ToListAsync(ct);
        var customers = groups.Sum(g => g.Count);
        var total = groups.Sum(g => g.Total);
        var grades = ValueGrades.Letters.Select(letter =>
        {
            var g = groups.FirstOrDefault(x => x.Grade == letter.ToString());
            var count = g?.Count ?? 0;
            var sum = g?.Total ?? 0m;
            return new GradeSummary(letter, count, sum, customers == 0 ? 0m : (decimal)count / customers, total == 0m ? 0m : sum / total);
        }).ToList();

        var totals = await values.Select(v => v.TotalValue).ToListAsync(ct);
        totals.Sort((a, b) => b.CompareTo(a));
        return new ValueOverview(run.Id, run.RunDate, customers, Histogram(totals), grades, ValueGrades.Concentration(totals),
            groups.Sum(g => g.Experience), groups.Sum(g => g.Current), groups.Sum(g => g.Potential), total);
    }

    /// <summary>
    /// The customers of <paramref name="grade"/> in the newest run with ids above <paramref name="after"/>,
    /// pseudonymised; a branch manager sees only the customers in their scope. Every page is written to the
    /// access log (one Search entry per customer listed, or one without a customer when the page is empty).
    /// </summary>
    public async Task<GradeMemberPage?> GradeMembersAsync(CrmUser user, char grade, long? after, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        grade = char.ToUpperInvariant(grade);
        if (!user.Role.Allows(Capability.AnalyticsView) || !ValueGrades.Letters.Contains(grade))
        {
            return null;
        }
        var run = await ValueRunReports.LatestRunAsync(db, ct);
        if (run is null)
        {
            return null;
        }
        var letter = grade.ToString();
        var customers = db.Customers.AsNoTracking().Where(c => c.MergedIntoId == null);
        if (user.Role == Role.BranchManager)
        {
            customers = scope.Filter(customers, user);
        }
        var start = after ?? 0L;
        var rows = await (
                from v in db.Set<CustomerValue>().AsNoTracking()
                join c in customers on v.CustomerId equals c.Id
                where v.RunId == run.Id && v.Grade == letter && v.CustomerId > start
                orderby v.CustomerId
                select new
                {
                    v.CustomerId, c.BirthDate, v.ExperienceValue, v.CurrentValue, v.PotentialValue, v.TotalValue,
                    Region = c.Addresses.OrderByDescending(a => a.IsPrimary).ThenBy(a => a.Id).Select(a => a.Sido).FirstOrDefault(),
                })
            .Take(PageSize + 1)
            .ToListAsync(ct);
        var items = rows.Take(PageSize)
            .Select(r => new GradeMember(r.CustomerId, AgeBand(r.BirthDate, run.RunDate), string.IsNullOrEmpty(r.Region) ? null : r.Region, grade,
                r.ExperienceValue, r.CurrentValue, r.PotentialValue, r.TotalValue))
            .ToList();
        var detail = "analytics grade " + letter;
        await log.RecordManyAsync(user, items.Count == 0
            ? [new AccessEvent(AccessAction.Search, null, Detail: detail)]
            : [.. items.Select(i => new AccessEvent(AccessAction.Search, i.CustomerId, Detail: detail))], ct);
        return new GradeMemberPage(run.Id, grade, items, rows.Count > PageSize ? items[^1].CustomerId : null);
    }

    /// <summary>The decade of age on <paramref name="asOf"/> (0, 10, ..., 80 for 80 and over), or null when unknown.</summary>
    public static int? AgeBand(DateOnly? birthDate, DateOnly asOf)
    {
        if (birthDate is not { } b)
        {
            return null;
        }
        var age = asOf.Year - b.Year - (asOf < b.AddYears(asOf.Year - b.Year) ? 1 : 0);
        return age < 0 ? null : Math.Min(age / 10 * 10, 80);
    }

    /// <summary>Equal-width buckets between the lowest and highest total (one bucket when all are equal).</summary>
    public static IReadOnlyList<ValueBucket> Histogram(IReadOnlyList<decimal> totals, int buckets = HistogramBuckets)
    {
        ArgumentNullException.ThrowIfNull(totals);
        if (totals.Count == 0)
        {
            return [];
        }
        var min = totals.Min();
        var max = totals.Max();
        if (min == max)
        {
            return [new ValueBucket(min, max, totals.Count)];
        }
        var width = (max - min) / buckets;
        var counts = new int[buckets];
        foreach (var t in totals)
        {
            counts[Math.Min((int)((t - min) / width), buckets - 1)]++;
        }
        return [.. counts.Select((c, i) => new ValueBucket(min + (i * width), i == buckets - 1 ? max : min + ((i + 1) * width), c))];
    }
}
