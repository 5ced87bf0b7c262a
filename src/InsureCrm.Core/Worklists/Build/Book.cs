using InsureCrm.Core.Agents;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Execution;
using InsureCrm.Core.Campaigns.Targeting;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
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
        Bounced = new WorkFacts.BouncedDetail[]?[rows.Count];
    }

    public List<CustomerTarget> Rows { get; }
    public IReadOnlySet<long> ActiveAgents { get; }
    public DateOnly?[] LastContact { get; }
    public DateOnly?[] LastCoverageCheck { get; }
    /// <summary>The customer's details that bounced within <see cref="WorklistOptions.BouncedDays"/> (null: none).</summary>
    public WorkFacts.BouncedDetail[]?[] Bounced { get; }

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
        await LoadBouncesAsync(db, book, asOf, options, ct);
        return book;
    }

    /// <summary>
    /// Campaign e-mails and texts that failed for good with an address error (<see cref="AddressFailures"/>) within
    /// <see cref="WorklistOptions.BouncedDays"/>, newest per customer and channel; a bounce before the customer's details
    /// were last edited is taken as fixed. Few rows: failures are rare, and only they are read.
    /// </summary>
    private static async Task LoadBouncesAsync(CrmDbContext db, Book book, DateOnly asOf, WorklistOptions options, CancellationToken ct)
    {
        if (options.BouncedDays == 0)
        {
            return;
        }
        var since = asOf.AddDays(-options.BouncedDays).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var until = asOf.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var codes = AddressFailures.All.ToList();
        var rows = await (from x in db.CampaignContacts.AsNoTracking()
                          join c in db.Customers.AsNoTracking() on x.CustomerId equals c.Id
                          where x.State == CampaignContactState.Failed && (x.Channel == CampaignChannelKind.Email || x.Channel == CampaignChannelKind.Sms)
                              && x.Error != null && codes.Contains(x.Error)
                              && (x.OutcomeAt ?? x.PlannedAt) >= since && (x.OutcomeAt ?? x.PlannedAt) < until
                              && (x.OutcomeAt ?? x.PlannedAt) > c.UpdatedAt
                          group x by new { x.CustomerId, x.Channel } into g
                          select new { g.Key.CustomerId, g.Key.Channel, Last = g.Max(x => x.OutcomeAt ?? x.PlannedAt) })
            .ToListAsync(ct);
        foreach (var r in rows.OrderBy(r => r.Channel))
        {
            if (book.IndexOf(r.CustomerId) is var i and >= 0)
            {
                // The day in Korea, as the rest of the list's dates.
                var bounce = new WorkFacts.BouncedDetail(r.Channel == CampaignChannelKind.Email ? "email" : "mobile", DateOnly.FromDateTime(r.Last.AddHours(9)));
                book.Bounced[i] = book.Bounced[i] is { } earlier ? [.. earlier, bounce] : [bounce];
            }
        }
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
