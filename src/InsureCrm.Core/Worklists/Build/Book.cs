using InsureCrm.Core.Agents;
using InsureCrm.Core.Campaigns.Targeting;
using InsureCrm.Core.Common;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Worklists.Build;

/// <summary>
/// The customers a build works on, in arrays by position: every live customer of the targeting mart whose servicing
/// agent is active, with what the rules need (consent per channel, the families held, age, grade), the day of their last
/// contact within the cool-off and of their last coverage check.
/// </summary>
internal sealed class Book
{
    private readonly Dictionary<long, int> _index;

    private Book(List<CustomerTarget> rows, IReadOnlySet<long> activeAgents)
    {
        Rows = rows;
        ActiveAgents = activeAgents;
        _index = new Dictionary<long, int>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            _index[rows[i].CustomerId] = i;
        }
        LastContact = new DateOnly?[rows.Count];
        LastCoverageCheck = new DateOnly?[rows.Count];
    }

    public List<CustomerTarget> Rows { get; }
    public IReadOnlySet<long> ActiveAgents { get; }
    public DateOnly?[] LastContact { get; }
    public DateOnly?[] LastCoverageCheck { get; }

    public int Count => Rows.Count;

    public int IndexOf(long customerId) => _index.TryGetValue(customerId, out var i) ? i : -1;

    public static async Task<Book> LoadAsync(CrmDbContext db, DateOnly asOf, WorklistOptions options, CancellationToken ct)
    {
        var agents = (await db.Agents.AsNoTracking().Where(a => a.Status == AgentStatus.Active).Select(a => a.Id).ToListAsync(ct)).ToHashSet();
        // Only the customers of active agents, and only the columns the rules and facts read (half of the mart's, and none
        // of its other enums and texts): at 1M customers the half million rows were most of the build's CPU time
        // (bench/findings/2026-12-04-issue14-worklist.md). A rule that reads another column adds it here.
        var rows = await db.Set<CustomerTarget>().AsNoTracking()
            .Where(t => t.AgentId != null && db.Set<Agent>().Any(a => a.Id == t.AgentId && a.Status == AgentStatus.Active))
            .OrderBy(t => t.CustomerId)
            .Select(t => new CustomerTarget
            {
                CustomerId = t.CustomerId, AgentId = t.AgentId, BirthDate = t.BirthDate, ActiveContracts = t.ActiveContracts, Families = t.Families,
                LoanActive = t.LoanActive, Grade = t.Grade, GridCell = t.GridCell, Strategy = t.Strategy, TotalValue = t.TotalValue,
                HasMobile = t.HasMobile, HasAddress = t.HasAddress, HasEmail = t.HasEmail, ConsentVisit = t.ConsentVisit, ConsentPhone = t.ConsentPhone,
            })
            .ToListAsync(ct);
        var book = new Book(rows, agents);

        var since = asOf.AddDays(-options.CoolOffDays).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var until = asOf.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        await foreach (var x in db.Interactions.AsNoTracking().Where(i => i.OccurredAt >= since && i.OccurredAt < until)
            .GroupBy(i => i.CustomerId).Select(g => new { g.Key, Last = g.Max(i => i.OccurredAt) }).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (book.IndexOf(x.Key) is var i and >= 0)
            {
                book.LastContact[i] = DateOnly.FromDateTime(x.Last);
            }
        }
        await foreach (var x in db.Interactions.AsNoTracking().Where(i => i.Purpose == InteractionPurpose.CoverageCheck && i.OccurredAt < until)
            .GroupBy(i => i.CustomerId).Select(g => new { g.Key, Last = g.Max(i => i.OccurredAt) }).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (book.IndexOf(x.Key) is var i and >= 0)
            {
                book.LastCoverageCheck[i] = DateOnly.FromDateTime(x.Last);
            }
        }
        return book;
    }

    public static bool Holds(CustomerTarget row, ProductFamily family) => (row.Families & TargetingMart.FamilyBit(family)) != 0;

    public static IReadOnlyList<ProductFamily> HeldFamilies(CustomerTarget row) =>
        [.. Enum.GetValues<ProductFamily>().Where(f => Holds(row, f))];

    public static int? AgeOn(CustomerTarget row, DateOnly day)
    {
        if (row.BirthDate is not { } b)
        {
            return null;
        }
        var age = day.Year - b.Year;
        return day < b.AddYears(age) ? age - 1 : age;
    }
}
