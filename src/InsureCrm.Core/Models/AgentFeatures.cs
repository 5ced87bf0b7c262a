using InsureCrm.Analytics.Learning;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Models;

/// <summary>
/// What the agent models read, loaded once: every agent's hire and termination (small), and for the agents
/// hired on or after <see cref="HiredFrom"/> the contracts they sold and the contacts they made.
/// </summary>
internal sealed class AgentHistory
{
    public sealed record AgentRow(long Id, AgentKind Kind, long BranchId, DateOnly HireDate, DateOnly? TerminationDate);

    public required List<AgentRow> Agents { get; init; }
    public required ILookup<long, AgentRow> ByBranch { get; init; }
    /// <summary>Per agent: (issue date, holder) of each contract they sold.</summary>
    public required ILookup<long, (DateOnly Issued, long CustomerId)> Sold { get; init; }
    /// <summary>Per agent: (day, customer) of each contact they made.</summary>
    public required ILookup<long, (DateOnly Day, long CustomerId)> Contacts { get; init; }
    public required DateOnly HiredFrom { get; init; }
    /// <summary>Agents left out because their hire or termination date is out of range (<see cref="StoredRanges"/>), with the reason.</summary>
    public IReadOnlyList<(long AgentId, string Reason)> Skipped { get; init; } = [];

    /// <summary>Reads agents, and sales and contacts of those hired on or after <paramref name="hiredFrom"/> up to <paramref name="until"/>.</summary>
    public static async Task<AgentHistory> LoadAsync(CrmDbContext ctx, DateOnly hiredFrom, DateOnly until, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var all = (await ctx.Agents.AsNoTracking().Select(a => new { a.Id, a.Kind, a.BranchId, a.HireDate, a.TerminationDate }).ToListAsync(ct))
            .Select(a => new AgentRow(a.Id, a.Kind, a.BranchId, a.HireDate, a.TerminationDate)).ToList();
        // A hire date of 9999-12-31 has no 13-month anniversary, one of 0001-01-01 a tenure of 24,000 months.
        var agents = all.Where(a => StoredRanges.IsDate(a.HireDate) && StoredRanges.IsDate(a.TerminationDate)).ToList();
        var recent = agents.Where(a => a.HireDate >= hiredFrom && a.HireDate <= until).Select(a => (long?)a.Id).ToList();
        var untilEnd = until.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var fromTime = hiredFrom.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var sold = await ctx.Contracts.AsNoTracking().Where(c => recent.Contains(c.SellingAgentId) && c.IssueDate <= until)
            .Select(c => new { c.SellingAgentId, c.IssueDate, c.CustomerId }).ToListAsync(ct);
        var contacts = await ctx.Interactions.AsNoTracking().Where(i => recent.Contains(i.AgentId) && i.OccurredAt >= fromTime && i.OccurredAt < untilEnd)
            .Select(i => new { i.AgentId, i.OccurredAt, i.CustomerId }).ToListAsync(ct);
        return new AgentHistory
        {
            Agents = agents,
            ByBranch = agents.ToLookup(a => a.BranchId),
            Sold = sold.ToLookup(c => c.SellingAgentId!.Value, c => (c.IssueDate, c.CustomerId)),
            Contacts = contacts.ToLookup(i => i.AgentId!.Value, i => (DateOnly.FromDateTime(i.OccurredAt), i.CustomerId)),
            HiredFrom = hiredFrom,
            Skipped = [.. all.Where(a => !StoredRanges.IsDate(a.HireDate) || !StoredRanges.IsDate(a.TerminationDate)).Select(a => (a.Id, SkipReason.AgentDate))],
        };
    }
}

/// <summary>
/// Point-in-time agent features for <c>agent-dropout</c> and <c>recruiting</c> (docs/insurer-models.md).
/// <para><c>agent-dropout</c> as of a date s: agents hired in (s − 13 months, s] and not terminated by s;
/// label: they leave before their 13-month anniversary (termination in (s, hire + 13 months)). Features use
/// data dated up to s only. A training set stacks <see cref="DropoutSnapshots"/> monthly snapshots ending at
/// the cutoff (an agent appears in several; hold-out is by agent), so labels need data up to cutoff + 13 months.</para>
/// <para><c>recruiting</c>: agents hired in (cutoff − <see cref="RecruitingHireMonths"/> months, cutoff], with
/// features known on their hire date; label: still there 13 months after hire. Scored for the active hires of
/// the last 13 months, and the same features rank a candidate before hire.</para>
/// </summary>
public static class AgentFeatures
{
    /// <summary>Months after hire that decide the label; a cutoff's labels need data up to cutoff + this.</summary>
    public const int ObservationMonths = 13;

    /// <summary>Monthly snapshots (ending at the cutoff) stacked into an <c>agent-dropout</c> training set.</summary>
    public const int DropoutSnapshots = 24;

    /// <summary>Hires in this many months before the cutoff form the <c>recruiting</c> training population.</summary>
    public const int RecruitingHireMonths = 60;

    /// <summary>A branch's 13-month dropout is measured over its hires of this many months whose 13 months had ended.</summary>
    public const int BranchHistoryMonths = 36;

    private const int Kind = 0, BranchDropout = 1, BranchHires12m = 2;
    private const int Tenure = 3, Sold = 4, Sold3m = 5, Contacts = 6, Contacts3m = 7, Customers = 8, SoldPerMonth = 9;

    /// <summary>Known at hire: kind, the branch's past 13-month dropout and its hires in the 12 months before.</summary>
    public static IReadOnlyList<Feature> AtHire { get; } =
    [
        Feature.Categorical("agentKind", Enum.GetNames<AgentKind>()),
        Feature.Numeric("branchDropoutRate"),
        Feature.Numeric("branchHires12m"),
    ];

    /// <summary>The hire features, then early production up to the date.</summary>
    public static IReadOnlyList<Feature> Dropout { get; } =
    [
        .. AtHire,
        Feature.Numeric("agentTenureMonths"),
        Feature.Numeric("contractsSold"),
        Feature.Numeric("contractsSold3m"),
        Feature.Numeric("contactsMade"),
        Feature.Numeric("contactsMade3m"),
        Feature.Numeric("customersServed"),
        Feature.Numeric("contractsSoldPerMonth"),
    ];

    /// <summary>Agent models, in the order the scorer computes them.</summary>
    public static IReadOnlyList<InsurerModel> Models { get; } = [InsurerModels.AgentDropout, InsurerModels.Recruiting];

    public static IReadOnlyList<Feature> FeaturesOf(InsurerModel model) =>
        model?.Name == InsurerModels.Recruiting.Name ? AtHire : Dropout;

    /// <summary>The earliest hire a training set or scoring run as of <paramref name="date"/> reads sales and contacts for.</summary>
    public static DateOnly HiredFrom(InsurerModel model, DateOnly date, bool training) =>
        model.Name == InsurerModels.Recruiting.Name ? date.AddMonths(-RecruitingHireMonths)
        : date.AddMonths(-ObservationMonths - (training ? DropoutSnapshots : 0));

    /// <summary>
    /// Rows of <paramref name="model"/> as of <paramref name="date"/>. Training (<paramref name="withLabels"/>): the
    /// model's population with labels; scoring: every agent active on the date, eligible when hired in the 13 months before.
    /// </summary>
    internal static SubjectChunk Compute(AgentHistory history, InsurerModel model, DateOnly date, bool withLabels)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(model);
        var recruiting = model.Name == InsurerModels.Recruiting.Name;
        var recentFrom = date.AddMonths(-ObservationMonths);
        List<AgentHistory.AgentRow> rows;
        if (!withLabels)
        {
            rows = [.. history.Agents.Where(a => a.HireDate <= date && (a.TerminationDate is null || a.TerminationDate > date)).OrderBy(a => a.Id)];
        }
        else if (recruiting)
        {
            var from = date.AddMonths(-RecruitingHireMonths);
            rows = [.. history.Agents.Where(a => a.HireDate > from && a.HireDate <= date).OrderBy(a => a.Id)];
        }
        else
        {
            rows = [.. history.Agents.Where(a => a.HireDate > recentFrom && a.HireDate <= date && (a.TerminationDate is null || a.TerminationDate > date)).OrderBy(a => a.Id)];
        }
        var features = FeaturesOf(model);
        var n = rows.Count;
        var columns = new double[features.Count][];
        for (var j = 0; j < columns.Length; j++)
        {
            columns[j] = new double[n];
        }
        var eligible = new bool[n];
        var labels = new bool[n];
        for (var r = 0; r < n; r++)
        {
            var a = rows[r];
            // Recruiting sees the agent as on the hire date; dropout as on the date.
            var asOf = recruiting ? a.HireDate : date;
            columns[Kind][r] = (int)a.Kind;
            columns[BranchDropout][r] = BranchDropoutRate(history, a.BranchId, asOf);
            columns[BranchHires12m][r] = history.ByBranch[a.BranchId].Count(b => b.Id != a.Id && b.HireDate <= asOf && b.HireDate > asOf.AddMonths(-12));
            if (!recruiting)
            {
                var since3 = asOf.AddMonths(-3);
                var sold = history.Sold[a.Id].Where(s => s.Issued <= asOf).ToList();
                var contacts = history.Contacts[a.Id].Where(c => c.Day <= asOf).ToList();
                var tenure = (asOf.DayNumber - a.HireDate.DayNumber) / 30.44;
                columns[Tenure][r] = tenure;
                columns[Sold][r] = sold.Count;
                columns[Sold3m][r] = sold.Count(s => s.Issued > since3);
                columns[Contacts][r] = contacts.Count;
                columns[Contacts3m][r] = contacts.Count(c => c.Day > since3);
                columns[Customers][r] = sold.Select(s => s.CustomerId).Concat(contacts.Select(c => c.CustomerId)).Distinct().Count();
                columns[SoldPerMonth][r] = sold.Count / Math.Max(1.0, tenure);
            }
            eligible[r] = a.HireDate > recentFrom && a.HireDate <= date;
            if (withLabels)
            {
                var anniversary = a.HireDate.AddMonths(ObservationMonths);
                var leftEarly = a.TerminationDate is { } t && t < anniversary;
                labels[r] = recruiting ? !leftEarly : leftEarly && a.TerminationDate > date;
                eligible[r] = true;
            }
        }
        return new SubjectChunk
        {
            Ids = [.. rows.Select(a => a.Id)],
            SplitKeys = [.. rows.Select(a => a.Id)],
            Columns = columns,
            Eligible = [eligible],
            Labels = [labels],
        };
    }

    /// <summary>
    /// Share of the branch's hires of the <see cref="BranchHistoryMonths"/> months whose 13 months had ended by
    /// <paramref name="asOf"/> who left within them; NaN without such hires. Only outcomes known on the date.
    /// </summary>
    private static double BranchDropoutRate(AgentHistory history, long branchId, DateOnly asOf)
    {
        var until = asOf.AddMonths(-ObservationMonths);
        var from = until.AddMonths(-BranchHistoryMonths);
        var cohort = history.ByBranch[branchId].Where(b => b.HireDate > from && b.HireDate <= until).ToList();
        return cohort.Count == 0 ? double.NaN
            : cohort.Count(b => b.TerminationDate is { } t && t < b.HireDate.AddMonths(ObservationMonths)) / (double)cohort.Count;
    }
}
