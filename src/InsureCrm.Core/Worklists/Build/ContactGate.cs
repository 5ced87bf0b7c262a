using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;

namespace InsureCrm.Core.Worklists.Build;

/// <summary>
/// The contact policy on the planned lists (docs/consent.md, the one check every outbound path calls): each customer
/// with a selling item on a list is judged by <see cref="ConsentService.CheckManyAsync"/> for the day's first working
/// hour (<see cref="ContactPolicy.DayStart"/> in the policy's zone), on the channels the mart says they consented to —
/// a visit first, else a call. A customer refused on both loses their selling items (counted once under the policy's
/// first reason for the preferred channel) and keeps their best service item; the arbiter then plans again, so a freed
/// place goes to the next customer, and the customers who newly made a list with a selling item are judged in turn
/// until every selling item on every list has passed. Only listed customers are judged (about a tenth of the book),
/// so the check costs a fixed number of queries per 4,000 of them.
/// </summary>
internal static class ContactGate
{
    private const int Batch = 4000;

    /// <summary>The selling channels in the arbiter's order of preference.</summary>
    private static readonly WorkChannel[] Order = [WorkChannel.Visit, WorkChannel.Phone];

    /// <summary>The reason counted for a mart customer the policy does not know (erased or merged away since the mart was built).</summary>
    public const string NoCustomer = "NoCustomer";

    public static async Task<Arbiter.Result> PlanAsync(Arbiter arbiter, ConsentService consents, ContactPolicy policy, DateOnly asOf, CancellationToken ct)
    {
        var at = policy.MorningOf(asOf);
        var judged = new HashSet<long>();
        while (true)
        {
            var plan = arbiter.Plan();
            var pending = plan.Listed.Where(l => l.Candidate.Purpose == WorkPurpose.Marketing && !judged.Contains(l.Candidate.CustomerId))
                .DistinctBy(l => l.Candidate.CustomerId).Select(l => (l.Candidate.CustomerId, l.Candidate.Channel)).ToList();
            if (pending.Count == 0)
            {
                return plan;
            }
            var changed = false;
            foreach (var chunk in pending.Chunk(Batch))
            {
                changed |= await JudgeAsync(arbiter, consents, chunk, at, ct);
            }
            judged.UnionWith(pending.Select(p => p.CustomerId));
            if (!changed)
            {
                return plan;
            }
        }
    }

    /// <summary>Judges one batch of customers; true when a verdict changes the plan (a block or another channel).</summary>
    private static async Task<bool> JudgeAsync(Arbiter arbiter, ConsentService consents, (long CustomerId, WorkChannel Channel)[] customers, DateTimeOffset at, CancellationToken ct)
    {
        var book = arbiter.Book;
        var requests = new List<ContactRequest>(customers.Length * 2);
        var channels = new List<(long Customer, WorkChannel Channel)>(customers.Length * 2);
        foreach (var (id, listedOn) in customers)
        {
            // The arbiter admitted the customer on the mart's consent; the policy judges the channels in the same order. A
            // returning snoozed item of a customer the mart no longer lists (or lists without consent) is judged on its own.
            var i = book.IndexOf(id);
            var offered = i < 0 ? [] : Order.Where(c => c == WorkChannel.Visit ? book.Rows[i].ConsentVisit : book.Rows[i].ConsentPhone).ToArray();
            foreach (var channel in offered.Length == 0 ? [listedOn] : offered)
            {
                requests.Add(new ContactRequest(id, channel == WorkChannel.Visit ? ContactChannel.Visit : ContactChannel.Phone, ContactPurpose.Marketing, at));
                channels.Add((id, channel));
            }
        }
        var decisions = await consents.CheckManyAsync(requests, ct);
        var changed = false;
        foreach (var group in channels.Select((c, i) => (c.Customer, c.Channel, Decision: decisions[i])).GroupBy(x => x.Customer))
        {
            var first = group.First();
            if (group.FirstOrDefault(x => x.Decision is { Allowed: true }) is { Decision: not null } allowed)
            {
                if (allowed.Channel != first.Channel)
                {
                    arbiter.Rechannel(group.Key, allowed.Channel);
                    changed = true;
                }
                continue;
            }
            arbiter.Block(group.Key, first.Decision is { } d ? d.Reasons[0].ToString() : NoCustomer);
            changed = true;
        }
        return changed;
    }
}
