using InsureCrm.Core.Policies;

namespace InsureCrm.Core.Worklists.Build;

/// <summary>
/// A candidate action for a customer: its numbers and what it is about. <see cref="Model"/> names the score behind a
/// model-driven candidate, so that its reasons are read only for the candidates that make a list.
/// </summary>
internal sealed record Candidate(
    long CustomerId, WorkAction Action, string Subject, WorkPurpose Purpose, WorkChannel Channel, double Probability, decimal Value,
    double Priority, ProductFamily? Family = null, long? ContractId = null, long? CampaignContactId = null, DateOnly? DueOn = null)
{
    public string? Model { get; init; }
    public long? RunId { get; init; }
    /// <summary>Source-specific detail for the facts: a claim's id, a campaign's id.</summary>
    public long? Ref { get; init; }
    /// <summary>Tie-break between equal priorities: the customer's total value.</summary>
    public double Tie { get; init; }
    /// <summary>A returning snoozed item that no source proposes today, or a referral (its facts are what the call center wrote): it keeps its stored facts.</summary>
    public bool Stale { get; init; }
}

/// <summary>An open or snoozed item from earlier builds.</summary>
internal sealed record Carried(
    long Id, long AgentId, long CustomerId, WorkAction Action, string Subject, WorkItemState State, DateOnly? SnoozedUntil, DateOnly FirstListedOn,
    int Version, double Priority, double Probability, decimal Value, ProductFamily? Family, long? ContractId, long? CampaignContactId, string Facts,
    WorkChannel Channel, DateOnly? DueOn, WorkPurpose Purpose);

/// <summary>An item of a list after the build: a candidate for an agent, rolled over from <see cref="Carried"/> or new.</summary>
internal sealed record Listed(long AgentId, Candidate Candidate, Carried? Carried, bool Returned);

/// <summary>
/// The arbitration proper, independent of where candidates come from: each source calls <see cref="Offer"/>; the
/// arbiter applies the rules, keeps each customer's best candidate per agent, remembers the candidates that match a
/// carried item, and <see cref="Plan"/> fills each agent's list.
/// </summary>
internal sealed class Arbiter(Book book, WorklistOptions options, DateOnly asOf, IReadOnlyList<Carried> carried)
{
    private readonly Candidate?[] _best = new Candidate?[book.Count];
    /// <summary>Each customer's best selling candidate, for the sale places of <see cref="WorklistOptions.SalePlaces"/>.</summary>
    private readonly Candidate?[] _bestSale = new Candidate?[book.Count];
    /// <summary>Each customer's best service candidate for their servicing agent: what they keep when the contact policy refuses selling.</summary>
    private readonly Candidate?[] _service = new Candidate?[book.Count];
    /// <summary>Customers the contact policy refused selling to (<see cref="Block"/>), and those to be approached on another channel (<see cref="Rechannel"/>).</summary>
    private readonly HashSet<long> _blocked = [];
    private readonly Dictionary<long, WorkChannel> _channelOf = [];
    /// <summary>Candidates for an agent other than the customer's servicing agent (a campaign contact handed to another agent).</summary>
    private readonly Dictionary<(long Agent, long Customer), Candidate> _others = [];
    private readonly Dictionary<(long, long, WorkAction, string), Carried> _carriedByKey =
        carried.ToDictionary(c => (c.AgentId, c.CustomerId, c.Action, c.Subject));
    private readonly Dictionary<long, Candidate> _renewed = [];
    private readonly Dictionary<string, int> _refused = new(StringComparer.Ordinal);

    public int Candidates { get; private set; }

    public IReadOnlyDictionary<string, int> Refused => _refused;

    public Book Book => book;

    /// <summary>
    /// Checks a candidate against the rules and keeps it if it is the customer's best so far. Selling needs consent for
    /// a channel (a visit, else a call) and no contact within the cool-off; a family must suit the customer's age.
    /// </summary>
    public void Offer(int index, long agentId, Candidate candidate)
    {
        Candidates++;
        var row = book.Rows[index];
        if (!book.ActiveAgents.Contains(agentId))
        {
            Refuse("AgentNotActive");
            return;
        }
        if (candidate.Purpose == WorkPurpose.Marketing)
        {
            if (!row.ConsentVisit && !row.ConsentPhone)
            {
                Refuse("NoConsent");
                return;
            }
            // Campaign contacts had their own frequency cap; a referral follows the customer's own call (itself a contact).
            if (candidate.Action is not (WorkAction.Campaign or WorkAction.Referral) && book.LastContact[index] is { } last
                && last > asOf.AddDays(-options.CoolOffDays))
            {
                Refuse("CoolOff");
                return;
            }
            candidate = candidate with { Channel = row.ConsentVisit ? WorkChannel.Visit : WorkChannel.Phone };
        }
        if (candidate.Family is { } family && options.FamilyAges.TryGetValue(family, out var band)
            && Book.AgeOn(row, asOf) is { } age && !band.Holds(age))
        {
            Refuse("Unsuitable");
            return;
        }
        candidate = candidate with { Tie = row.TotalValue ?? 0 };
        if (_carriedByKey.TryGetValue((agentId, candidate.CustomerId, candidate.Action, candidate.Subject), out var match))
        {
            _renewed[match.Id] = candidate;
        }
        if (agentId == row.AgentId)
        {
            if (_best[index] is not { } best || Better(candidate, best))
            {
                _best[index] = candidate;
            }
            if (candidate.Purpose == WorkPurpose.Marketing && (_bestSale[index] is not { } bestSale || Better(candidate, bestSale)))
            {
                _bestSale[index] = candidate;
            }
            if (candidate.Purpose != WorkPurpose.Marketing && (_service[index] is not { } service || Better(candidate, service)))
            {
                _service[index] = candidate;
            }
        }
        else if (!_others.TryGetValue((agentId, candidate.CustomerId), out var other) || Better(candidate, other))
        {
            _others[(agentId, candidate.CustomerId)] = candidate;
        }
    }

    /// <summary>Priority = probability × value × the action's weight × urgency (1 to 2 as a due date nears, within 30 days).</summary>
    public double PriorityOf(WorkAction action, double probability, decimal value, DateOnly? due = null)
    {
        var urgency = due is { } d ? 1 + Math.Clamp((30 - (d.DayNumber - asOf.DayNumber)) / 30.0, 0, 1) : 1;
        return probability * (double)value * options.WeightOf(action) * urgency;
    }

    private void Refuse(string rule) => _refused[rule] = _refused.GetValueOrDefault(rule) + 1;

    /// <summary>
    /// The contact policy refused selling to the customer (<paramref name="rule"/>, counted once): from the next
    /// <see cref="Plan"/> on they get no marketing item from any agent and keep their best service candidate, if any.
    /// </summary>
    public void Block(long customerId, string rule)
    {
        if (_blocked.Add(customerId))
        {
            Refuse(rule);
        }
    }

    /// <summary>The contact policy allows selling to the customer on <paramref name="channel"/> only (their visit was refused).</summary>
    public void Rechannel(long customerId, WorkChannel channel) => _channelOf[customerId] = channel;

    /// <summary>A candidate as the contact policy's verdicts leave it: null for selling to a blocked customer.</summary>
    private Candidate? Admit(Candidate c) =>
        c.Purpose != WorkPurpose.Marketing ? c
        : _blocked.Contains(c.CustomerId) ? null
        : _channelOf.TryGetValue(c.CustomerId, out var channel) && channel != c.Channel ? c with { Channel = channel }
        : c;

    private static bool Better(Candidate a, Candidate b) => a.Priority > b.Priority || (a.Priority == b.Priority && a.Tie > b.Tie);

    public sealed record Result(IReadOnlyList<Listed> Listed, IReadOnlyList<long> Expired, int Agents, int NewCount, int KeptCount, int ReturnedCount);

    /// <summary>
    /// Each agent's list: first the items rolled over (a snoozed item due today returns; an open item stays while a source
    /// still proposes it and it is not older than the maximum age, with its numbers renewed), best first up to the cap;
    /// then the best new customers. A customer holds at most one open item per agent.
    /// </summary>
    public Result Plan()
    {
        var listed = new List<Listed>();
        var expired = new List<long>();
        var lists = new Dictionary<long, List<Listed>>();
        List<Listed> ListOf(long agent) => lists.TryGetValue(agent, out var l) ? l : lists[agent] = [];

        var kept = new List<Listed>();
        foreach (var c in carried)
        {
            if (c.State == WorkItemState.Snoozed)
            {
                if (c.SnoozedUntil is { } until && until > asOf)
                {
                    continue; // still snoozed: neither listed nor expired
                }
                if (Admit(_renewed.GetValueOrDefault(c.Id) ?? Reconstruct(c)) is { } back)
                {
                    kept.Add(new Listed(c.AgentId, back, c with { FirstListedOn = asOf }, Returned: true));
                }
                else
                {
                    expired.Add(c.Id);
                }
            }
            else if (_renewed.TryGetValue(c.Id, out var renewed) && Admit(renewed) is { } admitted
                && (asOf.DayNumber - c.FirstListedOn.DayNumber <= options.MaxAgeDays || c.Action == WorkAction.Handover))
            {
                kept.Add(new Listed(c.AgentId, admitted, c, Returned: false));
            }
            else
            {
                expired.Add(c.Id);
            }
        }
        // The places kept for sales: SalePlaces, or as many as the agent has selling items for, kept or new. Rolled-over
        // service work may not take them (a snoozed item coming back on its day may: the customer asked for that day).
        var keptCustomers = kept.Select(l => (l.AgentId, l.Candidate.CustomerId)).ToHashSet();
        var saleOffers = new Dictionary<long, int>();
        void CountSale(long agent) => saleOffers[agent] = saleOffers.GetValueOrDefault(agent) + 1;
        foreach (var l in kept.Where(l => l.Candidate.Purpose == WorkPurpose.Marketing))
        {
            CountSale(l.AgentId);
        }
        for (var i = 0; i < _bestSale.Length; i++)
        {
            if (SaleCandidate(i) is { } c && !keptCustomers.Contains((book.Rows[i].AgentId!.Value, c.CustomerId)))
            {
                CountSale(book.Rows[i].AgentId!.Value);
            }
        }
        foreach (var ((agent, _), _) in _others.Where(o => o.Value.Purpose == WorkPurpose.Marketing && Admit(o.Value) is not null && !keptCustomers.Contains(o.Key)))
        {
            CountSale(agent);
        }
        int Reserved(long agent) => Math.Min(Math.Min(options.SalePlaces, options.MaxItemsPerAgent), saleOffers.GetValueOrDefault(agent));

        var taken = new HashSet<(long Agent, long Customer)>();
        var serviceKept = new Dictionary<long, int>();
        // A handover (an orphaned customer's first contact, owed by a deadline) is kept first and whatever the cap: the
        // orphan service closes it, not the list's room.
        foreach (var l in kept.OrderByDescending(l => l.Candidate.Action == WorkAction.Handover).ThenByDescending(l => l.Returned)
            .ThenByDescending(l => l.Candidate.Priority))
        {
            var list = ListOf(l.AgentId);
            var service = l.Candidate.Purpose != WorkPurpose.Marketing;
            var full = l.Candidate.Action != WorkAction.Handover && (list.Count >= options.MaxItemsPerAgent
                || (service && !l.Returned && serviceKept.GetValueOrDefault(l.AgentId) >= options.MaxItemsPerAgent - Reserved(l.AgentId)));
            // A customer whose item is displaced is taken all the same: not listed again today as a new item without its age.
            if (!taken.Add((l.AgentId, l.Candidate.CustomerId)) || full)
            {
                expired.Add(l.Carried!.Id);
                continue;
            }
            list.Add(l);
            if (service)
            {
                serviceKept[l.AgentId] = serviceKept.GetValueOrDefault(l.AgentId) + 1;
            }
        }

        // The best new candidate of each customer, then each agent's best customers up to the cap. First the sale places:
        // each agent's best selling candidates (of customers whose best item is neither dated service nor retention) up to
        // SalePlaces less the selling items kept, so that a list is not all service work when sales are on offer; then
        // every customer's best candidate, by priority, into the places left.
        var byAgent = new Dictionary<long, PriorityQueue<Candidate, (double, double)>>();
        void Push(long agent, Candidate c, int cap)
        {
            if (taken.Contains((agent, c.CustomerId)))
            {
                return;
            }
            if (!byAgent.TryGetValue(agent, out var q))
            {
                byAgent[agent] = q = new PriorityQueue<Candidate, (double, double)>();
            }
            var room = cap - (lists.TryGetValue(agent, out var l) ? l.Count : 0);
            if (room <= 0)
            {
                return;
            }
            q.Enqueue(c, (c.Priority, c.Tie));
            if (q.Count > room)
            {
                q.Dequeue(); // the lowest
            }
        }
        var added = 0;
        void Drain()
        {
            foreach (var (agent, q) in byAgent)
            {
                var list = ListOf(agent);
                while (q.TryDequeue(out var c, out _))
                {
                    list.Add(new Listed(agent, c, null, Returned: false));
                    taken.Add((agent, c.CustomerId));
                    added++;
                }
            }
            byAgent.Clear();
        }
        if (options.SalePlaces > 0)
        {
            var keptSales = lists.ToDictionary(l => l.Key, l => l.Value.Count(x => x.Candidate.Purpose == WorkPurpose.Marketing));
            int SaleCap(long agent) =>
                Math.Min(options.MaxItemsPerAgent, (lists.TryGetValue(agent, out var l) ? l.Count : 0) + Reserved(agent) - keptSales.GetValueOrDefault(agent));
            for (var i = 0; i < _bestSale.Length; i++)
            {
                if (SaleCandidate(i) is { } c)
                {
                    var agent = book.Rows[i].AgentId!.Value;
                    Push(agent, c, SaleCap(agent));
                }
            }
            foreach (var ((agent, _), other) in _others.Where(o => o.Value.Purpose == WorkPurpose.Marketing))
            {
                if (Admit(other) is { } c)
                {
                    Push(agent, c, SaleCap(agent));
                }
            }
            Drain();
        }
        for (var i = 0; i < _best.Length; i++)
        {
            if (_best[i] is { } best && (Admit(best) ?? _service[i]) is { } c)
            {
                Push(book.Rows[i].AgentId!.Value, c, options.MaxItemsPerAgent);
            }
        }
        foreach (var ((agent, _), other) in _others)
        {
            if (Admit(other) is not { } c)
            {
                continue;
            }
            Push(agent, c, options.MaxItemsPerAgent);
        }
        Drain();
        foreach (var list in lists.Values)
        {
            listed.AddRange(list);
        }
        return new Result(listed, expired, lists.Count(l => l.Value.Count > 0), added,
            listed.Count(l => l.Carried is not null && !l.Returned), listed.Count(l => l.Returned));
    }

    /// <summary>
    /// A customer's best selling candidate for a sale place, unless their best item is work that should not wait for a
    /// sale: service due on a date (a maturity, a grace period's end, a birthday) or keeping a contract likely to lapse.
    /// </summary>
    private Candidate? SaleCandidate(int i) =>
        _best[i] is { Purpose: WorkPurpose.Service } b && (b.DueOn is not null || b.Action == WorkAction.Retention) ? null
        : _bestSale[i] is { } sale ? Admit(sale) : null;

    /// <summary>A returning snoozed item whose source no longer proposes it keeps the numbers it had.</summary>
    private static Candidate Reconstruct(Carried c) =>
        new(c.CustomerId, c.Action, c.Subject, c.Purpose, c.Channel, c.Probability, c.Value, c.Priority, c.Family, c.ContractId, c.CampaignContactId, c.DueOn) { Stale = true };
}
