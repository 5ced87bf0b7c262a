using InsureCrm.Core.Security;
using InsureCrm.Core.Worklists;
using InsureCrm.Core.Worklists.AgentDay;
using InsureCrm.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace InsureCrm.Web.Worklists;

/// <summary>The body of <c>POST /api/today/{id}/result</c>: the result of a visit or call on one item, with the item version it was read at.</summary>
internal sealed record ResultBody(
    int Version, WorkOutcome? Outcome, WorkChannel? Channel, string? Notes, DateOnly? NextOn, DateOnly? AppointmentOn, TimeOnly? AppointmentAt,
    int? AppointmentMinutes, string? AppointmentPlace);

/// <summary>What a recorded result did.</summary>
internal sealed record ResultRecorded(long ItemId, WorkItemState State, int Version, long? InteractionId, long? AppointmentId);

/// <summary>
/// <c>/api/today</c>: the agent's list, one item and a result, for a phone app or a script. Only agents and CS consultants
/// linked to an agent have a list: anyone else whom the policy admits is told there is none (404, not 403, which only the
/// capability policy gives, as the authorization matrix checks); another agent's item answers like an unknown one (404).
/// </summary>
internal static class WorklistEndpoints
{
    public static IEndpointRouteBuilder MapWorklistEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/today").WithTags("Worklists").RequireAuthorization(Capability.CustomersView);
        api.MapGet("/", TodayAsync).WithName("TodayList");
        api.MapGet("/{id:long}", ItemAsync).WithName("TodayItem");
        api.MapPost("/{id:long}/result", RecordAsync).WithName("RecordWorkResult");
        return app;
    }

    public static async Task<Results<Ok<AgentDayList>, ProblemHttpResult>> TodayAsync(AgentDayService day, HttpContext http, CancellationToken ct) =>
        await day.TodayAsync(HttpCurrentUser.Required(http), ct) is { } list ? TypedResults.Ok(list) : NoList();

    public static async Task<Results<Ok<AgentDayDetail>, ProblemHttpResult>> ItemAsync(long id, AgentDayService day, HttpContext http, CancellationToken ct) =>
        await day.ItemAsync(HttpCurrentUser.Required(http), id, ct) is { } detail ? TypedResults.Ok(detail) : NotFound();

    public static async Task<Results<Ok<ResultRecorded>, ValidationProblem, ProblemHttpResult>> RecordAsync(
        long id, [FromBody] ResultBody body, AgentDayService day, HttpContext http, CancellationToken ct)
    {
        var missing = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (body.Outcome is null)
        {
            missing["outcome"] = [WorkResultErrors.English("outcome", WorkResultErrors.Required) + " One of " + string.Join(", ", Enum.GetNames<WorkOutcome>()) + "."];
        }
        if (body.Channel is null)
        {
            missing["channel"] = [WorkResultErrors.English("channel", WorkResultErrors.Required) + " Visit or Phone."];
        }
        if (missing.Count > 0)
        {
            return TypedResults.ValidationProblem(missing);
        }
        var outcome = await day.RecordAsync(HttpCurrentUser.Required(http), new WorkResultEntry(id, body.Version, body.Outcome!.Value, body.Channel!.Value,
            body.Notes, body.NextOn, body.AppointmentOn, body.AppointmentAt, body.AppointmentMinutes, body.AppointmentPlace), ct);
        return outcome.Status switch
        {
            WorkResultStatus.Recorded => TypedResults.Ok(new ResultRecorded(id, outcome.State!.Value, outcome.Version, outcome.InteractionId, outcome.AppointmentId)),
            WorkResultStatus.Invalid => TypedResults.ValidationProblem(outcome.Errors.ToDictionary(
                e => e.Key, e => e.Value.Select(code => WorkResultErrors.English(e.Key, code)).ToArray(), StringComparer.Ordinal)),
            WorkResultStatus.Conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: outcome.State is WorkItemState.Done or WorkItemState.Expired
                    ? "This item is closed; nothing was saved."
                    : "A result was recorded on this item meanwhile; nothing was saved.",
                detail: "Reload the item and record the result again if it still applies.",
                extensions: new Dictionary<string, object?> { ["currentVersion"] = outcome.Version, ["state"] = outcome.State?.ToString() }),
            WorkResultStatus.Forbidden => NoList(),
            _ => NotFound(),
        };
    }

    private static ProblemHttpResult NotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such item.");

    private static ProblemHttpResult NoList() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No daily list: only agents and CS consultants linked to an agent have one.");
}
