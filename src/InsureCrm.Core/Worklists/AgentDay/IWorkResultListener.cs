namespace InsureCrm.Core.Worklists.AgentDay;

/// <summary>
/// A higher feature's part in an agent's recorded result (docs/worklists.md): the orphan service records a case's first
/// contact when the consultant reaches the customer of a <see cref="WorkAction.Handover"/> item. Worklists knows no feature
/// above it; a feature that needs to hear of results registers one of these, and <c>AgentDayService</c> calls each inside
/// the result's transaction, after the item and its result are saved, so both commit or neither does.
/// </summary>
public interface IWorkResultListener
{
    Task OnRecordedAsync(WorkItem item, WorkResult result, CancellationToken ct);
}
