using System.Globalization;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Common;
using InsureCrm.Core.Models;
using InsureCrm.Core.Policies;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Worklists.Build;

/// <summary>
/// Every source of candidate actions, each one query streamed into <see cref="Arbiter.Offer"/>. Models are read from
/// their champion's newest completed run; a model without one proposes nothing (the build says how many of each it made).
/// </summary>
internal static class Sources
{
    private static readonly ContractStatus[] Active = [ContractStatus.InForce, ContractStatus.Reinstated, ContractStatus.PaidUp];

    /// <summary>The purchase models by family group, in the order they are tried.</summary>
    private static readonly InsurerModel[] PurchaseModels =
        [InsurerModels.PurchaseProtection, InsurerModels.PurchaseHealth, InsurerModels.PurchaseSavings, InsurerModels.PurchaseAuto];

    public static async Task GatherAsync(CrmDbContext db, Book book, Arbiter arbiter, WorklistOptions options, DateOnly asOf, Phases phases, CancellationToken ct)
    {
        await RetentionAsync(db, book, arbiter, options, asOf, ct);
        phases.Mark("retention");
        foreach (var model in PurchaseModels)
        {
            await PurchaseAsync(db, book, arbiter, options, model, asOf, ct);
            phases.Mark(model.Name);
        }
        await LoanAsync(db, book, arbiter, options, ct);
        phases.Mark("loan");
        await MaturingAsync(db, book, arbiter, options, asOf, ct);
        phases.Mark("maturing");
        await UnpaidAsync(db, book, arbiter, options, asOf, ct);
        phases.Mark("unpaid");
        await ClaimsAsync(db, book, arbiter, options, asOf, ct);
        phases.Mark("claims");
        FromMart(book, arbiter, options, asOf);
        phases.Mark("mart-rules");
        await CampaignsAsync(db, book, arbiter, options, ct);
        phases.Mark("campaigns");
        await ReferralsAsync(db, book, arbiter, ct);
        phases.Mark("referrals");
        await HandoversAsync(db, book, arbiter, ct);
        phases.Mark("handovers");
    }

    /// <summary>
    /// Handover items (<see cref="Handovers"/>): the orphan service opened them for the CS consultant and closes them; no
    /// nightly source finds them again, so each open or snoozed one proposes itself with its stored facts, its priority
    /// renewed for the urgency of its first-contact deadline. Service work: no consent, no cool-off, no contact policy; the
    /// arbiter keeps it whatever its age and the list's cap (<see cref="Arbiter.Plan"/>). A customer the mart no longer
    /// holds (no active contract with an active agent) proposes nothing, and the item expires.
    /// </summary>
    private static async Task HandoversAsync(CrmDbContext db, Book book, Arbiter arbiter, CancellationToken ct)
    {
        var rows = await db.WorkItems.AsNoTracking()
            .Where(i => i.Action == WorkAction.Handover && (i.State == WorkItemState.Open || i.State == WorkItemState.Snoozed))
            .Select(i => new { i.AgentId, i.CustomerId, i.Subject, i.Probability, i.Value, i.DueOn })
            .ToListAsync(ct);
        foreach (var r in rows)
        {
            if (book.IndexOf(r.CustomerId) is var i and >= 0)
            {
                arbiter.Offer(i, r.AgentId, new Candidate(r.CustomerId, WorkAction.Handover, r.Subject, WorkPurpose.Service, WorkChannel.Phone,
                    r.Probability, r.Value, arbiter.PriorityOf(WorkAction.Handover, r.Probability, r.Value, r.DueOn), DueOn: r.DueOn) { Stale = true });
            }
        }
    }

    /// <summary>
    /// Referrals from the call center (<see cref="Referrals"/>): no nightly source finds them again, so each open or snoozed one
    /// proposes itself with its own numbers and facts, for the agent it was sent to. The rules then treat it as the selling
    /// item it is: it needs the customer's consent for a visit or a call (else <c>NoConsent</c>) and the contact policy's
    /// verdict (<see cref="ContactGate"/>), but not the cool-off, since the customer's own call started it. A customer the mart
    /// no longer holds (no active agent) proposes nothing, and the item expires.
    /// </summary>
    private static async Task ReferralsAsync(CrmDbContext db, Book book, Arbiter arbiter, CancellationToken ct)
    {
        var rows = await db.WorkItems.AsNoTracking()
            .Where(i => i.Action == WorkAction.Referral && (i.State == WorkItemState.Open || i.State == WorkItemState.Snoozed))
            .Select(i => new { i.AgentId, i.CustomerId, i.Subject, i.Probability, i.Value, i.Priority, i.Family, i.DueOn })
            .ToListAsync(ct);
        foreach (var r in rows)
        {
            if (book.IndexOf(r.CustomerId) is var i and >= 0)
            {
                arbiter.Offer(i, r.AgentId, new Candidate(r.CustomerId, WorkAction.Referral, r.Subject, WorkPurpose.Marketing, WorkChannel.Phone,
                    r.Probability, r.Value, r.Priority, r.Family, DueOn: r.DueOn) { Stale = true });
            }
        }
    }

    /// <summary>
    /// Contracts likely to lapse (the lapse-contract champion): value at risk = premium × payments a year × the years
    /// counted (<see cref="WorklistOptions.RetentionYears"/>, fewer when it matures sooner) × the margin kept. Without a contract model, the
    /// customer lapse model proposes the customer, valued at a sale.
    /// </summary>
    private static async Task RetentionAsync(CrmDbContext db, Book book, Arbiter arbiter, WorklistOptions options, DateOnly asOf, CancellationToken ct)
    {
        var min = options.MinProbability;
        if (await ChampionScores.NewestRunAsync(db, InsurerModels.LapseContract.Name, ct) is { } run)
        {
            var rows = from s in db.Set<ContractModelScore>().AsNoTracking()
                       join k in db.Contracts.AsNoTracking() on s.ContractId equals k.Id
                       where s.RunId == run.RunId && s.Eligible && s.Score >= min && Active.Contains(k.Status) && k.PaymentMode != PaymentMode.LumpSum
                       select new { s.ContractId, k.CustomerId, s.Score, k.Premium, k.PaymentMode, k.MaturityDate };
            await foreach (var r in rows.AsAsyncEnumerable().WithCancellation(ct))
            {
                if (book.IndexOf(r.CustomerId) is var i and >= 0)
                {
                    var years = r.MaturityDate is { } m ? Math.Min(options.RetentionYears, Math.Max(0, m.DayNumber - asOf.DayNumber) / 365.25m) : options.RetentionYears;
                    var value = r.Premium * PaymentsPerYear(r.PaymentMode) * years * options.RetentionMargin;
                    arbiter.Offer(i, book.Rows[i].AgentId!.Value, new Candidate(r.CustomerId, WorkAction.Retention, Subject.Contract(r.ContractId),
                        WorkPurpose.Service, WorkChannel.Phone, r.Score, value, arbiter.PriorityOf(WorkAction.Retention, r.Score, value), ContractId: r.ContractId)
                    { Model = InsurerModels.LapseContract.Name, RunId = run.RunId });
                }
            }
            return;
        }
        await CustomerModelAsync(db, book, arbiter, InsurerModels.Lapse, min, (i, score, runId) =>
            new Candidate(book.Rows[i].CustomerId, WorkAction.Retention, "", WorkPurpose.Service, WorkChannel.Phone, score, options.SaleValue,
                arbiter.PriorityOf(WorkAction.Retention, score, options.SaleValue)) { Model = InsurerModels.Lapse.Name, RunId = runId }, ct);
    }

    /// <summary>
    /// A purchase model's group of families: the first family of the group the customer does not hold and may be offered
    /// at their age is a cross-sell; if they hold one, the first held one is an up-sell (more cover).
    /// </summary>
    private static Task PurchaseAsync(CrmDbContext db, Book book, Arbiter arbiter, WorklistOptions options, InsurerModel model, DateOnly asOf, CancellationToken ct) =>
        CustomerModelAsync(db, book, arbiter, model, options.MinProbability, (i, score, runId) =>
        {
            var row = book.Rows[i];
            var age = Book.AgeOn(row, asOf);
            bool Suits(ProductFamily f) => age is not { } a || !options.FamilyAges.TryGetValue(f, out var band) || band.Holds(a);
            var families = model.Families ?? [];
            var cross = families.Where(f => !Book.Holds(row, f) && Suits(f)).Cast<ProductFamily?>().FirstOrDefault();
            var up = families.Where(f => Book.Holds(row, f) && Suits(f)).Cast<ProductFamily?>().FirstOrDefault();
            if ((cross ?? up) is not { } family)
            {
                return null;
            }
            var action = cross is not null ? WorkAction.CrossSell : WorkAction.UpSell;
            return new Candidate(row.CustomerId, action, Subject.Family(family), WorkPurpose.Marketing, WorkChannel.Visit, score, options.SaleValue,
                arbiter.PriorityOf(action, score, options.SaleValue), family) { Model = model.Name, RunId = runId };
        }, ct);

    /// <summary>The loan model, for customers without an active loan: a credit loan.</summary>
    private static Task LoanAsync(CrmDbContext db, Book book, Arbiter arbiter, WorklistOptions options, CancellationToken ct) =>
        CustomerModelAsync(db, book, arbiter, InsurerModels.Loan, options.MinProbability, (i, score, runId) => book.Rows[i].LoanActive ? null
            : new Candidate(book.Rows[i].CustomerId, WorkAction.LoanCrossSell, Subject.Family(ProductFamily.CreditLoan), WorkPurpose.Marketing,
                WorkChannel.Visit, score, options.SaleValue, arbiter.PriorityOf(WorkAction.LoanCrossSell, score, options.SaleValue), ProductFamily.CreditLoan)
            { Model = InsurerModels.Loan.Name, RunId = runId }, ct);

    private static async Task CustomerModelAsync(CrmDbContext db, Book book, Arbiter arbiter, InsurerModel model, double min,
        Func<int, double, long, Candidate?> make, CancellationToken ct)
    {
        if (await ChampionScores.NewestRunAsync(db, model.Name, ct) is not { } run)
        {
            return;
        }
        var rows = db.Set<CustomerModelScore>().AsNoTracking().Where(s => s.RunId == run.RunId && s.Eligible && s.Score >= min)
            .Select(s => new { s.CustomerId, s.Score });
        await foreach (var r in rows.AsAsyncEnumerable().WithCancellation(ct))
        {
            if (book.IndexOf(r.CustomerId) is var i and >= 0 && make(i, r.Score, run.RunId) is { } candidate)
            {
                arbiter.Offer(i, book.Rows[i].AgentId!.Value, candidate);
            }
        }
    }

    /// <summary>Active contracts maturing within the horizon: explain the payout and what comes after (service, due on the maturity).</summary>
    private static async Task MaturingAsync(CrmDbContext db, Book book, Arbiter arbiter, WorklistOptions options, DateOnly asOf, CancellationToken ct)
    {
        var until = asOf.AddDays(options.MaturityHorizonDays);
        var rows = db.Contracts.AsNoTracking().Where(k => Active.Contains(k.Status) && k.MaturityDate >= asOf && k.MaturityDate <= until)
            .Select(k => new { k.Id, k.CustomerId, k.MaturityDate });
        await foreach (var r in rows.AsAsyncEnumerable().WithCancellation(ct))
        {
            if (book.IndexOf(r.CustomerId) is var i and >= 0)
            {
                arbiter.Offer(i, book.Rows[i].AgentId!.Value, new Candidate(r.CustomerId, WorkAction.Maturing, Subject.Contract(r.Id), WorkPurpose.Service,
                    WorkChannel.Visit, 1, options.ServiceValue, arbiter.PriorityOf(WorkAction.Maturing, 1, options.ServiceValue, r.MaturityDate),
                    ContractId: r.Id, DueOn: r.MaturityDate));
            }
        }
    }

    /// <summary>
    /// Premium-paying contracts in force whose paid-to date has passed: the premiums fallen due since are unpaid (service,
    /// by phone, due on the last day of grace). Value = one year's premium × the margin: the arrears are a fact, not a
    /// prediction (probability 1), and what a lapse would lose is the contract's premium margin. One query over the
    /// partial index of migration 0030 (written with the same literals as its filter, so the planner can use it).
    /// </summary>
    private static async Task UnpaidAsync(CrmDbContext db, Book book, Arbiter arbiter, WorklistOptions options, DateOnly asOf, CancellationToken ct)
    {
        var rows = db.Contracts.AsNoTracking()
            .Where(k => (k.Status == ContractStatus.InForce || k.Status == ContractStatus.Reinstated) && k.PaymentMode != PaymentMode.LumpSum
                && k.PaidToDate < asOf)
            .Select(k => new { k.Id, k.CustomerId, k.IssueDate, k.PaymentMode, k.PaidToDate, k.Premium });
        await foreach (var r in rows.AsAsyncEnumerable().WithCancellation(ct))
        {
            if (book.IndexOf(r.CustomerId) is var i and >= 0
                && PremiumSchedule.UnpaidOn(r.IssueDate, r.PaymentMode, r.PaidToDate, asOf, options.UnpaidWindow) is { } unpaid)
            {
                var value = r.Premium * PaymentsPerYear(r.PaymentMode) * options.RetentionMargin;
                arbiter.Offer(i, book.Rows[i].AgentId!.Value, new Candidate(r.CustomerId, WorkAction.UnpaidPremium, Subject.Contract(r.Id),
                    WorkPurpose.Service, WorkChannel.Phone, 1, value, arbiter.PriorityOf(WorkAction.UnpaidPremium, 1, value, unpaid.GraceEnd),
                    ContractId: r.Id, DueOn: unpaid.GraceEnd));
            }
        }
    }

    /// <summary>Claims paid within the follow-up days: ask how it went.</summary>
    private static async Task ClaimsAsync(CrmDbContext db, Book book, Arbiter arbiter, WorklistOptions options, DateOnly asOf, CancellationToken ct)
    {
        var since = asOf.AddDays(-options.ClaimFollowUpDays);
        var rows = db.Claims.AsNoTracking().Where(c => c.PaidDate >= since && c.PaidDate <= asOf).Select(c => new { c.Id, c.CustomerId, c.ContractId });
        await foreach (var r in rows.AsAsyncEnumerable().WithCancellation(ct))
        {
            if (book.IndexOf(r.CustomerId) is var i and >= 0)
            {
                arbiter.Offer(i, book.Rows[i].AgentId!.Value, new Candidate(r.CustomerId, WorkAction.ClaimFollowUp, Subject.Claim(r.Id), WorkPurpose.Service,
                    WorkChannel.Phone, 1, options.ServiceValue, arbiter.PriorityOf(WorkAction.ClaimFollowUp, 1, options.ServiceValue), ContractId: r.ContractId)
                { Ref = r.Id });
            }
        }
    }

    /// <summary>What the mart row alone tells: a coverage check due, a birthday near, contact details missing.</summary>
    private static void FromMart(Book book, Arbiter arbiter, WorklistOptions options, DateOnly asOf)
    {
        var checkDue = asOf.AddMonths(-options.CoverageCheckMonths);
        for (var i = 0; i < book.Count; i++)
        {
            var row = book.Rows[i];
            var agent = row.AgentId!.Value;
            if (row.ActiveContracts > 0 && (book.LastCoverageCheck[i] is not { } checkedOn || checkedOn <= checkDue))
            {
                arbiter.Offer(i, agent, new Candidate(row.CustomerId, WorkAction.CoverageCheck, "", WorkPurpose.Service, WorkChannel.Visit, 1,
                    options.ServiceValue, arbiter.PriorityOf(WorkAction.CoverageCheck, 1, options.ServiceValue)));
            }
            if (NextBirthday(row.BirthDate, asOf) is { } birthday && birthday.DayNumber - asOf.DayNumber <= options.BirthdayDays)
            {
                arbiter.Offer(i, agent, new Candidate(row.CustomerId, WorkAction.Birthday, Subject.Year(birthday.Year), WorkPurpose.Service, WorkChannel.Phone,
                    1, options.ServiceValue, arbiter.PriorityOf(WorkAction.Birthday, 1, options.ServiceValue, birthday), DueOn: birthday));
            }
            if (!row.HasMobile || !row.HasAddress || !row.HasEmail || book.Bounced[i] is not null)
            {
                // A missing (or bounced) mobile or a missing address stops service and claims letters; a missing or bounced
                // e-mail only costs paper.
                var mobileBounced = book.Bounced[i]?.Any(b => b.Detail == "mobile") == true;
                var p = !row.HasMobile || !row.HasAddress || mobileBounced ? 1.0 : 0.5;
                arbiter.Offer(i, agent, new Candidate(row.CustomerId, WorkAction.ContactDetails, "", WorkPurpose.Service, WorkChannel.Phone, p,
                    options.ServiceValue, arbiter.PriorityOf(WorkAction.ContactDetails, p, options.ServiceValue)));
            }
        }
    }

    /// <summary>Open agent contacts of running campaigns, for the agent the split handed them to.</summary>
    private static async Task CampaignsAsync(CrmDbContext db, Book book, Arbiter arbiter, WorklistOptions options, CancellationToken ct)
    {
        var rows = from x in db.CampaignContacts.AsNoTracking()
                   join c in db.Campaigns.AsNoTracking() on x.CampaignId equals c.Id
                   where x.Channel == CampaignChannelKind.Agent && x.State == CampaignContactState.Released && c.State == CampaignState.Running && x.AgentId != null
                   select new { x.Id, x.CustomerId, AgentId = x.AgentId!.Value, x.CampaignId, c.BaselineRate, c.ExpectedLift };
        await foreach (var r in rows.AsAsyncEnumerable().WithCancellation(ct))
        {
            if (book.IndexOf(r.CustomerId) is var i and >= 0)
            {
                var p = Math.Clamp((r.BaselineRate ?? 0.02) + r.ExpectedLift, 0.01, 1);
                arbiter.Offer(i, r.AgentId, new Candidate(r.CustomerId, WorkAction.Campaign, Subject.CampaignContact(r.Id), WorkPurpose.Marketing,
                    WorkChannel.Visit, p, options.SaleValue, arbiter.PriorityOf(WorkAction.Campaign, p, options.SaleValue), CampaignContactId: r.Id)
                { Ref = r.CampaignId });
            }
        }
    }

    internal static DateOnly? NextBirthday(DateOnly? birth, DateOnly asOf)
    {
        if (birth is not { } b)
        {
            return null;
        }
        static DateOnly On(int year, DateOnly b) => new(year, b.Month, Math.Min(b.Day, DateTime.DaysInMonth(year, b.Month)));
        var next = On(asOf.Year, b);
        return next >= asOf ? next : On(asOf.Year + 1, b);
    }

    private static decimal PaymentsPerYear(PaymentMode mode) => mode switch
    {
        PaymentMode.Monthly => 12,
        PaymentMode.Quarterly => 4,
        PaymentMode.SemiAnnual => 2,
        _ => 1,
    };
}

/// <summary>The subject keys of items: what within the customer an item is about.</summary>
internal static class Subject
{
    public static string Contract(long id) => "K" + id.ToString(CultureInfo.InvariantCulture);
    public static string Family(ProductFamily family) => "F" + family;
    public static string Claim(long id) => "L" + id.ToString(CultureInfo.InvariantCulture);
    public static string CampaignContact(long id) => "C" + id.ToString(CultureInfo.InvariantCulture);
    public static string Year(int year) => "B" + year.ToString(CultureInfo.InvariantCulture);
}
