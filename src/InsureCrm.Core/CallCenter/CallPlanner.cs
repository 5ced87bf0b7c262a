using InsureCrm.Core.CallCenter.Inbound;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;

namespace InsureCrm.Core.CallCenter;

/// <summary>
/// When a call asked for at an instant may be made: the first instant from it that the contact policy allows for a
/// contract-maintenance call to that customer (<see cref="ConsentService.CheckAsync"/>: its quiet hours, 21:00–08:00) and that
/// falls on a day the Korean business-day calendar opens (<see cref="KoreanBusinessCalendar"/>: weekends, public holidays with
/// their substitutes). The one rule for a callback promised on the inbound console and for an outbound queue item's retry or
/// call-back, so that neither is planned for a quiet hour or a holiday.
/// </summary>
internal sealed class CallPlanner(ConsentService consents, ContactPolicy policy, KoreanBusinessCalendar calendar)
{
    /// <summary>
    /// The instant the call is due and, when that is not <paramref name="at"/>, why the first move was made. Null for an unknown
    /// (or merged) customer.
    /// </summary>
    public async Task<(DateTimeOffset DueAt, CallbackMove? Moved)?> PlanAsync(long customerId, DateTimeOffset at, CancellationToken ct = default)
    {
        var due = at;
        CallbackMove? moved = null;
        // Each move goes to a later morning; a fortnight of closed days in a row does not happen (Chuseok with a weekend is 5).
        for (var step = 0; step < 30; step++)
        {
            var decision = await consents.CheckAsync(new ContactRequest(customerId, ContactChannel.Phone, ContactPurpose.ContractMaintenance, due), ct);
            if (decision is null)
            {
                return null;
            }
            if (!decision.Allowed && decision.NextAllowedAt is { } next)
            {
                due = next;
                moved ??= CallbackMove.QuietHours;
                continue;
            }
            var day = policy.LocalDate(due);
            if (!calendar.IsBusinessDay(day))
            {
                due = policy.MorningOf(calendar.AddBusinessDays(day, 0));
                moved ??= CallbackMove.NonBusinessDay;
                continue;
            }
            return (due, moved);
        }
        return (due, moved);
    }
}
