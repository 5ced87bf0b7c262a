using InsureCrm.Core.Common;
using InsureCrm.Core.Models;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Worklists;

namespace InsureCrm.Tests.Worklists;

/// <summary>Work items written straight into a test's database (the nightly builder that makes them is not under test here).</summary>
public static class WorkItemSeed
{
    /// <summary>A retention item: 85 % likely to lapse, the model's top reason a high premium burden.</summary>
    public static WorkItem Retention(long agentId, long customerId, DateOnly firstListedOn, double priority = 100) => new()
    {
        AgentId = agentId, CustomerId = customerId, Action = WorkAction.Retention, Subject = "K1", Purpose = WorkPurpose.Service,
        Priority = priority, Probability = 0.85, Value = 1_000_000m, Channel = WorkChannel.Visit,
        FirstListedOn = firstListedOn, ListedOn = firstListedOn, State = WorkItemState.Open,
        Facts = new WorkFacts
        {
            Model = "lapse-contract", ContractNumber = "L-0001", ProductName = "무배당 종신보험", Grade = "A", Segment = "S2",
            Reasons = [new ScoreReason("premiumBurden", "0.42", 0.8)],
        }.ToJson(),
    };

    /// <summary>A maturity item due on a given day.</summary>
    public static WorkItem Maturing(long agentId, long customerId, DateOnly firstListedOn, DateOnly maturesOn, double priority = 50) => new()
    {
        AgentId = agentId, CustomerId = customerId, Action = WorkAction.Maturing, Subject = "K2", Purpose = WorkPurpose.Service,
        Priority = priority, Probability = 1, Value = 300_000m, Channel = WorkChannel.Phone, DueOn = maturesOn,
        FirstListedOn = firstListedOn, ListedOn = firstListedOn, State = WorkItemState.Open,
        Facts = new WorkFacts { ProductName = "저축보험", Date = maturesOn, Grade = "B" }.ToJson(),
    };

    /// <summary>An unpaid-premium item: 3 of the last 6 monthly premiums unpaid, paid to 2026-01-15, grace until 2026-02-28.</summary>
    public static WorkItem UnpaidPremium(long agentId, long customerId, DateOnly firstListedOn, double priority = 200) => new()
    {
        AgentId = agentId, CustomerId = customerId, Action = WorkAction.UnpaidPremium, Subject = "K3", Purpose = WorkPurpose.Service,
        Priority = priority, Probability = 1, Value = 240_000m, Channel = WorkChannel.Phone, DueOn = new DateOnly(2026, 2, 28),
        FirstListedOn = firstListedOn, ListedOn = firstListedOn, State = WorkItemState.Open,
        Facts = new WorkFacts
        {
            ContractNumber = "L-0003", ProductName = "무배당 건강보험", Premium = 200_000m, PaymentMode = PaymentMode.Monthly,
            Unpaid = 3, UnpaidOutOf = 6, PaidTo = new DateOnly(2026, 1, 15), Date = new DateOnly(2026, 2, 28), Grade = "B",
        }.ToJson(),
    };

    /// <summary>A cross-sell item for a family.</summary>
    public static WorkItem CrossSell(long agentId, long customerId, DateOnly firstListedOn, ProductFamily family, double priority = 70) => new()
    {
        AgentId = agentId, CustomerId = customerId, Action = WorkAction.CrossSell, Subject = "F" + family, Purpose = WorkPurpose.Marketing,
        Priority = priority, Probability = 0.31, Value = 1_200_000m, Family = family, Channel = WorkChannel.Visit,
        FirstListedOn = firstListedOn, ListedOn = firstListedOn, State = WorkItemState.Open,
        Facts = new WorkFacts { Model = "purchase-" + family, Grade = "B", Segment = "S1" }.ToJson(),
    };

    public static async Task<List<long>> AddAsync(CrmDbContext ctx, params WorkItem[] items)
    {
        ctx.WorkItems.AddRange(items);
        await ctx.SaveChangesAsync();
        return [.. items.Select(i => i.Id)];
    }
}
