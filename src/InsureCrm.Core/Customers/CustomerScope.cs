using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace InsureCrm.Core.Customers;

/// <summary>Whether a user may open one customer.</summary>
public enum Reach
{
    /// <summary>In scope (and a reason was given where the role needs one).</summary>
    Allowed,
    /// <summary>Unknown, merged away, or outside the user's scope: callers answer all three alike.</summary>
    NotFound,
    /// <summary>The role opens customers only with a reason, and none (or no valid one) was given.</summary>
    ReasonRequired,
    /// <summary>The role never opens individual customers.</summary>
    Forbidden,
}

/// <summary>
/// The data scopes of docs/decisions/0001-security-model.md, as a filter over customers that every Core
/// service returning customer data applies:
/// agent — policyholder, insured or beneficiary of a contract the user's agent sold or services, and
/// borrowers of the agent's loans; CS consultant — parties of contracts the user's agent services;
/// branch manager — parties of contracts sold or serviced by an agent of the branch, and borrowers of
/// the branch's loans; call center and compliance — any customer (opened only with a reason);
/// VOC handler — customers of the open cases routed to them (the VOC feature's <see cref="ICustomerReachSource"/>);
/// marketer, analyst, admin — none individually.
/// </summary>
/// <remarks>
/// The filter is a disjunction of correlated EXISTS: contract by customer_id (the policyholder),
/// contract_role by customer_id joined to contract by id, loan by customer_id, each checking the
/// selling / servicing agent (or, for a branch, membership in the branch's agents through
/// agent.branch_id). Every probe is an index lookup, so a single-customer check costs a few index reads
/// and a search pays them only for the candidate rows.
/// </remarks>
public sealed class CustomerScope(CrmDbContext db, IAccessLog? log = null, IEnumerable<ICustomerReachSource>? sources = null)
{
    /// <summary>The scopes features above Customers give a role (<see cref="ICustomerReachSource"/>), by role.</summary>
    private readonly Dictionary<Role, ICustomerReachSource> _sources = (sources ?? []).ToDictionary(s => s.Role);

    /// <summary>Narrows <paramref name="customers"/> to those <paramref name="user"/> may reach.</summary>
    public IQueryable<Customer> Filter(IQueryable<Customer> customers, CrmUser user) => Filter(customers, ScopeOf(user));

    /// <summary>
    /// Which of the scopes of the class's summary <paramref name="user"/> has, and the agent or branch it is about: the one
    /// place that reads the user for <see cref="Filter(IQueryable{Customer}, CrmUser)"/>, so that the shape of the filter's
    /// SQL depends on <see cref="UserScope.Kind"/> alone (<see cref="ProbeStatement"/> caches the text by it).
    /// </summary>
    private UserScope ScopeOf(CrmUser user) => user.Role switch
    {
        Role.CallCenter or Role.CallCenterSupervisor or Role.Compliance => new(ScopeKind.Everyone, 0),
        Role.Agent when user.AgentId is { } agent => new(ScopeKind.Agent, agent),
        Role.CsConsultant when user.AgentId is { } consultant => new(ScopeKind.ServicingAgent, consultant),
        Role.BranchManager when user.BranchId is { } branch => new(ScopeKind.Branch, branch),
        // VOC handlers: the customers of their cases (the account itself is what the source filters by).
        var role when _sources.ContainsKey(role) => new(ScopeKind.Source, user.UserId, role),
        // Marketers, analysts, admins, and accounts not linked to an agent or branch.
        _ => new(ScopeKind.Nobody, 0),
    };

    private IQueryable<Customer> Filter(IQueryable<Customer> customers, UserScope scope)
    {
        // A local, so that EF sends it as a parameter whatever the kind (never a constant in the SQL text). EF 10 names the
        // parameter after it (@scopeId): the customer view's batch has its own @id, so not "id".
        var scopeId = scope.Id;
        switch (scope.Kind)
        {
            case ScopeKind.Everyone:
                return customers;
            case ScopeKind.Agent:
                return Parties(customers,
                    db.Contracts.Where(k => k.SellingAgentId == scopeId || k.ServicingAgentId == scopeId),
                    db.Loans.Where(l => l.AgentId == scopeId));
            case ScopeKind.ServicingAgent:
                return Parties(customers, db.Contracts.Where(k => k.ServicingAgentId == scopeId), null);
            case ScopeKind.Branch:
                var branchAgents = db.Agents.Where(a => a.BranchId == scopeId).Select(a => (long?)a.Id);
                return Parties(customers,
                    db.Contracts.Where(k => branchAgents.Contains(k.SellingAgentId) || branchAgents.Contains(k.ServicingAgentId)),
                    db.Loans.Where(l => branchAgents.Contains(l.AgentId)));
            case ScopeKind.Source when scope.Source is { } role && _sources.TryGetValue(role, out var source):
                var reached = source.CustomerIds(db, scopeId);
                return customers.Where(c => reached.Contains(c.Id));
            default:
                return customers.Where(c => false);
        }
    }

    /// <summary>
    /// Whether <paramref name="user"/> may open the live customer <paramref name="customerId"/> now.
    /// <paramref name="reason"/> is the composed reason (<see cref="AccessReason.Compose"/>); roles that
    /// need one are refused before the id is looked at, so the refusal says nothing about the id.
    /// </summary>
    public async Task<Reach> CanReachAsync(CrmUser user, long customerId, string? reason = null, CancellationToken ct = default)
    {
        if (!user.Role.Allows(Capability.CustomersView))
        {
            return Reach.Forbidden;
        }
        if (user.Role.NeedsReasonToOpen() && string.IsNullOrWhiteSpace(reason))
        {
            return Reach.ReasonRequired;
        }
        var found = await Filter(db.Customers.AsNoTracking().Where(c => c.Id == customerId && c.MergedIntoId == null), user).AnyAsync(ct);
        return found ? Reach.Allowed : Reach.NotFound;
    }

    /// <summary>
    /// In one query: whether <paramref name="customerId"/> exists (null when not), where it was merged, and whether
    /// <paramref name="user"/>'s scope reaches it while it is live (the test of <see cref="CanReachAsync"/> once the
    /// role checks have passed). Records nothing: the caller decides what a refusal is.
    /// </summary>
    public async Task<CustomerProbe?> ProbeAsync(CrmUser user, long customerId, CancellationToken ct = default) =>
        await ProbeQuery(user, customerId).FirstOrDefaultAsync(ct);

    /// <summary>
    /// <see cref="ProbeAsync"/>'s query as SQL text and parameters, for a caller that runs it as the first statement of
    /// its own batch (the gate and the page it guards in one round trip) and reads its result set with
    /// <see cref="ReadProbeAsync"/>. EF writes the SQL from <see cref="Filter(IQueryable{Customer}, CrmUser)"/>, so the
    /// scope rules stay in one place; the text is written once per model, provider and kind of scope and cached
    /// (<see cref="ProbeTemplate"/>), and each call only binds the customer's and the user's ids as parameters.
    /// </summary>
    internal ProbeStatement ProbeStatement(CrmUser user, long customerId)
    {
        var scope = ScopeOf(user);
        var template = ProbeTemplates.GetOrAdd(new ProbeKey(db.Model, db.Database.ProviderName, scope.Kind, scope.Source),
            static (key, self) => self.WriteProbeTemplate(key.Kind, key.Source), this);
        return template.Bind(customerId, scope.Id);
    }

    // Compiling the gate's LINQ to SQL on every view was 11 % of the web host's CPU of a view (issue 11). The text
    // depends on the model, the provider and the branch Filter takes (ScopeKind); the customer's and the user's ids
    // only ever reach it as parameters, and they are never null, so EF's null-dependent rewriting cannot vary either.
    // A handful of entries: kinds × providers.
    private static readonly ConcurrentDictionary<ProbeKey, ProbeTemplate> ProbeTemplates = new();

    // Values no customer, agent or branch has, from which the template learns which parameter is which.
    private const long CustomerMarker = 7_396_508_091_245_381_001;
    private const long ScopeMarker = 7_396_508_091_245_381_002;

    private ProbeTemplate WriteProbeTemplate(ScopeKind kind, Role? source)
    {
        using var command = ProbeQuery(new UserScope(kind, ScopeMarker, source), CustomerMarker).Take(1).CreateDbCommand();
        var sql = command.CommandText;
        if (sql.Contains(CustomerMarker.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            || sql.Contains(ScopeMarker.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))
        {
            // A value written into the text would be cached for every user of the kind.
            throw new InvalidOperationException("The scope gate's SQL holds a value rather than a parameter; it cannot be cached.");
        }
        // Any other parameter holds a constant of the query (EF 10 sends Take(1)'s 1 as one): the markers were the only
        // values that came from a user or a customer.
        var slots = command.Parameters.Cast<DbParameter>().Select(p => (Template: p, Slot: p.Value switch
        {
            CustomerMarker => ProbeSlot.Customer,
            ScopeMarker => ProbeSlot.Scope,
            _ => ProbeSlot.Constant,
        })).ToList();
        // Taken out of the command they were made for; each statement gets copies holding its own values.
        command.Parameters.Clear();
        return new ProbeTemplate(sql, slots);
    }

    /// <summary>The result set of a <see cref="ProbeStatement"/>: what <see cref="ProbeAsync"/> would have returned.</summary>
    internal static async Task<CustomerProbe?> ReadProbeAsync(DbDataReader reader, CancellationToken ct) =>
        await reader.ReadAsync(ct) ? new CustomerProbe(reader.IsDBNull(0) ? null : reader.GetInt64(0), reader.GetBoolean(1)) : null;

    private IQueryable<CustomerProbe> ProbeQuery(CrmUser user, long customerId) => ProbeQuery(ScopeOf(user), customerId);

    private IQueryable<CustomerProbe> ProbeQuery(UserScope scope, long customerId)
    {
        var reachable = Filter(db.Customers.Where(c => c.Id == customerId && c.MergedIntoId == null), scope);
        return db.Customers.AsNoTracking().Where(c => c.Id == customerId)
            .Select(c => new CustomerProbe(c.MergedIntoId, reachable.Any()));
    }

    /// <summary>
    /// <see cref="CanReachAsync"/> for a user's attempt to <paramref name="attempted"/> (e.g. "view", "change contact",
    /// "unmask Rrn") the customer; a refused id (<see cref="Reach.NotFound"/>) is recorded in the access log as
    /// <see cref="AccessAction.Denied"/> (<see cref="RecordDeniedAsync"/>). The caller still answers like an unknown id.
    /// </summary>
    public async Task<Reach> CheckAsync(CrmUser user, long customerId, string attempted, string? reason = null, CancellationToken ct = default)
    {
        var reach = await CanReachAsync(user, customerId, reason, ct);
        if (reach == Reach.NotFound)
        {
            await RecordDeniedAsync(user, customerId, attempted, reason, ct);
        }
        return reach;
    }

    /// <summary>
    /// Records a refused attempt on <paramref name="customerId"/>: what was attempted and why it was refused
    /// ("out-of-scope", "merged" or "unknown-id"), never anything about the customer. The access review counts these
    /// per user; they are not customers reached.
    /// </summary>
    public async Task RecordDeniedAsync(CrmUser user, long customerId, string attempted, string? reason = null, CancellationToken ct = default)
    {
        if (log is null)
        {
            return;
        }
        var stored = await db.Customers.AsNoTracking().Where(c => c.Id == customerId).Select(c => new { c.MergedIntoId }).FirstOrDefaultAsync(ct);
        var why = stored is null ? "unknown-id" : stored.MergedIntoId is null ? "out-of-scope" : "merged";
        await log.RecordAsync(user, new AccessEvent(AccessAction.Denied, customerId, reason, $"{attempted}: {why}"), ct);
    }

    private IQueryable<Customer> Parties(IQueryable<Customer> customers, IQueryable<Contract> contracts, IQueryable<Loan>? loans)
    {
        var roles = db.ContractRoles;
        return loans is null
            ? customers.Where(c => contracts.Any(k => k.CustomerId == c.Id)
                || roles.Any(r => r.CustomerId == c.Id && contracts.Any(k => k.Id == r.ContractId)))
            : customers.Where(c => contracts.Any(k => k.CustomerId == c.Id)
                || roles.Any(r => r.CustomerId == c.Id && contracts.Any(k => k.Id == r.ContractId))
                || loans.Any(l => l.CustomerId == c.Id));
    }
}

/// <summary>A stored customer as <see cref="CustomerScope.ProbeAsync"/> sees it: merged or live, and in the user's scope or not.</summary>
public sealed record CustomerProbe(long? MergedIntoId, bool InScope);

/// <summary>The SQL and parameters of <see cref="CustomerScope.ProbeStatement"/>.</summary>
internal sealed record ProbeStatement(string Sql, IReadOnlyList<DbParameter> Parameters);

/// <summary>The branch of <see cref="CustomerScope.Filter(IQueryable{Customer}, CrmUser)"/> a user's scope takes.</summary>
internal enum ScopeKind
{
    Everyone,
    Agent,
    ServicingAgent,
    Branch,
    /// <summary>A feature's <see cref="ICustomerReachSource"/> for the user's role, by the user's account.</summary>
    Source,
    Nobody,
}

/// <summary>
/// A user's scope: its kind and the agent, branch or account it is about (0 for kinds about none), and for
/// <see cref="ScopeKind.Source"/> the role whose source it is.
/// </summary>
internal readonly record struct UserScope(ScopeKind Kind, long Id, Role? Source = null);

/// <summary>What the text of the scope gate depends on: <see cref="CustomerScope"/> caches it by this.</summary>
internal readonly record struct ProbeKey(IModel Model, string? Provider, ScopeKind Kind, Role? Source);

internal enum ProbeSlot
{
    Customer,
    Scope,
    Constant,
}

/// <summary>The scope gate's SQL for one <see cref="ProbeKey"/>, and which of its parameters takes which id.</summary>
internal sealed class ProbeTemplate(string sql, IReadOnlyList<(DbParameter Template, ProbeSlot Slot)> slots)
{
    public ProbeStatement Bind(long customerId, long scopeId) =>
        new(sql, [.. slots.Select(s => s.Template.WithValue(s.Slot switch
        {
            ProbeSlot.Customer => customerId,
            ProbeSlot.Scope => scopeId,
            _ => s.Template.Value!,
        }))]);
}
