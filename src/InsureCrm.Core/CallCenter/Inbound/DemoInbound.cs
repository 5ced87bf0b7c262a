using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.CallCenter.Inbound;

/// <summary>
/// The demo's inbound calls, once (until a contact is logged): the demo <c>callcenter</c> consultant logged a few calls
/// through the console's service (a claim's documents, an address change, a complaint flagged for VOC) and has callbacks:
/// one overdue since this morning, one later today or on the next allowed time (moved out of quiet hours and closed days
/// as any callback is), one for the team tomorrow. The customers are the first live customers with an active agent, by id.
/// </summary>
internal sealed class DemoInbound(CrmDbContext db, InboundContacts contacts, Callbacks callbacks, TimeProvider time, ILogger<DemoInbound> logger)
{
    public const string User = "callcenter";

    private static readonly (string Reason, InboundOutcome Outcome, string Notes)[] Calls =
    [
        ("claim.documents", InboundOutcome.Resolved, "입원 보험금 청구 서류(진단서, 입퇴원확인서) 안내, 모바일 청구 방법 설명"),
        ("contract.address", InboundOutcome.CallbackNeeded, "이사 예정, 새 주소 확정 후 다시 연락 요청"),
        ("complaint.service", InboundOutcome.ComplaintToVoc, "지급 안내 지연에 대한 불만, VOC 접수 희망"),
    ];

    /// <summary>Returns the number of calls logged (0 when the demo had some already or has no call center login).</summary>
    public async Task<int> EnsureAsync(CancellationToken ct)
    {
        if (await db.InboundContacts.AnyAsync(ct))
        {
            return 0;
        }
        var account = await db.Users.AsNoTracking().Where(u => u.UserName == User && u.Role == Role.CallCenter)
            .Select(u => new { u.Id, u.UserName }).FirstOrDefaultAsync(ct);
        if (account is null)
        {
            return 0;
        }
        var user = new CrmUser(account.Id, account.UserName, Role.CallCenter, null, null, null, "demo-setup");
        var customers = await (from k in db.Contracts.AsNoTracking()
                               join a in db.Agents.AsNoTracking() on k.ServicingAgentId equals a.Id
                               join c in db.Customers.AsNoTracking() on k.CustomerId equals c.Id
                               where a.Status == AgentStatus.Active && c.MergedIntoId == null
                                   && (k.Status == ContractStatus.InForce || k.Status == ContractStatus.Reinstated)
                               orderby c.Id
                               select c.Id).Distinct().OrderBy(id => id).Take(Calls.Length + 2).ToListAsync(ct);
        if (customers.Count < Calls.Length + 2)
        {
            return 0;
        }
        var reason = AccessReason.Compose(AccessReason.Inquiry)!;
        var logged = new List<long>();
        for (var i = 0; i < Calls.Length; i++)
        {
            var (code, outcome, notes) = Calls[i];
            var result = await contacts.LogAsync(user, customers[i], new InboundContactEntry(code, outcome, notes), reason, ct);
            if (result.Id is { } id)
            {
                logged.Add(id);
            }
        }
        var now = time.GetUtcNow();
        // Overdue since this morning: inserted as it was scheduled then (a time in the past cannot be scheduled now).
        db.Callbacks.Add(new Callback
        {
            CustomerId = customers[1], InboundContactId = logged.ElementAtOrDefault(1), DueAt = now.AddHours(-2).UtcDateTime,
            RequestedAt = now.AddHours(-2).UtcDateTime, Note = "새 주소 확인 후 주소 변경 처리", AssignedTo = User, CreatedBy = User,
            CreatedAt = now.AddHours(-5).UtcDateTime, Status = CallbackStatus.Due,
        });
        await db.SaveChangesAsync(ct);
        await callbacks.ScheduleAsync(user, new CallbackRequest(customers[3], now.AddHours(1), "해지환급금 재안내 요청", ForTeam: false), reason, ct);
        await callbacks.ScheduleAsync(user, new CallbackRequest(customers[4], now.AddDays(1), "청구 서류 접수 여부 확인", ForTeam: true), reason, ct);
        logger.LogInformation("Demo inbound calls: {Calls} logged, 3 callbacks for the demo call center consultant", logged.Count);
        return logged.Count;
    }
}
