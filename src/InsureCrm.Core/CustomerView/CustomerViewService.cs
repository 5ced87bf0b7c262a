using System.Globalization;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.CustomerView;

/// <summary>
/// Builds the single customer view in one round trip, whatever the number of contracts, members or contacts: the
/// gate (existence, merge, scope) and every section in one batch (<see cref="CustomerViewBatch"/>); never one query
/// per row or per section. Only customers in the user's
/// data scope are shown (others answer exactly like unknown ids), identifiers are masked, and every
/// opening is logged as a <see cref="AccessAction.View"/> with the reason given.
/// </summary>
public sealed class CustomerViewService(CrmDbContext db, CustomerScope scope, IAccessLog log)
{
    public const int TimelinePageSize = 100;
    private const int MaxMergeHops = 10;

    /// <summary>
    /// Opens a customer for <paramref name="user"/>. <paramref name="reason"/> is the composed reason
    /// (<see cref="AccessReason.Compose"/>), required for call center and compliance.
    /// </summary>
    public async Task<CustomerLookup> GetAsync(CrmUser user, long id, string? reason = null, CancellationToken ct = default)
    {
        if (!user.Role.Allows(Capability.CustomersView))
        {
            return CustomerLookup.Forbidden;
        }
        if (user.Role.NeedsReasonToOpen() && string.IsNullOrWhiteSpace(reason))
        {
            return CustomerLookup.ReasonRequired;
        }
        // The gate (existence, merge and scope) and everything the page shows in one round trip (CustomerViewBatch), on a
        // connection held for that command only: the access log below takes one of its own from the same pool, and a view
        // that held its connection while it waited for the log's would, with every pooled connection held that way, wait
        // until the pool's timeout.
        var (probe, rows) = await CustomerViewBatch.ReadAsync(db, scope.ProbeStatement(user, id), id, TimelinePageSize, ct);
        if (await RefusedAsync(user, id, reason, probe, ct) is { } refused)
        {
            return refused;
        }
        if (rows is null)
        {
            return CustomerLookup.NotFound;
        }
        var (customer, households, relationships, contracts, history, claims, loans, products, interactions, agents, consents,
            (value, lifecycle, segment), scores, contractScores, merges, names) = rows;
        var memberships = households.SelectMany(h => h.Members).Where(m => m.CustomerId == id).ToList();
        var timeline = Page(interactions, TimelinePageSize, agents);
        names[id] = customer.Name;
        string NameOf(long customerId) => names.GetValueOrDefault(customerId, "#" + customerId.ToString(CultureInfo.InvariantCulture));

        var historyByContract = history.ToLookup(h => h.ContractId);
        var claimsByContract = claims.ToLookup(c => c.ContractId);
        var contractViews = new List<(ContractRoleKind Role, ContractView View)>();
        foreach (var k in contracts)
        {
            var myRoles = k.Roles.Where(r => r.CustomerId == id).ToList();
            if (k.CustomerId == id && myRoles.TrueForAll(r => r.Role != ContractRoleKind.Policyholder))
            {
                myRoles.Add(new ContractRole { ContractId = k.Id, CustomerId = id, Role = ContractRoleKind.Policyholder });
            }
            var product = products[k.ProductId];
            var servicing = k.ServicingAgentId is { } s ? agents.GetValueOrDefault(s) : null;
            var parties = k.Roles.OrderBy(r => r.Role).ThenBy(r => r.Id)
                .Select(r => new ContractPartyView(r.CustomerId, NameOf(r.CustomerId), r.Role, r.SharePercent)).ToList();
            var riders = k.Riders.OrderBy(r => r.Id)
                .Select(r => new RiderView(products[r.ProductId].Code, products[r.ProductId].Name, r.SumAssured, r.Premium)).ToList();
            foreach (var role in myRoles.DistinctBy(r => r.Role))
            {
                contractViews.Add((role.Role, new ContractView(
                    k.Id, k.ContractNumber, product.Code, product.Name, product.Line, product.Family, k.Status, k.StatusDate,
                    k.Premium, k.SumAssured, k.Currency, k.PaymentMode, k.PaymentMethod, k.Channel, k.IssueDate, k.MaturityDate,
                    role.SharePercent,
                    k.SellingAgentId is { } sa ? agents.GetValueOrDefault(sa) : null,
                    servicing,
                    Orphaned: servicing is null || servicing.Status == AgentStatus.Terminated,
                    parties, riders,
                    [.. historyByContract[k.Id].Select(h => new StatusChangeView(h.FromStatus, h.ToStatus, h.EffectiveDate, h.RecordedAt, h.Reason))],
                    [.. claimsByContract[k.Id].Select(c => new ClaimView(c.ClaimNumber, c.Cause, c.ClaimDate, c.PaidDate, c.AmountPaid, c.Currency))],
                    k.Version,
                    // A score of the run date says nothing about a contract that has lapsed or ended since.
                    ContractLifecycle.IsActive(k.Status) ? contractScores.GetValueOrDefault(k.Id) : null,
                    k.PaidToDate)));
            }
        }
        var groups = Enum.GetValues<ContractRoleKind>()
            .Select(role => new ContractGroupView(role, [.. contractViews.Where(c => c.Role == role).Select(c => c.View)]))
            .ToList();

        var related = new Dictionary<long, AgentRelation>();
        void Relate(long? agentId, AgentRelation relation)
        {
            if (agentId is { } a && agents.ContainsKey(a))
            {
                related[a] = related.GetValueOrDefault(a) | relation;
            }
        }
        foreach (var k in contracts)
        {
            Relate(k.SellingAgentId, AgentRelation.Selling);
            Relate(k.ServicingAgentId, AgentRelation.Servicing);
        }
        foreach (var l in loans)
        {
            Relate(l.AgentId, AgentRelation.Loan);
        }
        foreach (var i in timeline.Items)
        {
            if (i.Agent is { } a)
            {
                agents.TryAdd(a.Id, a);
                Relate(a.Id, AgentRelation.Contact);
            }
        }

        var view = new CustomerPageView(
            new CustomerIdentity(customer.Id, customer.Name, customer.Kind, customer.NameScript, customer.RrnMasked,
                customer.BusinessNumber, customer.BirthDate, customer.Gender, customer.Occupation, customer.IncomeBand,
                customer.MaritalStatus, customer.Children, customer.PreferredChannel, customer.PreferredContactTime,
                customer.CreatedAt, customer.UpdatedAt, customer.Version),
            new CustomerContactDetails(
                [.. customer.Phones.OrderByDescending(p => p.IsPrimary).ThenBy(p => p.Id)
                    .Select(p => new PhoneView(p.Id, p.Kind, Masking.Phone(p.Number), p.IsPrimary))],
                [.. customer.Emails.OrderByDescending(e => e.IsPrimary).ThenBy(e => e.Id).Select(e => new EmailView(e.Id, Masking.Email(e.Address), e.IsPrimary))]),
            [.. customer.Addresses.OrderByDescending(a => a.IsPrimary).ThenBy(a => a.Id)
                .Select(a => new CustomerAddressView(a.Id, a.Kind, a.Sido, a.Sigungu, user.Role.SeesContactData() ? a.Line : null, a.PostalCode, a.IsPrimary))],
            [.. households.OrderBy(h => h.Id).Select(h => new HouseholdView(h.Id, h.Name,
                memberships.First(m => m.HouseholdId == h.Id).Role,
                [.. h.Members.OrderBy(m => m.Role).ThenBy(m => m.Id).Select(m => new HouseholdMemberView(m.CustomerId, NameOf(m.CustomerId), m.Role))]))],
            [.. relationships.OrderBy(r => r.Kind).ThenBy(r => r.Id).Select(r => new RelationshipView(r.RelatedCustomerId, NameOf(r.RelatedCustomerId), r.Kind))],
            groups,
            [.. loans.Select(l => new LoanView(l.Id, l.LoanNumber, products[l.ProductId].Name, products[l.ProductId].Family,
                l.Principal, l.Rate, l.Balance, l.Currency, l.StartDate, l.MaturityDate, l.Status, l.StatusDate,
                l.AgentId is { } la ? agents.GetValueOrDefault(la) : null))],
            [.. related.Select(r => new RelatedAgentView(agents[r.Key], r.Value)).OrderBy(r => r.Agent.Code, StringComparer.Ordinal)],
            timeline,
            [.. consents.GroupBy(c => c.Channel)
                .Select(g => g.OrderByDescending(c => c.RecordedAt).ThenByDescending(c => c.Id).First())
                .OrderBy(c => c.Channel)
                .Select(c => new ConsentView(c.Channel, c.Granted, c.NightTimeAllowed, c.Source, c.RecordedAt, c.EffectiveFrom, c.ExpiresOn))],
            [.. customer.SourceKeys.OrderBy(k => k.SourceSystem, StringComparer.Ordinal).ThenBy(k => k.SourceId, StringComparer.Ordinal)
                .Select(k => new SourceKeyView(k.SourceSystem, k.SourceId))],
            [.. merges.Select(m => new MergeView(m.SurvivorId, m.MergedId, m.Rule, m.MergedAt, m.MergedBy, m.UndoneAt))],
            value,
            lifecycle,
            [.. Enum.GetValues<ReservedSection>().Where(r => (r != ReservedSection.Value || value is null) && (r != ReservedSection.Segments || segment is null)
                && (r != ReservedSection.Scores || scores.Count == 0))],
            segment,
            scores);
        await log.RecordAsync(user, new AccessEvent(AccessAction.View, id, reason, "customer"), ct);
        return new CustomerLookup(view, null);
    }

    /// <summary>
    /// Older contact history of a customer the user may open (the same scope and reason rules as
    /// <see cref="GetAsync"/>, logged as a view of the interactions); <see cref="TimelineLookup.BadCursor"/>
    /// when <paramref name="before"/> is not a cursor this service issued.
    /// </summary>
    public async Task<TimelineLookup> TimelineAsync(CrmUser user, long customerId, string? before, string? reason = null,
        int limit = TimelinePageSize, CancellationToken ct = default)
    {
        if (!user.Role.Allows(Capability.CustomersView))
        {
            return new TimelineLookup(null, Reach.Forbidden, false);
        }
        var reach = await scope.CheckAsync(user, customerId, "view interactions", reason, ct);
        if (reach != Reach.Allowed)
        {
            return new TimelineLookup(null, reach, false);
        }
        var page = await TimelinePageAsync(customerId, before, limit, ct);
        if (page is null)
        {
            return new TimelineLookup(null, Reach.Allowed, true);
        }
        await log.RecordAsync(user, new AccessEvent(AccessAction.View, customerId, reason, "interactions"), ct);
        return new TimelineLookup(page, Reach.Allowed, false);
    }

    /// <summary>
    /// Null when the gate's <paramref name="probe"/> lets the user open the customer; otherwise the lookup to answer
    /// with (the refusals are the rare paths).
    /// </summary>
    private async Task<CustomerLookup?> RefusedAsync(CrmUser user, long id, string? reason, CustomerProbe? probe, CancellationToken ct)
    {
        if (probe is null)
        {
            await scope.RecordDeniedAsync(user, id, "view", reason, ct);
            return CustomerLookup.NotFound;
        }
        if (probe.MergedIntoId is { } into)
        {
            // A merged id leads to its survivor only for users who may open the survivor.
            var survivor = await SurvivorAsync(into, ct);
            if (await scope.CanReachAsync(user, survivor, reason, ct) == Reach.Allowed)
            {
                return new CustomerLookup(null, survivor);
            }
            await scope.RecordDeniedAsync(user, id, "view", reason, ct);
            return CustomerLookup.NotFound;
        }
        if (!probe.InScope)
        {
            // What CustomerScope.CheckAsync records for a live customer out of scope.
            await scope.RecordDeniedAsync(user, id, "view", reason, ct);
            return CustomerLookup.NotFound;
        }
        return null;
    }

    /// <summary>
    /// Contact history newest first, <paramref name="limit"/> entries after the <paramref name="before"/>
    /// cursor; null when the cursor is not one this service issued. No scope check: callers go through
    /// <see cref="TimelineAsync(CrmUser, long, string?, string?, int, CancellationToken)"/>.
    /// </summary>
    internal async Task<TimelinePage?> TimelinePageAsync(long customerId, string? before, int limit = TimelinePageSize, CancellationToken ct = default)
    {
        TimelineCursor? cursor = null;
        if (!string.IsNullOrEmpty(before) && (cursor = TimelineCursor.Decode(before)) is null)
        {
            return null;
        }
        return await TimelineAsync(customerId, cursor, Math.Clamp(limit, 1, 500), ct);
    }

    private async Task<TimelinePage> TimelineAsync(long customerId, TimelineCursor? before, int limit, CancellationToken ct)
    {
        var query = db.Interactions.AsNoTracking().Where(i => i.CustomerId == customerId);
        if (before is { } b)
        {
            query = query.Where(i => i.OccurredAt < b.OccurredAt || (i.OccurredAt == b.OccurredAt && i.Id < b.Id));
        }
        var rows = await query.OrderByDescending(i => i.OccurredAt).ThenByDescending(i => i.Id).Take(limit + 1).ToListAsync(ct);
        var agentIds = rows.Take(limit).Where(i => i.AgentId is not null).Select(i => i.AgentId!.Value).Distinct().ToList();
        return Page(rows, limit, await AgentsAsync(agentIds, ct));
    }

    /// <summary>A page of <paramref name="limit"/> entries from the newest <paramref name="limit"/> + 1 (the one more says whether there is an older page).</summary>
    private static TimelinePage Page(List<Interaction> rows, int limit, Dictionary<long, AgentRef> agents)
    {
        var page = rows.Take(limit).ToList();
        var items = page.Select(i => new InteractionView(i.Id, DateTime.SpecifyKind(i.OccurredAt, DateTimeKind.Utc), i.Channel, i.Direction,
            i.Purpose, i.Outcome, i.AgentId is { } a ? agents.GetValueOrDefault(a) : null, i.StaffUser, i.Notes)).ToList();
        var next = rows.Count > limit ? new TimelineCursor(page[^1].OccurredAt, page[^1].Id).Encode() : null;
        return new TimelinePage(items, next);
    }

    private async Task<Dictionary<long, AgentRef>> AgentsAsync(List<long> agentIds, CancellationToken ct)
    {
        if (agentIds.Count == 0)
        {
            return [];
        }
        return await (from a in db.Agents.AsNoTracking()
                      join b in db.Branches.AsNoTracking() on a.BranchId equals b.Id
                      where agentIds.Contains(a.Id)
                      select new AgentRef(a.Id, a.Code, a.Name, a.Kind, a.Status, b.Code, b.Name))
            .ToDictionaryAsync(a => a.Id, ct);
    }

    private async Task<long> SurvivorAsync(long mergedInto, CancellationToken ct)
    {
        // Follow chains of merges (A into B, later B into C) to the record that is still live.
        var current = mergedInto;
        for (var hop = 0; hop < MaxMergeHops; hop++)
        {
            var next = await db.Customers.AsNoTracking().Where(c => c.Id == current).Select(c => c.MergedIntoId).FirstOrDefaultAsync(ct);
            if (next is null)
            {
                break;
            }
            current = next.Value;
        }
        return current;
    }

    private readonly record struct TimelineCursor(DateTime OccurredAt, long Id)
    {
        public string Encode() => string.Create(CultureInfo.InvariantCulture, $"{OccurredAt.Ticks}-{Id}");

        public static TimelineCursor? Decode(string token)
        {
            var parts = token.Split('-');
            return parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks <= DateTime.MaxValue.Ticks
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                    ? new TimelineCursor(new DateTime(ticks, DateTimeKind.Utc), id)
                    : null;
        }
    }
}
