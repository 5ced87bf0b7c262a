using System.Globalization;
using InsureCrm.Core.Common;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.CallCenter;

/// <summary>The nightly chain's call-queue step: after the worklists (600), the day's outbound queues.</summary>
internal sealed class CallCenterQueueStep(IServiceScopeFactory scopes) : INightlyStep
{
    public string Name => "callcenter";

    public int Order => 650;

    public async Task<NightlyStepResult> RunAsync(DateOnly asOf, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var s = await scope.ServiceProvider.GetRequiredService<CallCenterQueueBuild>().BuildAsync(asOf, ct);
        return new NightlyStepResult([Describe(s)], s.Refused);
    }

    /// <summary>One line for the chain's summary and the CLI.</summary>
    public static string Describe(QueueBuildSummary s) => string.Create(CultureInfo.InvariantCulture,
        $"Call queues as of {s.AsOf:yyyy-MM-dd}: {s.New} new items ({string.Join(", ", s.NewByKind.Select(k => $"{k.Key} {k.Value}"))}), {s.Carried} carried, {s.Replaced} unworked of the day replaced, {s.Expired} expired, {s.Refused.Values.Sum()} refused by the contact policy, {s.Assigned} assigned to {s.Consultants} consultants ({s.Unassigned} waiting{(s.Released > 0 ? $"; {s.Released} taken back from inactive accounts" : "")}) in {s.Elapsed.TotalSeconds:0.0} s.");
}
