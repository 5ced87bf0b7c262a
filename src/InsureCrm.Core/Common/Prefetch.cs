namespace InsureCrm.Core.Common;

/// <summary>For loops that read the next chunk while handling this one.</summary>
internal static class Prefetch
{
    /// <summary>
    /// Waits for a read in flight to end, whatever its outcome (a failure is observed and dropped), so that a
    /// loop that fails does not leave a read running against the database behind it.
    /// </summary>
    public static Task EndedAsync(Task? inFlight) =>
        inFlight is null || inFlight.IsCompleted
            ? Task.CompletedTask
            : inFlight.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
