using System.Globalization;
using InsureCrm.Core.Worklists;
using InsureCrm.Core.Worklists.AgentDay;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Orphans;

/// <summary>
/// A CS consultant who reaches an orphaned customer from their worklist (`/today`: met, spoke, or the service done) has made
/// the case's first contact: it is recorded on the case as if entered on the orphan page, with the result's day and notes,
/// so the case leaves the backlog and its deadline stops counting. "Not reached" and "does not apply" record nothing. A case
/// that has meanwhile gone elsewhere (superseded, returned to its agent) keeps its state; the result stays on the worklist.
/// </summary>
internal sealed class HandoverFirstContact(OrphanService orphans, ILogger<HandoverFirstContact> logger) : IWorkResultListener
{
    public async Task OnRecordedAsync(WorkItem item, WorkResult result, CancellationToken ct)
    {
        if (item.Action != WorkAction.Handover || !IsContact(result.Outcome) || CaseIdOf(item.Subject) is not { } caseId)
        {
            return;
        }
        try
        {
            await orphans.RecordFirstContactAsync(caseId, result.RecordedBy, result.Day, result.Notes, ct);
        }
        catch (OrphanRequestException)
        {
            logger.LogInformation("Worklist item {Item}: orphan case {Case} is no longer open for a first contact; the result stays on the worklist only",
                item.Id, caseId);
        }
    }

    /// <summary>The customer was reached: in person, by phone, or the service itself was done.</summary>
    private static bool IsContact(WorkOutcome outcome) =>
        outcome is WorkOutcome.Met or WorkOutcome.Reached or WorkOutcome.Refused or WorkOutcome.Interested or WorkOutcome.Appointment
            or WorkOutcome.Sold or WorkOutcome.ServiceDone;

    /// <summary>The case of a handover item's subject, <c>O{case id}</c> (<see cref="Handovers.SubjectOf"/>).</summary>
    private static long? CaseIdOf(string? subject) =>
        subject is ['O', .. var digits] && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
}
