using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Core.Worklists.AgentDay;
using InsureCrm.Core.Worklists.Build;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Worklists;

/// <summary>
/// The demo's agent days, once (until a result exists): the lists of the last <see cref="Days"/> days built night by night, each day's results
/// recorded through the agent's own service (as each agent would have entered them, at a time of that day), and
/// today's lists. So a new user sees lists with ages, results in customers' histories, appointments in the calendar and
/// the branch manager's completion figures at once. Agents differ in diligence (how much of their list they work) so
/// that the branch view has excellent and at-risk agents to show; the draw is seeded.
/// </summary>
internal sealed class DemoWorklists(CrmDatabase database, IServiceProvider services, TimeProvider time, ILogger<DemoWorklists> logger)
{
    public const int Days = 5;
    private const int Seed = 14;

    public async Task EnsureAsync(DateOnly asOf, CancellationToken ct)
    {
        await using (var ctx = database.CreateContext())
        {
            if (await ctx.WorkResults.AnyAsync(ct))
            {
                return;
            }
            // The first night's chain (run before the demo's models existed) made today's lists without model items:
            // they are the demo's own and are made again, after the history, from the scores.
            await ctx.WorkItems.ExecuteDeleteAsync(ct);
            await ctx.WorklistRuns.ExecuteDeleteAsync(ct);
        }
        var builder = services.GetRequiredService<WorklistBuilder>();
        var random = new Random(Seed);
        var recorded = 0;
        for (var day = asOf.AddDays(-Days); day < asOf; day = day.AddDays(1))
        {
            await builder.BuildAsync(day, ct);
            recorded += await WorkTheDayAsync(day, random, ct);
        }
        var today = await builder.BuildAsync(asOf, ct);
        logger.LogInformation("Demo worklists: {Days} days of results ({Recorded} recorded), {Open} items open today for {Agents} agents",
            Days, recorded, today.Open, today.Agents);
    }

    /// <summary>Each agent works the top of their list in a share given by their diligence, between 09:00 and 18:00 of the day.</summary>
    private async Task<int> WorkTheDayAsync(DateOnly day, Random random, CancellationToken ct)
    {
        await using var ctx = database.CreateContext();
        var items = await ctx.WorkItems.AsNoTracking().Where(i => i.State == WorkItemState.Open && i.CampaignContactId == null)
            .OrderBy(i => i.AgentId).ThenByDescending(i => i.Priority).ToListAsync(ct);
        var agents = await ctx.Agents.AsNoTracking().Select(a => new { a.Id, a.Code, a.BranchId, a.Kind }).ToDictionaryAsync(a => a.Id, ct);
        var clock = new DayClock(time);
        await using var scope = services.CreateAsyncScope();
        var service = ActivatorUtilities.CreateInstance<AgentDayService>(scope.ServiceProvider, clock);
        var recorded = 0;
        foreach (var group in items.GroupBy(i => i.AgentId))
        {
            if (!agents.TryGetValue(group.Key, out var agent))
            {
                continue;
            }
            var user = new CrmUser(0, "demo-" + agent.Code, agent.Kind == AgentKind.Cs ? Role.CsConsultant : Role.Agent, agent.Id, agent.BranchId, null, "demo");
            var share = Diligence(agent.Id);
            var list = group.ToList();
            var work = (int)Math.Round(list.Count * share);
            var minute = 9 * 60;
            foreach (var item in list.Take(work))
            {
                minute += random.Next(15, 60);
                clock.Now = new DateTimeOffset(day.ToDateTime(new TimeOnly(Math.Min(minute, 18 * 60) / 60, Math.Min(minute, 18 * 60) % 60)), TimeSpan.FromHours(9));
                var (outcome, next, appointment) = Draw(item, day, random);
                var entry = new WorkResultEntry(item.Id, item.Version, outcome, item.Channel, NextOn: next,
                    AppointmentOn: appointment, AppointmentAt: appointment is null ? null : new TimeOnly(10 + random.Next(0, 7), 0));
                if ((await service.RecordAsync(user, entry, ct)).Status == WorkResultStatus.Recorded)
                {
                    recorded++;
                }
            }
        }
        return recorded;
    }

    /// <summary>How much of their list an agent works: most 60–95 %, one in five only 10–40 % (the at-risk ones).</summary>
    private static double Diligence(long agentId)
    {
        var r = new Random(unchecked((int)(agentId * 7919 + Seed)));
        return r.NextDouble() < 0.2 ? 0.1 + r.NextDouble() * 0.3 : 0.6 + r.NextDouble() * 0.35;
    }

    private static (WorkOutcome Outcome, DateOnly? Next, DateOnly? Appointment) Draw(WorkItem item, DateOnly day, Random random)
    {
        var x = random.NextDouble();
        if (item.Purpose == WorkPurpose.Marketing)
        {
            return x switch
            {
                < 0.20 => (WorkOutcome.NotReached, null, null),
                < 0.32 => (WorkOutcome.Refused, null, null),
                < 0.62 => (item.Channel == WorkChannel.Visit ? WorkOutcome.Met : WorkOutcome.Reached, null, null),
                < 0.77 => (WorkOutcome.Interested, day.AddDays(3), null),
                < 0.90 => (WorkOutcome.Appointment, null, day.AddDays(random.Next(1, 6))),
                _ => (WorkOutcome.Sold, null, null),
            };
        }
        return x switch
        {
            < 0.20 => (WorkOutcome.NotReached, null, null),
            < 0.85 => (WorkOutcome.ServiceDone, null, null),
            < 0.95 => (item.Channel == WorkChannel.Visit ? WorkOutcome.Met : WorkOutcome.Reached, null, null),
            _ => (WorkOutcome.NotApplicable, null, null),
        };
    }

    /// <summary>The past day's time the results are entered at; everything else (timers, time zones) is the real clock's.</summary>
    private sealed class DayClock(TimeProvider real) : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();

        public override TimeZoneInfo LocalTimeZone => real.LocalTimeZone;
    }
}
