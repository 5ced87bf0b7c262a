using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.CallCenter;

/// <summary>
/// The demo's call center, once (until a call was recorded): the queues are built for the demo's date, as the nightly step
/// would, and the demo consultant (<c>callcenter</c>) works some of their items through <see cref="CallQueues"/>: three
/// happy calls completed with every checklist item answered yes, one with the copies of the policy and terms not received
/// (an escalation to the selling agent's branch — the demo manager's, when one of the day's happy calls was sold there: that
/// item is handed to the demo consultant first), two calls not answered and one call-back the next morning. Two colleagues
/// with narrower skills share the queues (<see cref="Colleagues"/>). So <c>callcenter</c>, <c>supervisor</c> and <c>manager</c>
/// each see real items, and the supervisor has someone to reassign calls to. Nothing is written that the services did not compute.
/// </summary>
internal sealed class DemoCallCenter(CrmDatabase database, CallCenterQueueBuild build, CallQueues queues, ILogger<DemoCallCenter> logger)
{
    public const int HappyCallsCompleted = 3;

    /// <summary>Returns the number of items the build queued (0 when a call was recorded already or the demo has no call-center login).</summary>
    public async Task<int> EnsureAsync(DateOnly asOf, CancellationToken ct)
    {
        AppUser? consultant;
        long? managerBranch;
        await using (var ctx = database.CreateContext())
        {
            // The first night's chain may have built the day's queues already (before the demo's models and logins): the
            // build is idempotent, so the demo builds again unless someone worked a call.
            if (await ctx.CallAttempts.AnyAsync(ct))
            {
                return 0;
            }
            consultant = await ctx.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == "callcenter" && u.Role == Role.CallCenter, ct);
            managerBranch = await ctx.Users.AsNoTracking().Where(u => u.UserName == "manager").Select(u => u.BranchId).FirstOrDefaultAsync(ct);
        }
        if (consultant is null)
        {
            return 0;
        }
        await EnsureColleaguesAsync(ct);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var summary = await build.BuildAsync(asOf, ct);
        var user = new CrmUser(consultant.Id, consultant.UserName, consultant.Role, null, null, null, "demo");
        await using var db = database.CreateContext();

        // The failed checklist goes to the demo manager's branch: one happy call sold there is the demo consultant's.
        var escalated = managerBranch is { } branch
            ? await (from i in db.CallQueueItems
                     join k in db.Contracts on i.ContractId equals k.Id
                     join a in db.Agents on k.SellingAgentId equals a.Id
                     where i.Kind == QueueKind.HappyCall && i.State == QueueItemState.Open && a.BranchId == branch
                     orderby i.Id
                     select i).FirstOrDefaultAsync(ct)
            : null;
        if (escalated is not null && escalated.AssignedUserId != user.UserId)
        {
            escalated.AssignedUserId = user.UserId;
            escalated.AssignedOn = asOf;
            await db.SaveChangesAsync(ct);
        }
        var mine = await db.CallQueueItems.AsNoTracking().Where(i => i.AssignedUserId == user.UserId && i.State == QueueItemState.Open)
            .OrderBy(i => i.Id).Select(i => new { i.Id, i.Kind }).ToListAsync(ct);
        var yes = Enum.GetValues<ChecklistItem>().ToDictionary(c => c, _ => true);
        var worked = 0;
        foreach (var happy in mine.Where(i => i.Kind == QueueKind.HappyCall && i.Id != escalated?.Id).Take(HappyCallsCompleted))
        {
            worked += Count(await queues.RecordAsync(user, happy.Id, new CallEntry(CallOutcomeCode.Completed, "완전판매 확인 완료", null, yes), ct));
        }
        if (escalated is not null)
        {
            var failed = Enum.GetValues<ChecklistItem>().ToDictionary(c => c, c => c != ChecklistItem.CopiesReceived);
            worked += Count(await queues.RecordAsync(user, escalated.Id,
                new CallEntry(CallOutcomeCode.Completed, "청약서 부본·약관을 받지 못했다고 함", null, failed), ct));
        }
        var others = mine.Where(i => i.Kind != QueueKind.HappyCall).ToList();
        foreach (var item in others.Take(2))
        {
            worked += Count(await queues.RecordAsync(user, item.Id, new CallEntry(CallOutcomeCode.NoAnswer, null, null, null), ct));
        }
        if (others.Skip(2).FirstOrDefault() is { } callBack)
        {
            var tomorrow = DateOnly.FromDateTime(queues.Now).AddDays(1);
            var at = new DateTimeOffset(tomorrow.ToDateTime(new TimeOnly(10, 0)), TimeSpan.FromHours(9));
            worked += Count(await queues.RecordAsync(user, callBack.Id, new CallEntry(CallOutcomeCode.CallBack, "내일 오전에 다시 연락 요청", at, null), ct));
        }
        logger.LogInformation("Demo call center: {Items} items queued ({Refused} refused by the contact policy), {Worked} worked by the demo consultant, escalation {Escalated}, in {Ms} ms",
            summary.New, summary.Refused.Values.Sum(), worked, escalated is not null, watch.ElapsedMilliseconds);
        return summary.New;
    }

    /// <summary>
    /// The demo consultant's two colleagues, so the distribution spreads the queues by skill and load and the supervisor has
    /// someone to reassign to: <c>callcenter2</c> takes happy calls and campaign lists, <c>callcenter3</c> interest, prospect and
    /// lapse-risk calls. They sign in with the demo password like every demo login.
    /// </summary>
    private async Task EnsureColleaguesAsync(CancellationToken ct)
    {
        await using var db = database.CreateContext();
        foreach (var (account, kinds) in Colleagues)
        {
            if (await db.Users.AnyAsync(u => u.UserName == account.UserName, ct))
            {
                continue;
            }
            db.Users.Add(DemoUsers.NewAccount(account, queues.Now));
            await db.SaveChangesAsync(ct);
            await queues.SetSkillsAsync(account.UserName, kinds, ct);
        }
    }

    internal static readonly (DemoAccount Account, QueueKind[] Kinds)[] Colleagues =
    [
        (new("callcenter2", Role.CallCenter, "Demo call center 2"), [QueueKind.HappyCall, QueueKind.Campaign]),
        (new("callcenter3", Role.CallCenter, "Demo call center 3"), [QueueKind.Interest, QueueKind.Prospect, QueueKind.LapseRisk]),
    ];

    private static int Count(CallRecordResult r) => r.Status == CallRecordStatus.Recorded ? 1 : 0;
}
