using InsureCrm.Analytics.Learning;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Value;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Models;

/// <summary>
/// Features of a block of customers as of a cutoff, with each model's population and label in
/// (cutoff, cutoff + <see cref="InsurerModel.WindowMonths"/>]. Column-major (one array per feature), so a
/// chunk costs a few arrays of its size whatever the book.
/// </summary>
public sealed class FeatureChunk
{
    public required long[] CustomerIds { get; init; }
    /// <summary>One column per <see cref="InsurerFeatures.Features"/>, each <see cref="CustomerIds"/> long.</summary>
    public required double[][] Columns { get; init; }
    /// <summary>Per customer model (order of <see cref="InsurerModels.Customer"/>): is the customer in the population at the cutoff.</summary>
    public required bool[][] Eligible { get; init; }
    /// <summary>Per model: did the event happen in the window (false when labels were not asked for).</summary>
    public required bool[][] Labels { get; init; }
    /// <summary>The customers' contracts active at the cutoff (in force, reinstated, paid up), for <see cref="ContractFeatures"/>.</summary>
    public required IReadOnlyList<ContractAtCutoff> Contracts { get; init; }
    /// <summary>Live customers of the block left out, with the reason: a stored value they read is out of range (<see cref="StoredRanges"/>).</summary>
    public IReadOnlyList<(long CustomerId, string Reason)> Skipped { get; init; } = [];

    public int Rows => CustomerIds.Length;

    public void CopyRow(int row, Span<double> destination)
    {
        for (var j = 0; j < Columns.Length; j++)
        {
            destination[j] = Columns[j][row];
        }
    }
}

/// <summary>A contract active at the cutoff, with what is known of it then; <see cref="Row"/> is its holder's row in the chunk.</summary>
public sealed record ContractAtCutoff(long ContractId, int Row, ProductFamily Family, PaymentMode Mode, PaymentMethod Method, DateOnly IssueDate,
    double AnnualPremium, double HouseholdIncome, bool PremiumPaying, bool Orphaned, bool ReinstatedBefore, bool ExitInWindow);

/// <summary>
/// Point-in-time customer features: only rows dated on or before the cutoff are read (contracts by their
/// status history, not their current status; contacts, claims and loans by date; agents by termination
/// date). Current customer attributes (income band, marital status, children) are not historised and are
/// read as they are; customers created after the cutoff are left out.
/// </summary>
public static class InsurerFeatures
{
    public const int Age = 0, Corporate = 1, IncomeBandCol = 2, Marital = 3, Children = 4, ActiveContracts = 5,
        PremiumPaying = 6, AnnualPremium = 7, PremiumBurden = 8, OrphanedContracts = 9, ManualPayment = 10,
        EarlyContracts = 11, MonthsSinceLastIssue = 12, TenureMonths = 13, Contacts3m = 14, Contacts12m = 15,
        UnresolvedComplaint = 16, Complaints12m = 17, Claims12m = 18, Lapses12m = 19, ChildBorn12m = 20, ActiveLoan = 21,
        MonthsSinceContact = 22, Refusals12m = 23, PositiveOutcomes12m = 24;

    /// <summary>
    /// <see cref="MonthsSinceContact"/> when no outbound visit or call reached the customer in the 12 months read (never,
    /// or longer ago: the features read 12 months of contacts, so the two are one value).
    /// </summary>
    public const int NoContactMonths = 13;

    /// <summary>The columns, in order; names are the keys pages translate (<c>model.feature.NAME</c>).</summary>
    public static IReadOnlyList<Feature> Features { get; } =
    [
        Feature.Numeric("age"),
        Feature.Numeric("corporate"),
        Feature.Categorical("incomeBand", Enum.GetNames<IncomeBand>()),
        Feature.Categorical("maritalStatus", Enum.GetNames<MaritalStatus>()),
        Feature.Numeric("children"),
        Feature.Numeric("activeContracts"),
        Feature.Numeric("premiumPayingContracts"),
        Feature.Numeric("annualPremiumMillions"),
        Feature.Numeric("premiumBurden"),
        Feature.Numeric("orphanedContracts"),
        Feature.Numeric("manualPaymentContracts"),
        Feature.Numeric("contractsInFirst24Months"),
        Feature.Numeric("monthsSinceLastIssue"),
        Feature.Numeric("tenureMonths"),
        Feature.Numeric("contacts3m"),
        Feature.Numeric("contacts12m"),
        Feature.Numeric("unresolvedComplaint"),
        Feature.Numeric("complaints12m"),
        Feature.Numeric("claimsPaid12m"),
        Feature.Numeric("lapses12m"),
        Feature.Numeric("childBorn12m"),
        Feature.Numeric("activeLoan"),
        // Appended, so a model stored before them keeps its columns' positions (see FeatureMap).
        Feature.Numeric("monthsSinceContact"),
        Feature.Numeric("refusals12m"),
        Feature.Numeric("positiveOutcomes12m"),
    ];

    /// <summary>Premium burden above this share of household income is rare and mostly noise in the income band.</summary>
    public const double BurdenCap = 0.6;

    /// <summary>Annual income assumed per band (KRW), the band's middle; an open top band its lower bound plus a quarter.</summary>
    internal static double BandIncome(IncomeBand band) => band switch
    {
        IncomeBand.Under2000 => 15_000_000,
        IncomeBand.From2000To4000 => 30_000_000,
        IncomeBand.From4000To6000 => 50_000_000,
        IncomeBand.From6000To8000 => 70_000_000,
        IncomeBand.From8000To12000 => 100_000_000,
        IncomeBand.Over12000 => 150_000_000,
        _ => double.NaN,
    };

    /// <summary>Agents' termination dates (small: read once per run and shared by the chunks).</summary>
    public static async Task<Dictionary<long, DateOnly>> AgentTerminationsAsync(CrmDbContext ctx, CancellationToken ct) =>
        await ctx.Agents.AsNoTracking().Where(a => a.TerminationDate != null)
            .Select(a => new { a.Id, a.TerminationDate }).ToDictionaryAsync(a => a.Id, a => a.TerminationDate!.Value, ct);

    /// <summary>Product families by id (small: read once per run).</summary>
    public static async Task<Dictionary<long, ProductFamily>> FamiliesAsync(CrmDbContext ctx, CancellationToken ct) =>
        await ctx.Products.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Family, ct);

    private sealed class Held
    {
        public required long Id;
        public required PaymentMode Mode;
        public required PaymentMethod Method;
        public required DateOnly IssueDate;
        public required long? SellingAgentId;
        public required decimal AnnualPremium;
        public required ProductFamily Family;
        public bool Reinstated;
        public ContractStatus? StatusAtCutoff;
        public DateOnly? AppliedOn;
        public bool Renewal;
        public bool ExitInWindow;
    }

    /// <summary>
    /// Features, populations and (when <paramref name="withLabels"/>) labels of the live customers with ids
    /// in [<paramref name="lo"/>, <paramref name="hi"/>] as of <paramref name="cutoff"/>.
    /// </summary>
    public static async Task<FeatureChunk> ComputeAsync(CrmDbContext ctx, long lo, long hi, DateOnly cutoff, bool withLabels,
        IReadOnlyDictionary<long, DateOnly> terminations, CancellationToken ct)
    {
        var cutoffEnd = cutoff.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var windowEnd = withLabels ? cutoff.AddMonths(InsurerModel.WindowMonths) : cutoff;
        var since12 = cutoff.AddMonths(-12);
        var since12Time = since12.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var since3Time = cutoff.AddMonths(-3).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var since6Time = cutoff.AddMonths(-6).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

        var customers = await ctx.Customers.AsNoTracking()
            .Where(c => c.Id >= lo && c.Id <= hi && c.MergedIntoId == null && c.CreatedAt < cutoffEnd)
            .OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.Kind, c.BirthDate, c.IncomeBand, c.MaritalStatus, c.Children }).ToListAsync(ct);
        var spouses = (await ctx.CustomerRelationships.AsNoTracking()
            .Where(r => r.CustomerId >= lo && r.CustomerId <= hi && r.Kind == RelationshipKind.Spouse)
            .Join(ctx.Customers, r => r.RelatedCustomerId, c => c.Id, (r, c) => new { r.CustomerId, c.IncomeBand })
            .ToListAsync(ct)).GroupBy(s => s.CustomerId).ToDictionary(g => g.Key, g => g.First().IncomeBand);
        var births = (await ctx.CustomerRelationships.AsNoTracking()
            .Where(r => r.CustomerId >= lo && r.CustomerId <= hi && r.Kind == RelationshipKind.Child)
            .Join(ctx.Customers, r => r.RelatedCustomerId, c => c.Id, (r, c) => new { r.CustomerId, c.BirthDate, c.CreatedAt })
            .Where(x => x.BirthDate > since12 && x.BirthDate <= cutoff && x.CreatedAt < cutoffEnd)
            .Select(x => x.CustomerId).ToListAsync(ct)).ToHashSet();

        var contracts = await ctx.Contracts.AsNoTracking()
            .Where(c => c.CustomerId >= lo && c.CustomerId <= hi && c.IssueDate <= windowEnd.AddMonths(1))
            .Join(ctx.Products, c => c.ProductId, p => p.Id, (c, p) => new { c.Id, c.CustomerId, c.Premium, c.PaymentMode, c.PaymentMethod, c.IssueDate, c.SellingAgentId, p.Family })
            .ToListAsync(ct);
        var riders = await ctx.ContractRiders.AsNoTracking()
            .Where(r => r.CustomerId >= lo && r.CustomerId <= hi)
            .GroupBy(r => r.ContractId).Select(g => new { g.Key, Premium = g.Sum(r => r.Premium) }).ToDictionaryAsync(g => g.Key, g => g.Premium, ct);
        var held = new Dictionary<long, Held>(contracts.Count);
        foreach (var c in contracts)
        {
            held[c.Id] = new Held
            {
                Id = c.Id, Mode = c.PaymentMode, Method = c.PaymentMethod, IssueDate = c.IssueDate, SellingAgentId = c.SellingAgentId, Family = c.Family,
                // An amount out of range skips the holder below; it must not overflow on the way there.
                AnnualPremium = StoredRanges.IsAmount(c.Premium) && StoredRanges.IsAmount(riders.GetValueOrDefault(c.Id))
                    ? (c.Premium + riders.GetValueOrDefault(c.Id)) * PerYear(c.PaymentMode) : 0m,
            };
        }
        var byCustomer = contracts.ToLookup(c => c.CustomerId, c => held[c.Id]);

        // Status history: the status at the cutoff is the last change on or before it; window exits are labels.
        var changes = await ctx.ContractStatusChanges.AsNoTracking()
            .Where(s => s.CustomerId >= lo && s.CustomerId <= hi && s.EffectiveDate <= windowEnd)
            .OrderBy(s => s.EffectiveDate).ThenBy(s => s.Id)
            .Select(s => new { s.ContractId, s.CustomerId, s.ToStatus, s.EffectiveDate, s.Reason }).ToListAsync(ct);
        var lapses12 = new Dictionary<long, int>();
        foreach (var s in changes)
        {
            if (!held.TryGetValue(s.ContractId, out var h))
            {
                continue;
            }
            if (h.AppliedOn is null)
            {
                h.AppliedOn = s.EffectiveDate;
                h.Renewal = s.Reason == "renewal";
            }
            if (s.EffectiveDate <= cutoff)
            {
                h.StatusAtCutoff = s.ToStatus;
                h.Reinstated |= s.ToStatus == ContractStatus.Reinstated;
                if (s.ToStatus == ContractStatus.Lapsed && s.EffectiveDate > since12)
                {
                    lapses12[s.CustomerId] = lapses12.GetValueOrDefault(s.CustomerId) + 1;
                }
            }
            else if (s.ToStatus is ContractStatus.Lapsed or ContractStatus.Surrendered && IsPremiumPaying(h))
            {
                h.ExitInWindow = true;
            }
        }

        var contacts = await ctx.Interactions.AsNoTracking()
            .Where(i => i.CustomerId >= lo && i.CustomerId <= hi && i.OccurredAt >= since12Time && i.OccurredAt < cutoffEnd)
            .Select(i => new { i.CustomerId, i.OccurredAt, i.Channel, i.Direction, i.Purpose, i.Outcome }).ToListAsync(ct);
        var contactsBy = contacts.ToLookup(i => i.CustomerId);
        var claims = await ctx.Claims.AsNoTracking()
            .Where(c => c.CustomerId >= lo && c.CustomerId <= hi && c.PaidDate > since12 && c.PaidDate <= cutoff)
            .GroupBy(c => c.CustomerId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var loans = (await ctx.Loans.AsNoTracking()
            .Where(l => l.CustomerId >= lo && l.CustomerId <= hi && l.StartDate <= windowEnd)
            .Select(l => new { l.CustomerId, l.StartDate, l.Status, l.StatusDate }).ToListAsync(ct)).ToLookup(l => l.CustomerId);

        // A customer whose rows hold a date or amount no insurer keeps (an older version's import, a hand-made
        // UPDATE) would get an age of 2,000 years or a premium burden from 10^17 won: left out, with the reason.
        var skipped = new Dictionary<long, string>();
        foreach (var c in customers.Where(c => !StoredRanges.IsDate(c.BirthDate)))
        {
            skipped.TryAdd(c.Id, SkipReason.BirthDate);
        }
        foreach (var c in contracts)
        {
            if (!StoredRanges.IsAmount(c.Premium) || !StoredRanges.IsAmount(riders.GetValueOrDefault(c.Id)))
            {
                skipped.TryAdd(c.CustomerId, SkipReason.Premium);
            }
            else if (!StoredRanges.IsDate(c.IssueDate))
            {
                skipped.TryAdd(c.CustomerId, SkipReason.IssueDate);
            }
        }
        foreach (var s in changes.Where(s => !StoredRanges.IsDate(s.EffectiveDate)))
        {
            skipped.TryAdd(s.CustomerId, SkipReason.StatusDate);
        }
        foreach (var l in loans.SelectMany(g => g).Where(l => !StoredRanges.IsDate(l.StartDate) || !StoredRanges.IsDate(l.StatusDate)))
        {
            skipped.TryAdd(l.CustomerId, SkipReason.LoanDate);
        }
        if (skipped.Count > 0)
        {
            customers = [.. customers.Where(c => !skipped.ContainsKey(c.Id))];
        }

        var n = customers.Count;
        var columns = new double[Features.Count][];
        for (var j = 0; j < columns.Length; j++)
        {
            columns[j] = new double[n];
        }
        var eligible = InsurerModels.Customer.Select(_ => new bool[n]).ToArray();
        var labels = InsurerModels.Customer.Select(_ => new bool[n]).ToArray();
        var atCutoff = new List<ContractAtCutoff>();
        var ids = new long[n];
        for (var r = 0; r < n; r++)
        {
            var c = customers[r];
            ids[r] = c.Id;
            var mine = byCustomer[c.Id].Where(h => h.StatusAtCutoff is not null).ToList();
            var active = mine.Where(h => h.StatusAtCutoff is ContractStatus.InForce or ContractStatus.Reinstated or ContractStatus.PaidUp).ToList();
            var paying = mine.Where(IsPremiumPaying).ToList();
            var annual = (double)paying.Sum(h => h.AnnualPremium);
            var income = Math.Max(BandIncome(c.IncomeBand), 12_000_000);
            if (c.MaritalStatus == MaritalStatus.Married)
            {
                income += 0.8 * (spouses.TryGetValue(c.Id, out var sb) && !double.IsNaN(BandIncome(sb)) ? BandIncome(sb) : 30_000_000);
            }
            var age = c.Kind == CustomerKind.Individual && c.BirthDate is { } b ? Months.Between(b, cutoff) / 12.0 : double.NaN;
            var mineContacts = contactsBy[c.Id].ToList();
            var complaints = mineContacts.Where(i => i.Purpose == InteractionPurpose.Complaint && i.Direction == InteractionDirection.Inbound).ToList();
            var lastComplaint = complaints.Count == 0 ? (DateTime?)null : complaints.Max(i => i.OccurredAt);
            var unresolved = lastComplaint is { } lc && lc >= since6Time && !mineContacts.Exists(i =>
                i.Purpose == InteractionPurpose.Complaint && i.Direction == InteractionDirection.Outbound && i.Outcome == InteractionOutcome.Completed && i.OccurredAt >= lc);
            var (lastContact, refusals, positives) = Outcomes(mineContacts.Select(i => (i.OccurredAt, i.Channel, i.Direction, i.Purpose, i.Outcome)));
            var myLoans = loans[c.Id].ToList();
            var activeLoan = myLoans.Exists(l => l.StartDate <= cutoff && (l.Status is LoanStatus.Active or LoanStatus.Delinquent || l.StatusDate > cutoff));

            columns[Age][r] = age;
            columns[Corporate][r] = c.Kind == CustomerKind.Corporate ? 1 : 0;
            columns[IncomeBandCol][r] = (int)c.IncomeBand;
            columns[Marital][r] = (int)c.MaritalStatus;
            columns[Children][r] = c.Children ?? 0;
            columns[ActiveContracts][r] = active.Count;
            columns[PremiumPaying][r] = paying.Count;
            columns[AnnualPremium][r] = annual / 1_000_000;
            columns[PremiumBurden][r] = annual == 0 ? 0 : double.IsNaN(income) ? double.NaN : Math.Min(annual / income, BurdenCap);
            columns[OrphanedContracts][r] = paying.Count(h => IsOrphaned(h, cutoff, terminations));
            columns[ManualPayment][r] = paying.Count(h => h.Method is PaymentMethod.Giro or PaymentMethod.Cash);
            columns[EarlyContracts][r] = paying.Count(h => h.IssueDate > cutoff.AddMonths(-24));
            columns[MonthsSinceLastIssue][r] = mine.Count == 0 ? double.NaN : Math.Min(120, Months.Between(mine.Max(h => h.IssueDate), cutoff));
            columns[TenureMonths][r] = mine.Count == 0 ? 0 : Months.Between(mine.Min(h => h.IssueDate), cutoff);
            columns[Contacts3m][r] = mineContacts.Count(i => i.OccurredAt >= since3Time && i.Direction == InteractionDirection.Outbound
                && i.Channel is InteractionChannel.Visit or InteractionChannel.PhoneOut
                && i.Purpose is InteractionPurpose.Sales or InteractionPurpose.Service or InteractionPurpose.CoverageCheck or InteractionPurpose.Greeting or InteractionPurpose.Campaign);
            columns[Contacts12m][r] = mineContacts.Count;
            columns[UnresolvedComplaint][r] = unresolved ? 1 : 0;
            columns[Complaints12m][r] = complaints.Count;
            columns[Claims12m][r] = claims.GetValueOrDefault(c.Id);
            columns[Lapses12m][r] = lapses12.GetValueOrDefault(c.Id);
            columns[ChildBorn12m][r] = births.Contains(c.Id) ? 1 : 0;
            columns[ActiveLoan][r] = activeLoan ? 1 : 0;
            columns[MonthsSinceContact][r] = lastContact is { } last ? Months.Between(DateOnly.FromDateTime(last), cutoff) : NoContactMonths;
            columns[Refusals12m][r] = refusals;
            columns[PositiveOutcomes12m][r] = positives;

            eligible[0][r] = paying.Count > 0;
            eligible[1][r] = c.Kind == CustomerKind.Corporate || age >= 20;
            eligible[2][r] = !activeLoan && c.Kind == CustomerKind.Individual;
            for (var m = 3; m < InsurerModels.Customer.Count; m++)
            {
                eligible[m][r] = eligible[1][r];
            }
            if (withLabels)
            {
                labels[0][r] = paying.Exists(h => h.ExitInWindow);
                var bought = byCustomer[c.Id].Where(h => !h.Renewal && h.AppliedOn > cutoff && h.AppliedOn <= windowEnd).ToList();
                labels[1][r] = bought.Count > 0;
                labels[2][r] = myLoans.Exists(l => l.StartDate > cutoff && l.StartDate <= windowEnd);
                for (var m = 3; m < InsurerModels.Customer.Count; m++)
                {
                    var families = InsurerModels.Customer[m].Families!;
                    labels[m][r] = bought.Exists(h => families.Contains(h.Family));
                }
            }
            foreach (var h in active)
            {
                atCutoff.Add(new ContractAtCutoff(h.Id, r, h.Family, h.Mode, h.Method, h.IssueDate, (double)h.AnnualPremium, income,
                    IsPremiumPaying(h), IsOrphaned(h, cutoff, terminations), h.Reinstated, withLabels && h.ExitInWindow));
            }
        }
        return new FeatureChunk
        {
            CustomerIds = ids, Columns = columns, Eligible = eligible, Labels = labels, Contracts = atCutoff,
            Skipped = [.. skipped.OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value))],
        };
    }

    /// <summary>
    /// What a customer's contacts (those read: the 12 months to the cutoff) say of the relationship: the last outbound visit
    /// or call that reached them (not a no-answer; collection calls, happy calls and complaint call-backs are the insurer's
    /// errands, not the relationship), the contacts they refused (<see cref="InteractionOutcome.Refused"/>,
    /// <see cref="InteractionOutcome.NotInterested"/>) and the outbound contacts that went well (interested, a next step
    /// agreed — an appointment is recorded as <see cref="InteractionOutcome.FollowUp"/> — or a sale). The agent's worklist
    /// results (/today) and campaign call outcomes are such interactions.
    /// </summary>
    internal static (DateTime? LastContact, int Refusals, int Positives) Outcomes(
        IEnumerable<(DateTime OccurredAt, InteractionChannel Channel, InteractionDirection Direction, InteractionPurpose Purpose, InteractionOutcome Outcome)> contacts)
    {
        DateTime? last = null;
        int refusals = 0, positives = 0;
        foreach (var i in contacts)
        {
            if (i.Direction != InteractionDirection.Outbound)
            {
                continue;
            }
            if (i.Channel is InteractionChannel.Visit or InteractionChannel.PhoneOut && i.Outcome != InteractionOutcome.NoAnswer
                && i.Purpose is not (InteractionPurpose.Collection or InteractionPurpose.HappyCall or InteractionPurpose.Complaint)
                && (last is null || i.OccurredAt > last))
            {
                last = i.OccurredAt;
            }
            if (i.Outcome is InteractionOutcome.Refused or InteractionOutcome.NotInterested)
            {
                refusals++;
            }
            else if (i.Outcome is InteractionOutcome.Interested or InteractionOutcome.FollowUp or InteractionOutcome.Sold && i.Purpose != InteractionPurpose.Complaint)
            {
                positives++;
            }
        }
        return (last, refusals, positives);
    }

    /// <summary>The selling agent had left by the cutoff (the servicing agent column holds today's agent, so it would leak).</summary>
    private static bool IsOrphaned(Held h, DateOnly cutoff, IReadOnlyDictionary<long, DateOnly> terminations) =>
        h.SellingAgentId is { } a && terminations.TryGetValue(a, out var left) && left <= cutoff;

    private static bool IsPremiumPaying(Held h) =>
        h.StatusAtCutoff is ContractStatus.InForce or ContractStatus.Reinstated && h.Mode != PaymentMode.LumpSum;

    private static decimal PerYear(PaymentMode mode) => mode switch
    {
        PaymentMode.Monthly => 12m,
        PaymentMode.Quarterly => 4m,
        PaymentMode.SemiAnnual => 2m,
        PaymentMode.Annual => 1m,
        _ => 0m,
    };
}
