namespace InsureCrm.Core.Common;

/// <summary>
/// One step of the nightly chain (<c>Core/Nightly</c>), which runs every registered step in <see cref="Order"/>.
/// The contract sits here, below every feature, so that a feature below the chain (worklists, say) contributes
/// its step from its own folder by registering an <see cref="INightlyStep"/>, the way features contribute
/// their per-provider EF settings through <see cref="IProviderModelConfiguration"/>; the chain never lists it.
/// Register it as a singleton (the chain and the web host's job are singletons); it opens its own database
/// contexts per run, as the runners do.
/// </summary>
public interface INightlyStep
{
    /// <summary>The step's name in <c>insurecrm nightly run --from NAME</c> and in the logs: lower case, unique in the chain.</summary>
    string Name { get; }

    /// <summary>Where the step runs, lowest first; unique in the chain. The chain's own steps use 100 to 400.</summary>
    int Order { get; }

    /// <summary>
    /// Runs the step as of a date, after the steps before it. It must be safe to run again for the same date
    /// (a rerun resumes or replaces, never doubles); an exception fails it, and the chain stops there.
    /// </summary>
    Task<NightlyStepResult> RunAsync(DateOnly asOf, CancellationToken ct);
}

/// <summary>
/// What a step did: <paramref name="Summary"/>, lines for the CLI to print and the web host to log (counts, run ids
/// and reason codes only, never personal data), and <paramref name="SkippedByReason"/>, the customers or agents it
/// left out because a stored value is out of range, by reason code.
/// </summary>
public sealed record NightlyStepResult(IReadOnlyList<string> Summary, IReadOnlyDictionary<string, int>? SkippedByReason = null)
{
    public IReadOnlyDictionary<string, int> Skips => SkippedByReason ?? new Dictionary<string, int>();

    public int Skipped => Skips.Values.Sum();
}
